"""The Django admin, for the desk's staff. Every change goes through services.

The admin sees everything, deleted articles too; roles are the auth groups.
A service's refusal (a published verdict is frozen, a stale version, a
missing role) is shown as a message, never as a server error.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from rest_framework.authtoken.models import TokenProxy
from simple_history.admin import SimpleHistoryAdmin

from . import assisting, importing, jobs, queries, ratings, roles, services, tokens
from .counting import given_of
from .models import (
    ApiToken,
    Article,
    ArticleCapture,
    ArticleVersion,
    Claim,
    Claimant,
    Comment,
    Correction,
    Job,
    Rating,
    Source,
    Webhook,
    WebhookDelivery,
    WebhookEvent,
)
from .services import claimants, refusals, reviewing
from .web.forms import ArticleImportForm

STALE_FORM = _(
    "Someone else changed this claim while you were editing it (now version "
    "%(current)s). Your changes were not saved; review the current values below."
)
NOTHING_SAVED = _("Nothing was saved: %(error)s")
CLAIM_REFUSED = _("Claim #%(position)s of “%(article)s”: %(error)s")
REVIEWED = {
    "approve": _("Approved %(done)d of %(count)d selected verdicts."),
    "reject": _("Rejected %(done)d of %(count)d selected verdicts."),
    "publish": _("Published %(done)d of %(count)d selected verdicts."),
}
DELETED_MARK = _("deleted")
ANALYSED = _(
    "Analysis queued for %(count)d articles: the hints change when the worker is done."
)
HINT_NAMES = {
    assisting.NAME_VARIANT: _("Name variant"),
    assisting.NUMBER: _("Figure"),
    assisting.CONTRADICTION: _("Contradiction"),
    assisting.CHECKED_BEFORE: _("Checked before"),
}
TOKEN_ONCE = _(
    "The new API token of %(user)s is %(key)s. Copy it now: only its hash is "
    "stored, so it cannot be shown again. Any earlier token of theirs no longer "
    "works."
)
REVERT_DISABLED = _("Reverting from the history is turned off: edit the current row.")

SOURCE_FIELDS = ("url", "title", "publisher", "quote", "stance", "accessed_on")
# What the services refuse with: shown to the user, the request saving nothing.
REFUSALS = refusals.EXCEPTIONS
# The claim admin's fields that claimants.set_claimant writes.
CLAIMANT_FIELDS = {"claimant", "appearance_url", "appearance_date"}


class DeskMedia:
    css = {"all": ["annotations/admin.css"]}


# Source URLs typed without a scheme are taken as https.
URL_FORMFIELD = {models.URLField: {"assume_scheme": "https"}}


def refusal(error: Exception) -> str:
    """The text of a service's refusal."""
    return refusals.message(error)


def article_link(article: Article, chars: int) -> str:
    """A link to the article's admin page, its title cut, marked if deleted."""
    return format_html(
        '<a href="{}">{}{}</a>',
        reverse("admin:annotations_article_change", args=[article.pk]),
        deleted_mark(article),
        Truncator(article.title).chars(chars),
    )


def deleted_mark(article: Article) -> str:
    """A "deleted" badge for a soft-deleted article, else nothing."""
    if article.deleted_at is None:
        return ""
    return format_html(
        '<span class="deleted-mark" title="{}">{}</span> ',
        article.deleted_at.strftime("%Y-%m-%d %H:%M"),
        DELETED_MARK,
    )


