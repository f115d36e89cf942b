"""Claims: the workspace's units, the claim panel and its neighbours, the lists
the API and the admin show, comments and corrections, editors, hints.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import connection
from django.db.models import (
    BooleanField,
    CharField,
    Count,
    Exists,
    Func,
    Model,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
    prefetch_related_objects,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Substr

from .. import roles
from ..models import (
    CHECKABLE_KINDS,
    PUBLIC_ID_LENGTH,
    Article,
    Claim,
    Comment,
    Correction,
    is_database_id,
)
from . import prepared
from .scopes import IN_TEXT, LIVE_CLAIM, live_claims
from .sources import SOURCES_JSON, sources_json_sql, sources_with_archive


class Unit:
    """A claim as the workspace and the report read it: its fields as plain
    attributes, without a model instance.

    At 20,000 units, building model instances was a fifth of the workspace's
    time. Read-only: every write goes through the services with a Claim.
    """

    FIELDS = (
        "pk",
        "public_id",
        "position",
        "start",
        "end",
        "kind",
        "verdict",
        "status",
        "version",
        "text",
        "worth",
        "text_changed",
        "hints",
    )

    def __init__(self, row: tuple) -> None:
        self.__dict__.update(zip(self.FIELDS, row, strict=True))

    def __repr__(self) -> str:
        return f"<Unit {self.pk} at {self.position}>"


def workspace_claims(article: Article) -> list[Unit]:
    """An article's units in order, with what the workspace shows of each."""
    rows = (
        Claim.objects.filter(IN_TEXT, article=article)
        .order_by("position")
        .values_list(*Unit.FIELDS)
    )
    return [Unit(row) for row in rows]


def claim_for_panel(pk: int | None = None, *, public_id: str = "") -> Claim:
    """One claim (an orphan too) with its people, sources, comments, corrections,
    found by its id or its public id.

    Comments and corrections are read only if the claim has any (most have
    none): the claim's own query says so.
    """
    found = Q(pk=pk) if pk is not None else Q(public_id=public_id)
    claim = (
        Claim.objects.filter(LIVE_CLAIM)
        .select_related("article", "verdict_by", "approved_by", "assignee", "claimant")
        .defer("article__text")
        .annotate(
            has_comments=Exists(Comment.objects.filter(claim=OuterRef("pk"))),
            has_corrections=Exists(Correction.objects.filter(claim=OuterRef("pk"))),
            # The next unit, which the panel offers to merge with (neighbour()).
            **{
                f"following_{name}": Subquery(
                    Claim.objects.filter(
                        IN_TEXT,
                        article_id=OuterRef("article_id"),
                        position=OuterRef("position") + 1,
                    ).values(name)[:1]
                )
                for name in _NEIGHBOUR_FIELDS
            },
        )
        .prefetch_related(Prefetch("sources", queryset=sources_with_archive()))
        .get(found)
    )
    threads = {
        "comments": Comment.objects.select_related("author"),
        "corrections": Correction.objects.select_related("proposed_by", "decided_by"),
    }
    for name, rows in threads.items():
        if getattr(claim, f"has_{name}"):
            prefetch_related_objects([claim], Prefetch(name, queryset=rows))
        else:
            _known_empty(claim, name)
    return claim


def _known_empty(instance: Model, related: str) -> None:
    """Mark ``instance``'s reverse relation ``related`` as read, and empty."""
    rows = getattr(instance, related).all()
    rows._result_cache = []
    rows._prefetch_done = True
    instance._prefetched_objects_cache[related] = rows


# What neighbour() reads of a unit.
_NEIGHBOUR_FIELDS = ("id", "position", "start", "end", "text", "version")


