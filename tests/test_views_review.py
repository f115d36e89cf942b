"""The review workflow in the browser: roles, review actions, corrections,
discussion, history, assignment, the queue and the public report."""

import html
import itertools
import re
from urllib.parse import quote

import pytest
from django.urls import reverse

from annotations import roles, services
from annotations.models import (
    Article,
    Claim,
    Comment,
    CommentKind,
    Correction,
    CorrectionStatus,
    Source,
    Status,
    Verdict,
)
from annotations.services import reviewing, versions

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
from .helpers import body_of, signed_in
from .test_views import HTMX, ld_json_blocks, unit_classes, unit_html

pytestmark = pytest.mark.django_db
_texts = itertools.count(1)


# People and helpers


@pytest.fixture
def nobody():
    """Signed in, but with no role on the desk."""
    return UserFactory(username="nobody", role="")


def text_of(response) -> str:
    """The page as a reader sees its text: entities decoded."""
    return html.unescape(body_of(response))


def drafted(editor, *, verdict=Verdict.MISSTATED, rationale="The year was 2022."):
    """A claim with a source and a draft verdict written by ``editor``."""
    article = ArticleFactory(
        title="Budget story", text=sentences(4, start=next(_texts) * 10)
    )
    claim = claim_of(article, 1)
    add_source(claim, added_by=editor, title="Annual report")
    judge(claim, verdict, rationale, editor=editor)
    return fresh(claim)


def panel_url(claim, name="claim_panel") -> str:
    """The address of one of the desk's claim views (claim_panel, ...)."""
    return reverse(f"desk:{name}", args=[claim.pk])


def workspace_url(claim, tab: str = "") -> str:
    url = reverse("desk:workspace", args=[claim.article_id])
    extra = f"&tab={tab}" if tab else ""
    return f"{url}?claim={claim.public_id}{extra}#claim-{claim.public_id}"


def post(client, name, claim, data=None, **headers):
    payload = {"version": fresh(claim).version, **(data or {})}
    return client.post(reverse(f"desk:{name}", args=[claim.pk]), payload, **headers)


def has_id(body: str, element_id: str) -> bool:
    return f'id="{element_id}"' in body


# The role table: every page


READ_PAGES = ["dashboard", "queue", "workspace", "panel", "discussion", "history"]


def page_url(name: str, claim: Claim) -> str:
    return {
        "dashboard": reverse("desk:dashboard"),
        "queue": reverse("desk:queue"),
        "workspace": reverse("desk:workspace", args=[claim.article_id]),
        "panel": panel_url(claim),
        "discussion": panel_url(claim, "claim_comments"),
        "history": panel_url(claim, "claim_history"),
        "import": reverse("desk:article_new"),
    }[name]


@pytest.mark.parametrize("name", [*READ_PAGES, "import"])
def test_anonymous_users_are_sent_to_sign_in(client, editor, name):
    url = page_url(name, drafted(editor))
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={quote(url)}"


@pytest.mark.parametrize("name", [*READ_PAGES, "import"])
def test_signed_in_users_without_a_role_get_a_clear_403(client, editor, nobody, name):
    response = signed_in(client, nobody).get(page_url(name, drafted(editor)), **HTMX)
    assert response.status_code == 403
    text = text_of(response)
    assert str(roles.NOT_ALLOWED[roles.VIEW]) in text
    assert "You are signed in as nobody." in text
    assert 'id="forbidden"' in text


@pytest.mark.parametrize("role", ["viewer", "editor", "reviewer", "admin"])
@pytest.mark.parametrize("name", READ_PAGES)
def test_every_role_reads_the_desk(client, editor, role, name):
    user = UserFactory(username=f"a-{role}", role=role)
    response = signed_in(client, user).get(page_url(name, drafted(editor)), **HTMX)
    assert response.status_code == 200


def test_viewers_cannot_open_the_import_page(client, viewer):
    response = signed_in(client, viewer).get(reverse("desk:article_new"))
    assert response.status_code == 403
    assert str(roles.NOT_ALLOWED[roles.EDIT]) in text_of(response)


@pytest.mark.parametrize(
    ("role", "label"),
    [("viewer", "Viewer"), ("editor", "Editor"), ("reviewer", "Reviewer")],
)
def test_the_header_shows_the_role(client, role, label):
    user = UserFactory(username=f"h-{role}", role=role)
    body = body_of(signed_in(client, user).get(reverse("desk:dashboard")))
    assert re.search(
        rf'<span class="role-badge role-{role}" id="user-role"[^>]*>{label}</span>',
        body,
    )
    # The name stays alone in its own element.
    assert f'<span class="who">h-{role}</span>' in body


def test_the_header_links_the_queue_for_editors_only(client, editor, viewer):
    assert has_id(body_of(signed_in(client, editor).get("/")), "queue-link")
    assert not has_id(body_of(signed_in(client, viewer).get("/")), "queue-link")


# The role table: what each role is offered in the panel

