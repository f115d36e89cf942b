"""Numbers, dates, money and percentages with exact offsets (no database)."""

import pytest

from annotations.text import quantities
from annotations.text.quantities import DATE, MONEY, NUMBER, PERCENT


def found(text: str) -> list[tuple[str, str]]:
    return [(q.kind, q.text) for q in quantities.extract(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # 公司刚成立就拿到1060万美元融资。
        (
            "\u516c\u53f8\u521a\u6210\u7acb\u5c31\u62ff\u52301060\u4e07\u7f8e\u5143"
            "\u878d\u8d44\u3002",
            [(MONEY, "1060\u4e07\u7f8e\u5143")],
        ),
        # 占据全球80%以上的市场份额
        (
            "\u5360\u636e\u5168\u740380%\u4ee5\u4e0a\u7684\u5e02\u573a\u4efd\u989d",
            [(PERCENT, "80%\u4ee5\u4e0a")],
        ),
        # 还是2011年清华特等奖学金得主
        (
            "\u8fd8\u662f2011\u5e74\u6e05\u534e\u7279\u7b49\u5956\u5b66\u91d1\u5f97\u4e3b",
            [(DATE, "2011\u5e74")],
        ),
        # 6月28日,两位科学家 (两位 is a word, not a figure)
        (
            "6\u670828\u65e5,\u4e24\u4f4d\u79d1\u5b66\u5bb6",
            [(DATE, "6\u670828\u65e5")],
        ),
        # Full-width digits and percent sign: ８０％
        ("\u5360\uff18\uff10\uff05", [(PERCENT, "\uff18\uff10\uff05")]),
        # 转化率连美国的十分之一都不到
        (
            "\u8f6c\u5316\u7387\u8fde\u7f8e\u56fd\u7684\u5341\u5206\u4e4b\u4e00",
            [(PERCENT, "\u5341\u5206\u4e4b\u4e00")],
        ),
        (
            "Nexusflow raised $10.6M on June 28, 2023.",
            [
                (MONEY, "$10.6M"),
                (DATE, "June 28, 2023"),
            ],
        ),
        ("Founded in 2019, it has 1,200 staff.", [(DATE, "2019"), (NUMBER, "1,200")]),
        ("It grew 3.5 percent.", [(PERCENT, "3.5 percent")]),
        ("It paid 10.6 million dollars.", [(MONEY, "10.6 million dollars")]),
    ],
)
def test_extracts_each_quantity_with_its_kind(text, expected):
    assert found(text) == expected


def test_model_names_are_not_quantities():
    assert found("Athene-V2 rivals GPT-4o and Llama-3.") == []


def test_offsets_point_at_the_quantity_in_the_original_text():
    text = "\u4ed6\u4eec\u57282023\u5e74\u878d\u8d441060\u4e07\u7f8e\u5143\u3002"
    for quantity in quantities.extract(text):
        assert text[quantity.start : quantity.end] == quantity.text


def test_a_date_knows_its_year():
    (date,) = quantities.extract("\u57282002\u7ea7")  # 在2002级
    assert date.year == 2002


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Half of them came, a third left", [("vague", "Half"), ("vague", "a third")]),
        ("dozens of engineers", [("vague", "dozens")]),
        ("\u4e00\u534a\u7684\u4eba", [("vague", "\u4e00\u534a")]),  # 一半的人
        (
            "this week and on Thursday",
            [("relative", "this week"), ("relative", "Thursday")],
        ),
        # 近日，上月
        (
            "\u8fd1\u65e5\uff0c\u4e0a\u6708",
            [("relative", "\u8fd1\u65e5"), ("relative", "\u4e0a\u6708")],
        ),
        # 5月发布 (a month alone is a date); 5个月 is a duration
        ("5\u6708\u53d1\u5e03", [(DATE, "5\u6708")]),
        ("\u7528\u4e865\u4e2a\u6708", [(NUMBER, "5\u4e2a")]),
    ],
)
def test_vague_quantities_relative_dates_and_months_alone_are_figures(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize("text", ["It runs CUDA 9 and TensorRT 3.", "Built on iOS 17."])
def test_product_versions_are_not_figures(text):
    assert found(text) == []