def claim_link(claim: Claim) -> str:
    """A link to a claim's admin page, named by its article and position."""
    return format_html(
        '<a href="{}">{}{} #{}</a>',
        reverse("admin:annotations_claim_change", args=[claim.pk]),
        deleted_mark(claim.article),
        Truncator(claim.article.title).chars(30),
        claim.position,
    )


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
    readonly_fields = (
        "language",
        "assignee",
        "imported_by",
        "imported_at",
        "deleted_at",
        "deleted_by",
        "sha256",
        "text",
    )
    inlines = (ArticleVersionInline, ClaimInline)
    formfield_overrides = URL_FORMFIELD

    def get_queryset(self, request: HttpRequest) -> QuerySet[Article]:
        return queries.articles_with_counts(include_deleted=True)

    @admin.display(description=_("orphans"), ordering="orphan_count")
    def orphans(self, article: Article) -> int:
        return article.orphan_count

    @admin.display(description=_("title"), ordering="title")
    def display_title(self, article: Article) -> str:
        return format_html("{}{}", deleted_mark(article), article.title)

    @admin.display(description=_("units"), ordering="unit_count")
    def units(self, article: Article) -> int:
        return article.unit_count

    def get_list_display(self, request: HttpRequest) -> tuple:
        columns = list(super().get_list_display(request))
        at = columns.index("unreviewed")
        columns[at:at] = [rating_column(rating) for rating in ratings.scale()]
        return tuple(columns)

    @admin.display(description=_("unreviewed"), ordering="unreviewed_count")
    def unreviewed(self, article: Article) -> int:
        return article.unreviewed_count

    @admin.display(description=_("drafts"), ordering="draft_count")
    def drafts(self, article: Article) -> int:
        return article.draft_count

    @admin.display(description=_("approved"), ordering="approved_count")
    def approved(self, article: Article) -> int:
        return article.approved_count

    @admin.display(description=_("published"), ordering="published_count")
    def published(self, article: Article) -> int:
        return article.published_count

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


class SourceInline(admin.StackedInline):
    model = Source
    fields = SOURCE_FIELDS
    extra = 0
    formfield_overrides = URL_FORMFIELD


class ClaimAdminForm(forms.ModelForm):
    # The version the editor started from; a save against a newer row is refused.
    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    # The scale's ratings (the services refuse a retired one unless kept).
    verdict = forms.ChoiceField(
        label=_("verdict"),
        choices=partial(ratings.choices, unreviewed=True, retired=True),
    )
    appearance_url = forms.URLField(
        label=_("appearance URL"),
        max_length=2000,
        required=False,
        assume_scheme="https",
        help_text=_("Where the claim appeared; blank: the article itself."),
    )

    class Meta:
        model = Claim
        fields = (
            "kind",
            "verdict",
            "rationale",
            "claimant",
            "appearance_url",
            "appearance_date",
        )

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


class RejectForm(forms.Form):
    comment = forms.CharField(
        label=_("Why are they rejected?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Each claim's editor sees this comment."),
    )


class ClaimantAdminForm(forms.ModelForm):
    class Meta:
        model = Claimant
        fields = ("name", "type", "role")

    def validate_constraints(self) -> None:
        pass  # claimants.update_claimant says which name is taken, in words


@admin.register(Claimant)
class ClaimantAdmin(ServiceRefusals, admin.ModelAdmin):
    """Who made claims: searched by the claim admin's claimant field too."""

    Media = DeskMedia
    form = ClaimantAdminForm
    list_display = ("name", "type", "role", "claim_count")
    list_filter = ("type",)
    search_fields = ("name", "role")
    ordering = ("name",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Claimant]:
        return super().get_queryset(request).annotate(claim_count=Count("claims"))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # named on a claim (its panel, API or admin page)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # claims keep their claimant; unused ones are not offered

    @admin.display(description=_("claims"), ordering="claim_count")
    def claim_count(self, claimant: Claimant) -> int:
        return claimant.claim_count

    def save_model(self, request, obj: Claimant, form, change: bool) -> None:
        data = form.cleaned_data
        try:
            claimants.update_claimant(
                claimant=Claimant.objects.get(pk=obj.pk),
                editor=request.user,
                name=data["name"],
                claimant_type=data["type"],
                role=data["role"],
            )
        except REFUSALS as error:
            self.refuse(request, error)


