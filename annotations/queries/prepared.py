"""Statements compiled once per shape, then run with new values.

On a write's hot path, building and compiling a Django query costs more than
the database takes to run it: a verdict PATCH spent about a third of its CPU
in ``add_update_values``, ``as_sql`` and the look-up's ``filter``. A statement
whose shape never changes (the same tables, conditions and columns; only its
values differ) is compiled the first time with a ``Slot`` where each value
goes; later runs fill the slots and reuse the SQL.

The cache key is the shape's whole description (the caller's name for it,
plus anything else that would change its SQL), so a statement built with a
literal value in it is a different shape, never a wrong answer (the API's
claim list keys its pages by their filters' values this way). The cache is
bounded, dropping the shape used least recently: ever-new keys (one per
article listed, say) replace each other, not the writes' few hot shapes.
With ``settings.PREPARED_CHECK`` (on in the tests) every run compiles afresh
and must match what was cached, so a shape that is not fixed fails a test
instead of running stale SQL.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connections
from django.db.models import Expression, Field, Model, QuerySet
from django.db.models.query import get_related_populators
from django.db.models.sql.compiler import SQLCompiler

# The writes' shapes are a handful per kind; the list's, one per filter
# values a client pages through.
MAX_SHAPES = 256


class Slot(Expression):
    """Where a value goes in a statement compiled once: ``%s`` in its SQL,
    filled from the run's values by ``name`` (as ``output_field`` stores it)."""

    def __init__(self, name: str, output_field: Field) -> None:
        super().__init__(output_field=output_field)
        self.name = name

    def as_sql(self, compiler: SQLCompiler, connection) -> tuple[str, list]:
        return "%s", [_Hole(self.name, self.output_field)]

    def __repr__(self) -> str:
        return f"Slot({self.name!r})"


@dataclass(frozen=True)
class _Hole:
    """A parameter of compiled SQL that each run fills."""

    name: str
    field: Field


@dataclass(frozen=True)
class Compiled:
    """SQL with its parameters, some of them holes to fill; and, for a SELECT,
    the compiler that turns its rows into model instances."""

    sql: str
    params: tuple
    compiler: SQLCompiler | None = None

    def params_for(self, values: Mapping[str, Any], using: str) -> list:
        """The parameters of one run: each hole filled from ``values``, as its
        field would write the value to this database."""
        connection = connections[using]
        return [
            (
                param.field.get_db_prep_value(values[param.name], connection)
                if isinstance(param, _Hole)
                else param
            )
            for param in self.params
        ]


_cache: OrderedDict[Hashable, Compiled] = OrderedDict()
_lock = threading.Lock()


def compiled(key: Hashable, compile: Callable[[], Compiled]) -> Compiled:
    """The statement ``key`` names, compiled by ``compile`` on first use.

    An unhashable key (a shape holding a query set, say) compiles every time.
    """
    try:
        found = _cache.get(key)
    except TypeError:
        return compile()
    if found is not None:
        with _lock:
            if key in _cache:
                _cache.move_to_end(key)
        if not getattr(settings, "PREPARED_CHECK", False):
            return found
        _check_same(key, found, compile())
        return found
    fresh = compile()
    with _lock:
        _cache[key] = fresh
        while len(_cache) > MAX_SHAPES:
            _cache.popitem(last=False)
    return fresh


def _check_same(key: Hashable, cached: Compiled, fresh: Compiled) -> None:
    if (cached.sql, _compared(cached.params)) != (fresh.sql, _compared(fresh.params)):
        raise AssertionError(
            f"Statement shape {key!r} is not fixed: its SQL or its literal "
            f"parameters changed between runs ({cached.params!r} then "
            f"{fresh.params!r}). Put a Slot where a value varies."
        )


def _compared(params: tuple) -> tuple:
    """``params`` as they compare: a driver's adapter (psycopg's JSON, which
    equals only itself) by the value it wraps."""
    return tuple(getattr(param, "adapted", param) for param in params)


def select(rows: QuerySet) -> Compiled:
    """A SELECT of model rows, with its compiler for instances()."""
    compiler = rows.query.get_compiler(rows.db)
    sql, params = compiler.as_sql()
    return Compiled(sql, tuple(params), compiler)


def first(statement: Compiled, values: Mapping[str, Any], using: str) -> Model | None:
    """The first row a compiled SELECT of a model finds, as a model instance
    (its own columns only, as a query set without annotations loads it)."""
    compiler = statement.compiler
    assert compiler is not None, "first() runs a statement made by select()"
    with connections[using].cursor() as cursor:
        cursor.execute(statement.sql, statement.params_for(values, using))
        row = cursor.fetchone()
    if row is None:
        return None
    return instance(compiler, row)


def instances(
    statement: Compiled, values: Mapping[str, Any], using: str
) -> list[Model]:
    """Every row a compiled SELECT of a model finds, as model instances with
    what it selected with them (select_related, annotations), as the query
    set it was compiled from would give them."""
    compiler = statement.compiler
    assert compiler is not None, "instances() runs a statement made by select()"
    with connections[using].cursor() as cursor:
        cursor.execute(statement.sql, statement.params_for(values, using))
        rows = cursor.fetchall()
    return list(_made(compiler, rows))


def instance(compiler: SQLCompiler, row: Sequence) -> Model:
    """The model instance a row of ``compiler``'s SELECT list describes, its
    annotations (if any) set as attributes."""
    return next(_made(compiler, [row]))


def _made(compiler: SQLCompiler, rows: Sequence[Sequence]) -> Iterator[Model]:
    """Instances of ``rows``, as Django's ModelIterable makes them from what
    ``compiler`` (set up by compiling) selected."""
    select, klass_info = compiler.select, compiler.klass_info
    fields = klass_info["select_fields"]
    start, end = fields[0], fields[-1] + 1
    attnames = [column[0].target.attname for column in select[start:end]]
    model = klass_info["model"]
    related = get_related_populators(klass_info, select, compiler.using)
    annotations = compiler.annotation_col_map.items()
    for values in compiler.results_iter([rows]):
        made = model.from_db(compiler.using, attnames, values[start:end])
        for populator in related:
            populator.populate(values, made)
        for name, i in annotations:
            setattr(made, name, values[i])
        yield made
