"""Who may use the API: readers must hold a role; writers the role the action needs.

This is the first gate, so a refusal comes before any input is read and names
the role to ask for. The services check the same permissions again, and more
(two-person rule): their checks are the rule, this gate only answers early.
"""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from .. import roles


class EditorOrReadOnly(BasePermission):
    """Reads need a role that may read; writes need the editor role, unless the
    view names another permission for the action in ``write_permissions``."""

    message = roles.NOT_ALLOWED[roles.EDIT]

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        needed = (
            roles.VIEW
            if request.method in SAFE_METHODS
            else write_permission(view, getattr(view, "action", None))
        )
        if roles.can(user, needed):
            return True
        self.message = roles.NOT_ALLOWED[needed]
        return False


def write_permission(view, action: str | None) -> str:
    """The permission a write through ``view``'s ``action`` needs."""
    return getattr(view, "write_permissions", {}).get(action, roles.EDIT)
