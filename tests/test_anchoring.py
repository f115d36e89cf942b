"""Re-anchoring claims in a new version of an article (no database)."""

from annotations.text import anchoring, segmentation
from annotations.text.anchoring import CHANGED, EXACT, MOVED, ORPHAN

from .conftest import FIXTURES

SEED = (FIXTURES / "article.txt").read_text(encoding="utf-8")
FUNDING = (
    "\u516c\u53f8\u521a\u6210\u7acb\u5c31\u62ff\u52301060\u4e07\u7f8e\u5143\u878d\u8d44"
)
FUNDING_EDITED = (
    "\u516c\u53f8\u6210\u7acb\u4e0d\u4e45\u5c31\u62ff\u5230\u4e86"
    "1060\u4e07\u7f8e\u5143\u7684\u878d\u8d44"
)  # 公司成立不久就拿到了1060万美元的融资
REMOVED = (
    "\u6d88\u606f\u4f20\u56de\u56fd\u5185,\u7f51\u53cb\u77ac\u95f4\u70b8\u9505\u3002\n"
)
EDITOR_NOTE = (
    "\u7f16\u8005\u6309:\u672c\u6587\u6709\u66f4\u65b0\u3002\n"  # 编者按:本文有更新。
)


def old_claims(text: str) -> list[anchoring.OldClaim]:
    return [
        anchoring.OldClaim(
            n,
            u.start,
            u.end,
            u.text,
            text[max(0, u.start - 32) : u.start],
            text[u.end : u.end + 32],
        )
        for n, u in enumerate(segmentation.split_units(text))
    ]


def plan_for(new_text: str) -> anchoring.Plan:
    return anchoring.reanchor(
        old_claims(SEED), new_text, segmentation.split_units(new_text)
    )


def test_an_unchanged_text_keeps_every_claim_where_it_was():
    plan = plan_for(SEED)
    assert {a.how for a in plan.anchors} == {EXACT}
    assert plan.new_units == []


def test_a_lightly_edited_seed_moves_flags_and_orphans_the_right_claims():
    assert FUNDING in SEED and REMOVED in SEED
    new = EDITOR_NOTE + SEED.replace(FUNDING, FUNDING_EDITED).replace(REMOVED, "")
    plan = plan_for(new)
    claims = {c.key: c for c in old_claims(SEED)}
    by_how: dict[str, list[anchoring.Anchor]] = {}
    for anchor in plan.anchors:
        by_how.setdefault(anchor.how, []).append(anchor)
    (changed,) = by_how[CHANGED]
    assert claims[changed.key].text.startswith(FUNDING)
    assert new[changed.start : changed.end].startswith(FUNDING_EDITED)
    (orphan,) = by_how[ORPHAN]
    assert claims[orphan.key].text == REMOVED.strip()
    assert len(by_how[MOVED]) == 53
    for anchor in by_how[MOVED]:
        assert new[anchor.start : anchor.end] == claims[anchor.key].text
    assert [u.text for u in plan.new_units] == [EDITOR_NOTE.strip()]


def test_a_repeated_sentence_is_matched_by_its_context():
    old = "The market opened. It rose. Then it paused. It rose. It closed."
    new = "Breaking. The market opened. It rose. Then it paused. It rose. It closed."
    claims = old_claims(old)
    plan = anchoring.reanchor(claims, new, segmentation.split_units(new))
    assert {a.how for a in plan.anchors} == {MOVED}
    for anchor in plan.anchors:
        claim = claims[anchor.key]
        assert new[anchor.start - len(claim.prefix) : anchor.start] == claim.prefix
    assert [u.text for u in plan.new_units] == ["Breaking."]


def test_a_rewritten_sentence_is_an_orphan_not_a_wrong_match():
    old = "The plant opened in 2019. Workers cheered."
    new = "The plant opened in 2019. Shares fell sharply on Monday afternoon."
    plan = anchoring.reanchor(old_claims(old), new, segmentation.split_units(new))
    assert [a.how for a in plan.anchors] == [EXACT, ORPHAN]
    assert [u.text for u in plan.new_units] == [
        "Shares fell sharply on Monday afternoon."
    ]
