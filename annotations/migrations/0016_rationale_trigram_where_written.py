# Search's trigram index on rationales holds only the rationales written.
#
# A new claim has an empty rationale, and every claim an import stores went
# into this GIN index for nothing (search reads only rationales that are not
# empty: queries/search.py). PostgreSQL only, as migration 0004.

from django.db import migrations


def index_written_rationales(apps, schema_editor):
    rebuild(schema_editor, "WHERE rationale <> ''")


def index_every_rationale(apps, schema_editor):
    rebuild(schema_editor, "")


def rebuild(schema_editor, where: str) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS claim_rationale_trgm")
    schema_editor.execute(
        "CREATE INDEX claim_rationale_trgm ON annotations_claim "
        f"USING gin (rationale gin_trgm_ops) {where}"
    )


class Migration(migrations.Migration):

    dependencies = [
        ("annotations", "0015_claim_indexes_where_used"),
    ]

    operations = [
        migrations.RunPython(index_written_rationales, index_every_rationale),
    ]
