"""Chromium through Playwright for test_e2e_browser.py: launch, watch, sign in."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Error, Page, Playwright

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


def sign_in(page: Page, username: str, password: str) -> None:
    """Sign in through the real login form and wait for the dashboard."""
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("form button[type=submit].primary")
    if "/accounts/login/" in page.url:
        raise AssertionError(f"signing in as {username} failed: {page.url}")


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page screenshot under test-artifacts/ at the repository root."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path), full_page=True)
    return path
