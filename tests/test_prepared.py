"""Statements compiled once per shape (annotations/queries/prepared.py)."""

import pytest
from django.db.models import CharField
from django.utils import timezone

from annotations import queries
from annotations.models import Claim, Verdict
from annotations.queries import prepared
from annotations.services import changes

from .factories import ArticleFactory, claim_of, sentences

pytestmark = pytest.mark.django_db


@pytest.fixture
def empty_cache(monkeypatch):
    monkeypatch.setattr(prepared, "_cache", {})
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


def test_an_unhashable_shape_is_compiled_every_time(settings, empty_cache):
    settings.PREPARED_CHECK = False
    compile, calls = counting(prepared.Compiled("SELECT 1", ()))
    for _ in range(2):
        prepared.compiled(["not", "hashable"], compile)
    assert calls == [1, 1]
    assert empty_cache == {}


def test_the_cache_stops_growing_at_its_bound(settings, empty_cache, monkeypatch):
    settings.PREPARED_CHECK = False
    monkeypatch.setattr(prepared, "MAX_SHAPES", 3)
    for n in range(10):
        prepared.compiled(n, lambda: prepared.Compiled("SELECT 1", ()))
    assert len(empty_cache) == 3


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
