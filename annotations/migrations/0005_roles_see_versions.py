"""Roles again, now that article versions exist: every role may read them."""

from django.db import migrations

from annotations import roles


def refresh_roles(apps, schema_editor):
    roles.install_roles(apps)


class Migration(migrations.Migration):
    dependencies = [("annotations", "0004_assistance")]

    operations = [migrations.RunPython(refresh_roles, migrations.RunPython.noop)]