@admin.register(Claim)
class ClaimAdmin(HistoryAdmin):
    Media = DeskMedia
    form = ClaimAdminForm
    formfield_overrides = URL_FORMFIELD
    list_display = (
        "number",
        "short_text",
        "article_title",
        "kind",
        "verdict_name",
        "status",
        "sources",
        "verdict_by",
        "approved_by",
        "assignee",
        "claimant",
        "updated_at",
        "worth_score",
    )
    list_display_links = ("number", "short_text")
    list_filter = (
        "status",
        VerdictFilter,
        "kind",
        HintFilter,
        "text_changed",
        "orphaned",
        ArticleFilter,
    )
    list_select_related = (
        "article",
        "verdict_by",
        "approved_by",
        "assignee",
        "claimant",
    )
    search_fields = (
        "=public_id",
        "text",
        "rationale",
        "article__title",
        "claimant__name",
    )
    autocomplete_fields = ("claimant",)
    list_per_page = 100
    actions = ("approve", "reject", "publish")
    history_list_display = ("version", "status", "verdict")
    fields = (
        "article",
        "public_id",
        "position",
        "start",
        "end",
        "text",
        "kind",
        "kind_reason",
        "verdict",
        "rationale",
        "claimant",
        "appearance_url",
        "appearance_date",
        "status",
        "verdict_by",
        "verdict_at",
        "approved_by",
        "approved_at",
        "published_at",
        "assignee",
        "version",
        "updated_at",
        "checkworthiness",
        "hint_list",
        "text_changed",
        "orphaned",
        "reused_from",
        "expected_version",
    )
    readonly_fields = (
        "article",
        "public_id",
        "position",
        "start",
        "end",
        "text",
        "kind_reason",
        "status",
        "verdict_by",
        "verdict_at",
        "approved_by",
        "approved_at",
        "published_at",
        "assignee",
        "version",
        "updated_at",
        "checkworthiness",
        "hint_list",
        "text_changed",
        "orphaned",
        "reused_from",
    )
    inlines = (SourceInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Claim]:
        # The source count's GROUP BY drops the model's ordering; autocomplete
        # pages need a fixed one.
        return queries.claims_with_article(include_deleted=True).order_by(
            "article", "position"
        )

    def get_history_queryset(self, request, history_manager, pk_name, object_id):
        history = super().get_history_queryset(
            request, history_manager, pk_name, object_id
        )
        return history.defer("article__text")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # claims come from importing an article

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # deleting a unit would leave a hole in the article

    def has_review_permission(self, request: HttpRequest) -> bool:
        return roles.can(request.user, roles.REVIEW)

    @admin.display(description="#", ordering="position")
    def number(self, claim: Claim) -> int:
        return claim.position

    @admin.display(description=_("text"))
    def short_text(self, claim: Claim) -> str:
        return Truncator(claim.text).chars(80)

    @admin.display(description=_("article"), ordering="article__title")
    def article_title(self, claim: Claim) -> str:
        return article_link(claim.article, 40)

    @admin.display(description=_("sources"), ordering="source_count")
    def sources(self, claim: Claim) -> int:
        return claim.source_count

    @admin.display(description=_("verdict"), ordering="verdict")
    def verdict_name(self, claim: Claim) -> str:
        return ratings.label(claim.verdict)

    @admin.display(description=_("check-worthiness"), ordering="worth")
    def worth_score(self, claim: Claim) -> str:
        return f"{claim.worth:.2f}"

    @admin.display(description=_("check-worthiness"))
    def checkworthiness(self, claim: Claim) -> str:
        return format_html(
            "<strong>{}</strong>{}",
            f"{claim.worth:.2f}",
            format_html_join(
                "", "<br>{}", ((reason,) for reason in claim.worth_reasons)
            ),
        )

    @admin.display(description=_("hints"))
    def hint_list(self, claim: Claim) -> str:
        if not claim.hints:
            return "—"
        return format_html(
            '<ul class="claim-hints">{}</ul>',
            format_html_join("", "<li>{}</li>", ((hint_html(h),) for h in claim.hints)),
        )

    def save_model(
        self, request: HttpRequest, obj: Claim, form: ClaimAdminForm, change: bool
    ) -> None:
        changed = set(form.changed_data)
        data = form.cleaned_data
        version = data["expected_version"]
        try:
            if changed & {"kind", "verdict", "rationale"}:
                version = services.edit_claim(
                    claim=Claim.objects.get(pk=obj.pk),
                    editor=request.user,
                    expected_version=version,
                    kind=data["kind"] if "kind" in changed else None,
                    verdict=data["verdict"]
                    if changed & {"verdict", "rationale"}
                    else None,
                    rationale=data["rationale"] if "rationale" in changed else None,
                ).version
            if changed & CLAIMANT_FIELDS:
                self._save_claimant(request, obj, data, version)
        except REFUSALS as error:
            self.refuse(request, error)

    def _save_claimant(
        self, request: HttpRequest, obj: Claim, data: dict, version: int
    ) -> None:
        claimant = data["claimant"]
        claimants.set_claimant(
            claim=obj,
            editor=request.user,
            expected_version=version,
            name=claimant.name if claimant else "",
            claimant_type=claimant.type if claimant else "person",
            appearance_url=data["appearance_url"] or "",
            appearance_date=data["appearance_date"],
        )

    def save_formset(self, request, form, formset, change: bool) -> None:
        # What formset.save() would do, through the services; the admin's
        # history message reads these three lists.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = (
            [],
            [],
            [],
        )
        if self.refused(request):
            return
        try:
            self._save_sources(request, form.instance, formset)
        except REFUSALS as error:
            self.refuse(request, error)

    def _save_sources(self, request: HttpRequest, claim: Claim, formset) -> None:
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
                source = services.add_source(claim=claim, added_by=request.user, **data)
                formset.new_objects.append(source)

    @admin.action(
        description=_("Approve the selected verdicts (or their corrections)"),
        permissions=["review"],
    )
    def approve(self, request: HttpRequest, queryset: QuerySet[Claim]) -> None:
        self._review(request, queryset, "approve", reviewing.approve)

    @admin.action(
        description=_("Reject the selected verdicts (or their corrections)…"),
        permissions=["review"],
    )
    def reject(self, request: HttpRequest, queryset: QuerySet[Claim]):
        form = RejectForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            comment = form.cleaned_data["comment"]

            def decide(**arguments) -> Claim:
                return reviewing.reject(comment=comment, **arguments)

            self._review(request, queryset, "reject", decide)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Reject verdicts"),
            "opts": self.opts,
            "form": form,
            "claims": queryset.order_by("article_id", "position"),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media,
        }
        return render(request, "admin/annotations/claim/reject.html", context)

    @admin.action(
        description=_("Publish the selected verdicts"), permissions=["review"]
    )
    def publish(self, request: HttpRequest, queryset: QuerySet[Claim]) -> None:
        self._review(request, queryset, "publish", reviewing.publish)

    def _review(
        self,
        request: HttpRequest,
        queryset: QuerySet[Claim],
        name: str,
        decide: Callable[..., Claim],
    ) -> None:
        """Apply a review decision to each selected claim as it is now.

        Each claim is decided on its own: one refusal (two-person rule, no
        source, wrong status, changed meanwhile) is reported and the others
        go ahead.
        """
        claims = list(queryset.order_by("article_id", "position"))
        done = 0
        for claim in claims:
            try:
                decide(
                    claim=claim, reviewer=request.user, expected_version=claim.version
                )
            except REFUSALS as error:
                self.message_user(
                    request,
                    CLAIM_REFUSED
                    % {
                        "position": claim.position,
                        "article": Truncator(claim.article.title).chars(40),
                        "error": refusal(error),
                    },
                    messages.ERROR,
                )
            else:
                done += 1
        self.message_user(
            request,
            REVIEWED[name] % {"done": done, "count": len(claims)},
            messages.SUCCESS if done == len(claims) else messages.WARNING,
        )


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


