"""Check-worthiness: specific factual sentences first, opinion last (no database)."""

import json

import pytest

from annotations.text import triage

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


def reasons(text: str) -> list[str]:
    return triage.score(text).reasons


def test_a_sentences_first_word_and_months_are_not_names():
    assert not any(
        r.startswith("+name") for r in reasons("While prices rose, sales fell.")
    )
    assert not any(
        r.startswith("+name") for r in reasons("The named thing grew in March.")
    )
    # A first word followed by another capitalised one is a full name.
    assert "+name Jensen" in reasons("Jensen Huang spoke in March.")


def test_titles_and_time_words_are_not_comparisons():
    # 首席执行官表示 / 最终轨道
    assert not any(
        r.startswith("+comparison")
        for r in reasons(
            "\u9996\u5e2d\u6267\u884c\u5b98\u8868\u793a\u8425\u6536\u589e\u957f"
        )
    )
    assert not any(
        r.startswith("+comparison")
        for r in reasons("\u98de\u8239\u62b5\u8fbe\u6700\u7ec8\u8f68\u9053")
    )


def test_discourse_adverbs_alone_are_not_opinion():
    # 毕竟95%的数据中心都在用它。 / 确实，纽约时报的数据显示增长了3倍。
    fact = "\u6bd5\u7adf95%\u7684\u6570\u636e\u4e2d\u5fc3\u90fd\u5728\u7528\u5b83\u3002"
    assert not any(r.startswith("\u2212") for r in reasons(fact))
    # With a real sign of opinion beside it, the adverb counts too.
    opinion = "\u6bd5\u7adf\u6211\u4eec\u76f8\u4fe1\u8fd9\u662f\u597d\u4e8b\u3002"
    assert "\u2212discourse \u6bd5\u7adf" in reasons(opinion)


def test_a_quotation_ranks_below_the_fact_it_sits_beside():
    fact = "The spacecraft was designed to reach an orbit 800 kilometers up."
    quote = 'NYE: "No one has ever built a spacecraft like this, and it is the future.'
    assert triage.score(fact).score > triage.score(quote).score
    assert any(r.startswith("\u2212quotation") for r in reasons(quote))


def test_page_furniture_left_as_a_sentence_sinks():
    # 中国时间 14:47 2024年5月5日 星期日
    clock = "\u4e2d\u56fd\u65f6\u95f4 14:47 2024\u5e745\u67085\u65e5 \u661f\u671f\u65e5"
    assert any(r.startswith("\u2212not a sentence") for r in reasons(clock))
    # 美国已紧急拨款30万美元援助。
    fact = "\u7f8e\u56fd\u5df2\u7d27\u6025\u62e8\u6b3e30\u4e07\u7f8e\u5143\u3002"
    assert triage.score(fact).score > triage.score(clock).score
