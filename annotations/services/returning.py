"""A claims UPDATE that also reads back the claim as the API shows it.

A write's answer needs the claim's columns, the usernames of its people and
its sources. ``UPDATE … RETURNING`` gives them all in the write's own
statement (the people and sources as subqueries), so a write is one UPDATE
and one history INSERT, with no read before or after (PostgreSQL and SQLite
3.35+ both support RETURNING with subqueries).
"""

from __future__ import annotations

import datetime
import functools
import json

from django.contrib.auth import get_user_model
from django.core.exceptions import EmptyResultSet
from django.db import connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import QuerySet
from django.db.models.sql import UpdateQuery
from django.db.models.sql.compiler import SQLCompiler

from ..models import Claim, Source
from ..queries.claims import PEOPLE, answer_columns, person_name
from ..queries.sources import SOURCE_FIELDS, SOURCES_JSON


def update_claims(
    rows: QuerySet[Claim], changes: dict[str, object], *, answer: bool = False
) -> list[Claim]:
    """Apply ``changes`` to ``rows`` in one UPDATE: the claims it changed.

    With ``answer``, each as it now is, its people and sources loaded (what
    the API answers with); else known by id only.
    """
    query = rows.query.chain(UpdateQuery)
    query.add_update_values(changes)
    query.annotations = {}
    try:
        update_sql, update_params = query.get_compiler(rows.db).as_sql()
    except EmptyResultSet:  # e.g. pk__in=[]: nothing to change
        return []
    if answer:
        compiler, returning, params = _answer(connections[rows.db])
    else:
        compiler, returning, params = None, _ID, []
    with (
        transaction.mark_for_rollback_on_error(rows.db),
        connections[rows.db].cursor() as cursor,
    ):
        cursor.execute(f"{update_sql} RETURNING {returning}", (*update_params, *params))
        found = cursor.fetchall()
    if compiler is None:
        return [Claim.from_db(rows.db, ["id"], [row[0]]) for row in found]
    return [_claim(compiler, row) for row in found]


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
    """The Claim a RETURNING row describes, its people and sources cached on it."""
    expressions = [expression for expression, _sql, _alias in compiler.select]
    converters = compiler.get_converters(expressions)
    values = next(iter(compiler.apply_converters([list(row)], converters)))
    fields = compiler.klass_info["select_fields"]
    attnames = [compiler.select[i][0].target.attname for i in fields]
    claim = Claim.from_db(compiler.using, attnames, [values[i] for i in fields])
    extra = {name: values[i] for name, i in compiler.annotation_col_map.items()}
    for person in PEOPLE:
        _cache_user(claim, person, extra[person_name(person)])
    # As claims_for_api() has them, for the API's answer (claim_json)...
    claim.__dict__.update(extra)
    # ...and as a prefetch would, for the pages.
    sources = [
        _source(item, compiler.using) for item in json.loads(extra[SOURCES_JSON])
    ]
    related = claim.sources.all()
    related._result_cache = sources
    related._prefetch_done = True
    claim._prefetched_objects_cache = {"sources": related}
    return claim


def _source(item: dict, using: str) -> Source:
    """A Source from its JSON in the RETURNING row."""
    values = []
    for name, field in SOURCE_FIELDS.items():
        value = None if item[name] is None else field.to_python(item[name])
        if isinstance(value, datetime.datetime) and value.tzinfo is None:
            # SQLite keeps datetimes as UTC text without an offset.
            value = value.replace(tzinfo=datetime.UTC)
        values.append(value)
    source = Source.from_db(using, list(SOURCE_FIELDS), values)
    _cache_user(source, "added_by", item["added_by_name"])
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
