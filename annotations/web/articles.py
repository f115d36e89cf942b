"""Articles: the dashboard, importing (pasted, uploaded or fetched from a link),
new versions and their diffs, and actions on a whole article."""

from __future__ import annotations

import dataclasses

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from .. import importing, jobs, queries, roles, services
from ..counting import UnitCounts
from ..models import ArticleVersion, Job, JobStatus
from ..services import bulk, refusals, versions
from ..text import diffing
from . import access
from .access import viewer_required
from .forms import ArticleImportForm, AssignForm, BulkForm, NewVersionForm
from .workspace import article_refused

PAGE_SIZE = 20


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
@require_POST
def article_assign(request: HttpRequest, pk: int) -> HttpResponse:
    """Put an article's claims in an editor's queue."""
    article = access.article_or_404(pk)
    form = AssignForm(request.POST, people=list(queries.editors()))
    if refused := access.refusal(request.user, roles.EDIT):
        return article_refused(request, article, refused, status=403)
    if not form.is_valid():
        return article_refused(
            request, article, " ".join(form.errors["assignee"]), status=400
        )
    assignee = form.cleaned_data["assignee"]
    try:
        services.assign_article(article=article, assignee=assignee, by=request.user)
    except ValidationError as error:
        return article_refused(request, article, refusals.message(error), status=400)
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
def article_bulk(request: HttpRequest, pk: int) -> HttpResponse:
    """One action on the claims selected in the workspace; says what was done
    and what was refused, and why."""
    article = access.article_or_404(pk)
    form = BulkForm(request.POST, people=list(queries.editors()))
    if not form.is_valid():
        errors = [m for messages_ in form.errors.values() for m in messages_]
        return article_refused(request, article, " ".join(errors), status=400)
    data = form.cleaned_data
    if refused := access.refusal(request.user, bulk.PERMISSIONS[data["action"]]):
        return article_refused(request, article, refused, status=403)
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


@viewer_required
def article_version_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Paste or upload an article's updated text: preview the changes, import."""
    article = access.article_or_404(pk)
    roles.require(request.user, roles.IMPORT)
    form = NewVersionForm(request.POST or None, request.FILES or None)
    preview = None
    if request.method == "POST" and form.is_valid():
        arguments = form.version_arguments()
        try:
            if "preview" in request.POST:
                text = importing.normalise(arguments["text"])
                importing.check_text_size(text)
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
    article = access.article_or_404(pk)
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
