"""The desk's roles as groups: viewer, editor, reviewer and admin."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

VIEWER = [
    "annotations.view_article",
    "annotations.view_claim",
    "annotations.view_source",
    "annotations.view_comment",
    "annotations.view_correction",
    "annotations.add_comment",
]
EDITOR = VIEWER + [
    "annotations.add_article",
    "annotations.change_article",
    "annotations.change_claim",
    "annotations.add_source",
    "annotations.change_source",
    "annotations.delete_source",
    "annotations.add_correction",
    "annotations.view_historicalclaim",
    "annotations.view_historicalsource",
]
REVIEWER = EDITOR + ["annotations.review_claim", "annotations.change_correction"]
ADMIN = REVIEWER + [
    "annotations.delete_article",
    "annotations.change_comment",
    "annotations.delete_comment",
    "auth.view_user",
    "auth.add_user",
    "auth.change_user",
    "auth.view_group",
    "authtoken.view_tokenproxy",
    "authtoken.add_tokenproxy",
    "authtoken.delete_tokenproxy",
    "axes.view_accessattempt",
    "axes.delete_accessattempt",
]
ROLES = {"viewer": VIEWER, "editor": EDITOR, "reviewer": REVIEWER, "admin": ADMIN}


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations have run; the
    # groups need them now.
    for config in apps.get_app_configs():
        config.models_module = True
        create_permissions(config, verbosity=0)
        config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, names in ROLES.items():
        group, _ = Group.objects.get_or_create(name=role)
        wanted = [name.split(".") for name in names]
        permissions = [
            Permission.objects.get(content_type__app_label=app, codename=codename)
            for app, codename in wanted
        ]
        group.permissions.set(permissions)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("annotations", "0002_review_workflow"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("authtoken", "0004_alter_tokenproxy_options"),
        ("axes", "0010_accessattemptexpiration"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
