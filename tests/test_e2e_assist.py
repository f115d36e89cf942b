"""Editor assistance in a real browser (Chromium via Playwright), on the seed.

The seed article (fixtures/article.txt) is imported and analysed as a real
import is, with no verdict yet: the name-variant hint suggests a verdict, the
figures are marked, triage orders the claims, search finds them, a verdict
given before is offered for reuse, and a new version of the text keeps the
claims' verdicts and says what changed. Every user signs in through the form.
"""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from annotations import assisting, services
from annotations.models import (
    Article,
    ArticleVersion,
    Claim,
    Kind,
    Source,
    Status,
    Verdict,
)

from .browser import open_claim, screenshot, sign_in, unit_of
from .factories import UserFactory, add_source, claim_of, fresh, judge, publish

pytest_plugins = ["tests.browser"]
pytestmark = pytest.mark.browser

# Claim 5 of the seed names 焦建涛; the rest of the article writes 焦剑涛 (×6).
MISSPELT, USUAL = "\u7126\u5efa\u6d9b", "\u7126\u5251\u6d9b"
# Claim 11 of the seed: 公司刚成立就拿到1060万美元融资,妥妥的硅谷新贵。
MONEY = "1060\u4e07\u7f8e\u5143"
# A sentence checked before, and the same sentence in traditional characters.
SIMPLIFIED = (
    "\u516c\u53f8\u521a\u6210\u7acb\u5c31\u62ff\u5230"  # 公司刚成立就拿到
    "1060\u4e07\u7f8e\u5143\u878d\u8d44,"  # 1060万美元融资,
    "\u59a5\u59a5\u7684\u7845\u8c37\u65b0\u8d35\u3002"  # 妥妥的硅谷新贵。
)
TRADITIONAL = (
    "\u516c\u53f8\u525b\u6210\u7acb\u5c31\u62ff\u5230"  # 公司剛成立就拿到
    "1060\u842c\u7f8e\u5143\u878d\u8cc7,"  # 1060萬美元融資,
    "\u59a5\u59a5\u7684\u7845\u8c37\u65b0\u8cb4\u3002"  # 妥妥的硅谷新貴。
)
# A light edit of the seed: one sentence changed, one removed, one added.
CHANGED_FROM = (
    "2023\u5e74,\u4e24\u4eba\u8fd8\u8054\u624b\u521b\u4e1a"  # 2023年,两人还联手创业
)
CHANGED_TO = (
    "2022\u5e74\u5e95,\u4e24\u4eba\u8054\u624b\u521b\u4e1a"  # 2022年底,两人联手创业
)
REMOVED_START = "\u66f4\u5f15\u4eba\u6ce8\u76ee\u7684\u662f"  # 更引人注目的是
# 而中美在AI领域的竞争早已进入白热化阶段。
ADDED_AFTER = (
    "\u800c\u4e2d\u7f8e\u5728AI\u9886\u57df\u7684\u7ade\u4e89"
    "\u65e9\u5df2\u8fdb\u5165\u767d\u70ed\u5316\u9636\u6bb5\u3002"
)
# 英伟达2024财年的数据中心收入达到475亿美元,同比增长217%。
ADDED = (
    "\u82f1\u4f1f\u8fbe2024\u8d22\u5e74\u7684\u6570\u636e\u4e2d\u5fc3"
    "\u6536\u5165\u8fbe\u5230475\u4ebf\u7f8e\u5143,\u540c\u6bd4\u589e\u957f217%\u3002"
)
# 2025 has no 30 February.
BAD_DATE_SEARCH = "/search/?q=nexusflow&from=2025-02-30"


@pytest.fixture
def editor(transactional_db):
    return UserFactory(username="editor", role="editor")


@pytest.fixture
def seed(editor, seed_text) -> Article:
    """The seed imported and analysed like a real import: no verdict yet."""
    return services.import_article(
        text=seed_text, title="Tsinghua scientists join Nvidia", imported_by=editor
    )


@pytest.fixture
def desk(open_page, editor) -> Page:
    """The editor's browser, signed in through the form."""
    page = open_page()
    sign_in(page, editor.username)
    return page


def panel(page: Page) -> Locator:
    return page.locator("#panel")


def claim_with(article: Article, words: str) -> Claim:
    """The article's (one) claim containing ``words``."""
    return article.claims.get(text__contains=words, orphaned=False)


