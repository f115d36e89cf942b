"""The review workflow in a real browser (Chromium via Playwright).

Editors draft verdicts, a second person (a reviewer) approves and publishes
them, readers see only what is published, and corrections of published
verdicts go through the same two people and are listed on the report. Every
user signs in through the login form.
"""

import json
import re

import pytest
from playwright.sync_api import Locator, Page, expect

from annotations import services
from annotations.models import (
    Article,
    Claim,
    Comment,
    CommentKind,
    Correction,
    CorrectionStatus,
    Status,
    Verdict,
)

from .browser import open_claim, screenshot, sign_in, sign_out
from .factories import (
    ArticleFactory,
    UserFactory,
    add_source,
    claim_of,
    fresh,
    judge,
)

pytest_plugins = ["tests.browser"]
pytestmark = pytest.mark.browser

ARTICLE_TEXT = (
    "Nexusflow was founded in 2023 by two researchers. "
    "It raised $10.6 million in its first round. "
    "The team has 40 employees."
)
REVIEW_BUTTONS = (
    "#review-form",
    "#approve-button",
    "#reject-button",
    "#publish-form",
    "#publish-button",
    "#publish-all-form",
)


@pytest.fixture
def editor(transactional_db):
    return UserFactory(username="editor", role="editor")


@pytest.fixture
def reviewer(transactional_db):
    return UserFactory(username="reviewer", role="reviewer")


@pytest.fixture
def article(editor) -> Article:
    return ArticleFactory(
        title="Nexusflow raises a first round", text=ARTICLE_TEXT, imported_by=editor
    )


def panel(page: Page) -> Locator:
    return page.locator("#panel")


def open_on_claim(page: Page, claim: Claim) -> None:
    """Open the workspace with ``claim`` in the side panel (a link's address)."""
    page.goto(f"/articles/{claim.article_id}/?claim={claim.public_id}")
    expect(panel(page)).to_have_attribute("data-claim-pk", str(claim.pk))


def expect_status(page: Page, status: Status) -> None:
    badge = page.locator("#claim-status")
    expect(badge).to_have_text(str(status.label))
    expect(badge).to_have_class(re.compile(rf"\bstatus-{status.value}\b"))


def open_tab(page: Page, name: str) -> Locator:
    """Click one of the panel's tabs and return its content once it is shown."""
    page.click(f"#tab-{name}")
    expect(page.locator(f"#tab-{name}")).to_have_attribute("aria-selected", "true")
    return page.locator("#tab-panel")


def claim_reviews(page: Page) -> list[dict]:
    """The page's schema.org ClaimReview blocks."""
    scripts = page.locator('script[type="application/ld+json"]')
    return [json.loads(text) for text in scripts.all_text_contents()]


def in_order(steps: list, wanted: list) -> bool:
    """Whether ``wanted`` occurs in ``steps`` in this order (others between)."""
    remaining = iter(steps)
    return all(step in remaining for step in wanted)


