"""The desk's roles as groups: viewer, editor, reviewer and admin.

This migration once created them; now every `migrate` does, after the last
migration (annotations/apps.py connects roles.install_roles to post_migrate),
so no migration depends on how roles.py reads today.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("annotations", "0002_review_workflow"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("authtoken", "0004_alter_tokenproxy_options"),
        ("axes", "0010_accessattemptexpiration"),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)
    ]
