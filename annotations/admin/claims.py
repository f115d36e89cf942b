"""Claims: their verdicts, claimants and sources edited, and reviewed in bulk."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import render
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from .. import queries, ratings, roles, services
from ..models import Claim
from ..services import claimants, reviewing
from .display import URL_FORMFIELD, DeskMedia, article_link, hint_html
from .filters import ArticleFilter, HintFilter, VerdictFilter
from .refusing import REFUSALS, HistoryAdmin, refusal
from .sources import SOURCE_FIELDS, SourceInline

STALE_FORM = _(
    "Someone else changed this claim while you were editing it (now version "
    "%(current)s). Your changes were not saved; review the current values below."
)
CLAIM_REFUSED = _("Claim #%(position)s of “%(article)s”: %(error)s")
REVIEWED = {
    "approve": _("Approved %(done)d of %(count)d selected verdicts."),
    "reject": _("Rejected %(done)d of %(count)d selected verdicts."),
    "publish": _("Published %(done)d of %(count)d selected verdicts."),
}
# The claim admin's fields that claimants.set_claimant writes.
CLAIMANT_FIELDS = {"claimant", "appearance_url", "appearance_date"}


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
    # Shown, not edited: everything but what the services let an admin change.
    readonly_fields = tuple(
        f
        for f in fields
        if f
        not in (
            "kind",
            "verdict",
            "rationale",
            "claimant",
            "appearance_url",
            "appearance_date",
            "expected_version",
        )
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
