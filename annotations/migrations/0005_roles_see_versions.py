"""Roles again, now that article versions exist: every role may read them.

The refresh this migration made now follows every `migrate` (post_migrate,
annotations/apps.py), so it is a no-op that keeps the migration graph.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("annotations", "0004_assistance")]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)
    ]
