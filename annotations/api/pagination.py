"""Cursor pagination: stable pages while rows change, for incremental sync.

A page starts after the previous page's last row, named by its first
ordering field and its id: ``(updated_at, id) > (t, 41)``, which an index on
those columns finds directly. DRF's own cursor names the first field only
and skips the rows sharing its value by OFFSET. A freshly imported article's
claims all share one updated_at, so page 50 of a 10,000-claim import read and
dropped 5,000 rows (64 ms of SQL by page 100, where the first took 2 ms).
"""

from collections.abc import Callable, Hashable

from django.core.exceptions import ValidationError
from django.db.models import F, Model, Q, QuerySet
from django.db.models.fields.tuple_lookups import (
    Tuple,
    TupleGreaterThan,
    TupleLessThan,
)
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination, _reverse_ordering

from ..models import is_database_id
from ..queries import prepared
from .serializers import MAX_ID

# The slots of a page's compiled SQL that its cursor's position fills.
AFTER_VALUE, AFTER_ID = "after_value", "after_id"

# Between the first ordering field's value and the id in a cursor's position.
# Cursors without it (handed out before) still work, by DRF's offset.
ID_MARK = "|"

# The claim list's ``ordering`` values: a field, then the id, which breaks
# ties (many claims share a score) and makes the cursor's position unique.
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
    # Every ordering is (a field, the id): _beyond() reads the pair.
    # Offset cursors handed out before the keyset one stepped over ties by
    # offset; a fresh import's claims share one updated_at, so DRF's default
    # cut-off (1,000) made a larger article's pages repeat forever (found by
    # bench/load_bench.py). They are still honoured, up to this.
    offset_cutoff = 10_000_000
    page_size_query_description = (
        f"Rows per page: a whole number from 1 (larger asks get {max_page_size}); "
        f"anything else is ignored, giving {page_size}."
    )

    def paginate_queryset(self, queryset, request, view=None):
        """DRF's, with the page found by the keyset (first field, id) when
        the cursor names one; see the module docstring."""
        self._read_request(request, queryset, view)
        if not self.page_size:
            return None
        offset, reverse, position = self.cursor or (0, False, None)
        after = self._after(queryset.model, position)
        return self._paged(list(self._page_of(queryset, offset, reverse, after)))

    def paginate_shaped(
        self,
        rows: Callable[[], QuerySet],
        request,
        view,
        *,
        model: type[Model],
        shape: Hashable,
    ) -> list[Model]:
        """paginate_queryset() of the rows ``rows()`` makes, the page's SQL
        compiled once per shape (queries/prepared.py): ``shape`` is all that
        decides ``rows()`` besides the page (the filters' cleaned values), so
        a page of a shape seen before builds and compiles no query.

        Always paginated (a page size is always given or defaulted).
        """
        self._read_request(request, None, view)
        offset, reverse, position = self.cursor or (0, False, None)
        after = self._after(model, position)
        if offset or isinstance(after, str):
            # An offset cursor from before: its SQL holds the offset.
            return self._paged(list(self._page_of(rows(), offset, reverse, after)))
        using = model.objects.db
        key = (using, type(self).__name__, model._meta.label, shape)
        key += (self.ordering, reverse, after is not None, self.page_size)
        values = {}
        slots = None
        if after is not None:
            first = self.ordering[0].lstrip("-")
            slots = (
                prepared.Slot(AFTER_VALUE, model._meta.get_field(first)),
                prepared.Slot(AFTER_ID, model._meta.pk),
            )
            values = dict(zip((AFTER_VALUE, AFTER_ID), after, strict=True))
        statement = prepared.compiled(
            key,
            lambda: prepared.select(self._page_of(rows(), 0, reverse, slots)),
        )
        return self._paged(prepared.instances(statement, values, using))

    def _read_request(self, request, queryset, view) -> None:
        self.request = request
        self.page_size = self.get_page_size(request)
        self.base_url = request.build_absolute_uri()
        self.ordering = self.get_ordering(request, queryset, view)
        self.cursor = self.decode_cursor(request)

    def _page_of(self, queryset, offset: int, reverse: bool, after) -> QuerySet:
        """The page's rows (and one more, telling whether another follows)."""
        queryset = queryset.order_by(
            *(_reverse_ordering(self.ordering) if reverse else self.ordering)
        )
        if after is not None:
            queryset = queryset.filter(self._beyond(after, reverse))
        return queryset[offset : offset + self.page_size + 1]

    def _paged(self, results: list) -> list:
        """The page of ``results`` (the page's rows and perhaps one more),
        with the positions of the pages either side."""
        offset, reverse, position = self.cursor or (0, False, None)
        self.page = results[: self.page_size]
        following = (
            self._get_position_from_instance(results[-1], self.ordering)
            if len(results) > self.page_size
            else None
        )
        earlier = position is not None or offset > 0
        if reverse:
            self.page.reverse()
            self.has_next, self.has_previous = earlier, following is not None
            self.next_position = position if earlier else None
            self.previous_position = following
        else:
            self.has_next, self.has_previous = following is not None, earlier
            self.next_position = following
            self.previous_position = position if earlier else None
        if (self.has_previous or self.has_next) and self.template is not None:
            self.display_page_controls = True
        return self.page

    def _get_position_from_instance(self, instance, ordering) -> str:
        value = super()._get_position_from_instance(instance, ordering)
        key = instance["id"] if isinstance(instance, dict) else instance.pk
        return f"{value}{ID_MARK}{key}"

    def _after(self, model: type[Model], position: str | None):
        """Where the page starts: None (at the start), the first field's
        value and the id (a keyset cursor), or the first field's value as
        text (an offset cursor from before)."""
        if position is None or ID_MARK not in position:
            return position
        text, _, key = position.rpartition(ID_MARK)
        if not (is_database_id(key) and int(key) <= MAX_ID):
            raise NotFound(self.invalid_cursor_message)
        name = self.ordering[0].lstrip("-")
        try:
            value = model._meta.get_field(name).to_python(text)
        except ValidationError:
            raise NotFound(self.invalid_cursor_message) from None
        return value, int(key)

    def _beyond(self, after, reverse: bool) -> Q:
        """The rows after ``after`` (from _after(), or slots for its values)
        in the page's direction."""
        first, second = self.ordering
        name, descending = first.lstrip("-"), first.startswith("-")
        if isinstance(after, str):
            # An offset cursor from before: DRF's filter on the first field.
            later = "lt" if reverse != descending else "gt"
            return Q(**{f"{name}__{later}": after})
        value, key = after
        # Each field's own direction, flipped for a page going backwards.
        first_down = descending != reverse
        second_down = second.startswith("-") != reverse
        if first_down == second_down:
            # One row comparison: an index on (first field, id) serves it.
            beyond = TupleLessThan if first_down else TupleGreaterThan
            return beyond(Tuple(F(name), F("id")), (value, key))
        ahead = f"{name}__{'lt' if first_down else 'gt'}"
        return Q(**{ahead: value}) | Q(
            **{name: value, f"id__{'lt' if second_down else 'gt'}": key}
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
