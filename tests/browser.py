"""Chromium through Playwright for the browser tests: launch, watch, sign in.

The test modules load this file as a pytest plugin (``pytest_plugins``), so
its fixtures are shared and one Chromium serves every browser test. They also
import its helpers first, too early for pytest to rewrite its asserts; it has
none (PYTEST_DONT_REWRITE), so pytest need not warn about that.
"""

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Error,
    Locator,
    Page,
    Playwright,
    expect,
    sync_playwright,
)

from annotations.models import Claim

# Playwright's sync API runs an event loop in this thread, and Django refuses
# ORM calls while one is running; the tests read and write the database
# between browser steps, one thing at a time.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
DESKTOP = {"width": 1280, "height": 800}
SMALL_LAPTOP = {"width": 1024, "height": 768}
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "pw-for-tests-1"  # tests/factories.py's UserFactory password


def require_chromium() -> None:
    """Skip when Chromium is missing, or fail if REQUIRE_BROWSER=1 (CI)."""
    if CHROMIUM.exists():
        return
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(
            "Chromium is required (REQUIRE_BROWSER=1) but /usr/bin/chromium is missing"
        )
    pytest.skip(
        "browser tests skipped: /usr/bin/chromium not installed "
        "(apt-get install chromium)"
    )


def launch_chromium(playwright: Playwright) -> Browser:
    """Debian's Chromium, headless; Playwright's own download is never used."""
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS
    )


def watch_for_errors(page: Page, errors: list[str]) -> None:
    """Append the page's uncaught exceptions and console errors to ``errors``."""

    def on_console(message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        # Chromium asks for /favicon.ico on its own; the app has none.
        if message.location.get("url", "").endswith("/favicon.ico"):
            return
        errors.append(f"console error on {page.url}: {message.text}")

    def on_page_error(error: Error) -> None:
        errors.append(f"uncaught exception on {page.url}: {error}")

    page.on("console", on_console)
    page.on("pageerror", on_page_error)


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    require_chromium()
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()


@pytest.fixture
def page_errors() -> list[str]:
    """Uncaught exceptions and console errors of every page the test opened."""
    return []


@pytest.fixture
def open_page(chromium, live_server, page_errors) -> Iterator[Callable[..., Page]]:
    """Open a page in a fresh browser context (its own cookies) on the live server."""
    contexts = []

    def open_page(*, viewport: dict = DESKTOP, locale: str = "en-US") -> Page:
        context = chromium.new_context(
            base_url=live_server.url, viewport=viewport, locale=locale
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        watch_for_errors(page, page_errors)
        return page

    yield open_page
    for context in contexts:
        context.close()


def sign_in(page: Page, username: str, password: str = PASSWORD) -> None:
    """Sign in through the real login form and wait for the dashboard."""
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("form button[type=submit].primary")
    if "/accounts/login/" in page.url:
        raise AssertionError(f"signing in as {username} failed: {page.url}")


def sign_out(page: Page) -> None:
    """Sign out with the top bar's button and wait for the sign-in page."""
    with page.expect_navigation():
        page.locator(".topbar").get_by_role("button", name="Sign out").click()
    expect(page.locator(".topbar .who")).to_have_count(0)


def unit_of(page: Page, claim: Claim) -> Locator:
    """The claim's sentence in the article text, found by its public id."""
    return page.locator(f"#claim-{claim.public_id}")


def open_claim(page: Page, claim: Claim) -> None:
    """Click the claim's sentence and wait for the side panel to show it."""
    unit_of(page, claim).click()
    expect(page.locator("#panel")).to_have_attribute("data-claim-pk", str(claim.pk))
    expect(page.locator("#panel h2")).to_have_text(f"Claim {claim.position}")


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page screenshot under test-artifacts/ at the repository root."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path), full_page=True)
    return path
