"""Articles, their earlier versions and captured pages; the import page."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.db.models.fields.json import KeyTransform
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .. import importing, jobs, queries, ratings, roles, services
from ..counting import UnitCounts
from ..models import Article, ArticleCapture, ArticleVersion, Claim, Rating
from ..web.forms import ArticleImportForm
from .display import URL_FORMFIELD, DeskMedia, article_link, deleted_mark
from .filters import DeletedFilter
from .refusing import REFUSALS, Evidence, ReadsWithArticles, refusal

ANALYSED = _(
    "Analysis queued for %(count)d articles: the hints change when the worker is done."
)


class ClaimInline(admin.TabularInline):
    model = Claim
    fields = ("position", "text", "kind", "verdict", "status", "start", "end")
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True
    ordering = ("position",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Claim]:
        return super().get_queryset(request).select_related(None).only(*self.fields)


class ArticleVersionInline(ReadsWithArticles, admin.TabularInline):
    model = ArticleVersion
    fields = ("number", "imported_at", "imported_by", "length")
    readonly_fields = fields
    extra = 0
    max_num = 0
    show_change_link = True
    verbose_name_plural = _("earlier versions")

    def get_queryset(self, request: HttpRequest) -> QuerySet[ArticleVersion]:
        return queries.versions_listed().order_by("-number")

    @admin.display(description=_("length (characters)"))
    def length(self, version: ArticleVersion) -> int:
        return version.length


class ArticleAdminForm(forms.ModelForm):
    """The article's fields, its address checked as the importer checks it."""

    def clean_url(self) -> str:
        return services.clean_url(self.cleaned_data.get("url", ""), blank=True)


def by_tally(key: str) -> KeyTransform:
    """A changelist column's sort: one count of the article's tally
    (queries.tally(), a JSON number: sorted as a number)."""
    return KeyTransform(key, "tally")