EDITING = ["verdict-form", "add-source", "structure-title", "assign-form"]
REVIEWING = ["review-form", "approve-button", "reject-button"]


def test_viewers_see_the_verdict_but_no_way_to_change_it(client, editor, viewer):
    claim = drafted(editor)
    body = body_of(signed_in(client, viewer).get(workspace_url(claim)))
    for element in [*EDITING, *REVIEWING, "article-assign-form", "publish-all-form"]:
        assert not has_id(body, element), element
    assert has_id(body, "verdict-view")
    assert "The year was 2022." in body
    assert 'data-key="1"' not in body  # no verdict buttons for the shortcuts
    assert has_id(body, "tab-discussion")


def test_editors_edit_but_are_offered_no_review(client, editor):
    colleague = UserFactory(username="colleague")
    claim = drafted(colleague)
    body = body_of(signed_in(client, editor).get(workspace_url(claim)))
    for element in [*EDITING, "article-assign-form"]:
        assert has_id(body, element), element
    for element in [*REVIEWING, "publish-button", "publish-all-form"]:
        assert not has_id(body, element), element


def test_reviewers_are_offered_approve_and_reject_on_a_draft(client, editor, reviewer):
    claim = drafted(editor)
    body = body_of(signed_in(client, reviewer).get(workspace_url(claim)))
    for element in [*EDITING, *REVIEWING, "publish-all-form"]:
        assert has_id(body, element), element
    assert not has_id(body, "publish-button")
    assert '<span class="status-badge status-draft" id="claim-status">Draft' in body
    assert "Verdict by editor" in body


def test_reviewers_are_offered_publish_on_an_approved_verdict(client, editor, reviewer):
    claim = approve(drafted(editor), reviewer)
    body = body_of(signed_in(client, reviewer).get(workspace_url(claim)))
    assert has_id(body, "publish-button")
    assert has_id(body, "reject-button")
    assert not has_id(body, "approve-button")
    assert "Approved by reviewer" in body


def test_reviewers_see_approve_disabled_with_the_reason_on_their_own_verdict(
    client, reviewer
):
    claim = drafted(reviewer)
    body = body_of(signed_in(client, reviewer).get(workspace_url(claim)))
    assert re.search(r'id="approve-button" class="approve"[^>]* disabled', body)
    assert "You cannot approve your own verdict: another reviewer has to" in body


# The role table: the server refuses what the page hides


def refused_posts(claim):
    """Every claim action with a payload that would otherwise be accepted."""
    return [
        (
            "claim_save",
            {"verdict": Verdict.VERIFIED, "rationale": "x", "kind": "claim"},
        ),
        ("source_add", {"url": "https://e.org/", "title": "T", "stance": "supports"}),
        ("claim_split", {"at": 3}),
        ("claim_assign", {"assignee": ""}),
        ("claim_approve", {"comment": ""}),
        ("claim_reject", {"comment": "No."}),
        ("claim_publish", {}),
        ("claim_correct", {"verdict": "verified", "rationale": "x", "reason": "y"}),
    ]


def stored_state():
    return (
        list(Claim.objects.order_by("pk").values_list("pk", "version", "status")),
        Source.objects.count(),
        Correction.objects.count(),
        Comment.objects.count(),
    )


def test_viewers_posting_anyway_are_refused_and_nothing_changes(client, editor, viewer):
    claim = drafted(editor)
    signed_in(client, viewer)
    before = stored_state()
    for name, data in refused_posts(claim):
        plain = post(client, name, claim, data)
        assert plain.status_code == 403, name
        assert "Your role cannot" in text_of(plain) or "Only reviewers" in text_of(
            plain
        )
        htmx = post(client, name, claim, data, **HTMX)
        assert htmx.status_code == 200, name
        assert 'class="error panel-error" role="alert"' in body_of(htmx), name
    assert stored_state() == before


@pytest.mark.parametrize("name", ["claim_approve", "claim_reject", "claim_publish"])
def test_editors_cannot_review(client, editor, name):
    colleague = UserFactory(username="colleague")
    claim = drafted(colleague)
    before = stored_state()
    response = post(signed_in(client, editor), name, claim, {"comment": "Why not"})
    assert response.status_code == 403
    assert str(roles.NOT_ALLOWED[roles.REVIEW]) in text_of(response)
    assert stored_state() == before


def test_editors_cannot_publish_a_whole_article(client, editor, reviewer):
    claim = approve(drafted(editor), reviewer)
    url = reverse("desk:article_publish", args=[claim.article_id])
    response = signed_in(client, editor).post(url)
    assert response.status_code == 403
    assert str(roles.NOT_ALLOWED[roles.REVIEW]) in text_of(response)
    assert fresh(claim).status == Status.APPROVED


def test_anonymous_posts_go_to_sign_in(client, editor):
    claim = drafted(editor)
    before = stored_state()
    for name, data in refused_posts(claim):
        response = post(client, name, claim, data)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    assert stored_state() == before


