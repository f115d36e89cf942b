"""The editor's and the reader's pages in a real browser (Chromium via Playwright).

Each test drives the pages as a user would, then checks what the page shows
and what the database holds. Screenshots land in test-artifacts/.
"""

import json
import re

import pytest
from django.contrib.sessions.backends.db import SessionStore
from playwright.sync_api import Locator, Page, expect

from annotations import services
from annotations.models import Article, Claim, Source, Stance, Status, Verdict
from annotations.services import reviewing

from .browser import PASSWORD, SMALL_LAPTOP, open_claim, screenshot, sign_in, unit_of
from .factories import (
    ArticleFactory,
    UserFactory,
    add_source,
    approve,
    claim_of,
    judge,
    publish,
)

pytest_plugins = ["tests.browser"]
pytestmark = pytest.mark.browser

# Two lines: English sentences on the first, Chinese ones on the second
# (。 and ！ end them), then one more English line: six units.
ARTICLE_TEXT = (
    "Nexusflow was founded in 2023 by two researchers. "
    "It raised $10.6 million in its first round.\n"
    "\u516c\u53f8\u603b\u90e8\u5728\u4f2f\u514b\u5229\u3002"
    "\u4ed6\u4eec\u7684\u6a21\u578b\u5f88\u5f3a\uff01"
    "\u56e2\u961f\u6709\u56db\u5341\u4eba\u3002\n"
    "The team has 40 employees."
)


@pytest.fixture
def editor(transactional_db):
    # A plain account (not staff): the editor's pages need no admin rights.
    return UserFactory(username="editor", is_staff=False)


@pytest.fixture
def article(editor) -> Article:
    return ArticleFactory(
        title="Nexusflow raises a first round", text=ARTICLE_TEXT, imported_by=editor
    )


@pytest.fixture
def editor_page(open_page, editor) -> Page:
    page = open_page()
    sign_in(page, editor.username, PASSWORD)
    return page


def units(page: Page) -> Locator:
    return page.locator("#article .unit")


def test_sign_in_form_leads_to_dashboard_with_article_progress(
    open_page, editor, article, page_errors
):
    claim = claim_of(article, 1)
    services.set_verdict(
        claim=claim,
        verdict=Verdict.VERIFIED,
        rationale="Company filing.",
        editor=editor,
        expected_version=claim.version,
    )
    page = open_page()
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))

    sign_in(page, "editor", PASSWORD)

    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator(".topbar .who")).to_have_text("editor")
    row = page.locator("table.articles tbody tr")
    expect(row).to_have_count(1)
    expect(row.locator("a.article-title")).to_have_text(
        "Nexusflow raises a first round"
    )
    expect(row.locator(".progress-cell")).to_contain_text("1 of 6 claims checked")
    screenshot(page, "dashboard.png")
    session_key = next(
        c["value"] for c in page.context.cookies() if c["name"] == "sessionid"
    )
    assert SessionStore(session_key).get("_auth_user_id") == str(editor.pk)
    assert page_errors == []


