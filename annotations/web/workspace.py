"""The workspace: an article's text (or its triage list) with the claim panel
beside it, the panel's tabs, and the responses that redraw the panel."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from .. import queries
from ..models import PUBLIC_ID_LENGTH, Article, Claim
from . import access, layout, panels, spans
from .access import viewer_required
from .forms import AssignForm, BulkForm

# The workspace shows the article's text, or its claims most check-worthy first.
VIEWS = ("text", "triage")

# The triage view's filter: claims at least this check-worthy.
WORTH_THRESHOLD = 0.5


@viewer_required
@require_GET
def workspace(request: HttpRequest, pk: int) -> HttpResponse:
    article = access.article_or_404(pk)
    return render(
        request, "annotations/workspace.html", workspace_context(request, article)
    )


def workspace_context(
    request: HttpRequest, article: Article, claim: Claim | None = None, **panel
) -> dict:
    """The whole workspace; ``claim`` (or ?claim=) opens in the side panel.

    ``article`` comes from queries.workspace_article (with its counts of
    versions and orphans).
    """
    show = request.GET.get("show", "all")
    view = request.GET.get("view", "text")
    view = view if view in VIEWS else "text"
    selected = claim or _selected(request, article)
    may = access.may(request.user)
    people = list(queries.editors()) if may["edit"] else []
    context = {
        "article": article,
        "view": view,
        "version": article.version_count + 1,
        "show": spans.known_filter(show),
        "verdict_filters": spans.verdict_filters(),
        "status_filters": spans.STATUS_FILTERS,
        "analysis": queries.latest_analysis(article),
        "selected": selected,
        "may": may,
        "article_assign_form": AssignForm(
            initial={"assignee": article.assignee_id},
            people=people,
            auto_id="article-%s",
        ),
    }
    if view == "triage":
        min_worth = WORTH_THRESHOLD if request.GET.get("worth") == "high" else None
        context["triage"] = list(queries.triage_claims(article, min_worth=min_worth))
        context["high_only"] = min_worth is not None
        context["worth_threshold"] = WORTH_THRESHOLD
        context["progress"] = queries.progress(article)
    else:
        context["units"] = units = list(queries.workspace_claims(article))
        context["paragraphs"] = layout.paragraphs(article.text, units)
        # Counted from the units just read: no query of its own.
        context["progress"] = queries.progress_of(units)
    if may["edit"] or may["review"]:
        context.update(_bulk_context(context, people))
    if article.orphan_count:
        context["orphans"] = list(queries.orphans(article))
    if selected is not None:
        panel.setdefault("tab", request.GET.get("tab", "details"))
        panel.setdefault("suggest", request.GET.get("suggest", ""))
        context.update(
            panels.panel_context(selected, request.user, people=people, **panel)
        )
    return context


def _bulk_context(context: dict, people: list) -> dict:
    """The bulk form: the units shown, to select, and what to do with them."""
    units = context.get("triage") or context.get("units") or []
    return {
        "bulk_rows": spans.bulk_rows(units),
        "bulk_form": BulkForm(people=people, auto_id="bulk-%s"),
    }


@viewer_required
@require_GET
def article_analysis(request: HttpRequest, pk: int) -> HttpResponse:
    """The workspace's analysis line, polled while the analysis is pending.

    Once it is done, the line fetches the page it sits on again and swaps in
    the article's text (or triage list), now with its hints.
    """
    article = get_object_or_404(queries.live_articles().only("pk"), pk=pk)
    page = reverse("desk:workspace", args=[article.pk])
    # This article's workspace only, with the reader's view and filters.
    current = urlsplit(request.htmx.current_url_abs_path or "")
    same_page = current.path == page and current.query
    context = {
        "article": article,
        "analysis": queries.latest_analysis(article),
        "polled": True,
        "reload_url": f"{page}?{current.query}" if same_page else page,
    }
    return render(request, "annotations/workspace.html#analysis-status", context)


def _selected(request: HttpRequest, article: Article) -> Claim | None:
    """The claim ?claim= names (by public id), if it is one of the article's
    (orphans too)."""
    wanted = request.GET.get("claim", "")
    # Nothing else can name a claim (and a NUL or an overlong number would
    # upset the database).
    if not (wanted.isascii() and wanted.isalnum()) or len(wanted) > PUBLIC_ID_LENGTH:
        return None
    try:
        if wanted.isascii() and wanted.isdigit():
            # Links made before claims had public ids named their database id.
            claim = queries.claim_for_panel(int(wanted))
        else:
            claim = queries.claim_for_panel(public_id=wanted)
    except Claim.DoesNotExist:
        return None
    return claim if claim.article_id == article.pk else None


@viewer_required
@require_GET
def claim_panel(request: HttpRequest, pk: int) -> HttpResponse:
    return panel_tab(request, pk, "details")


@viewer_required
@require_GET
def claim_history(request: HttpRequest, pk: int) -> HttpResponse:
    """The History tab: every recorded change of the claim and its sources."""
    return panel_tab(request, pk, "history")


def panel_tab(request: HttpRequest, pk: int, tab: str) -> HttpResponse:
    """A tab of the side panel for htmx; without it, the workspace opened there.

    ?suggest= (the index of a hint) fills the verdict form with the hint's
    suggested verdict and rationale.
    """
    claim = access.claim_or_404(pk)
    suggest = request.GET.get("suggest", "")
    if not request.htmx:
        return redirect(panels.workspace_url(claim, tab, suggest=suggest))
    return render(
        request,
        "annotations/workspace.html#panel-response",
        panels.panel_context(claim, request.user, tab=tab, suggest=suggest),
    )


def panel_response(
    request: HttpRequest, claim: Claim, status: int = 200, **panel
) -> HttpResponse:
    """After a change: with htmx, the panel (plus, after a save, the claim's
    span and the progress counter); without, the workspace or a redirect."""
    if not request.htmx:
        if status >= 400:
            article = access.article_or_404(claim.article_id)
            context = workspace_context(request, article, claim, **panel)
            return render(request, "annotations/workspace.html", context, status=status)
        if panel.get("notice"):
            messages.success(request, panel["notice"])
        return redirect(panels.workspace_url(claim, panel.get("tab", "details")))
    context = panels.panel_context(claim, request.user, **panel)
    if panel.get("saved"):
        # The claim's span is sent along, styled for the page's filter.
        current = urlsplit(request.htmx.current_url or "")
        show = parse_qs(current.query).get("show", ["all"])[0]
        context["show"] = spans.known_filter(show)
        context["selected"] = claim
        context["article"] = claim.article
        context["progress"] = queries.progress(claim.article)
    # htmx swaps only 2xx responses by default; the panel says what went
    # wrong itself, so it is sent as 200.
    return render(request, "annotations/workspace.html#panel-response", context)


def article_refused(
    request: HttpRequest, article: Article, error: str, *, status: int
) -> HttpResponse:
    """The workspace again, saying why an article action was refused."""
    messages.error(request, error)
    context = workspace_context(request, article)
    return render(request, "annotations/workspace.html", context, status=status)
