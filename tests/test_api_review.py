"""The review workflow through the REST API: approving, rejecting, publishing,
correcting, assigning, commenting and the history; who may do each; and that
nothing unpublished ever reaches an anonymous client."""

import csv
import datetime
import io
import json
from unittest import mock

import pytest
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from annotations import roles, services
from annotations.api.parsing import PRECONDITION_REQUIRED
from annotations.models import (
    Article,
    Claim,
    Comment,
    CommentKind,
    Correction,
    CorrectionStatus,
    Status,
    Verdict,
)
from annotations.services import reviewing

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
from .helpers import API, body_of, claim_url, client_of, queries_for, utc

pytestmark = pytest.mark.django_db

ON_A_LINE = "First sentence here. Second sentence there.\nThird line."
EXPORTS = {
    "json": f"{API}/export/verdicts.json",
    "csv": f"{API}/export/verdicts.csv",
    "claimreview": f"{API}/export/claimreview.jsonld",
    "w3c": f"{API}/export/annotations.jsonld",
}
NOT_SIGNED_IN = "Authentication credentials were not provided."


_starts = iter(range(10_000, 10_000_000, 1000))


def next_start() -> int:
    """Where distinct article texts start (the same text is imported once)."""
    return next(_starts)


@pytest.fixture
def reviewer_api(reviewer):
    return client_of(reviewer)


@pytest.fixture
def viewer_api(viewer):
    return client_of(viewer)


def post(client, url: str, body: dict | None = None, **headers):
    return client.post(url, body or {}, format="json", **headers)


def draft(claim: Claim, editor, verdict: str = Verdict.MISSTATED) -> Claim:
    """A draft verdict with a source, ready for a reviewer."""
    judge(claim, verdict, f"Rationale of claim {claim.position}.", editor=editor)
    add_source(claim, added_by=editor)
    return fresh(claim)


def reject(claim: Claim, reviewer, comment: str) -> Claim:
    current = fresh(claim)
    return reviewing.reject(
        claim=current,
        reviewer=reviewer,
        expected_version=current.version,
        comment=comment,
    )


def stored_claims() -> list[tuple]:
    """Every claim column a review action can change, to check nothing did."""
    return list(
        Claim.objects.order_by("pk").values_list(
            "pk",
            "verdict",
            "rationale",
            "status",
            "approved_by",
            "published_at",
            "assignee",
            "version",
        )
    )


def export(client, format_name: str, **params):
    response = client.get(EXPORTS[format_name], params)
    assert response.status_code == 200, response
    return response


def parsed(format_name: str, text: str):
    if format_name == "csv":
        return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    return json.loads(text)


def exported(client, format_name: str, **params):
    return parsed(format_name, body_of(export(client, format_name, **params)))


def items(format_name: str, data) -> list[dict]:
    return data["first"]["items"] if format_name == "w3c" else data


def texts_of(format_name: str, data) -> list[str]:
    """The claim text of each exported item."""
    if format_name == "claimreview":
        return [review["claimReviewed"] for review in data]
    if format_name == "w3c":
        return [a["target"]["selector"][0]["exact"] for a in items("w3c", data)]
    return [row["text"] for row in data]


# What a claim shows


def test_a_claim_shows_its_review_status_and_people(editor_api, editor, reviewer):
    claim = draft(claim_of(ArticleFactory(text=ON_A_LINE), 2), editor)
    body = editor_api.get(claim_url(claim)).json()
    assert (body["status"], body["verdict_by"], body["approved_by"]) == (
        Status.DRAFT,
        "editor",
        None,
    )
    assert body["approved_at"] is body["published_at"] is body["assignee"] is None
    publish(claim, reviewer)
    services.assign_claim(
        claim=claim, assignee=editor, by=reviewer, expected_version=fresh(claim).version
    )
    body = editor_api.get(claim_url(claim)).json()
    current = fresh(claim)
    assert body["status"] == Status.PUBLISHED
    assert body["verdict_by"] == "editor"
    assert body["approved_by"] == "reviewer"
    assert body["assignee"] == "editor"
    assert parse_datetime(body["approved_at"]) == current.approved_at
    assert parse_datetime(body["published_at"]) == current.published_at


@pytest.fixture
def statuses(editor, reviewer):
    """One claim in each review status, one of them assigned."""
    article = ArticleFactory(text=sentences(6))
    drafted = draft(claim_of(article, 1), editor)
    rejected = draft(claim_of(article, 2), editor)
    reject(rejected, reviewer, "Weak source.")
    approved = approve(draft(claim_of(article, 3), editor), reviewer)
    published = publish(draft(claim_of(article, 4), editor), reviewer)
    assigned = claim_of(article, 5)
    services.assign_claim(
        claim=assigned, assignee=editor, by=editor, expected_version=1
    )
    return {
        Status.DRAFT: drafted,
        Status.REJECTED: rejected,
        Status.APPROVED: approved,
        Status.PUBLISHED: published,
        "assigned": assigned,
        "article": article,
    }


def listed_ids(client, **params) -> list[int]:
    response = client.get(f"{API}/claims/", params)
    assert response.status_code == 200, response.content
    return sorted(item["id"] for item in response.json()["results"])


@pytest.mark.parametrize(
    "wanted", [Status.DRAFT, Status.REJECTED, Status.APPROVED, Status.PUBLISHED]
)
def test_claims_list_filters_by_status(editor_api, statuses, wanted):
    assert listed_ids(editor_api, status=wanted) == [statuses[wanted].pk]


def test_claims_list_filters_by_unreviewed_status(editor_api, statuses):
    article = statuses["article"]
    assert listed_ids(editor_api, status=Status.UNREVIEWED) == sorted(
        claim_of(article, n).pk for n in (5, 6)
    )