def test_import_by_paste_previews_units_then_opens_the_workspace(
    editor_page, editor, page_errors
):
    page = editor_page
    text = (
        "\u4eca\u5929\u5929\u6c14\u5f88\u597d\u3002"
        "\u6211\u4eec\u53bb\u516c\u56ed\u6563\u6b65\uff01"
        "\u516c\u56ed\u91cc\u6709\u4e09\u767e\u68f5\u6811\u3002\n"
        "The park opened in 1999."
    )
    expected = [
        "\u4eca\u5929\u5929\u6c14\u5f88\u597d\u3002",
        "\u6211\u4eec\u53bb\u516c\u56ed\u6563\u6b65\uff01",
        "\u516c\u56ed\u91cc\u6709\u4e09\u767e\u68f5\u6811\u3002",
        "The park opened in 1999.",
    ]
    page.goto("/articles/new/")
    page.fill("#id_title", "A walk in the park")
    page.fill("#id_text", text)

    page.get_by_role("button", name="Preview the split").click()

    items = page.locator(".preview-units li")
    expect(page.locator("#preview-title")).to_have_text("Preview: 4 units")
    expect(items).to_have_count(4)
    for item, sentence in zip(items.all(), expected, strict=True):
        expect(item).to_contain_text(sentence)
    assert not Article.objects.exists()

    page.get_by_role("button", name="Import", exact=True).click()

    expect(page).to_have_url(re.compile(r"/articles/\d+/$"))
    expect(page.locator(".message-success")).to_have_text(
        "Imported \u201cA walk in the park\u201d."
    )
    expect(page.locator("h1")).to_have_text("A walk in the park")
    expect(units(page)).to_have_count(4)
    article = Article.objects.get()
    for n, sentence in enumerate(expected, start=1):
        expect(unit_of(page, claim_of(article, n))).to_have_text(sentence)
    assert page.url.endswith(f"/articles/{article.pk}/")
    assert article.title == "A walk in the park"
    assert article.text == text
    assert article.imported_by == editor
    stored = list(article.claims.order_by("position"))
    assert [c.text for c in stored] == expected
    assert all(article.text[c.start : c.end] == c.text for c in stored)
    assert page_errors == []


def test_marking_a_claim_misstated_with_rationale_and_source_survives_reload(
    editor_page, editor, article, page_errors
):
    page = editor_page
    claim = claim_of(article, 3)
    page.goto(f"/articles/{article.pk}/")
    page.evaluate("window.__marker = 1")

    open_claim(page, claim)
    panel = page.locator("#panel")
    expect(panel.locator("#claim-text")).to_have_text(claim.text)
    page.fill("#panel textarea[name=rationale]", "The head office is in Oakland.")
    page.click('#panel button[data-key="3"]')

    span = unit_of(page, claim)
    expect(span).to_contain_class("v-misstated")
    expect(span).to_contain_class("selected")
    expect(panel.locator(".saved")).to_have_text("Saved")
    expect(panel.locator('button[data-key="3"]')).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(page.locator("#progress .counter")).to_have_text("1 of 6 claims checked")
    assert page.evaluate("window.__marker") == 1, "the page reloaded"
    screenshot(page, "workspace.png")

    add = page.locator("#add-source")
    expect(add).to_have_js_property("open", False)
    add.locator("summary").click()
    expect(add).to_have_js_property("open", True)
    page.fill("#src-new-url", "https://registry.example.org/nexusflow")
    page.fill("#src-new-title", "Company registry entry")
    page.fill("#src-new-quote", "Registered office: Oakland, CA.")
    add.get_by_role("button", name="Save source").click()

    source_box = panel.locator(".sources .source")
    expect(source_box).to_have_count(1)
    expect(source_box.locator("a")).to_have_text("Company registry entry")
    expect(source_box.locator("a")).to_have_attribute(
        "href", "https://registry.example.org/nexusflow"
    )
    expect(source_box.locator("blockquote.quote")).to_have_text(
        "Registered office: Oakland, CA."
    )
    expect(panel.locator("#sources-title .count")).to_have_text("1")
    assert page.evaluate("window.__marker") == 1, "the page reloaded"

    page.goto(f"/articles/{article.pk}/?claim={claim.public_id}")
    expect(panel).to_have_attribute("data-claim-pk", str(claim.pk))
    expect(unit_of(page, claim)).to_contain_class("v-misstated")
    expect(panel.locator('button[data-key="3"]')).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(panel.locator("textarea[name=rationale]")).to_have_value(
        "The head office is in Oakland."
    )
    expect(panel.locator(".sources .source a")).to_have_text("Company registry entry")
    expect(panel).to_contain_text("Verdict by editor")

    claim.refresh_from_db()
    assert claim.verdict == Verdict.MISSTATED
    assert claim.rationale == "The head office is in Oakland."
    assert claim.verdict_by == editor
    assert claim.verdict_at is not None
    assert claim.version == 3  # the verdict, then the source
    source = Source.objects.get()
    assert source.claim == claim
    assert source.url == "https://registry.example.org/nexusflow"
    assert source.title == "Company registry entry"
    assert source.quote == "Registered office: Oakland, CA."
    assert source.stance == Stance.SUPPORTS
    assert source.added_by == editor
    assert page_errors == []


