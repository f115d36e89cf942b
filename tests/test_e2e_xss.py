"""Hostile text in every field, shown in Chromium as text and never run.

Script, event-handler, attribute and element breakouts go into every piece of
user and article text: the article's title, publisher, address and sentences
(imported and analysed, so its hints and triage reasons carry them), a
rationale, a source's title, publisher, quote and address, a comment, a
rejection, a correction's reason, a search. Every page that shows them is
opened as its users open it, and each must show the text as text.

The Content-Security-Policy would block most injected scripts anyway, so a
blocked script is not enough: the page must contain no injected markup at
all. Each page is checked for a dialog, for the flag the payloads set
(``__xss``), for CSP violations (an injected handler tried to run), for
console errors, and for any inline handler, inline script, ``javascript:``
address or ``<img src=x>`` in its DOM.
"""

import json
import re
from dataclasses import dataclass
from urllib.parse import quote

import pytest
from django.core.exceptions import ValidationError
from playwright.sync_api import Dialog, Page, expect
from rest_framework.test import APIClient

from annotations import services
from annotations.importing import ImportRefused
from annotations.models import Article, Claim, Source, Verdict
from annotations.services import reviewing, versions

from .browser import sign_in, unit_of
from .factories import UserFactory, add_source, approve, claim_of, fresh, judge

pytest_plugins = ["tests.browser"]
pytestmark = pytest.mark.browser

# Each sets the flag (and opens a dialog) if it ever runs. A bare assignment:
# a "." would end the sentence it is imported in.
SCRIPT = "<script>__xss=1;alert(1)</script>"
IMG = '<img src=x onerror="__xss=1;alert(1)">'
SVG = '"><svg onload="__xss=1;alert(1)">'
TEXTAREA = "</textarea><script>__xss=1;alert(1)</script>"
JSON_LD = "</script><script>__xss=1;alert(1)</script>"
ATTRIBUTE = "' onmouseover='__xss=1' x='"
HOSTILE = " ".join([SCRIPT, IMG, SVG, TEXTAREA, JSON_LD, ATTRIBUTE])
# http(s) addresses are accepted whatever their query holds: the quote must
# stay inside the href.
ARTICLE_URL = 'https://news.example.org/story?"onmouseover=__xss=1;alert(1)//'
SOURCE_URL = 'https://example.org/evidence?q="onmouseover=__xss=1;alert(1)//'
NOT_HTTP = [
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "javascript://example.org/%0aalert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
]

TITLE = f"Title {HOSTILE}"
PUBLISHER = f"Publisher {IMG} {SVG}"
S1 = f"Nexusflow raised $10.6 million in 2023 {HOSTILE}."
S2 = f"Orbital Labs hired 40 engineers {TEXTAREA} in 2024 {IMG}."
S3 = f"Quanta Corp said {SVG} revenue grew 12% {ATTRIBUTE} this year."
S4 = f"Borealis opened 3 offices {SCRIPT} in Berlin."
S5 = f"Cinder Inc lost $2 million {JSON_LD} last spring."
S6 = f"Delta Works closed 5 plants {IMG} in Ohio."
S5_NEW = S5.replace("$2 million", "$3 million")
S7 = f"Echo Systems sold 9 satellites {SVG} to Norway."
RATIONALE = f"Rationale {HOSTILE}"
CORRECTED = f"Corrected {HOSTILE}"
REASON = f"Reason {HOSTILE}"
PENDING = f"Pending {HOSTILE}"
PENDING_REASON = f"Pending reason {HOSTILE}"
APPROVAL = f"Approved {IMG}"
REJECTION = f"Rejected {HOSTILE}"
COMMENT = f"Comment {HOSTILE}"
# Triage reasons as the page names them (the stored ones are in craft_assistance).
REASONS = [f"+named thing {IMG}", f"\u2212opinion {SCRIPT}", f"+{JSON_LD} x"]
SOURCE = {
    "url": SOURCE_URL,
    "title": f"Source {HOSTILE}",
    "publisher": f"Source publisher {SVG}",
    "quote": f"Quote {HOSTILE}",
}

WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(
    `${event.violatedDirective}: ${event.sample || event.blockedURI}`
  );
});
"""
# Signs of injected markup, whether or not the CSP stopped it running.
INJECTED = """() => {
  const found = [];
  const urls = ["href", "src", "action", "formaction", "xlink:href"];
  for (const el of document.querySelectorAll("*")) {
    const tag = el.tagName.toLowerCase();
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      if (name.startsWith("on")) found.push(`${tag}[${name}]`);
      if (urls.includes(name) && /^\\s*(javascript|vbscript|data):/i.test(attr.value))
        found.push(`${tag}[${name}=${attr.value}]`);
    }
    if (tag === "img" && el.getAttribute("src") === "x") found.push("img[src=x]");
  }
  for (const script of document.scripts) {
    const data = ["application/ld+json", "application/json"].includes(script.type);
    if (!script.src && !data) found.push(`script: ${script.textContent.slice(0, 60)}`);
  }
  return {
    found,
    flag: window.__xss === undefined ? null : String(window.__xss),
    watched: Array.isArray(window.__violations),
    violations: window.__violations || [],
  };
}"""


class Watch:
    """A page watched for hostile text that ran or became markup."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.problems: list[str] = []
        page.on("dialog", self._dialog)
        page.add_init_script(WATCH)

    def _dialog(self, dialog: Dialog) -> None:
        self.problems.append(f"{dialog.type} on {self.page.url}: {dialog.message}")
        dialog.dismiss()

    def goto(self, url: str, status: int = 200) -> None:
        response = self.page.goto(url)
        assert response is not None and response.status == status, url
        self.check()

    def check(self) -> None:
        """Record what the current page shows of an injection."""
        state = self.page.evaluate(INJECTED)
        assert state["watched"], "the CSP watch did not load"
        where = self.page.url
        self.problems += [f"injected {what} on {where}" for what in state["found"]]
        if state["flag"] is not None:
            self.problems.append(f"__xss={state['flag']} on {where}")
        self.problems += [f"CSP violation on {where}: {v}" for v in state["violations"]]

    def hover(self, selector: str) -> None:
        """Point at each match: an injected onmouseover would run."""
        for link in self.page.locator(selector).all():
            link.hover()
        self.check()


@dataclass
class World:
    article: Article  # every claim's state, a new version, hostile everything
    other: Article  # repeats a checked claim: its hint names the first article
    published: Claim  # corrected once, a second correction pending
    rejected: Claim  # with a source, a rejection and a comment
    draft: Claim  # awaiting review; crafted hints and triage reasons
    unreviewed: Claim
    orphan: Claim


@pytest.fixture
def editor(transactional_db):
    return UserFactory(username="editor", role="editor")


@pytest.fixture
def reviewer(transactional_db):
    return UserFactory(username="reviewer", role="reviewer")


@pytest.fixture
def world(editor, reviewer) -> World:
    """Hostile text everywhere, through the services, as a desk would write it."""
    viewer = UserFactory(username="viewer", role="viewer")
    article = services.import_article(
        text="\n".join([S1, S2, S3, S4, S5, S6]),
        title=TITLE,
        url=ARTICLE_URL,
        publisher=PUBLISHER,
        imported_by=editor,
        analyse=True,
    )
    published, rejected, draft, unreviewed = (
        claim_of(article, n) for n in (1, 2, 3, 4)
    )
    orphan = claim_of(article, 6)
    services.assign_article(article=article, assignee=editor, by=editor)

    add_source(published, added_by=editor, **SOURCE)
    judge(published, Verdict.MISSTATED, RATIONALE, editor=editor)
    approve(published, reviewer, comment=APPROVAL)
    current = fresh(published)
    reviewing.publish(
        claim=current, reviewer=reviewer, expected_version=current.version
    )
    propose(published, editor, Verdict.DISPUTED, CORRECTED, REASON)
    approve(published, reviewer, comment=APPROVAL)
    propose(published, editor, Verdict.VERIFIED, PENDING, PENDING_REASON)

    add_source(rejected, added_by=editor, **SOURCE)
    judge(rejected, Verdict.DISPUTED, RATIONALE, editor=editor)
    current = fresh(rejected)
    reviewing.reject(
        claim=current,
        reviewer=reviewer,
        expected_version=current.version,
        comment=REJECTION,
    )
    services.add_comment(claim=rejected, author=viewer, text=COMMENT)
    judge(draft, Verdict.VERIFIED, RATIONALE, editor=editor)
    judge(orphan, Verdict.DISPUTED, RATIONALE, editor=editor)

    versions.import_new_version(
        article=article,
        text="\n".join([S1, S2, S3, S4, S5_NEW, S7]),
        imported_by=editor,
    )
    other = services.import_article(
        text=f"{S1}\nFalcon Corp launched 7 rockets.",
        title="A second article",
        imported_by=editor,
        analyse=True,
    )
    craft_assistance(fresh(draft))
    return World(
        article=article,
        other=other,
        published=fresh(published),
        rejected=fresh(rejected),
        draft=fresh(draft),
        unreviewed=fresh(unreviewed),
        orphan=fresh(orphan),
    )


