"""Changes to one claim from its panel: verdict, assignment, claimant, comments,
reused verdicts, sources, and splitting or merging claims."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRefresh

from .. import queries, ratings, roles, services
from ..models import Claim, Source, Verdict
from ..services import claimants, refusals
from . import access, panels
from .access import viewer_required
from .forms import (
    ClaimantForm,
    ClaimAssignForm,
    ClaimForm,
    CommentForm,
    ReuseForm,
    SourceForm,
    SplitForm,
    VersionForm,
)
from .workspace import panel_response, panel_tab

INCOMPLETE = gettext_lazy("The request was incomplete. Reload the page and try again.")


REUSE_GONE = gettext_lazy("That claim is no longer available: nothing was reused.")


@viewer_required
@require_POST
def claim_save(request: HttpRequest, pk: int) -> HttpResponse:
    claim = access.claim_or_404(pk)
    if refused := access.refusal(request.user, roles.EDIT):
        return panel_response(request, claim, status=403, error=refused)
    form = ClaimForm(request.POST)
    if not form.is_valid():
        return panel_response(request, claim, status=400, claim_form=form)
    data = form.cleaned_data
    try:
        claim = services.edit_claim(
            claim=claim,
            editor=request.user,
            expected_version=data["version"],
            verdict=data["verdict"],
            rationale=data["rationale"],
            kind=data["kind"],
        )
    except services.StaleVersion as stale:
        # The panel shows their saved values, with ours beside them.
        current = access.claim_or_404(stale.current.pk)
        return panel_response(
            request, current, status=refusals.page_status(stale), conflict=data
        )
    except ValidationError as error:
        if error.code != "gone":  # e.g. a published verdict: said in the panel
            return panel_response(
                request, claim, status=400, error=refusals.message(error)
            )
        # The claim was merged away meanwhile.
        messages.error(request, refusals.message(error))
        return structure_changed(request, claim)
    return panel_response(request, claim, saved=True)


@viewer_required
@require_http_methods(["GET", "POST"])
def claim_comments(request: HttpRequest, pk: int) -> HttpResponse:
    """The Discussion tab; a POST adds a comment to it."""
    if request.method == "GET":
        return panel_tab(request, pk, "discussion")
    claim = access.claim_or_404(pk)
    form = CommentForm(request.POST, auto_id="comment-%s")
    return claim_action(
        request,
        claim,
        roles.COMMENT,
        form,
        lambda data: services.add_comment(
            claim=claim, author=request.user, text=data["text"]
        ),
        form_key="comment_form",
        tab="discussion",
        notice=_("Comment added."),
    )


@viewer_required
@require_POST
def claim_assign(request: HttpRequest, pk: int) -> HttpResponse:
    claim = access.claim_or_404(pk)
    form = ClaimAssignForm(
        request.POST, people=list(queries.editors()), auto_id="claim-%s"
    )
    return claim_action(
        request,
        claim,
        roles.EDIT,
        form,
        lambda data: services.assign_claim(
            claim=claim,
            assignee=data["assignee"],
            by=request.user,
            expected_version=data["version"],
        ),
        form_key="assign_form",
        notice=_("Assignment saved."),
    )


@viewer_required
@require_GET
def claimant_names(request: HttpRequest) -> HttpResponse:
    """The claimants used before, as the options of the panel's name field
    (fetched when the field is first focused, not with every panel)."""
    roles.require(request.user, roles.EDIT)
    names = list(claimants.suggestions())
    return render(request, "annotations/claimant_names.html", {"names": names})


@viewer_required
@require_POST
def claim_claimant(request: HttpRequest, pk: int) -> HttpResponse:
    """Say who made the claim, and where and when it appeared."""
    claim = access.claim_or_404(pk)
    return claim_action(
        request,
        claim,
        roles.EDIT,
        ClaimantForm(request.POST, auto_id="claimant-%s"),
        lambda data: claimants.set_claimant(
            claim=claim,
            editor=request.user,
            expected_version=data["version"],
            name=data["name"],
            claimant_type=data["claimant_type"],
            role=data["role"],
            appearance_url=data["appearance_url"],
            appearance_date=data["appearance_date"],
        ),
        form_key="claimant_form",
        notice=_("Claimant saved."),
    )


@viewer_required
@require_POST
def claim_reuse(request: HttpRequest, pk: int) -> HttpResponse:
    """Reuse the verdict of a claim checked before, as a draft crediting it."""
    claim = access.claim_or_404(pk)

    def reuse(data: dict) -> Claim:
        try:
            original = queries.claim_to_reuse(data["original"])
        except Claim.DoesNotExist:
            raise ValidationError(REUSE_GONE, code="original") from None
        return services.reuse_verdict(
            claim=claim,
            original=original,
            editor=request.user,
            expected_version=data["version"],
        )

    return claim_action(
        request,
        claim,
        roles.EDIT,
        ReuseForm(request.POST),
        reuse,
        notice=_("Verdict reused as a draft: a reviewer still has to approve it."),
    )


def claim_action(
    request: HttpRequest,
    claim: Claim,
    permission: str,
    form: forms.Form,
    change: Callable[[dict], object],
    *,
    form_key: str = "",
    tab: str = "details",
    notice: str = "",
) -> HttpResponse:
    """Run one service call on a claim for the panel.

    Refusals and errors stay in the panel (with what was typed); a field's
    error goes next to the field. Without htmx, success returns to the
    workspace with a message.
    """
    typed = {form_key: form} if form_key else {}
    if refused := access.refusal(request.user, permission):
        return panel_response(request, claim, status=403, error=refused, tab=tab)
    if not form.is_valid():
        if form_key:
            return panel_response(request, claim, status=400, tab=tab, **typed)
        return panel_response(request, claim, status=400, error=INCOMPLETE, tab=tab)
    try:
        change(form.cleaned_data)
    except PermissionDenied as error:  # e.g. the two-person rule
        return panel_response(
            request,
            claim,
            status=refusals.page_status(error),
            error=refusals.message(error),
            tab=tab,
            **typed,
        )
    except ValidationError as error:
        if error.code == "gone":
            messages.error(request, refusals.message(error))
            return structure_changed(request, claim)
        if form_key and error.code in form.fields:
            form.add_error(error.code, error.messages[0])
            return panel_response(request, claim, status=400, tab=tab, **typed)
        return panel_response(
            request, claim, status=400, error=refusals.message(error), tab=tab, **typed
        )
    except services.StaleVersion as stale:
        return panel_response(
            request,
            access.claim_or_404(claim.pk),
            status=refusals.page_status(stale),
            error=str(stale),
            tab=tab,
            **typed,
        )
    return panel_response(
        request, access.claim_or_404(claim.pk), saved=True, notice=notice, tab=tab
    )


@viewer_required
@require_POST
def source_add(request: HttpRequest, pk: int) -> HttpResponse:
    claim = access.claim_or_404(pk)
    form = SourceForm(request.POST, auto_id="src-new-%s")
    return _source_change(
        request,
        claim,
        form,
        lambda: services.add_source(
            claim=claim, added_by=request.user, **form.service_arguments()
        ),
    )


@viewer_required
@require_POST
def source_edit(request: HttpRequest, pk: int) -> HttpResponse:
    source = get_object_or_404(Source, pk=pk)
    form = SourceForm(request.POST, auto_id=f"src-{source.pk}-%s")
    return _source_change(
        request,
        access.claim_or_404(source.claim_id),
        form,
        lambda: services.update_source(
            source=source, editor=request.user, **form.service_arguments()
        ),
        source=source,
    )


@viewer_required
@require_POST
def source_delete(request: HttpRequest, pk: int) -> HttpResponse:
    source = get_object_or_404(Source, pk=pk)
    form = VersionForm(request.POST)
    return _source_change(
        request,
        access.claim_or_404(source.claim_id),
        form,
        lambda: services.remove_source(
            source=source,
            editor=request.user,
            expected_version=form.cleaned_data["version"],
        ),
    )


def _source_change(request, claim, form, change, source=None) -> HttpResponse:
    """Run a source service call for the panel; errors stay next to the form."""
    typed = {"source_form": form, "source_for": source}
    if not isinstance(form, SourceForm):
        typed = {}  # removing a source: nothing typed to keep
    if refused := access.refusal(request.user, roles.EDIT):
        return panel_response(request, claim, status=403, error=refused)
    if not form.is_valid():
        if not typed:
            return panel_response(request, claim, status=400, error=INCOMPLETE)
        return panel_response(request, claim, status=400, **typed)
    try:
        change()
    except ValidationError as error:
        field = error.code if error.code in SourceForm.base_fields else None
        form.add_error(field, error.messages[0])
        return panel_response(request, claim, status=400, **typed)
    except services.StaleVersion as stale:
        # Nothing was changed; what the editor typed stays in the form.
        return panel_response(
            request,
            access.claim_or_404(claim.pk),
            status=refusals.page_status(stale),
            error=refusals.message(stale),
            **typed,
        )
    return panel_response(request, access.claim_or_404(claim.pk), saved=True)


@viewer_required
@require_POST
def claim_split(request: HttpRequest, pk: int) -> HttpResponse:
    claim = access.claim_or_404(pk)
    if refused := access.refusal(request.user, roles.EDIT):
        return panel_response(request, claim, status=403, error=refused)
    form = SplitForm(request.POST)
    if form.is_valid():
        try:
            first, second = services.split_claim(
                claim=claim,
                at=form.cleaned_data["at"],
                editor=request.user,
                expected_version=form.cleaned_data["version"],
            )
        except (ValidationError, services.StaleVersion) as error:
            messages.error(request, refusals.message(error))
        else:
            messages.success(request, _split_message(claim, first, second))
            claim = first
    else:
        messages.error(request, _("Choose where to split the claim."))
    return structure_changed(request, claim)


@viewer_required
@require_POST
def claim_merge(request: HttpRequest, pk: int) -> HttpResponse:
    claim = access.claim_or_404(pk)
    if refused := access.refusal(request.user, roles.EDIT):
        return panel_response(request, claim, status=403, error=refused)
    form = VersionForm(request.POST)
    if form.is_valid():
        try:
            merged = services.merge_with_next(
                claim=claim,
                editor=request.user,
                expected_version=form.cleaned_data["version"],
                next_expected_version=form.cleaned_data["next_version"],
            )
        except (ValidationError, services.StaleVersion) as error:
            messages.error(request, refusals.message(error))
        else:
            messages.success(request, _merge_message(claim, merged))
            claim = merged
    return structure_changed(request, claim)


def _split_message(before: Claim, first: Claim, second: Claim) -> str:
    message = _("Split claim %(a)s into %(a)s and %(b)s.") % {
        "a": first.position,
        "b": second.position,
    }
    if before.verdict != Verdict.UNREVIEWED:
        message += " " + _(
            "Its verdict (%(verdict)s) was cleared: check both parts again."
        ) % {"verdict": ratings.label(before.verdict)}
    return message


def _merge_message(before: Claim, merged: Claim) -> str:
    message = _("Merged claims %(a)s and %(b)s.") % {
        "a": merged.position,
        "b": merged.position + 1,
    }
    if before.verdict != Verdict.UNREVIEWED:
        message += " " + _(
            "Its verdict (%(verdict)s) was cleared: check the merged claim again."
        ) % {"verdict": ratings.label(before.verdict)}
    return message


def structure_changed(request: HttpRequest, claim: Claim) -> HttpResponse:
    """After a split or merge the whole article is laid out again.

    Split and merge are plain form posts. An htmx request lands here only when
    a claim vanished under it; it reloads the page, because a client redirect
    to the same URL with another #fragment would only scroll.
    """
    if request.htmx:
        return HttpResponseClientRefresh()
    return redirect(panels.workspace_url(claim))
