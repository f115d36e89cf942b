"""The desk's pages. Views parse input, call one service or query, render.

Every page works as plain HTML forms; with htmx, saving a claim swaps the side
panel and the claim's span in place instead of reloading the page.

Every page needs the viewer role. A page offers only what the user's role may
do; a post of anything else is refused here (403) and again by the services.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from functools import wraps
from urllib.parse import parse_qs, urlencode, urlsplit

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect, HttpResponseClientRefresh

from . import (
    assisting,
    exporters,
    history,
    importing,
    jobs,
    layout,
    queries,
    ratings,
    reasons,
    roles,
    services,
)
from .counting import UnitCounts
from .forms import (
    ArticleImportForm,
    AssignForm,
    BulkForm,
    ClaimantForm,
    ClaimAssignForm,
    ClaimForm,
    CommentForm,
    CorrectionForm,
    NewVersionForm,
    ReuseForm,
    ReviewForm,
    SearchForm,
    SourceForm,
    SplitForm,
    VersionForm,
)
from .models import (
    PUBLIC_ID_LENGTH,
    Article,
    ArticleVersion,
    Claim,
    CorrectionStatus,
    Job,
    JobStatus,
    Kind,
    Source,
    Status,
    Verdict,
)
from .services import bulk, claimants, refusals, reviewing, versions
from .text import diffing

# The workspace's verdict filters before the rating scale's (verdict_filters()).
VERDICT_FILTERS = (
    ("all", gettext_lazy("All")),
    ("unreviewed", gettext_lazy("Unreviewed claims")),
)
STATUS_FILTERS = (
    (Status.DRAFT, gettext_lazy("Needs review")),
    (Status.REJECTED, gettext_lazy("Rejected")),
    (Status.APPROVED, gettext_lazy("Approved")),
    (Status.PUBLISHED, gettext_lazy("Published")),
)


def verdict_filters() -> list[tuple[str, str]]:
    """All, unreviewed, then every rating (retired ones find old verdicts)."""
    return [*VERDICT_FILTERS, *ratings.choices(retired=True)]


def known_filter(show: str) -> str:
    """``show`` if it names a filter, else "all"."""
    filters = verdict_filters() + list(STATUS_FILTERS)
    return show if show in {value for value, _label in filters} else "all"


TABS = ("details", "discussion", "history")
PAGE_SIZE = 20
# Rows a queue section shows; the rest wait until these are done.
QUEUE_LIMIT = 200
INCOMPLETE = gettext_lazy("The request was incomplete. Reload the page and try again.")
SOURCE_FIELDS = ("url", "title", "publisher", "quote", "stance", "accessed_on")
# The workspace shows the article's text, or its claims most check-worthy first.
VIEWS = ("text", "triage")
# The triage view's filter: claims at least this check-worthy.
WORTH_THRESHOLD = 0.5
REUSE_GONE = gettext_lazy("That claim is no longer available: nothing was reused.")


def viewer_required(view: Callable) -> Callable:
    """Signed-in users with a role on the desk; anyone else signed in gets a 403."""

    @login_required
    @wraps(view)
    def checked(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        roles.require(request.user, roles.VIEW)
        return view(request, *args, **kwargs)

    return checked


def _refusal(user: roles.User, permission: str) -> str:
    """Why ``user`` may not do what ``permission`` stands for ("" if they may)."""
    return "" if roles.can(user, permission) else str(roles.NOT_ALLOWED[permission])


def _may(user: roles.User) -> dict[str, bool]:
    """What the page offers this user: the server checks again on every post."""
    return {
        "edit": roles.can(user, roles.EDIT),
        "review": roles.can(user, roles.REVIEW),
        "comment": roles.can(user, roles.COMMENT),
        "import": roles.can(user, roles.IMPORT),
    }


@viewer_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    search = request.GET.get("q", "").strip()[:200]
    page = Paginator(queries.articles_for_dashboard(search), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [(article, UnitCounts.of_article(article)) for article in page]
    context = {"page": page, "rows": rows, "search": search}
    return render(request, "annotations/dashboard.html", context)


@viewer_required
def article_new(request: HttpRequest) -> HttpResponse:
    roles.require(request.user, roles.EDIT)
    form = ArticleImportForm(
        request.POST or None,
        request.FILES or None,
        user=request.user,
        queue_links=True,
    )
    if request.method == "POST" and form.is_valid() and form.link:
        # A link alone: a worker fetches it, and this page follows the job.
        job = jobs.queue_fetch(url=form.link, requested_by=request.user)
        return _link_fetch(request, job)
    return _import_page(request, form, wants_preview="preview" in request.POST)


@viewer_required
@require_GET
def article_fetch(request: HttpRequest, pk: int) -> HttpResponse:
    """The import page while a link is fetched (polled), then its preview."""
    roles.require(request.user, roles.EDIT)
    job = get_object_or_404(queries.link_fetches(request.user), pk=pk)
    return _link_fetch(request, job)


def _link_fetch(request: HttpRequest, job: Job) -> HttpResponse:
    """Fetching (polled), refused with the job's error, or the page's preview."""
    url = job.page_fetch.url
    if job.status == JobStatus.DONE:
        data = {"url": url, "fetch": job.pk}
        form = ArticleImportForm(data, user=request.user, queue_links=True)
        return _import_page(request, form, wants_preview=True)
    if job.status == JobStatus.FAILED:
        form = ArticleImportForm({"url": url}, user=request.user, queue_links=True)
        form.is_valid()
        form.add_error("url", job.error)  # the refusal, in the asker's language
        return _import_page(request, form)
    form = ArticleImportForm(initial={"url": url}, queue_links=True)
    return _import_page(request, form, fetching=job)


def _import_page(
    request: HttpRequest,
    form: ArticleImportForm,
    *,
    wants_preview: bool = False,
    fetching: Job | None = None,
) -> HttpResponse:
    """Import (and off to the workspace), or the form with its preview."""
    preview = fetched = None
    if form.is_bound and form.is_valid():
        arguments = form.import_arguments()
        try:
            if wants_preview:
                plan = services.plan_import(
                    text=arguments["text"],
                    title=arguments["title"],
                    url=arguments["url"],
                    heading_lines=arguments["heading_lines"],
                    imported_by=request.user,
                )
                preview = plan.units
            else:
                article = services.import_article(imported_by=request.user, **arguments)
        except importing.ImportRefused as error:
            form.add_error(form.error_field(error), error.message)
        else:
            if preview is None:
                messages.success(
                    request, _("Imported “%(title)s”.") % {"title": article.title}
                )
                url = reverse("desk:workspace", args=[article.pk])
                if request.htmx:
                    return HttpResponseClientRedirect(url)
                return redirect(url)
            # The text goes back into the form (a file cannot be re-sent), with
            # the headings its markup named and the title the import would
            # take (the first heading or line if none was given), to edit.
            initial = {
                **form.cleaned_data,
                **arguments,
                "title": plan.title,
                "headings": "\n".join(sorted(arguments["heading_lines"])),
            }
            fetched = arguments["page"]
            if fetched is not None:
                # Import reads the same fetched page again (``fetch``) and
                # keeps it with the article.
                initial.update(text="", headings="")
                fetched = {"page": fetched, "author": arguments["author"]}
            form = ArticleImportForm(initial=initial, queue_links=True)
    context = {
        "form": form,
        "preview": preview,
        "fetched": fetched,
        "fetching": fetching,
        "max_bytes": settings.IMPORT_MAX_BYTES,
    }
    return render(request, "annotations/article_new.html", context)


@viewer_required
@require_GET
def workspace(request: HttpRequest, pk: int) -> HttpResponse:
    article = _article_or_404(pk)
    return render(
        request, "annotations/workspace.html", _workspace_context(request, article)
    )


def _workspace_context(
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
    may = _may(request.user)
    people = list(queries.editors()) if may["edit"] else []
    context = {
        "article": article,
        "view": view,
        "version": article.version_count + 1,
        "show": known_filter(show),
        "verdict_filters": verdict_filters(),
        "status_filters": STATUS_FILTERS,
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
        context.update(_panel_context(selected, request.user, people=people, **panel))
    return context


def _bulk_context(context: dict, people: list) -> dict:
    """The bulk form: the units shown, to select, and what to do with them."""
    return {
        "bulk_units": context.get("triage") or context.get("units") or [],
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
    return _panel_tab(request, pk, "details")


@viewer_required
@require_GET
def claim_history(request: HttpRequest, pk: int) -> HttpResponse:
    """The History tab: every recorded change of the claim and its sources."""
    return _panel_tab(request, pk, "history")


def _panel_tab(request: HttpRequest, pk: int, tab: str) -> HttpResponse:
    """A tab of the side panel for htmx; without it, the workspace opened there.

    ?suggest= (the index of a hint) fills the verdict form with the hint's
    suggested verdict and rationale.
    """
    claim = _claim_or_404(pk)
    suggest = request.GET.get("suggest", "")
    if not request.htmx:
        return redirect(_workspace_url(claim, tab, suggest=suggest))
    return render(
        request,
        "annotations/workspace.html#panel-response",
        _panel_context(claim, request.user, tab=tab, suggest=suggest),
    )


@viewer_required
@require_http_methods(["GET", "POST"])
def claim_comments(request: HttpRequest, pk: int) -> HttpResponse:
    """The Discussion tab; a POST adds a comment to it."""
    if request.method == "GET":
        return _panel_tab(request, pk, "discussion")
    claim = _claim_or_404(pk)
    form = CommentForm(request.POST, auto_id="comment-%s")
    return _claim_action(
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
def claim_save(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _claim_or_404(pk)
    if refused := _refusal(request.user, roles.EDIT):
        return _panel_response(request, claim, status=403, error=refused)
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
        current = _claim_or_404(stale.current.pk)
        return _panel_response(
            request, current, status=refusals.page_status(stale), conflict=data
        )
    except ValidationError as error:
        if error.code != "gone":  # e.g. a published verdict: said in the panel
            return _panel_response(request, claim, status=400, error=_error_text(error))
        # The claim was merged away meanwhile.
        messages.error(request, _error_text(error))
        return _structure_changed(request, claim)
    return _panel_response(request, claim, saved=True)


@viewer_required
@require_POST
def claim_approve(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve a draft verdict, or the correction proposed for a published one."""
    claim = _claim_or_404(pk)
    return _claim_action(
        request,
        claim,
        roles.REVIEW,
        ReviewForm(request.POST, auto_id="review-%s"),
        lambda data: reviewing.approve(
            claim=claim,
            reviewer=request.user,
            expected_version=data["version"],
            comment=data["comment"],
        ),
        form_key="review_form",
        notice=_("Approved."),
    )


