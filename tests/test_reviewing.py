"""The review workflow's rules, enforced in the services."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from annotations import queries, services
from annotations.models import (
    Article,
    Claim,
    Comment,
    CommentKind,
    Correction,
    CorrectionStatus,
    Kind,
    Status,
    Verdict,
)
from annotations.services import reviewing

from .factories import (
    ArticleFactory,
    UserFactory,
    add_source,
    approve,
    claim_of,
    fresh,
    judge,
    publish,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(editor) -> Claim:
    """A disputed draft with one source, written by ``editor``."""
    claim = claim_of(ArticleFactory())
    add_source(claim, added_by=editor)
    return judge(claim, Verdict.DISPUTED, "The figure is unsourced.", editor=editor)


def correct(claim, editor, **overrides):
    current = fresh(claim)
    values = {
        "verdict": Verdict.MISSTATED,
        "rationale": "New filings show the figure is wrong.",
        "reason": "The company published its accounts.",
    }
    return reviewing.propose_correction(
        claim=current,
        editor=editor,
        expected_version=current.version,
        **{**values, **overrides},
    )


def test_a_verdict_makes_a_draft_credited_to_its_editor(draft, editor):
    assert draft.status == Status.DRAFT
    assert draft.verdict_by == editor
    assert draft.approved_by is None


def test_clearing_the_verdict_makes_the_claim_unreviewed_again(draft, editor):
    cleared = judge(draft, Verdict.UNREVIEWED, "", editor=editor)
    assert (cleared.status, cleared.verdict_by) == (Status.UNREVIEWED, None)


def test_a_reviewer_who_did_not_write_the_verdict_approves_it(draft, reviewer):
    approved = approve(draft, reviewer, comment="Checked the filing.")
    assert approved.status == Status.APPROVED
    assert approved.approved_by == reviewer
    assert approved.approved_at is not None
    assert approved.version == draft.version + 1


def test_nobody_approves_their_own_verdict(reviewer):
    claim = claim_of(ArticleFactory())
    add_source(claim, added_by=reviewer)
    own = judge(claim, Verdict.VERIFIED, "Matches the filing.", editor=reviewer)
    with pytest.raises(PermissionDenied, match="two-person"):
        approve(own, reviewer)
    assert fresh(own).status == Status.DRAFT


def test_editors_and_viewers_cannot_approve_reject_or_publish(draft, editor):
    viewer = UserFactory(role="viewer")
    for user in (editor, viewer):
        with pytest.raises(PermissionDenied, match="reviewer"):
            approve(draft, user)
        with pytest.raises(PermissionDenied, match="reviewer"):
            reviewing.reject(
                claim=draft, reviewer=user, expected_version=draft.version, comment="x"
            )
        with pytest.raises(PermissionDenied, match="reviewer"):
            publish(draft, user)
    assert fresh(draft).status == Status.DRAFT


def test_viewers_cannot_edit_claims_or_sources(draft):
    viewer = UserFactory(role="viewer")
    with pytest.raises(PermissionDenied, match="editor role"):
        judge(draft, Verdict.VERIFIED, editor=viewer)
    with pytest.raises(PermissionDenied):
        add_source(draft, added_by=viewer)
    assert fresh(draft).verdict == Verdict.DISPUTED


def test_approving_a_stale_version_is_refused(draft, reviewer):
    with pytest.raises(services.StaleVersion):
        reviewing.approve(
            claim=draft, reviewer=reviewer, expected_version=draft.version - 1
        )
    assert fresh(draft).status == Status.DRAFT


def test_only_drafts_are_approved(reviewer):
    claim = claim_of(ArticleFactory())
    with pytest.raises(ValidationError, match="nothing awaiting review"):
        approve(claim, reviewer)


def test_a_draft_without_sources_is_not_approved(editor, reviewer):
    claim = judge(claim_of(ArticleFactory()), Verdict.DISPUTED, editor=editor)
    with pytest.raises(ValidationError, match="at least one source"):
        approve(claim, reviewer)


def test_a_verified_verdict_quoting_the_article_needs_no_source(editor, reviewer):
    article = ArticleFactory(text="The plant opened in 2019. It employs 300 people.")
    claim = claim_of(article, 2)
    rationale = "The article itself says “The plant opened in 2019”, as claimed."
    approved = approve(
        judge(claim, Verdict.VERIFIED, rationale, editor=editor), reviewer
    )
    assert approved.status == Status.APPROVED


@pytest.mark.parametrize(
    ("verdict", "rationale"),
    [
        # A quote that is not in the article.
        (Verdict.VERIFIED, "As the minister said, “the plant is closing soon”."),
        # No quotation marks at all.
        (Verdict.VERIFIED, "The plant opened in 2019 per the article."),
        # Quoting the article only excuses a verified verdict.
        (Verdict.DISPUTED, "The article says “The plant opened in 2019”."),
    ],
)
def test_the_article_exception_needs_a_verified_verdict_and_a_real_quote(
    editor, reviewer, verdict, rationale
):
    article = ArticleFactory(text="The plant opened in 2019. It employs 300 people.")
    claim = judge(claim_of(article, 2), verdict, rationale, editor=editor)
    with pytest.raises(ValidationError, match="at least one source"):
        approve(claim, reviewer)


def test_chinese_quotes_of_the_article_count_as_citing_it():
    article = ArticleFactory(text="公司在2011年成立。它融资了1060万美元。")
    claim = claim_of(article, 2)
    assert reviewing.cites_article(claim, "原文写道「公司在2011年成立」。")
    assert not reviewing.cites_article(claim, "原文写道「公司在2012年成立」。")


def test_four_chinese_characters_are_a_long_enough_quote():
    claim = claim_of(ArticleFactory(text="公司成立于2011年。它融资了1060万美元。"))
    assert reviewing.cites_article(claim, "原文写道「公司成立」。")
    # Three CJK characters and two digits: neither rule's length.
    assert not reviewing.cites_article(claim, "原文写道「成立于20」。")


@pytest.mark.parametrize(
    "rationale",
    [
        # The reported bypass: a short word found anywhere in the article.
        'Confirmed: "test".',
        # Seven characters, in the claim's own sentence.
        "It says “opened”, “in 2019”.",
        # Long enough, but from another paragraph of the article.
        "The article says “It employs 300 people”.",
    ],
)
def test_the_article_is_its_own_evidence_only_by_a_long_quote_of_its_paragraph(
    editor, reviewer, rationale
):
    article = ArticleFactory(
        text="A test of the plant.\nThe plant opened in 2019.\nIt employs 300 people."
    )
    claim = judge(claim_of(article, 2), Verdict.VERIFIED, rationale, editor=editor)
    with pytest.raises(ValidationError, match="at least one source"):
        approve(claim, reviewer)
    assert fresh(claim).status == Status.DRAFT


def test_an_eight_character_quote_of_the_claims_sentence_is_its_own_evidence(
    editor, reviewer
):
    article = ArticleFactory(
        text="A test of the plant.\nThe plant opened in 2019.\nIt employs 300 people."
    )
    claim = claim_of(article, 2)
    rationale = "It says “opened i”, which matches."
    assert reviewing.long_enough("opened i")
    assert (
        approve(
            judge(claim, Verdict.VERIFIED, rationale, editor=editor), reviewer
        ).status
        == Status.APPROVED
    )


def test_reject_needs_a_comment_and_sends_the_draft_back(draft, reviewer, editor):
    with pytest.raises(ValidationError, match="comment is required"):
        reviewing.reject(
            claim=draft, reviewer=reviewer, expected_version=draft.version, comment=" "
        )
    rejected = reviewing.reject(
        claim=draft,
        reviewer=reviewer,
        expected_version=draft.version,
        comment="Which filing? Link it.",
    )
    assert rejected.status == Status.REJECTED
    comment = Comment.objects.get(claim=draft)
    assert (comment.kind, comment.author, comment.text) == (
        CommentKind.REJECTION,
        reviewer,
        "Which filing? Link it.",
    )
    again = judge(rejected, Verdict.DISPUTED, "Per the 2024 filing.", editor=editor)
    assert again.status == Status.DRAFT


def test_changing_an_approved_verdict_needs_a_new_approval(draft, reviewer, editor):
    approve(draft, reviewer)
    edited = judge(draft, Verdict.MISSTATED, "On reflection, wrong.", editor=editor)
    assert (edited.status, edited.approved_by) == (Status.DRAFT, None)


def test_changing_the_sources_of_an_approved_verdict_needs_a_new_approval(
    draft, reviewer, editor
):
    approve(draft, reviewer)
    add_source(draft, added_by=editor, title="Another report")
    assert fresh(draft).status == Status.DRAFT


def test_only_approved_verdicts_are_published(draft, reviewer):
    with pytest.raises(ValidationError, match="only approved verdicts"):
        reviewing.publish(
            claim=draft, reviewer=reviewer, expected_version=draft.version
        )
    approve(draft, reviewer)
    published = publish(draft, reviewer)
    assert published.status == Status.PUBLISHED
    assert published.published_at is not None


def test_publishing_an_article_publishes_its_approved_verdicts_only(editor, reviewer):
    article = ArticleFactory(text="One. Two. Three.")
    claims = [claim_of(article, n) for n in (1, 2, 3)]
    for claim in claims:
        add_source(claim, added_by=editor)
        judge(claim, Verdict.VERIFIED, editor=editor)
    approve(claims[0], reviewer)
    approve(claims[1], reviewer)
    assert reviewing.publish_article(article=article, reviewer=reviewer) == 2
    statuses = [fresh(c).status for c in claims]
    assert statuses == [Status.PUBLISHED, Status.PUBLISHED, Status.DRAFT]
    assert queries.published_claims(article).count() == 2


@pytest.fixture
def published(draft, reviewer) -> Claim:
    approve(draft, reviewer)
    return publish(draft, reviewer)


def test_published_verdicts_are_frozen(published, editor):
    with pytest.raises(ValidationError, match="correction"):
        judge(published, Verdict.VERIFIED, editor=editor)
    with pytest.raises(ValidationError, match="correction"):
        add_source(published, added_by=editor)
    source = published.sources.get()
    with pytest.raises(ValidationError, match="correction"):
        services.remove_source(source=source, editor=editor)
    with pytest.raises(ValidationError, match="correction"):
        services.split_claim(
            claim=published, at=3, editor=editor, expected_version=published.version
        )
    assert fresh(published).version == published.version
    assert published.sources.count() == 1


def test_a_correction_needs_a_reason_a_verdict_and_a_change(published, editor):
    with pytest.raises(ValidationError, match="reason"):
        correct(published, editor, reason="  ")
    with pytest.raises(ValidationError, match="verdict"):
        correct(published, editor, verdict=Verdict.UNREVIEWED)
    with pytest.raises(ValidationError, match="neither"):
        correct(
            published,
            editor,
            verdict=published.verdict,
            rationale=published.rationale,
        )
    assert not Correction.objects.exists()


def test_only_published_verdicts_take_corrections(draft, editor):
    with pytest.raises(ValidationError, match="Only published"):
        correct(draft, editor)


def test_an_approved_correction_changes_the_published_verdict(
    published, editor, reviewer
):
    correction = correct(published, editor)
    assert fresh(published).verdict == Verdict.DISPUTED  # not yet
    with pytest.raises(ValidationError, match="already waiting"):
        correct(published, editor, rationale="Another idea.")
    corrected = approve(published, reviewer)
    assert corrected.status == Status.PUBLISHED
    assert corrected.verdict == Verdict.MISSTATED
    assert corrected.rationale == "New filings show the figure is wrong."
    assert corrected.verdict_by == editor
    assert corrected.published_at == published.published_at
    assert corrected.updated_at > published.updated_at
    correction.refresh_from_db()
    assert (correction.status, correction.decided_by) == (
        CorrectionStatus.APPROVED,
        reviewer,
    )
    assert (correction.old_verdict, correction.new_verdict) == (
        Verdict.DISPUTED,
        Verdict.MISSTATED,
    )
    assert list(queries.public_corrections(published.article)) == [correction]


def test_nobody_approves_their_own_correction(published, reviewer):
    correct(published, reviewer)
    with pytest.raises(PermissionDenied, match="two-person"):
        approve(published, reviewer)


def test_a_rejected_correction_leaves_the_verdict_and_is_not_public(
    published, editor, reviewer
):
    correction = correct(published, editor)
    reviewing.reject(
        claim=fresh(published),
        reviewer=reviewer,
        expected_version=fresh(published).version,
        comment="The accounts are unaudited.",
    )
    correction.refresh_from_db()
    assert correction.status == CorrectionStatus.REJECTED
    assert correction.decision_comment == "The accounts are unaudited."
    assert fresh(published).verdict == Verdict.DISPUTED
    assert not queries.public_corrections(published.article).exists()
    # A new proposal is possible once the first is decided.
    assert correct(published, editor).status == CorrectionStatus.PENDING


def test_queue_lists_claims_assigned_to_me_until_approved(editor, reviewer):
    article = ArticleFactory(text="One. Two. Three.")
    first, second, third = (claim_of(article, n) for n in (1, 2, 3))
    other = UserFactory(role="editor")
    services.assign_article(article=article, assignee=editor, by=reviewer)
    services.assign_claim(
        claim=third, assignee=other, by=reviewer, expected_version=third.version
    )
    assert [c.pk for c in queries.queue(editor)] == [first.pk, second.pk]
    assert [c.pk for c in queries.queue(other)] == [third.pk]
    add_source(first, added_by=editor)
    approve(judge(first, Verdict.VERIFIED, editor=editor), reviewer)
    assert [c.pk for c in queries.queue(editor)] == [second.pk]


def test_only_editors_can_be_assigned(editor):
    claim = claim_of(ArticleFactory())
    viewer = UserFactory(username="reader", role="viewer")
    with pytest.raises(ValidationError, match="reader cannot be assigned"):
        services.assign_claim(
            claim=claim, assignee=viewer, by=editor, expected_version=claim.version
        )


def test_review_queue_leaves_out_my_own_drafts(draft, editor, reviewer):
    assert list(queries.review_queue(reviewer)) == [fresh(draft)]
    assert list(queries.review_queue(editor)) == []


def test_comments_need_text_and_a_role():
    claim = claim_of(ArticleFactory())
    viewer = UserFactory(role="viewer")
    comment = services.add_comment(claim=claim, author=viewer, text=" Is this right? ")
    assert comment.text == "Is this right?"
    with pytest.raises(ValidationError, match="Write a comment"):
        services.add_comment(claim=claim, author=viewer, text="  ")
    with pytest.raises(PermissionDenied):
        services.add_comment(claim=claim, author=UserFactory(role=""), text="Hi")


def test_only_admins_delete_articles_and_deleting_is_soft(editor):
    article = ArticleFactory()
    admin = UserFactory(role="admin")
    with pytest.raises(PermissionDenied, match="admins"):
        services.delete_article(article=article, by=editor)
    services.delete_article(article=article, by=admin)
    article.refresh_from_db()
    assert article.deleted_at is not None and article.deleted_by == admin
    assert not queries.live_articles().filter(pk=article.pk).exists()
    assert not queries.live_claims().filter(article=article).exists()
    assert article.claims.count() == 3  # nothing is lost
    services.restore_article(article=article, by=admin)
    assert queries.live_articles().filter(pk=article.pk).exists()


def test_viewers_cannot_import_articles():
    with pytest.raises(PermissionDenied, match="import"):
        ArticleFactory(imported_by=UserFactory(role="viewer"))
    assert not Article.objects.exists()


def set_kind(claim: Claim, kind: str, editor) -> Claim:
    current = fresh(claim)
    return services.set_kind(
        claim=current, kind=kind, editor=editor, expected_version=current.version
    )


@pytest.mark.parametrize("kind", [Kind.BOILERPLATE, Kind.HEADING, Kind.OPINION])
def test_a_unit_that_is_not_a_claim_is_not_approved(draft, editor, reviewer, kind):
    unit = set_kind(draft, kind, editor)
    with pytest.raises(ValidationError, match="not a claim") as refused:
        approve(unit, reviewer)
    assert refused.value.code == "kind"
    assert fresh(unit).status == Status.DRAFT


def test_an_approved_claim_made_boilerplate_is_not_published(draft, editor, reviewer):
    approve(draft, reviewer)
    current = set_kind(draft, Kind.BOILERPLATE, editor)
    assert current.status == Status.APPROVED
    with pytest.raises(ValidationError, match="only claims are approved and pub"):
        reviewing.publish(
            claim=current, reviewer=reviewer, expected_version=current.version
        )
    assert reviewing.publish_article(article=current.article, reviewer=reviewer) == 0
    assert fresh(current).status == Status.APPROVED
