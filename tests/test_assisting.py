"""Hints, triage and past verdicts, computed at import (with the database)."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotations import assisting, services
from annotations.models import Claim, ClaimSketch, Kind, Status, Verdict

from .conftest import FIXTURES
from .factories import (
    ArticleFactory,
    add_source,
    claim_of,
    fresh,
    judge,
    publish,
)

pytestmark = pytest.mark.django_db

JIAO_WRONG = "\u7126\u5efa\u6d9b"  # 焦建涛
JIAO_RIGHT = "\u7126\u5251\u6d9b"  # 焦剑涛


@pytest.fixture
def seed(seed_text):
    return services.import_article(text=seed_text, title="Seed")


def hints_of(claim: Claim, kind: str) -> list[dict]:
    return [h for h in fresh(claim).hints if h["type"] == kind]


def test_the_seed_flags_the_misspelt_name_on_the_right_sentence(seed):
    flagged = [c for c in seed.claims.all() if hints_of(c, assisting.NAME_VARIANT)]
    assert [c.position for c in flagged] == [5]
    (hint,) = hints_of(flagged[0], assisting.NAME_VARIANT)
    assert hint["majority"] == JIAO_RIGHT
    assert hint["suggested_verdict"] == Verdict.MISSTATED
    assert {f["text"]: f["count"] for f in hint["forms"]} == {
        JIAO_WRONG: 1,
        JIAO_RIGHT: 6,
    }
    (span,) = hint["spans"]
    assert seed.text[span["start"] : span["end"]] == JIAO_WRONG
    assert len(hint["elsewhere"]) == 6
    assert {seed.text[s["start"] : s["end"]] for s in hint["elsewhere"]} == {JIAO_RIGHT}


def test_the_seed_has_figure_chips_with_article_offsets(seed):
    funding = seed.claims.get(position=11)
    (chip,) = hints_of(funding, assisting.NUMBER)
    assert (chip["kind"], chip["message"]) == ("money", "1060\u4e07\u7f8e\u5143")
    assert seed.text[chip["spans"][0]["start"] : chip["spans"][0]["end"]] == (
        "1060\u4e07\u7f8e\u5143"
    )


def test_the_seed_has_no_contradiction_and_footers_get_no_chips(seed):
    for claim in seed.claims.all():
        assert not hints_of(claim, assisting.CONTRADICTION)
        if claim.kind == Kind.BOILERPLATE:
            assert not hints_of(claim, assisting.NUMBER)
            assert claim.worth == 0


def test_the_seed_triage_puts_facts_first_and_rhetoric_last(seed):
    # The researched kind of every unit (claim or opinion), as the demo has it.
    researched = {
        unit["position"]: unit["kind"]
        for unit in json.loads(
            (FIXTURES / "demo_verdicts.json").read_text(encoding="utf-8")
        )["units"]
    }
    sentences = [
        c
        for c in seed.claims.order_by("-worth", "position")
        if researched[c.position] in (Kind.CLAIM, Kind.OPINION)
    ]
    top, bottom = sentences[:10], sentences[-10:]
    assert [researched[c.position] for c in top] == [Kind.CLAIM] * 10, [
        (c.text, c.worth_reasons) for c in top
    ]
    assert [researched[c.position] for c in bottom] == [Kind.OPINION] * 10, [
        (c.text, c.worth_reasons) for c in bottom
    ]


def test_a_company_founded_in_two_years_is_a_contradiction():
    article = ArticleFactory(
        text=(
            "Nexusflow was founded in 2023 by two researchers.\n"
            "Its models rival the best.\n"
            "Nexusflow, founded in 2021, raised $10.6M."
        ),
        analyse=True,
    )
    first, second = claim_of(article, 1), claim_of(article, 3)
    (hint,) = hints_of(first, assisting.CONTRADICTION)
    assert hint == hints_of(second, assisting.CONTRADICTION)[0]
    assert "Nexusflow" in hint["message"] and "2021" in hint["message"]
    assert [s["text"] for s in hint["spans"]] == ["2023", "2021"]
    assert not hints_of(claim_of(article, 2), assisting.CONTRADICTION)


def test_analysis_takes_the_same_queries_for_small_and_large_articles():
    def queries_for(lines: int) -> int:
        article = ArticleFactory(
            text="\n".join(
                f"Acme raised ${n}M in 20{n % 90 + 10}." for n in range(lines)
            )
        )
        with CaptureQueriesContext(connection) as context:
            assisting.analyse_article(article)
        return len(context)

    assert queries_for(5) == queries_for(400)


# 英伟达占据全球80%以上的AI芯片市场份额。
CHECKED = (
    "\u82f1\u4f1f\u8fbe\u5360\u636e\u5168\u740380%\u4ee5\u4e0a\u7684AI"
    "\u82af\u7247\u5e02\u573a\u4efd\u989d\u3002"
)
# The same claim in traditional characters with full-width figures.
REPEATED = (
    "\u82f1\u5049\u9054\u4f54\u64da\u5168\u7403\uff18\uff10\uff05\u4ee5\u4e0a"
    "\u7684AI\u6676\u7247\u5e02\u5834\u4efd\u984d\u3002"
)


@pytest.fixture
def checked(editor, reviewer):
    article = ArticleFactory(text=f"Opening line.\n{CHECKED}", analyse=True)
    claim = claim_of(article, 2)
    add_source(claim, added_by=editor, title="Market report")
    judge(claim, Verdict.DISPUTED, "Analysts put it near 70%.", editor=editor)
    return publish(claim, reviewer)


def test_a_repeated_claim_in_another_article_gets_the_earlier_verdict(checked):
    later = ArticleFactory(text=f"{REPEATED}\nSomething else entirely.", analyse=True)
    (hint,) = hints_of(claim_of(later, 1), assisting.CHECKED_BEFORE)
    assert (hint["claim"], hint["verdict"]) == (checked.pk, Verdict.DISPUTED)
    assert hint["similarity"] >= 85
    assert hint["sources"] == 1
    assert not hints_of(claim_of(later, 2), assisting.CHECKED_BEFORE)


def test_unreviewed_claims_are_not_offered_as_past_verdicts():
    ArticleFactory(text=f"Opening line.\n{CHECKED}", analyse=True)
    later = ArticleFactory(text=REPEATED, analyse=True)
    assert not hints_of(claim_of(later, 1), assisting.CHECKED_BEFORE)


def test_past_verdicts_are_looked_up_with_constant_queries(
    checked, django_assert_max_num_queries
):
    later = ArticleFactory(
        text="\n".join([REPEATED] + [f"Line {n} about apples." for n in range(200)]),
        analyse=True,
    )
    claims = list(later.claims.all())
    with django_assert_max_num_queries(2):
        found = assisting.past_verdicts(claims)
    assert list(found) == [claim_of(later, 1).pk]


def test_reusing_a_verdict_makes_a_credited_draft(checked, editor):
    later = ArticleFactory(text=REPEATED, analyse=True)
    claim = claim_of(later, 1)
    reused = assisting.reuse_verdict(
        claim=claim, original=checked, editor=editor, expected_version=claim.version
    )
    assert (reused.verdict, reused.status) == (Verdict.DISPUTED, Status.DRAFT)
    assert reused.reused_from_id == checked.pk
    assert "Analysts put it near 70%." in reused.rationale
    assert "claim 2" in reused.rationale
    assert [s.title for s in reused.sources.all()] == ["Market report"]
    assert reused.verdict_by == editor


def test_reuse_refuses_a_claim_without_verdict_and_stale_versions(checked, editor):
    later = ArticleFactory(text=REPEATED)
    claim = claim_of(later, 1)
    with pytest.raises(ValidationError, match="no verdict"):
        assisting.reuse_verdict(
            claim=claim,
            original=claim_of(checked.article, 1),
            editor=editor,
            expected_version=claim.version,
        )
    with pytest.raises(services.StaleVersion):
        assisting.reuse_verdict(
            claim=claim, original=checked, editor=editor, expected_version=99
        )
    assert fresh(claim).verdict == Verdict.UNREVIEWED


def test_only_checkable_claims_are_sketched(seed):
    sketched = set(ClaimSketch.objects.values_list("claim_id", flat=True))
    kinds = set(Claim.objects.filter(pk__in=sketched).values_list("kind", flat=True))
    assert kinds == {Kind.CLAIM}


def test_a_series_of_different_events_is_not_a_contradiction():
    article = ArticleFactory(
        text="\n".join(f"Acme raised ${n}M in {2000 + n}." for n in range(1, 9)),
        analyse=True,
    )
    assert not any(hints_of(c, assisting.CONTRADICTION) for c in article.claims.all())
