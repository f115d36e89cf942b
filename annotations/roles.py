"""Who may do what: the desk's roles and the checks the services make.

The roles are Django groups created by migration 0003 with these names. A
user's permissions come from their group (or from being a superuser), so the
admin manages roles by moving people between groups.
"""

from __future__ import annotations

from django.apps import apps as django_apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

VIEWER = "viewer"
EDITOR = "editor"
REVIEWER = "reviewer"
ADMIN = "admin"
ROLES = (VIEWER, EDITOR, REVIEWER, ADMIN)

# The permission that stands for each role's powers.
VIEW = "annotations.view_claim"
EDIT = "annotations.change_claim"
IMPORT = "annotations.add_article"
REVIEW = "annotations.review_claim"
COMMENT = "annotations.add_comment"
DELETE_ARTICLE = "annotations.delete_article"

NOT_ALLOWED = {
    VIEW: _("Your role cannot read the desk's articles."),
    EDIT: _("Your role cannot edit claims: ask for the editor role."),
    IMPORT: _("Your role cannot import articles: ask for the editor role."),
    REVIEW: _(
        "Only reviewers can approve, reject or publish verdicts: "
        "ask for the reviewer role."
    ),
    COMMENT: _("Your role cannot comment."),
    DELETE_ARTICLE: _("Only admins can delete articles."),
}

User = AbstractBaseUser | AnonymousUser

_VIEWER = [
    "annotations.view_article",
    "annotations.view_claim",
    "annotations.view_source",
    "annotations.view_comment",
    "annotations.view_correction",
    "annotations.add_comment",
    "annotations.view_historicalclaim",
    "annotations.view_historicalsource",
    "annotations.view_articleversion",
    "annotations.view_articlecapture",
    "annotations.view_sourcesnapshot",
    "annotations.view_claimant",
]
_EDITOR = [
    *_VIEWER,
    "annotations.add_article",
    "annotations.change_article",
    "annotations.change_claim",
    "annotations.add_source",
    "annotations.change_source",
    "annotations.delete_source",
    "annotations.add_correction",
    "annotations.change_claimant",
]
_REVIEWER = [*_EDITOR, "annotations.review_claim", "annotations.change_correction"]
_ADMIN = [
    *_REVIEWER,
    "annotations.delete_article",
    "annotations.change_comment",
    "annotations.delete_comment",
    "auth.view_user",
    "auth.add_user",
    "auth.change_user",
    "auth.view_group",
    "axes.view_accessattempt",
    "axes.delete_accessattempt",
    "annotations.view_job",
    "annotations.view_webhook",
    "annotations.add_webhook",
    "annotations.change_webhook",
    "annotations.delete_webhook",
    "annotations.view_webhookdelivery",
]
# Each role's permissions ("app_label.codename").
ROLE_PERMISSIONS = {
    VIEWER: _VIEWER,
    EDITOR: _EDITOR,
    REVIEWER: _REVIEWER,
    ADMIN: _ADMIN,
}


def can(user: User | None, permission: str) -> bool:
    """Whether ``user`` holds ``permission``; None is the system (commands)."""
    return user is None or user.has_perm(permission)


def require(user: User | None, permission: str) -> None:
    """Raise PermissionDenied, with a message naming the role, unless allowed."""
    if not can(user, permission):
        raise PermissionDenied(NOT_ALLOWED[permission])


def install_roles(apps=django_apps) -> None:
    """Create (or reset) the four role groups with their permissions.

    Run by migration 0003 with its historical ``apps``; tests that empty the
    database (transactional tests) call it again.
    """
    # Permissions are normally created after all migrations have run.
    for config in apps.get_app_configs():
        # Migration state's app stubs have no models module, which would make
        # create_permissions skip them.
        original = getattr(config, "models_module", None)
        config.models_module = original or True
        create_permissions(config, verbosity=0, apps=apps)
        config.models_module = original
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, names in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role)
        wanted = Q()
        for name in names:
            app, codename = name.split(".")
            wanted |= Q(content_type__app_label=app, codename=codename)
        # A migration before a model exists installs the rest; a later one
        # (0005) completes the set.
        group.permissions.set(Permission.objects.filter(wanted))