def test_claims_list_filters_by_assignee(editor_api, statuses):
    assert listed_ids(editor_api, assignee="editor") == [statuses["assigned"].pk]
    unassigned = listed_ids(editor_api, assignee="null")
    assert statuses["assigned"].pk not in unassigned
    assert len(unassigned) == 5


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("status", "done", "Select a valid choice. done is not one of"),
        ("assignee", "ghost", "No user is named ghost."),
    ],
)
def test_claims_list_refuses_a_bad_status_or_assignee(
    editor_api, statuses, field, value, message
):
    response = editor_api.get(f"{API}/claims/", {field: value})
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert response.json()[field][0].startswith(message)


# Approving


def test_approving_a_draft(reviewer_api, editor):
    claim = draft(claim_of(ArticleFactory(text=ON_A_LINE)), editor)
    response = post(
        reviewer_api,
        claim_url(claim, "approve"),
        {"comment": "Checked the source."},
        HTTP_IF_MATCH=f'"{claim.version}"',
    )
    assert response.status_code == 200, response.content
    assert response["ETag"] == f'"{claim.version + 1}"'
    body = response.json()
    assert (body["status"], body["approved_by"]) == (Status.APPROVED, "reviewer")
    assert fresh(claim).status == Status.APPROVED


def test_approving_with_the_version_in_the_body(reviewer_api, editor):
    claim = draft(claim_of(ArticleFactory(text=ON_A_LINE)), editor)
    response = post(
        reviewer_api, claim_url(claim, "approve"), {"version": claim.version}
    )
    assert response.status_code == 200
    assert fresh(claim).status == Status.APPROVED


@pytest.mark.parametrize("action", ["approve", "reject", "publish", "assign"])
def test_review_actions_without_a_version_are_refused_with_428(
    reviewer_api, editor, action
):
    claim = draft(claim_of(ArticleFactory(text=ON_A_LINE)), editor)
    before = stored_claims()
    body = {"comment": "Why."} if action == "reject" else {}
    if action == "assign":
        body = {"assignee": None}
    response = post(reviewer_api, claim_url(claim, action), body)
    assert response.status_code == 428
    assert response.json() == {"detail": PRECONDITION_REQUIRED}
    assert stored_claims() == before


@pytest.mark.parametrize("action", ["approve", "reject", "publish", "assign"])
def test_review_actions_with_a_stale_version_answer_412_with_the_claim(
    reviewer_api, editor, action
):
    claim = draft(claim_of(ArticleFactory(text=ON_A_LINE)), editor)
    body = {"version": claim.version - 1}
    body |= {"comment": "Why."} if action == "reject" else {}
    body |= {"assignee": "editor"} if action == "assign" else {}
    before = stored_claims()
    response = post(reviewer_api, claim_url(claim, action), body)
    assert response.status_code == 412
    assert response["ETag"] == f'"{claim.version}"'
    current = response.json()
    assert (current["id"], current["version"]) == (claim.pk, claim.version)
    assert current["rationale"] == claim.rationale
    assert current["status"] == Status.DRAFT
    assert stored_claims() == before


def test_a_reviewer_cannot_approve_their_own_verdict(reviewer_api, reviewer):
    claim = claim_of(ArticleFactory(text=ON_A_LINE))
    response = reviewer_api.patch(
        claim_url(claim),
        {"verdict": Verdict.VERIFIED, "rationale": "Mine.", "version": 1},
        format="json",
    )
    assert response.json()["verdict_by"] == "reviewer"
    add_source(claim, added_by=reviewer)
    before = stored_claims()
    response = post(reviewer_api, claim_url(claim, "approve"), {"version": 3})
    assert response.status_code == 403
    assert response.json() == {"detail": str(reviewing.OWN_VERDICT)}
    assert stored_claims() == before
    other = client_of(UserFactory(username="second", role="reviewer"))
    assert post(other, claim_url(claim, "approve"), {"version": 3}).status_code == 200


def test_approving_without_a_source_names_the_sources(reviewer_api, editor):
    claim = judge(claim_of(ArticleFactory(text=ON_A_LINE)), Verdict.MISSTATED, "No.")
    before = stored_claims()
    response = post(reviewer_api, claim_url(claim, "approve"), {"version": 2})
    assert response.status_code == 400
    assert response.json() == {"sources": [str(reviewing.SOURCE_REQUIRED)]}
    assert stored_claims() == before


def test_approving_a_verified_verdict_that_quotes_the_article_needs_no_source(
    reviewer_api,
):
    claim = claim_of(ArticleFactory(text=ON_A_LINE))
    judge(claim, Verdict.VERIFIED, 'The article says "Second sentence there."')
    response = post(reviewer_api, claim_url(claim, "approve"), {"version": 2})
    assert response.status_code == 200
    assert response.json()["status"] == Status.APPROVED


def test_approving_what_awaits_no_review_is_a_400_with_a_code(reviewer_api):
    claim = claim_of(ArticleFactory(text=ON_A_LINE))
    response = post(reviewer_api, claim_url(claim, "approve"), {"version": 1})
    assert response.status_code == 400
    assert response.json() == {
        "detail": reviewing.NOT_AWAITING_REVIEW.format(position=1, status="Unreviewed"),
        "code": "status",
    }


@pytest.mark.parametrize("action", ["approve", "reject", "publish"])
def test_review_actions_refuse_unknown_fields(reviewer_api, editor, action):
    claim = draft(claim_of(ArticleFactory(text=ON_A_LINE)), editor)
    response = post(
        reviewer_api,
        claim_url(claim, action),
        {"version": claim.version, "comment": "x", "status": "published"}
        if action != "publish"
        else {"version": claim.version, "status": "published"},
    )
    assert response.status_code == 400
    assert list(response.json()) == ["status"]


# Rejecting