def test_users_without_a_role_cannot_comment(client, editor, nobody):
    claim = drafted(editor)
    response = post(
        signed_in(client, nobody), "claim_comments", claim, {"text": "Hello"}
    )
    assert response.status_code == 403
    assert not Comment.objects.exists()


# Approving, rejecting, publishing


def test_approving_without_htmx_returns_to_the_claim_with_a_message(
    client, editor, reviewer
):
    claim = drafted(editor)
    response = post(signed_in(client, reviewer), "claim_approve", claim)
    assert response.status_code == 302
    assert response["Location"] == workspace_url(claim)
    stored_claim = fresh(claim)
    assert (stored_claim.status, stored_claim.approved_by) == (
        Status.APPROVED,
        reviewer,
    )
    body = body_of(client.get(response["Location"]))
    assert '<p class="message message-success">Approved.</p>' in body
    assert '<span class="status-badge status-approved" id="claim-status">' in body


def test_approving_with_htmx_swaps_the_panel_the_span_and_the_counts(
    client, editor, reviewer
):
    claim = drafted(editor)
    response = post(
        signed_in(client, reviewer), "claim_approve", claim, {"comment": "Good"}, **HTMX
    )
    body = body_of(response)
    assert response.status_code == 200
    assert body.lstrip().startswith('<aside id="panel"')
    assert '<span class="saved" role="status">Approved.</span>' in body
    assert "Approved by reviewer" in body
    assert {"s-approved", "v-misstated"} <= unit_classes(body, 1)
    assert re.search(r'<div id="review-tools"[^>]*hx-swap-oob="true"', body)
    assert "Publish all approved (1)" in body


def test_the_two_person_rule_is_explained(client, reviewer):
    claim = drafted(reviewer)
    plain = post(signed_in(client, reviewer), "claim_approve", claim)
    assert plain.status_code == 403
    assert str(reviewing.OWN_VERDICT) in text_of(plain)
    htmx = post(client, "claim_approve", claim, **HTMX)
    assert str(reviewing.OWN_VERDICT) in text_of(htmx)
    assert fresh(claim).status == Status.DRAFT


def test_the_source_rule_is_explained(client, editor, reviewer):
    claim = claim_of(ArticleFactory(text=sentences(2)))
    judge(claim, Verdict.DISPUTED, "No source yet.", editor=editor)
    response = post(signed_in(client, reviewer), "claim_approve", claim)
    assert response.status_code == 400
    assert str(reviewing.SOURCE_REQUIRED) in text_of(response)
    assert fresh(claim).status == Status.DRAFT


def test_rejecting_needs_a_comment_next_to_its_field(client, editor, reviewer):
    claim = drafted(editor)
    response = post(
        signed_in(client, reviewer), "claim_reject", claim, {"comment": "  "}, **HTMX
    )
    body = text_of(response)
    assert re.search(
        r'<textarea name="comment"[^>]*id="review-comment"[^>]*>\s*</textarea>\s*'
        r'<span class="error" role="alert">'
        + re.escape(str(reviewing.REJECTION_COMMENT_REQUIRED)),
        body,
    )
    assert fresh(claim).status == Status.DRAFT


def test_rejecting_sends_the_draft_back_with_the_comment(client, editor, reviewer):
    claim = drafted(editor)
    response = post(
        signed_in(client, reviewer),
        "claim_reject",
        claim,
        {"comment": "Which table says so?"},
    )
    assert response.status_code == 302
    assert fresh(claim).status == Status.REJECTED
    comment = Comment.objects.get()
    assert (comment.kind, comment.author) == (CommentKind.REJECTION, reviewer)

    body = body_of(signed_in(client, editor).get(workspace_url(claim)))
    assert '<span class="status-badge status-rejected" id="claim-status">' in body
    assert has_id(body, "rejection-note")
    assert "Which table says so?" in body
    assert "s-rejected" in unit_classes(body, 1)


def test_a_stale_review_is_refused(client, editor, reviewer):
    claim = drafted(editor)
    stale = claim.version
    judge(claim, Verdict.DISPUTED, "Changed meanwhile.", editor=editor)
    response = signed_in(client, reviewer).post(
        panel_url(claim, "claim_approve"), {"version": stale}
    )
    assert response.status_code == 409
    assert "was changed by someone else" in text_of(response)
    assert fresh(claim).status == Status.DRAFT


def test_publishing_an_approved_verdict(client, editor, reviewer):
    claim = approve(drafted(editor), reviewer)
    response = post(signed_in(client, reviewer), "claim_publish", claim, **HTMX)
    assert '<span class="saved" role="status">Published.</span>' in body_of(response)
    assert fresh(claim).status == Status.PUBLISHED
    assert "The year was 2022." in body_of(
        client.get(reverse("desk:report", args=[claim.article_id]))
    )


