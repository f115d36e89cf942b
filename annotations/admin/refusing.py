"""What the admin refuses: a service's refusal is shown as a message, never as a
server error, and some pages are read-only.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from ..services import refusals

NOTHING_SAVED = _("Nothing was saved: %(error)s")
REVERT_DISABLED = _("Reverting from the history is turned off: edit the current row.")
# What the services refuse with: shown to the user, the request saving nothing.
REFUSALS = refusals.EXCEPTIONS


def refusal(error: Exception) -> str:
    """The text of a service's refusal."""
    return refusals.message(error)


class ServiceRefusals:
    """Shows a service's refusal as a message, and rolls the whole save back.

    The admin's add, change and delete views each run in one transaction: a
    refusal marks it for rollback (so nothing of the request is kept, nor
    logged), and the page redirects back to where the user was.
    """

    def refuse(self, request: HttpRequest, error: Exception) -> None:
        self.message_user(
            request, NOTHING_SAVED % {"error": refusal(error)}, messages.ERROR
        )
        request.service_refused = True
        if transaction.get_connection().in_atomic_block:
            transaction.set_rollback(True)

    def refused(self, request: HttpRequest) -> bool:
        return getattr(request, "service_refused", False)

    def response_add(self, request, obj, post_url_continue=None):
        if self.refused(request):
            return HttpResponseRedirect(request.get_full_path())
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if self.refused(request):
            return HttpResponseRedirect(request.get_full_path())
        return super().response_change(request, obj)

    def response_delete(self, request, obj_display, obj_id):
        if self.refused(request):
            opts = self.opts
            return HttpResponseRedirect(
                reverse(
                    f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj_id]
                )
            )
        return super().response_delete(request, obj_display, obj_id)

    def log_addition(self, request, obj, message):
        if not self.refused(request):
            return super().log_addition(request, obj, message)
        return None

    def log_change(self, request, obj, message):
        if not self.refused(request):
            return super().log_change(request, obj, message)
        return None


class HistoryAdmin(ServiceRefusals, SimpleHistoryAdmin):
    """django-simple-history's history pages, to read: nothing is reverted.

    SIMPLE_HISTORY_REVERT_DISABLED hides the revert button; a POST to a
    historical version is refused too, as it would save the old row over
    the current one without going through the services.
    """

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied(REVERT_DISABLED)
        return super().history_form_view(request, object_id, version_id, extra_context)


class ReadsWithArticles:
    """Earlier versions are part of the article: whoever reads articles reads
    them (no role has a permission of the versions' own)."""

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.has_perm("annotations.view_article")

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # an article's history is never rewritten


class ReadOnly:
    """Shown, searched and filtered here; written only by the claim's services."""

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class Evidence(ReadOnly):
    """Fetched pages are evidence: shown, never changed or deleted here.

    (Source snapshots have no admin page: deleting a source deletes them,
    which the admin would refuse for a model it shows as undeletable.)
    """

    list_per_page = 100

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