def edited_seed(text: str) -> str:
    lines = text.split("\n")
    (removed,) = (line for line in lines if line.startswith(REMOVED_START))
    lines.remove(removed)
    new = "\n".join(lines).replace(CHANGED_FROM, CHANGED_TO)
    assert new.count(CHANGED_TO) == 1 and new.count(ADDED_AFTER) == 1
    return new.replace(ADDED_AFTER, f"{ADDED_AFTER}\n{ADDED}")


def test_name_variant_hint_suggests_misstated_and_the_editor_saves_it(
    desk, editor, seed, page_errors
):
    claim = claim_of(seed, 5)
    assert MISSPELT in claim.text
    desk.goto(f"/articles/{seed.pk}/")
    span = unit_of(desk, claim)
    expect(span.locator("mark.name-variant")).to_have_text(MISSPELT)
    expect(span).to_contain_class("has-hints")
    expect(span.locator(".hint-mark")).to_have_count(1)
    expect(desk.locator("#article mark.name-variant")).to_have_count(1)

    open_claim(desk, claim)
    hint = panel(desk).locator("#hints li.hint-name.hint-suggests")
    expect(hint.locator(".hint-message")).to_have_text(
        f"\u201c{MISSPELT}\u201d is probably a misspelling of \u201c{USUAL}\u201d."
    )
    expect(hint.locator(".name-form.usual")).to_have_text(f"{USUAL} \u00d76")
    expect(hint.locator(".name-form:not(.usual)")).to_have_text(f"{MISSPELT} \u00d71")
    expect(hint.locator(".suggestion .vchip")).to_contain_text("Misstated")
    expect(desk.locator("#suggestion-note")).to_have_count(0)

    desk.keyboard.press("m")

    expect(desk.locator("#suggestion-note")).to_be_visible()
    expect(panel(desk).locator(".vbtn.suggested")).to_have_attribute("data-key", "3")
    save = desk.locator("#save-button")
    expect(save).to_have_text("Save as Misstated")
    expect(save).to_have_attribute("value", Verdict.MISSTATED)
    rationale = panel(desk).locator("textarea[name=rationale]")
    expect(rationale).to_have_value(
        f"The name is written {USUAL} elsewhere in the article (6 times)."
    )
    expect(rationale).to_be_focused()
    assert fresh(claim).verdict == Verdict.UNREVIEWED  # only filled in, not saved
    screenshot(desk, "assist-suggestion.png")

    save.click()

    expect(panel(desk).locator(".saved")).to_have_text("Saved")
    expect(span).to_contain_class("v-misstated")
    expect(span).to_contain_class("selected")
    expect(span.locator("mark.name-variant")).to_have_text(MISSPELT)
    expect(desk.locator("#claim-status")).to_have_text("Draft")

    desk.reload()
    expect(panel(desk)).to_have_attribute("data-claim-pk", str(claim.pk))
    expect(span).to_contain_class("v-misstated")
    expect(panel(desk).locator('button[data-key="3"]')).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(rationale).to_have_value(re.compile(USUAL))
    claim.refresh_from_db()
    assert (claim.verdict, claim.status, claim.verdict_by) == (
        Verdict.MISSTATED,
        Status.DRAFT,
        editor,
    )
    assert USUAL in claim.rationale
    assert page_errors == []


def test_money_figure_shows_as_a_chip_and_is_marked_in_the_text(
    desk, seed, page_errors
):
    claim = claim_with(seed, MONEY)
    (figure,) = (h for h in claim.hints if h.get("type") == assisting.NUMBER)
    (where,) = figure["spans"]
    assert (figure["kind"], where["text"]) == ("money", MONEY)
    assert seed.text[where["start"] : where["end"]] == MONEY
    desk.goto(f"/articles/{seed.pk}/")

    open_claim(desk, claim)

    chip = desk.locator(f'#figures .fig-chip.fig-money[data-fig="{where["start"]}"]')
    expect(chip).to_have_count(1)
    expect(chip).to_contain_text(MONEY)
    expect(desk.locator("#figures .fig-chip")).to_have_count(1)
    mark = desk.locator(
        f'#claim-{claim.public_id} mark.fig.fig-money[data-fig="{where["start"]}"]'
    )
    expect(mark).to_have_text(MONEY)
    expect(desk.locator("#worth-score")).to_have_text(f"{claim.worth:.2f}")
    expect(desk.locator("#worth-reasons .reason-plus").first).to_contain_text(MONEY)

    chip.hover()  # the chip lights its figure in the text
    expect(mark).to_contain_class("lit")
    desk.mouse.move(0, 0)
    expect(mark).not_to_contain_class("lit")
    assert page_errors == []