@pytest.mark.parametrize("body", [{}, {"comment": ""}, {"comment": "   "}])
def test_rejecting_needs_a_comment(reviewer_api, editor, body):
    claim = draft(claim_of(ArticleFactory(text=ON_A_LINE)), editor)
    before = stored_claims()
    response = post(
        reviewer_api, claim_url(claim, "reject"), {**body, "version": claim.version}
    )
    assert response.status_code == 400
    assert response.json() == {"comment": [str(reviewing.REJECTION_COMMENT_REQUIRED)]}
    assert stored_claims() == before
    assert not Comment.objects.exists()


def test_rejecting_sends_the_draft_back_and_the_reason_joins_the_discussion(
    reviewer_api, editor_api, editor
):
    claim = draft(claim_of(ArticleFactory(text=ON_A_LINE)), editor)
    response = post(
        reviewer_api,
        claim_url(claim, "reject"),
        {"comment": "The source is a press release.", "version": claim.version},
    )
    assert response.status_code == 200
    assert response.json()["status"] == Status.REJECTED
    thread = editor_api.get(claim_url(claim, "comments")).json()
    assert [(c["author"], c["kind"], c["text"]) for c in thread] == [
        ("reviewer", CommentKind.REJECTION, "The source is a press release.")
    ]
    # Editing it makes it a draft again.
    response = editor_api.patch(
        claim_url(claim),
        {"rationale": "Better source now.", "version": claim.version + 1},
        format="json",
    )
    assert response.json()["status"] == Status.DRAFT


# Publishing


def test_publishing_an_approved_verdict(reviewer_api, editor, reviewer):
    claim = approve(draft(claim_of(ArticleFactory(text=ON_A_LINE)), editor), reviewer)
    response = post(reviewer_api, claim_url(claim, "publish"), {"version": 4})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == Status.PUBLISHED
    assert response.json()["published_at"]


def test_publishing_a_draft_is_refused(reviewer_api, editor):
    claim = draft(claim_of(ArticleFactory(text=ON_A_LINE)), editor)
    before = stored_claims()
    response = post(reviewer_api, claim_url(claim, "publish"), {"version": 3})
    assert response.status_code == 400
    assert response.json()["code"] == "status"
    assert stored_claims() == before


def test_publishing_an_article_publishes_its_approved_verdicts(
    reviewer_api, editor, reviewer
):
    article = ArticleFactory(text=sentences(4))
    approve(draft(claim_of(article, 1), editor), reviewer)
    approve(draft(claim_of(article, 2), editor), reviewer)
    draft(claim_of(article, 3), editor)
    response = post(reviewer_api, f"{API}/articles/{article.pk}/publish/")
    assert response.status_code == 200
    assert response.json() == {"published": 2}
    assert [c.status for c in article.claims.order_by("position")] == [
        Status.PUBLISHED,
        Status.PUBLISHED,
        Status.DRAFT,
        Status.UNREVIEWED,
    ]
    again = post(reviewer_api, f"{API}/articles/{article.pk}/publish/")
    assert again.json() == {"published": 0}


def test_a_published_verdict_is_frozen(editor_api, editor, reviewer):
    claim = publish(draft(claim_of(ArticleFactory(text=ON_A_LINE)), editor), reviewer)
    before = stored_claims()
    response = editor_api.patch(
        claim_url(claim),
        {"verdict": Verdict.VERIFIED, "version": claim.version},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "detail": str(services.PUBLISHED_FROZEN),
        "code": "published",
    }
    assert stored_claims() == before


# Corrections


@pytest.fixture
def published(editor, reviewer) -> Claim:
    claim = claim_of(ArticleFactory(text=ON_A_LINE), 2)
    return publish(draft(claim, editor), reviewer)


def correction_body(claim: Claim, **overrides) -> dict:
    return {
        "reason": "The university corrected its page.",
        "verdict": Verdict.DISPUTED,
        "rationale": "Two sources now disagree.",
        "version": claim.version,
        **overrides,
    }


def test_proposing_a_correction(editor_api, published):
    response = post(
        editor_api, claim_url(published, "corrections"), correction_body(published)
    )
    assert response.status_code == 201, response.content
    body = response.json()
    correction = Correction.objects.get()
    assert body["id"] == correction.pk
    assert body["status"] == CorrectionStatus.PENDING
    assert (body["old_verdict"], body["new_verdict"]) == (
        Verdict.MISSTATED,
        Verdict.DISPUTED,
    )
    assert body["old_rationale"] == published.rationale
    assert body["new_rationale"] == "Two sources now disagree."
    assert body["reason"] == "The university corrected its page."
    assert body["proposed_by"] == "editor"
    assert body["decided_by"] is None
    # The published verdict is unchanged until someone approves.
    assert fresh(published).verdict == Verdict.MISSTATED
    listed = editor_api.get(claim_url(published, "corrections"))
    assert listed.status_code == 200
    assert listed.json() == [body]


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"reason": "  "}, "reason", reviewing.CORRECTION_REASON_REQUIRED),
        (
            {"verdict": Verdict.UNREVIEWED},
            "verdict",
            "A correction needs a verdict: verified, disputed, misstated.",
        ),
        (
            {"verdict": "maybe"},
            "verdict",
            '"maybe" is not a valid choice. Use one of: verified, disputed, misstated.',
        ),
        ({"reason": None}, "reason", "This field is required."),
    ],
)
def test_a_correction_names_what_is_missing(
    editor_api, published, change, field, message
):
    body = {
        k: v for k, v in correction_body(published, **change).items() if v is not None
    }
    response = post(editor_api, claim_url(published, "corrections"), body)
    assert response.status_code == 400
    assert response.json() == {field: [str(message)]}
    assert not Correction.objects.exists()