def propose(claim: Claim, editor, verdict: str, rationale: str, reason: str) -> None:
    current = fresh(claim)
    reviewing.propose_correction(
        claim=current,
        editor=editor,
        verdict=verdict,
        rationale=rationale,
        reason=reason,
        expected_version=current.version,
    )


def craft_assistance(claim: Claim) -> None:
    """A name-variant and a contradiction hint on the hostile words, and
    triage reasons naming them, stored as the analysis stores its own.

    The analysis marks the hostile sentences' figures itself, but the names
    and reasons it finds are words, never markup: these stand for the worst.
    """

    def span(words: str) -> dict:
        start = claim.start + claim.text.index(words)
        return {"start": start, "end": start + len(words), "text": words}

    name = {
        "type": "name_variant",
        "message": f"{SVG} may be a misspelling of {IMG}.",
        "spans": [span(SVG)],
        "variant": "misspelling",
        "forms": [{"text": IMG, "count": 3}, {"text": SVG, "count": 1}],
        "majority": IMG,
        "elsewhere": [],
        "suggested_verdict": Verdict.MISSTATED,
    }
    contradiction = {
        "type": "contradiction",
        "message": f"{ATTRIBUTE} contradicts {SVG}.",
        "spans": [span(ATTRIBUTE), span(SVG)],
    }
    Claim.objects.filter(pk=claim.pk).update(
        hints=[*claim.hints, name, contradiction],
        worth_reasons=[f"+name {IMG}", f"\u2212opinion {SCRIPT}", f"+{JSON_LD} x"],
    )


def side_of_diff(page: Page, selector: str, leave_out: str) -> str:
    """A diff's text without its insertions ("ins") or deletions ("del")."""
    return page.locator(selector).evaluate(
        """(diff, tag) => {
          const copy = diff.cloneNode(true);
          copy.querySelectorAll(tag).forEach((piece) => piece.remove());
          return copy.textContent;
        }""",
        leave_out,
    )


