"""Sources, on their own and inline on a claim."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from .. import queries, services
from ..models import Source
from .display import URL_FORMFIELD, DeskMedia, claim_link
from .filters import ArticleFilter
from .refusing import REFUSALS, HistoryAdmin, refusal

SOURCE_FIELDS = ("url", "title", "publisher", "quote", "stance", "accessed_on")


class SourceInline(admin.StackedInline):
    model = Source
    fields = SOURCE_FIELDS
    extra = 0
    formfield_overrides = URL_FORMFIELD


@admin.register(Source)
class SourceAdmin(HistoryAdmin):
    Media = DeskMedia
    list_display = (
        "title",
        "publisher",
        "stance",
        "link",
        "link_state",
        "claim_ref",
        "added_at",
    )
    list_filter = ("stance", "link_state", ArticleFilter)
    list_select_related = ("claim__article", "added_by")
    search_fields = ("title", "url", "publisher", "quote")
    autocomplete_fields = ("claim",)
    fields = ("claim", *SOURCE_FIELDS)
    formfield_overrides = URL_FORMFIELD
    list_per_page = 100

    def get_queryset(self, request: HttpRequest) -> QuerySet[Source]:
        return queries.sources_with_claim(include_deleted=True)

    @admin.display(description=_("URL"))
    def link(self, source: Source) -> str:
        return format_html(
            '<a href="{}" rel="noopener noreferrer" target="_blank">{}</a>',
            source.url,
            Truncator(source.url).chars(50),
        )

    @admin.display(description=_("claim"))
    def claim_ref(self, source: Source) -> str:
        return claim_link(source.claim)

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> tuple[str, ...]:
        return ("claim",) if obj else ()

    def save_model(self, request, obj: Source, form, change: bool) -> None:
        data = {name: form.cleaned_data.get(name) or "" for name in SOURCE_FIELDS}
        data["accessed_on"] = form.cleaned_data.get("accessed_on")
        try:
            if change:
                services.update_source(source=obj, editor=request.user, **data)
            else:
                saved = services.add_source(
                    claim=form.cleaned_data["claim"], added_by=request.user, **data
                )
                obj.pk = saved.pk
        except REFUSALS as error:
            self.refuse(request, error)

    def delete_model(self, request, obj: Source) -> None:
        try:
            services.remove_source(source=obj, editor=request.user)
        except REFUSALS as error:
            self.refuse(request, error)

    def delete_queryset(self, request, queryset: QuerySet[Source]) -> None:
        for source in queryset:
            try:
                services.remove_source(source=source, editor=request.user)
            except REFUSALS as error:
                self.message_user(
                    request, f"{source}: {refusal(error)}", messages.ERROR
                )