def test_publishing_a_draft_is_refused(client, editor, reviewer):
    claim = drafted(editor)
    response = post(signed_in(client, reviewer), "claim_publish", claim)
    assert response.status_code == 400
    assert "only approved verdicts are published" in text_of(response)
    assert fresh(claim).status == Status.DRAFT


def test_publishing_all_approved_verdicts_of_an_article(client, editor, reviewer):
    claim = approve(drafted(editor), reviewer)
    second = claim_of(claim.article, 2)
    add_source(second, added_by=editor)
    judge(second, Verdict.VERIFIED, editor=editor)
    approve(second, reviewer)
    third = claim_of(claim.article, 3)
    judge(third, Verdict.VERIFIED, editor=editor)  # a draft stays a draft
    url = reverse("desk:article_publish", args=[claim.article_id])
    response = signed_in(client, reviewer).post(url, follow=True)
    assert "Published 2 approved verdicts." in text_of(response)
    statuses = dict(claim.article.claims.values_list("position", "status"))
    assert [statuses[n] for n in (1, 2, 3)] == [
        Status.PUBLISHED,
        Status.PUBLISHED,
        Status.DRAFT,
    ]


# Published verdicts and corrections


@pytest.fixture
def live(editor, reviewer):
    """A published verdict."""
    return publish(drafted(editor), reviewer)


def test_a_published_verdict_offers_a_correction_instead_of_the_verdict_form(
    client, editor, live
):
    body = body_of(signed_in(client, editor).get(workspace_url(live)))
    assert not has_id(body, "verdict-form")
    assert not has_id(body, "add-source")
    assert not has_id(body, "split-at")
    assert has_id(body, "correction-form")
    for field in ("correction-verdict", "correction-rationale", "correction-reason"):
        assert has_id(body, field)
    assert "s-published" in unit_classes(body, 1)


def test_saving_a_published_verdict_anyway_is_refused(client, editor, live):
    response = post(
        signed_in(client, editor),
        "claim_save",
        live,
        {"verdict": Verdict.VERIFIED, "rationale": "Sneaky.", "kind": "claim"},
    )
    assert response.status_code == 400
    assert str(services.PUBLISHED_FROZEN) in text_of(response)
    assert fresh(live).verdict == Verdict.MISSTATED


def test_a_correction_needs_a_reason(client, editor, live):
    response = post(
        signed_in(client, editor),
        "claim_correct",
        live,
        {"verdict": Verdict.DISPUTED, "rationale": "Unclear.", "reason": ""},
        **HTMX,
    )
    body = text_of(response)
    assert re.search(
        r'id="correction-reason"[^>]*>\s*</textarea>\s*<span class="error"', body
    )
    assert "Unclear.</textarea>" in body  # what was typed stays
    assert not Correction.objects.exists()


def propose(client, editor, claim, **fields):
    data = {
        "verdict": Verdict.DISPUTED,
        "rationale": "Two accounts differ.",
        "reason": "A reader sent the filing.",
        **fields,
    }
    return post(signed_in(client, editor), "claim_correct", claim, data)


def test_a_proposed_correction_waits_for_a_reviewer(client, editor, reviewer, live):
    response = propose(client, editor, live)
    assert response.status_code == 302
    assert Correction.objects.get().status == CorrectionStatus.PENDING
    editor_view = body_of(client.get(workspace_url(live)))
    assert has_id(editor_view, "pending-correction")
    assert "A reader sent the filing." in editor_view
    assert not has_id(editor_view, "correction-form")  # one at a time
    assert not has_id(editor_view, "approve-button")

    reviewer_view = body_of(signed_in(client, reviewer).get(workspace_url(live)))
    assert re.search(r'id="approve-button"[^>]*>Approve correction<', reviewer_view)
    assert re.search(r'id="reject-button"[^>]*>Reject correction<', reviewer_view)


def test_approving_a_correction_changes_the_public_report(client, editor, reviewer):
    claim = publish(drafted(editor), reviewer)
    propose(client, editor, claim)
    other = UserFactory(username="second-reviewer", role="reviewer")
    response = post(signed_in(client, other), "claim_approve", claim)
    assert response.status_code == 302
    corrected = fresh(claim)
    assert (corrected.verdict, corrected.status) == (
        Verdict.DISPUTED,
        Status.PUBLISHED,
    )

    client.logout()
    report = client.get(reverse("desk:report", args=[claim.article_id]))
    body = text_of(report)
    section = body[body.index('id="corrections"') :]
    assert "A reader sent the filing." in section
    assert "The year was 2022." in section  # the old explanation, struck out
    assert re.search(
        r"Misstated</span> <span[^>]*>→</span> <span[^>]*>.*Disputed", section
    )
    assert claim.text in section
    [review] = ld_json_blocks(body_of(report))
    assert review["reviewRating"]["alternateName"] == "Disputed"
    assert review["reviewBody"] == "Two accounts differ."
    assert review["dateModified"].startswith(corrected.updated_at.date().isoformat())