def test_keyboard_moves_between_claims_sets_verdicts_and_ignores_typing(
    editor_page, article, page_errors
):
    page = editor_page
    first, second = claim_of(article, 1), claim_of(article, 2)
    page.goto(f"/articles/{article.pk}/")
    # Every htmx request announces itself first: counting them shows whether a
    # key press sent a save.
    page.evaluate(
        "window.__requests = 0;"
        "document.body.addEventListener('htmx:beforeRequest',"
        " () => { window.__requests += 1; });"
    )
    panel = page.locator("#panel")
    heading = panel.locator("h2")

    page.keyboard.press("j")
    expect(heading).to_have_text("Claim 1")
    expect(panel).to_have_attribute("data-claim-pk", str(first.pk))
    expect(unit_of(page, first)).to_contain_class("selected")

    page.keyboard.press("j")
    expect(heading).to_have_text("Claim 2")
    expect(unit_of(page, second)).to_contain_class("selected")
    expect(unit_of(page, first)).not_to_contain_class("selected")

    page.keyboard.press("2")
    expect(unit_of(page, second)).to_contain_class("v-disputed")
    expect(panel.locator('button[data-key="2"]')).to_have_attribute(
        "aria-pressed", "true"
    )
    second.refresh_from_db()
    assert second.verdict == Verdict.DISPUTED

    page.keyboard.press("k")
    expect(heading).to_have_text("Claim 1")
    expect(unit_of(page, first)).to_contain_class("selected")

    page.keyboard.press("j")
    expect(heading).to_have_text("Claim 2")
    page.keyboard.press("0")
    expect(unit_of(page, second)).to_contain_class("v-unreviewed")
    expect(panel.locator('button[data-key="0"]')).to_have_attribute(
        "aria-pressed", "true"
    )
    second.refresh_from_db()
    assert second.verdict == Verdict.UNREVIEWED

    rationale = panel.locator("textarea[name=rationale]")
    page.keyboard.press("e")
    expect(rationale).to_be_focused()
    requests_before = page.evaluate("window.__requests")
    page.keyboard.type("1")
    expect(rationale).to_have_value("1")
    assert page.evaluate("window.__requests") == requests_before
    expect(panel.locator('button[data-key="1"]')).to_have_attribute(
        "aria-pressed", "false"
    )
    expect(unit_of(page, second)).not_to_contain_class("v-verified")

    page.keyboard.press("Escape")
    expect(rationale).not_to_be_focused()

    page.keyboard.press("?")
    expect(page.locator("dialog#shortcuts[open]")).to_be_visible()
    page.keyboard.press("?")
    expect(page.locator("dialog#shortcuts[open]")).to_have_count(0)

    page.keyboard.press("s")
    expect(page.locator("#add-source")).to_have_js_property("open", True)
    expect(page.locator("#src-new-url")).to_be_focused()

    second.refresh_from_db()
    first.refresh_from_db()
    assert (second.verdict, second.rationale, second.version) == (
        Verdict.UNREVIEWED,
        "",
        3,  # disputed, then cleared; the typed "1" was never sent
    )
    assert (first.verdict, first.version) == (Verdict.UNREVIEWED, 1)
    assert page_errors == []


def split_point(page: Page, at: int) -> dict:
    """Where on screen the panel's claim text shows its character ``at``."""
    return page.evaluate(
        """(at) => {
            const node = document.querySelector('#claim-text').firstChild;
            const range = document.createRange();
            range.setStart(node, at);
            range.setEnd(node, at + 1);
            const box = range.getBoundingClientRect();
            return {x: box.left + 1, y: box.top + box.height / 2};
        }""",
        at,
    )