def worth_of(row: Locator) -> float:
    return float(row.locator(".worth-score").inner_text())


def test_triage_lists_check_worthy_claims_first_and_opens_them_in_the_text(
    desk, seed, page_errors
):
    checkable = seed.claims.exclude(kind__in=[Kind.HEADING, Kind.BOILERPLATE])
    worthy = checkable.filter(worth__gte=0.5)
    assert 0 < worthy.count() < checkable.count()
    desk.goto(f"/articles/{seed.pk}/")
    expect(desk.locator("#view-text")).to_have_attribute("aria-current", "page")

    with desk.expect_navigation():
        desk.keyboard.press("t")

    expect(desk).to_have_url(re.compile(r"[?&]view=triage\b"))
    expect(desk.locator("#view-triage")).to_have_attribute("aria-current", "page")
    expect(desk.locator("#article")).to_have_count(0)
    rows = desk.locator("#triage .triage-row")
    expect(rows).to_have_count(checkable.count())
    first = rows.first
    top = Claim.objects.get(pk=first.get_attribute("data-claim"))
    assert top.kind == Kind.CLAIM
    expect(first.locator(".kind-tag")).to_have_count(0)  # shown for non-claims only
    assert worth_of(first) >= 0.5
    assert worth_of(first) == round(max(c.worth for c in checkable), 2)
    expect(first.locator(".reasons .reason-plus").first).to_be_visible()
    scores = [worth_of(row) for row in rows.all()]
    assert scores == sorted(scores, reverse=True)

    desk.click("#worth-high")

    expect(desk.locator("#worth-high")).to_have_attribute("aria-current", "true")
    expect(rows).to_have_count(worthy.count())
    assert all(worth_of(row) >= 0.5 for row in rows.all())
    screenshot(desk, "assist-triage.png")

    chosen = rows.nth(1)
    pk = int(chosen.get_attribute("data-claim"))
    claim = Claim.objects.get(pk=pk)
    with desk.expect_navigation():
        chosen.locator(".triage-claim").click()

    expect(panel(desk)).to_have_attribute("data-claim-pk", str(pk))
    expect(panel(desk).locator("h2")).to_have_text(f"Claim {claim.position}")
    expect(unit_of(desk, claim)).to_contain_class("selected")
    expect(desk.locator("#view-text")).to_have_attribute("aria-current", "page")

    with desk.expect_navigation():
        desk.keyboard.press("t")  # back to the list, the claim still chosen
    expect(desk.locator(f"#triage-{pk}")).to_contain_class("selected")
    assert page_errors == []


def test_search_from_the_header_finds_chinese_and_english_and_explains_bad_dates(
    desk, editor, seed, page_errors
):
    mentions = seed.claims.filter(text__contains=USUAL)
    checked = claim_with(seed, "Nexusflow\u7684AI\u516c\u53f8")
    checked = judge(checked, Verdict.VERIFIED, "The company registry lists it.", editor)
    desk.goto("/")

    desk.keyboard.press("/")
    expect(desk.locator("#site-search-q")).to_be_focused()
    desk.keyboard.type(USUAL)
    with desk.expect_navigation():
        desk.keyboard.press("Enter")

    expect(desk).to_have_url(re.compile(r"/search/\?q="))
    expect(desk.locator("#search-q")).to_have_value(USUAL)
    results = desk.locator("#search-results .result")
    expect(results).to_have_count(mentions.count())
    for claim in mentions:
        found = desk.locator(f"#result-{claim.pk}")
        expect(found.locator(".result-claim")).to_have_text(claim.text)
        expect(found.locator(".result-claim mark").first).to_have_text(USUAL)
    screenshot(desk, "assist-search.png")

    desk.fill("#search-q", "nexusflow")
    with desk.expect_navigation():
        desk.press("#search-q", "Enter")
    english = seed.claims.filter(text__icontains="nexusflow")
    expect(results).to_have_count(english.count())
    expect(desk.locator(f"#result-{checked.pk} .result-claim mark")).to_have_text(
        "Nexusflow"
    )
    expect(desk.locator(f"#result-{checked.pk} .vchip")).to_contain_text("Verified")

    # A date no calendar has (typed into the address): said next to its
    # field, nothing searched.
    response = desk.goto(BAD_DATE_SEARCH)
    assert response is not None and response.status == 400
    expect(desk.locator("#search-error")).to_be_visible()
    expect(desk.locator("#search-from-error")).to_contain_text("2025-02-30")
    expect(desk.locator("#search-from-error")).to_contain_text("YYYY-MM-DD")
    expect(desk.locator("#search-results")).to_have_count(0)

    # Corrected with the date picker: only the claim with a verdict that day.
    today = timezone.localdate(checked.verdict_at)
    desk.fill("#search-from", today.isoformat())
    with desk.expect_navigation():
        desk.click("#search-form button[type=submit]")
    expect(desk.locator("#search-error")).to_have_count(0)
    expect(results).to_have_count(1)
    expect(desk.locator(f"#result-{checked.pk}")).to_be_visible()
    tomorrow = today + datetime.timedelta(days=1)
    desk.fill("#search-from", tomorrow.isoformat())
    with desk.expect_navigation():
        desk.click("#search-form button[type=submit]")
    expect(desk.locator("#no-results")).to_be_visible()
    # The 400 is the answer meant for bad input; Chromium notes it in the
    # console, and that note is the only one.
    bad_request = (
        f"console error on {response.url}: Failed to load resource: "
        "the server responded with a status of 400 (Bad Request)"
    )
    assert page_errors == [bad_request]


