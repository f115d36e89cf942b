"""Bulk actions in a real browser (Chromium via Playwright).

An editor selects three lines in the text (x on one, Shift+click on another)
and marks them all as boilerplate; a reviewer ticks two drafts and approves
them, and the page says which one was refused and why.
"""

import re

import pytest
from playwright.sync_api import expect

from annotations.models import Kind, Status, Verdict
from annotations.services import claimants, reviewing

from .browser import open_claim, screenshot, sign_in, unit_of
from .factories import ArticleFactory, UserFactory, add_source, claim_of, fresh, judge

pytest_plugins = ["tests.browser"]
pytestmark = pytest.mark.browser

ARTICLE_TEXT = (
    "Subscribe to our newsletter.\n"
    "Share this story.\n"
    "Read more from the desk.\n"
    "Nexusflow raised $10.6 million in its first round.\n"
    "The team has 40 employees."
)


@pytest.fixture
def editor(transactional_db):
    return UserFactory(username="editor", role="editor")


@pytest.fixture
def reviewer(transactional_db):
    return UserFactory(username="reviewer", role="reviewer")


@pytest.fixture
def article(editor):
    return ArticleFactory(title="Nexusflow", text=ARTICLE_TEXT, imported_by=editor)


def test_an_editor_marks_three_lines_as_not_a_claim(
    open_page, editor, article, page_errors
):
    lines = [claim_of(article, n) for n in (1, 2, 3)]
    desk = open_page()
    sign_in(desk, "editor")
    desk.goto(f"/articles/{article.pk}/")

    # x toggles the sentence open in the panel; Shift+click selects up to another.
    open_claim(desk, lines[0])
    desk.keyboard.press("x")
    expect(desk.locator(f"#bulk-claim-{lines[0].pk}")).to_be_checked()
    unit_of(desk, lines[2]).click(modifiers=["Shift"])
    for line in lines:
        expect(desk.get_by_role("checkbox", name=line.text[:20])).to_be_checked()
        expect(unit_of(desk, line)).to_have_class(re.compile(r"\bbulk-selected\b"))
    expect(desk.locator(f"#bulk-claim-{claim_of(article, 4).pk}")).not_to_be_checked()
    expect(desk.locator("#bulk-count")).to_have_text("3")

    bulk = desk.locator("#bulk")
    bulk.get_by_label("Kind", exact=True).select_option(Kind.BOILERPLATE.value)
    # The new kinds queue one analysis, which the tests' task backend runs
    # inside the request (jieba's first load takes seconds).
    with desk.expect_navigation(timeout=90_000):
        desk.locator("#bulk-set-kind").click(no_wait_after=True)
    expect(desk.locator(".messages")).to_contain_text("3 kinds changed.")
    screenshot(desk, "bulk-kinds.png")
    assert [fresh(line).kind for line in lines] == [Kind.BOILERPLATE] * 3
    assert fresh(claim_of(article, 4)).kind == Kind.CLAIM
    assert page_errors == []


def test_a_reviewer_approves_two_drafts_and_sees_one_refused(
    open_page, editor, reviewer, article, page_errors
):
    theirs = claim_of(article, 4)
    own = claim_of(article, 5)
    judge(theirs, Verdict.VERIFIED, "Filing says so.", editor=editor)
    add_source(theirs, added_by=editor)
    judge(own, Verdict.DISPUTED, "Unclear headcount.", editor=reviewer)
    add_source(own, added_by=reviewer)

    desk = open_page()
    sign_in(desk, "reviewer")
    desk.goto(f"/articles/{article.pk}/")
    desk.locator("#bulk summary").click()
    # The checkboxes are labelled with their sentences.
    desk.get_by_role("checkbox", name="Nexusflow raised").check()
    desk.get_by_role("checkbox", name="The team has 40").check()
    expect(desk.locator("#bulk-count")).to_have_text("2")
    desk.locator("#bulk-approve").click()

    messages = desk.locator(".messages")
    expect(messages).to_contain_text("1 approved; 1 refused:")
    expect(messages).to_contain_text(f"Claim 5: {reviewing.OWN_VERDICT}")
    screenshot(desk, "bulk-approve.png")
    assert fresh(theirs).status == Status.APPROVED
    assert fresh(own).status == Status.DRAFT
    assert page_errors == []


def test_a_claim_saved_in_the_panel_is_selected_at_its_new_version(
    open_page, editor, article, page_errors
):
    claim = claim_of(article, 4)
    desk = open_page()
    sign_in(desk, "editor")
    desk.goto(f"/articles/{article.pk}/")
    open_claim(desk, claim)
    desk.fill("#panel textarea[name=rationale]", "The filing says $10.6 million.")
    desk.click('#panel button[data-key="1"]')
    expect(desk.locator("#panel .saved")).to_have_text("Saved")
    desk.keyboard.press("x")
    box = desk.locator(f"#bulk-claim-{claim.pk}")
    expect(box).to_be_checked()
    expect(box).to_have_value(f"{claim.pk}:{fresh(claim).version}")

    desk.locator("#bulk").get_by_label("Assign to").select_option(label="editor")
    desk.locator("#bulk-assign").click()
    expect(desk.locator(".messages")).to_contain_text("1 assigned.")
    assert fresh(claim).assignee == editor
    assert page_errors == []


def test_the_claimant_name_field_offers_claimants_used_before(
    open_page, editor, article, page_errors
):

    named = claim_of(article, 4)
    claimants.set_claimant(
        claim=named,
        name="Li Wei",
        claimant_type="person",
        role="spokesperson",
        appearance_url="",
        appearance_date=None,
        editor=editor,
        expected_version=named.version,
    )
    desk = open_page()
    sign_in(desk, "editor")
    desk.goto(f"/articles/{article.pk}/")
    open_claim(desk, claim_of(article, 5))
    options = desk.locator("#claimant-names option")
    expect(options).to_have_count(0)  # fetched only when the field is used
    desk.locator("#claimant-name").focus()
    expect(options).to_have_count(1)
    expect(options.first).to_have_attribute("value", "Li Wei")
    assert page_errors == []