def hint_html(hint: dict) -> str:
    """One stored hint, readable: its kind, message, and where it stands."""
    where = format_html_join(
        ", ",
        "“{}” ({}–{})",
        ((s["text"], s["start"], s["end"]) for s in hint.get("spans", [])),
    )
    earlier = ""
    if hint.get("type") == assisting.CHECKED_BEFORE and hint.get("claim"):
        earlier = format_html(
            ' <a href="{}">{}</a>',
            reverse("admin:annotations_claim_change", args=[hint["claim"]]),
            _("the earlier claim"),
        )
    return format_html(
        "<strong>{}</strong>: {}{}{}",
        HINT_NAMES.get(hint.get("type"), hint.get("type")),
        hint.get("message", ""),
        format_html(" <small>{}</small>", where) if where else "",
        earlier,
    )


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


class WebhookForm(forms.ModelForm):
    url = forms.URLField(
        label=_("URL"),
        max_length=2000,
        assume_scheme="https",
        help_text=_(
            "Each delivery is a JSON POST here. Private and local addresses "
            "are refused unless FETCH_ALLOWED_HOSTS lists the host."
        ),
    )
    events = forms.TypedMultipleChoiceField(
        label=_("events"),
        choices=WebhookEvent.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("What this endpoint is told about."),
    )

    class Meta:
        model = Webhook
        fields = ("url", "secret", "events", "active")
        help_texts = {
            "secret": _(
                "The receiver checks X-Factcheck-Signature: sha256= the "
                "HMAC-SHA256 of the body with this secret."
            ),
        }


