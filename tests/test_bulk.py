"""Bulk actions in the workspace: one form, one service call per claim.

Each claim keeps its own rules (two-person rule, versions, published
verdicts frozen); the page says what was done and what was refused, and why.
"""

import html

import pytest
from django.test import Client
from django.urls import reverse

from annotations.models import Claim, Job, Kind, Status, Verdict
from annotations.services import bulk, reviewing

from .factories import (
    ArticleFactory,
    UserFactory,
    add_source,
    approve,
    claim_of,
    fresh,
    judge,
    publish,
    sentences,
)
from .helpers import count_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def article(editor):
    return ArticleFactory(text=sentences(6), imported_by=editor)


@pytest.fixture
def reviewer_client(client, reviewer):
    client.force_login(reviewer)
    return client


def selection(*claims: Claim) -> list[str]:
    """The checkboxes' values: each claim's id and the version the page showed."""
    return [f"{claim.pk}:{fresh(claim).version}" for claim in claims]


def bulk_post(client, article, claims: list[str], **fields):
    return client.post(
        reverse("desk:article_bulk", args=[article.pk]), {"claims": claims, **fields}
    )


def followed(client, article, claims, **fields) -> str:
    """The workspace the bulk action returns to, with its messages."""
    response = bulk_post(client, article, claims, **fields)
    assert response.status_code == 302
    assert response["Location"] == f"/articles/{article.pk}/#bulk"
    return client.get(response["Location"]).content.decode()


def draft(claim: Claim, editor) -> Claim:
    judge(claim, Verdict.VERIFIED, editor=editor)
    add_source(claim, added_by=editor)
    return fresh(claim)


def test_bulk_marks_several_lines_as_boilerplate(editor_client, article):
    lines = [claim_of(article, n) for n in (1, 2, 3)]
    before = [fresh(line).version for line in lines]
    page = followed(
        editor_client, article, selection(*lines), action="kind", kind=Kind.BOILERPLATE
    )
    assert "3 kinds changed." in page
    for line, version in zip(lines, before, strict=True):
        assert fresh(line).kind == Kind.BOILERPLATE
        assert fresh(line).version == version + 1
    assert fresh(claim_of(article, 4)).kind == Kind.CLAIM


def test_bulk_kind_change_queues_one_analysis_for_all(editor_client, article):
    jobs_before = Job.objects.count()
    bulk_post(
        editor_client,
        article,
        selection(*[claim_of(article, n) for n in (1, 2, 3)]),
        action="kind",
        kind=Kind.HEADING,
    )
    assert Job.objects.count() - jobs_before <= 1


def test_bulk_kind_changes_are_in_each_claims_history(editor_client, editor, article):
    line = claim_of(article, 2)
    bulk_post(editor_client, article, selection(line), action="kind", kind="heading")
    record = Claim.history.filter(id=line.pk).order_by("-history_id").first()
    assert record.kind == Kind.HEADING
    assert record.history_user == editor


def test_bulk_approve_reports_each_refusal_with_its_reason(
    reviewer_client, reviewer, editor, article
):
    theirs = [draft(claim_of(article, n), editor) for n in (1, 2)]
    own = draft(claim_of(article, 3), reviewer)
    page = followed(reviewer_client, article, selection(*theirs, own), action="approve")
    assert "2 approved; 1 refused:" in page
    assert f"Claim 3: {reviewing.OWN_VERDICT}" in page
    assert [fresh(c).status for c in theirs] == [Status.APPROVED, Status.APPROVED]
    assert fresh(own).status == Status.DRAFT


def test_bulk_approve_refuses_a_claim_changed_since_the_page_showed_it(
    reviewer_client, editor, article
):
    claim = draft(claim_of(article, 1), editor)
    shown = selection(claim)
    judge(claim, Verdict.DISPUTED, "Second thoughts.", editor=editor)
    page = followed(reviewer_client, article, shown, action="approve")
    assert "0 approved; 1 refused:" in page
    assert "was changed by someone else" in page
    assert fresh(claim).status == Status.DRAFT


