"""Who may do what: the desk's roles and the checks the services make.

The roles are Django groups created by migration 0003 with these names. A
user's permissions come from their group (or from being a superuser), so the
admin manages roles by moving people between groups.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

VIEWER = "viewer"
EDITOR = "editor"
REVIEWER = "reviewer"
ADMIN = "admin"
ROLES = (VIEWER, EDITOR, REVIEWER, ADMIN)

# The permission that stands for each role's powers.
VIEW = "annotations.view_claim"
EDIT = "annotations.change_claim"
REVIEW = "annotations.review_claim"
COMMENT = "annotations.add_comment"
DELETE_ARTICLE = "annotations.delete_article"

NOT_ALLOWED = {
    VIEW: _("Your role cannot read the desk's articles."),
    EDIT: _("Your role cannot edit claims: ask for the editor role."),
    REVIEW: _(
        "Only reviewers can approve, reject or publish verdicts: "
        "ask for the reviewer role."
    ),
    COMMENT: _("Your role cannot comment."),
    DELETE_ARTICLE: _("Only admins can delete articles."),
}

User = AbstractBaseUser | AnonymousUser


def can(user: User | None, permission: str) -> bool:
    """Whether ``user`` holds ``permission``; None is the system (commands)."""
    return user is None or user.has_perm(permission)


def require(user: User | None, permission: str) -> None:
    """Raise PermissionDenied, with a message naming the role, unless allowed."""
    if not can(user, permission):
        raise PermissionDenied(NOT_ALLOWED[permission])
