"""Figures and dates an article cannot all have right (no database).

Chinese text is written as is; full-width punctuation as escapes (，\uff0c
。\u3002 ：\uff1a), so an editor cannot silently turn it into ASCII.
"""

import datetime

from annotations.text import consistency, quantities
from annotations.text.consistency import (
    AFTER_PUBLICATION,
    DURATION,
    FIGURES,
    PAST_GOAL,
    REPEATED,
)

COMMA, STOP, COLON = "\uff0c", "\u3002", "\uff1a"


def pieces_of(*lines: str, kinds: tuple[str, ...] = ()) -> list[consistency.Piece]:
    """One piece per line, at its offset in the lines joined by newlines."""
    pieces, offset = [], 0
    for i, line in enumerate(lines):
        kind = kinds[i] if i < len(kinds) else "claim"
        figures = tuple(
            q for q in quantities.extract(line) if q.kind in quantities.EXACT
        )
        pieces.append(consistency.Piece(offset, line, kind, figures))
        offset += len(line) + 1
    return pieces


def findings(*lines: str, published=None, kinds=()) -> list[consistency.Finding]:
    return consistency.check(pieces_of(*lines, kinds=kinds), published)


def places(finding: consistency.Finding, *lines: str) -> list[str]:
    """The text at each place, read back from the joined article."""
    text = "\n".join(lines)
    return [text[p.start : p.end] for p in finding.places]


def test_a_repeated_paragraph_with_another_percentage_names_both_places():
    lines = (
        "Data centres use 95% of the new chips, the company said on its call.",
        "Revenue rose again.",
        "Data centres use 85% of the new chips, the company said on its call.",
    )
    (finding,) = findings(*lines)
    assert finding.check == REPEATED
    assert places(finding, *lines) == ["95%", "85%"]
    assert "95% / 85%" in finding.message


def test_a_series_of_sentences_of_one_pattern_is_not_a_repeat():
    lines = tuple(
        f"Acme raised ${n}M from investors in {2000 + n}." for n in range(1, 5)
    )
    assert findings(*lines) == []


def test_a_heading_and_the_body_giving_two_founding_years_is_flagged():
    # 标题：公司成立于2019年 / 正文：该公司成立于2018年，总部在北京。
    lines = (
        "公司成立于2019年",
        f"该公司成立于2018年{COMMA}总部在北京{STOP}",
    )
    (finding,) = findings(*lines, kinds=("heading", "claim"))
    assert finding.check == FIGURES
    assert places(finding, *lines) == ["2019年", "2018年"]
    assert "founded" in finding.message


def test_relative_years_count_back_from_the_publication_date():
    # 纪念建交30周年 / 自40年前建交以来
    lines = (
        "美中纪念建交30周年",
        f"美国和中国自40年前建交以来{COMMA}关系不断加深{STOP}",
    )
    (finding,) = findings(*lines, published=datetime.date(2009, 1, 7))
    assert places(finding, *lines) == ["30周年", "40年前"]
    assert "(1979)" in finding.message and "(1969)" in finding.message


def test_one_sentence_counting_the_dead_twice_differently_is_flagged():
    line = (
        "On April 16, 33 dead in the shootings: the gunman opened fire twice, "
        "killing 32 people, including himself."
    )
    (finding,) = findings(line)
    assert places(finding, line) == ["33", "32"]
    assert "deaths" in finding.message


def test_the_dead_and_the_injured_are_different_counts():
    assert findings("The quake left 33 dead and 15 injured.") == []


def test_amounts_written_differently_but_equal_agree():
    lines = (
        "The committee has raised almost $10 million dollars so far.",
        '- Emily Cadei. "Obama Has Raised $10 million" - CQ Politics',
    )
    assert findings(*lines, kinds=("claim", "boilerplate")) == []


def test_a_citation_line_contradicting_the_body_is_read():
    lines = (
        "The committee has raised almost $10 million dollars so far.",
        '- Emily Cadei. "Obama Has Raised $12 million" - CQ Politics',
    )
    (finding,) = findings(*lines, kinds=("claim", "boilerplate"))
    assert places(finding, *lines) == ["$10 million", "$12 million"]