@viewer_required
@require_POST
def claim_reject(request: HttpRequest, pk: int) -> HttpResponse:
    """Send a verdict back to its editor, or turn a correction down, saying why."""
    claim = _claim_or_404(pk)
    return _claim_action(
        request,
        claim,
        roles.REVIEW,
        ReviewForm(request.POST, auto_id="review-%s"),
        lambda data: reviewing.reject(
            claim=claim,
            reviewer=request.user,
            expected_version=data["version"],
            comment=data["comment"],
        ),
        form_key="review_form",
        notice=_("Rejected."),
    )


@viewer_required
@require_POST
def claim_publish(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _claim_or_404(pk)
    return _claim_action(
        request,
        claim,
        roles.REVIEW,
        VersionForm(request.POST),
        lambda data: reviewing.publish(
            claim=claim, reviewer=request.user, expected_version=data["version"]
        ),
        notice=_("Published."),
    )


@viewer_required
@require_POST
def claim_correct(request: HttpRequest, pk: int) -> HttpResponse:
    """Propose a correction of a published verdict."""
    claim = _claim_or_404(pk)
    return _claim_action(
        request,
        claim,
        roles.EDIT,
        CorrectionForm(request.POST, auto_id="correction-%s"),
        lambda data: reviewing.propose_correction(
            claim=claim,
            editor=request.user,
            verdict=data["verdict"],
            rationale=data["rationale"],
            reason=data["reason"],
            expected_version=data["version"],
        ),
        form_key="correction_form",
        notice=_("Correction proposed: a reviewer will check it."),
    )


@viewer_required
@require_POST
def claim_assign(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _claim_or_404(pk)
    form = ClaimAssignForm(
        request.POST, people=list(queries.editors()), auto_id="claim-%s"
    )
    return _claim_action(
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
    claim = _claim_or_404(pk)
    return _claim_action(
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
    claim = _claim_or_404(pk)

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

    return _claim_action(
        request,
        claim,
        roles.EDIT,
        ReuseForm(request.POST),
        reuse,
        notice=_("Verdict reused as a draft: a reviewer still has to approve it."),
    )


def _claim_action(
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
    if refused := _refusal(request.user, permission):
        return _panel_response(request, claim, status=403, error=refused, tab=tab)
    if not form.is_valid():
        if form_key:
            return _panel_response(request, claim, status=400, tab=tab, **typed)
        return _panel_response(request, claim, status=400, error=INCOMPLETE, tab=tab)
    try:
        change(form.cleaned_data)
    except PermissionDenied as error:  # e.g. the two-person rule
        return _panel_response(
            request,
            claim,
            status=refusals.page_status(error),
            error=refusals.message(error),
            tab=tab,
            **typed,
        )
    except ValidationError as error:
        if error.code == "gone":
            messages.error(request, _error_text(error))
            return _structure_changed(request, claim)
        if form_key and error.code in form.fields:
            form.add_error(error.code, error.messages[0])
            return _panel_response(request, claim, status=400, tab=tab, **typed)
        return _panel_response(
            request, claim, status=400, error=_error_text(error), tab=tab, **typed
        )
    except services.StaleVersion as stale:
        return _panel_response(
            request,
            _claim_or_404(claim.pk),
            status=refusals.page_status(stale),
            error=str(stale),
            tab=tab,
            **typed,
        )
    return _panel_response(
        request, _claim_or_404(claim.pk), saved=True, notice=notice, tab=tab
    )


@viewer_required
@require_POST
def article_assign(request: HttpRequest, pk: int) -> HttpResponse:
    """Put an article's claims in an editor's queue."""
    article = _article_or_404(pk)
    form = AssignForm(request.POST, people=list(queries.editors()))
    if refused := _refusal(request.user, roles.EDIT):
        return _article_refused(request, article, refused, status=403)
    if not form.is_valid():
        return _article_refused(
            request, article, " ".join(form.errors["assignee"]), status=400
        )
    assignee = form.cleaned_data["assignee"]
    try:
        services.assign_article(article=article, assignee=assignee, by=request.user)
    except ValidationError as error:
        return _article_refused(request, article, _error_text(error), status=400)
    if assignee is None:
        messages.success(request, _("The article is no longer assigned."))
    else:
        messages.success(
            request,
            _("Assigned the article to %(name)s.") % {"name": assignee.get_username()},
        )
    return redirect("desk:workspace", pk=article.pk)


@viewer_required
@require_POST
def article_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """Publish every approved verdict of the article at once."""
    article = _article_or_404(pk)
    if refused := _refusal(request.user, roles.REVIEW):
        return _article_refused(request, article, refused, status=403)
    count = reviewing.publish_article(article=article, reviewer=request.user)
    if count:
        messages.success(
            request,
            ngettext(
                "Published %(count)s approved verdict.",
                "Published %(count)s approved verdicts.",
                count,
            )
            % {"count": count},
        )
    else:
        messages.info(request, _("No approved verdict was waiting to be published."))
    return redirect("desk:workspace", pk=article.pk)


@viewer_required
@require_POST
def article_bulk(request: HttpRequest, pk: int) -> HttpResponse:
    """One action on the claims selected in the workspace; says what was done
    and what was refused, and why."""
    article = _article_or_404(pk)
    form = BulkForm(request.POST, people=list(queries.editors()))
    if not form.is_valid():
        errors = [m for messages_ in form.errors.values() for m in messages_]
        return _article_refused(request, article, " ".join(errors), status=400)
    data = form.cleaned_data
    if refused := _refusal(request.user, bulk.PERMISSIONS[data["action"]]):
        return _article_refused(request, article, refused, status=403)
    outcome = bulk.apply(
        article=article,
        user=request.user,
        action=data["action"],
        versions=data["versions"],
        kind=data["kind"],
        assignee=data["assignee"],
    )
    _bulk_messages(request, outcome)
    return redirect(reverse("desk:workspace", args=[article.pk]) + "#bulk")


BULK_DONE = {
    "kind": lambda n: ngettext("%(count)s kind changed", "%(count)s kinds changed", n),
    "assign": lambda n: ngettext("%(count)s assigned", "%(count)s assigned", n),
    "approve": lambda n: ngettext("%(count)s approved", "%(count)s approved", n),
    "publish": lambda n: ngettext("%(count)s published", "%(count)s published", n),
}


def _bulk_messages(request: HttpRequest, outcome: bulk.Outcome) -> None:
    """ "2 approved; 1 refused", then one line per refused claim saying why."""
    summary = BULK_DONE[outcome.action](len(outcome.done)) % {
        "count": len(outcome.done)
    }
    if not outcome.refused:
        messages.success(request, summary + ".")
        return
    count = len(outcome.refused)
    refused = ngettext("%(count)s refused", "%(count)s refused", count) % {
        "count": count
    }
    messages.warning(
        request, _("%(done)s; %(refused)s:") % {"done": summary, "refused": refused}
    )
    for refusal in outcome.refused:
        if refusal.position is None:
            messages.error(request, refusal.reason)
        else:
            messages.error(
                request,
                _("Claim %(n)s: %(reason)s")
                % {"n": refusal.position, "reason": refusal.reason},
            )


def _article_refused(
    request: HttpRequest, article: Article, error: str, *, status: int
) -> HttpResponse:
    """The workspace again, saying why an article action was refused."""
    messages.error(request, error)
    context = _workspace_context(request, article)
    return render(request, "annotations/workspace.html", context, status=status)


@viewer_required
@require_GET
def my_queue(request: HttpRequest) -> HttpResponse:
    """Claims assigned to me, and (for reviewers) the ones awaiting my review."""
    mine = list(queries.queue(request.user)[: QUEUE_LIMIT + 1])
    may = _may(request.user)
    unassigned = []
    if may["edit"]:
        unassigned = list(queries.unassigned_to_check(request.user)[: QUEUE_LIMIT + 1])
    review = None
    if may["review"]:
        review = list(queries.review_queue(request.user)[: QUEUE_LIMIT + 1])
    context = {
        "mine": mine[:QUEUE_LIMIT],
        "mine_more": len(mine) > QUEUE_LIMIT,
        "unassigned": unassigned[:QUEUE_LIMIT],
        "unassigned_more": len(unassigned) > QUEUE_LIMIT,
        "next_claim": _next_to_check(mine + unassigned),
        "review": review[:QUEUE_LIMIT] if review is not None else None,
        "review_more": review is not None and len(review) > QUEUE_LIMIT,
        "limit": QUEUE_LIMIT,
        "may": may,
    }
    return render(request, "annotations/queue.html", context)


def _next_to_check(claims: list[Claim]) -> Claim | None:
    """The first claim to check without a verdict: mine first, then unassigned."""
    return next(
        (c for c in claims if c.kind == Kind.CLAIM and c.verdict == Verdict.UNREVIEWED),
        None,
    )


@viewer_required
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    """Claims, rationales and source titles containing every word searched for.

    Bad input (a date that is not a date) is said next to its field (400).
    """
    form = SearchForm(request.GET or None, auto_id="search-%s")
    page, status = None, 200
    if form.is_bound and not form.is_valid():
        status = 400
    elif form.is_bound and form.has_criteria():
        results = queries.search_results(**form.search_arguments())
        page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    terms = form.cleaned_data["q"].split() if page is not None else []
    context = {
        "form": form,
        "page": page,
        "terms": terms[: queries.SEARCH_TERMS],
        "query": urlencode([(k, v) for k, v in request.GET.items() if k != "page"]),
    }
    return render(request, "annotations/search.html", context, status=status)


@viewer_required
def article_version_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Paste or upload an article's updated text: preview the changes, import."""
    article = _article_or_404(pk)
    roles.require(request.user, roles.IMPORT)
    form = NewVersionForm(request.POST or None, request.FILES or None)
    preview = None
    if request.method == "POST" and form.is_valid():
        arguments = form.version_arguments()
        try:
            if "preview" in request.POST:
                text = importing.normalise(arguments["text"])
                importing.check_size(
                    len(text.encode()), settings.IMPORT_MAX_BYTES, text=True
                )
                preview = diffing.diff(article.text, text)
            else:
                outcome = versions.import_new_version(
                    article=article, imported_by=request.user, **arguments
                )
        except importing.ImportRefused as error:
            form.add_error(form.error_field(error), error.message)
        else:
            if preview is None:
                messages.success(request, _outcome_message(outcome))
                return redirect("desk:workspace", pk=article.pk)
            # The text comes back in the form (a file cannot be re-sent).
            form = NewVersionForm(
                initial={
                    "text": arguments["text"],
                    "headings": "\n".join(sorted(arguments["heading_lines"])),
                }
            )
    context = {
        "article": article,
        "version": article.version_count + 1,
        "form": form,
        "preview": preview,
        "changed": preview is not None and any(p.op != "equal" for p in preview),
        "max_bytes": settings.IMPORT_MAX_BYTES,
    }
    return render(request, "annotations/version_new.html", context)


def _outcome_message(outcome: versions.Outcome) -> str:
    return _(
        "Version %(version)s imported: kept %(kept)s, changed %(changed)s, "
        "orphaned %(orphaned)s, added %(added)s."
    ) % dataclasses.asdict(outcome)


@viewer_required
@require_GET
def article_version_diff(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """What changed from version ``number`` to the next (or the current) one."""
    article = _article_or_404(pk)
    old = get_object_or_404(ArticleVersion, article=article, number=number)
    current = article.version_count + 1
    if number + 1 < current:
        new_text = get_object_or_404(
            ArticleVersion, article=article, number=number + 1
        ).text
    else:
        new_text = article.text
    context = {
        "article": article,
        "old": old,
        "number": number,
        "next": number + 1,
        "current": current,
        "pieces": diffing.diff(old.text, new_text),
        "earlier": list(queries.versions(article)),
    }
    return render(request, "annotations/version_diff.html", context)


@viewer_required
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


@viewer_required
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


@viewer_required
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
    if refused := _refusal(request.user, roles.EDIT):
        return _panel_response(request, claim, status=403, error=refused)
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
            request,
            _claim_or_404(claim.pk),
            status=refusals.page_status(stale),
            error=refusals.message(stale),
            **typed,
        )
    return _panel_response(request, _claim_or_404(claim.pk), saved=True)


@viewer_required
@require_POST
def claim_split(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _claim_or_404(pk)
    if refused := _refusal(request.user, roles.EDIT):
        return _panel_response(request, claim, status=403, error=refused)
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


@viewer_required
@require_POST
def claim_merge(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _claim_or_404(pk)
    if refused := _refusal(request.user, roles.EDIT):
        return _panel_response(request, claim, status=403, error=refused)
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


def _error_text(error: Exception) -> str:
    return refusals.message(error)


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
def source_archive(request: HttpRequest, pk: int) -> HttpResponse:
    """A source's archived copy: public once its claim's verdict is published
    (the report links it), otherwise for the desk only."""
    try:
        source = queries.source_archive(pk)
    except Source.DoesNotExist:
        raise Http404 from None
    claim = source.claim
    if claim.status != Status.PUBLISHED or claim.orphaned:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        roles.require(request.user, roles.VIEW)
    if source.archive is None:
        raise Http404
    context = {"source": source, "snapshot": source.archive}
    return render(request, "annotations/source_archive.html", context)


@require_GET
def report(request: HttpRequest, pk: int) -> HttpResponse:
    """The public page for readers: published verdicts, their sources and the
    corrections made to them. Nothing unpublished is shown here: without a
    published verdict it is a 404 page saying nothing is published yet (the
    desk gets a link to the workspace), whether the article exists or not."""
    # The text and the unit counts in one query.
    article = queries.articles_with_counts().defer(None).filter(pk=pk).first()
    findings = []
    if article is not None:
        findings = list(exporters.export_rows(queries.published_claims(article)))
    if not findings:
        return _nothing_published(request, article)
    corrections = list(queries.public_corrections(article))
    corrected = {correction.claim_id: correction for correction in corrections}
    for row in findings:
        row["correction"] = corrected.get(row["claim_id"])
    report_url = request.build_absolute_uri(reverse("desk:report", args=[article.pk]))
    reviews = [
        exporters.claim_review_json(
            exporters.claim_review(
                row,
                url=exporters.finding_url(report_url, row),
                organisation=settings.FACTCHECK_ORGANISATION,
            )
        )
        for row in findings
    ]
    context = {
        "article": article,
        "paragraphs": layout.without_furniture(
            layout.paragraphs(article.text, queries.workspace_claims(article))
        ),
        "counts": UnitCounts.of_article(article),
        "findings": findings,
        "reviewed_pks": {row["claim_id"] for row in findings},
        "reviews": reviews,
        "corrections": corrections,
    }
    return render(request, "annotations/report.html", context)


def _nothing_published(request: HttpRequest, article: Article | None) -> HttpResponse:
    """The report of an article with no published verdict: a real page (404)
    that says so, never whether the article exists to someone off the desk."""
    desk = roles.can(request.user, roles.VIEW)
    context = {"article": article if desk else None, "desk": desk}
    return render(request, "annotations/report_unpublished.html", context, status=404)


def _claim_or_404(pk: int) -> Claim:
    try:
        return queries.claim_for_panel(pk)
    except Claim.DoesNotExist:
        raise Http404 from None


def _article_or_404(pk: int) -> Article:
    try:
        return queries.workspace_article(pk)
    except Article.DoesNotExist:
        raise Http404 from None


def _workspace_url(claim: Claim, tab: str = "details", suggest: str = "") -> str:
    url = reverse("desk:workspace", args=[claim.article_id])
    query = {"claim": claim.public_id}
    if tab != "details":
        query["tab"] = tab
    if suggest:
        query["suggest"] = suggest
    anchor = (
        f"orphan-{claim.pk}"
        if claim.orphaned
        else exporters.claim_anchor(claim.public_id)
    )
    return f"{url}?{urlencode(query)}#{anchor}"


def _panel_context(
    claim: Claim,
    user: roles.User,
    *,
    tab: str = "details",
    people: list | None = None,
    claim_form: ClaimForm | None = None,
    source_form: SourceForm | None = None,
    source_for: Source | None = None,
    review_form: ReviewForm | None = None,
    correction_form: CorrectionForm | None = None,
    assign_form: ClaimAssignForm | None = None,
    comment_form: CommentForm | None = None,
    claimant_form: ClaimantForm | None = None,
    conflict: dict | None = None,
    error: str = "",
    saved: bool = False,
    notice: str = "",
    suggest: str = "",
) -> dict:
    """The side panel: its head, and the one tab that is open."""
    tab = tab if tab in TABS else "details"
    may = _may(user)
    comments = list(claim.comments.all())
    pending = next(
        (c for c in claim.corrections.all() if c.status == CorrectionStatus.PENDING),
        None,
    )
    context = {
        "claim": claim,
        "kind_reason": reasons.furniture_reason(claim.kind_reason),
        "tab": tab,
        "may": may,
        "comment_count": len(comments),
        "pending": pending,
        "conflict": conflict,
        "error": error,
        "saved": saved,
        "notice": notice,
    }
    if tab == "discussion":
        context["comments"] = comments
        context["comment_form"] = comment_form or CommentForm(auto_id="comment-%s")
        return context
    if tab == "history":
        context["timeline"] = _timeline(claim)
        return context
    published = claim.status == Status.PUBLISHED
    assist = _assist(claim)
    context["assist"] = assist
    suggestion = _suggestion(assist, suggest) if may["edit"] else None
    context["rejection"] = next(
        (c for c in reversed(comments) if c.kind == "rejection"), None
    )
    context["own_draft"] = claim.verdict_by_id == user.pk
    if may["review"] and (claim.status == Status.DRAFT or pending is not None):
        context["approve_refusal"] = reviewing.approval_refusal(
            claim, user, pending=pending
        )
    context["review_form"] = review_form or ReviewForm(
        initial={"version": claim.version}, auto_id="review-%s"
    )
    if may["edit"]:
        if people is None:
            people = list(queries.editors())
        context["assign_form"] = assign_form or ClaimAssignForm(
            initial={"assignee": claim.assignee_id, "version": claim.version},
            people=people,
            auto_id="claim-%s",
        )
    if may["edit"] and published:
        verdict, rationale = claim.verdict, claim.rationale
        if suggestion is not None:
            verdict, rationale = suggestion
            context["suggested"] = verdict
        context["correction_form"] = correction_form or CorrectionForm(
            initial={
                "verdict": verdict,
                "rationale": rationale,
                "version": claim.version,
            },
            auto_id="correction-%s",
        )
    context["source_forms"] = [(source, None) for source in claim.sources.all()]
    if may["edit"]:
        context.update(_claimant_context(claim, claimant_form))
    if may["edit"] and not published:
        context.update(
            _editing_context(claim, claim_form, source_form, source_for, suggestion)
        )
    return context


def _claimant_context(claim: Claim, form: ClaimantForm | None) -> dict:
    """The claimant form, filled with the claim's, and the names it completes."""
    claimant = claim.claimant
    initial = {
        "name": claimant.name if claimant else "",
        "claimant_type": claimant.type if claimant else "person",
        "role": claimant.role if claimant else "",
        "appearance_url": claim.appearance_url,
        "appearance_date": claim.appearance_date,
        "version": claim.version,
    }
    return {
        "claimant_form": form or ClaimantForm(initial=initial, auto_id="claimant-%s")
    }


def _assist(claim: Claim) -> dict:
    """The claim's hints and check-worthiness as the panel shows them.

    Messages are the page's own, translated, built from each hint's fields
    (the stored message is English, for the API).
    """
    figures, names, contradictions, earlier = [], [], [], []
    for index, hint in enumerate(claim.hints or []):
        kind = hint.get("type")
        if kind == assisting.NUMBER:
            figures.append(hint)
        elif kind == assisting.NAME_VARIANT:
            names.append(_name_hint(index, hint))
        elif kind == assisting.CONTRADICTION:
            contradictions.append(hint)
        elif kind == assisting.CHECKED_BEFORE and hint.get("claim"):
            earlier.append(hint)
    originals = {}
    if earlier:
        found = queries.hinted_claims([hint["claim"] for hint in earlier])
        originals = {original.pk: original for original in found}
    return {
        "figures": figures,
        "names": names,
        "contradictions": contradictions,
        "earlier": [(hint, originals.get(hint["claim"])) for hint in earlier],
        "count": len(names) + len(contradictions) + len(earlier),
    }


def _name_hint(index: int, hint: dict) -> dict:
    """A name-variant hint with its message and what "Mark misstated" fills in."""
    majority = hint.get("majority", "")
    forms = [f for f in hint.get("forms", []) if f.get("text")]
    usual = next((f.get("count", 0) for f in forms if f["text"] == majority), 0)
    here = next(
        (s["text"] for s in hint.get("spans", []) if s.get("text") != majority), ""
    )
    variant = hint.get("variant", "")
    suggested = hint.get("suggested_verdict", "")
    if suggested and here:
        message = _("“%(here)s” is probably a misspelling of “%(usual)s”.") % {
            "here": here,
            "usual": majority,
        }
    elif variant == "script":
        message = _("The same person is written in two scripts.")
    elif variant == "order":
        message = _("The same name is written in another order.")
    elif variant == "homophone":
        message = _(
            "A name that sounds the same with other tones: check that these are "
            "not two different people."
        )
    elif variant == "short":
        message = str(assisting.VARIANT_LABELS["short"])
    else:
        message = _("This name is written another way elsewhere in the article.")
    rationale = ngettext(
        "The name is written %(name)s elsewhere in the article (%(count)s time).",
        "The name is written %(name)s elsewhere in the article (%(count)s times).",
        usual,
    ) % {"name": majority, "count": usual}
    return {
        "index": index,
        "variant": variant,
        "message": message,
        "forms": [
            {
                "text": f["text"],
                "count": f.get("count", 0),
                "usual": f["text"] == majority,
            }
            for f in forms
        ],
        "suggested": suggested if suggested in ratings.active_keys() and here else "",
        "rationale": rationale,
    }


def _suggestion(assist: dict, wanted: str) -> tuple[str, str] | None:
    """(verdict, rationale) of the hint ?suggest= names, if it suggests one."""
    if not (wanted.isascii() and wanted.isdigit()):
        return None
    for hint in assist["names"]:
        if hint["index"] == int(wanted) and hint["suggested"]:
            return hint["suggested"], hint["rationale"]
    return None


def _with_line(text: str, line: str) -> str:
    """``text`` with ``line`` added on a line of its own (unless already there)."""
    if line in text:
        return text
    return f"{text.rstrip()}\n{line}" if text.strip() else line


def _editing_context(
    claim: Claim,
    claim_form: ClaimForm | None,
    source_form: SourceForm | None,
    source_for: Source | None,
    suggestion: tuple[str, str] | None = None,
) -> dict:
    """The forms that change a verdict, its sources and the claim's extent.

    A suggestion (from a hint) fills the verdict form; the editor still saves.
    Orphans (no longer in the text) cannot be split or merged.
    """
    verdict, rationale = claim.verdict, claim.rationale
    if suggestion is not None:
        verdict, rationale = suggestion[0], _with_line(claim.rationale, suggestion[1])
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
    following = None if claim.orphaned else queries.neighbour(claim, 1)
    return {
        "suggested": verdict if suggestion is not None else "",
        "form_verdict": verdict,
        "claim_form": claim_form
        or ClaimForm(
            initial={
                "verdict": verdict,
                "rationale": rationale,
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
        "split_form": None
        if claim.orphaned
        else SplitForm(initial={"version": claim.version}),
        "following": following
        if following is not None and queries.on_same_line(claim, following)
        else None,
    }


# Claim fields the History tab leaves out: offsets move with every split.
_QUIET_FIELDS = {"start", "end"}


def _timeline(claim: Claim) -> list[history.Entry]:
    """The claim's history, newest first, with the noise left out."""
    shown = []
    for entry in history.claim_history(claim.pk):
        changes = [c for c in entry.changes if c.field not in _QUIET_FIELDS]
        if entry.action == "created" and entry.subject == "claim":
            changes = [c for c in changes if c.field == "text"]
        if entry.action == "changed" and not changes and not entry.comment:
            continue  # a version bump for a source change, shown as its own entry
        comment = reasons.history_comment(entry.comment)
        shown.append(dataclasses.replace(entry, changes=changes, comment=comment))
    return shown[::-1]


def _panel_response(
    request: HttpRequest, claim: Claim, status: int = 200, **panel
) -> HttpResponse:
    """After a change: with htmx, the panel (plus, after a save, the claim's
    span and the progress counter); without, the workspace or a redirect."""
    if not request.htmx:
        if status >= 400:
            article = _article_or_404(claim.article_id)
            context = _workspace_context(request, article, claim, **panel)
            return render(request, "annotations/workspace.html", context, status=status)
        if panel.get("notice"):
            messages.success(request, panel["notice"])
        return redirect(_workspace_url(claim, panel.get("tab", "details")))
    context = _panel_context(claim, request.user, **panel)
    if panel.get("saved"):
        # The claim's span is sent along, styled for the page's filter.
        current = urlsplit(request.htmx.current_url or "")
        show = parse_qs(current.query).get("show", ["all"])[0]
        context["show"] = known_filter(show)
        context["selected"] = claim
        context["article"] = claim.article
        context["progress"] = queries.progress(claim.article)
    # htmx swaps only 2xx responses by default; the panel says what went
    # wrong itself, so it is sent as 200.
    return render(request, "annotations/workspace.html#panel-response", context)