def test_split_at_a_clicked_point_then_merge_back_keeps_exact_offsets(
    editor_page, editor, article, page_errors
):
    page = editor_page
    claim = claim_of(article, 2)
    original = claim.text  # "It raised $10.6 million in its first round."
    claim = services.set_verdict(
        claim=claim,
        verdict=Verdict.VERIFIED,
        rationale="Press release.",
        editor=editor,
        expected_version=claim.version,
    )
    at = original.index("in its")
    page.goto(f"/articles/{article.pk}/")
    open_claim(page, claim)

    point = split_point(page, at)
    page.mouse.click(point["x"], point["y"])
    expect(page.locator("#split-at")).to_have_value(str(at))
    expect(page.locator("#split-preview mark")).to_have_text("|")
    page.locator(".split-form").get_by_role("button", name="Split").click()

    message = page.locator(".message-success")
    expect(message).to_contain_text("Split claim 2 into 2 and 3.")
    expect(message).to_contain_text("Its verdict (Verified) was cleared")
    expect(units(page)).to_have_count(7)
    left, right = original[:at].strip(), original[at:].strip()
    expect(unit_of(page, claim)).to_have_text(left)
    expect(unit_of(page, claim_of(article, 3))).to_have_text(right)
    expect(page.locator("#panel h2")).to_have_text("Claim 2")
    claims = list(article.claims.order_by("position"))
    assert len(claims) == 7
    assert [c.position for c in claims] == list(range(1, 8))
    assert all(article.text[c.start : c.end] == c.text for c in claims)
    assert (claims[1].text, claims[2].text) == (left, right)
    assert claims[1].pk == claim.pk
    assert claims[1].verdict == claims[2].verdict == Verdict.UNREVIEWED
    assert article.text[claims[1].start : claims[2].end] == original

    page.get_by_role("button", name="Merge with claim 3").click()

    message = page.locator(".message-success")
    expect(message).to_have_text("Merged claims 2 and 3.")
    expect(units(page)).to_have_count(6)
    expect(unit_of(page, claim)).to_have_text(original)
    claims = list(article.claims.order_by("position"))
    assert len(claims) == 6
    assert [c.position for c in claims] == list(range(1, 7))
    assert all(article.text[c.start : c.end] == c.text for c in claims)
    assert claims[1].pk == claim.pk
    assert claims[1].text == original
    assert page_errors == []


def test_merge_with_next_claim_keeps_sources_and_says_the_verdict_was_cleared(
    editor_page, editor, article, page_errors
):
    page = editor_page
    first, second = claim_of(article, 1), claim_of(article, 2)
    first = services.set_verdict(
        claim=first,
        verdict=Verdict.DISPUTED,
        rationale="Founded in 2022.",
        editor=editor,
        expected_version=first.version,
    )
    add_source(second, title="Funding announcement")
    page.goto(f"/articles/{article.pk}/?claim={first.public_id}")
    expect(page.locator("#panel")).to_contain_text(
        "Splitting or merging clears the verdict."
    )

    page.get_by_role("button", name="Merge with claim 2").click()

    message = page.locator(".message-success")
    expect(message).to_contain_text("Merged claims 1 and 2.")
    expect(message).to_contain_text(
        "Its verdict (Disputed) was cleared: check the merged claim again."
    )
    merged_text = f"{first.text} {second.text}"
    expect(units(page)).to_have_count(5)
    expect(unit_of(page, first)).to_have_text(merged_text)
    expect(unit_of(page, first)).to_contain_class("v-unreviewed")
    expect(page.locator("#panel .sources .source a")).to_have_text(
        "Funding announcement"
    )
    merged = Claim.objects.get(pk=first.pk)
    assert merged.text == merged_text
    assert article.text[merged.start : merged.end] == merged_text
    assert merged.verdict == Verdict.UNREVIEWED
    assert merged.rationale == "Founded in 2022."
    assert list(merged.sources.values_list("title", flat=True)) == [
        "Funding announcement"
    ]
    assert not Claim.objects.filter(pk=second.pk).exists()
    assert article.claims.count() == 5
    assert page_errors == []


