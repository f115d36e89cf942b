"""The rating scale."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .. import ratings
from ..models import Rating


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    """The rating scale: a rating in use is retired, never deleted."""

    list_display = (
        "key",
        "label_en",
        "label_zh",
        "icon",
        "colour",
        "digit",
        "order",
        "counts_as_checked",
        "rating_value",
        "retired",
    )
    list_editable = ("order",)
    list_filter = ("retired",)
    search_fields = ("key", "label_en", "label_zh")
    actions = ("retire", "restore")

    def get_actions(self, request: HttpRequest) -> dict:
        actions = super().get_actions(request)
        # Deleting is per rating, refused while any claim has it.
        actions.pop("delete_selected", None)
        return actions

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> tuple:
        # Claims store the key: it is fixed once the rating exists.
        return ("key",) if obj is not None else ()

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        if obj is not None and ratings.uses(obj.key):
            return False
        return super().has_delete_permission(request, obj)

    @admin.action(description=_("Retire the selected ratings"))
    def retire(self, request: HttpRequest, queryset: QuerySet[Rating]) -> None:
        done = ratings.retire(keys=[r.key for r in queryset], retired=True)
        self.message_user(
            request,
            ngettext("Retired %(n)d rating.", "Retired %(n)d ratings.", done)
            % {"n": done},
        )

    @admin.action(description=_("Bring back the selected ratings"))
    def restore(self, request: HttpRequest, queryset: QuerySet[Rating]) -> None:
        try:
            done = ratings.retire(keys=[r.key for r in queryset], retired=False)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return
        self.message_user(
            request,
            ngettext("Brought back %(n)d rating.", "Brought back %(n)d ratings.", done)
            % {"n": done},
        )


# Plain-text keys are gone (migration 0006): DRF's token admin would show none.
