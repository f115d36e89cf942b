"""The Django admin, for the desk's staff. Every change goes through services."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from . import importing, queries, services
from .forms import ArticleImportForm
from .models import Article, Claim, Source

STALE_FORM = _(
    "Someone else changed this claim while you were editing it (now version "
    "%(current)s). Your changes were not saved; review the current values below."
)

SOURCE_FIELDS = ("url", "title", "publisher", "quote", "stance", "accessed_on")


class DeskMedia:
    css = {"all": ["annotations/admin.css"]}


# Source URLs typed without a scheme are taken as https.
URL_FORMFIELD = {models.URLField: {"assume_scheme": "https"}}


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
        field = "claim__article" if queryset.model is Source else "article"
        return queryset.filter(**{field: int(value)})


class ClaimInline(admin.TabularInline):
    model = Claim
    fields = ("position", "text", "kind", "verdict", "start", "end")
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True
    ordering = ("position",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Claim]:
        return super().get_queryset(request).select_related(None).only(*self.fields)


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    Media = DeskMedia
    list_display = (
        "title",
        "publisher",
        "language",
        "imported_at",
        "units",
        "verified",
        "disputed",
        "misstated",
        "unreviewed",
    )
    list_filter = ("language", "imported_at")
    search_fields = ("title", "publisher", "url")
    date_hierarchy = "imported_at"
    fields = (
        "title",
        "url",
        "publisher",
        "published_on",
        "language",
        "imported_by",
        "imported_at",
        "sha256",
        "text",
    )
    readonly_fields = ("language", "imported_by", "imported_at", "sha256", "text")
    inlines = (ClaimInline,)
    formfield_overrides = URL_FORMFIELD

    def get_queryset(self, request: HttpRequest) -> QuerySet[Article]:
        return queries.articles_with_counts()

    @admin.display(description=_("units"), ordering="unit_count")
    def units(self, article: Article) -> int:
        return article.unit_count

    @admin.display(description=_("verified"), ordering="verified_count")
    def verified(self, article: Article) -> int:
        return article.verified_count

    @admin.display(description=_("disputed"), ordering="disputed_count")
    def disputed(self, article: Article) -> int:
        return article.disputed_count

    @admin.display(description=_("misstated"), ordering="misstated_count")
    def misstated(self, article: Article) -> int:
        return article.misstated_count

    @admin.display(description=_("unreviewed"), ordering="unreviewed_count")
    def unreviewed(self, article: Article) -> int:
        return article.unreviewed_count

    def get_urls(self):
        urls = super().get_urls()
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="annotations_article_import",
            ),
            *urls,
        ]

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context=None):
        # Articles are only created by the importer, which segments them.
        return HttpResponseRedirect(reverse("admin:annotations_article_import"))

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ArticleImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                article = services.import_article(
                    imported_by=request.user, **form.import_arguments()
                )
            except importing.ImportRefused as error:
                form.add_error(form.error_field(error), error.message)
            else:
                self.message_user(
                    request,
                    _("Imported “%(title)s” as %(count)s units.")
                    % {"title": article.title, "count": article.claims.count()},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(
                    reverse("admin:annotations_article_change", args=[article.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Import article"),
            "form": form,
            "max_bytes": settings.IMPORT_MAX_BYTES,
        }
        return render(request, "admin/annotations/article/import.html", context)


class SourceInline(admin.StackedInline):
    model = Source
    fields = SOURCE_FIELDS
    extra = 0
    formfield_overrides = URL_FORMFIELD


class ClaimAdminForm(forms.ModelForm):
    # The version the editor started from; a save against a newer row is refused.
    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    class Meta:
        model = Claim
        fields = ("kind", "verdict", "rationale")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.fields["expected_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        expected = cleaned.get("expected_version")
        current = (
            Claim.objects.filter(pk=self.instance.pk)
            .values_list("version", flat=True)
            .first()
        )
        if expected is not None and current is not None and expected != current:
            raise ValidationError(STALE_FORM, params={"current": current}, code="stale")
        return cleaned


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin):
    Media = DeskMedia
    form = ClaimAdminForm
    list_display = (
        "number",
        "short_text",
        "article_title",
        "kind",
        "verdict",
        "sources",
        "verdict_by",
        "updated_at",
    )
    list_display_links = ("number", "short_text")
    list_filter = ("verdict", "kind", ArticleFilter)
    search_fields = ("text", "rationale", "article__title")
    list_per_page = 100
    fields = (
        "article",
        "position",
        "start",
        "end",
        "text",
        "kind",
        "kind_reason",
        "verdict",
        "rationale",
        "verdict_by",
        "verdict_at",
        "version",
        "updated_at",
        "expected_version",
    )
    readonly_fields = (
        "article",
        "position",
        "start",
        "end",
        "text",
        "kind_reason",
        "verdict_by",
        "verdict_at",
        "version",
        "updated_at",
    )
    inlines = (SourceInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Claim]:
        return queries.claims_with_article()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # claims come from importing an article

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # deleting a unit would leave a hole in the article

    @admin.display(description="#", ordering="position")
    def number(self, claim: Claim) -> int:
        return claim.position

    @admin.display(description=_("text"))
    def short_text(self, claim: Claim) -> str:
        return Truncator(claim.text).chars(80)

    @admin.display(description=_("article"), ordering="article__title")
    def article_title(self, claim: Claim) -> str:
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:annotations_article_change", args=[claim.article_id]),
            Truncator(claim.article.title).chars(40),
        )

    @admin.display(description=_("sources"), ordering="source_count")
    def sources(self, claim: Claim) -> int:
        return claim.source_count

    def save_model(
        self, request: HttpRequest, obj: Claim, form: ClaimAdminForm, change: bool
    ) -> None:
        changed = set(form.changed_data)
        if not changed & {"kind", "verdict", "rationale"}:
            return
        data = form.cleaned_data
        try:
            services.edit_claim(
                claim=Claim.objects.get(pk=obj.pk),
                editor=request.user,
                expected_version=data["expected_version"],
                kind=data["kind"] if "kind" in changed else None,
                verdict=data["verdict"] if changed & {"verdict", "rationale"} else None,
                rationale=data["rationale"] if "rationale" in changed else None,
            )
        except services.StaleVersion as error:
            self.message_user(request, str(error), messages.ERROR)

    def save_formset(self, request, form, formset, change: bool) -> None:
        # What formset.save() would do, through the services; the admin's
        # history message reads these three lists.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = (
            [],
            [],
            [],
        )
        for source_form in formset.deleted_forms:
            if source_form.instance.pk:
                services.remove_source(source=source_form.instance, editor=request.user)
                formset.deleted_objects.append(source_form.instance)
        for source_form in formset.forms:
            if source_form in formset.deleted_forms or not source_form.has_changed():
                continue
            data = {name: source_form.cleaned_data.get(name) for name in SOURCE_FIELDS}
            data["publisher"] = data["publisher"] or ""
            data["quote"] = data["quote"] or ""
            if source_form.instance.pk:
                source = services.update_source(
                    source=source_form.instance, editor=request.user, **data
                )
                formset.changed_objects.append((source, source_form.changed_data))
            else:
                source = services.add_source(
                    claim=form.instance, added_by=request.user, **data
                )
                formset.new_objects.append(source)


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    Media = DeskMedia
    list_display = ("title", "publisher", "stance", "link", "claim_ref", "added_at")
    list_filter = ("stance", ArticleFilter)
    search_fields = ("title", "url", "publisher", "quote")
    autocomplete_fields = ("claim",)
    fields = ("claim", *SOURCE_FIELDS)
    formfield_overrides = URL_FORMFIELD
    list_per_page = 100

    def get_queryset(self, request: HttpRequest) -> QuerySet[Source]:
        return queries.sources_with_claim()

    @admin.display(description=_("URL"))
    def link(self, source: Source) -> str:
        return format_html(
            '<a href="{}" rel="noopener noreferrer" target="_blank">{}</a>',
            source.url,
            Truncator(source.url).chars(50),
        )

    @admin.display(description=_("claim"))
    def claim_ref(self, source: Source) -> str:
        return format_html(
            '<a href="{}">{} #{}</a>',
            reverse("admin:annotations_claim_change", args=[source.claim_id]),
            Truncator(source.claim.article.title).chars(30),
            source.claim.position,
        )

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> tuple[str, ...]:
        return ("claim",) if obj else ()

    def save_model(self, request, obj: Source, form, change: bool) -> None:
        data = {name: form.cleaned_data.get(name) or "" for name in SOURCE_FIELDS}
        data["accessed_on"] = form.cleaned_data.get("accessed_on")
        if change:
            services.update_source(source=obj, editor=request.user, **data)
        else:
            saved = services.add_source(
                claim=form.cleaned_data["claim"], added_by=request.user, **data
            )
            obj.pk = saved.pk

    def delete_model(self, request, obj: Source) -> None:
        services.remove_source(source=obj, editor=request.user)

    def delete_queryset(self, request, queryset: QuerySet[Source]) -> None:
        for source in queryset:
            services.remove_source(source=source, editor=request.user)


# Shown in the admin's header and the import page.
admin.site.site_header = _("factcheck administration")
admin.site.site_title = _("factcheck")
admin.site.index_title = _("Desk")
