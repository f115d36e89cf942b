"""Who may do what: the desk's roles and the checks the services make.

The roles are Django groups with these names, created (and kept as
ROLE_PERMISSIONS says) after every `migrate` by install_roles. A
user's permissions come from their group (or from being a superuser), so the
admin manages roles by moving people between groups.
"""

from __future__ import annotations

import threading
import time

from django.apps import apps as django_apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from . import tokens

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
    "annotations.view_rating",
    "annotations.add_rating",
    "annotations.change_rating",
    "annotations.delete_rating",
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


class RoleBackend(ModelBackend):
    """Django's ModelBackend, with each group's permissions remembered per process.

    A request asks the database only for the user's group ids (none when
    the API token's look-up brought them, annotations/tokens.py), and for the
    user's own permissions only when they have any. What a group may do is
    remembered for ROLE_CACHE_SECONDS; changing a group or its permissions
    empties that memory in this process at once (apps.py connects
    forget_roles), in the others within ROLE_CACHE_SECONDS.
    """

    def get_user(self, user_id):
        """The signed-in user, with their role groups, in one query."""
        user = tokens.with_roles(get_user_model().objects.filter(pk=user_id)).first()
        if user is None or not self.user_can_authenticate(user):
            return None
        return tokens.attach_roles(user)

    def has_perm(self, user_obj, perm: str, obj=None) -> bool:
        # This backend decides: the ModelBackend listed after it (for sessions
        # signed in before it was) would only ask the database again.
        if super().has_perm(user_obj, perm, obj):
            return True
        if obj is None:
            raise PermissionDenied
        return False

    def get_user_permissions(self, user_obj, obj=None) -> set[str]:
        if getattr(user_obj, "has_own_permissions", True):
            return super().get_user_permissions(user_obj, obj)
        return set()

    def get_group_permissions(self, user_obj, obj=None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if user_obj.is_superuser:
            return super().get_group_permissions(user_obj, obj)
        if not hasattr(user_obj, "_group_perm_cache"):
            ids = getattr(user_obj, "role_group_ids", None)
            if ids is None:
                ids = frozenset(user_obj.groups.values_list("pk", flat=True))
            user_obj._group_perm_cache = group_permissions(ids)
        return user_obj._group_perm_cache


_group_permissions: dict[int, frozenset[str]] = {}
_group_permissions_until = 0.0
_group_lock = threading.Lock()


def group_permissions(group_ids: frozenset[int]) -> set[str]:
    """What the groups may do ("app_label.codename"), remembered per process."""
    global _group_permissions_until
    now = time.monotonic()
    with _group_lock:
        if now >= _group_permissions_until:
            _group_permissions.clear()
            _group_permissions_until = now + settings.ROLE_CACHE_SECONDS
        known = {g: _group_permissions[g] for g in group_ids if g in _group_permissions}
    missing = group_ids - known.keys()
    if missing:
        Permission = django_apps.get_model("auth", "Permission")
        found: dict[int, set[str]] = {group: set() for group in missing}
        rows = Permission.objects.filter(group__in=missing).values_list(
            "group", "content_type__app_label", "codename"
        )
        for group, app, codename in rows:
            found[group].add(f"{app}.{codename}")
        known.update((group, frozenset(names)) for group, names in found.items())
        if settings.ROLE_CACHE_SECONDS > 0:
            with _group_lock:
                _group_permissions.update((g, known[g]) for g in missing)
    return set().union(*known.values())


def forget_roles(**_signal_arguments: object) -> None:
    """Empty this process's memory of what each group may do.

    The next read starts a whole new ROLE_CACHE_SECONDS, so what it learns is
    kept that long (not only until an earlier window runs out).
    """
    global _group_permissions_until
    with _group_lock:
        _group_permissions.clear()
        _group_permissions_until = 0.0


def install_roles(apps=django_apps, **_signal_arguments: object) -> None:
    """Create (or reset) the four role groups with the permissions named here.

    Run after every `migrate` (and every flush, so transactional tests keep
    their roles) by the post_migrate signal, with that migration state's
    ``apps``: apps.py connects it. Running it again changes nothing.
    """
    try:
        Group = apps.get_model("auth", "Group")
        Permission = apps.get_model("auth", "Permission")
    except LookupError:  # auth's tables are unmigrated (migrate auth zero)
        return
    # Permissions are normally created after all migrations have run.
    for config in apps.get_app_configs():
        # Migration state's app stubs have no models module, which would make
        # create_permissions skip them.
        original = getattr(config, "models_module", None)
        config.models_module = original or True
        create_permissions(config, verbosity=0, apps=apps)
        config.models_module = original
    for role, names in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role)
        wanted = Q()
        for name in names:
            app, codename = name.split(".")
            wanted |= Q(content_type__app_label=app, codename=codename)
        # Names of models the migration state lacks yet are left out; the
        # migrate that adds them completes the set.
        group.permissions.set(Permission.objects.filter(wanted))