def test_bulk_publish_publishes_approved_and_refuses_drafts(
    reviewer_client, editor, article
):
    approved = approve(draft(claim_of(article, 1), editor))
    waiting = draft(claim_of(article, 2), editor)
    page = followed(
        reviewer_client, article, selection(approved, waiting), action="publish"
    )
    assert "1 published; 1 refused:" in page
    assert "Claim 2: Claim 2 is Draft: only approved verdicts are published." in page
    assert fresh(approved).status == Status.PUBLISHED


def test_bulk_kind_refuses_published_claims(editor_client, editor, article):
    published = publish(approve(draft(claim_of(article, 1), editor)))
    page = followed(
        editor_client, article, selection(published), action="kind", kind="heading"
    )
    assert "0 kinds changed; 1 refused:" in page
    assert "This verdict is published, so it is frozen" in page
    assert fresh(published).kind == Kind.CLAIM


def test_bulk_assigns_to_an_editor(editor_client, editor, article):
    other = UserFactory(username="second", role="editor")
    lines = [claim_of(article, n) for n in (4, 5)]
    page = followed(
        editor_client, article, selection(*lines), action="assign", assignee=other.pk
    )
    assert "2 assigned." in page
    assert [fresh(line).assignee for line in lines] == [other, other]


def test_bulk_refuses_claims_of_another_article(editor_client, editor, article):
    elsewhere = claim_of(ArticleFactory(imported_by=editor), 1)
    page = followed(
        editor_client,
        article,
        selection(elsewhere, claim_of(article, 1)),
        action="kind",
        kind="heading",
    )
    assert "1 kind changed; 1 refused:" in page
    assert str(bulk.NOT_IN_ARTICLE) in html.unescape(page)
    assert fresh(elsewhere).kind == Kind.CLAIM


def test_editors_cannot_bulk_approve(editor_client, editor, article):
    claim = draft(claim_of(article, 1), UserFactory(username="other"))
    response = bulk_post(editor_client, article, selection(claim), action="approve")
    assert response.status_code == 403
    assert fresh(claim).status == Status.DRAFT


def test_viewers_cannot_bulk_change_kinds(client, viewer, article):
    client.force_login(viewer)
    line = claim_of(article, 1)
    response = bulk_post(
        client, article, selection(line), action="kind", kind="heading"
    )
    assert response.status_code == 403
    assert fresh(line).kind == Kind.CLAIM


@pytest.mark.parametrize(
    ("claims", "fields", "message"),
    [
        ([], {"action": "kind", "kind": "heading"}, "Select at least one claim"),
        (["1:x"], {"action": "kind", "kind": "heading"}, "selection was garbled"),
        (["0:1"], {"action": "kind", "kind": "heading"}, "selection was garbled"),
        (["1:1"], {"action": "kind", "kind": ""}, "Choose the kind to set"),
        (["1:1"], {"action": "kind", "kind": "poem"}, "Select a valid choice"),
        (["1:1"], {"action": "explode"}, "Select a valid choice"),
        (["1:1"], {"action": "assign", "assignee": "999"}, "Select a valid choice"),
        (["1:1"] * 501, {"action": "approve"}, "at most 500 claims"),
    ],
)
def test_bulk_refuses_bad_forms_with_a_400_naming_the_problem(
    reviewer_client, article, claims, fields, message
):
    response = bulk_post(reviewer_client, article, claims, **fields)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_bulk_of_an_unknown_article_is_a_404(editor_client):
    response = editor_client.post(
        reverse("desk:article_bulk", args=[999_999]),
        {"claims": ["1:1"], "action": "kind"},
    )
    assert response.status_code == 404


def test_the_workspace_lists_every_unit_with_an_accessible_checkbox(
    editor_client, article
):
    page = editor_client.get(
        reverse("desk:workspace", args=[article.pk])
    ).content.decode()
    assert 'id="bulk-form"' in page
    for claim in article.claims.all():
        box = f'value="{claim.pk}:{claim.version}" id="bulk-claim-{claim.pk}"'
        assert box in page
        assert f'<label for="bulk-claim-{claim.pk}">' in page


