"""Person names written two ways (no database; jieba loads once per process)."""

from annotations import names

from .conftest import FIXTURES

JIAO_RIGHT = "\u7126\u5251\u6d9b"  # 焦剑涛
JIAO_WRONG = "\u7126\u5efa\u6d9b"  # 焦建涛


def groups(text: str) -> list[tuple[str, list[tuple[str, int]]]]:
    return [
        (g.kind, sorted((f.text, len(f.mentions)) for f in g.forms))
        for g in names.find_groups(text)
    ]


def test_the_seed_has_exactly_one_name_group_jiao_jiantao():
    text = (FIXTURES / "article.txt").read_text(encoding="utf-8")
    (group,) = names.find_groups(text)
    assert group.kind == names.MISSPELLING
    assert group.majority.text == JIAO_RIGHT
    assert len(group.majority.mentions) == 6
    (wrong,) = group.minority
    assert wrong.text == JIAO_WRONG and len(wrong.mentions) == 1
    assert group.suspicious
    for form in group.forms:
        for mention in form.mentions:
            assert text[mention.start : mention.end] == form.text


def test_traditional_and_simplified_forms_are_the_same_name():
    traditional = "\u7126\u528d\u6fe4"  # 焦劍濤
    text = f"{traditional}\u8bf4\u3002{JIAO_RIGHT}\u8bf4\u3002"
    assert names.find_groups(text) == []


def test_latin_names_in_another_order_or_one_letter_apart_group():
    text = (
        "Jiantao Jiao spoke. Later Jiao Jiantao left. "
        "Banghua Zhu joined, said Banghua Zhu, not Banghwa Zhu."
    )
    found = groups(text)
    assert (names.ORDER, [("Jiantao Jiao", 1), ("Jiao Jiantao", 1)]) in found
    assert (names.SPELLING, [("Banghua Zhu", 2), ("Banghwa Zhu", 1)]) in found


def test_different_product_names_sharing_a_word_do_not_group():
    assert groups("Llama Nemotron and Star Nemotron. DGX Cloud, Lepton AI.") == []


def test_chinese_and_latin_forms_link_by_pinyin():
    # 焦剑涛（Jiantao Jiao）加入了英伟达。
    text = (
        f"{JIAO_RIGHT}\uff08Jiantao Jiao\uff09"
        "\u52a0\u5165\u4e86\u82f1\u4f1f\u8fbe\u3002"
    )
    (group,) = names.find_groups(text)
    assert group.kind == names.SCRIPT
    assert sorted(f.text for f in group.forms) == ["Jiantao Jiao", JIAO_RIGHT]
    assert not group.suspicious


def test_same_sound_with_other_tones_is_only_a_possible_variant():
    # 王洋和汪洋都来了。王洋走了。
    text = (
        "\u738b\u6d0b\u548c\u6c6a\u6d0b\u90fd\u6765\u4e86\u3002"
        "\u738b\u6d0b\u8d70\u4e86\u3002"
    )
    (group,) = names.find_groups(text)  # 王洋 / 汪洋: wáng / wāng
    assert group.kind == names.HOMOPHONE
    assert not group.suspicious
