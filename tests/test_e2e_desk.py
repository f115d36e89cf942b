"""The editor's desk in a browser: drafts that survive, keys, small screens.

Drafts of the panel's text fields live in localStorage per claim and field;
j/k step through claims to check; below 700 px the header folds into a menu
and a claim opens as a sheet. Screenshots land in test-artifacts/.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from annotations import services
from annotations.models import Article, Claim, Kind, Status, Verdict

from .browser import ARTIFACTS, PASSWORD, open_claim, screenshot, sign_in, unit_of
from .factories import (
    ArticleFactory,
    UserFactory,
    add_source,
    claim_of,
    fresh,
    judge,
    publish,
)

pytest_plugins = ["tests.browser"]
pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}

# Six units: a claim, an opinion, a heading-like line, three more claims.
ARTICLE_TEXT = (
    "Nexusflow was founded in 2023 by two researchers.\n"
    "We think the founders were brave.\n"
    "Funding and staff\n"
    "It raised $10.6 million in its first round.\n"
    "\u516c\u53f8\u603b\u90e8\u5728\u4f2f\u514b\u5229\u3002"
    "\u56e2\u961f\u6709\u56db\u5341\u4eba\u3002"
)
RATIONALE = "#verdict-form textarea[name=rationale]"
LONG_URL = "https://registry.example.org/" + "nexusflow-filing-" * 12


@pytest.fixture
def editor(transactional_db):
    return UserFactory(username="editor", is_staff=False)


@pytest.fixture
def reviewer(transactional_db):
    return UserFactory(username="reviewer", role="reviewer", is_staff=False)


@pytest.fixture
def article(editor) -> Article:
    article = ArticleFactory(
        title="Nexusflow raises a first round of funding for its climate models",
        text=ARTICLE_TEXT,
        imported_by=editor,
    )
    for position, kind in ((2, Kind.OPINION), (3, Kind.HEADING)):
        claim = claim_of(article, position)
        services.set_kind(
            claim=claim,
            kind=kind,
            editor=editor,
            expected_version=claim.version,
            analyse=False,
        )
    return article


@pytest.fixture
def published(article, editor, reviewer) -> Claim:
    """Claim 1, verified with a long source address, approved and published."""
    claim = claim_of(article, 1)
    judge(claim, Verdict.VERIFIED, "The company registry lists it.", editor)
    add_source(fresh(claim), url=LONG_URL, title="Company registry entry")
    return publish(claim, reviewer)


def desk(open_page, user, *, viewport=None, locale: str = "en-US") -> Page:
    page = open_page(viewport=viewport or LAPTOP, locale=locale)
    sign_in(page, user.username, PASSWORD)
    return page


def drafts(page: Page) -> dict[str, str]:
    """The drafts the browser keeps, by key."""
    return page.evaluate(
        "Object.fromEntries(Object.keys(localStorage)"
        ".filter(k => k.startsWith('fc-draft'))"
        ".map(k => [k, localStorage.getItem(k)]))"
    )


def panel_shows(page: Page, claim: Claim) -> None:
    expect(page.locator("#panel")).to_have_attribute("data-claim-pk", str(claim.pk))


# 1. Never lose typed text


def test_rationale_survives_esc_j_k_and_ctrl_enter_saves_it(
    open_page, editor, article, page_errors
):
    page = desk(open_page, editor)
    first, fourth = claim_of(article, 1), claim_of(article, 4)
    page.goto(f"/articles/{article.pk}/")
    open_claim(page, first)
    box = page.locator(RATIONALE)
    box.click()
    box.press_sequentially("Registry says 2023.")

    box.press("Escape")
    page.keyboard.press("j")
    panel_shows(page, fourth)
    page.keyboard.press("k")
    panel_shows(page, first)

    expect(box).to_have_value("Registry says 2023.")
    expect(page.locator("#panel .draft-note")).to_contain_text("Draft restored")
    assert list(drafts(page).values()) == ["Registry says 2023."]
    box.click()
    box.press("Control+Enter")

    expect(page.locator("#panel .saved")).to_have_text("Saved")
    expect(page.locator("#panel .draft-note")).to_have_count(0)
    assert fresh(first).rationale == "Registry says 2023."
    assert drafts(page) == {}
    assert page_errors == []


def test_comment_draft_comes_back_after_another_claim_and_can_be_discarded(
    open_page, editor, article, page_errors
):
    page = desk(open_page, editor)
    first, fourth = claim_of(article, 1), claim_of(article, 4)
    page.goto(f"/claims/{first.pk}/comments/")
    page.fill("#comment-text", "Ask the registry for the filing.")

    open_claim(page, fourth)
    open_claim(page, first)
    page.locator("#tab-discussion").click()

    expect(page.locator("#comment-text")).to_have_value(
        "Ask the registry for the filing."
    )
    page.locator("#panel .draft-note").get_by_role("button", name="discard").click()
    expect(page.locator("#comment-text")).to_have_value("")
    assert drafts(page) == {}
    assert not first.comments.exists()
    assert page_errors == []


def test_a_sent_comment_leaves_no_draft_behind(open_page, editor, article):
    page = desk(open_page, editor)
    first = claim_of(article, 1)
    page.goto(f"/claims/{first.pk}/comments/")
    page.fill("#comment-text", "Checked with the registry.")

    page.locator("#comment-text").press("Control+Enter")

    expect(page.locator("#comments .comment-text")).to_have_text(
        "Checked with the registry."
    )
    expect(page.locator("#comment-text")).to_have_value("")
    assert drafts(page) == {}
    assert first.comments.get().text == "Checked with the registry."


def test_correction_and_source_drafts_come_back_with_their_claim(
    open_page, editor, article, published, page_errors
):
    page = desk(open_page, editor)
    fourth = claim_of(article, 4)
    page.goto(f"/articles/{article.pk}/")
    open_claim(page, published)
    page.fill("#correction-reason", "The registry was updated.")
    open_claim(page, fourth)
    page.locator("#add-source summary").click()
    page.fill("#src-new-title", "Registry, second filing")

    open_claim(page, claim_of(article, 5))
    expect(page.locator("#src-new-title")).to_have_value("")
    open_claim(page, published)
    expect(page.locator("#correction-reason")).to_have_value(
        "The registry was updated."
    )
    open_claim(page, fourth)

    expect(page.locator("#add-source")).to_have_js_property("open", True)
    expect(page.locator("#src-new-title")).to_have_value("Registry, second filing")
    expect(page.locator("#panel .draft-note")).to_have_count(1)
    assert sorted(drafts(page).values()) == [
        "Registry, second filing",
        "The registry was updated.",
    ]
    assert page_errors == []


def test_leaving_the_page_with_unsaved_text_asks_first(open_page, editor, article):
    page = desk(open_page, editor)
    page.goto(f"/articles/{article.pk}/")
    open_claim(page, claim_of(article, 1))
    page.locator(RATIONALE).fill("Half a thought")
    asked = []

    def answer(dialog) -> None:
        asked.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", answer)
    page.locator(".topbar .brand").click()

    page.wait_for_timeout(300)
    assert asked == ["beforeunload"]
    expect(page).to_have_url(re.compile(rf"/articles/{article.pk}/"))
    expect(page.locator(RATIONALE)).to_have_value("Half a thought")


# 3. Keys


def test_j_and_k_skip_opinions_and_headings_unless_all_units_is_on(
    open_page, editor, article, page_errors
):
    page = desk(open_page, editor)
    page.goto(f"/articles/{article.pk}/")

    page.keyboard.press("j")
    panel_shows(page, claim_of(article, 1))
    page.keyboard.press("j")
    panel_shows(page, claim_of(article, 4))

    toggle = page.locator("#step-all")
    expect(toggle).to_have_attribute("aria-pressed", "false")
    page.keyboard.press("u")
    expect(toggle).to_have_attribute("aria-pressed", "true")
    page.keyboard.press("k")
    panel_shows(page, claim_of(article, 3))
    page.keyboard.press("k")
    panel_shows(page, claim_of(article, 2))

    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "false")
    page.keyboard.press("j")
    panel_shows(page, claim_of(article, 4))
    assert page_errors == []


def test_a_verdict_key_on_a_published_claim_opens_the_correction_form(
    open_page, editor, article, published, page_errors
):
    page = desk(open_page, editor)
    page.goto(f"/articles/{article.pk}/")
    open_claim(page, published)

    page.keyboard.press("2")

    expect(page.locator("#key-note")).to_contain_text("propose a correction")
    expect(page.locator("#correction-verdict")).to_have_value("disputed")
    expect(page.locator("#correction-reason")).to_be_focused()
    claim = fresh(published)
    assert (claim.verdict, claim.status) == (Verdict.VERIFIED, Status.PUBLISHED)
    assert page_errors == []


def test_a_verdict_key_on_a_published_claim_leaves_the_discussion_for_the_form(
    open_page, editor, article, published
):
    page = desk(open_page, editor)
    page.goto(f"/claims/{published.pk}/comments/")
    expect(page.locator("#comment-text")).to_be_visible()

    page.keyboard.press("3")

    expect(page.locator("#tab-details")).to_have_attribute("aria-selected", "true")
    expect(page.locator("#correction-verdict")).to_have_value("misstated")
    expect(page.locator("#key-note")).to_be_visible()
    assert fresh(published).verdict == Verdict.VERIFIED


def test_shortcut_help_lists_the_new_keys(open_page, editor, article):
    page = desk(open_page, editor)
    page.goto(f"/articles/{article.pk}/")

    page.keyboard.press("?")

    keys = page.locator("#shortcuts")
    expect(keys).to_be_visible()
    expect(keys).to_contain_text("step through all units")
    expect(keys).to_contain_text("Save the form you are typing in")
    expect(keys).to_contain_text("open the correction form instead")


# 2. Small screens


def sideways(page: Page) -> int:
    """How many pixels the page scrolls sideways (0 when it fits)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_no_page_scrolls_sideways_at_390_px(
    open_page, editor, reviewer, article, published, page_errors
):
    second = claim_of(article, 4)
    judge(second, Verdict.DISPUTED, "Two sources disagree on the amount.", editor)
    second = fresh(second)
    services.assign_claim(
        claim=second, assignee=editor, by=editor, expected_version=second.version
    )
    reader = open_page(viewport=PHONE)
    reader.goto("/accounts/login/")
    screenshot(reader, "desk-390-sign-in.png")
    assert sideways(reader) <= 0, "sign-in"
    reader.goto(f"/r/{article.pk}/")
    assert sideways(reader) <= 0, "report"

    page = desk(open_page, reviewer, viewport=PHONE)
    pages = {
        "dashboard": "/",
        "workspace": f"/articles/{article.pk}/",
        "workspace on a claim": f"/articles/{article.pk}/?claim={published.public_id}",
        "triage": f"/articles/{article.pk}/?view=triage",
        "import": "/articles/new/",
        "my queue": "/queue/",
        "history": f"/claims/{published.pk}/history/",
        "search": "/search/?q=Nexusflow",
    }
    wide = {}
    for name, url in pages.items():
        page.goto(url)
        screenshot(page, f"desk-390-{name.replace(' ', '-')}.png")
        if sideways(page) > 0:
            wide[name] = sideways(page)
    assert wide == {}
    assert page_errors == []


