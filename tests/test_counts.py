"""Counts that explain themselves: one breakdown of an article's units
(counting.UnitCounts) in the same words on every page; the public report
without page furniture and with a real page when nothing is published;
review buttons that say why they are disabled; the queue's unassigned claims
to check; imports without a title."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation

from annotations import demo, importing, queries, ratings
from annotations.counting import UnitCounts
from annotations.models import Article, Kind, Rating, Status, Verdict
from annotations.services import reviewing
from annotations.web import layout

from .factories import (
    ArticleFactory,
    UserFactory,
    add_source,
    claim_of,
    fresh,
    judge,
    publish,
    sentences,
)
from .helpers import body_of

pytestmark = pytest.mark.django_db

DEMO_SUMMARY = (
    "55 units: 24 claims to check, 26 opinions, 5 headings and page furniture"
)
DEMO_PROGRESS = "17 of 24 claims checked"
SPAM = "\u7092\u80a1\u6760\u6746app"  # 炒股杠杆app, the demo's spam footer


def summaries(body: str) -> list[str]:
    """The text of every unit summary on a page."""
    return re.findall(r'class="[^"]*unit-summary[^"]*"[^>]*>([^<]*)<', body)


@pytest.fixture(autouse=True)
def _in_english():
    """Words are compared in English, whatever a request before left active."""
    with translation.override("en"):
        yield


@pytest.fixture
def demo_article(db, settings) -> Article:
    settings.DEBUG = True
    demo.create_demo_accounts(password="demo-pass-123")
    article, _created = demo.load_demo_article()
    return article


# The breakdown ----------------------------------------------------------------


def test_the_demo_breaks_down_into_claims_opinions_and_furniture(demo_article):
    counts = queries.unit_counts(demo_article)
    assert (counts.units, counts.claims, counts.opinions, counts.furniture) == (
        55,
        24,
        26,
        5,
    )
    assert counts.summary == DEMO_SUMMARY
    assert counts.progress == DEMO_PROGRESS


def test_the_one_article_and_the_dashboard_row_give_the_same_breakdown(
    demo_article,
):
    row = queries.articles_with_counts().get(pk=demo_article.pk)
    assert UnitCounts.of_article(row) == queries.unit_counts(demo_article)


def test_a_scale_of_many_retired_ratings_is_still_counted(demo_article, editor):
    # A JSON object is a function call of two arguments a key; PostgreSQL
    # takes at most 100, and retired ratings are never deleted.
    for n in range(60):
        Rating.objects.create(
            key=f"old_{n}",
            label_en=f"Old {n}",
            label_zh=f"旧 {n}",
            icon="o",
            colour="#777777",
            digit=1,
            retired=True,
            rating_value=1,
            best_rating=2,
            worst_rating=1,
        )
    ratings.forget_scale()
    row = queries.articles_with_counts().get(pk=demo_article.pk)
    counts = queries.unit_counts(demo_article)
    assert UnitCounts.of_article(row) == counts
    assert len(counts.given) == len(ratings.all_keys()) == 63
    assert counts.given["old_59"] == 0


def test_the_breakdown_speaks_chinese():
    counts = UnitCounts(
        units=3,
        claims=1,
        opinions=1,
        checked=0,
        off_claim_verdicts=1,
    )
    with translation.override("zh-hans"):
        assert counts.summary == (
            "3 个单元：1 条待核查陈述、1 条观点、1 条标题及页面杂项"
        )
        assert counts.progress == "已核查 0 / 1 条陈述"
        assert counts.off_claim_note.startswith("1 条结论给了不属于待核查陈述的单元")


def test_a_verdict_on_an_opinion_is_counted_apart_not_as_progress(editor):
    article = ArticleFactory(text=sentences(3))
    opinion = claim_of(article, 2)
    _set_kind(opinion, Kind.OPINION)
    judge(opinion, Verdict.VERIFIED, editor=editor)
    counts = queries.unit_counts(article)
    assert (counts.claims, counts.checked, counts.of(Verdict.VERIFIED)) == (2, 0, 0)
    assert counts.off_claim_verdicts == 1
    assert counts.verdicts[Verdict.UNREVIEWED] == 2
    assert "1 verdict on a unit that is not a claim to check" in counts.off_claim_note


def test_the_workspace_shows_a_verdict_on_an_opinion_beside_zero_checked(
    editor_client, editor
):
    article = ArticleFactory(text=sentences(3))
    opinion = claim_of(article, 1)
    _set_kind(opinion, Kind.OPINION)
    judge(opinion, Verdict.VERIFIED, editor=editor)
    body = body_of(editor_client.get(reverse("desk:workspace", args=[article.pk])))
    assert "0 of 2 claims checked" in body
    # The ✓ legend counts claims to check only: 0, and the verdict is said aloud.
    assert re.search(
        r'legend-verified"[^>]*><span aria-hidden="true">✓</span> 0<', body
    )
    assert "1 verdict on a unit that is not a claim to check" in body
    panel = editor_client.get(
        reverse("desk:workspace", args=[article.pk]) + f"?claim={opinion.public_id}"
    )
    assert 'id="opinion-note"' in body_of(panel)


def _set_kind(claim, kind: str) -> None:
    from annotations import services

    current = fresh(claim)
    services.set_kind(
        claim=current,
        kind=kind,
        editor=None,
        expected_version=current.version,
        analyse=False,
    )


def test_dashboard_workspace_triage_and_report_say_the_same_breakdown(
    client, demo_article
):
    client.force_login(UserFactory(username="reviewer", role="reviewer"))
    workspace = reverse("desk:workspace", args=[demo_article.pk])
    pages = {
        "dashboard": body_of(client.get(reverse("desk:dashboard"))),
        "workspace": body_of(client.get(workspace)),
        "triage": body_of(client.get(workspace + "?view=triage")),
        "report": body_of(client.get(reverse("desk:report", args=[demo_article.pk]))),
    }
    for name, body in pages.items():
        assert DEMO_SUMMARY in summaries(body), name
    for name in ("dashboard", "workspace", "triage"):
        assert DEMO_PROGRESS in pages[name], name
    # The triage list holds the claims to check and the opinions: 24 + 26.
    assert len(re.findall(r'<li class="triage-row', pages["triage"])) == 50


def test_dashboard_queries_do_not_grow_with_articles(
    editor_client, django_assert_max_num_queries
):
    for n in range(25):
        ArticleFactory(text=sentences(2, start=n * 10))
    with django_assert_max_num_queries(8):
        response = editor_client.get(reverse("desk:dashboard"))
    assert len(summaries(body_of(response))) == 20


# The public report ------------------------------------------------------------


def test_the_report_drops_page_furniture_and_keeps_headings(client, demo_article):
    body = body_of(client.get(reverse("desk:report", args=[demo_article.pk])))
    assert SPAM not in body
    heading = demo_article.claims.filter(kind=Kind.HEADING).first()
    assert heading.text in body


def test_without_furniture_drops_a_line_left_empty_and_keeps_the_rest():
    claims = [
        _unit(0, 5, Kind.HEADING),
        _unit(6, 11, Kind.BOILERPLATE),
        _unit(12, 17, Kind.CLAIM),
        _unit(18, 23, Kind.NAVIGATION),
    ]
    text = "Title\nSpam!\nSaid.\nHome."
    lines = layout.without_furniture(layout.paragraphs(text, claims))
    assert [[piece.text for piece in line] for line in lines] == [["Title"], ["Said."]]


def _unit(start: int, end: int, kind: str):
    from annotations.models import Claim

    text = "Title\nSpam!\nSaid.\nHome."[start:end]
    return Claim(start=start, end=end, text=text, kind=kind)


def test_an_unpublished_report_is_a_real_page_that_says_so(client):
    article = ArticleFactory(title="Budget story", text=sentences(2))
    response = client.get(reverse("desk:report", args=[article.pk]))
    assert response.status_code == 404
    body = body_of(response)
    assert "Nothing published yet" in body
    # Off the desk, nothing tells whether the article exists.
    assert "Budget story" not in body
    assert 'id="open-workspace"' not in body


def test_an_unpublished_report_says_so_in_chinese(client):
    article = ArticleFactory(text=sentences(2))
    url = reverse("desk:report", args=[article.pk])
    body = body_of(client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans"))
    assert "尚未发布任何内容" in body


def test_an_unpublished_report_offers_the_desk_the_workspace(editor_client):
    article = ArticleFactory(title="Budget story", text=sentences(2))
    response = editor_client.get(reverse("desk:report", args=[article.pk]))
    assert response.status_code == 404
    body = body_of(response)
    assert "Budget story" in body
    assert f'href="{reverse("desk:workspace", args=[article.pk])}"' in body


def test_the_report_of_no_article_is_the_same_real_page(editor_client):
    response = editor_client.get(reverse("desk:report", args=[999999]))
    assert response.status_code == 404
    assert "Nothing published yet" in body_of(response)


# Review buttons ---------------------------------------------------------------


def test_approval_refusal_names_the_rule_that_holds(editor, reviewer):
    article = ArticleFactory(text=sentences(3))
    own = claim_of(article, 1)
    add_source(own, added_by=reviewer)
    judge(own, Verdict.DISPUTED, editor=reviewer)
    no_source = claim_of(article, 2)
    judge(no_source, Verdict.DISPUTED, editor=editor)
    ready = claim_of(article, 3)
    add_source(ready, added_by=editor)
    judge(ready, Verdict.DISPUTED, editor=editor)

    def refusal(claim):
        return reviewing.approval_refusal(fresh(claim), reviewer)

    assert refusal(own) == str(reviewing.CANNOT_APPROVE_OWN_VERDICT)
    assert refusal(no_source) == str(reviewing.SOURCE_REQUIRED)
    assert refusal(ready) == ""


def test_approve_is_disabled_with_the_reason_when_a_source_is_missing(
    client, editor, reviewer
):
    article = ArticleFactory(text=sentences(2))
    claim = claim_of(article, 1)
    judge(claim, Verdict.DISPUTED, editor=editor)
    client.force_login(reviewer)
    url = reverse("desk:workspace", args=[article.pk]) + f"?claim={claim.public_id}"
    body = body_of(client.get(url))
    button = re.search(r"<button[^>]*id=\"approve-button\"[^>]*>", body).group(0)
    assert "disabled" in button and "primary" not in button
    assert 'id="approve-why"' in body
    assert "Add at least one source before approving." in body


def test_approve_stays_primary_when_the_reviewer_may_approve(client, editor, reviewer):
    article = ArticleFactory(text=sentences(2))
    claim = claim_of(article, 1)
    add_source(claim, added_by=editor)
    judge(claim, Verdict.DISPUTED, editor=editor)
    client.force_login(reviewer)
    url = reverse("desk:workspace", args=[article.pk]) + f"?claim={claim.public_id}"
    button = re.search(
        r"<button[^>]*id=\"approve-button\"[^>]*>", body_of(client.get(url))
    ).group(0)
    assert "disabled" not in button and "primary" in button


# My queue ---------------------------------------------------------------------


def test_the_queue_lists_unassigned_claims_in_articles_i_gave_verdicts_in(
    client, editor
):
    mine = ArticleFactory(text=sentences(3))
    judge(claim_of(mine, 1), Verdict.VERIFIED, editor=editor)
    _set_kind(claim_of(mine, 3), Kind.OPINION)
    elsewhere = ArticleFactory(text=sentences(2, start=50))
    client.force_login(editor)
    body = body_of(client.get(reverse("desk:queue")))
    rows = re.findall(r'id="unassigned-claim-(\d+)"', body)
    # The unchecked claim to check of my article; not the opinion, not the
    # checked one, not another article's.
    assert rows == [str(claim_of(mine, 2).pk)]
    assert str(claim_of(elsewhere, 1).pk) not in rows
    next_link = re.search(
        r'<a class="button primary" id="next-claim" href="([^"]+)"', body
    )
    assert f"claim={claim_of(mine, 2).public_id}" in next_link.group(1)


def test_the_next_claim_is_disabled_when_nothing_waits(client, editor):
    client.force_login(editor)
    body = body_of(client.get(reverse("desk:queue")))
    assert re.search(r'<button[^>]*id="next-claim" disabled', body)
    assert "No claim to check is waiting for you." in body


def test_the_queue_queries_do_not_grow_with_articles(
    client, editor, django_assert_max_num_queries
):
    for n in range(12):
        article = ArticleFactory(text=sentences(3, start=n * 10), imported_by=editor)
        judge(claim_of(article, 1), Verdict.VERIFIED, editor=editor)
    client.force_login(editor)
    with django_assert_max_num_queries(10):
        body = body_of(client.get(reverse("desk:queue")))
    assert len(re.findall(r'id="unassigned-claim-', body)) == 24


# Imports without a title ------------------------------------------------------


def test_a_short_first_line_followed_by_body_text_is_a_heading():
    text = "Nvidia hires two scientists\nThe two joined on June 28, the company said."
    assert importing.first_line_heading(text) == "Nvidia hires two scientists"
    chinese = "两位科学家加入英伟达\n6月28日，两位科学家同一天宣布加入英伟达。"
    assert importing.first_line_heading(chinese) == "两位科学家加入英伟达"


@pytest.mark.parametrize(
    "text",
    [
        "A whole sentence ends here.\nThe body follows with more words than it.",
        "两位科学家加入英伟达。\n6月28日，两位科学家同一天宣布加入英伟达。",
        "Only one line",
        "A long first line\nShort",
        "x" * 81 + "\n" + "y" * 200,
    ],
)
def test_other_first_lines_are_not_headings(text):
    assert importing.first_line_heading(text) == ""


def test_the_default_title_is_the_first_heading_else_the_first_line():
    assert importing.default_title("\n  First line.\nSecond.") == "First line."
    text = "By Jane\nThe Budget\nBody."
    assert importing.default_title(text, ["The Budget"]) == "The Budget"
    assert len(importing.default_title("w" * 400)) == importing.TITLE_MAX_CHARS
    # A section heading far down is no title.
    text = "One.\nTwo.\nThree.\nFour.\nBackground\nFive."
    assert importing.default_title(text, ["Background"]) == "One."


def test_an_import_without_a_title_takes_its_first_line_as_heading_and_title(
    editor_client,
):
    # A comma: the segmenter alone takes this line for a sentence.
    text = "两位清华学者，同日加入英伟达\n6月28日，两位科学家同一天宣布加入英伟达。"
    response = editor_client.post(
        reverse("desk:article_new"), {"title": "", "text": text, "import": "1"}
    )
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.title == "两位清华学者，同日加入英伟达"
    first = article.claims.get(position=1)
    assert (first.kind, first.kind_reason) == (Kind.HEADING, "first line")


def test_page_furniture_on_the_first_line_keeps_its_kind(editor_client):
    text = "By Jane Smith\nThe parliament passed the budget on Friday, 90 to 60."
    editor_client.post(reverse("desk:article_new"), {"text": text, "import": "1"})
    first = Article.objects.get().claims.get(position=1)
    assert first.kind == Kind.BYLINE


def test_the_preview_shows_the_default_title_to_edit_and_takes_focus(editor_client):
    text = "Budget passes\nThe parliament passed the budget on Friday, 90 to 60."
    response = editor_client.post(
        reverse("desk:article_new"), {"title": "", "text": text, "preview": "1"}
    )
    body = body_of(response)
    assert not Article.objects.exists()
    assert re.search(r'<input[^>]*name="title"[^>]*value="Budget passes"', body)
    assert re.search(r'<h2 id="preview-title" tabindex="-1" autofocus>', body)
    assert "The title will be “Budget passes” (edit it above)." in body


def test_publishing_marks_nothing_on_the_counts_of_other_units(editor, reviewer):
    article = ArticleFactory(text=sentences(2))
    claim = claim_of(article, 1)
    add_source(claim, added_by=editor)
    judge(claim, Verdict.VERIFIED, editor=editor)
    publish(claim, reviewer)
    counts = queries.unit_counts(article)
    assert (counts.checked, counts.of(Verdict.VERIFIED), counts.status_published) == (
        1,
        1,
        1,
    )
    assert fresh(claim).status == Status.PUBLISHED
