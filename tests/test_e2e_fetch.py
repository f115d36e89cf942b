"""In the browser: import an article from its link, attach a source that gets
archived, and see the link flagged broken when the page disappears."""

import re

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from annotations.models import Article, LinkState, Source

from .browser import PASSWORD, open_claim, screenshot, sign_in
from .factories import UserFactory
from .webserver import HTML, NEWS_PAGE

pytest_plugins = ["tests.browser"]
pytestmark = pytest.mark.browser

TITLE = "中国宇航员准备首次太空行走"


@pytest.fixture
def editor(transactional_db):
    return UserFactory(username="editor", is_staff=False)


def test_import_a_link_then_archive_a_source_and_see_it_break(
    open_page, editor, web, page_errors
):
    story = web.route("/news/shenzhou7", body=NEWS_PAGE, headers=HTML)
    evidence = web.route("/evidence", body=NEWS_PAGE, headers=HTML)
    page = open_page()
    sign_in(page, editor.username, PASSWORD)
    page.goto("/articles/new/")
    page.fill("#id_url", story)

    page.get_by_role("button", name="Preview the split").click()

    expect(page.locator("#fetched-from")).to_contain_text(f"Fetched from {story}")
    expect(page.locator("#id_title")).to_have_value(TITLE)
    expect(page.locator(".preview-units")).to_contain_text("神舟7号")
    screenshot(page, "import-link-preview.png")
    page.get_by_role("button", name="Import", exact=True).click()

    # The import analyses the article (jieba's dictionary loads the first time).
    expect(page).to_have_url(re.compile(r"/articles/\d+/$"), timeout=60_000)
    expect(page.locator("h1")).to_have_text(TITLE)
    article = Article.objects.get()
    assert bytes(article.capture.html) == NEWS_PAGE

    claim = article.claims.order_by("position").first()
    open_claim(page, claim)
    add = page.locator("#add-source")
    add.locator("summary").click()
    page.fill("#src-new-url", evidence)
    page.fill("#src-new-title", "VOA report")
    add.get_by_role("button", name="Save source").click()

    today = timezone.now().date().isoformat()
    archived = page.locator("#panel .source .archive-link")
    expect(archived).to_have_text(f"archived copy, fetched {today}")
    assert Source.objects.get().link_state == LinkState.OK

    del web.routes["/evidence"]
    call_command("check_sources")
    page.goto(f"/articles/{article.pk}/?claim={claim.pk}")

    expect(page.locator("#broken-links-badge")).to_have_text("1 broken link")
    expect(page.locator("#panel .source .link-broken")).to_have_text("Broken link")
    screenshot(page, "source-broken-link.png")
    page.locator("#panel .source .archive-link").click()
    expect(page.locator("#archive-text")).to_contain_text("神舟7号")
    screenshot(page, "source-archive.png")
    assert page_errors == []


def test_a_link_shows_fetching_then_its_preview_without_reload(
    open_page, editor, web, task_queue, run_worker, page_errors
):
    story = web.route("/news/shenzhou7", body=NEWS_PAGE, headers=HTML)
    page = open_page()
    sign_in(page, editor.username, PASSWORD)
    page.goto("/articles/new/")
    page.fill("#id_url", story)

    page.get_by_role("button", name="Preview the split").click()

    expect(page.locator("#fetch-status")).to_contain_text(f"Fetching {story}")
    page.evaluate("window.stillTheSamePage = true")
    assert web.requests == []
    run_worker()  # what `manage.py db_worker` does beside the web server

    expect(page.locator("#fetched-from")).to_contain_text(
        f"Fetched from {story}", timeout=10_000
    )
    expect(page.locator("#fetch-status")).to_have_count(0)
    expect(page.locator("#id_title")).to_have_value(TITLE)
    expect(page.locator(".preview-units")).to_contain_text("神舟7号")
    assert page.evaluate("window.stillTheSamePage") is True
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page).to_have_url(re.compile(r"/articles/\d+/$"), timeout=60_000)
    assert bytes(Article.objects.get().capture.html) == NEWS_PAGE
    assert len(web.requests) == 1  # the import kept the worker's copy
    assert page_errors == []


def test_a_link_that_answers_404_shows_the_reason_without_reload(
    open_page, editor, web, task_queue, run_worker
):
    missing = web.url("/gone")
    page = open_page()
    sign_in(page, editor.username, PASSWORD)
    page.goto("/articles/new/")
    page.fill("#id_url", missing)
    page.get_by_role("button", name="Preview the split").click()
    expect(page.locator("#fetch-status")).to_be_visible()

    run_worker()

    expect(page.locator("#id_url_error")).to_have_text(
        f"The page at {missing} was not found (HTTP 404).", timeout=10_000
    )
    expect(page.locator("#fetch-status")).to_have_count(0)
    assert not Article.objects.exists()