def test_desk_pages_show_hostile_text_as_text(
    open_page, editor, reviewer, world, page_errors
):
    page = open_page()
    watch = Watch(page)
    sign_in(page, editor.username)
    article = world.article

    watch.goto("/")
    row = page.locator("td.article-cell").filter(has_text="Title")
    expect(row.locator(".article-title")).to_have_text(TITLE)
    expect(row).to_contain_text(PUBLISHER)
    watch.goto(f"/?q={quote(SCRIPT)}")
    expect(page.locator("#q")).to_have_value(SCRIPT)
    expect(page.locator(".article-title")).to_have_text(TITLE)

    watch.goto(f"/articles/{article.pk}/")
    assert page.title().startswith(TITLE)
    expect(page.locator(".article-head h1")).to_have_text(TITLE)
    expect(page.locator(".article-head")).to_contain_text(PUBLISHER)
    original = page.locator(".article-head a", has_text="original")
    expect(original).to_have_attribute("href", ARTICLE_URL)
    for position, text in ((1, S1), (2, S2), (4, S4), (5, S5_NEW), (6, S7)):
        expect(unit_of(page, claim_of(article, position))).to_contain_text(text)
    draft_span = unit_of(page, world.draft)
    expect(draft_span).to_contain_text(S3)
    expect(draft_span.locator("mark.name-variant")).to_have_text(SVG)
    expect(draft_span.locator("mark.fig-percent")).to_have_text("12%")
    expect(page.locator(f"#orphan-{world.orphan.pk} .orphan-text")).to_have_text(S6)
    watch.hover(".article-head a")

    # The rejected draft: its rejection, rationale, source and edit forms.
    watch.goto(f"/articles/{article.pk}/?claim={world.rejected.public_id}")
    panel = page.locator("#panel")
    expect(panel.locator("#claim-text")).to_have_text(S2)
    expect(panel.locator("#rejection-note .rationale-text")).to_have_text(REJECTION)
    expect(panel.locator("textarea[name=rationale]")).to_have_value(RATIONALE)
    source = panel.locator(".sources .source")
    expect(source.locator("p > a")).to_have_text(SOURCE["title"])
    expect(source.locator("p > a")).to_have_attribute("href", SOURCE_URL)
    expect(source).to_contain_text(SOURCE["publisher"])
    expect(source.locator("blockquote.quote")).to_have_text(SOURCE["quote"])
    edit = source.locator("form.source-form")
    for field in ("url", "title", "publisher", "quote"):
        expect(edit.locator(f"[name={field}]")).to_have_value(SOURCE[field])
    watch.hover("#panel .sources .source p > a")

    # Its discussion and history tabs, swapped in by htmx.
    page.click("#tab-discussion")
    comments = page.locator("#comments .comment-text")
    expect(comments).to_have_text([REJECTION, COMMENT])
    watch.check()
    page.click("#tab-history")
    expect(page.locator("#timeline")).to_contain_text(RATIONALE)
    expect(page.locator("#timeline")).to_contain_text(SOURCE["quote"])
    watch.check()

    # The published claim: its corrected verdict, the pending correction and
    # a history with every hostile value and comment.
    watch.goto(f"/articles/{article.pk}/?claim={world.published.public_id}&tab=history")
    timeline = page.locator("#timeline")
    for text in (RATIONALE, CORRECTED, REASON, PENDING_REASON, APPROVAL, S1):
        expect(timeline).to_contain_text(text)
    page.click("#tab-details")
    expect(page.locator("#verdict-view .rationale-text")).to_have_text(CORRECTED)
    pending = page.locator("#pending-correction")
    expect(pending.locator(".rationale-text")).to_have_text(PENDING)
    expect(pending.locator(".correction-reason")).to_have_text(PENDING_REASON)
    watch.check()

    # Hints and triage reasons on the hostile words.
    watch.goto(f"/articles/{article.pk}/?claim={world.draft.public_id}")
    hints = page.locator("#hints")
    expect(hints.locator(".hint-name .hint-message")).to_have_text(
        f"\u201c{SVG}\u201d is probably a misspelling of \u201c{IMG}\u201d."
    )
    expect(hints.locator(".name-form.usual")).to_have_text(f"{IMG} \u00d73")
    expect(hints.locator(".hint-contradiction .fig-chip")).to_have_text(
        [ATTRIBUTE, SVG]
    )
    expect(page.locator("#worth-reasons .reason")).to_have_text(REASONS)
    page.keyboard.press("m")  # the hint's suggestion fills the form
    expect(page.locator("#panel textarea[name=rationale]")).to_have_value(
        re.compile(re.escape(IMG))
    )
    watch.check()
    watch.goto(f"/articles/{article.pk}/?view=triage")
    row = page.locator(f"#triage-{world.draft.pk}")
    expect(row.locator(".triage-claim")).to_contain_text(S3)
    expect(row.locator(".reason")).to_have_text(REASONS)

    # The same sentence in another article names the first one's title.
    claim = claim_of(world.other, 1)
    watch.goto(f"/articles/{world.other.pk}/?claim={claim.public_id}")
    box = page.locator(f"#checked-before-{world.published.pk}")
    expect(box.locator(".checked-before-link")).to_have_text(f"\u201c{TITLE}\u201d")

    watch.goto("/queue/")
    mine = page.locator("#my-queue")
    expect(mine.locator(".queue-article-title a")).to_have_text(TITLE)
    expect(mine.locator(f"#queue-claim-{world.rejected.pk}")).to_contain_text(S2[:100])
    expect(mine.locator(f"#queue-claim-{world.unreviewed.pk}")).to_contain_text(S4)

    watch.goto(f"/search/?q={quote(SCRIPT)}")
    expect(page.locator("#search-q")).to_have_value(SCRIPT)
    assert page.title().startswith(SCRIPT)
    found = page.locator(f"#result-{world.unreviewed.pk}")
    expect(found.locator(".result-claim")).to_have_text(S4)
    expect(found.locator(".result-claim mark")).to_have_text(SCRIPT)
    expect(found.locator(".result-article")).to_have_text(TITLE)
    rationale = page.locator(f"#result-{world.rejected.pk} .result-rationale mark")
    expect(rationale).to_have_text([SCRIPT] * RATIONALE.count(SCRIPT))
    # Several hostile words: each highlighted on its own.
    watch.goto(f"/search/?q={quote(IMG)}")
    expect(page.locator("#search-q")).to_have_value(IMG)
    marks = page.locator(f"#result-{world.rejected.pk} .result-claim mark")
    expect(marks).to_have_text(["<img", "src=x", 'onerror="__xss=1;alert(1)">'])
    expect(
        page.locator(f"#result-{world.published.pk} .result-source")
    ).to_contain_text(SOURCE["title"])

    watch.goto(f"/articles/{article.pk}/versions/1/")
    assert S6 in side_of_diff(page, "#diff", "ins")
    assert S7 in side_of_diff(page, "#diff", "del")

    assert watch.problems == []
    assert page_errors == []