def test_each_bulk_row_shows_its_text_escaped_and_cut_with_its_kind_and_status(
    editor_client, editor
):
    long_line = "The <b>board</b> & its chair said " + "very " * 20 + "much."
    article = ArticleFactory(
        text=f"Headline here\n{long_line}\nShort one is fine.", imported_by=editor
    )
    heading, long_claim, short = article.claims.order_by("position")
    judge(short, Verdict.DISPUTED, "Wrong.", editor=editor)
    page = editor_client.get(
        reverse("desk:workspace", args=[article.pk])
    ).content.decode()
    start = page.index('<ol class="bulk-list"')
    rows = page[start : page.index("</ol>", start)].split("<li ")[1:]

    assert len(rows) == 3
    cut = html.escape(long_line[:89]) + "\u2026"
    assert f'<span class="queue-position">{long_claim.position}</span> {cut}' in rows[1]
    assert "<b>" not in rows[1]
    assert f'value="{heading.pk}:1"' in rows[0]
    assert '<span class="kind-tag kind-heading">Heading</span>' in rows[0]
    assert rows[2].startswith('class="bulk-row v-disputed">')
    assert '<span class="status-badge status-draft">Draft</span>' in rows[2]


def test_viewers_get_no_bulk_form(client, viewer, article):
    client.force_login(viewer)
    page = client.get(reverse("desk:workspace", args=[article.pk])).content.decode()
    assert 'id="bulk-form"' not in page


def test_reviewers_see_approve_and_editors_do_not(editor, reviewer, article):
    url = reverse("desk:workspace", args=[article.pk])
    pages = {}
    for user in (editor, reviewer):
        client = Client()
        client.force_login(user)
        pages[user.username] = client.get(url).content.decode()
    assert 'id="bulk-approve"' in pages["reviewer"]
    assert 'id="bulk-approve"' not in pages["editor"]
    assert 'id="bulk-set-kind"' in pages["editor"]


def test_the_workspace_with_its_bulk_list_does_not_grow_with_claims(
    editor_client, editor
):
    few = ArticleFactory(text=sentences(10), imported_by=editor)
    many = ArticleFactory(text=sentences(300, start=1000), imported_by=editor)
    counts = [
        count_queries(
            lambda a=a: editor_client.get(reverse("desk:workspace", args=[a.pk]))
        )
        for a in (few, many)
    ]
    assert counts[0] == counts[1]
    triage = [
        count_queries(
            lambda a=a: editor_client.get(
                reverse("desk:workspace", args=[a.pk]), {"view": "triage"}
            )
        )
        for a in (few, many)
    ]
    assert triage[0] == triage[1]


def test_bulk_reads_once_and_writes_each_claim_with_a_constant_cost(
    editor_client, editor
):
    article = ArticleFactory(text=sentences(40), imported_by=editor)
    units = list(article.claims.order_by("position"))

    # selection() reads each claim's version before the request: counted
    # apart, so the difference is the request's own.
    def request_queries(claims: list[Claim], kind: str) -> int:
        values = selection(*claims)
        return count_queries(
            lambda: bulk_post(editor_client, article, values, action="kind", kind=kind)
        )

    five = request_queries(units[:5], Kind.HEADING)
    twenty = request_queries(units[5:25], Kind.HEADING)
    per_claim = (twenty - five) / 15
    # One read of the selected claims for the whole request; then what
    # services.set_kind costs for one claim (the row read to check it, a
    # savepoint, the guarded UPDATE, the history INSERT, the savepoint's
    # release, the row read back): the writes are per claim, the reads not.
    assert per_claim == int(per_claim)
    assert per_claim <= 6
    # Once per request: session, user, permissions, article, editors, the
    # selected claims, and the one analysis queued (which the tests' task
    # backend runs at once, about twenty statements on this article, plus its
    # few progress reports).
    fixed = five - 5 * per_claim
    assert fixed <= 40