def test_the_header_folds_into_a_menu_at_390_px(open_page, editor, article):
    page = desk(open_page, editor, viewport=PHONE)
    page.goto("/")
    menu = page.locator("#menu-toggle")
    search = page.locator("#site-search-q")
    expect(menu).to_be_visible()
    expect(search).to_be_hidden()

    menu.click()

    expect(menu).to_have_attribute("aria-expanded", "true")
    for part in (search, page.locator("#language"), page.locator(".topbar .who")):
        expect(part).to_be_visible()
    sign_out = page.locator(".topbar").get_by_role("button", name="Sign out")
    expect(sign_out).to_be_in_viewport()
    with page.expect_navigation():
        sign_out.click()
    expect(page.locator(".topbar .who")).to_have_count(0)


def test_at_1366_px_the_header_has_no_menu_button(open_page, editor, article):
    page = desk(open_page, editor)
    page.goto("/")
    expect(page.locator("#menu-toggle")).to_be_hidden()
    expect(page.locator("#site-search-q")).to_be_visible()


def test_tapping_a_claim_at_390_px_opens_its_panel_as_a_sheet(
    open_page, editor, article, page_errors
):
    page = desk(open_page, editor, viewport=PHONE)
    page.goto(f"/articles/{article.pk}/")
    panel = page.locator("#panel")
    expect(panel).to_be_hidden()
    claim = claim_of(article, 4)

    unit_of(page, claim).click()

    panel_shows(page, claim)
    expect(panel).to_be_in_viewport()
    box = panel.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    # A sheet over the text: it starts below the top and ends at the bottom.
    assert 0 < box["y"] < PHONE["height"] / 2
    assert box["y"] + box["height"] <= PHONE["height"] + 1
    expect(page.locator("#panel-title")).to_be_focused()
    expect(page.locator("#sheet-close")).to_be_in_viewport()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "desk-sheet-390.png"))

    page.locator("#sheet-close").click()
    expect(panel).to_be_hidden()
    expect(unit_of(page, claim)).to_be_focused()
    page.keyboard.press("j")
    expect(panel).to_be_in_viewport()
    page.keyboard.press("Escape")
    expect(panel).to_be_hidden()
    unit_of(page, claim).click()
    expect(panel).to_be_in_viewport()
    page.mouse.click(200, 20)  # the shade above the sheet
    expect(panel).to_be_hidden()
    assert page_errors == []