def test_review_queue_and_panel_show_hostile_text_as_text(
    open_page, reviewer, world, page_errors
):
    page = open_page()
    watch = Watch(page)
    sign_in(page, reviewer.username)

    watch.goto("/queue/")
    review = page.locator("#review-queue")
    expect(review.locator(".queue-article-title a")).to_have_text(TITLE)
    expect(review.locator(f"#review-claim-{world.draft.pk}")).to_contain_text(S3[:100])
    expect(review.locator(f"#review-claim-{world.published.pk}")).to_contain_text(
        S1[:100]
    )
    watch.goto(f"/articles/{world.article.pk}/?claim={world.published.public_id}")
    expect(page.locator("#approve-button")).to_have_text("Approve correction")
    expect(page.locator("#pending-correction .correction-reason")).to_have_text(
        PENDING_REASON
    )

    # Approved with a hostile comment (its rationale quotes the article, so
    # it needs no source), then rejected with another: both shown as text.
    watch.goto(f"/articles/{world.article.pk}/?claim={world.draft.public_id}")
    page.fill("#review-comment", TEXTAREA)
    page.click("#approve-button")
    expect(page.locator("#claim-status")).to_have_text("Approved")
    watch.check()
    page.fill("#review-comment", REJECTION)
    page.click("#reject-button")
    expect(page.locator("#claim-status")).to_have_text("Rejected")
    expect(page.locator("#rejection-note .rationale-text")).to_have_text(REJECTION)
    watch.check()
    page.click("#tab-history")
    comments = page.locator("#timeline .event-comment")
    expect(comments).to_have_text([REJECTION, TEXTAREA])
    watch.check()

    assert watch.problems == []
    assert page_errors == []


def test_public_report_keeps_hostile_text_inside_its_json_ld(
    open_page, world, page_errors
):
    page = open_page()
    watch = Watch(page)

    watch.goto(f"/r/{world.article.pk}/")

    scripts = page.locator("script")
    reviews = page.locator('script[type="application/ld+json"]')
    expect(reviews).to_have_count(1)
    expect(scripts).to_have_count(3)  # htmx, the app and the ClaimReview
    (review,) = [json.loads(text) for text in reviews.all_text_contents()]
    assert review["claimReviewed"] == S1
    assert review["reviewBody"] == CORRECTED
    assert review["itemReviewed"]["author"]["name"] == PUBLISHER
    assert review["itemReviewed"]["appearance"]["url"] == ARTICLE_URL
    expect(page.locator(".report h1")).to_have_text(TITLE)
    expect(page.locator(".report header")).to_contain_text(PUBLISHER)
    expect(page.locator(".report header a")).to_have_attribute("href", ARTICLE_URL)
    finding = page.locator(f"#claim-{world.published.public_id}")
    expect(finding.locator(":scope > blockquote")).to_have_text(S1)
    expect(finding.locator(".rationale-text")).to_have_text(CORRECTED)
    link = finding.locator(".report-sources a")
    expect(link).to_have_text(SOURCE["title"])
    expect(link).to_have_attribute("href", SOURCE_URL)
    expect(finding.locator(".report-sources")).to_contain_text(SOURCE["publisher"])
    expect(finding.locator(".report-sources .quote")).to_have_text(SOURCE["quote"])
    correction = page.locator("#corrections li.correction")
    expect(correction.locator(".correction-reason")).to_have_text(REASON)
    expect(correction.locator("del.rationale-text")).to_have_text(RATIONALE)
    expect(correction.locator("ins.rationale-text")).to_have_text(CORRECTED)
    expect(correction.locator(".correction-claim")).to_have_text(S1)
    expect(page.locator(".report-text a.unit")).to_contain_text(S1)
    expect(page.locator(".report-text")).to_contain_text(S2)
    watch.hover(".report a[href^=http]")

    assert watch.problems == []
    assert page_errors == []


