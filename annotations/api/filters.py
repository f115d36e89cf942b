"""The API lists' query filters: unknown or blank parameters are refused."""

from __future__ import annotations

import re
from functools import partial

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Model, QuerySet
from django.forms.utils import ErrorList
from django_filters import rest_framework as filters
from django_filters.utils import translate_validation
from drf_spectacular.utils import extend_schema_field

from .. import hints, queries, ratings
from ..models import Article, Claim, Kind, Status
from .pagination import CLAIM_ORDERINGS
from .schema import VERDICT_PARAMETER
from .serializers import MAX_ID, WHOLE_NUMBER

BLANK_FILTER = "Give a value, or leave the parameter out."
DECIMAL_NUMBER = re.compile(r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")


class StrictFilterSet(filters.FilterSet):
    """Refuses query parameters it does not know (a typo must not widen a sync),
    and blank values of filters other than text (an empty ``status=`` is no
    status, not "any")."""

    allowed_extra = frozenset({"cursor", "page_size", "format"})

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        """django-filter's, with ``filters`` holding the filters the request
        names only: a filter left out filters nothing, and deep-copying,
        building and cleaning each of the others was most of a list's
        filtering time."""
        every, named = self.base_filters, data or {}
        self.base_filters = {name: every[name] for name in every if name in named}
        try:
            super().__init__(data, queryset, request=request, prefix=prefix)
        finally:
            del self.base_filters

    def get_form_class(self) -> type[forms.Form]:
        """A form of the named filters (see __init__)."""
        fields = {name: self.filters[name].field for name in self.filters}
        return type(f"{type(self).__name__}Form", (self._meta.form,), fields)

    def shape(self) -> tuple:
        """What the filtered rows' SQL depends on: each named filter's
        cleaned value (a row by its primary key), for a page's SQL compiled
        once per shape (pagination.Cursor.paginate_shaped). Valid sets only."""
        return tuple(
            (name, ("row", value.pk) if isinstance(value, Model) else value)
            for name, value in sorted(self.form.cleaned_data.items())
        )

    def is_valid(self) -> bool:
        valid = super().is_valid()
        known = self.base_filters
        unknown = sorted(set(self.data) - set(known) - self.allowed_extra)
        for name in unknown:
            self.form.errors[name] = ErrorList(
                [f"Unknown filter. Known: {', '.join(known)}."]
            )
        blank = [
            name
            for name, value in self.data.items()
            if value == ""
            and name in self.filters
            and not isinstance(self.filters[name], filters.CharFilter)
        ]
        for name in blank:
            self.form.errors[name] = ErrorList([BLANK_FILTER])
        return valid and not unknown and not blank


def validated_filters(view, request) -> StrictFilterSet:
    """The view's filter set for ``request``, as DjangoFilterBackend makes it,
    validated: a 400 naming each parameter refused, as the backend gives. No
    query set is built for it: its filter_queryset() is given one."""
    filterset = filters.DjangoFilterBackend().get_filterset(request, None, view)
    if not filterset.is_valid():
        raise translate_validation(filterset.errors)
    return filterset


class AsJsonWritesIt:
    """A number field taking only a number as JSON writes it (``pattern``)."""

    pattern: re.Pattern

    def to_python(self, value):
        if value not in self.empty_values and not self.pattern.fullmatch(str(value)):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class WholeNumberFormField(AsJsonWritesIt, forms.IntegerField):
    pattern = WHOLE_NUMBER


class DecimalNumberFormField(AsJsonWritesIt, forms.FloatField):
    pattern = DECIMAL_NUMBER


class IdFilter(filters.NumberFilter):
    """A whole-number id within the database's integer range."""

    field_class = WholeNumberFormField

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, min_value=1, max_value=MAX_ID, **kwargs)


class ScoreFilter(filters.NumberFilter):
    """A number from 0 to 1."""

    field_class = DecimalNumberFormField

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, min_value=0, max_value=1, **kwargs)


class StrictBooleanField(forms.NullBooleanField):
    """true/false (or 1/0); anything else is refused, not taken as "any"."""

    def to_python(self, value):
        if value in (None, ""):
            return None
        text = str(value).lower()
        if text in ("true", "1"):
            return True
        if text in ("false", "0"):
            return False
        raise forms.ValidationError("Send true or false.", code="invalid")


class BooleanFilter(filters.BooleanFilter):
    field_class = StrictBooleanField

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, widget=forms.TextInput, **kwargs)


class ArticleFilter(StrictFilterSet):
    q = filters.CharFilter(
        field_name="title", lookup_expr="icontains", label="Title contains"
    )

    class Meta:
        model = Article
        fields = ("q", "language")


# The scale is data, so the schema names no enum: it refuses a blank value.
@extend_schema_field(VERDICT_PARAMETER)
class VerdictFilter(filters.ChoiceFilter):
    """A verdict: a key of the rating scale (read per request), or unreviewed."""

    def __init__(self, **kwargs) -> None:
        choices = partial(ratings.choices, unreviewed=True, retired=True)
        super().__init__(choices=choices, **kwargs)


# The hint types are registered when annotations/hints.py is imported: the
# schema lists them; the filter reads the registry at each request.
@extend_schema_field({"type": "string", "enum": list(hints.TYPES)})
class HintFilter(filters.ChoiceFilter):
    """A hint type of annotations/hints.py."""

    def __init__(self, **kwargs) -> None:
        super().__init__(choices=hints.choices, **kwargs)


class ClaimFilter(StrictFilterSet):
    article = IdFilter(field_name="article_id", label="Article id")
    verdict = VerdictFilter()
    kind = filters.ChoiceFilter(choices=Kind.choices)
    updated_since = filters.IsoDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        label="Changed at or after (ISO 8601)",
    )
    status = filters.ChoiceFilter(choices=Status.choices, label="Review status")
    assignee = filters.ModelChoiceFilter(
        queryset=get_user_model().objects.all(),
        to_field_name="username",
        null_label="Unassigned",
        label="Assigned to (a username, or null for unassigned claims)",
        error_messages={"invalid_choice": "No user is named %(value)s."},
    )
    q = filters.CharFilter(method="search", label="Text or rationale contains")
    min_checkworthiness = ScoreFilter(
        field_name="worth",
        lookup_expr="gte",
        label="Check-worthiness at least (0 to 1)",
    )
    hint = HintFilter(
        method="with_hint",
        label="Has at least one hint of this type",
    )
    text_changed = BooleanFilter(
        field_name="text_changed", label="Words changed by a new version"
    )
    orphaned = BooleanFilter(
        field_name="orphaned",
        label="Not in the article's current version (left out unless true)",
    )
    ordering = filters.ChoiceFilter(
        choices=[(name, name) for name in CLAIM_ORDERINGS],
        method="ordered",
        label="updated_at (the default, for syncing), -checkworthiness (most "
        "check-worthy first), checkworthiness; worth and -worth are the same",
    )

    class Meta:
        model = Claim
        fields = (
            "article",
            "verdict",
            "kind",
            "status",
            "assignee",
            "updated_since",
            "q",
            "min_checkworthiness",
            "hint",
            "text_changed",
            "orphaned",
            "ordering",
        )

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        # Orphans are listed only when asked for.
        if self.form.cleaned_data.get("orphaned") is None:
            queryset = queryset.filter(orphaned=False)
        return super().filter_queryset(queryset)

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(
            pk__in=queries.claims_containing(value, in_sources=False)
        )

    def with_hint(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queries.with_hint(queryset, value)

    def ordered(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset  # the pagination orders (ClaimCursor), so its cursor agrees