def test_concurrent_edit_shows_conflict_and_save_mine_overwrites(
    open_page, editor, article, page_errors
):
    other = UserFactory(username="second-editor", is_staff=False)
    claim = claim_of(article, 4)
    first_page, second_page = open_page(), open_page()
    sign_in(first_page, editor.username, PASSWORD)
    sign_in(second_page, other.username, PASSWORD)
    for page in (first_page, second_page):
        page.goto(f"/articles/{article.pk}/?claim={claim.public_id}")
        expect(page.locator("#panel")).to_have_attribute("data-claim-pk", str(claim.pk))

    first_page.fill("#panel textarea[name=rationale]", "first")
    first_page.click('#panel button[data-key="1"]')
    expect(unit_of(first_page, claim)).to_contain_class("v-verified")
    claim.refresh_from_db()
    assert (claim.verdict, claim.rationale) == (Verdict.VERIFIED, "first")

    second_page.fill("#panel textarea[name=rationale]", "second")
    second_page.click('#panel button[data-key="3"]')

    conflict = second_page.locator("#panel .conflict")
    expect(conflict).to_be_visible()
    expect(conflict.locator("h3")).to_have_text(
        "Someone else saved this claim while you were editing"
    )
    theirs, mine = conflict.locator(".compare > div").all()
    expect(theirs).to_contain_text("Verified")
    expect(theirs.locator(".rationale-text")).to_have_text("first")
    expect(theirs).to_contain_text("editor")
    expect(mine).to_contain_text("Misstated")
    expect(mine.locator(".rationale-text")).to_have_text("second")
    expect(unit_of(second_page, claim)).not_to_contain_class("v-misstated")
    claim.refresh_from_db()
    assert (claim.verdict, claim.rationale, claim.verdict_by) == (
        Verdict.VERIFIED,
        "first",
        editor,
    )

    conflict.get_by_role("button", name="Save mine over theirs").click()

    expect(second_page.locator("#panel .saved")).to_have_text("Saved")
    expect(second_page.locator("#panel .conflict")).to_have_count(0)
    expect(unit_of(second_page, claim)).to_contain_class("v-misstated")
    expect(second_page.locator("#panel textarea[name=rationale]")).to_have_value(
        "second"
    )
    claim.refresh_from_db()
    assert (claim.verdict, claim.rationale, claim.verdict_by) == (
        Verdict.MISSTATED,
        "second",
        other,
    )
    assert page_errors == []


