"""PostgreSQL: the rows a source's removal takes with it, removed by the
database (ON DELETE CASCADE or SET NULL), as Django's on_delete says.

So removing a source is one statement there, its history's INSERT included
(annotations/services/sources.py), where Django's collector first read each
kind of dependent row. The constraints stay deferrable; a referential action
runs at once whatever its constraint's timing. Django cannot declare these
actions in models (5.2), so they are set here and checked by
tests/test_returning.py against each field's on_delete. Nothing changes on
SQLite, where the collector still removes the dependent rows.
"""

from django.db import migrations

# (table, column, referenced table, action): what removing a source reaches.
ACTIONS = [
    ("annotations_sourcesnapshot", "source_id", "annotations_source", "CASCADE"),
    ("annotations_job", "source_id", "annotations_source", "CASCADE"),
    ("annotations_pagefetch", "job_id", "annotations_job", "CASCADE"),
    ("annotations_webhookdelivery", "job_id", "annotations_job", "CASCADE"),
    ("annotations_source", "archive_id", "annotations_sourcesnapshot", "SET NULL"),
]

FIND = """
SELECT c.conname FROM pg_constraint c
JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
WHERE c.contype = 'f' AND c.conrelid = %s::regclass AND a.attname = %s
"""


def set_actions(with_actions: bool):
    def change(apps, schema_editor) -> None:
        connection = schema_editor.connection
        if connection.vendor != "postgresql":
            return
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            for table, column, target, action in ACTIONS:
                cursor.execute(FIND, [table, column])
                (name,) = cursor.fetchone()
                deleting = f" ON DELETE {action}" if with_actions else ""
                # Only the constant names above are formatted into the SQL.
                cursor.execute(
                    f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}, "
                    f"ADD CONSTRAINT {quote(name)} FOREIGN KEY ({quote(column)}) "
                    f"REFERENCES {quote(target)} (id){deleting} "
                    "DEFERRABLE INITIALLY DEFERRED"
                )

    return change


class Migration(migrations.Migration):
    dependencies = [("annotations", "0020_long_text_lz4")]

    operations = [
        migrations.RunPython(set_actions(True), set_actions(False), elidable=False)
    ]
