"""The public report of an article's published verdicts, and sources' archived
copies."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from .. import exporters, queries, roles
from ..counting import UnitCounts
from ..models import Article, Source, Status
from . import layout


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