# 4. Screenshots at two sizes, in English and Chinese


@pytest.mark.parametrize(
    ("locale", "tag"), [("en-US", "en"), ("zh-CN", "zh")], ids=["en", "zh"]
)
def test_screenshots_of_workspace_and_report(
    open_page, editor, reviewer, article, published, locale, tag, page_errors
):
    disputed = claim_of(article, 4)
    judge(disputed, Verdict.DISPUTED, "The filing says $9.6 million.", editor)
    add_source(fresh(disputed), title="Filing of March 2024")
    publish(disputed, reviewer)
    for viewport, size in ((LAPTOP, "1366"), (PHONE, "390")):
        page = desk(open_page, editor, viewport=viewport, locale=locale)
        page.goto(f"/articles/{article.pk}/")
        expect(page.locator("#article")).to_be_visible()
        screenshot(page, f"desk-workspace-{size}-{tag}.png")
        open_claim_anywhere(page, published)
        page.screenshot(path=str(ARTIFACTS / f"desk-claim-{size}-{tag}.png"))
        if size == "390":
            page.locator("#sheet-close").click()
            page.locator("#menu-toggle").click()
            page.screenshot(path=str(ARTIFACTS / f"desk-menu-{size}-{tag}.png"))
        reader = open_page(viewport=viewport, locale=locale)
        reader.goto(f"/r/{article.pk}/")
        expect(reader.locator(".finding").first).to_be_visible()
        screenshot(reader, f"desk-report-{size}-{tag}.png")
        assert sideways(page) <= 0 and sideways(reader) <= 0
    assert page_errors == []


def open_claim_anywhere(page: Page, claim: Claim) -> None:
    """Click the claim's sentence, whatever the language, and wait for its panel."""
    unit_of(page, claim).click()
    panel_shows(page, claim)
    expect(page.locator("#panel")).to_be_in_viewport()