def neighbour(claim: Claim, offset: int) -> Claim | None:
    """The unit ``offset`` positions away in the same article, if any (the next
    one read with the claim by claim_for_panel())."""
    if offset == 1 and hasattr(claim, "following_id"):
        if claim.following_id is None:
            return None
        values = [getattr(claim, f"following_{name}") for name in _NEIGHBOUR_FIELDS]
        return Claim.from_db(claim._state.db, list(_NEIGHBOUR_FIELDS), values)
    return (
        Claim.objects.filter(
            IN_TEXT, article_id=claim.article_id, position=claim.position + offset
        )
        .only(*_NEIGHBOUR_FIELDS)
        .first()
    )


def text_between(claim: Claim, following: Claim) -> str:
    """The article text between two adjacent units (read without loading it all)."""
    if following.start <= claim.end:
        return ""
    return (
        Article.objects.filter(pk=claim.article_id)
        .annotate(gap=Substr("text", claim.end + 1, following.start - claim.end))
        .values_list("gap", flat=True)
        .get()
    )


def on_same_line(claim: Claim, following: Claim) -> bool:
    """Whether nothing but spaces on one line separates two adjacent units."""
    return "\n" not in text_between(claim, following)


def claims_with_article(*, include_deleted: bool = False) -> QuerySet[Claim]:
    """Claims with their article's title (not its text) and their source count."""
    claims = Claim.objects.all() if include_deleted else live_claims()
    return (
        claims.select_related(
            "article", "verdict_by", "approved_by", "assignee", "claimant"
        )
        .defer("article__text")
        .annotate(source_count=Count("sources"))
    )


def claims_for_api(*, include_deleted: bool = False) -> QuerySet[Claim]:
    """Claims with the people and the sources the API shows with each.

    They come in the claim's own row (answer_columns()), as a write's answer
    has them: joining whole user rows and prefetching sources built a user,
    a related manager and a queryset per claim, and took a second query,
    most of a list page's time.
    """
    claims = Claim.objects.all() if include_deleted else live_claims()
    return claims.select_related("claimant").annotate(
        **answer_columns(connection.vendor)
    )


# The people a claim names, shown by username.
PEOPLE = ("verdict_by", "approved_by", "assignee")


def person_name(person: str) -> str:
    """The column answer_columns() gives a person's username in."""
    return f"_{person}_name"


def answer_columns(vendor: str) -> dict[str, RawSQL]:
    """What the API shows of a claim beyond its own columns, as subqueries
    of its row: each person's username and the sources as JSON (SOURCES_JSON).

    A write's UPDATE ... RETURNING reads the same (services/returning.py).
    """
    quote = connection.ops.quote_name
    users = quote(get_user_model()._meta.db_table)
    # Only our models' own table and column names are in the SQL.
    names = {
        person_name(person): RawSQL(  # noqa: S611
            f'(SELECT u."username" FROM {users} u '  # noqa: S608
            f'WHERE u."id" = "annotations_claim"."{person}_id")',
            (),
            CharField(),
        )
        for person in PEOPLE
    }
    sources = RawSQL(sources_json_sql(vendor), (), TextField())  # noqa: S611
    return {**names, SOURCES_JSON: sources}


def live_claim(key: str) -> Claim | None:
    """The live claim (in its article's current text) named by ``key``: its
    database id if all ASCII digits, else its public id. Its own columns
    only, read by SQL compiled once (a write's first read: queries/prepared.py).
    """
    if is_database_id(key):
        field = Claim._meta.pk
        _low, high = connection.ops.integer_field_range(field.get_internal_type())
        if int(key) > high:  # no such row, and the database would refuse it
            return None
    elif key.isascii() and key.isalnum() and len(key) <= PUBLIC_ID_LENGTH:
        field = Claim._meta.get_field("public_id")
    else:  # no public id: and a NUL byte, say, the database would refuse
        return None
    using = Claim.objects.db
    statement = prepared.compiled(
        (using, "live_claim", field.name),
        lambda: prepared.select(
            live_claims().filter(**{field.name: prepared.Slot("key", field)})
        ),
    )
    return prepared.first(statement, {"key": key}, using)


def live_claims_with_orphans() -> QuerySet[Claim]:
    """live_claims() and the orphans of the same articles."""
    return Claim.objects.filter(LIVE_CLAIM)


