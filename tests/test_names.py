"""Person names written two ways (no database; jieba loads once per process)."""

from annotations.text import names

from .conftest import FIXTURES

JIAO_RIGHT = "\u7126\u5251\u6d9b"  # 焦剑涛
JIAO_WRONG = "\u7126\u5efa\u6d9b"  # 焦建涛


def groups(text: str) -> list[tuple[str, list[tuple[str, int]]]]:
    return [
        (g.kind, sorted((f.text, len(f.mentions)) for f in g.forms))
        for g in names.find_groups(text)
    ]


def variants(text: str) -> list[names.NameGroup]:
    """The groups other than a short form's link to its full name."""
    return [g for g in names.find_groups(text) if g.kind != names.SHORT]


def links(text: str) -> list[tuple[str, str, list[tuple[int, str]]]]:
    """(full name, short form, [(offset, text) of each short mention])."""
    return [
        (
            g.forms[0].text,
            g.forms[1].text,
            [(m.start, m.text) for m in g.forms[1].mentions],
        )
        for g in names.find_groups(text)
        if g.kind == names.SHORT
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


def test_a_surname_alone_one_letter_off_the_full_name_is_a_likely_misspelling():
    text = "Jensen Huang spoke first. Huang said sales grew. Later Hwang left."
    (group,) = variants(text)
    assert group.kind == names.SPELLING and group.suspicious
    assert group.majority.text == "Huang"
    assert [m.text for f in group.minority for m in f.mentions] == ["Hwang"]


def test_an_english_word_one_letter_off_a_name_is_not_a_variant():
    # "Bush" and "Push" share no first letter; "Steve" is Fossett's first name;
    # "Sales" is written in lower case elsewhere, so it is a word.
    text = (
        "Steve Fossett went missing. Fossett flew alone. Steve was found. "
        "George Bush spoke. Sales fell. Push harder, he said; sales rose."
    )
    assert variants(text) == []


def test_a_misspelt_name_the_tagger_misses_is_found_by_its_sound():
    # 黄仁勋说。黄仁勋表示。黄壬勋和黄仁讯都说。(jieba tags neither variant)
    text = "黄仁勋说\u3002黄仁勋表示\u3002黄壬勋和黄仁讯都说\u3002"
    assert groups(text) == [
        (names.HOMOPHONE, [("黄仁勋", 2), ("黄仁讯", 1), ("黄壬勋", 1)])
    ]


def test_a_transliterated_name_respelt_once_is_a_likely_misspelling():
    # 内格罗蓬特 twice, 内格罗彭特 once: the tagger splits both.
    text = (
        "美国副国务卿内格罗蓬特说\uff0c两国关系很深\u3002"
        "内格罗蓬特将在北京会谈\u3002"
        "内格罗彭特与中国外交部副部长王光亚一道观看了比赛\u3002"
    )
    (group,) = names.find_groups(text)
    assert group.suspicious
    assert (group.majority.text, group.minority[0].text) == ("内格罗蓬特", "内格罗彭特")


def test_one_odd_mention_against_many_names_a_culprit_even_with_other_tones():
    # 阮文黎 (lí) four times, 阮文礼 (lǐ) once
    text = "".join(f"阮文黎神父第{n}次说话\u3002" for n in "一二三四")
    text += "他的姐姐说\uff0c现年63岁的阮文礼神父只能走路\u3002"
    (group,) = names.find_groups(text)
    assert group.kind == names.HOMOPHONE and group.suspicious
    assert group.minority[0].text == "阮文礼"


def test_a_name_with_a_character_changed_once_is_a_lookalike():
    # 胡锦涛在北京。胡锦绣目前在四川。(涛/绣: another sound, the tagger splits 胡|锦绣)
    text = "国家主席胡锦涛在北京主持会议\u3002胡锦绣目前在四川视察\u3002"
    (group,) = names.find_groups(text)
    assert group.kind == names.LOOKALIKE
    assert sorted(f.text for f in group.forms) == ["胡锦涛", "胡锦绣"]
    assert not group.suspicious  # one each: no culprit, but one is wrong
    assert group.kind in names.ERRORS


def test_two_people_with_the_same_surname_are_not_variants():
    # 阮文黎 and 阮明哲: two given names, not a misspelling
    text = "阮文黎神父获释\u3002阮文黎说\u3002阮明哲表示欢迎\u3002"
    assert groups(text) == []


def test_two_first_names_one_letter_apart_are_two_people():
    text = "Mark Smith spoke first. Mary Jones answered him."
    assert names.find_groups(text) == []


def test_a_surname_or_given_name_alone_links_to_the_one_full_name():
    text = "Jensen Huang founded Nvidia. Huang said sales grew. Jensen smiled."
    assert sorted(links(text)) == [
        ("Jensen Huang", "Huang", [(text.index("Huang said"), "Huang")]),
        ("Jensen Huang", "Jensen", [(text.index("Jensen smiled"), "Jensen")]),
    ]


def test_a_title_before_the_surname_still_links_it():
    text = "Barack Obama won. Later, President Obama spoke. Mr. Obama left."
    assert links(text) == [("Barack Obama", "Obama", [(35, "Obama"), (52, "Obama")])]


def test_a_surname_two_people_share_links_to_neither():
    text = "Jensen Huang met Lisa Huang. Huang said it went well."
    assert links(text) == []


def test_a_place_or_body_is_no_full_name_to_link_to():
    text = "Virginia Tech reopened. Virginia mourned. New York waited."
    assert links(text) == []


def test_a_respelt_surname_against_the_linked_forms_is_a_likely_misspelling():
    text = (
        "Jensen Huang spoke. Huang said so. Huang left. Huang came back. "
        "Hwang smiled. Hwang waved."
    )
    (group,) = variants(text)
    assert group.kind == names.SPELLING and group.suspicious
    assert [m.start for m in group.minority[0].mentions] == [64, 78]


def test_a_respelling_as_common_as_the_usual_form_is_not_flagged():
    text = "Jensen Huang spoke. Hwang said so. Hwang left."
    assert variants(text) == []


def test_a_chinese_surname_alone_links_only_before_a_speech_verb_or_title():
    # 黄仁勋创立了英伟达。黄说，公司很好。黄先生表示同意。老黄认为不错。黄色的车很多。
    text = (
        "黄仁勋创立了英伟达\u3002黄说\uff0c公司很好\u3002黄先生表示同意\u3002"
        "老黄认为不错\u3002黄色的车很多\u3002"
    )
    assert links(text) == [("黄仁勋", "黄", [(10, "黄"), (18, "黄"), (27, "黄")])]


def test_a_chinese_surname_alone_links_with_ascii_punctuation_too():
    text = "黄仁勋创立了英伟达, 黄表示: 公司很好. 黄色的车很多."
    assert links(text) == [("黄仁勋", "黄", [(11, "黄")])]


def test_a_chinese_given_name_alone_links_to_the_full_name():
    text = "黄仁勋创立了英伟达\u3002仁勋说\uff0c公司很好\u3002"
    assert links(text) == [("黄仁勋", "仁勋", [(10, "仁勋")])]


def test_a_chinese_surname_two_people_share_links_to_neither():
    # 黄仁勋与黄立成会面。黄说，很好。
    text = "黄仁勋与黄立成会面\u3002黄说\uff0c很好\u3002"
    assert links(text) == []


def test_mixed_scripts_link_each_short_form_to_its_own_full_name():
    text = (
        "Jensen Huang\uff08黄仁勋\uff09创立了英伟达\u3002黄说\uff0c很好\u3002"
        "Huang said so."
    )
    found = sorted(links(text))
    assert found == [
        ("Jensen Huang", "Huang", [(text.index("Huang said"), "Huang")]),
        ("黄仁勋", "黄", [(text.index("黄说"), "黄")]),
    ]