def test_the_author_of_a_correction_cannot_approve_it(client, reviewer, live):
    propose(client, reviewer, live)
    response = post(signed_in(client, reviewer), "claim_approve", live)
    assert response.status_code == 403
    assert str(reviewing.OWN_CORRECTION) in text_of(response)
    assert Correction.objects.get().status == CorrectionStatus.PENDING


def test_a_rejected_correction_is_not_public(client, editor, reviewer, live):
    propose(client, editor, live, reason="Secret reason.")
    other = UserFactory(username="second-reviewer", role="reviewer")
    post(signed_in(client, other), "claim_reject", live, {"comment": "No."})
    assert Correction.objects.get().status == CorrectionStatus.REJECTED
    client.logout()
    body = body_of(client.get(reverse("desk:report", args=[live.article_id])))
    assert "Secret reason." not in body
    assert 'id="corrections"' not in body


def test_corrections_of_an_orphaned_claim_leave_the_report_with_it(
    client, editor, reviewer
):
    claim = publish(drafted(editor), reviewer)
    kept = claim_of(Article.objects.get(pk=claim.article_id), 2)
    add_source(kept, added_by=editor)
    publish(judge(kept, Verdict.VERIFIED, "Matches.", editor=editor), reviewer)
    propose(client, editor, claim, reason="A reader sent the filing.")
    other = UserFactory(username="second-reviewer", role="reviewer")
    post(signed_in(client, other), "claim_approve", claim)
    article = Article.objects.get(pk=claim.article_id)
    report_url = reverse("desk:report", args=[article.pk])
    assert "A reader sent the filing." in text_of(client.get(report_url))

    # The new version no longer has the corrected sentence: it is orphaned.
    text = article.text.replace(claim.text + "\n", "")
    versions.import_new_version(article=article, text=text, imported_by=editor)
    assert fresh(claim).orphaned
    client.logout()
    body = body_of(client.get(report_url))
    assert "A reader sent the filing." not in body
    assert 'id="corrections"' not in body
    assert f"claim-{claim.public_id}" not in body
    # Every link within the report leads to something on it.
    for target in re.findall(r'href="#([^"]+)"', body):
        assert has_id(body, target), target
    assert has_id(body, f"claim-{kept.public_id}")


# Discussion


def test_discussion_tab_lists_comments_with_rejections_marked(client, editor, reviewer):
    claim = drafted(editor)
    services.add_comment(claim=claim, author=editor, text="Table 4, page 12.")
    current = fresh(claim)
    reviewing.reject(
        claim=current,
        reviewer=reviewer,
        expected_version=current.version,
        comment="Quote it.",
    )
    response = signed_in(client, editor).get(panel_url(claim, "claim_comments"), **HTMX)
    body = body_of(response)
    assert body.lstrip().startswith('<aside id="panel"')
    assert 'id="tab-discussion"' in body
    assert re.search(r'id="tab-discussion"[^>]*aria-selected="true"', body)
    assert '<span class="count">2</span>' in body
    rejection = re.search(r'<li class="comment comment-rejection".*?</li>', body, re.S)
    assert rejection and "Quote it." in rejection.group(0)
    assert "reviewer" in rejection.group(0)
    assert "Rejection" in rejection.group(0)
    assert re.search(r'<li class="comment comment-comment".*?Table 4', body, re.S)


def test_discussion_tab_without_htmx_opens_the_workspace_there(client, editor):
    claim = drafted(editor)
    services.add_comment(claim=claim, author=editor, text="Visible inline.")
    response = signed_in(client, editor).get(panel_url(claim, "claim_comments"))
    assert response.status_code == 302
    assert response["Location"] == workspace_url(claim, "discussion")
    body = body_of(client.get(response["Location"]))
    assert "Visible inline." in body
    assert has_id(body, "comment-form")


def test_adding_a_comment(client, viewer, editor):
    claim = drafted(editor)
    response = post(
        signed_in(client, viewer),
        "claim_comments",
        claim,
        {"text": "Is the year right?"},
        **HTMX,
    )
    body = body_of(response)
    assert response.status_code == 200
    assert "Is the year right?" in body
    assert re.search(r'id="tab-discussion"[^>]*aria-selected="true"', body)
    comment = Comment.objects.get()
    assert (comment.author, comment.kind) == (viewer, CommentKind.COMMENT)

    plain = post(client, "claim_comments", claim, {"text": "Again."})
    assert plain.status_code == 302
    assert plain["Location"] == workspace_url(claim, "discussion")


def test_an_empty_comment_is_refused(client, editor):
    claim = drafted(editor)
    response = post(signed_in(client, editor), "claim_comments", claim, {"text": " "})
    assert response.status_code == 400
    assert "This field is required." in body_of(response)
    assert not Comment.objects.exists()