def api_claims_with_orphans() -> QuerySet[Claim]:
    """claims_for_api(), orphans included (the API lists them when asked)."""
    return claims_for_api(include_deleted=True).filter(LIVE_CLAIM)


def comments_of(claim: Claim) -> QuerySet[Comment]:
    """A claim's internal discussion, oldest first, with each author."""
    return Comment.objects.filter(claim=claim).select_related("author").order_by("id")


def corrections_of(claim: Claim) -> QuerySet[Correction]:
    """Every correction proposed for a claim, oldest first, with who decided."""
    return (
        Correction.objects.filter(claim=claim)
        .select_related("proposed_by", "decided_by")
        .order_by("proposed_at", "id")
    )


def editors() -> QuerySet:
    """Active users who can be assigned work: the editor role or above."""
    user_model = get_user_model()
    app_label, codename = roles.EDIT.split(".")
    editing = Permission.objects.filter(
        content_type__app_label=app_label, codename=codename
    )
    return (
        user_model.objects.filter(is_active=True)
        .filter(
            Q(is_superuser=True)
            | Q(groups__permissions__in=editing)
            | Q(user_permissions__in=editing)
        )
        .distinct()
        .only("id", user_model.USERNAME_FIELD)
        .order_by(user_model.USERNAME_FIELD)
    )


def claim_to_reuse(pk: int) -> Claim:
    """A live claim whose verdict may be copied, with its article title and
    sources (Claim.DoesNotExist otherwise)."""
    return (
        live_claims()
        .select_related("article")
        .defer("article__text")
        .prefetch_related("sources")
        .get(pk=pk)
    )


def triage_claims(
    article: Article, *, min_worth: float | None = None
) -> QuerySet[Claim]:
    """An article's checkable units (no page furniture), most check-worthy first."""
    claims = Claim.objects.filter(IN_TEXT, article=article, kind__in=CHECKABLE_KINDS)
    if min_worth is not None:
        claims = claims.filter(worth__gte=min_worth)
    return claims.only(
        "id",
        "public_id",
        "position",
        "text",
        "kind",
        "verdict",
        "status",
        "worth",
        "worth_reasons",
        "text_changed",
        "version",  # the bulk form's selection names it
    ).order_by("-worth", "position")


def hinted_claims(pks: list[int]) -> QuerySet[Claim]:
    """Claims that "checked before" hints point to, as they are now: verdict,
    article title and source count."""
    return (
        live_claims()
        .filter(pk__in=pks)
        .select_related("article")
        .only(
            "id",
            "public_id",
            "position",
            "verdict",
            "verdict_at",
            "status",
            "article__id",
            "article__title",
        )
        .annotate(source_count=Count("sources"))
    )


class _HasHintType(Func):
    """SQLite: whether a JSON list holds an object whose "type" is the second
    argument (Django has no JSON containment lookup on SQLite).

    The joiner puts the second argument after the first's json_each:
    EXISTS (SELECT 1 FROM json_each(hints) AS h WHERE json_extract(...) = (%s)).
    """

    template = "EXISTS (SELECT 1 FROM json_each(%(expressions)s))"
    arg_joiner = ") AS h WHERE json_extract(h.value, '$.type') = ("
    output_field = BooleanField()


def with_hint(claims: QuerySet[Claim], hint_type: str) -> QuerySet[Claim]:
    """Those of ``claims`` with at least one hint of ``hint_type``."""
    if connection.vendor == "postgresql":
        return claims.filter(hints__contains=[{"type": hint_type}])
    return claims.filter(_HasHintType("hints", Value(hint_type)))


def hint_counts(article: Article) -> dict[str, int]:
    """How many hints of each type the article's current claims carry."""
    counts: dict[str, int] = {}
    rows = Claim.objects.filter(IN_TEXT, article=article).values_list(
        "hints", flat=True
    )
    for hints in rows:
        for hint in hints:
            counts[hint.get("type")] = counts.get(hint.get("type"), 0) + 1
    return counts