def test_admin_pages_show_hostile_text_as_text(open_page, world, page_errors):
    UserFactory(username="boss", role="admin", is_staff=True)
    page = open_page()
    watch = Watch(page)
    sign_in(page, "boss")

    watch.goto(f"/admin/annotations/article/{world.article.pk}/change/")
    expect(page.locator("#id_title")).to_have_value(TITLE)
    expect(page.locator("#id_publisher")).to_have_value(PUBLISHER)
    expect(page.locator("#id_url")).to_have_value(ARTICLE_URL)
    expect(page.locator(".field-text .readonly")).to_contain_text(S7)
    expect(page.locator("#claims-group")).to_contain_text(S4)
    # The admin refuses a javascript: address too, and keeps the old one.
    page.fill("#id_url", "javascript:alert(1)")
    page.click("input[name=_continue]")
    expect(page.locator(".field-url .errorlist")).to_be_visible()
    watch.check()
    assert Article.objects.get(pk=world.article.pk).url == ARTICLE_URL

    watch.goto(f"/admin/annotations/claim/{world.rejected.pk}/change/")
    expect(page.locator("#id_rationale")).to_have_value(RATIONALE)
    expect(page.locator(".field-text .readonly")).to_have_text(S2)
    for field in ("url", "title", "publisher", "quote"):
        expect(page.locator(f"#id_sources-0-{field}")).to_have_value(SOURCE[field])
    watch.goto(f"/admin/annotations/claim/{world.draft.pk}/change/")
    hints = page.locator(".claim-hints")
    expect(hints).to_contain_text(f"{SVG} may be a misspelling of {IMG}.")
    expect(hints).to_contain_text(f"\u201c{ATTRIBUTE}\u201d")
    expect(page.locator(".field-checkworthiness")).to_contain_text(f"+{JSON_LD} x")

    for path, text in (
        ("article/", TITLE[:40]),
        ("claim/", S2[:60]),
        ("correction/", REASON[:40]),
        ("comment/", COMMENT[:40]),
        (f"claim/{world.published.pk}/history/", APPROVAL),
        ("source/", SOURCE["title"][:40]),
    ):
        watch.goto(f"/admin/annotations/{path}")
        expect(page.locator("#content")).to_contain_text(text)
    expect(page.locator("#result_list td.field-link a").first).to_have_attribute(
        "href", SOURCE_URL
    )
    watch.hover("#result_list td.field-link a")

    assert watch.problems == []
    assert page_errors == []