def test_discussion_queries_do_not_grow_with_comments(
    client, editor, django_assert_max_num_queries
):
    claim = drafted(editor)
    signed_in(client, editor)
    url = panel_url(claim, "claim_comments")
    for n in range(40):
        services.add_comment(
            claim=claim, author=UserFactory(username=f"c{n}"), text=f"Note {n}"
        )
    with django_assert_max_num_queries(9):
        response = client.get(url, **HTMX)
    assert body_of(response).count('class="comment comment-comment"') == 40


# History


def test_history_tab_shows_who_did_what_with_old_and_new_values(
    client, editor, reviewer
):
    claim = drafted(editor)
    long_rationale = "A very long explanation. " * 10
    judge(claim, Verdict.DISPUTED, long_rationale, editor=editor)
    current = fresh(claim)
    reviewing.reject(
        claim=current,
        reviewer=reviewer,
        expected_version=current.version,
        comment="Shorter, please.",
    )
    response = signed_in(client, editor).get(panel_url(claim, "claim_history"), **HTMX)
    body = text_of(response)
    assert re.search(r'id="tab-history"[^>]*aria-selected="true"', body)
    events = re.findall(r'<li class="event (.*?)</li>', body, re.S)
    # Newest first: the rejection, the two drafts, the source, the import.
    rejection = events[0]
    assert "reviewer" in rejection
    assert "rejected the verdict" in rejection
    assert '<span class="status-badge status-draft">Draft</span>' in rejection
    assert '<span class="status-badge status-rejected">Rejected</span>' in rejection
    assert "Shorter, please." in rejection
    redraft = events[1]
    assert "editor" in redraft and "changed the verdict" in redraft
    assert '<span class="vchip v-misstated">Misstated</span>' in redraft
    assert '<span class="vchip v-disputed">Disputed</span>' in redraft
    # The long rationale is cut, with the whole of it one click away.
    assert '<details class="long-value"><summary>A very long explanation.' in redraft
    assert f'<div class="full-value">{long_rationale.strip()}' in redraft
    assert any("added a source" in event for event in events)
    assert "created the claim" in events[-1]


def test_history_labels_are_translated(client, editor):
    claim = drafted(editor)
    response = signed_in(client, editor).get(
        panel_url(claim, "claim_history"), HTTP_ACCEPT_LANGUAGE="zh-hans", **HTMX
    )
    body = body_of(response)
    assert '<span class="vchip v-misstated">失实</span>' in body
    assert "<dt>核查说明</dt>" in body


def test_history_tab_without_htmx_opens_the_workspace_there(client, editor):
    claim = drafted(editor)
    response = signed_in(client, editor).get(panel_url(claim, "claim_history"))
    assert response["Location"] == workspace_url(claim, "history")
    body = body_of(client.get(response["Location"]))
    assert has_id(body, "timeline")
    assert "drafted the verdict" in body


def test_history_names_the_assignee(client, editor, reviewer):
    claim = drafted(editor)
    services.assign_claim(
        claim=claim, assignee=editor, by=reviewer, expected_version=claim.version
    )
    body = body_of(
        signed_in(client, editor).get(panel_url(claim, "claim_history"), **HTMX)
    )
    assert "assigned the claim" in body
    assert '<span class="value">editor</span>' in body


def test_history_queries_do_not_grow_with_changes(
    client, editor, django_assert_max_num_queries
):
    claim = drafted(editor)
    people = [UserFactory(username=f"h{n}") for n in range(5)]
    for n in range(30):
        judge(claim, Verdict.DISPUTED, f"Take {n}.", editor=people[n % 5])
        add_source(claim, added_by=editor, url=f"https://e.org/{n}")
        current = fresh(claim)
        services.assign_claim(
            claim=current,
            assignee=people[n % 5],
            by=editor,
            expected_version=current.version,
        )
    signed_in(client, editor)
    with django_assert_max_num_queries(12):
        response = client.get(panel_url(claim, "claim_history"), **HTMX)
    assert body_of(response).count("changed the verdict") == 30


# Assignment


def test_assigning_a_claim_from_the_panel(client, editor, reviewer):
    claim = drafted(editor)
    other = UserFactory(username="other-editor")
    response = post(
        signed_in(client, reviewer), "claim_assign", claim, {"assignee": other.pk}
    )
    assert response.status_code == 302
    assert fresh(claim).assignee == other
    queue = body_of(signed_in(client, other).get(reverse("desk:queue")))
    assert has_id(queue, f"queue-claim-{claim.pk}")


def test_assigning_offers_only_editors(client, editor, viewer, reviewer):
    claim = drafted(editor)
    body = body_of(signed_in(client, reviewer).get(workspace_url(claim)))
    select = re.search(
        r'<select name="assignee" id="claim-assignee".*?</select>', body, re.S
    )
    options = re.findall(
        r'<option value="(\d*)"[^>]*>([^<]*)</option>', select.group(0)
    )
    assert [name for _pk, name in options] == ["Nobody", "editor", "reviewer"]
    refused = post(client, "claim_assign", claim, {"assignee": viewer.pk})
    assert refused.status_code == 400
    assert "Select a valid choice." in body_of(refused)
    assert fresh(claim).assignee is None


