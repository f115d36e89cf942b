"""Claims get a permanent public id, what public links name them by.

Existing claims get theirs here: the column is added empty, filled with a
fresh random id per row, and only then made required and unique.
"""

from django.db import migrations, models

import annotations.models

BATCH = 1000


def give_public_ids(apps, schema_editor):
    Claim = apps.get_model("annotations", "Claim")
    rows = Claim.objects.filter(public_id__isnull=True).only("id").order_by("id")
    batch = []
    for claim in rows.iterator(chunk_size=BATCH):
        claim.public_id = annotations.models.new_public_id()
        batch.append(claim)
        if len(batch) == BATCH:
            Claim.objects.bulk_update(batch, ["public_id"])
            batch = []
    Claim.objects.bulk_update(batch, ["public_id"])


class Migration(migrations.Migration):
    dependencies = [("annotations", "0006_hygiene")]

    operations = [
        migrations.AddField(
            model_name="claim",
            name="public_id",
            field=models.CharField(
                editable=False, max_length=12, null=True, verbose_name="public id"
            ),
        ),
        migrations.RunPython(give_public_ids, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="claim",
            name="public_id",
            field=models.CharField(
                default=annotations.models.new_public_id,
                editable=False,
                max_length=12,
                verbose_name="public id",
            ),
        ),
        migrations.AddConstraint(
            model_name="claim",
            constraint=models.UniqueConstraint(
                fields=("public_id",), name="claim_unique_public_id"
            ),
        ),
        migrations.AddConstraint(
            model_name="claim",
            constraint=models.CheckConstraint(
                condition=models.Q(("public_id", ""), _negated=True),
                name="claim_public_id_present",
            ),
        ),
    ]
