"""Cursor pagination: stable pages while rows change, for incremental sync."""

from rest_framework.pagination import CursorPagination

# The claim list's ``ordering`` values. The cursor keeps its place by the
# first field; ties (many claims share a score) are stepped over by offset,
# in id order.
CLAIM_ORDERINGS = {
    "updated_at": ("updated_at", "id"),
    "-checkworthiness": ("-worth", "id"),
    "checkworthiness": ("worth", "id"),
    "-worth": ("-worth", "id"),
    "worth": ("worth", "id"),
}


class Cursor(CursorPagination):
    """Oldest change first, so ``updated_since`` plus the cursor syncs in order."""

    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000
    ordering = ("updated_at", "id")
    # The cursor keeps its place by the first ordering field and steps over
    # ties by offset. A freshly imported article's claims all share one
    # updated_at, so DRF's default cut-off (1,000) made the pages of a larger
    # article repeat forever (found by bench/load_bench.py).
    offset_cutoff = 10_000_000
    page_size_query_description = (
        f"Rows per page: a whole number from 1 (larger asks get {max_page_size}); "
        f"anything else is ignored, giving {page_size}."
    )

    def get_schema_operation_parameters(self, view) -> list[dict]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                # Any value: an unusable one is ignored, not refused.
                parameter["schema"] = {}
        return parameters


class NewestFirst(Cursor):
    ordering = ("-imported_at", "-id")


class ClaimCursor(Cursor):
    """Cursor in the order the claim list's ``ordering`` asks for (validated by
    the filter set before the page is read)."""

    def get_ordering(self, request, queryset, view) -> tuple[str, ...]:
        return CLAIM_ORDERINGS.get(
            request.query_params.get("ordering", ""), self.ordering
        )


class SearchCursor(Cursor):
    """Most recently changed first, as queries.search_claims orders."""

    ordering = ("-updated_at", "-id")