def test_assigning_a_whole_article(client, editor, reviewer):
    claim = drafted(editor)
    url = reverse("desk:article_assign", args=[claim.article_id])
    response = signed_in(client, reviewer).post(
        url, {"assignee": editor.pk}, follow=True
    )
    assert "Assigned the article to editor." in text_of(response)
    assert Article.objects.get(pk=claim.article_id).assignee == editor
    queue = body_of(signed_in(client, editor).get(reverse("desk:queue")))
    assert queue.count('class="queue-row"') == claim.article.claims.count()


def test_viewers_cannot_assign_an_article(client, editor, viewer):
    claim = drafted(editor)
    url = reverse("desk:article_assign", args=[claim.article_id])
    response = signed_in(client, viewer).post(url, {"assignee": editor.pk})
    assert response.status_code == 403
    assert Article.objects.get(pk=claim.article_id).assignee is None


# The queue


def test_my_queue_lists_my_open_claims_by_article(client, editor, reviewer):
    mine = drafted(editor)
    services.assign_article(article=mine.article, assignee=editor, by=reviewer)
    done = claim_of(mine.article, 2)
    add_source(done, added_by=editor)
    judge(done, Verdict.VERIFIED, editor=editor)
    approve(done, reviewer)
    gone = drafted(editor)
    services.assign_article(article=gone.article, assignee=editor, by=reviewer)
    services.delete_article(article=gone.article, by=UserFactory(role="admin"))

    body = body_of(signed_in(client, editor).get(reverse("desk:queue")))
    rows = re.findall(r'<tr class="queue-row" id="queue-claim-(\d+)"', body)
    open_claims = mine.article.claims.exclude(pk=done.pk).order_by("position")
    assert rows == [str(c.pk) for c in open_claims]
    assert f'href="{workspace_url(mine)}"' in body
    assert '<span class="status-badge status-draft">Draft</span>' in body
    assert "Budget story" in body
    assert not has_id(body, "review-queue")  # editors review nothing
    assert re.search(r'id="queue-count"[^>]*>3<', body)


def test_reviewers_see_what_awaits_their_review(client, editor, reviewer):
    theirs = drafted(editor)
    own = drafted(reviewer)
    body = body_of(signed_in(client, reviewer).get(reverse("desk:queue")))
    assert has_id(body, "review-queue")
    assert has_id(body, f"review-claim-{theirs.pk}")
    assert not has_id(body, f"review-claim-{own.pk}")
    assert re.search(r'id="review-count"[^>]*>1<', body)


def test_queue_queries_do_not_grow_with_rows(
    client, editor, reviewer, django_assert_max_num_queries
):
    for n in range(6):
        article = ArticleFactory(text=sentences(8, start=n * 100))
        services.assign_article(article=article, assignee=reviewer, by=editor)
        for claim in article.claims.all()[:4]:
            judge(claim, Verdict.DISPUTED, editor=editor)
    signed_in(client, reviewer)
    with django_assert_max_num_queries(9):
        response = client.get(reverse("desk:queue"))
    body = body_of(response)
    assert body.count('class="queue-row"') == 6 * 8 * 2 - 24  # mine + drafts
    assert body.count('class="queue-article"') == 12


# Workspace status marks and filters


def test_units_carry_their_review_status(client, editor, reviewer):
    claim = drafted(editor)
    article = claim.article
    publish(claim, reviewer)
    second = claim_of(article, 2)
    judge(second, Verdict.VERIFIED, editor=editor)
    body = body_of(
        signed_in(client, editor).get(reverse("desk:workspace", args=[article.pk]))
    )
    assert "s-published" in unit_classes(body, 1)
    assert "s-draft" in unit_classes(body, 2)
    assert "s-unreviewed" in unit_classes(body, 3)
    # A draft says so to screen readers too; a published verdict is named alone.
    assert '<span class="visually-hidden">, Draft</span>' in unit_html(body, 2)
    assert ", Published" not in body


def test_the_needs_review_filter_dims_all_but_drafts(client, editor, reviewer):
    claim = drafted(editor)
    second = claim_of(claim.article, 2)
    add_source(second, added_by=editor)
    judge(second, Verdict.VERIFIED, editor=editor)
    publish(second, reviewer)
    url = reverse("desk:workspace", args=[claim.article_id])
    body = body_of(signed_in(client, editor).get(url, {"show": "draft"}))
    assert [("dim" in unit_classes(body, n)) for n in (1, 2, 3)] == [
        False,
        True,
        True,
    ]
    assert 'class="filter filter-draft" aria-current="true">Needs review<' in body
    published_only = body_of(client.get(url, {"show": "published"}))
    assert "dim" not in unit_classes(published_only, 2)
    assert "dim" in unit_classes(published_only, 1)


# Dashboard


