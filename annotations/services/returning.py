"""A claims UPDATE that also reads back the claim as the API shows it.

A write's answer needs the claim's columns, the usernames of its people and
its sources. ``UPDATE … RETURNING`` gives them all in the write's own
statement (the people and sources as subqueries), so a write is one UPDATE
with its history's INSERT (one statement on PostgreSQL, two on SQLite:
recording.written), with no read before or after (PostgreSQL and SQLite
3.35+ both support RETURNING with subqueries).
"""

from __future__ import annotations

import datetime
import functools
import json
from collections.abc import Hashable, Mapping

from django.contrib.auth import get_user_model
from django.core.exceptions import EmptyResultSet
from django.db import connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model, QuerySet
from django.db.models.sql import UpdateQuery
from django.db.models.sql.compiler import SQLCompiler

from ..models import Claim, Source
from ..queries import prepared
from ..queries.claims import PEOPLE, answer_columns, person_name
from ..queries.sources import SOURCE_FIELDS, SOURCES_JSON
from . import recording


def update_claims(
    rows: QuerySet[Claim],
    changes: dict[str, object],
    *,
    answer: bool = False,
    shape: Hashable | None = None,
    values: Mapping[str, object] | None = None,
    history: Mapping[str, object],
) -> list[Claim]:
    """Apply ``changes`` to ``rows`` in one UPDATE: the claims it changed.

    With ``answer``, each as it now is, its people and sources loaded (what
    the API answers with); else known by id only. With ``shape`` (a name for
    everything in ``rows`` and ``changes`` that decides the SQL: their
    values only come as Slots filled from ``values``), the UPDATE is compiled
    once per shape (annotations/queries/prepared.py). Plain values in
    ``changes`` become Slots of their own. ``history``: recording.written's
    user, reason, history_type and when, for copying each claim changed into
    its history with the UPDATE.
    """
    filled = dict(values or {})
    try:
        if shape is None:
            update = compile_update(rows, changes)
        else:
            changes = _slotted(changes, filled)
            key = (rows.db, "update", shape, answer, _expressions(changes))
            update = prepared.compiled(key, lambda: compile_update(rows, changes))
    except EmptyResultSet:  # e.g. pk__in=[]: nothing to change
        return []
    if answer:
        compiler, returning, params = _answer(connections[rows.db])
    else:
        compiler, returning, params = None, _ID, []
    with transaction.mark_for_rollback_on_error(rows.db):
        found = recording.written(
            Claim,
            update.sql,
            update.params_for(filled, rows.db),
            returning=returning,
            returning_params=params,
            **history,
        )
    if compiler is None:
        return [Claim.from_db(rows.db, ["id"], [row[0]]) for row in found]
    return [_claim(compiler, row) for row in found]


def compile_update(rows: QuerySet, changes: dict[str, object]) -> prepared.Compiled:
    """The UPDATE of ``rows`` with ``changes``, compiled by Django (without
    RETURNING), and its parameters."""
    query = rows.query.chain(UpdateQuery)
    query.add_update_values(changes)
    query.annotations = {}
    sql, params = query.get_compiler(rows.db).as_sql()
    return prepared.Compiled(sql, tuple(params))


def _slotted(
    changes: dict[str, object], values: dict[str, object]
) -> dict[str, object]:
    """``changes`` with each plain value a Slot, its value put in ``values``
    (a related row by its key)."""
    slotted: dict[str, object] = {}
    for name, value in changes.items():
        if hasattr(value, "resolve_expression"):
            slotted[name] = value
            continue
        field = Claim._meta.get_field(name)
        if field.is_relation:
            field = field.target_field
            value = value.pk if isinstance(value, Model) else value
        slotted[name] = prepared.Slot(name, field)
        values[name] = value
    return slotted


def _expressions(changes: dict[str, object]) -> tuple:
    """What the changes contribute to a statement's shape: the columns, and
    the expressions (which may hold literals) as they are."""
    return tuple(
        (name, None if isinstance(value, prepared.Slot) else value)
        for name, value in sorted(changes.items())
    )


# Only our model's own table and column names.
_ID = '"annotations_claim"."id"'


@functools.lru_cache(maxsize=16)
def _answer(connection: BaseDatabaseWrapper) -> tuple[SQLCompiler, str, list]:
    """The RETURNING list of a claim's answer, compiled once per connection."""
    answer = _answer_compiler(connection.alias)
    returning = ", ".join(sql for _expr, (sql, _params), _alias in answer.select)
    params = [p for _expr, (_sql, ps), _alias in answer.select for p in ps]
    return answer, returning, params


def _answer_compiler(using: str) -> SQLCompiler:
    """The SELECT list of a claim's answer, compiled against the claims table."""
    vendor = connections[using].vendor
    claims = Claim.objects.using(using).annotate(**answer_columns(vendor))
    compiler = claims.query.get_compiler(using)
    compiler.setup_query()
    return compiler


def _claim(compiler: SQLCompiler, row: tuple) -> Claim:
    """The Claim a RETURNING row describes, its people and sources cached on it.

    Its annotations are set on it as claims_for_api() has them, for the API's
    answer (claim_json); the sources also as a prefetch would, for the pages.
    """
    claim = prepared.instance(compiler, row)
    for person in PEOPLE:
        _cache_user(claim, person, getattr(claim, person_name(person)))
    sources = [
        source_of(item, item["added_by_name"], compiler.using)
        for item in json.loads(getattr(claim, SOURCES_JSON))
    ]
    related = claim.sources.all()
    related._result_cache = sources
    related._prefetch_done = True
    claim._prefetched_objects_cache = {"sources": related}
    return claim


def source_of(
    item: Mapping[str, object], added_by_name: str | None, using: str
) -> Source:
    """A Source from its columns (by attname) as a write returned them or as
    JSON in a claim's RETURNING row, and the username of who added it."""
    values = []
    for name, field in SOURCE_FIELDS.items():
        value = None if item[name] is None else field.to_python(item[name])
        if isinstance(value, datetime.datetime) and value.tzinfo is None:
            # SQLite keeps datetimes as UTC text without an offset.
            value = value.replace(tzinfo=datetime.UTC)
        values.append(value)
    source = Source.from_db(using, list(SOURCE_FIELDS), values)
    _cache_user(source, "added_by", added_by_name)
    return source


def _cache_user(instance: Claim | Source, name: str, username: str | None) -> None:
    """Set the user a foreign key points to, known by id and username only."""
    field = instance._meta.get_field(name)
    user_id = getattr(instance, field.attname)
    user = None
    if user_id is not None:
        user = get_user_model()(pk=user_id, username=username or "")
    field.set_cached_value(instance, user)


def has_answer(claim: Claim) -> bool:
    """Whether ``claim`` came with its sources (from a write's RETURNING, or
    claims_for_api()), so the API can answer with it as it is."""
    return SOURCES_JSON in claim.__dict__