def test_checked_before_box_shows_the_earlier_verdict_and_reuse_copies_it(
    desk, editor, page_errors
):
    reviewer = UserFactory(username="reviewer", role="reviewer")
    first = services.import_article(
        text=f"{SIMPLIFIED}\n\u6d88\u606f\u4f20\u56de\u56fd\u5185\u3002",
        title="Nexusflow's first round",
        imported_by=editor,
    )
    original = claim_of(first, 1)
    add_source(
        original,
        title="Nexusflow funding announcement",
        url="https://news.example.org/nexusflow-round",
        added_by=editor,
    )
    judge(original, Verdict.VERIFIED, "The round was $10.6 million.", editor)
    publish(original, reviewer)
    assert TRADITIONAL != SIMPLIFIED
    second = services.import_article(
        text=f"\u82f1\u4f1f\u9054\u6316\u4eba\u3002\n{TRADITIONAL}",
        title="Nvidia hires a team",
        imported_by=editor,
    )
    claim = claim_with(second, "1060")
    desk.goto(f"/articles/{second.pk}/")

    open_claim(desk, claim)

    box = desk.locator(f"#checked-before-{original.pk}")
    expect(box.locator(".vchip")).to_contain_text("Verified")
    expect(box.locator(".checked-before-link")).to_have_text(
        "\u201cNexusflow's first round\u201d"
    )
    expect(box.locator(".checked-before-link")).to_have_attribute(
        "href",
        f"/articles/{first.pk}/?claim={original.public_id}#claim-{original.public_id}",
    )
    expect(box).to_contain_text("100% alike \u00b7 1 source")
    expect(desk.locator("#claim-status")).to_have_text("Unreviewed")

    desk.click(f"#reuse-{original.pk}")

    expect(panel(desk).locator(".saved")).to_have_text(
        "Verdict reused as a draft: a reviewer still has to approve it."
    )
    expect(desk.locator("#claim-status")).to_have_text("Draft")
    expect(panel(desk).locator('button[data-key="1"]')).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(panel(desk).locator("textarea[name=rationale]")).to_have_value(
        re.compile(r"^The round was \$10\.6 million\.\s+\(Verdict reused from")
    )
    expect(panel(desk).locator(".sources .source a")).to_have_text(
        "Nexusflow funding announcement"
    )
    expect(unit_of(desk, claim)).to_contain_class("v-verified")
    screenshot(desk, "assist-reuse.png")

    claim.refresh_from_db()
    assert (claim.verdict, claim.status, claim.reused_from_id) == (
        Verdict.VERIFIED,
        Status.DRAFT,
        original.pk,
    )
    assert claim.verdict_by == editor and claim.approved_by is None
    (copy,) = Source.objects.filter(claim=claim)
    assert (copy.title, copy.url, copy.added_by) == (
        "Nexusflow funding announcement",
        "https://news.example.org/nexusflow-round",
        editor,
    )
    assert fresh(original).status == Status.PUBLISHED  # the original is untouched
    assert page_errors == []