def test_dashboard_draws_the_review_state_of_each_article(client, editor, reviewer):
    claim = drafted(editor)
    publish(claim, reviewer)
    second = claim_of(claim.article, 2)
    add_source(second, added_by=editor)
    judge(second, Verdict.VERIFIED, editor=editor)
    approve(second, reviewer)
    judge(claim_of(claim.article, 3), Verdict.VERIFIED, editor=editor)
    body = body_of(signed_in(client, editor).get(reverse("desk:dashboard")))
    review = re.search(r'<td class="bar-cell review-cell">.*?</td>', body, re.S)
    text = review.group(0)
    for label, count in (("Published", 1), ("Approved", 1), ("Draft", 1)):
        assert re.search(rf"{label} <b>{count}</b>", text), label
    assert re.search(r"To do <b>1</b>", text)
    assert 'class="fill-published"' in text


def test_deleted_articles_leave_the_dashboard(client, editor):
    kept = ArticleFactory(title="Kept story")
    gone = ArticleFactory(title="Deleted story")
    services.delete_article(article=gone, by=UserFactory(role="admin"))
    body = body_of(signed_in(client, editor).get(reverse("desk:dashboard")))
    assert kept.title in body
    assert "Deleted story" not in body
    response = client.get(reverse("desk:workspace", args=[gone.pk]))
    assert response.status_code == 404


# The public report


@pytest.mark.parametrize("status", ["draft", "rejected", "approved"])
def test_unpublished_verdicts_never_reach_the_report(client, editor, reviewer, status):
    shown = publish(drafted(editor), reviewer)
    hidden = claim_of(shown.article, 2)
    add_source(hidden, added_by=editor, title="Hidden lead")
    judge(hidden, Verdict.VERIFIED, "Secret rationale.", editor=editor)
    if status == "approved":
        approve(hidden, reviewer)
    if status == "rejected":
        current = fresh(hidden)
        reviewing.reject(
            claim=current,
            reviewer=reviewer,
            expected_version=current.version,
            comment="Internal comment.",
        )
    assert fresh(hidden).status == status
    response = client.get(reverse("desk:report", args=[shown.article_id]))
    body = text_of(response)
    assert "Secret rationale." not in body
    assert "Hidden lead" not in body
    assert "Internal comment." not in body
    assert not has_id(body, f"claim-{hidden.public_id}")
    reviews = ld_json_blocks(body_of(response))
    assert [review["claimReviewed"] for review in reviews] == [shown.text]
    assert "1 statement in this article has been checked." in body


def test_report_of_a_deleted_article_is_not_found(client, editor, reviewer):
    claim = publish(drafted(editor), reviewer)
    url = reverse("desk:report", args=[claim.article_id])
    assert client.get(url).status_code == 200
    services.delete_article(article=claim.article, by=UserFactory(role="admin"))
    missing = client.get(url)
    assert missing.status_code == 404
    nowhere = client.get(reverse("desk:report", args=[999999]))
    # The same page as no article at all: the title is never named.
    assert without_csrf(missing) == without_csrf(nowhere)
    assert claim.article.title not in missing.content.decode()


def test_report_queries_do_not_grow_with_corrections(
    client, editor, reviewer, django_assert_max_num_queries
):
    article = ArticleFactory(text=sentences(12))
    other = UserFactory(username="second-reviewer", role="reviewer")
    for claim in article.claims.all()[:10]:
        add_source(claim, added_by=editor)
        judge(claim, Verdict.MISSTATED, editor=editor)
        current = publish(claim, reviewer)
        reviewing.propose_correction(
            claim=current,
            editor=editor,
            verdict=Verdict.DISPUTED,
            rationale="Second look.",
            reason=f"Reason {claim.position}.",
            expected_version=current.version,
        )
        approve(claim, other)
    with django_assert_max_num_queries(5):
        response = client.get(reverse("desk:report", args=[article.pk]))
    assert body_of(response).count('<li class="correction"') == 10


def without_csrf(response) -> str:
    """A page's HTML without its per-response CSRF tokens and its own address
    (the language menu's return path)."""
    text = re.sub(r'value="[^"]{64}"|"X-CSRFToken": "[^"]+"', "", response.text)
    return re.sub(r'name="next" type="hidden" value="[^"]*"', "", text)


def test_publish_all_with_nothing_approved_is_disabled_with_the_reason(
    client, editor, reviewer
):
    claim = drafted(editor)
    body = body_of(signed_in(client, reviewer).get(workspace_url(claim)))
    button = re.search(r'<button[^>]*id="publish-all-button"[^>]*>', body).group(0)
    assert "disabled" in button and 'aria-describedby="publish-all-why"' in button
    assert "no claim is approved yet" in body
    approve(claim, reviewer)
    body = body_of(client.get(workspace_url(claim)))
    button = re.search(r'<button[^>]*id="publish-all-button"[^>]*>', body).group(0)
    assert "disabled" not in button