def test_a_correction_of_a_draft_is_refused(editor_api, editor):
    claim = draft(claim_of(ArticleFactory(text=ON_A_LINE)), editor)
    response = post(editor_api, claim_url(claim, "corrections"), correction_body(claim))
    assert response.status_code == 400
    assert response.json()["code"] == "status"


def test_a_correction_needs_the_current_version(editor_api, published):
    url = claim_url(published, "corrections")
    body = correction_body(published)
    del body["version"]
    response = post(editor_api, url, body)
    assert response.status_code == 428
    response = post(editor_api, url, {**body, "version": published.version - 1})
    assert response.status_code == 412
    assert response.json()["version"] == published.version
    assert response.json()["verdict"] == Verdict.MISSTATED
    response = post(editor_api, url, body, HTTP_IF_MATCH=f'"{published.version}"')
    assert response.status_code == 201
    assert Correction.objects.count() == 1


def test_a_second_pending_correction_is_refused(editor_api, published):
    url = claim_url(published, "corrections")
    assert post(editor_api, url, correction_body(published)).status_code == 201
    response = post(
        editor_api, url, correction_body(published, verdict=Verdict.VERIFIED)
    )
    assert response.status_code == 400
    assert response.json() == {
        "detail": str(reviewing.CORRECTION_PENDING),
        "code": "pending",
    }


def test_a_reviewer_cannot_approve_their_own_correction(reviewer_api, published):
    url = claim_url(published, "corrections")
    assert post(reviewer_api, url, correction_body(published)).status_code == 201
    response = post(
        reviewer_api, claim_url(published, "approve"), {"version": published.version}
    )
    assert response.status_code == 403
    assert response.json() == {"detail": str(reviewing.OWN_CORRECTION)}
    assert fresh(published).verdict == Verdict.MISSTATED


def test_rejecting_a_correction_keeps_the_published_verdict(
    editor_api, reviewer_api, published
):
    post(editor_api, claim_url(published, "corrections"), correction_body(published))
    response = post(
        reviewer_api,
        claim_url(published, "reject"),
        {"comment": "Not convincing.", "version": published.version},
    )
    assert response.status_code == 200
    assert response.json()["verdict"] == Verdict.MISSTATED
    assert response.json()["status"] == Status.PUBLISHED
    (correction,) = editor_api.get(claim_url(published, "corrections")).json()
    assert correction["status"] == CorrectionStatus.REJECTED
    assert correction["decided_by"] == "reviewer"
    assert correction["decision_comment"] == "Not convincing."


# Comments and assignment


def test_viewers_read_and_write_the_discussion(viewer_api, editor_api, editor):
    claim = claim_of(ArticleFactory(text=ON_A_LINE))
    url = claim_url(claim, "comments")
    response = post(viewer_api, url, {"text": "  Is the year right?  "})
    assert response.status_code == 201, response.content
    assert response.json()["author"] == "viewer"
    assert response.json()["text"] == "Is the year right?"
    assert response.json()["kind"] == CommentKind.COMMENT
    post(editor_api, url, {"text": "Checking."})
    thread = viewer_api.get(url).json()
    assert [(c["author"], c["text"]) for c in thread] == [
        ("viewer", "Is the year right?"),
        ("editor", "Checking."),
    ]
    assert fresh(claim).version == 1  # talk does not change the claim


@pytest.mark.parametrize("text", ["", "   "])
def test_an_empty_comment_is_refused(viewer_api, text):
    claim = claim_of(ArticleFactory(text=ON_A_LINE))
    response = post(viewer_api, claim_url(claim, "comments"), {"text": text})
    assert response.status_code == 400
    assert response.json() == {"text": [str(services.COMMENT_REQUIRED)]}
    assert not Comment.objects.exists()


def test_assigning_and_unassigning_a_claim(editor_api, editor):
    claim = claim_of(ArticleFactory(text=ON_A_LINE))
    url = claim_url(claim, "assign")
    response = post(editor_api, url, {"assignee": "editor", "version": 1})
    assert response.status_code == 200
    assert response.json()["assignee"] == "editor"
    assert fresh(claim).assignee == editor
    response = post(editor_api, url, {"assignee": None}, HTTP_IF_MATCH='"2"')
    assert response.status_code == 200
    assert response.json()["assignee"] is None
    assert fresh(claim).assignee is None


@pytest.mark.parametrize(
    ("assignee", "message"),
    [
        ("ghost", "No user is named ghost."),
        ("viewer", services.NOT_AN_EDITOR.format(name="viewer")),
    ],
)
def test_assigning_to_someone_who_cannot_edit_is_refused(
    editor_api, viewer, assignee, message
):
    claim = claim_of(ArticleFactory(text=ON_A_LINE))
    before = stored_claims()
    response = post(
        editor_api, claim_url(claim, "assign"), {"assignee": assignee, "version": 1}
    )
    assert response.status_code == 400
    assert response.json() == {"assignee": [str(message)]}
    assert stored_claims() == before


# Who may do what


@pytest.fixture
def desk(editor, reviewer):
    """A claim in the state each action needs, as a fresh article each."""

    def one() -> Claim:
        return claim_of(ArticleFactory(text=sentences(3, start=next_start())), 2)

    return {
        "draft": draft(one(), editor),
        "approved": approve(draft(one(), editor), reviewer),
        "published": publish(draft(one(), editor), reviewer),
    }


