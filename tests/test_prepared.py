"""Statements compiled once per shape (annotations/queries/prepared.py)."""

from collections import OrderedDict

import pytest
from django.db.backends.postgresql.psycopg_any import Jsonb
from django.db.models import CharField
from django.utils import timezone

from annotations import queries, services
from annotations.models import Claim, Verdict
from annotations.queries import prepared
from annotations.services import changes

from .factories import ArticleFactory, claim_of, sentences

pytestmark = pytest.mark.django_db


@pytest.fixture
def empty_cache(monkeypatch):
    monkeypatch.setattr(prepared, "_cache", OrderedDict())
    return prepared._cache


def counting(statement: prepared.Compiled):
    calls = []

    def compile() -> prepared.Compiled:
        calls.append(1)
        return statement

    return compile, calls


def test_a_shape_is_compiled_once_and_then_reused(settings, empty_cache):
    settings.PREPARED_CHECK = False
    compile, calls = counting(prepared.Compiled("SELECT %s", (1,)))
    for _ in range(3):
        assert prepared.compiled(("shape", 1), compile).sql == "SELECT %s"
    assert calls == [1]


def test_with_the_check_on_a_shape_whose_literals_change_fails(settings, empty_cache):
    settings.PREPARED_CHECK = True
    prepared.compiled("shape", lambda: prepared.Compiled("SELECT %s", (1,)))
    with pytest.raises(AssertionError, match="is not fixed"):
        prepared.compiled("shape", lambda: prepared.Compiled("SELECT %s", (2,)))


def test_the_check_compares_a_drivers_json_parameter_by_its_value(
    settings, empty_cache
):
    settings.PREPARED_CHECK = True

    def compile(value):
        return lambda: prepared.Compiled("SELECT %s", (Jsonb([value]),))

    prepared.compiled("json", compile("number"))
    prepared.compiled("json", compile("number"))  # another adapter, same value
    with pytest.raises(AssertionError, match="is not fixed"):
        prepared.compiled("json", compile("date"))


def test_an_unhashable_shape_is_compiled_every_time(settings, empty_cache):
    settings.PREPARED_CHECK = False
    compile, calls = counting(prepared.Compiled("SELECT 1", ()))
    for _ in range(2):
        prepared.compiled(["not", "hashable"], compile)
    assert calls == [1, 1]
    assert empty_cache == {}


def test_the_cache_keeps_its_bound_by_dropping_the_shape_used_least_recently(
    settings, empty_cache, monkeypatch
):
    settings.PREPARED_CHECK = False
    monkeypatch.setattr(prepared, "MAX_SHAPES", 3)
    compile, calls = counting(prepared.Compiled("SELECT 1", ()))
    prepared.compiled("hot", compile)
    for n in range(10):
        prepared.compiled(n, compile)
        prepared.compiled("hot", compile)  # used all along: kept
    assert list(empty_cache) == [8, 9, "hot"]
    assert len(calls) == 11


def test_slots_are_filled_as_their_field_stores_the_value():
    statement = prepared.Compiled(
        "%s %s", (prepared._Hole("a", CharField()), "literal")
    )
    assert statement.params_for({"a": 5}, "default") == ["5", "literal"]


def test_a_live_claim_is_found_by_id_or_public_id_and_not_beyond(editor):
    claim = claim_of(ArticleFactory(text=sentences(2)), 2)
    assert queries.live_claim(str(claim.pk)).public_id == claim.public_id
    assert queries.live_claim(claim.public_id).pk == claim.pk
    assert queries.live_claim(str(2**63)) is None
    Claim.objects.filter(pk=claim.pk).update(orphaned=True)
    assert queries.live_claim(str(claim.pk)) is None


def test_one_compiled_verdict_write_serves_claims_people_and_values(
    settings, empty_cache, editor, reviewer
):
    settings.PREPARED_CHECK = False
    article = ArticleFactory(text=sentences(3))
    first, second = claim_of(article, 1), claim_of(article, 2)

    def verdict(claim, version, value, by):
        new = changes.new_verdict(value, by, timezone.now())
        changes.write_claim(claim, version, editor=by, **new)

    verdict(first, 1, Verdict.VERIFIED, editor)
    verdict(second, 1, Verdict.DISPUTED, reviewer)
    shapes = len(empty_cache)
    verdict(first, 2, Verdict.MISSTATED, reviewer)
    assert len(empty_cache) == shapes  # the same shape, reused
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.verdict, first.version) == (Verdict.MISSTATED, 3)
    assert (second.verdict, second.version) == (Verdict.DISPUTED, 2)
    assert first.history.first().history_user == reviewer


def test_instances_are_what_their_query_set_gives_with_related_rows_and_annotations(
    editor,
):
    article = ArticleFactory(text=sentences(4))
    claimed = claim_of(article, 2)
    services.claimants.set_claimant(
        claim=claimed, editor=editor, expected_version=claimed.version, name="焦剑涛"
    )
    rows = queries.claims_for_api().filter(article=article).order_by("position")
    made = prepared.instances(prepared.select(rows), {}, "default")
    expected = list(rows)
    assert made == expected
    for got, want in zip(made, expected, strict=True):
        assert got.__dict__.keys() == want.__dict__.keys()
        assert {k: v for k, v in got.__dict__.items() if k != "_state"} == {
            k: v for k, v in want.__dict__.items() if k != "_state"
        }
        assert got._state.fields_cache.keys() == {"claimant"}
    assert made[1].claimant.name == "焦剑涛"
    assert made[0].claimant is None