def test_verdict_is_drafted_approved_published_and_corrected_in_the_open(
    open_page, editor, reviewer, article, page_errors
):
    claim = claim_of(article, 2)
    desk = open_page()

    # The editor drafts a verdict with its source.
    sign_in(desk, "editor")
    expect(desk.locator("#user-role")).to_have_text("Editor")
    desk.goto(f"/articles/{article.pk}/")
    open_claim(desk, claim)
    expect_status(desk, Status.UNREVIEWED)
    desk.fill("#panel textarea[name=rationale]", "The round was $6 million.")
    desk.click('#panel button[data-key="3"]')
    expect(panel(desk).locator(".saved")).to_have_text("Saved")
    expect_status(desk, Status.DRAFT)
    desk.locator("#add-source summary").click()
    desk.fill("#src-new-url", "https://filings.example.org/nexusflow")
    desk.fill("#src-new-title", "Funding filing")
    desk.fill("#src-new-quote", "Amount raised: $6,000,000.")
    desk.locator("#add-source").get_by_role("button", name="Save source").click()
    expect(panel(desk).locator(".sources .source a")).to_have_text("Funding filing")
    expect_status(desk, Status.DRAFT)
    expect(desk.locator("#drafted-by")).to_contain_text("Verdict by editor")
    for selector in REVIEW_BUTTONS:
        expect(desk.locator(selector)).to_have_count(0)

    # Another person, a reviewer, approves it and publishes it.
    sign_out(desk)
    sign_in(desk, "reviewer")
    expect(desk.locator("#user-role")).to_have_text("Reviewer")
    open_on_claim(desk, claim)
    expect_status(desk, Status.DRAFT)
    expect(desk.locator(".two-person-note")).to_have_count(0)
    desk.click("#approve-button")
    expect_status(desk, Status.APPROVED)
    expect(desk.locator("#approved-by")).to_contain_text("Approved by reviewer")
    desk.click("#publish-button")
    expect_status(desk, Status.PUBLISHED)
    expect(desk.locator("#published-at")).to_be_visible()
    expect(desk.locator("#verdict-form")).to_have_count(0)

    # Readers see it, with its source, and search engines its ClaimReview.
    reader = open_page()
    reader.goto(f"/r/{article.pk}/")
    finding = reader.locator(f"#claim-{claim.public_id}")
    expect(reader.locator(".finding")).to_have_count(1)
    expect(finding.locator(":scope > blockquote")).to_have_text(claim.text)
    expect(finding.locator(".vchip")).to_contain_text("Misstated")
    expect(finding.locator(".rationale-text")).to_have_text("The round was $6 million.")
    expect(finding.locator(".report-sources a")).to_have_text("Funding filing")
    expect(reader.locator("#corrections")).to_have_count(0)
    (review,) = claim_reviews(reader)
    assert review["@type"] == "ClaimReview"
    assert review["claimReviewed"] == claim.text
    assert review["reviewRating"]["alternateName"] == "Misstated"
    assert review["reviewBody"] == "The round was $6 million."

    # The published verdict is frozen: the editor proposes a correction.
    sign_out(desk)
    sign_in(desk, "editor")
    open_on_claim(desk, claim)
    expect_status(desk, Status.PUBLISHED)
    expect(desk.locator("#verdict-form")).to_have_count(0)
    expect(desk.locator("#correction-form")).to_be_visible()
    desk.select_option("#correction-verdict", Verdict.DISPUTED)
    desk.fill("#correction-rationale", "Filings disagree: $6 or $10.6 million.")
    desk.fill("#correction-reason", "A second filing reports $10.6 million.")
    desk.click("#correction-submit")
    pending = desk.locator("#pending-correction")
    expect(pending.locator(".correction-reason")).to_have_text(
        "A second filing reports $10.6 million."
    )
    expect(desk.locator("#correction-form")).to_have_count(0)
    expect_status(desk, Status.PUBLISHED)
    reader.reload()  # readers see no correction until it is approved
    expect(finding.locator(".vchip")).to_contain_text("Misstated")
    expect(reader.locator("#corrections")).to_have_count(0)

    # The reviewer approves the correction; readers see it listed.
    sign_out(desk)
    sign_in(desk, "reviewer")
    open_on_claim(desk, claim)
    expect(desk.locator("#approve-button")).to_have_text("Approve correction")
    desk.click("#approve-button")
    expect(desk.locator("#pending-correction")).to_have_count(0)
    expect_status(desk, Status.PUBLISHED)
    expect(desk.locator("#verdict-view .vchip")).to_contain_text("Disputed")

    reader.reload()
    expect(finding.locator(".vchip")).to_contain_text("Disputed")
    expect(finding.locator(".rationale-text")).to_have_text(
        "Filings disagree: $6 or $10.6 million."
    )
    correction = Correction.objects.get()
    listed = reader.locator(f"#corrections li.correction#correction-{correction.pk}")
    expect(listed.locator(".correction-reason")).to_have_text(
        "A second filing reports $10.6 million."
    )
    expect(listed).to_contain_text("Misstated")
    expect(listed).to_contain_text("Disputed")
    (review,) = claim_reviews(reader)
    assert review["reviewRating"]["alternateName"] == "Disputed"
    screenshot(reader, "report-corrected.png")

    # The History tab tells every step, and who took it, oldest last.
    timeline = open_tab(desk, "history").locator("#timeline")
    steps = [
        (
            event.locator(".event-who").inner_text(),
            event.locator(".event-what").inner_text(),
        )
        for event in timeline.locator("li.event").all()
    ]
    assert in_order(
        steps[::-1],
        [
            ("editor", "created the claim"),
            ("editor", "drafted the verdict"),
            ("editor", "added a source"),
            ("reviewer", "approved the verdict"),
            ("reviewer", "published the verdict"),
            ("editor", "proposed a correction"),
            ("reviewer", "approved the correction"),
        ],
    ), steps
    proposed = timeline.locator("li.event.event-correction.event-proposed")
    expect(proposed.locator(".event-who")).to_have_text("editor")
    expect(proposed).to_contain_text("A second filing reports $10.6 million.")
    decided = timeline.locator("li.event.event-correction.event-approved")
    expect(decided.locator(".event-who")).to_have_text("reviewer")
    screenshot(desk, "history.png")

    claim.refresh_from_db()
    assert (claim.status, claim.verdict) == (Status.PUBLISHED, Verdict.DISPUTED)
    assert claim.rationale == "Filings disagree: $6 or $10.6 million."
    assert (claim.verdict_by, claim.approved_by) == (editor, reviewer)
    assert (correction.status, correction.proposed_by, correction.decided_by) == (
        CorrectionStatus.APPROVED,
        editor,
        reviewer,
    )
    assert page_errors == []


