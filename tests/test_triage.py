"""Check-worthiness: specific factual sentences first, opinion last (no database)."""

import json

import pytest

from annotations import triage

from .conftest import FIXTURES

UNITS = json.loads((FIXTURES / "demo_verdicts.json").read_text(encoding="utf-8"))[
    "units"
]


def ranked() -> list[dict]:
    """The seed's claims and opinions (not headings or footers), best first."""
    sentences = [u for u in UNITS if u["kind"] in ("claim", "opinion")]
    return sorted(sentences, key=lambda u: -triage.score(u["text"]).score)


def test_the_top_ten_of_the_seed_are_specific_factual_claims():
    top = ranked()[:10]
    assert [u["kind"] for u in top] == ["claim"] * 10, [u["text"] for u in top]


def test_the_bottom_ten_of_the_seed_are_opinion_or_rhetoric():
    bottom = ranked()[-10:]
    assert [u["kind"] for u in bottom] == ["opinion"] * 10, [u["text"] for u in bottom]


def test_the_score_says_why():
    # 公司刚成立就拿到1060万美元融资,妥妥的硅谷新贵。
    result = triage.score(
        "\u516c\u53f8\u521a\u6210\u7acb\u5c31\u62ff\u52301060\u4e07\u7f8e\u5143"
        "\u878d\u8d44,\u59a5\u59a5\u7684\u7845\u8c37\u65b0\u8d35\u3002"
    )
    assert "+money 1060\u4e07\u7f8e\u5143" in result.reasons
    assert "\u2212opinion \u59a5\u59a5\u7684" in result.reasons
    assert 0 < result.score < 1


@pytest.mark.parametrize(
    ("better", "worse"),
    [
        ("Nvidia acquired OmniML in 2024 for $10M.", "Perhaps this may matter."),
        ("The firm raised $10.6M in 2023.", "Why would anyone leave?"),
        ("She was the first woman appointed in 2011.", "Clearly, talent votes."),
    ],
)
def test_english_facts_outrank_english_opinion(better, worse):
    assert triage.score(better).score > triage.score(worse).score


def test_scores_stay_between_zero_and_one():
    heavy = "In 2023 NVIDIA said it acquired the first, largest firm for $5B, 80%."
    assert triage.score(heavy).score <= 1
    assert triage.score("Really? Maybe. Perhaps, clearly, obviously?").score >= 0