# name: (method, claim state or "article", url action, body without version)
ACTIONS = {
    "approve": ("post", "draft", "approve", {"comment": "Fine."}),
    "reject": ("post", "draft", "reject", {"comment": "Weak."}),
    "publish": ("post", "approved", "publish", {}),
    "propose correction": (
        "post",
        "published",
        "corrections",
        {"reason": "New facts.", "verdict": "disputed", "rationale": "Unclear."},
    ),
    "list corrections": ("get", "published", "corrections", None),
    "assign": ("post", "draft", "assign", {"assignee": "editor"}),
    "comment": ("post", "draft", "comments", {"text": "A question."}),
    "read comments": ("get", "draft", "comments", None),
    "history": ("get", "draft", "history", None),
    "publish article": ("post", "article", "publish", {}),
}
# The expected status for anonymous, viewer, editor and reviewer.
EXPECTED = {
    "approve": (401, 403, 403, 200),
    "reject": (401, 403, 403, 200),
    "publish": (401, 403, 403, 200),
    "propose correction": (401, 403, 201, 201),
    "list corrections": (401, 200, 200, 200),
    "assign": (401, 403, 200, 200),
    "comment": (401, 201, 201, 201),
    "read comments": (401, 200, 200, 200),
    "history": (401, 200, 200, 200),
    "publish article": (401, 403, 403, 200),
}
ROLE_NAMES = ("anonymous", "viewer", "editor", "reviewer")
# What a refusal says, by the action's permission.
NEEDED = {
    "approve": roles.REVIEW,
    "reject": roles.REVIEW,
    "publish": roles.REVIEW,
    "publish article": roles.REVIEW,
    "propose correction": roles.EDIT,
    "assign": roles.EDIT,
}


def request_for(name: str, desk: dict) -> tuple[str, str, dict | None]:
    method, state, action, body = ACTIONS[name]
    if state == "article":
        article_id = desk["approved"].article_id
        return method, f"{API}/articles/{article_id}/{action}/", body
    claim = fresh(desk[state])
    if method == "post" and name not in ("comment", "publish article"):
        body = {**body, "version": claim.version}
    return method, claim_url(claim, action), body


@pytest.mark.parametrize("role", ROLE_NAMES)
@pytest.mark.parametrize("name", ACTIONS)
def test_role_table_for_the_review_endpoints(desk, editor, reviewer, name, role):
    user = {
        "anonymous": None,
        "viewer": UserFactory(username="viewer", role="viewer"),
        "editor": editor,
        "reviewer": reviewer,
    }[role]
    method, url, body = request_for(name, desk)
    before = (stored_claims(), Comment.objects.count(), Correction.objects.count())
    client = client_of(user)
    response = client.get(url) if method == "get" else post(client, url, body)
    expected = EXPECTED[name][ROLE_NAMES.index(role)]
    assert response.status_code == expected, response.content
    if expected == 401:
        assert response.json() == {"detail": NOT_SIGNED_IN}
    if expected == 403:
        assert response.json() == {"detail": str(roles.NOT_ALLOWED[NEEDED[name]])}
    if expected in (401, 403) or method == "get":
        after = (stored_claims(), Comment.objects.count(), Correction.objects.count())
        assert after == before


def test_a_user_without_a_role_may_not_read_or_comment(desk):
    client = client_of(UserFactory(username="nobody", role=""))
    claim = desk["draft"]
    for action in ("comments", "history", "corrections"):
        response = client.get(claim_url(claim, action))
        assert response.status_code == 403
        assert response.json() == {"detail": str(roles.NOT_ALLOWED[roles.VIEW])}
    response = post(client, claim_url(claim, "comments"), {"text": "Hi."})
    assert response.status_code == 403
    assert response.json() == {"detail": str(roles.NOT_ALLOWED[roles.COMMENT])}
    assert not Comment.objects.exists()


@pytest.mark.parametrize("name", ["approve", "reject", "publish", "publish article"])
def test_the_services_refuse_an_editor_even_past_the_first_gate(
    desk, editor, name, monkeypatch
):
    # Without the API's own gate, the services' role check still answers 403.
    monkeypatch.setattr(
        "annotations.api.permissions.EditorOrReadOnly.has_permission",
        lambda self, request, view: True,
    )
    _, url, body = request_for(name, desk)
    before = stored_claims()
    response = post(client_of(editor), url, body)
    assert response.status_code == 403
    assert response.json() == {"detail": str(roles.NOT_ALLOWED[roles.REVIEW])}
    assert stored_claims() == before


# The whole lifecycle


