"""Recording the history of claims and their sources.

django-simple-history gives each model its historical table and the admin's
history pages. The services change rows with guarded UPDATEs, which its save()
signals never see, so they record each change here themselves: one
INSERT ... SELECT that copies the rows as they now are, whatever their number.
"""

from __future__ import annotations

import datetime
import functools

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import EmptyResultSet
from django.db import connection, models
from django.db.models import QuerySet, Value
from django.utils import timezone

from ..history import CHANGED, CREATED, DELETED

__all__ = ["CHANGED", "CREATED", "DELETED", "record", "record_one"]


def record(
    rows: QuerySet,
    *,
    user: AbstractBaseUser | None,
    reason: str = "",
    history_type: str = CHANGED,
    when: datetime.datetime | None = None,
) -> None:
    """Copy ``rows`` as they are now into their model's history, in one query."""
    historical = rows.model.history.model
    attnames = [f.attname for f in historical.tracked_fields]
    columns = [f.column for f in historical.tracked_fields]
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
    quote = connection.ops.quote_name
    # Only our models' own table and column names are formatted into the SQL.
    target = ", ".join(quote(c) for c in [*columns, *stamps])
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(historical._meta.db_table)} ({target}) {sql}", params
        )


def record_one(
    model: type[models.Model],
    pk: int,
    *,
    user: AbstractBaseUser | None,
    reason: str = "",
    history_type: str = CHANGED,
    when: datetime.datetime | None = None,
) -> None:
    """record() for the one row ``pk``, with SQL built once per model (a write's
    hot path: building the query costs more than running it)."""
    when = when or timezone.now()
    params = (
        connection.ops.adapt_datetimefield_value(when),
        history_type,
        user.pk if user is not None else None,
        reason or None,
        pk,
    )
    with connection.cursor() as cursor:
        cursor.execute(_copy_one_sql(model, connection.vendor), params)


@functools.lru_cache(maxsize=8)
def _copy_one_sql(model: type[models.Model], vendor: str) -> str:
    """INSERT … SELECT of one row of ``model`` into its history, stamps as %s."""
    historical = model.history.model
    columns = [f.column for f in historical.tracked_fields]
    quote = connection.ops.quote_name
    target = ", ".join(quote(c) for c in [*columns, *STAMPS])
    copied = ", ".join(quote(c) for c in columns)
    # Only our models' own table and column names are formatted into the SQL.
    return (
        f"INSERT INTO {quote(historical._meta.db_table)} ({target}) "  # noqa: S608
        f"SELECT {copied}, %s, %s, %s, %s FROM {quote(model._meta.db_table)} "
        f"WHERE {quote(model._meta.pk.column)} = %s"
    )


# The columns record() stamps on each copied row, in record_one's order.
STAMPS = ("history_date", "history_type", "history_user_id", "history_change_reason")