def test_a_past_event_dated_after_publication_is_flagged():
    # 阮文黎神父2017年被判有罪。 in an article of 2010
    line = f"阮文黎神父2017年被判有罪{COMMA}罪名是传播反政府言论{STOP}"
    (finding,) = findings(line, published=datetime.date(2010, 3, 16))
    assert finding.check == AFTER_PUBLICATION
    assert places(finding, line) == ["2017年"]
    assert "2010-03-16" in finding.message


def test_a_future_clause_may_name_a_later_year():
    lines = (
        "The school will open for the 2029-2030 school year.",
        f"他将在2030年前完成{STOP}",
    )
    assert findings(*lines, published=datetime.date(2025, 5, 1)) == []


def test_a_past_school_year_in_a_plain_sentence_is_flagged():
    line = "Pupils started classes in the 2029-2030 school year."
    (finding,) = findings(line, published=datetime.date(2025, 5, 1))
    assert places(finding, line) == ["2029"]


def test_a_goal_whose_deadline_had_passed_is_flagged():
    lines = (
        "The city aims to cut emissions by half by 2012.",
        f"该市的目标是到2012年减少一半排放{STOP}",
    )
    found = findings(*lines, published=datetime.date(2017, 6, 1))
    assert [f.check for f in found] == [PAST_GOAL, PAST_GOAL]
    assert [places(f, *lines) for f in found] == [["2012"], ["2012年"]]


def test_the_page_clock_line_is_not_the_news():
    # 中国时间 14:47 2024年5月5日 星期日 at the top of a 2010 article
    lines = ("中国时间 14:47 2024年5月5日 星期日", "Nothing else here.")
    assert findings(*lines, published=datetime.date(2010, 3, 16)) == []


def test_without_a_publication_date_no_year_is_impossible():
    assert findings("He was convicted in 2017 of spreading propaganda.") == []


def test_a_heading_rate_contradicted_by_the_body_is_flagged():
    lines = (
        "New chip handles 5,700 images a second",
        "The chip handles 7,500 images per second in the company's own tests.",
    )
    (finding,) = findings(*lines, kinds=("heading", "claim"))
    assert places(finding, *lines) == ["5,700", "7,500"]
    assert "image per second" in finding.message


def test_the_same_share_for_the_same_subject_differs():
    lines = (
        "Nvidia chips run half of all servers and 95% of data centres today.",
        "Revenue grew.",
        "Analysts say Nvidia supplies 85% of data centres in America.",
    )
    (finding,) = findings(*lines)
    assert places(finding, *lines) == ["95%", "85%"]


def test_shares_of_different_subjects_are_different_things():
    lines = (
        "Nvidia supplies 85% of data centres in America.",
        "AMD supplied 15% of data centres last year.",
    )
    assert findings(*lines) == []


def test_a_chinese_rate_in_the_heading_and_the_body_is_compared():
    # 每秒处理5700张图片 / 该芯片每秒处理7500张图片。
    lines = ("新芯片每秒处理5700张图片", f"测试显示该芯片每秒处理7500张图片{STOP}")
    (finding,) = findings(*lines, kinds=("heading", "claim"))
    assert places(finding, *lines) == ["5700", "7500"]


def test_one_event_given_two_dates_is_flagged():
    lines = (
        "Acme was founded on March 3, 2001 in Ohio.",
        "Its founders signed the papers and Acme was founded on 5 March 2001.",
    )
    (finding,) = findings(*lines)
    assert places(finding, *lines) == ["March 3, 2001", "5 March 2001"]
    assert "dates" in finding.message


def test_the_same_day_written_two_ways_agrees():
    # 公司于6月28日成立 / Acme was founded on June 28
    lines = (f"公司于2001年6月28日成立{STOP}", "Acme was founded on June 28, 2001.")
    assert findings(*lines) == []


