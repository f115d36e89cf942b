"""Hints, triage and past verdicts, computed at import (with the database)."""

import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotations import assisting, services
from annotations.models import Article, Claim, ClaimSketch, Kind, Status, Verdict
from annotations.services import reuse

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
    reused = reuse.reuse_verdict(
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
        reuse.reuse_verdict(
            claim=claim,
            original=claim_of(checked.article, 1),
            editor=editor,
            expected_version=claim.version,
        )
    with pytest.raises(services.StaleVersion):
        reuse.reuse_verdict(
            claim=claim, original=checked, editor=editor, expected_version=99
        )
    assert fresh(claim).verdict == Verdict.UNREVIEWED


def test_only_checkable_claims_are_sketched(seed):
    sketched = set(ClaimSketch.objects.values_list("claim_id", flat=True))
    kinds = set(Claim.objects.filter(pk__in=sketched).values_list("kind", flat=True))
    assert kinds == {Kind.CLAIM}


def test_analysis_records_when_it_ran():
    article = ArticleFactory(text="Acme was founded in 2001.", analyse=True)
    assert Article.objects.get(pk=article.pk).analysed_at is not None


def test_the_publication_date_makes_a_later_year_a_hint():
    article = ArticleFactory(
        text="Father Ly was convicted in 2017 of spreading propaganda.",
        published_on=datetime.date(2010, 3, 16),
        analyse=True,
    )
    (hint,) = hints_of(claim_of(article, 1), assisting.CONTRADICTION)
    assert hint["check"] == "after_publication"
    assert [s["text"] for s in hint["spans"]] == ["2017"]
    assert "+contradiction" in fresh(claim_of(article, 1)).worth_reasons


def test_a_heading_contradicted_by_the_body_flags_both():
    # 公司成立于2019年 (heading) / 该公司成立于2018年，总部在北京。
    article = ArticleFactory(
        text="公司成立于2019年\n该公司成立于2018年\uff0c总部在北京\u3002",
        analyse=False,
    )
    Claim.objects.filter(article=article, position=1).update(kind=Kind.HEADING)
    assisting.analyse_article(article)
    heading, body = claim_of(article, 1), claim_of(article, 2)
    (hint,) = hints_of(body, assisting.CONTRADICTION)
    assert hints_of(heading, assisting.CONTRADICTION) == [hint]
    assert [s["text"] for s in hint["spans"]] == ["2019年", "2018年"]
    # The heading is read, never ranked.
    assert fresh(heading).worth == 0


def test_a_one_to_one_name_variant_says_one_is_misspelt():
    article = ArticleFactory(
        text="Jensen Huang founded the firm.\nJansen Huang spoke on Monday.",
        analyse=True,
    )
    first, second = claim_of(article, 1), claim_of(article, 2)
    (hint,) = hints_of(first, assisting.NAME_VARIANT)
    assert "one of these is misspelt" in hint["message"]
    assert hints_of(second, assisting.NAME_VARIANT)[0]["message"] == hint["message"]
    assert any(r.startswith("+name variant") for r in fresh(second).worth_reasons)


def test_a_series_of_different_events_is_not_a_contradiction():
    article = ArticleFactory(
        text="\n".join(f"Acme raised ${n}M in {2000 + n}." for n in range(1, 9)),
        analyse=True,
    )
    assert not any(hints_of(c, assisting.CONTRADICTION) for c in article.claims.all())


def test_deleting_an_article_drops_the_hints_that_name_it(checked):
    later = ArticleFactory(text=f"{REPEATED}\nSomething else entirely.", analyse=True)
    claim = claim_of(later, 1)
    assert hints_of(claim, assisting.CHECKED_BEFORE)
    other_hints = [h for h in claim.hints if h["type"] != assisting.CHECKED_BEFORE]
    services.delete_article(article=checked.article, by=None)
    assert fresh(claim).hints == other_hints
    # Analysing again does not bring it back: matching ignores deleted articles.
    assisting.analyse_article(later)
    assert not hints_of(fresh(claim), assisting.CHECKED_BEFORE)
    assert assisting.past_verdicts([fresh(claim)]) == {}


def test_restoring_an_article_gives_its_hints_back(checked):
    later = ArticleFactory(text=f"{REPEATED}\nSomething else entirely.", analyse=True)
    claim = claim_of(later, 1)
    before = fresh(claim).hints
    services.delete_article(article=checked.article, by=None)
    services.restore_article(article=checked.article, by=None)
    assert fresh(claim).hints == before
    assert assisting.recall_article(checked.article_id) == 1


def test_deleting_keeps_hints_that_name_other_articles(checked, editor, reviewer):
    second = ArticleFactory(text=f"Another opening.\n{CHECKED}", analyse=True)
    add_source(claim_of(second, 2), added_by=editor)
    publish(judge(claim_of(second, 2), Verdict.DISPUTED, editor=editor), reviewer)
    later = ArticleFactory(text=REPEATED, analyse=True)
    named = {h["article"] for h in hints_of(claim_of(later, 1), "checked_before")}
    assert named == {checked.article_id, second.pk}
    services.delete_article(article=second, by=None)
    kept = hints_of(fresh(claim_of(later, 1)), assisting.CHECKED_BEFORE)
    assert [h["article"] for h in kept] == [checked.article_id]


def test_forgetting_an_article_takes_the_same_queries_however_many_hints(
    checked, django_assert_num_queries
):
    for n in range(3):
        ArticleFactory(text=f"{REPEATED}\nLine {n}.", analyse=True)
    with django_assert_num_queries(2):
        assert assisting.forget_article(checked.article_id) == 3
    for n in range(3, 12):
        ArticleFactory(text=f"{REPEATED}\nLine {n}.", analyse=True)
    with django_assert_num_queries(2):
        assert assisting.forget_article(checked.article_id) == 9


def test_page_furniture_gets_no_worth_no_hints_and_stays_out_of_triage():
    from annotations import queries

    # A dateline and a caption that repeat the figures and name of the story.
    text = (
        "\u5f20\u4e09 / 2024-01-05\n"  # 张三 / 2024-01-05 (byline with date)
        "\u8363\u4f1f\u5ba3\u5e03\u516c\u53f8\u878d\u8d441060\u4e07\u7f8e\u5143,"
        "\u8363\u4f1f\u8bf4\u660e\u5e74\u4e0a\u5e02\n"  # caption, said twice
        "\u8363\u4f1f\u5ba3\u5e03\u516c\u53f8\u878d\u8d441060\u4e07\u7f8e\u5143,"
        "\u8363\u4f1f\u8bf4\u660e\u5e74\u4e0a\u5e02\n"
        # 荣伟说公司在2023年融资1060万美元。
        "\u8363\u4f1f\u8bf4\u516c\u53f8\u57282023\u5e74\u878d\u8d44"
        "1060\u4e07\u7f8e\u5143\u3002"
    )
    article = services.import_article(text=text, title="Furniture")

    units = list(article.claims.order_by("position"))

    assert [u.kind for u in units] == [
        Kind.BYLINE,
        Kind.CAPTION,
        Kind.CAPTION,
        Kind.CLAIM,
    ]
    for furniture in units[:3]:
        assert (furniture.worth, furniture.hints) == (0.0, [])
        assert furniture.worth_reasons == [f"\u2212{furniture.kind}"]
    assert [c.pk for c in queries.triage_claims(article)] == [units[3].pk]


def test_a_surname_alone_is_shown_linked_where_it_stands_with_the_full_name():
    text = "Jensen Huang founded Nvidia.\nHuang said sales grew.\nSales fell."
    units = [
        assisting.Unit(1, 0, 28, text[0:28], Kind.CLAIM),
        assisting.Unit(2, 29, 51, text[29:51], Kind.CLAIM),
        assisting.Unit(3, 52, 63, text[52:63], Kind.CLAIM),
    ]
    hints = assisting.hints_for(text, units)
    assert [h for h in hints[1] if h["type"] == assisting.NAME_VARIANT] == []
    (hint,) = [h for h in hints[2] if h["type"] == assisting.NAME_VARIANT]
    assert hint["variant"] == "short"
    assert hint["spans"] == [{"start": 29, "end": 34, "text": "Huang"}]
    assert hint["elsewhere"] == [{"start": 0, "end": 12, "text": "Jensen Huang"}]
    assert "Jensen Huang" in hint["message"] and "suggested_verdict" not in hint


def test_the_new_hints_have_translated_labels():
    from django.utils import translation

    from annotations.text import consistency, names

    with translation.override("zh-hans"):
        assert str(assisting.VARIANT_LABELS[names.SHORT]).startswith("单独使用的姓或名")
        assert str(assisting.CHECK_LABELS[consistency.DURATION]).startswith("标题")


def test_a_chinese_surname_alone_counts_as_a_person_for_triage():
    # 黄仁勋创立了英伟达。黄说，公司的收入很好。
    text = "黄仁勋创立了英伟达\u3002黄说\uff0c公司的收入很好\u3002"
    units = [
        assisting.Unit(1, 0, 10, text[0:10], Kind.CLAIM),
        assisting.Unit(2, 10, len(text), text[10:], Kind.CLAIM),
    ]
    _hints, worth = assisting.assess(text, units)[2]
    assert "+person 黄" in worth.reasons