def test_reviewer_cannot_approve_a_verdict_they_wrote(
    open_page, reviewer, article, page_errors
):
    claim = claim_of(article, 1)
    add_source(claim, added_by=reviewer)
    judge(claim, Verdict.VERIFIED, "The registry says 2023.", editor=reviewer)
    page = open_page()
    sign_in(page, "reviewer")

    page.goto("/queue/")
    expect(page.locator("#review-queue-empty")).to_be_visible()
    expect(page.locator(f"#review-claim-{claim.pk}")).to_have_count(0)
    open_on_claim(page, claim)
    expect_status(page, Status.DRAFT)
    expect(page.locator("#approve-why")).to_have_text(
        "You cannot approve your own verdict: another reviewer has to approve it."
    )
    expect(page.locator("#approve-button")).to_be_disabled()
    # A page opened before the rule held (the button enabled): the server
    # still refuses.
    page.eval_on_selector("#approve-button", "button => button.disabled = false")
    page.click("#approve-button")

    expect(page.locator(".panel-error")).to_have_text(
        "You wrote this verdict, so someone else must approve it (two-person rule)."
    )
    expect_status(page, Status.DRAFT)
    claim.refresh_from_db()
    assert (claim.status, claim.approved_by) == (Status.DRAFT, None)
    assert page_errors == []


def test_viewer_reads_the_verdict_and_history_and_joins_the_discussion(
    open_page, editor, article, page_errors
):
    UserFactory(username="viewer", role="viewer")
    claim = claim_of(article, 3)
    add_source(claim, added_by=editor, title="Staff list")
    judge(claim, Verdict.DISPUTED, "The staff list names 38 people.", editor=editor)
    version = fresh(claim).version
    page = open_page()
    sign_in(page, "viewer")
    expect(page.locator("#user-role")).to_have_text("Viewer")
    expect(page.locator("#queue-link")).to_have_count(0)

    open_on_claim(page, claim)
    expect_status(page, Status.DRAFT)
    view = page.locator("#verdict-view")
    expect(view.locator(".vchip")).to_contain_text("Disputed")
    expect(view.locator(".rationale-text")).to_have_text(
        "The staff list names 38 people."
    )
    expect(panel(page).locator(".sources .source a")).to_have_text("Staff list")
    for selector in (
        *REVIEW_BUTTONS,
        "#verdict-form",
        "#add-source",
        "#assign-form",
        "#article-assign-form",
        "#correction-form",
    ):
        expect(page.locator(selector)).to_have_count(0)
    page.keyboard.press("1")  # a verdict shortcut: nothing to press for a viewer

    timeline = open_tab(page, "history").locator("#timeline")
    drafted = timeline.locator("li.event.event-claim.event-changed").filter(
        has_text="drafted the verdict"
    )
    expect(drafted.locator(".event-who")).to_have_text("editor")
    expect(timeline.locator("li.event.event-source.event-created")).to_contain_text(
        "Staff list"
    )

    discussion = open_tab(page, "discussion")
    expect(discussion.locator("#no-comments")).to_be_visible()
    page.fill("#comment-text", "Does the list include contractors?")
    page.click("#comment-submit")
    comment = discussion.locator("#comments li.comment.comment-comment")
    expect(comment.locator(".comment-author")).to_have_text("viewer")
    expect(comment.locator(".comment-text")).to_have_text(
        "Does the list include contractors?"
    )
    expect(page.locator("#tab-discussion .count")).to_have_text("1")

    stored = Comment.objects.get()
    assert (stored.claim, stored.author.username, stored.kind) == (
        claim,
        "viewer",
        CommentKind.COMMENT,
    )
    assert fresh(claim).version == version  # commenting leaves the claim as it was
    assert page_errors == []