def test_a_dated_list_with_one_year_out_of_order_is_flagged():
    lines = (
        "2001: the company is founded in Ohio.",
        "2003: it opens a plant in Texas.",
        "1999: it lists on the stock exchange.",
        "2007: it is bought by a rival.",
    )
    (finding,) = findings(*lines)
    assert finding.check == consistency.OUT_OF_ORDER
    assert places(finding, *lines) == ["1999", "2003", "2007"]


def test_a_chronology_in_order_either_way_is_quiet():
    # 2001年公司成立。 2003年… 2005年… 2007年…
    rising = tuple(f"{year}年公司又有新进展{STOP}" for year in (2001, 2003, 2005, 2007))
    assert findings(*rising) == []
    assert findings(*reversed(rising)) == []


def test_one_sentence_comparing_two_shares_is_not_a_contradiction():
    line = "Obama won 52% of the vote and McCain 46% of the vote in Ohio."
    assert findings(line) == []


def test_shares_of_one_subject_in_different_years_are_a_series():
    lines = (
        "Nvidia had 80% of the market in 2020.",
        "By 2024 Nvidia had 90% of the market.",
    )
    assert findings(*lines) == []


def test_a_mixed_article_compares_an_english_heading_with_chinese_text():
    # ASCII comma inside Chinese, as NFKC-normalised pages have it.
    lines = ("Nvidia was founded in 1993", "英伟达成立于1994年,总部在加州\u3002")
    (finding,) = findings(*lines, kinds=("heading", "claim"))
    assert places(finding, *lines) == ["1993", "1994年"]


def test_chinese_with_ascii_punctuation_keeps_clauses_apart():
    # 他将在北京会谈,纪念两国于2019年元旦建交。(the future 将 is another clause)
    line = "他将在北京与中国官员举行会谈,纪念美中两国于2019年元旦正式建立邦交\u3002"
    (finding,) = findings(line, published=datetime.date(2009, 1, 7))
    assert finding.check == AFTER_PUBLICATION
    assert places(finding, line) == ["2019年"]


HEADING = ("heading", "claim", "claim")


def test_a_heading_period_the_body_gives_otherwise_names_both_places():
    lines = (
        "越南准许异议神父保外就医一年",
        f"越南当局将他的刑期向后推了两年{COMMA}以便他能够得到治疗{STOP}",
        f"他2007年被判有罪{COMMA}被判处8年徒刑{COMMA}在监狱里渡过了10多年的时间{STOP}",
    )
    (finding,) = findings(*lines, kinds=HEADING)
    assert finding.check == DURATION
    assert places(finding, *lines) == ["一年", "两年"]
    assert "1 year" in finding.message and "2 years" in finding.message


def test_a_heading_period_with_ascii_punctuation_is_read_the_same():
    lines = ("神父保外就医一年", "当局将他的刑期推了两年, 以便他得到治疗.")
    (finding,) = findings(*lines, kinds=HEADING)
    assert places(finding, *lines) == ["一年", "两年"]


def test_an_english_heading_period_the_body_gives_otherwise_is_found():
    lines = (
        "Dissident priest freed for one year",
        "The authorities deferred his sentence by two years, his sister said.",
    )
    (finding,) = findings(*lines, kinds=HEADING)
    assert places(finding, *lines) == ["one year", "two years"]


def test_a_heading_period_the_body_repeats_is_consistent():
    lines = (
        "越南准许异议神父保外就医一年",
        f"当局将他的刑期向后推了一年{COMMA}他曾被判处8年徒刑{STOP}",
    )
    assert findings(*lines, kinds=("heading", "claim")) == []


def test_periods_of_a_sentence_a_time_or_a_rough_figure_are_no_counterpart():
    # 8年徒刑 names a sentence, 两年后 a time, 十多年 no exact figure.
    lines = (
        "神父保外就医一年",
        f"他被判处8年徒刑{COMMA}两年后获释{STOP}",
        f"他在监狱里渡过了十多年的时间{STOP}",
    )
    assert findings(*lines, kinds=HEADING) == []


def test_two_body_periods_of_the_kind_name_no_single_counterpart():
    lines = ("神父保外就医一年", f"刑期推了两年{STOP}", f"他又等了三年{STOP}")
    assert findings(*lines, kinds=HEADING) == []