def test_a_verdict_from_draft_to_correction_through_the_api(
    anon, editor_api, reviewer_api, editor
):
    article = ArticleFactory(text=ON_A_LINE, title="Lifecycle")
    claim = claim_of(article, 2)
    url = claim_url(claim)

    def public_rows() -> list[dict]:
        return exported(anon, "json", article=article.pk)

    # An editor writes the verdict and its evidence.
    response = editor_api.patch(
        url,
        {
            "verdict": Verdict.MISSTATED,
            "rationale": "The year was 2022.",
            "comment": "First pass.",
        },
        format="json",
        HTTP_IF_MATCH='"1"',
    )
    assert response.status_code == 200
    assert response.json()["status"] == Status.DRAFT
    response = post(
        editor_api,
        claim_url(claim, "sources"),
        {"url": "https://example.org/annual-report", "title": "Annual report"},
    )
    assert response.status_code == 201
    # Editors cannot approve; nothing is public yet.
    response = post(editor_api, claim_url(claim, "approve"), {"version": 3})
    assert response.status_code == 403
    assert public_rows() == []
    # A reviewer approves: still not public.
    response = post(
        reviewer_api,
        claim_url(claim, "approve"),
        {"comment": "Checked the report.", "version": 3},
    )
    assert response.json()["status"] == Status.APPROVED
    assert public_rows() == []
    # Published: anonymous exports show it.
    response = post(reviewer_api, claim_url(claim, "publish"), {"version": 4})
    assert response.json()["status"] == Status.PUBLISHED
    (row,) = public_rows()
    assert (row["claim_id"], row["verdict"], row["rationale"]) == (
        claim.pk,
        Verdict.MISSTATED,
        "The year was 2022.",
    )
    (review,) = exported(anon, "claimreview", article=article.pk)
    first_modified = review["dateModified"]
    published_on = review["datePublished"]
    # Frozen: a correction, proposed by the editor, approved by the reviewer.
    frozen = editor_api.patch(url, {"verdict": "verified", "version": 5}, format="json")
    assert frozen.status_code == 400
    response = post(
        editor_api,
        claim_url(claim, "corrections"),
        {
            "reason": "The company restated its figures.",
            "verdict": Verdict.DISPUTED,
            "rationale": "Two reports disagree.",
            "version": 5,
        },
    )
    assert response.status_code == 201
    assert public_rows()[0]["verdict"] == Verdict.MISSTATED  # not yet
    later = timezone.now() + datetime.timedelta(hours=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        response = post(
            reviewer_api,
            claim_url(claim, "approve"),
            {"comment": "Agreed.", "version": 5},
        )
    assert response.status_code == 200, response.content
    assert response.json()["verdict"] == Verdict.DISPUTED
    assert response.json()["status"] == Status.PUBLISHED
    (row,) = public_rows()
    assert (row["verdict"], row["rationale"]) == (
        Verdict.DISPUTED,
        "Two reports disagree.",
    )
    (review,) = exported(anon, "claimreview", article=article.pk)
    assert review["reviewRating"]["alternateName"] == "Disputed"
    assert review["dateModified"] == utc(later) > first_modified
    assert review["datePublished"] == published_on  # first publication stays
    (annotation,) = exported(anon, "w3c", article=article.pk)["first"]["items"]
    assert annotation["modified"] == utc(later)

    # The history tells every step: who, what changed (old and new), and why.
    steps = editor_api.get(claim_url(claim, "history")).json()
    summary = [
        (step["subject"], step["action"], step["user"], step["comment"])
        for step in steps
    ]
    assert summary == [
        ("claim", "created", None, ""),
        ("claim", "changed", "editor", "First pass."),
        ("source", "created", "editor", ""),
        ("claim", "changed", "editor", "source added: Annual report"),
        ("claim", "changed", "reviewer", "Checked the report."),
        ("claim", "changed", "reviewer", ""),
        ("correction", "proposed", "editor", "The company restated its figures."),
        ("correction", "approved", "reviewer", "Agreed."),
        (
            "claim",
            "changed",
            "reviewer",
            "correction: The company restated its figures.",
        ),
    ]
    changes = [
        {c["field"]: (c["old"], c["new"]) for c in step["changes"]} for step in steps
    ]
    assert changes[1] == {
        "verdict": (Verdict.UNREVIEWED, Verdict.MISSTATED),
        "rationale": ("", "The year was 2022."),
        "status": (Status.UNREVIEWED, Status.DRAFT),
    }
    assert changes[4] == {"status": (Status.DRAFT, Status.APPROVED)}
    assert changes[5] == {"status": (Status.APPROVED, Status.PUBLISHED)}
    assert changes[6] == {
        "verdict": (Verdict.MISSTATED, Verdict.DISPUTED),
        "rationale": ("The year was 2022.", "Two reports disagree."),
    }
    assert changes[8] == {
        "verdict": (Verdict.MISSTATED, Verdict.DISPUTED),
        "rationale": ("The year was 2022.", "Two reports disagree."),
    }
    assert [step["version"] for step in steps if step["subject"] == "claim"] == [
        1,
        2,
        3,
        4,
        5,
        6,
    ]
    assert parse_datetime(steps[-1]["at"]) == later


# Query counts


def busy_claim(editor, reviewer, rounds: int) -> Claim:
    """A claim with a long history: drafts, rejections, sources and comments."""
    claim = claim_of(ArticleFactory(text=sentences(2, start=next_start())))
    for n in range(rounds):
        judge(claim, Verdict.MISSTATED, f"Round {n}.", editor=editor)
        add_source(claim, url=f"https://example.org/{n}", added_by=editor)
        reject(claim, reviewer, f"Not yet ({n}).")
    return claim


def test_history_queries_do_not_grow_with_its_length(
    editor_api, editor, reviewer, django_assert_max_num_queries
):
    short = busy_claim(editor, reviewer, 1)
    long = busy_claim(editor, reviewer, 25)
    few = queries_for(editor_api, claim_url(short, "history"))
    many = queries_for(editor_api, claim_url(long, "history"))
    assert len(editor_api.get(claim_url(long, "history")).json()) > 100
    assert many == few
    with django_assert_max_num_queries(8):
        editor_api.get(claim_url(long, "history"))


@pytest.mark.parametrize("action", ["comments", "corrections"])
def test_claim_thread_queries_do_not_grow(
    editor_api, editor, reviewer, action, django_assert_max_num_queries
):
    short = busy_claim(editor, reviewer, 1)
    long = busy_claim(editor, reviewer, 20)
    assert queries_for(editor_api, claim_url(long, action)) == queries_for(
        editor_api, claim_url(short, action)
    )
    with django_assert_max_num_queries(7):
        editor_api.get(claim_url(long, action))


def test_claims_list_queries_do_not_grow_with_reviewed_claims(
    editor_api, editor, reviewer, django_assert_max_num_queries
):
    def reviewed_article(count: int) -> None:
        article = ArticleFactory(text=sentences(count, start=next_start()))
        for n, claim in enumerate(article.claims.order_by("position")):
            if n % 3 == 0:
                publish(draft(claim, editor), reviewer)
            elif n % 3 == 1:
                services.assign_claim(
                    claim=claim, assignee=editor, by=editor, expected_version=1
                )

    url = f"{API}/claims/?page_size=1000"
    reviewed_article(6)
    few = queries_for(editor_api, url)
    reviewed_article(90)
    many = queries_for(editor_api, url)
    assert many == few
    with django_assert_max_num_queries(6):
        body = editor_api.get(url).json()
    assert len(body["results"]) == 96
    assert {item["approved_by"] for item in body["results"]} == {None, "reviewer"}


# Nothing unpublished reaches anonymous clients

SECRET_DRAFT = "SECRET-DRAFT rationale"
SECRET_REJECTED = "SECRET-REJECTED rationale"
SECRET_APPROVED = "SECRET-APPROVED rationale"
SECRET_DELETED = "SECRET-DELETED rationale"
SECRETS = (SECRET_DRAFT, SECRET_REJECTED, SECRET_APPROVED, SECRET_DELETED)
DRAFT_TEXT = "Hidden claim one in the drafts-only article. Hidden claim two there."


@pytest.fixture
def newsroom(editor, reviewer):
    """Published, draft, rejected and approved verdicts side by side; an
    article with drafts only; a deleted article with a published verdict."""
    article = ArticleFactory(title="Mixed article", text=sentences(6))

    def verdict(position: int, value: str, rationale: str) -> Claim:
        claim = claim_of(article, position)
        judge(claim, value, rationale, editor=editor)
        add_source(claim, added_by=editor)
        return fresh(claim)

    public = publish(verdict(1, Verdict.VERIFIED, "PUBLIC rationale"), reviewer)
    verdict(2, Verdict.MISSTATED, SECRET_DRAFT)
    reject(verdict(3, Verdict.DISPUTED, SECRET_REJECTED), reviewer, "No.")
    approve(verdict(4, Verdict.MISSTATED, SECRET_APPROVED), reviewer)
    drafts_only = ArticleFactory(title="SECRET drafts-only article", text=DRAFT_TEXT)
    for claim in drafts_only.claims.all():
        judge(claim, Verdict.DISPUTED, SECRET_DRAFT, editor=editor)
    deleted = ArticleFactory(
        title="SECRET deleted article", text=sentences(2, start=next_start())
    )
    gone = claim_of(deleted)
    judge(gone, Verdict.VERIFIED, SECRET_DELETED, editor=editor)
    add_source(gone, added_by=editor)
    publish(gone, reviewer)
    services.delete_article(
        article=deleted, by=UserFactory(username="admin", role="admin")
    )
    return {
        "article": article,
        "public": public,
        "drafts_only": drafts_only,
        "deleted": deleted,
        "unpublished": [claim_of(article, n) for n in (2, 3, 4)]
        + list(drafts_only.claims.all())
        + [gone],
    }


def assert_nothing_unpublished(text: str, newsroom: dict) -> None:
    for secret in (*SECRETS, "SECRET drafts-only", "SECRET deleted", "Hidden claim"):
        assert secret not in text
    for claim in newsroom["unpublished"]:
        assert claim.text not in text
        assert f"/claims/{claim.pk}/" not in text
        anchor = f'/r/{claim.article_id}/#claim-{claim.position}"'
        assert anchor not in text


def public_params(newsroom: dict) -> list[dict]:
    article, drafts_only = newsroom["article"], newsroom["drafts_only"]
    everything = "2000-01-01T00:00:00Z"
    return [
        {},
        *({"verdict": v} for v in Verdict.values),
        *({"status": s} for s in Status.values),
        {"article": article.pk},
        {"article": drafts_only.pk},
        {"article": newsroom["deleted"].pk},
        {"updated_since": everything},
        {"article": drafts_only.pk, "verdict": Verdict.DISPUTED},
        {"article": article.pk, "verdict": Verdict.MISSTATED},
        {"article": article.pk, "status": Status.APPROVED},
        {"article": drafts_only.pk, "updated_since": everything},
    ]


@pytest.mark.parametrize("format_name", EXPORTS)
def test_anonymous_exports_show_only_published_verdicts(anon, newsroom, format_name):
    for params in public_params(newsroom):
        text = body_of(export(anon, format_name, **params))
        assert_nothing_unpublished(text, newsroom)
        texts = texts_of(format_name, parsed(format_name, text))
        assert set(texts) <= {newsroom["public"].text}, params
    everything = texts_of(format_name, exported(anon, format_name))
    assert everything == [newsroom["public"].text]


@pytest.mark.parametrize("format_name", EXPORTS)
def test_an_article_with_only_drafts_answers_like_one_that_does_not_exist(
    anon, newsroom, format_name
):
    hidden = newsroom["drafts_only"].pk
    missing = Article.objects.order_by("-pk").first().pk + 100
    for extra in ({}, {"verdict": Verdict.DISPUTED}, {"status": Status.DRAFT}):
        answers = []
        for article in (hidden, missing, newsroom["deleted"].pk):
            response = export(anon, format_name, article=article, **extra)
            # The W3C collection names the address it was asked for.
            text = body_of(response).replace(f"article={article}", "article=N")
            answers.append((text, sorted(response.items())))
        assert answers[0] == answers[1] == answers[2]
        assert "ETag" not in dict(answers[0][1])


@pytest.mark.parametrize("format_name", EXPORTS)
@pytest.mark.parametrize(
    ("param", "value"),
    [("verdict", "bogus"), ("status", "secret"), ("updated_since", "soon")],
)
def test_export_errors_do_not_depend_on_unpublished_data(
    anon, newsroom, format_name, param, value
):
    hidden = newsroom["drafts_only"].pk
    missing = Article.objects.order_by("-pk").first().pk + 100
    answers = []
    for article in (hidden, missing):
        response = anon.get(EXPORTS[format_name], {"article": article, param: value})
        assert response.status_code == 400
        assert list(response.json()) == [param]
        answers.append(response.json())
        assert_nothing_unpublished(response.content.decode(), newsroom)
    assert answers[0] == answers[1]


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"article": "HIDDEN"},
        {"article": "MISSING"},
        {"status": Status.DRAFT},
        {"verdict": Verdict.MISSTATED},
        {"cursor": "bz0x"},
        {"page_size": 1},
    ],
)
def test_anonymous_clients_get_no_claim_list_page_at_all(anon, newsroom, params):
    ids = {"HIDDEN": newsroom["drafts_only"].pk, "MISSING": 999_999}
    params = {k: ids.get(v, v) for k, v in params.items()}
    for url in (f"{API}/claims/", f"{API}/articles/", f"{API}/sources/1/"):
        response = anon.get(url, params)
        assert response.status_code == 401
        assert response.json() == {"detail": NOT_SIGNED_IN}


