"""Recording the history of claims and their sources.

django-simple-history gives each model its historical table and the admin's
history pages. The services change rows with guarded UPDATEs, which its save()
signals never see, so they record each change here themselves: one
INSERT ... SELECT that copies the rows as they now are, whatever their number;
or, for a write that is one statement, written(): the write and its history
together.
"""

from __future__ import annotations

import datetime
import functools
import json
from collections.abc import Sequence

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import EmptyResultSet
from django.db import connection, models
from django.db.models import QuerySet, Value
from django.utils import timezone

from ..history import CHANGED, CREATED, DELETED

__all__ = ["CHANGED", "CREATED", "DELETED", "record", "written"]


def record(
    rows: QuerySet,
    *,
    user: AbstractBaseUser | None,
    reason: str = "",
    history_type: str = CHANGED,
    when: datetime.datetime | None = None,
) -> None:
    """Copy ``rows`` as they are now into their model's history, in one query."""
    attnames = [f.attname for f in rows.model.history.model.tracked_fields]
    stamps = {
        "history_date": Value(when or timezone.now(), models.DateTimeField()),
        "history_type": Value(history_type, models.CharField()),
        "history_user_id": Value(
            user.pk if user is not None else None, models.IntegerField()
        ),
        "history_change_reason": Value(reason or None, models.TextField()),
    }
    select = (
        rows.order_by()
        .annotate(**{f"_{name}": value for name, value in stamps.items()})
        .values_list(*attnames, *(f"_{name}" for name in stamps))
    )
    try:
        sql, params = select.query.sql_with_params()
    except EmptyResultSet:  # e.g. pk__in=[]: nothing to record
        return
    # Only our models' own table and column names are formatted into the SQL.
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {_history_target(rows.model)} {sql}", params)


def written(
    model: type[models.Model],
    statement: str,
    params: Sequence[object],
    *,
    returning: str,
    returning_params: Sequence[object] = (),
    user: AbstractBaseUser | None,
    reason: str = "",
    history_type: str = CHANGED,
    when: datetime.datetime | None = None,
) -> list[tuple]:
    """Run ``statement``, one INSERT, UPDATE or DELETE of ``model``'s rows
    (without RETURNING), and copy each row it wrote, as written, into the
    model's history: the rows of ``returning`` (SQL over the model's table,
    with ``returning_params``), one per row written.

    On PostgreSQL one statement: the write in a WITH whose RETURNING the
    history's INSERT reads, no row read again. SQLite has no writes in a
    WITH, so there a second statement copies the rows the write returned
    the keys of, in the same transaction: not for a DELETE, whose rows are
    gone (there Django's collector and simple-history's signal remove and
    record them).
    """
    when = when or timezone.now()
    stamps = (
        connection.ops.adapt_datetimefield_value(when),
        history_type,
        user.pk if user is not None else None,
        reason or None,
    )
    copied = len(_history_columns(model))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                _written_sql(model, statement, returning),
                (*params, *returning_params, *stamps),
            )
            return [row[copied:] for row in cursor.fetchall()]
        if statement.startswith("DELETE"):
            raise ValueError("On SQLite a removed row cannot be read back.")
        quote = connection.ops.quote_name
        key = f"{quote(model._meta.db_table)}.{quote(model._meta.pk.column)}"
        cursor.execute(
            f"{statement} RETURNING {key}, {returning}",
            (*params, *returning_params),
        )
        rows = cursor.fetchall()
        if rows:
            keys = json.dumps([row[0] for row in rows])
            cursor.execute(_copy_by_keys_sql(model), (*stamps, keys))
    return [row[1:] for row in rows]


@functools.lru_cache(maxsize=8)
def _history_columns(model: type[models.Model]) -> tuple[str, ...]:
    """The quoted columns of ``model`` its history copies, in their order."""
    quote = connection.ops.quote_name
    return tuple(quote(f.column) for f in model.history.model.tracked_fields)


def _history_target(model: type[models.Model]) -> str:
    """The history table and its columns, copied ones then STAMPS, for INSERT."""
    quote = connection.ops.quote_name
    target = ", ".join([*_history_columns(model), *(quote(c) for c in STAMPS)])
    return f"{quote(model.history.model._meta.db_table)} ({target})"


@functools.lru_cache(maxsize=8)
def _copy_by_keys_sql(model: type[models.Model]) -> str:
    """INSERT … SELECT (SQLite) into ``model``'s history of the rows whose keys
    a JSON list holds (one parameter, whatever their number): STAMPS, then
    the list."""
    quote = connection.ops.quote_name
    copied = ", ".join(_history_columns(model))
    return (
        f"INSERT INTO {_history_target(model)} "  # noqa: S608
        f"SELECT {copied}, %s, %s, %s, %s FROM {quote(model._meta.db_table)} "
        f"WHERE {quote(model._meta.pk.column)} IN (SELECT value FROM json_each(%s))"
    )


@functools.lru_cache(maxsize=64)
def _written_sql(model: type[models.Model], statement: str, returning: str) -> str:
    """``statement`` and its history's INSERT in one (PostgreSQL): the write
    returns the copied columns (as _h0, _h1 ...) and then ``returning``."""
    table = connection.ops.quote_name(model._meta.db_table)
    columns = _history_columns(model)
    kept = ", ".join(f'{table}.{column} AS "_h{n}"' for n, column in enumerate(columns))
    copied = ", ".join(f'"_h{n}"' for n in range(len(columns)))
    # Only our models' own table and column names, and SQL compiled by
    # Django, are formatted into the SQL; values are all parameters.
    return (
        f'WITH "written" AS ({statement} RETURNING {kept}, {returning}), '  # noqa: S608
        f'"recorded" AS (INSERT INTO {_history_target(model)} '
        f'SELECT {copied}, %s, %s, %s, %s FROM "written") '
        'SELECT * FROM "written"'
    )


# The columns record() and written() stamp on each copied row, in this order.
STAMPS = ("history_date", "history_type", "history_user_id", "history_change_reason")