def test_new_version_keeps_verdicts_flags_the_changed_claim_and_lists_orphans(
    desk, editor, seed, seed_text, page_errors
):
    changed = claim_with(seed, CHANGED_FROM)
    removed = seed.claims.get(text__startswith=REMOVED_START)
    judge(changed, Verdict.VERIFIED, "The company registry says 2023.", editor)
    judge(removed, Verdict.DISPUTED, "Only one of them posted the photo.", editor)
    desk.goto(f"/articles/{seed.pk}/")
    expect(desk.locator("#version-banner")).to_have_count(0)

    with desk.expect_navigation():
        desk.click("#new-version-link")
    expect(desk.locator("h1")).to_have_text("New version (version 2)")
    desk.fill("#version-form textarea[name=text]", edited_seed(seed_text))
    desk.click("#preview-button")

    diff = desk.locator("#version-preview #diff")
    expect(diff.locator("ins.diff-ins").filter(has_text=ADDED[:-1])).to_have_count(1)
    expect(diff.locator("del.diff-del").filter(has_text=REMOVED_START)).to_have_count(1)
    assert not ArticleVersion.objects.exists()
    with desk.expect_navigation():
        desk.click("#import-version-button")

    expect(desk).to_have_url(re.compile(rf"/articles/{seed.pk}/$"))
    expect(desk.locator(".message-success")).to_have_text(
        "Version 2 imported: kept 53, changed 1, orphaned 1, added 1."
    )
    banner = desk.locator("#version-banner")
    expect(banner.locator(".version-number")).to_have_text("Version 2")
    expect(banner.locator(".orphan-link")).to_have_text("1 orphaned claim")
    changed = fresh(changed)
    assert changed.text.startswith(CHANGED_TO) and changed.text_changed
    span = unit_of(desk, changed)
    expect(span).to_contain_class("text-changed")
    expect(span.locator(".changed-badge")).to_have_count(1)
    expect(desk.locator("#article .unit.text-changed")).to_have_count(1)
    expect(desk.locator("#article")).to_contain_text(ADDED)
    expect(desk.locator("#article")).not_to_contain_text(REMOVED_START)
    orphans = desk.locator("#orphans .orphan")
    expect(orphans).to_have_count(1)
    orphan = desk.locator(f"#orphans .orphan#orphan-{removed.pk}")
    expect(orphan.locator(".orphan-text")).to_have_text(removed.text)
    expect(orphan.locator(".vchip")).to_contain_text("Disputed")
    screenshot(desk, "assist-new-version.png")

    open_claim(desk, changed)
    expect(desk.locator("#text-changed-badge")).to_have_text(
        "Text changed since verified"
    )
    expect(desk.locator("#changed-note")).to_be_visible()
    expect(desk.locator("#claim-status")).to_have_text("Draft")
    expect(panel(desk).locator('button[data-key="1"]')).to_have_attribute(
        "aria-pressed", "true"
    )

    orphan.locator(".orphan-text").click()
    expect(panel(desk)).to_have_attribute("data-claim-pk", str(removed.pk))
    expect(panel(desk).locator("h2")).to_have_text("Orphaned claim")
    expect(desk.locator("#orphan-note")).to_be_visible()
    expect(panel(desk).locator('button[data-key="2"]')).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(panel(desk).locator(".split-form")).to_have_count(0)
    expect(orphan).to_contain_class("selected")

    with desk.expect_navigation():
        banner.locator("#what-changed").click()
    expect(desk).to_have_url(re.compile(rf"/articles/{seed.pk}/versions/1/$"))
    expect(desk.locator("h1")).to_have_text(
        "What changed: version 1 \u2192 2 (current)"
    )
    diff = desk.locator("#diff")
    expect(diff.locator("ins.diff-ins").filter(has_text=ADDED[:-1])).to_have_count(1)
    expect(diff.locator("del.diff-del").filter(has_text=REMOVED_START)).to_have_count(1)
    expect(diff.locator("ins.diff-ins").first).to_be_visible()

    removed.refresh_from_db()
    assert removed.orphaned and removed.verdict == Verdict.DISPUTED
    assert changed.verdict == Verdict.VERIFIED and changed.status == Status.DRAFT
    (old,) = ArticleVersion.objects.filter(article=seed)
    assert old.number == 1 and old.text == seed_text
    assert page_errors == []
