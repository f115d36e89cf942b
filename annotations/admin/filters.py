"""The changelists' own filters."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .. import queries, ratings
from ..models import Claim
from .display import HINT_NAMES


class ArticleFilter(admin.SimpleListFilter):
    """Filter by article, listing titles only (never the article text)."""

    title = _("article")
    parameter_name = "article"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin):
        return list(queries.article_choices())

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if not value:
            return queryset
        if not value.isdigit():
            return queryset.none()
        field = "article" if queryset.model is Claim else "claim__article"
        return queryset.filter(**{field: int(value)})


class DeletedFilter(admin.SimpleListFilter):
    """Deleted (restorable) articles, or the live ones."""

    title = _("deleted")
    parameter_name = "deleted"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin):
        return [("yes", _("Deleted")), ("no", _("Not deleted"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() in ("yes", "no"):
            return queryset.filter(deleted_at__isnull=self.value() == "no")
        return queryset


class VerdictFilter(admin.SimpleListFilter):
    """Claims by verdict: unreviewed or a rating of the scale (retired too)."""

    title = _("verdict")
    # The name Django's own field filter used, so old links keep working.
    parameter_name = "verdict__exact"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin):
        return ratings.choices(unreviewed=True, retired=True)

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset.filter(verdict=self.value()) if self.value() else queryset


class HintFilter(admin.SimpleListFilter):
    """Claims with hints (of one type, or any), or without."""

    title = _("hints")
    parameter_name = "hint"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin):
        return [
            ("any", _("Has hints")),
            *HINT_NAMES.items(),
            ("none", _("No hints")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if value == "any":
            return queryset.exclude(hints=[])
        if value == "none":
            return queryset.filter(hints=[])
        if value in HINT_NAMES:
            return queries.with_hint(queryset, value)
        return queryset
