"""Background jobs: what is waiting, running, done or failed."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from ..models import Job
from .refusing import ReadOnly


@admin.register(Job)
class JobAdmin(ReadOnly, admin.ModelAdmin):
    """Background work: what is waiting, running, done or failed, and why."""

    list_display = (
        "pk",
        "kind",
        "article",
        "source",
        "status",
        "progress",
        "attempts",
        "short_error",
        "created_at",
        "finished_at",
        "retry_at",
    )
    list_filter = ("status", "kind")
    list_select_related = ("article", "source")
    search_fields = ("article__title", "error", "task_id")
    date_hierarchy = "created_at"
    list_per_page = 100

    def get_queryset(self, request: HttpRequest) -> QuerySet[Job]:
        return super().get_queryset(request).defer("article__text")

    @admin.display(description=_("last error"))
    def short_error(self, job: Job) -> str:
        return Truncator(job.error).chars(80)
