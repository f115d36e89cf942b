"""What reviewing leaves: corrections and comments, shown, never changed here."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from ..models import Comment, Correction
from .display import DeskMedia, claim_link
from .refusing import ReadOnly


@admin.register(Correction)
class CorrectionAdmin(ReadOnly, admin.ModelAdmin):
    Media = DeskMedia
    list_display = (
        "claim_ref",
        "old_verdict",
        "new_verdict",
        "status",
        "short_reason",
        "proposed_by",
        "proposed_at",
        "decided_by",
        "decided_at",
    )
    list_filter = ("status", "new_verdict")
    list_select_related = ("claim__article", "proposed_by", "decided_by")
    search_fields = ("reason", "new_rationale", "claim__text", "claim__article__title")
    date_hierarchy = "proposed_at"
    list_per_page = 100

    def get_queryset(self, request: HttpRequest) -> QuerySet[Correction]:
        return super().get_queryset(request).defer("claim__article__text")

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # the public corrections log keeps every decision

    @admin.display(description=_("claim"))
    def claim_ref(self, correction: Correction) -> str:
        return claim_link(correction.claim)

    @admin.display(description=_("reason"))
    def short_reason(self, correction: Correction) -> str:
        return Truncator(correction.reason).chars(60)


@admin.register(Comment)
class CommentAdmin(ReadOnly, admin.ModelAdmin):
    Media = DeskMedia
    list_display = ("short_text", "kind", "author", "claim_ref", "created_at")
    list_filter = ("kind",)
    list_select_related = ("claim__article", "author")
    search_fields = ("text", "author__username", "claim__article__title")
    date_hierarchy = "created_at"
    list_per_page = 100

    def get_queryset(self, request: HttpRequest) -> QuerySet[Comment]:
        return super().get_queryset(request).defer("claim__article__text")

    @admin.display(description=_("text"))
    def short_text(self, comment: Comment) -> str:
        return Truncator(comment.text).chars(80)

    @admin.display(description=_("claim"))
    def claim_ref(self, comment: Comment) -> str:
        return claim_link(comment.claim)