@pytest.mark.parametrize("action", ["", "history", "comments", "corrections"])
def test_anonymous_clients_learn_nothing_from_one_claim(anon, newsroom, action):
    hidden = newsroom["unpublished"][0]
    response = anon.get(claim_url(hidden, action))
    missing = anon.get(f"{API}/claims/999999/" + (f"{action}/" if action else ""))
    assert response.status_code == missing.status_code == 401
    assert response.json() == missing.json()


# Signed-in exports: every status, with the status


def test_signed_in_exports_include_every_status_with_the_status(viewer_api, newsroom):
    rows = exported(viewer_api, "json", article=newsroom["article"].pk)
    by_position = {row["position"]: row["status"] for row in rows}
    assert by_position == {
        1: Status.PUBLISHED,
        2: Status.DRAFT,
        3: Status.REJECTED,
        4: Status.APPROVED,
        5: Status.UNREVIEWED,
        6: Status.UNREVIEWED,
    }
    csv_rows = exported(viewer_api, "csv", article=newsroom["article"].pk)
    assert {int(r["position"]): r["status"] for r in csv_rows} == by_position
    reviews = exported(viewer_api, "claimreview", article=newsroom["article"].pk)
    assert [r["creativeWorkStatus"] for r in reviews] == [
        "Published",
        "Draft",
        "Rejected",
        "Approved",
    ]