def test_chinese_chosen_in_language_menu_or_sent_by_browser_translates_pages(
    open_page, editor, article, page_errors
):
    claim = claim_of(article, 1)
    page = open_page()
    sign_in(page, editor.username, PASSWORD)
    expect(page.locator(".topbar")).to_contain_text("Sign out")

    with page.expect_navigation():
        page.select_option("select#language", "zh-hans")

    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator(".topbar")).to_contain_text("\u9000\u51fa")  # 退出
    expect(page.locator("h1")).to_have_text("\u6587\u7ae0")  # 文章
    expect(page.locator(".progress-cell")).to_contain_text(
        "\u5df2\u6838\u67e5 0 / 6 \u6761\u9648\u8ff0"  # 已核查 0 / 6 条陈述
    )
    language = next(
        c["value"] for c in page.context.cookies() if c["name"] == "django_language"
    )
    assert language == "zh-hans"

    page.goto(f"/articles/{article.pk}/?claim={claim.public_id}")
    panel = page.locator("#panel")
    expect(panel.locator("h2")).to_have_text("\u7b2c 1 \u6761\u9648\u8ff0")
    expect(panel.locator('button[data-key="1"]')).to_contain_text(
        "\u5df2\u6838\u5b9e"  # 已核实
    )
    expect(panel.locator('button[data-key="2"]')).to_contain_text(
        "\u6709\u4e89\u8bae"  # 有争议
    )
    expect(panel.locator('button[data-key="3"]')).to_contain_text(
        "\u5931\u5b9e"  # 失实
    )
    expect(page.locator(".topbar")).to_contain_text("\u9000\u51fa")
    screenshot(page, "workspace-zh.png")

    chinese_browser = open_page(locale="zh-CN")
    chinese_browser.goto("/accounts/login/")
    expect(chinese_browser.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(chinese_browser.locator("h1")).to_have_text("\u767b\u5f55")  # 登录
    sign_in(chinese_browser, editor.username, PASSWORD)
    expect(chinese_browser.locator(".topbar")).to_contain_text("\u9000\u51fa")
    assert page_errors == []


def test_public_report_shows_only_published_verdicts_to_anonymous_readers(
    open_page, editor, article, page_errors
):
    reviewer = UserFactory(username="reviewer", role="reviewer")
    verified, drafted, misstated, approved, noted = (
        claim_of(article, n) for n in (1, 2, 3, 4, 6)
    )
    # Verified without a source: the rationale quotes the article instead.
    judge(verified, Verdict.VERIFIED, 'The filing says "founded in 2023".', editor)
    judge(drafted, Verdict.DISPUTED, "Draft: the round may be smaller.", editor)
    add_source(misstated, title="Company registry entry", quote="Oakland, CA.")
    judge(misstated, Verdict.MISSTATED, "The head office is in Oakland.", editor)
    add_source(approved, title="Staff list")
    judge(approved, Verdict.MISSTATED, "Approved, not yet published.", editor)
    approve(approved, reviewer)
    services.edit_claim(
        claim=noted,
        editor=editor,
        expected_version=noted.version,
        rationale="Still checking the head count.",
    )
    hidden = (
        "Draft: the round may be smaller.",
        "Approved, not yet published.",
        "Still checking the head count.",
        "Staff list",
    )
    page = open_page()

    # Drafts and approved verdicts are not public: no report exists yet.
    response = page.request.get(f"/r/{article.pk}/")
    assert response.status == 404
    for text in hidden:
        assert text not in response.text()

    publish(verified, reviewer)
    publish(misstated, reviewer)
    page.goto(f"/r/{article.pk}/")

    expect(page.locator("h1")).to_have_text("Nexusflow raises a first round")
    expect(page.locator(".topbar .who")).to_have_count(0)
    expect(page.locator(".report header")).to_contain_text(
        "2 statements in this article have been checked."
    )
    findings = page.locator(".finding")
    expect(findings).to_have_count(2)
    first, second = findings.all()
    expect(first).to_have_attribute("id", f"claim-{verified.public_id}")
    expect(first.locator(".vchip")).to_contain_text("Verified")
    expect(first.locator("blockquote")).to_have_text(verified.text)
    expect(first.locator(".rationale-text")).to_have_text(
        'The filing says "founded in 2023".'
    )
    expect(second).to_have_attribute("id", f"claim-{misstated.public_id}")
    expect(second.locator(".vchip")).to_contain_text("Misstated")
    expect(second.locator(".rationale-text")).to_have_text(
        "The head office is in Oakland."
    )
    expect(second.locator(".report-sources a")).to_have_text("Company registry entry")
    for text in hidden:
        expect(page.locator("body")).not_to_contain_text(text)
    expect(page.locator(".report-text a.unit")).to_have_count(2)
    expect(page.locator("#corrections")).to_have_count(0)

    scripts = page.locator('script[type="application/ld+json"]')
    expect(scripts).to_have_count(2)
    reviews = [json.loads(text) for text in scripts.all_text_contents()]
    assert [r["claimReviewed"] for r in reviews] == [verified.text, misstated.text]
    assert [r["url"].rsplit("#", 1)[1] for r in reviews] == [
        f"claim-{verified.public_id}",
        f"claim-{misstated.public_id}",
    ]
    assert [r["reviewRating"]["alternateName"] for r in reviews] == [
        "Verified",
        "Misstated",
    ]

    page.locator(".report-text a.unit").nth(1).click()
    expect(page).to_have_url(re.compile(rf"/r/\d+/#claim-{misstated.public_id}$"))
    expect(second).to_be_in_viewport()
    screenshot(page, "report.png")

    statuses = dict(article.claims.values_list("position", "status"))
    assert statuses == {
        1: Status.PUBLISHED,
        2: Status.DRAFT,
        3: Status.PUBLISHED,
        4: Status.APPROVED,
        5: Status.UNREVIEWED,
        6: Status.UNREVIEWED,
    }
    noted.refresh_from_db()
    assert (noted.verdict, noted.rationale) == (
        Verdict.UNREVIEWED,
        "Still checking the head count.",
    )
    assert page_errors == []


def test_workspace_works_in_a_1024_wide_window(open_page, editor, article, page_errors):
    claim = claim_of(article, 5)
    page = open_page(viewport=SMALL_LAPTOP)
    sign_in(page, editor.username, PASSWORD)
    page.goto(f"/articles/{article.pk}/")

    open_claim(page, claim)
    panel = page.locator("#panel")
    expect(panel).to_be_in_viewport()
    box = panel.bounding_box()
    assert box is not None
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= SMALL_LAPTOP["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024
    for key in "1230":
        expect(panel.locator(f'button[data-key="{key}"]')).to_be_visible()

    panel.locator('button[data-key="1"]').click()

    expect(unit_of(page, claim)).to_contain_class("v-verified")
    expect(panel.locator('button[data-key="1"]')).to_have_attribute(
        "aria-pressed", "true"
    )
    screenshot(page, "workspace-1024.png")
    claim.refresh_from_db()
    assert claim.verdict == Verdict.VERIFIED
    assert claim.verdict_by == editor
    assert page_errors == []


def public_links(reader: Page, desk: Page, article: Article) -> dict[str, str]:
    """Every public link to a finding of ``article``, with the words it leads to.

    The report's anchors (the article text's, the findings' and the
    corrections log's), each ClaimReview ``url`` and each W3C annotation
    ``id``, followed as a reader (or, for the API, an editor) would.
    """
    report = f"/r/{article.pk}/"
    reader.goto(report)
    links: dict[str, str] = {}
    for finding in reader.locator(".finding").all():
        anchor = finding.get_attribute("id")
        words = finding.locator("blockquote").first.inner_text()
        links[f"anchor #{anchor}"] = words
    for link in reader.locator(".report-text a.unit").all():
        finding = reader.locator(link.get_attribute("href"))
        expect(link).to_contain_text(finding.locator("blockquote").first.inner_text())
    # "Statement N" in the corrections log.
    for entry in reader.locator(".correction").all():
        href = entry.locator(".correction-head a").get_attribute("href")
        words = entry.locator(".correction-claim").inner_text()
        expect(reader.locator(href).locator("blockquote").first).to_have_text(words)
        links[f"correction {href}"] = words
    scripts = reader.locator('script[type="application/ld+json"]')
    for review in (json.loads(text) for text in scripts.all_text_contents()):
        path = review["url"].split("://", 1)[1].split("/", 1)[1]
        assert f"/{path}".startswith(report + "#")
        anchor = reader.locator(f"#{review['url'].rsplit('#', 1)[1]}")
        expect(anchor.locator("blockquote").first).to_have_text(review["claimReviewed"])
        links[f"ClaimReview {review['url']}"] = review["claimReviewed"]
    export = desk.request.get("/api/v1/export/annotations.jsonld")
    for annotation in export.json()["first"]["items"]:
        claim = desk.request.get(annotation["id"]).json()
        assert claim["article"] == article.pk
        assert claim["text"] == annotation["target"]["selector"][0]["exact"]
        links[f"W3C {annotation['id']}"] = claim["text"]
    return links


def test_published_links_keep_their_words_through_split_merge_and_a_new_version(
    open_page, editor, article, page_errors
):
    reviewer = UserFactory(username="reviewer", role="reviewer")
    published = [claim_of(article, n) for n in (3, 5, 6)]
    for claim, verdict in zip(
        published, [Verdict.MISSTATED, Verdict.VERIFIED, Verdict.DISPUTED], strict=True
    ):
        add_source(claim, title=f"Evidence for claim {claim.position}")
        judge(claim, verdict, f"Checked: {claim.text}", editor)
        publish(claim, reviewer)
    # A correction puts "Statement N" links in the report's corrections log.
    corrected = published[0]
    current = Claim.objects.get(pk=corrected.pk)
    reviewing.propose_correction(
        claim=current,
        editor=editor,
        verdict=Verdict.DISPUTED,
        rationale="Two filings differ.",
        reason="A reader sent the second filing.",
        expected_version=current.version,
    )
    approve(corrected, UserFactory(username="second-reviewer", role="reviewer"))

    reader, desk = open_page(), open_page()
    sign_in(desk, editor.username, PASSWORD)
    before = public_links(reader, desk, article)
    # Three findings, three reviews, three annotations and one correction.
    assert len(before) == 10
    positions = {c.pk: c.position for c in published}

    # Split the unpublished first sentence: everything after it moves down.
    first = claim_of(article, 1)
    desk.goto(f"/articles/{article.pk}/")
    open_claim(desk, first)
    point = split_point(desk, first.text.index("by two"))
    desk.mouse.click(point["x"], point["y"])
    desk.locator(".split-form").get_by_role("button", name="Split").click()
    expect(desk.locator(".message-success")).to_contain_text("Split claim 1")
    assert [fresh_position(c) for c in published] == [4, 6, 7]
    assert public_links(reader, desk, article) == before

    # Merge the two unpublished sentences after it: everything moves back up.
    second = claim_of(article, 2)
    desk.goto(f"/articles/{article.pk}/?claim={second.public_id}")
    desk.get_by_role("button", name="Merge with claim 3").click()
    expect(desk.locator(".message-success")).to_contain_text("Merged claims 2 and 3")
    assert public_links(reader, desk, article) == before

    # A new version with sentences inserted before the published ones.
    inserted = "Editor's note: this story was updated on July 1."
    new_text = f"{inserted}\n" + ARTICLE_TEXT.replace(
        "\u516c\u53f8\u603b\u90e8", "\u636e\u62a5\u9053\u3002\u516c\u53f8\u603b\u90e8"
    )
    with desk.expect_navigation():
        desk.click("#new-version-link")
    desk.fill("#version-form textarea[name=text]", new_text)
    desk.click("#preview-button")
    with desk.expect_navigation():
        desk.click("#import-version-button")
    expect(desk.locator(".message-success")).to_contain_text("Version 2 imported")
    moved = [fresh_position(c) for c in published]
    assert moved != [positions[c.pk] for c in published]
    assert all(Claim.objects.get(pk=c.pk).status == Status.PUBLISHED for c in published)
    assert public_links(reader, desk, article) == before

    # The workspace opens each published claim by its public id.
    for claim in published:
        desk.goto(f"/articles/{article.pk}/?claim={claim.public_id}")
        expect(desk.locator("#panel #claim-text")).to_have_text(claim.text)
        expect(unit_of(desk, claim)).to_contain_class("selected")
    assert page_errors == []


def fresh_position(claim: Claim) -> int:
    return Claim.objects.values_list("position", flat=True).get(pk=claim.pk)