def tallied(article: Article, key: str) -> int:
    """One count of an article annotated by queries.articles_with_counts."""
    return (article.tally or {}).get(key, 0)


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    Media = DeskMedia
    list_display = (
        "display_title",
        "publisher",
        "language",
        "imported_at",
        "assignee",
        "units",
        # ... one column per rating here (get_list_display) ...
        "unreviewed",
        "drafts",
        "approved",
        "published",
        "orphans",
    )
    list_filter = (DeletedFilter, "language", "imported_at")
    # Set, so the changelist keeps the queryset's joins instead of replacing them.
    list_select_related = ("assignee",)
    search_fields = ("title", "publisher", "url")
    date_hierarchy = "imported_at"
    actions = ("restore", "reanalyse")
    fields = (
        "title",
        "url",
        "publisher",
        "published_on",
        "language",
        "assignee",
        "imported_by",
        "imported_at",
        "deleted_at",
        "deleted_by",
        "sha256",
        "text",
    )
    # Shown, not edited: everything but the article's description.
    readonly_fields = tuple(
        f for f in fields if f not in ("title", "url", "publisher", "published_on")
    )
    inlines = (ArticleVersionInline, ClaimInline)
    formfield_overrides = URL_FORMFIELD

    def get_queryset(self, request: HttpRequest) -> QuerySet[Article]:
        return queries.articles_with_counts(include_deleted=True)

    @admin.display(description=_("orphans"), ordering=by_tally("orphans"))
    def orphans(self, article: Article) -> int:
        return tallied(article, "orphans")

    @admin.display(description=_("title"), ordering="title")
    def display_title(self, article: Article) -> str:
        return format_html("{}{}", deleted_mark(article), article.title)

    @admin.display(description=_("units"), ordering=by_tally("units"))
    def units(self, article: Article) -> int:
        return tallied(article, "units")

    def get_list_display(self, request: HttpRequest) -> tuple:
        columns = list(super().get_list_display(request))
        at = columns.index("unreviewed")
        columns[at:at] = [rating_column(rating) for rating in ratings.scale()]
        return tuple(columns)

    @admin.display(description=_("unreviewed"), ordering=by_tally("unreviewed"))
    def unreviewed(self, article: Article) -> int:
        return tallied(article, "unreviewed")

    @admin.display(description=_("drafts"), ordering=by_tally("status_draft"))
    def drafts(self, article: Article) -> int:
        return tallied(article, "status_draft")

    @admin.display(description=_("approved"), ordering=by_tally("status_approved"))
    def approved(self, article: Article) -> int:
        return tallied(article, "status_approved")

    @admin.display(description=_("published"), ordering=by_tally("status_published"))
    def published(self, article: Article) -> int:
        return tallied(article, "status_published")

    def save_model(self, request, obj: Article, form, change: bool) -> None:
        services.save_article_fields(
            article=obj, fields=form.changed_data if change else None
        )

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return roles.can(request.user, roles.DELETE_ARTICLE)

    def get_deleted_objects(self, objs, request: HttpRequest):
        # Deleting is soft: nothing else is deleted, and no other permission
        # is needed (the confirmation pages say it can be restored).
        articles = list(objs)
        names = [str(article) for article in articles]
        return names, {Article._meta.verbose_name_plural: len(names)}, set(), []

    def delete_model(self, request: HttpRequest, obj: Article) -> None:
        services.delete_article(article=obj, by=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for article in queryset:
            services.delete_article(article=article, by=request.user)

    @admin.action(
        description=_("Restore the selected deleted articles"), permissions=["delete"]
    )
    def restore(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        deleted = [article for article in queryset if article.deleted_at is not None]
        restored = 0
        for article in deleted:
            try:
                services.restore_article(article=article, by=request.user)
            except REFUSALS as error:
                self.message_user(request, refusal(error), messages.ERROR)
            else:
                restored += 1
        self.message_user(
            request,
            ngettext(
                "Restored %(count)d article.",
                "Restored %(count)d articles.",
                restored,
            )
            % {"count": restored},
            messages.SUCCESS,
        )

    @admin.action(
        description=_("Re-run analysis (hints, check-worthiness, past verdicts)"),
        permissions=["change"],
    )
    def reanalyse(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        pks = list(queryset.values_list("pk", flat=True))
        for pk in pks:
            jobs.queue_analysis(article=Article(pk=pk), requested_by=request.user)
        self.message_user(request, ANALYSED % {"count": len(pks)}, messages.SUCCESS)

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


def rating_column(rating: Rating) -> Callable[[Article], int]:
    """An article changelist column: its claims to check given ``rating``."""

    def column(article: Article) -> int:
        return UnitCounts.of_article(article).given.get(rating.key, 0)

    column.admin_order_field = KeyTransform(rating.key, by_tally("given"))  # type: ignore[attr-defined]

    column.__name__ = rating.key  # its cells' class: field-<key>
    column.short_description = rating.label  # type: ignore[attr-defined]
    return column


@admin.register(ArticleVersion)
class ArticleVersionAdmin(ReadsWithArticles, admin.ModelAdmin):
    """Earlier texts of articles, as they were; new versions are imported."""

    Media = DeskMedia
    list_display = ("article_ref", "number", "imported_at", "imported_by", "length")
    list_select_related = ("article", "imported_by")
    search_fields = ("article__title",)
    date_hierarchy = "imported_at"
    list_per_page = 100
    fields = ("article", "number", "imported_at", "imported_by", "sha256", "text")

    def get_queryset(self, request: HttpRequest) -> QuerySet[ArticleVersion]:
        # The change page reads the one version's text when it shows it.
        return queries.versions_listed()

    @admin.display(description=_("article"), ordering="article__title")
    def article_ref(self, version: ArticleVersion) -> str:
        return article_link(version.article, 60)

    @admin.display(description=_("length (characters)"), ordering="length")
    def length(self, version: ArticleVersion) -> int:
        return version.length


@admin.register(ArticleCapture)
class ArticleCaptureAdmin(Evidence, admin.ModelAdmin):
    Media = DeskMedia
    list_display = ("article", "final_url", "status", "fetched_at", "author")
    list_select_related = ("article",)
    search_fields = ("final_url", "requested_url", "article__title")
    formfield_overrides = URL_FORMFIELD
    # The raw page can be megabytes: its SHA-256 identifies it here.
    exclude = ("html",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[ArticleCapture]:
        return super().get_queryset(request).defer("html", "article__text")
