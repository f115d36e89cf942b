"""The editor's pages. Views parse input, call one service or query, render.

Every page works as plain HTML forms; with htmx, saving a claim swaps the side
panel and the claim's span in place instead of reloading the page.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect, HttpResponseClientRefresh

from . import exporters, importing, layout, queries, services
from .forms import ArticleImportForm, ClaimForm, SourceForm, SplitForm, VersionForm
from .models import Article, Claim, Source, Verdict

FILTERS = ("all", "unreviewed", *Verdict.values[1:])
PAGE_SIZE = 20
INCOMPLETE = gettext_lazy("The request was incomplete. Reload the page and try again.")
SOURCE_FIELDS = ("url", "title", "publisher", "quote", "stance", "accessed_on")


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    search = request.GET.get("q", "").strip()[:200]
    page = Paginator(queries.articles_for_dashboard(search), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request, "annotations/dashboard.html", {"page": page, "search": search}
    )


@login_required
def article_new(request: HttpRequest) -> HttpResponse:
    form = ArticleImportForm(request.POST or None, request.FILES or None)
    preview = None
    if request.method == "POST" and form.is_valid():
        arguments = form.import_arguments()
        try:
            if "preview" in request.POST:
                preview = services.plan_import(
                    text=arguments["text"],
                    title=arguments["title"],
                    url=arguments["url"],
                    heading_lines=arguments["heading_lines"],
                ).units
            else:
                article = services.import_article(imported_by=request.user, **arguments)
        except importing.ImportRefused as error:
            form.add_error(form.error_field(error), error.message)
        else:
            if preview is None:
                messages.success(
                    request, _("Imported “%(title)s”.") % {"title": article.title}
                )
                url = reverse("workspace", args=[article.pk])
                if request.htmx:
                    return HttpResponseClientRedirect(url)
                return redirect(url)
            # The text goes back into the form (a file cannot be re-sent), with
            # the headings its markup named.
            form = ArticleImportForm(
                initial={
                    **form.cleaned_data,
                    **arguments,
                    "headings": "\n".join(sorted(arguments["heading_lines"])),
                }
            )
    context = {
        "form": form,
        "preview": preview,
        "max_bytes": settings.IMPORT_MAX_BYTES,
    }
    return render(request, "annotations/article_new.html", context)


@login_required
@require_GET
def workspace(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(queries.live_articles(), pk=pk)
    return render(
        request, "annotations/workspace.html", _workspace_context(request, article)
    )


def _workspace_context(
    request: HttpRequest, article: Article, claim: Claim | None = None, **panel
) -> dict:
    """The whole workspace; ``claim`` (or ?claim=) opens in the side panel."""
    show = request.GET.get("show", "all")
    claims = list(queries.workspace_claims(article))
    selected = claim or _selected(request, claims)
    context = {
        "article": article,
        "paragraphs": layout.paragraphs(article.text, claims),
        "show": show if show in FILTERS else "all",
        "filters": FILTERS,
        "progress": queries.progress(article),
        "selected": selected,
    }
    if selected is not None:
        if claim is None:
            selected = queries.claim_for_panel(selected.pk)
        context.update(_panel_context(selected, **panel))
    return context


def _selected(request: HttpRequest, claims: list[Claim]) -> Claim | None:
    wanted = request.GET.get("claim", "")
    if not (wanted.isascii() and wanted.isdigit()):
        return None
    return next((c for c in claims if c.pk == int(wanted)), None)


@login_required
@require_GET
def claim_panel(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _claim_or_404(pk)
    if not request.htmx:
        return redirect(_workspace_url(claim))
    return render(
        request, "annotations/workspace.html#panel-response", _panel_context(claim)
    )


@login_required
@require_POST
def claim_save(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _claim_or_404(pk)
    form = ClaimForm(request.POST)
    if not form.is_valid():
        return _panel_response(request, claim, status=400, claim_form=form)
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
        return _panel_response(request, stale.current, status=409, conflict=data)
    except ValidationError as error:  # the claim was merged away meanwhile
        messages.error(request, _error_text(error))
        return _structure_changed(request, claim)
    return _panel_response(request, claim, saved=True)


@login_required
@require_POST
def source_add(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _claim_or_404(pk)
    form = SourceForm(request.POST, auto_id="src-new-%s")
    return _source_change(
        request,
        claim,
        form,
        lambda: services.add_source(
            claim=claim, added_by=request.user, **form.service_arguments()
        ),
    )


@login_required
@require_POST
def source_edit(request: HttpRequest, pk: int) -> HttpResponse:
    source = get_object_or_404(Source, pk=pk)
    form = SourceForm(request.POST, auto_id=f"src-{source.pk}-%s")
    return _source_change(
        request,
        _claim_or_404(source.claim_id),
        form,
        lambda: services.update_source(
            source=source, editor=request.user, **form.service_arguments()
        ),
        source=source,
    )


@login_required
@require_POST
def source_delete(request: HttpRequest, pk: int) -> HttpResponse:
    source = get_object_or_404(Source, pk=pk)
    form = VersionForm(request.POST)
    return _source_change(
        request,
        _claim_or_404(source.claim_id),
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
    if not form.is_valid():
        if not typed:
            return _panel_response(request, claim, status=400, error=INCOMPLETE)
        return _panel_response(request, claim, status=400, **typed)
    try:
        change()
    except ValidationError as error:
        field = error.code if error.code in SourceForm.base_fields else None
        form.add_error(field, error.messages[0])
        return _panel_response(request, claim, status=400, **typed)
    except services.StaleVersion as stale:
        # Nothing was changed; what the editor typed stays in the form.
        return _panel_response(
            request, _claim_or_404(claim.pk), status=409, error=str(stale), **typed
        )
    return _panel_response(request, _claim_or_404(claim.pk), saved=True)


@login_required
@require_POST
def claim_split(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _claim_or_404(pk)
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
            messages.error(request, _error_text(error))
        else:
            messages.success(request, _split_message(claim, first, second))
            claim = first
    else:
        messages.error(request, _("Choose where to split the claim."))
    return _structure_changed(request, claim)


@login_required
@require_POST
def claim_merge(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _claim_or_404(pk)
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
            messages.error(request, _error_text(error))
        else:
            messages.success(request, _merge_message(claim, merged))
            claim = merged
    return _structure_changed(request, claim)


def _split_message(before: Claim, first: Claim, second: Claim) -> str:
    message = _("Split claim %(a)s into %(a)s and %(b)s.") % {
        "a": first.position,
        "b": second.position,
    }
    if before.verdict != Verdict.UNREVIEWED:
        message += " " + _(
            "Its verdict (%(verdict)s) was cleared: check both parts again."
        ) % {"verdict": before.get_verdict_display()}
    return message


def _merge_message(before: Claim, merged: Claim) -> str:
    message = _("Merged claims %(a)s and %(b)s.") % {
        "a": merged.position,
        "b": merged.position + 1,
    }
    if before.verdict != Verdict.UNREVIEWED:
        message += " " + _(
            "Its verdict (%(verdict)s) was cleared: check the merged claim again."
        ) % {"verdict": before.get_verdict_display()}
    return message


def _error_text(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)


def _structure_changed(request: HttpRequest, claim: Claim) -> HttpResponse:
    """After a split or merge the whole article is laid out again.

    Split and merge are plain form posts. An htmx request lands here only when
    a claim vanished under it; it reloads the page, because a client redirect
    to the same URL with another #fragment would only scroll.
    """
    if request.htmx:
        return HttpResponseClientRefresh()
    return redirect(_workspace_url(claim))


@require_GET
def report(request: HttpRequest, pk: int) -> HttpResponse:
    """The public page for readers: reviewed claims, rationales and sources."""
    article = get_object_or_404(queries.live_articles(), pk=pk)
    findings = list(exporters.export_rows(queries.published_claims(article)))
    report_url = request.build_absolute_uri(reverse("report", args=[article.pk]))
    reviews = [
        exporters.claim_review_json(
            exporters.claim_review(
                row,
                url=f"{report_url}#claim-{row['position']}",
                organisation=settings.FACTCHECK_ORGANISATION,
            )
        )
        for row in findings
    ]
    context = {
        "article": article,
        "paragraphs": layout.paragraphs(
            article.text, queries.workspace_claims(article)
        ),
        "findings": findings,
        "reviewed_pks": {row["claim_id"] for row in findings},
        "reviews": reviews,
    }
    return render(request, "annotations/report.html", context)


def _claim_or_404(pk: int) -> Claim:
    try:
        return queries.claim_for_panel(pk)
    except Claim.DoesNotExist:
        raise Http404 from None


def _workspace_url(claim: Claim) -> str:
    url = reverse("workspace", args=[claim.article_id])
    return f"{url}?claim={claim.pk}#claim-{claim.position}"


def _panel_context(
    claim: Claim,
    *,
    claim_form: ClaimForm | None = None,
    source_form: SourceForm | None = None,
    source_for: Source | None = None,
    conflict: dict | None = None,
    error: str = "",
    saved: bool = False,
) -> dict:
    following = queries.neighbour(claim, 1)
    source_forms = [
        (
            source,
            source_form
            if source_for is not None and source_for.pk == source.pk
            else SourceForm(
                initial={field: getattr(source, field) for field in SOURCE_FIELDS},
                auto_id=f"src-{source.pk}-%s",
            ),
        )
        for source in claim.sources.all()
    ]
    return {
        "claim": claim,
        "claim_form": claim_form
        or ClaimForm(
            initial={
                "verdict": claim.verdict,
                "rationale": claim.rationale,
                "kind": claim.kind,
                "version": claim.version,
            }
        ),
        # A form with errors reopens where it was: the new-source form, or
        # the edit form of the source it belongs to.
        "new_source_form": source_form
        if source_form is not None and source_for is None
        else SourceForm(auto_id="src-new-%s"),
        "source_forms": source_forms,
        "edit_source": source_for,
        "split_form": SplitForm(initial={"version": claim.version}),
        "following": following
        if following is not None and queries.on_same_line(claim, following)
        else None,
        "conflict": conflict,
        "error": error,
        "saved": saved,
    }


def _panel_response(
    request: HttpRequest, claim: Claim, status: int = 200, **panel
) -> HttpResponse:
    """After a change: with htmx, the panel (plus, after a save, the claim's
    span and the progress counter); without, the workspace or a redirect."""
    if not request.htmx:
        if status >= 400:
            context = _workspace_context(request, claim.article, claim, **panel)
            return render(request, "annotations/workspace.html", context, status=status)
        return redirect(_workspace_url(claim))
    context = _panel_context(claim, **panel)
    if panel.get("saved"):
        # The claim's span is sent along, styled for the page's filter.
        current = urlsplit(request.htmx.current_url or "")
        show = parse_qs(current.query).get("show", ["all"])[0]
        context["show"] = show if show in FILTERS else "all"
        context["selected"] = claim
        context["progress"] = queries.progress(claim.article)
    # htmx swaps only 2xx responses by default; the panel says what went
    # wrong itself, so it is sent as 200.
    return render(request, "annotations/workspace.html#panel-response", context)
