"""Searching claims, rationales and source titles."""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .. import queries
from .access import viewer_required
from .articles import PAGE_SIZE
from .forms import (
    SearchForm,
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
