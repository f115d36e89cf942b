"""Every change to a claim and its sources is recorded: who, when, old, new, why."""

import pytest

from annotations import history, services
from annotations.models import Claim, Source, Verdict
from annotations.services import reviewing

from .factories import ArticleFactory, UserFactory, add_source, claim_of, fresh, judge

pytestmark = pytest.mark.django_db


def changes(entry) -> dict:
    return {c.field: (c.old, c.new) for c in entry.changes}


def test_import_records_each_claim_as_created_by_the_importer():
    editor = UserFactory(username="importer")
    article = ArticleFactory(text="One. Two. Three.", imported_by=editor)
    records = Claim.history.filter(article_id=article.pk)
    assert records.count() == 3
    assert {(r.history_type, r.history_user_id) for r in records} == {("+", editor.pk)}
    first = history.claim_history(claim_of(article).pk)
    assert [(e.action, e.user) for e in first] == [("created", "importer")]
    assert changes(first[0])["text"] == (None, "One.")


def test_a_verdict_change_records_old_and_new_values_and_the_comment():
    editor = UserFactory(username="ana")
    claim = claim_of(ArticleFactory())
    services.edit_claim(
        claim=claim,
        editor=editor,
        expected_version=claim.version,
        verdict=Verdict.DISPUTED,
        rationale="No source for the figure.",
        comment="first pass",
    )
    entry = history.claim_history(claim.pk)[-1]
    assert (entry.action, entry.user, entry.comment) == ("changed", "ana", "first pass")
    assert changes(entry) == {
        "verdict": (Verdict.UNREVIEWED, Verdict.DISPUTED),
        "rationale": ("", "No source for the figure."),
        "status": ("unreviewed", "draft"),
    }
    assert entry.version == claim.version + 1


def test_source_changes_are_recorded_with_their_claim():
    editor = UserFactory(username="ana")
    claim = claim_of(ArticleFactory())
    source = add_source(claim, added_by=editor, title="First title")
    services.update_source(
        source=source,
        editor=editor,
        url=source.url,
        title="Second title",
        publisher=source.publisher,
        quote=source.quote,
    )
    services.remove_source(source=fresh_source(source), editor=editor)
    entries = [e for e in history.claim_history(claim.pk) if e.subject == "source"]
    assert [e.action for e in entries] == ["created", "changed", "deleted"]
    assert changes(entries[1]) == {"title": ("First title", "Second title")}
    assert {e.user for e in entries} == {"ana"}
    reasons = [e.comment for e in history.claim_history(claim.pk) if e.comment]
    assert reasons == [
        "source added: First title",
        "source changed: Second title",
        "source removed: Second title",
    ]


def fresh_source(source: Source) -> Source:
    return Source.objects.get(pk=source.pk)


def test_split_and_merge_record_the_new_offsets():
    editor = UserFactory(username="ana")
    article = ArticleFactory(text="First part and second part. Next one.")
    claim = claim_of(article)
    first, second = services.split_claim(
        claim=claim, at=15, editor=editor, expected_version=claim.version
    )
    split = history.claim_history(first.pk)[-1]
    assert changes(split)["end"] == (claim.end, first.end)
    assert split.comment == "split at 15"
    created = history.claim_history(second.pk)
    assert [(e.action, e.comment) for e in created] == [
        ("created", f"split from claim {first.pk}")
    ]
    services.merge_with_next(
        claim=first, editor=editor, expected_version=fresh(first).version
    )
    merged = history.claim_history(first.pk)[-1]
    assert changes(merged)["end"] == (first.end, claim.end)
    gone = history.claim_history(second.pk)[-1]
    assert (gone.action, gone.user) == ("deleted", "ana")


def test_the_whole_lifecycle_is_in_the_history():
    editor = UserFactory(username="ed", role="editor")
    reviewer = UserFactory(username="rev", role="reviewer")
    claim = claim_of(ArticleFactory())
    add_source(claim, added_by=editor)
    draft = judge(claim, Verdict.DISPUTED, "Unsourced.", editor=editor)
    approved = reviewing.approve(
        claim=draft, reviewer=reviewer, expected_version=draft.version, comment="ok"
    )
    published = reviewing.publish(
        claim=approved, reviewer=reviewer, expected_version=approved.version
    )
    reviewing.propose_correction(
        claim=published,
        editor=editor,
        verdict=Verdict.MISSTATED,
        rationale="Wrong by a decade.",
        reason="Archive found.",
        expected_version=published.version,
    )
    reviewing.approve(
        claim=published, reviewer=reviewer, expected_version=published.version
    )
    steps = [
        (e.subject, e.action, e.user)
        for e in history.claim_history(claim.pk)
        if e.subject != "source"
    ]
    assert steps == [
        ("claim", "created", None),
        ("claim", "changed", "ed"),  # adding the source raised the version
        ("claim", "changed", "ed"),
        ("claim", "changed", "rev"),
        ("claim", "changed", "rev"),
        ("correction", "proposed", "ed"),
        ("correction", "approved", "rev"),
        ("claim", "changed", "rev"),
    ]
    entries = history.claim_history(claim.pk)
    statuses = [changes(e)["status"] for e in entries if "status" in changes(e)]
    assert statuses[1:] == [
        ("unreviewed", "draft"),
        ("draft", "approved"),
        ("approved", "published"),
    ]
    last = entries[-1]
    assert changes(last)["verdict"] == (Verdict.DISPUTED, Verdict.MISSTATED)
    assert last.comment == "correction: Archive found."
    # Replaying the recorded versions gives the stored row.
    final = fresh(claim)
    newest = Claim.history.filter(id=claim.pk).latest("history_date", "history_id")
    assert (newest.version, newest.verdict, newest.rationale) == (
        final.version,
        final.verdict,
        final.rationale,
    )
    versions = list(
        Claim.history.filter(id=claim.pk)
        .order_by("history_date", "history_id")
        .values_list("version", flat=True)
    )
    assert versions == list(range(1, final.version + 1))


def test_reading_history_takes_the_same_queries_however_long_it_is(
    django_assert_max_num_queries,
):
    editor = UserFactory(role="editor")

    def churn(claim, times):
        for n in range(times):
            add_source(claim, added_by=editor, title=f"Source {n}")
            judge(claim, Verdict.DISPUTED, f"Take {n}.", editor=editor)

    short, long = (claim_of(ArticleFactory(), 1) for _ in range(2))
    churn(short, 2)
    churn(long, 40)
    for claim in (short, long):
        with django_assert_max_num_queries(3):
            entries = history.claim_history(claim.pk)
    assert len(entries) > 100