def test_forms_give_hostile_input_back_as_text(
    open_page, live_server, editor, world, page_errors
):
    page = open_page()
    watch = Watch(page)
    sign_in(page, editor.username)

    # An import's preview, and the import itself.
    watch.goto("/articles/new/")
    text = f"{S4}\n{S6}\nAnd {TEXTAREA} is the last line."
    page.fill("#id_title", TITLE)
    page.fill("#id_publisher", PUBLISHER)
    page.fill("#id_text", text)
    page.get_by_role("button", name="Preview the split").click()
    units = page.locator(".preview-units li")
    expect(units).to_have_count(3)
    expect(units.nth(0)).to_contain_text(S4)
    expect(units.nth(2)).to_contain_text(TEXTAREA)
    expect(page.locator("#id_text")).to_have_value(text)
    expect(page.locator("#id_title")).to_have_value(TITLE)
    watch.check()
    page.get_by_role("button", name="Import", exact=True).click()
    page.wait_for_url(re.compile(r"/articles/\d+/$"))
    expect(page.locator(".message-success")).to_have_text(
        f"Imported \u201c{TITLE}\u201d."
    )
    watch.check()

    # A new version's preview.
    article = Article.objects.get(pk=world.article.pk)
    watch.goto(f"/articles/{article.pk}/versions/new/")
    added = f"\nFoxglove bought 2 mills {TEXTAREA} in June."
    new_text = article.text + added
    page.fill("#version-form textarea[name=text]", new_text)
    page.click("#preview-button")
    expect(page.locator("#diff ins.diff-ins")).to_have_text(added)
    expect(page.locator("#version-form textarea[name=text]")).to_have_value(new_text)
    watch.check()

    # A source address that is not http(s) is refused, the typed values kept.
    watch.goto(f"/articles/{article.pk}/?claim={world.unreviewed.public_id}")
    page.locator("#add-source summary").click()
    page.fill("#src-new-url", "javascript:alert(1)")
    page.fill("#src-new-title", SOURCE["title"])
    page.fill("#src-new-quote", SOURCE["quote"])
    page.locator("#add-source").get_by_role("button", name="Save source").click()
    error = page.locator("#add-source .error")
    expect(error).to_have_text(
        "Enter a full http:// or https:// address (got 'javascript:alert(1)')."
    )
    expect(page.locator("#src-new-title")).to_have_value(SOURCE["title"])
    expect(page.locator("#src-new-quote")).to_have_value(SOURCE["quote"])
    expect(page.locator("#panel .sources .source")).to_have_count(0)
    watch.check()
    assert not Source.objects.filter(claim=world.unreviewed).exists()

    # A bad date is said back with what was typed.
    bad = f"/search/?q=x&from={quote(SCRIPT)}"
    watch.goto(bad, status=400)
    expect(page.locator("#search-from-error")).to_contain_text(f"\u201c{SCRIPT}\u201d")

    # The sign-in page keeps a hostile "next" inside its value.
    page.context.clear_cookies()
    watch.goto(f"/accounts/login/?next={quote(SVG)}")
    expect(page.locator("main input[name=next]")).to_have_value(SVG)

    assert watch.problems == []
    # The 400 is the answer meant for bad input; Chromium notes it.
    assert page_errors == [
        f"console error on {live_server.url}{bad}: Failed to load "
        "resource: the server responded with a status of 400 (Bad Request)"
    ]


def test_the_watch_sees_an_injection_blocked_or_run(
    chromium, live_server, open_page, page_errors
):
    # Markup injected into a real page: the CSP blocks its handler, and the
    # watch still reports the markup, the violation and the console error.
    page = open_page()
    watch = Watch(page)
    watch.goto("/accounts/login/")
    page.locator("main").evaluate("(main, html) => { main.innerHTML += html; }", IMG)
    page.wait_for_function("() => window.__violations.length > 0")
    watch.check()
    assert "injected img[onerror] on " + page.url in watch.problems
    assert any(problem.startswith("CSP violation") for problem in watch.problems)
    assert any("Content Security Policy" in error for error in page_errors)

    # Without the CSP the handler runs: the dialog and the flag are seen.
    context = chromium.new_context(base_url=live_server.url, bypass_csp=True)
    try:
        page = context.new_page()
        watch = Watch(page)
        watch.goto("/accounts/login/")
        page.locator("main").evaluate(
            "(main, html) => { main.innerHTML += html; }", IMG
        )
        page.wait_for_function("() => window.__xss === 1")
        watch.check()
    finally:
        context.close()
    assert any(problem.startswith("alert on ") for problem in watch.problems)
    assert any(problem.startswith("__xss=1 on ") for problem in watch.problems)


@pytest.mark.parametrize("url", NOT_HTTP)
def test_addresses_other_than_http_are_refused(db, url):
    editor = UserFactory(username="editor", role="editor")
    article = services.import_article(
        text="Nexusflow raised $10.6 million.", title="Safe", analyse=False
    )
    claim = claim_of(article, 1)
    api = APIClient()
    api.force_authenticate(editor)

    with pytest.raises(ValidationError) as refused:
        services.add_source(claim=claim, url=url, title="Evidence", added_by=editor)
    with pytest.raises(ImportRefused) as not_imported:
        services.import_article(text="Another text.", title="Bad", url=url)
    response = api.post(
        f"/api/v1/claims/{claim.pk}/sources/",
        {"url": url, "title": "Evidence"},
        format="json",
    )

    assert refused.value.code == "url"
    assert not_imported.value.code == "url"
    assert response.status_code == 400 and "url" in response.json()
    assert not Source.objects.exists()
    assert Article.objects.count() == 1
