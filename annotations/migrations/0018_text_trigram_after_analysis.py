# Search's trigram index on claim text holds the claims analysed; a b-tree
# holds the ids of the rest.
#
# Extracting a claim's trigrams was half of an import's COPY into the claim
# table (about 170 ms of 340 for 10,000 claims, timed by hand). The
# analysis worker writes every claim's normalised text soon after the import
# (annotations/assisting.py), and that UPDATE puts the row into this index;
# until then search finds the claim through claim_unanalysed_idx. The two
# predicates are each other's opposite, so search (queries/search.py, which
# asks both) misses nothing whatever normalised holds. PostgreSQL only, as
# migrations 0004 and 0016.

from django.db import migrations


def index_analysed_text(apps, schema_editor):
    rebuild(schema_editor, "WHERE normalised <> ''")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX claim_unanalysed_idx ON annotations_claim (id) "
            "WHERE normalised = ''"
        )


def index_every_text(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS claim_unanalysed_idx")
    rebuild(schema_editor, "")


def rebuild(schema_editor, where: str) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS claim_text_trgm")
    schema_editor.execute(
        "CREATE INDEX claim_text_trgm ON annotations_claim "
        f"USING gin (text gin_trgm_ops) {where}"
    )


class Migration(migrations.Migration):

    dependencies = [
        ("annotations", "0017_claim_keyset_indexes"),
    ]

    operations = [
        migrations.RunPython(index_analysed_text, index_every_text),
    ]