def test_rejected_draft_goes_back_to_its_editor_with_the_reason(
    open_page, editor, reviewer, article, page_errors
):
    claim = claim_of(article, 2)
    add_source(claim, added_by=editor)
    judge(claim, Verdict.VERIFIED, "Press release.", editor=editor)
    desk = open_page()
    sign_in(desk, "reviewer")
    open_on_claim(desk, claim)

    desk.click("#reject-button")
    expect(desk.locator("#review-form .error")).to_have_text(
        "Say why you reject it: the comment is required."
    )
    expect_status(desk, Status.DRAFT)
    desk.fill("#review-comment", "A press release is not evidence: find the filing.")
    desk.click("#reject-button")
    expect_status(desk, Status.REJECTED)

    sign_out(desk)
    sign_in(desk, "editor")
    open_on_claim(desk, claim)
    expect_status(desk, Status.REJECTED)
    note = desk.locator("#rejection-note")
    expect(note).to_contain_text("Sent back by reviewer:")
    expect(note.locator(".rationale-text")).to_have_text(
        "A press release is not evidence: find the filing."
    )
    expect(desk.locator("#tab-discussion .count")).to_have_text("1")
    discussion = open_tab(desk, "discussion")
    rejection = discussion.locator("#comments li.comment.comment-rejection")
    expect(rejection.locator(".comment-author")).to_have_text("reviewer")
    expect(rejection.locator(".comment-text")).to_have_text(
        "A press release is not evidence: find the filing."
    )

    # Changing the rationale sends it for review again.
    open_tab(desk, "details")
    desk.fill("#panel textarea[name=rationale]", "The funding filing confirms it.")
    desk.click('#panel button[data-key="1"]')
    expect(panel(desk).locator(".saved")).to_have_text("Saved")
    expect_status(desk, Status.DRAFT)
    expect(desk.locator("#rejection-note")).to_have_count(0)
    claim.refresh_from_db()
    assert (claim.status, claim.rationale) == (
        Status.DRAFT,
        "The funding filing confirms it.",
    )
    assert page_errors == []


def test_queue_lists_open_claims_of_an_assigned_article_until_approved(
    open_page, editor, reviewer, article, page_errors
):
    services.assign_article(article=article, assignee=editor, by=editor)
    first, second, third = (claim_of(article, n) for n in (1, 2, 3))
    for claim in (first, second):
        add_source(claim, added_by=editor)
        judge(claim, Verdict.VERIFIED, "Checked against the filing.", editor=editor)
    mine = open_page()
    sign_in(mine, "editor")
    expect(mine.locator("#queue-count")).to_have_text("3")
    mine.click("#queue-link")
    expect(mine).to_have_url(re.compile(r"/queue/$"))
    rows = mine.locator("#my-queue tr.queue-row")
    expect(rows).to_have_count(3)
    for row, claim in zip(rows.all(), (first, second, third), strict=True):
        expect(row).to_have_attribute("id", f"queue-claim-{claim.pk}")
    expect(mine.locator(f"#queue-claim-{first.pk}")).to_contain_text("Draft")
    expect(mine.locator(f"#queue-claim-{third.pk}")).to_contain_text("Unreviewed")
    expect(mine.locator("#review-queue")).to_have_count(0)

    # The reviewer finds the drafts in their queue and approves the first.
    desk = open_page()
    sign_in(desk, "reviewer")
    expect(desk.locator("#review-count")).to_have_text("2")
    desk.goto("/queue/")
    expect(desk.locator("#my-queue-empty")).to_be_visible()
    expect(desk.locator("#review-queue tr.queue-row")).to_have_count(2)
    desk.click(f"#review-claim-{first.pk} a")
    expect(panel(desk)).to_have_attribute("data-claim-pk", str(first.pk))
    desk.click("#approve-button")
    expect_status(desk, Status.APPROVED)

    mine.reload()
    expect(rows).to_have_count(2)
    expect(mine.locator(f"#queue-claim-{first.pk}")).to_have_count(0)
    expect(mine.locator("#queue-count")).to_have_text("2")
    desk.goto("/queue/")
    expect(desk.locator("#review-queue tr.queue-row")).to_have_count(1)
    expect(desk.locator(f"#review-claim-{second.pk}")).to_be_visible()
    assert fresh(first).status == Status.APPROVED
    assert page_errors == []
