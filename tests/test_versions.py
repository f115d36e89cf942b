"""A new version of an article: verdicts carried over, changes flagged."""

import pytest

from annotations import demo, history, queries
from annotations.importing import ImportRefused
from annotations.models import ArticleVersion, Claim, Status, Verdict
from annotations.services import versions
from annotations.text import diffing

from .factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db

# 他后来去了斯坦福读博 -> 他后来去了斯坦福大学读博 (unit 9, misstated)
CHANGED_FROM = "\u4ed6\u540e\u6765\u53bb\u4e86\u65af\u5766\u798f\u8bfb\u535a"
CHANGED_TO = "\u4ed6\u540e\u6765\u53bb\u4e86\u65af\u5766\u798f\u5927\u5b66\u8bfb\u535a"
# Unit 14 (verified), removed with its line.
REMOVED_START = "\u66f4\u5f15\u4eba\u6ce8\u76ee\u7684\u662f"
# 编者按:本文于7月1日更新。
ADDED = "\u7f16\u8005\u6309:\u672c\u6587\u4e8e7\u67081\u65e5\u66f4\u65b0\u3002"


@pytest.fixture
def demo_article(settings):
    settings.DEBUG = True
    demo.create_demo_accounts(password="demo-pass-123")
    article, _ = demo.load_demo_article()
    return article


def edited(text: str) -> str:
    lines = text.split("\n")
    removed = [line for line in lines if line.startswith(REMOVED_START)]
    assert len(removed) == 1
    lines.remove(removed[0])
    return "\n".join([ADDED, *lines]).replace(CHANGED_FROM, CHANGED_TO)


def snapshot(article) -> dict[int, tuple]:
    return {
        c.pk: (c.text, c.verdict, c.status, c.rationale, c.sources.count())
        for c in Claim.objects.filter(article=article).prefetch_related("sources")
    }


def test_a_lightly_edited_seed_keeps_every_verdict_and_flags_the_changes(
    demo_article,
):
    before = snapshot(demo_article)
    by_text = {c.text: c for c in demo_article.claims.all()}
    changed = next(c for t, c in by_text.items() if t.startswith(CHANGED_FROM))
    removed = next(c for t, c in by_text.items() if t.startswith(REMOVED_START))
    editor = UserFactory(role="editor")

    outcome = versions.import_new_version(
        article=demo_article, text=edited(demo_article.text), imported_by=editor
    )

    assert (outcome.version, outcome.changed, outcome.orphaned, outcome.added) == (
        2,
        1,
        1,
        1,
    )
    assert outcome.kept == 53
    demo_article.refresh_from_db()
    after = snapshot(demo_article)
    for pk, (text, verdict, status, rationale, sources) in before.items():
        now = after[pk]
        assert (now[1], now[3], now[4]) == (verdict, rationale, sources)
        if pk not in (changed.pk, removed.pk):
            assert now[:3] == (text, verdict, status)
    moved = Claim.objects.get(pk=changed.pk)
    assert moved.text.startswith(CHANGED_TO)
    assert moved.text_changed and moved.status == Status.DRAFT
    assert demo_article.text[moved.start : moved.end] == moved.text
    orphan = Claim.objects.get(pk=removed.pk)
    assert orphan.orphaned and orphan.verdict == Verdict.VERIFIED
    assert list(queries.orphans(demo_article)) == [orphan]
    live = list(queries.workspace_claims(demo_article))
    assert [c.position for c in live] == list(range(1, 56))
    assert live[0].text == ADDED
    assert all(demo_article.text[c.start : c.end] == c.text for c in live)
    old = ArticleVersion.objects.get(article=demo_article)
    assert old.number == 1 and REMOVED_START in old.text
    reasons = [e.comment for e in history.claim_history(changed.pk)]
    assert "text changed in version 2" in reasons


def test_orphans_and_changed_claims_leave_the_public_report(demo_article):
    removed = demo_article.claims.get(text__startswith=REMOVED_START)
    changed = demo_article.claims.get(text__startswith=CHANGED_FROM)
    versions.import_new_version(
        article=demo_article, text=edited(demo_article.text), imported_by=None
    )
    public = set(queries.published_claims(demo_article).values_list("pk", flat=True))
    assert removed.pk not in public and changed.pk not in public
    exported = set(queries.claims_for_export(public=True).values_list("pk", flat=True))
    assert removed.pk not in exported


def test_the_same_text_again_is_refused_and_changes_nothing():
    article = ArticleFactory(text="One. Two.")
    with pytest.raises(ImportRefused, match="current version"):
        versions.import_new_version(article=article, text="One. Two.", imported_by=None)
    assert not ArticleVersion.objects.exists()


def test_viewers_cannot_import_a_new_version():
    from django.core.exceptions import PermissionDenied

    article = ArticleFactory(text="One. Two.")
    with pytest.raises(PermissionDenied):
        versions.import_new_version(
            article=article, text="One. Three.", imported_by=UserFactory(role="viewer")
        )


def test_the_diff_shows_insertions_and_deletions():
    pieces = diffing.diff("The plant opened in 2019.", "The plant opened in 2021.")
    assert [(p.op, p.text) for p in pieces if p.op != "equal"] == [
        ("delete", "2019"),
        ("insert", "2021"),
    ]
    assert "".join(p.text for p in pieces if p.op != "insert") == (
        "The plant opened in 2019."
    )


def test_a_new_version_keeps_every_reanchored_claims_public_id(demo_article):
    before = dict(demo_article.claims.values_list("pk", "public_id"))
    assert len(set(before.values())) == len(before) == 55  # demo loading sets them
    versions.import_new_version(
        article=demo_article, text=edited(demo_article.text), imported_by=None
    )
    after = {c.pk: c for c in Claim.objects.filter(article=demo_article)}
    for pk, public_id in before.items():
        assert after[pk].public_id == public_id  # moved, changed and orphaned alike
    (added,) = (c for pk, c in after.items() if pk not in before)
    assert added.text == ADDED and added.position == 1
    assert added.public_id not in before.values()


def test_orphans_of_earlier_versions_keep_positions_after_the_text():
    # Each version drops one sentence: its claim is orphaned. Earlier orphans
    # are numbered again too, so a third version finds room for new sentences
    # (before, they stayed parked and collided with them).
    editor = UserFactory(role="editor")
    article = ArticleFactory(text="Alpha one.\nBeta two.\nGamma three.\nDelta four.")
    texts = [
        "Beta two.\nGamma three.\nDelta four.\nEpsilon five.",
        "Gamma three.\nDelta four.\nEpsilon five.\nZeta six.",
        "Delta four.\nEpsilon five.\nZeta six.\nEta seven.",
    ]
    for text in texts:
        versions.import_new_version(article=article, text=text, imported_by=editor)

    claims = list(Claim.objects.filter(article=article).order_by("position"))
    assert [c.position for c in claims] == list(range(1, len(claims) + 1))
    assert [c.text for c in claims if not c.orphaned] == texts[-1].split("\n")
    assert [c.text for c in claims if c.orphaned] == [
        "Gamma three.",
        "Beta two.",
        "Alpha one.",
    ]