@admin.register(Webhook)
class WebhookAdmin(admin.ModelAdmin):
    """Endpoints told about imports, published verdicts and corrections."""

    form = WebhookForm
    list_display = ("url", "event_names", "active", "created_at")
    list_filter = ("active",)
    search_fields = ("url",)

    @admin.display(description=_("events"))
    def event_names(self, hook: Webhook) -> str:
        return ", ".join(hook.events)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnly, admin.ModelAdmin):
    """The delivery log: every event sent, its answer and its attempts."""

    list_display = (
        "pk",
        "webhook",
        "event",
        "job_status",
        "status_code",
        "attempts",
        "last_error",
        "created_at",
        "delivered_at",
    )
    list_filter = ("event", "job__status", "status_code")
    list_select_related = ("webhook", "job")
    search_fields = ("webhook__url", "job__error")
    date_hierarchy = "created_at"
    list_per_page = 100

    @admin.display(description=_("status"), ordering="job__status")
    def job_status(self, delivery: WebhookDelivery) -> str:
        return delivery.job.get_status_display()

    @admin.display(description=_("attempts"))
    def attempts(self, delivery: WebhookDelivery) -> int:
        return delivery.job.attempts

    @admin.display(description=_("last error"))
    def last_error(self, delivery: WebhookDelivery) -> str:
        return Truncator(delivery.job.error).chars(80)


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


User = get_user_model()
admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class DeskUserAdmin(UserAdmin):
    """Users and their roles (the groups viewer, editor, reviewer and admin)."""

    list_display = (
        "username",
        "email",
        "role_names",
        "is_staff",
        "is_active",
        "last_login",
    )
    list_filter = ("groups", "is_staff", "is_superuser", "is_active")

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).prefetch_related("groups")

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> tuple[str, ...]:
        fields = tuple(super().get_readonly_fields(request, obj))
        if request.user.is_superuser:
            return fields
        # Only a superuser makes superusers or grants permissions outside a role.
        return (*fields, "is_superuser", "user_permissions")

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        # Only a superuser changes a superuser (its password included, which
        # UserAdmin checks with this): the admin role must not be able to take
        # over a stronger account.
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups":
            kwargs["label"] = _("Roles")
            kwargs["help_text"] = _(
                "viewer reads; editor also writes verdicts and sources; reviewer "
                "also approves and publishes; admin also deletes articles and "
                "manages users."
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description=_("roles"))
    def role_names(self, user) -> str:
        names = sorted(group.name for group in user.groups.all())
        if user.is_superuser:
            names.append(str(_("superuser")))
        return format_html_join(", ", "{}", ((name,) for name in names)) or "—"


@admin.register(Group)
class RoleAdmin(GroupAdmin):
    """The roles: each a group with its permissions (roles.install_roles)."""

    list_display = ("name", "members")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Group]:
        return super().get_queryset(request).annotate(member_count=Count("user"))

    @admin.display(description=_("members"), ordering="member_count")
    def members(self, group: Group) -> int:
        return group.member_count


def rating_column(rating: Rating) -> Callable[[Article], int]:
    """An article changelist column: its claims to check given ``rating``."""

    def column(article: Article) -> int:
        return given_of(article)[rating.key]

    column.__name__ = rating.key  # its cells' class: field-<key>
    column.short_description = rating.label  # type: ignore[attr-defined]
    return column


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
admin.site.unregister(TokenProxy)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """API tokens (superusers only): a new key is shown once, then only its hash."""

    list_display = ("user", "prefix", "created_at")
    list_select_related = ("user",)
    search_fields = ("user__username", "prefix")
    fields = ("user",)
    readonly_fields = ("prefix", "created_at")

    def get_fields(self, request: HttpRequest, obj=None) -> tuple[str, ...]:
        return ("user",) if obj is None else ("user", "prefix", "created_at")

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: ApiToken, form, change) -> None:
        token, key = tokens.create_token(user=obj.user)
        obj.pk, obj.prefix, obj.digest = token.pk, token.prefix, token.digest
        obj.created_at = token.created_at
        self.message_user(
            request, TOKEN_ONCE % {"user": obj.user, "key": key}, messages.WARNING
        )


# Shown in the admin's header and the import page.
admin.site.site_header = _("factcheck administration")
admin.site.site_title = _("factcheck")
admin.site.index_title = _("Desk")