@pytest.mark.parametrize("format_name", EXPORTS)
def test_a_signed_in_user_without_a_role_gets_the_public_export(newsroom, format_name):
    client = client_of(UserFactory(username="nobody", role=""))
    text = body_of(export(client, format_name))
    assert_nothing_unpublished(text, newsroom)
    assert texts_of(format_name, parsed(format_name, text)) == [newsroom["public"].text]


@pytest.mark.parametrize("format_name", EXPORTS)
def test_signed_in_exports_filter_by_status(viewer_api, newsroom, format_name):
    data = exported(viewer_api, format_name, status=Status.APPROVED)
    assert texts_of(format_name, data) == [claim_of(newsroom["article"], 4).text]


def test_an_export_never_holds_a_deleted_article(viewer_api, anon, newsroom):
    for client in (viewer_api, anon):
        for format_name in EXPORTS:
            text = body_of(export(client, format_name))
            assert SECRET_DELETED not in text
            assert "SECRET deleted" not in text


# Soft-deleted articles


def test_a_deleted_article_leaves_every_api_list_and_detail(reviewer_api, newsroom):
    deleted = newsroom["deleted"]
    gone = claim_of(deleted)
    source = gone.sources.get()
    articles = reviewer_api.get(f"{API}/articles/").json()["results"]
    assert deleted.pk not in {a["id"] for a in articles}
    claims = reviewer_api.get(f"{API}/claims/", {"page_size": 1000}).json()
    assert gone.pk not in {c["id"] for c in claims["results"]}
    assert (
        reviewer_api.get(f"{API}/claims/", {"article": deleted.pk}).json()["results"]
        == []
    )
    for url in (
        f"{API}/articles/{deleted.pk}/",
        claim_url(gone),
        claim_url(gone, "history"),
        claim_url(gone, "comments"),
        claim_url(gone, "corrections"),
        f"{API}/sources/{source.pk}/",
    ):
        assert reviewer_api.get(url).status_code == 404, url
    before = stored_claims()
    for url, body in (
        (claim_url(gone, "approve"), {"version": gone.version}),
        (claim_url(gone, "assign"), {"assignee": None, "version": gone.version}),
        (claim_url(gone, "comments"), {"text": "Hello?"}),
        (f"{API}/articles/{deleted.pk}/publish/", {}),
    ):
        assert post(reviewer_api, url, body).status_code == 404, url
    patch = reviewer_api.patch(
        claim_url(gone), {"rationale": "x", "version": gone.version}, format="json"
    )
    assert patch.status_code == 404
    assert stored_claims() == before


# The schema


def test_schema_documents_the_review_endpoints(anon):
    response = anon.get("/api/schema/", {"format": "json"})
    paths = json.loads(response.content)["paths"]
    for action in ("approve", "reject", "publish", "assign"):
        operation = paths[f"{API}/claims/{{id}}/{action}/"]["post"]
        assert {"200", "400", "403", "404", "412", "428"} <= set(operation["responses"])
        assert "If-Match" in {p["name"] for p in operation["parameters"]}
    corrections = paths[f"{API}/claims/{{id}}/corrections/"]
    assert {"201", "412", "428"} <= set(corrections["post"]["responses"])
    assert "200" in corrections["get"]["responses"]
    assert set(paths[f"{API}/claims/{{id}}/comments/"]) == {"get", "post"}
    assert "get" in paths[f"{API}/claims/{{id}}/history/"]
    assert "post" in paths[f"{API}/articles/{{id}}/publish/"]
    claim_filters = {p["name"] for p in paths[f"{API}/claims/"]["get"]["parameters"]}
    assert {"status", "assignee"} <= claim_filters
    for url in EXPORTS.values():
        names = {p["name"] for p in paths[url]["get"]["parameters"]}
        assert "status" in names
