"""Cursor pagination: stable pages while rows change, for incremental sync."""

from rest_framework.pagination import CursorPagination


class Cursor(CursorPagination):
    """Oldest change first, so ``updated_since`` plus the cursor syncs in order."""

    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000
    ordering = ("updated_at", "id")


class NewestFirst(Cursor):
    ordering = ("-imported_at", "-id")
