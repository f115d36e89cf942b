"""Who may use the API: readers must sign in; writers must be able to edit claims."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

EDIT_PERMISSION = "annotations.change_claim"


class EditorOrReadOnly(BasePermission):
    """Reads need a signed-in user; writes need the permission to change claims."""

    message = "Only editors may change articles, claims and sources."

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        return request.method in SAFE_METHODS or user.has_perm(EDIT_PERMISSION)
