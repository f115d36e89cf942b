"""Counts and imports in a real browser (Chromium via Playwright): the demo's
breakdown reads the same on the dashboard, the workspace and the triage list;
an import without a title previews, takes focus and imports."""

import re

import pytest
from playwright.sync_api import expect

from annotations import demo, roles
from annotations.models import Article, Kind

from .browser import PASSWORD, screenshot, sign_in
from .factories import UserFactory

pytest_plugins = ["tests.browser"]
pytestmark = pytest.mark.browser

DEMO_SUMMARY = (
    "55 units: 24 claims to check, 26 opinions, 5 headings and page furniture"
)
DEMO_PROGRESS = "17 of 24 claims checked"
SPAM = "\u7092\u80a1\u6760\u6746app"  # 炒股杠杆app, the demo's spam footer


@pytest.fixture
def demo_article(transactional_db, settings) -> Article:
    settings.DEBUG = True
    roles.install_roles()  # an earlier transactional test emptied the groups
    demo.create_demo_accounts(password=PASSWORD)
    article, _created = demo.load_demo_article()
    return article


def test_demo_counts_agree_on_dashboard_workspace_and_triage(
    open_page, demo_article, page_errors
):
    page = open_page()
    sign_in(page, "editor")

    row = page.locator(f"#article-row-{demo_article.pk}")
    expect(row.locator(".unit-summary")).to_have_text(DEMO_SUMMARY)
    expect(row.locator(".unit-progress")).to_have_text(DEMO_PROGRESS)
    dashboard = row.locator(".unit-summary").inner_text()

    row.locator(".article-title").click()
    expect(page.locator("#progress .unit-summary")).to_have_text(dashboard)
    expect(page.locator("#progress .unit-progress")).to_have_text(DEMO_PROGRESS)
    workspace_units = page.locator("#article .unit")
    expect(workspace_units).to_have_count(55)
    expect(page.locator("#article .unit.kind-claim")).to_have_count(24)
    expect(page.locator("#article .unit.kind-opinion")).to_have_count(26)

    page.click("#view-triage")
    expect(page.locator("#triage-summary .unit-summary")).to_have_text(dashboard)
    expect(page.locator("#progress .unit-progress")).to_have_text(DEMO_PROGRESS)
    rows = page.locator(".triage-row")
    expect(rows).to_have_count(50)
    # Every listed unit but the opinions (tagged) is a claim to check: 24.
    expect(rows.filter(has=page.locator(".kind-tag.kind-opinion"))).to_have_count(26)
    screenshot(page, "counts-triage.png")
    assert page_errors == []


def test_the_public_report_leaves_out_the_spam_footer(
    open_page, demo_article, page_errors
):
    page = open_page()
    page.goto(f"/r/{demo_article.pk}/")
    expect(page.locator("#report-summary")).to_have_text(DEMO_SUMMARY)
    expect(page.locator(".report-text")).not_to_contain_text(SPAM)
    heading = demo_article.claims.filter(kind=Kind.HEADING).first()
    expect(page.locator(".report-text")).to_contain_text(heading.text)
    assert page_errors == []


def test_an_unpublished_report_says_so_and_offers_the_workspace(
    open_page, transactional_db, page_errors
):
    from .factories import ArticleFactory, sentences

    UserFactory(username="editor")
    article = ArticleFactory(title="Budget story", text=sentences(2))
    page = open_page()
    response = page.goto(f"/r/{article.pk}/")
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("Nothing published yet")
    expect(page.locator("#open-workspace")).to_have_count(0)

    sign_in(page, "editor")
    page.goto(f"/r/{article.pk}/")
    page.click("#open-workspace")
    expect(page.locator(".article-head h1")).to_have_text("Budget story")
    assert [e for e in page_errors if "404" not in e] == []


def test_an_import_without_a_title_previews_its_title_and_imports(
    open_page, transactional_db, page_errors
):
    UserFactory(username="editor")
    page = open_page()
    sign_in(page, "editor")
    page.goto("/articles/new/")
    page.fill(
        "#id_text",
        "两位清华学者，同日加入英伟达\n"
        "6月28日，两位科学家同一天在社交媒体上宣布加入英伟达。\n"
        "他们都毕业于清华大学。",
    )
    page.get_by_role("button", name="Preview the split").click()

    # The preview arrives focused (in view, read by a screen reader), with
    # the title it will take, which stays editable.
    expect(page.locator("#preview-title")).to_be_focused()
    expect(page.locator("#preview-title")).to_be_in_viewport()
    expect(page.locator("#preview-summary")).to_contain_text(
        "两位清华学者，同日加入英伟达"
    )
    expect(page.locator("#id_title")).to_have_value("两位清华学者，同日加入英伟达")
    expect(page.locator(".preview-units li").first).to_have_class(
        re.compile("kind-heading")
    )
    screenshot(page, "import-untitled-preview.png")
    page.fill("#id_title", "清华学者加入英伟达")
    page.get_by_role("button", name="Import", exact=True).click()

    expect(page.locator(".article-head h1")).to_have_text("清华学者加入英伟达")
    article = Article.objects.get()
    assert article.claims.get(position=1).kind == Kind.HEADING
    assert page_errors == []
