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
    approve,
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


def open_on_claim(page: Page, claim: Claim, tab: str = "") -> None:
    """Open the workspace with ``claim`` in the side panel (a link's address)."""
    query = f"&tab={tab}" if tab else ""
    page.goto(f"/articles/{claim.article_id}/?claim={claim.pk}{query}")
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
    finding = reader.locator(f"#claim-{claim.position}")
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
    reader.reload()
    expect(reader.locator(f"#claim-{claim.position} .vchip")).to_contain_text(
        "Misstated"
    )

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
