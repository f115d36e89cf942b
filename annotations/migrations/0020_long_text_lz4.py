# Long texts compressed with LZ4 instead of PostgreSQL's default pglz.
#
# An article's text is stored once per import and read whole by the
# workspace; pglz took 25 ms of a 1 MB import's stored part, LZ4 about a
# third of that (bench/import_bench.py), and LZ4 also decompresses faster.
# Only values written from now on; the server must be built with LZ4 (Debian's
# is), otherwise nothing changes. PostgreSQL only.

from django.db import migrations

LONG_COLUMNS = [
    ("annotations_article", "text"),
    ("annotations_articleversion", "text"),
    ("annotations_articlecapture", "html"),
]


def compress_with(method: str):
    def alter(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(
                "SELECT %s = ANY(enumvals) FROM pg_settings "
                "WHERE name = 'default_toast_compression'",
                [method],
            )
            found = cursor.fetchone()
        if not (found and found[0]):
            return  # built without it (or before PostgreSQL 14): as it was
        for table, column in LONG_COLUMNS:
            schema_editor.execute(
                f"ALTER TABLE {table} ALTER COLUMN {column} SET COMPRESSION {method}"
            )

    return alter


class Migration(migrations.Migration):

    dependencies = [
        ("annotations", "0019_indexes_without_new_claims"),
    ]

    operations = [
        migrations.RunPython(compress_with("lz4"), compress_with("pglz")),
    ]
