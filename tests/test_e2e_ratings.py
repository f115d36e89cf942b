"""A rating added in the admin, used in a real browser (Chromium via Playwright).

An admin adds "mostly true" to the rating scale in the Django admin; an
editor then finds it in the workspace (its button, its key 4, its colour), in
the verdict filter, on the public report once published, and in every export.
"""

import csv
import io
import json

import pytest
from playwright.sync_api import Page, expect

from annotations.models import Claim

from .browser import open_claim, screenshot, sign_in, unit_of
from .factories import ArticleFactory, UserFactory, add_source, claim_of, publish

pytest_plugins = ["tests.browser"]
pytestmark = pytest.mark.browser

ARTICLE_TEXT = (
    "Nexusflow was founded in 2023 by two researchers. "
    "It raised $10.6 million in its first round.\n"
    "The team has 40 employees."
)
COLOUR = "#2e7d6b"
COLOUR_RGB = "rgb(46, 125, 107)"


@pytest.fixture
def editor(transactional_db):
    return UserFactory(username="editor", is_staff=False)


@pytest.fixture
def desk_admin(transactional_db):
    return UserFactory(username="boss", role="admin", is_staff=True)


def add_mostly_true_in_the_admin(page: Page) -> None:
    page.goto("/admin/annotations/rating/add/")
    fields = {
        "key": "mostly_true",
        "label_en": "Mostly true",
        "label_zh": "基本属实",
        "description_en": "True in substance, with a detail wrong.",
        "description_zh": "大体属实，细节有误。",
        "icon": "\u2248",
        "colour": COLOUR,
        "digit": "4",
        "order": "2",
        "rating_value": "3",
        "best_rating": "4",
        "worst_rating": "1",
    }
    for name, value in fields.items():
        page.fill(f"#id_{name}", value)
    with page.expect_navigation():
        page.click("input[name=_save]")
    expect(page.locator(".messagelist")).to_contain_text("Mostly true")
    expect(page.locator("#result_list")).to_contain_text("mostly_true")


def exported(page: Page, path: str) -> str:
    response = page.request.get(f"/api/v1/export/{path}")
    assert response.status == 200, path
    return response.text()


def test_a_rating_added_in_the_admin_is_used_everywhere(
    open_page, desk_admin, editor, page_errors
):
    article = ArticleFactory(
        title="Nexusflow raises a first round", text=ARTICLE_TEXT, imported_by=editor
    )
    claim = claim_of(article, 2)

    boss = open_page()
    sign_in(boss, desk_admin.username)
    add_mostly_true_in_the_admin(boss)

    page = open_page()
    sign_in(page, editor.username)
    page.goto(f"/articles/{article.pk}/")
    open_claim(page, claim)
    button = page.locator('#panel button[data-key="4"]')
    expect(button).to_contain_text("Mostly true")
    expect(button).to_have_attribute("value", "mostly_true")
    expect(button).to_have_css("color", COLOUR_RGB)
    # The shortcut list names the new digit too.
    expect(page.locator('#shortcuts [data-verdict-digit="4"]')).to_have_attribute(
        "data-verdict", "mostly_true"
    )

    page.keyboard.press("4")
    expect(unit_of(page, claim)).to_contain_class("v-mostly_true")
    expect(button).to_have_attribute("aria-pressed", "true")
    expect(unit_of(page, claim)).to_have_css("border-bottom-color", COLOUR_RGB)
    assert Claim.objects.get(pk=claim.pk).verdict == "mostly_true"
    expect(page.locator("#progress .legend-mostly_true")).to_contain_text("1")

    page.locator('a[href="?show=mostly_true"]').click()
    expect(page.locator('a[href="?show=mostly_true"]')).to_have_attribute(
        "aria-current", "true"
    )
    expect(unit_of(page, claim)).not_to_contain_class("dim")
    expect(unit_of(page, claim_of(article, 1))).to_contain_class("dim")
    screenshot(page, "ratings-workspace.png")

    add_source(claim, added_by=editor)
    publish(claim, UserFactory(username="reviewer", role="reviewer"))
    reader = open_page()
    reader.goto(f"/r/{article.pk}/")
    finding = reader.locator(f"#claim-{claim.public_id}")
    expect(finding.locator(".vchip")).to_contain_text("Mostly true")
    expect(finding).to_contain_class("v-mostly_true")
    screenshot(reader, "ratings-report.png")

    rows = json.loads(exported(page, "verdicts.json"))
    assert [r["verdict"] for r in rows if r["claim_id"] == claim.pk] == ["mostly_true"]
    table = csv.DictReader(io.StringIO(exported(page, "verdicts.csv")[1:]))
    assert [r["verdict"] for r in table if r["claim_id"] == str(claim.pk)] == [
        "mostly_true"
    ]
    reviews = json.loads(exported(page, "claimreview.jsonld"))
    assert [r["reviewRating"] for r in reviews] == [
        {
            "@type": "Rating",
            "ratingValue": 3,
            "bestRating": 4,
            "worstRating": 1,
            "alternateName": "Mostly true",
        }
    ]
    annotations = json.loads(exported(page, "annotations.jsonld"))
    assert [a["body"][0]["value"] for a in annotations["first"]["items"]] == [
        "mostly_true"
    ]
    assert page_errors == []
