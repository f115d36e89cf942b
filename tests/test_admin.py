"""The admin: every change through the services, refusals as messages."""

import re

import pytest
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from annotations import assisting, services, tokens
from annotations.models import (
    ApiToken,
    Article,
    ArticleCapture,
    ArticleVersion,
    Claim,
    Comment,
    CommentKind,
    Correction,
    Job,
    JobStatus,
    Source,
    SourceSnapshot,
    Status,
    Verdict,
)
from annotations.services import reviewing, versions

from .factories import (
    ArticleFactory,
    UserFactory,
    add_source,
    approve,
    captured,
    claim_of,
    fresh,
    judge,
    publish,
    sentences,
)
from .helpers import queries_for, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk_admin():
    """A staff user with the admin role (not a superuser)."""
    return UserFactory(username="boss", role="admin", is_staff=True)


@pytest.fixture
def reviewer():
    return UserFactory(username="rev", role="reviewer", is_staff=True)


@pytest.fixture
def writer():
    """The editor whose verdicts the reviewer judges."""
    return UserFactory(username="ed", role="editor", is_staff=True)


@pytest.fixture
def admin_client_(client, desk_admin):
    return signed_in(client, desk_admin)


@pytest.fixture
def reviewer_client(client, reviewer):
    return signed_in(client, reviewer)


@pytest.fixture
def staff_client(client, admin_user):
    """A superuser, for the pages every role's staff sees alike."""
    return signed_in(client, admin_user)


def action_names(response) -> list[str]:
    """The actions a changelist offers (none: no action menu at all)."""
    form = response.context["action_form"]
    return [name for name, _ in form.fields["action"].choices] if form else []


def shown(response) -> list[str]:
    """The messages the admin shows with a response."""
    return [str(message) for message in get_messages(response.wsgi_request)]


def draft(writer, article=None, position: int = 1, *, sourced: bool = True) -> Claim:
    """A disputed draft by ``writer`` (with a source unless told otherwise)."""
    claim = claim_of(article or ArticleFactory(), position)
    if sourced:
        add_source(claim, added_by=writer)
    return judge(claim, Verdict.DISPUTED, "The figure is unsourced.", editor=writer)


def published(writer, reviewer, article=None, position: int = 1) -> Claim:
    claim = draft(writer, article, position)
    approve(claim, reviewer)
    return publish(claim, reviewer)


def populate(articles: int, claims_each: int, writer, reviewer) -> None:
    """Articles whose first three claims are a draft, an approved and a
    published verdict (with a pending correction), each with people, a
    source and comments: every column the admin lists has a value."""
    for n in range(articles):
        article = ArticleFactory(text=sentences(claims_each, start=n * 1000))
        services.assign_article(article=article, assignee=writer, by=None)
        first = draft(writer, article, 1)
        services.assign_claim(
            claim=first, assignee=writer, by=None, expected_version=first.version
        )
        approve(draft(writer, article, 2), reviewer)
        third = published(writer, reviewer, article, 3)
        reviewing.propose_correction(
            claim=third,
            editor=writer,
            verdict=Verdict.MISSTATED,
            rationale="The filing says otherwise.",
            reason="New filing.",
            expected_version=third.version,
        )
        services.add_comment(claim=first, author=reviewer, text="Check the year.")


# Changelists: the same queries for few and many rows.


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:annotations_article_changelist",
        "admin:annotations_claim_changelist",
        "admin:annotations_source_changelist",
        "admin:annotations_correction_changelist",
        "admin:annotations_comment_changelist",
        "admin:auth_user_changelist",
        "admin:auth_group_changelist",
    ],
)
def test_changelists_use_the_same_queries_for_few_and_many_rows(
    admin_client_, writer, reviewer, url_name
):
    url = reverse(url_name)
    populate(2, 3, writer, reviewer)
    few = queries_for(admin_client_, url)
    populate(30, 4, writer, reviewer)
    for n in range(30):
        UserFactory(username=f"member{n}", role=["viewer", "editor"][n % 2])
    many = queries_for(admin_client_, url)
    assert many == few
    assert many <= 10


def test_claim_history_page_uses_the_same_queries_for_few_and_many_changes(
    admin_client_, writer
):
    claim = draft(writer)
    url = reverse("admin:annotations_claim_history", args=[claim.pk])
    queries_for(admin_client_, url)  # fills the content type cache
    few = queries_for(admin_client_, url)
    for n in range(40):
        judge(claim, Verdict.DISPUTED, f"Checked {n} times.", editor=writer)
    many = queries_for(admin_client_, url)
    assert many == few


def test_article_changelist_shows_counts_per_verdict_and_status(
    admin_client_, writer, reviewer
):
    populate(1, 5, writer, reviewer)
    response = admin_client_.get(reverse("admin:annotations_article_changelist"))
    body = response.content.decode()
    assert '<td class="field-disputed">3</td>' in body
    assert '<td class="field-unreviewed">2</td>' in body
    assert '<td class="field-units">5</td>' in body
    assert '<td class="field-drafts">1</td>' in body
    assert '<td class="field-approved">1</td>' in body
    assert '<td class="field-published">1</td>' in body
    assert '<td class="field-assignee nowrap">ed</td>' in body


def test_article_changelist_sorts_by_counts_as_numbers(admin_client_, writer):
    for n, size in enumerate((9, 12, 2)):
        ArticleFactory(text=sentences(size, start=n * 100))
    article = ArticleFactory(text=sentences(3, start=900))
    for position in (1, 2):
        judge(article.claims.get(position=position), Verdict.DISPUTED, editor=writer)
    url = reverse("admin:annotations_article_changelist")
    listed = admin_client_.get(url).context["cl"].list_display
    columns = [getattr(column, "__name__", column) for column in listed]

    def sorted_by(column: str) -> list[int]:
        order = f"-{columns.index(column)}"
        found = admin_client_.get(url, {"o": order}).context["cl"].result_list
        return [article.tally["units"] for article in found]

    # By number: 12 before 9 (as text, "9" would come first).
    assert sorted_by("units") == [12, 9, 3, 2]
    assert sorted_by("disputed")[0] == 3
    assert sorted_by("unreviewed")[:2] == [12, 9]


def test_claim_changelist_shows_status_and_people_and_filters_by_status(
    admin_client_, writer, reviewer
):
    populate(2, 4, writer, reviewer)
    url = reverse("admin:annotations_claim_changelist")
    response = admin_client_.get(url, {"status__exact": "approved"})
    assert response.context["cl"].result_count == 2
    body = response.content.decode()
    assert '<td class="field-status">Approved</td>' in body
    assert '<td class="field-approved_by nowrap">rev</td>' in body
    assert '<td class="field-verdict_by nowrap">ed</td>' in body
    drafts = admin_client_.get(url, {"status__exact": "draft"})
    assert drafts.context["cl"].result_count == 2
    assert '<td class="field-assignee nowrap">ed</td>' in drafts.content.decode()


def test_claim_changelist_filters_by_verdict_kind_and_article(
    admin_client_, writer, reviewer
):
    populate(2, 4, writer, reviewer)
    first = Article.objects.order_by("pk").first()
    url = reverse("admin:annotations_claim_changelist")
    response = admin_client_.get(
        url, {"verdict__exact": "disputed", "article": first.pk}
    )
    # The third one's correction is pending: the verdict stays until approved.
    assert response.context["cl"].result_count == 3
    response = admin_client_.get(url, {"kind__exact": "claim", "q": "Sentence 1"})
    assert response.status_code == 200
    assert admin_client_.get(url, {"article": "abc"}).status_code == 200


def test_claim_changelist_finds_a_claim_by_its_public_id(
    admin_client_, writer, reviewer
):
    populate(2, 4, writer, reviewer)
    claim = Claim.objects.order_by("pk").last()
    url = reverse("admin:annotations_claim_changelist")
    response = admin_client_.get(url, {"q": claim.public_id})
    assert [c.pk for c in response.context["cl"].result_list] == [claim.pk]
    page = admin_client_.get(reverse("admin:annotations_claim_change", args=[claim.pk]))
    assert claim.public_id in page.content.decode()


# Articles.


def test_article_change_page_lists_claims_inline(staff_client, seed_text):
    article = services.import_article(text=seed_text, title="Seed")
    response = staff_client.get(
        reverse("admin:annotations_article_change", args=[article.pk])
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count('class="field-text"') >= 55
    assert "\u5c55\u5f00\u5269\u4f5988%" in body  # 展开剩余88% shown as its own unit


def test_article_text_cannot_be_edited_in_the_admin(admin_client_):
    article = ArticleFactory()
    url = reverse("admin:annotations_article_change", args=[article.pk])
    admin_client_.post(
        url,
        {
            "title": "Renamed",
            "url": article.url,
            "publisher": article.publisher,
            "text": "Replaced text.",
            "claims-TOTAL_FORMS": "0",
            "claims-INITIAL_FORMS": "0",
            "versions-TOTAL_FORMS": "0",
            "versions-INITIAL_FORMS": "0",
        },
    )
    article.refresh_from_db()
    assert article.title == "Renamed"
    assert article.text != "Replaced text."


def test_deleting_an_article_in_the_admin_is_soft(admin_client_, desk_admin):
    article = ArticleFactory(title="Old story")
    url = reverse("admin:annotations_article_delete", args=[article.pk])
    confirm = admin_client_.get(url).content.decode()
    assert "an admin can restore it" in confirm
    assert "Sentence" not in confirm  # its claims are not listed as deleted
    response = admin_client_.post(url, {"post": "yes"})
    assert response.status_code == 302
    stored = Article.objects.get(pk=article.pk)
    assert stored.deleted_at is not None
    assert stored.deleted_by == desk_admin
    assert Claim.objects.filter(article=article).count() == 3


def test_the_delete_action_deletes_softly(admin_client_):
    articles = [ArticleFactory(), ArticleFactory()]
    url = reverse("admin:annotations_article_changelist")
    selected = [article.pk for article in articles]
    confirm = admin_client_.post(
        url, {"action": "delete_selected", "_selected_action": selected}
    )
    assert "an admin can restore them" in confirm.content.decode()
    admin_client_.post(
        url,
        {"action": "delete_selected", "_selected_action": selected, "post": "yes"},
    )
    assert Article.objects.filter(deleted_at__isnull=False).count() == 2
    assert Claim.objects.count() == 6


def test_deleted_articles_stay_listed_for_the_admin_marked(admin_client_, desk_admin):
    gone = ArticleFactory(title="Gone")
    ArticleFactory(title="Here")
    services.delete_article(article=gone, by=desk_admin)
    url = reverse("admin:annotations_article_changelist")
    body = admin_client_.get(url).content.decode()
    assert 'class="deleted-mark"' in body
    assert body.count('class="deleted-mark"') == 1
    deleted = admin_client_.get(url, {"deleted": "yes"}).context["cl"]
    assert [a.title for a in deleted.result_list] == ["Gone"]
    live = admin_client_.get(url, {"deleted": "no"}).context["cl"]
    assert [a.title for a in live.result_list] == ["Here"]


def test_claims_and_sources_of_deleted_articles_stay_in_the_admin(
    admin_client_, desk_admin, writer
):
    claim = draft(writer)
    services.delete_article(article=claim.article, by=desk_admin)
    claims = admin_client_.get(reverse("admin:annotations_claim_changelist"))
    assert claims.context["cl"].result_count == 3
    assert 'class="deleted-mark"' in claims.content.decode()
    sources = admin_client_.get(reverse("admin:annotations_source_changelist"))
    assert sources.context["cl"].result_count == 1
    change = reverse("admin:annotations_claim_change", args=[claim.pk])
    assert admin_client_.get(change).status_code == 200


def test_the_restore_action_brings_deleted_articles_back(admin_client_, desk_admin):
    article = ArticleFactory()
    services.delete_article(article=article, by=desk_admin)
    response = admin_client_.post(
        reverse("admin:annotations_article_changelist"),
        {"action": "restore", "_selected_action": [article.pk]},
        follow=True,
    )
    assert shown(response) == ["Restored 1 article."]
    stored = Article.objects.get(pk=article.pk)
    assert (stored.deleted_at, stored.deleted_by) == (None, None)


def test_only_the_admin_role_deletes_or_restores_articles(reviewer_client):
    article = ArticleFactory()
    changelist = reverse("admin:annotations_article_changelist")
    offered = action_names(reviewer_client.get(changelist))
    assert not {"delete_selected", "restore"} & set(offered)
    delete = reverse("admin:annotations_article_delete", args=[article.pk])
    assert reviewer_client.post(delete, {"post": "yes"}).status_code == 403
    reviewer_client.post(
        changelist, {"action": "delete_selected", "_selected_action": [article.pk]}
    )
    assert Article.objects.get(pk=article.pk).deleted_at is None


def test_admin_import_by_paste_creates_an_article(admin_client_):
    assert admin_client_.get(reverse("admin:annotations_article_add")).status_code == (
        302
    )
    url = reverse("admin:annotations_article_import")
    response = admin_client_.post(
        url, {"title": "Pasted", "text": "First sentence. Second one!"}
    )
    article = Article.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "admin:annotations_article_change", args=[article.pk]
    )
    assert article.claims.count() == 2


def test_admin_import_shows_refusals_next_to_the_field(admin_client_):
    url = reverse("admin:annotations_article_import")
    ArticleFactory(text="Already here.", title="Existing")
    duplicate = admin_client_.post(url, {"title": "Again", "text": "Already here."})
    assert "already imported" in duplicate.content.decode()
    binary = admin_client_.post(
        url,
        {"title": "Img", "file": SimpleUploadedFile("a.txt", b"\x89PNG\r\n\x1a\n")},
    )
    assert "binary file" in binary.content.decode()
    empty = admin_client_.post(url, {"title": "Nothing", "text": "   "})
    assert "Paste the article text, choose a file, or give" in empty.content.decode()
    assert Article.objects.count() == 1


# Claims: edits through the services; refusals as messages.


def claim_form(claim: Claim, **changes) -> dict:
    data = {
        "kind": claim.kind,
        "verdict": claim.verdict,
        "rationale": claim.rationale,
        "expected_version": claim.version,
        "sources-TOTAL_FORMS": "0",
        "sources-INITIAL_FORMS": "0",
    }
    return {**data, **changes}


def test_claim_change_sets_verdict_through_the_service(reviewer_client, reviewer):
    claim = claim_of(ArticleFactory())
    url = reverse("admin:annotations_claim_change", args=[claim.pk])
    response = reviewer_client.post(
        url,
        claim_form(
            claim,
            verdict="misstated",
            rationale="The year was 2025.",
            **{
                "sources-TOTAL_FORMS": "1",
                "sources-0-url": "https://example.org/proof",
                "sources-0-title": "Proof",
                "sources-0-stance": "refutes",
            },
        ),
    )
    assert response.status_code == 302
    stored = fresh(claim)
    assert stored.verdict == Verdict.MISSTATED
    assert stored.status == Status.DRAFT
    assert stored.verdict_by == reviewer
    assert stored.version == claim.version + 2  # verdict, then the source
    assert Source.objects.get().added_by == reviewer


def test_claim_change_with_stale_version_is_refused_and_keeps_the_other_edit(
    reviewer_client, writer
):
    claim = claim_of(ArticleFactory())
    judge(claim, Verdict.VERIFIED, "Someone else's check.", editor=writer)
    response = reviewer_client.post(
        reverse("admin:annotations_claim_change", args=[claim.pk]),
        claim_form(claim, verdict="misstated", rationale="Mine."),
    )
    assert response.status_code == 200
    assert "Someone else changed this claim" in response.content.decode()
    assert fresh(claim).rationale == "Someone else's check."


def test_editing_a_published_verdict_shows_why_it_is_frozen(
    reviewer_client, writer, reviewer
):
    claim = published(writer, reviewer)
    url = reverse("admin:annotations_claim_change", args=[claim.pk])
    logged = LogEntry.objects.count()
    response = reviewer_client.post(
        url, claim_form(claim, verdict="misstated", rationale="Changed my mind.")
    )
    assert response.status_code == 302
    assert response["Location"] == url
    assert shown(response) == [
        f"Nothing was saved: {services.PUBLISHED_FROZEN}",
    ]
    stored = fresh(claim)
    assert (stored.verdict, stored.version) == (Verdict.DISPUTED, claim.version)
    assert LogEntry.objects.count() == logged


def test_adding_a_source_to_a_published_verdict_is_refused_with_a_message(
    reviewer_client, writer, reviewer
):
    claim = published(writer, reviewer)
    response = reviewer_client.post(
        reverse("admin:annotations_claim_change", args=[claim.pk]),
        claim_form(
            claim,
            **{
                "sources-TOTAL_FORMS": "1",
                "sources-0-url": "https://example.org/late",
                "sources-0-title": "Late",
                "sources-0-stance": "supports",
            },
        ),
    )
    assert response.status_code == 302
    assert shown(response) == [f"Nothing was saved: {services.PUBLISHED_FROZEN}"]
    assert list(Source.objects.values_list("title", flat=True)) == ["Evidence"]
    assert fresh(claim).version == claim.version


def post_source(client, claim, url: str, **kwargs):
    """Add a source through the claim's admin page."""
    return client.post(
        reverse("admin:annotations_claim_change", args=[claim.pk]),
        claim_form(
            claim,
            **{
                "sources-TOTAL_FORMS": "1",
                "sources-0-url": url,
                "sources-0-title": "Bad",
                "sources-0-stance": "supports",
            },
        ),
        **kwargs,
    )


def test_source_with_javascript_url_is_refused_in_the_admin(reviewer_client):
    response = post_source(
        reviewer_client, claim_of(ArticleFactory()), "javascript:alert(1)"
    )
    assert response.status_code == 200
    assert not Source.objects.exists()


@pytest.mark.parametrize(
    "url", ["https://user:secret@example.org/", "https://example.org/\u2066x"]
)
def test_source_with_credentials_or_bidi_is_refused_in_the_admin(reviewer_client, url):
    claim = claim_of(ArticleFactory())
    response = post_source(reviewer_client, claim, url, follow=True)
    assert response.status_code == 200
    (message,) = shown(response)
    assert message.startswith("Nothing was saved: ")
    assert "secret" not in message
    assert not Source.objects.exists()


def test_article_address_with_credentials_is_refused_in_the_admin(admin_client_):
    article = ArticleFactory(url="https://example.org/a")
    url = reverse("admin:annotations_article_change", args=[article.pk])
    form = admin_client_.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(url="https://user:secret@example.org/a", assignee="")
    data.pop("imported_by", None)
    response = admin_client_.post(url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["url"] == [
        str(services.URL_CREDENTIALS)
    ]
    assert Article.objects.get(pk=article.pk).url == "https://example.org/a"


def test_claims_cannot_be_added_or_deleted_in_the_admin(staff_client):
    claim = claim_of(ArticleFactory())
    assert staff_client.get(reverse("admin:annotations_claim_add")).status_code == 403
    delete = reverse("admin:annotations_claim_delete", args=[claim.pk])
    assert staff_client.post(delete, {"post": "yes"}).status_code == 403
    assert Claim.objects.filter(pk=claim.pk).exists()


# History pages.


def test_claim_history_page_lists_each_version_with_its_author(
    reviewer_client, writer, reviewer
):
    claim = published(writer, reviewer)
    response = reviewer_client.get(
        reverse("admin:annotations_claim_history", args=[claim.pk])
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Revert" not in body
    versions = [record.version for record in response.context["page_obj"]]
    assert sorted(versions) == list(range(1, claim.version + 1))
    assert "ed" in {str(r.history_user) for r in response.context["page_obj"]}
    assert "source added: Evidence" in body


def test_reverting_from_the_history_is_refused(reviewer_client, writer):
    claim = draft(writer)
    first = Claim.history.filter(id=claim.pk).order_by("history_id").first()
    url = reverse(
        "admin:annotations_claim_simple_history", args=[claim.pk, first.history_id]
    )
    assert reviewer_client.get(url).status_code == 200
    response = reviewer_client.post(url, claim_form(fresh(claim)))
    assert response.status_code == 403
    assert fresh(claim).verdict == Verdict.DISPUTED


def test_source_history_page_lists_its_changes(reviewer_client, writer):
    claim = claim_of(ArticleFactory())
    source = add_source(claim, added_by=writer)
    services.update_source(
        source=source,
        url="https://example.org/moved",
        title="Moved",
        editor=writer,
    )
    response = reviewer_client.get(
        reverse("admin:annotations_source_history", args=[source.pk])
    )
    assert response.status_code == 200
    assert len(response.context["page_obj"]) == 2
    assert "https://example.org/moved" in response.content.decode()


# Review actions.


def act(client, action: str, claims, **extra):
    return client.post(
        reverse("admin:annotations_claim_changelist"),
        {"action": action, "_selected_action": [c.pk for c in claims], **extra},
        follow=True,
    )


def test_the_approve_action_approves_each_claim_and_reports_refusals(
    reviewer_client, writer, reviewer
):
    article = ArticleFactory()
    good = draft(writer, article, 1)
    unsourced = draft(writer, article, 2, sourced=False)
    own = draft(reviewer, article, 3)
    response = act(reviewer_client, "approve", [good, unsourced, own])
    messages = shown(response)
    assert fresh(good).status == Status.APPROVED
    assert fresh(good).approved_by == reviewer
    assert fresh(unsourced).status == Status.DRAFT
    assert fresh(own).status == Status.DRAFT
    title = article.title
    assert messages == [
        f"Claim #2 of “{title}”: {reviewing.SOURCE_REQUIRED}",
        f"Claim #3 of “{title}”: {reviewing.OWN_VERDICT}",
        "Approved 1 of 3 selected verdicts.",
    ]


def test_the_reject_action_asks_for_the_reason_then_rejects(
    reviewer_client, writer, reviewer
):
    claim = draft(writer)
    page = act(reviewer_client, "reject", [claim])
    assert page.status_code == 200
    assert "Why are they rejected?" in page.content.decode()
    assert fresh(claim).status == Status.DRAFT
    empty = act(reviewer_client, "reject", [claim], apply="yes", comment="  ")
    assert "Write the reason first." in empty.content.decode()
    assert fresh(claim).status == Status.DRAFT
    done = act(reviewer_client, "reject", [claim], apply="yes", comment="Which report?")
    assert shown(done) == ["Rejected 1 of 1 selected verdicts."]
    assert fresh(claim).status == Status.REJECTED
    comment = Comment.objects.get(claim=claim)
    assert (comment.kind, comment.text, comment.author) == (
        CommentKind.REJECTION,
        "Which report?",
        reviewer,
    )


def test_the_publish_action_publishes_approved_verdicts_only(
    reviewer_client, writer, reviewer
):
    article = ArticleFactory()
    ready = draft(writer, article, 1)
    approve(ready, reviewer)
    waiting = draft(writer, article, 2)
    response = act(reviewer_client, "publish", [ready, waiting])
    assert fresh(ready).status == Status.PUBLISHED
    assert fresh(waiting).status == Status.DRAFT
    refused = reviewing.NOT_APPROVED.format(position=2, status="Draft")
    assert shown(response) == [
        f"Claim #2 of “{article.title}”: {refused}",
        "Published 1 of 2 selected verdicts.",
    ]


def test_the_approve_action_approves_a_pending_correction(
    reviewer_client, writer, reviewer
):
    claim = published(writer, reviewer)
    reviewing.propose_correction(
        claim=claim,
        editor=writer,
        verdict=Verdict.MISSTATED,
        rationale="The filing says otherwise.",
        reason="New filing.",
        expected_version=claim.version,
    )
    act(reviewer_client, "approve", [claim])
    assert fresh(claim).verdict == Verdict.MISSTATED
    assert Correction.objects.get().status == "approved"


def test_editors_are_not_offered_the_review_actions(client, writer):
    signed_in(client, writer)
    response = client.get(reverse("admin:annotations_claim_changelist"))
    assert not {"approve", "reject", "publish"} & set(action_names(response))
    claim = draft(UserFactory(username="other"))
    act(client, "approve", [claim])
    assert fresh(claim).status == Status.DRAFT


# Sources.


def test_source_admin_edits_go_through_the_service(reviewer_client):
    claim = claim_of(ArticleFactory())
    source = add_source(claim)
    url = reverse("admin:annotations_source_change", args=[source.pk])
    response = reviewer_client.post(
        url,
        {
            "url": "https://example.org/updated",
            "title": "Updated",
            "publisher": "",
            "quote": "",
            "stance": "context",
        },
    )
    assert response.status_code == 302
    source.refresh_from_db()
    assert (source.title, source.stance) == ("Updated", "context")
    assert fresh(claim).version == claim.version + 2


def test_source_of_a_published_verdict_cannot_be_changed_or_deleted(
    reviewer_client, writer, reviewer
):
    claim = published(writer, reviewer)
    source = Source.objects.get(claim=claim)
    change = reverse("admin:annotations_source_change", args=[source.pk])
    response = reviewer_client.post(
        change,
        {"url": "https://example.org/x", "title": "Changed", "stance": "supports"},
    )
    assert response.status_code == 302
    assert shown(response) == [f"Nothing was saved: {services.PUBLISHED_FROZEN}"]
    reviewer_client.get(change)  # shows (and so clears) the message
    delete = reverse("admin:annotations_source_delete", args=[source.pk])
    response = reviewer_client.post(delete, {"post": "yes"}, follow=True)
    assert response.redirect_chain == [(change, 302)]
    assert shown(response) == [f"Nothing was saved: {services.PUBLISHED_FROZEN}"]
    source.refresh_from_db()
    assert source.title == "Evidence"
    assert fresh(claim).version == claim.version


def test_adding_a_source_to_a_published_verdict_in_the_source_admin_is_refused(
    reviewer_client, writer, reviewer
):
    claim = published(writer, reviewer)
    response = reviewer_client.post(
        reverse("admin:annotations_source_add"),
        {
            "claim": claim.pk,
            "url": "https://example.org/late",
            "title": "Late",
            "stance": "supports",
        },
    )
    assert response.status_code == 302
    assert shown(response) == [f"Nothing was saved: {services.PUBLISHED_FROZEN}"]
    assert Source.objects.count() == 1


# Corrections and comments: read here, written by the services.


def test_corrections_and_comments_are_listed_searchable_and_read_only(
    admin_client_, writer, reviewer
):
    populate(2, 3, writer, reviewer)
    corrections = reverse("admin:annotations_correction_changelist")
    found = admin_client_.get(corrections, {"q": "New filing"})
    assert found.context["cl"].result_count == 2
    assert admin_client_.get(corrections, {"q": "nothing"}).context[
        "cl"
    ].result_count == (0)
    comments = reverse("admin:annotations_comment_changelist")
    found = admin_client_.get(comments, {"q": "the year"})
    assert found.context["cl"].result_count == 2
    assert "Check the year." in found.content.decode()
    assert admin_client_.get(reverse("admin:annotations_comment_add")).status_code == (
        403
    )
    assert admin_client_.get(
        reverse("admin:annotations_correction_add")
    ).status_code == (403)
    correction = Correction.objects.first()
    page = admin_client_.get(
        reverse("admin:annotations_correction_change", args=[correction.pk])
    )
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()


# Users and roles.


def test_the_user_list_shows_each_users_roles(admin_client_):
    UserFactory(username="ana", role="reviewer")
    UserFactory(username="nobody", role="")
    response = admin_client_.get(reverse("admin:auth_user_changelist"))
    rows = {
        user.username: response.context["cl"].model_admin.role_names(user)
        for user in response.context["cl"].result_list
    }
    assert rows["ana"] == "reviewer"
    assert rows["boss"] == "admin"
    assert rows["nobody"] == "—"
    assert '<td class="field-role_names">reviewer</td>' in response.content.decode()
    filtered = admin_client_.get(
        reverse("admin:auth_user_changelist"),
        {
            "groups__id__exact": UserFactory(username="x", role="reviewer")
            .groups.get()
            .pk
        },
    )
    assert {u.username for u in filtered.context["cl"].result_list} == {"ana", "x"}


def test_the_role_list_counts_members(admin_client_):
    UserFactory(username="ana", role="reviewer")
    response = admin_client_.get(reverse("admin:auth_group_changelist"))
    counts = {
        group.name: group.member_count for group in response.context["cl"].result_list
    }
    assert counts["reviewer"] == 1
    assert counts["admin"] == 1


def test_only_a_superuser_makes_superusers(admin_client_, admin_user, desk_admin):
    url = reverse("admin:auth_user_change", args=[desk_admin.pk])
    form = admin_client_.get(url).context["adminform"].form
    assert "is_superuser" not in form.fields
    assert "user_permissions" not in form.fields
    assert form.fields["groups"].label == "Roles"
    form = signed_in(Client(), admin_user).get(url).context["adminform"].form
    assert "is_superuser" in form.fields
    assert admin_client_.get(reverse("admin:auth_user_add")).status_code == 200


def test_the_admin_gives_roles_by_moving_users_between_groups(admin_client_):
    ana = UserFactory(username="ana", role="editor")
    reviewer_role = Group.objects.get(name="reviewer")
    response = admin_client_.post(
        reverse("admin:auth_user_change", args=[ana.pk]),
        {
            "username": "ana",
            "email": ana.email,
            "is_active": "on",
            "is_superuser": "on",  # not in the form: ignored
            "groups": [reviewer_role.pk],
            "date_joined_0": "2025-01-01",
            "date_joined_1": "09:00:00",
        },
    )
    assert response.status_code == 302
    ana.refresh_from_db()
    assert list(ana.groups.values_list("name", flat=True)) == ["reviewer"]
    assert not ana.is_superuser
    assert ana.has_perm("annotations.review_claim")


# Assistance and versions


JIAO_WRONG = "\u7126\u5efa\u6d9b"  # 焦建涛
JIAO_RIGHT = "\u7126\u5251\u6d9b"  # 焦剑涛
# Seed claim 9 gets another word in version 2; claim 35 is removed.
CHANGED = ("属于全球稀缺的高端人才", "属于世界稀缺的高端人才")
REMOVED = "反观国内,很多教授的专利写完就锁抽屉了,转化率连美国的十分之一都不到。\n"


@pytest.fixture
def seed(seed_text) -> Article:
    return services.import_article(text=seed_text, title="Seed")


@pytest.fixture
def reimported(seed, seed_text) -> Article:
    """The seed with a changed and a removed sentence, as version 2."""
    judge(claim_of(seed, 9), Verdict.MISSTATED, "Wrong field.")
    judge(seed.claims.get(text=REMOVED.strip()), Verdict.DISPUTED, "No data.")
    text = seed_text.replace(*CHANGED).replace(REMOVED, "")
    versions.import_new_version(article=seed, text=text, imported_by=None)
    return seed


def changelist(client, **params):
    response = client.get(reverse("admin:annotations_claim_changelist"), params)
    assert response.status_code == 200
    return response


def test_claim_change_page_shows_hints_and_checkworthiness(staff_client, seed):
    claim = claim_of(seed, 5)
    response = staff_client.get(
        reverse("admin:annotations_claim_change", args=[claim.pk])
    )
    body = response.content.decode()
    (hint,) = claim.hints
    span = hint["spans"][0]
    assert "Name variant" in body
    assert f"“{JIAO_WRONG}” ({span['start']}–{span['end']})" in body
    assert f"probably a misspelling of “{JIAO_RIGHT}”" in body
    assert f"<strong>{claim.worth:.2f}</strong>" in body
    for reason in claim.worth_reasons:
        assert reason in body
    form = response.context["adminform"].form
    assert not {"hints", "worth", "worth_reasons", "orphaned"} & set(form.fields)


def test_checked_before_hints_link_to_the_earlier_claim(staff_client, writer):
    market = "英伟达占据全球80%以上的AI芯片市场份额。"
    earlier = ArticleFactory(text=f"Opening line.\n{market}", analyse=True)
    add_source(claim_of(earlier, 2), added_by=writer)
    judge(claim_of(earlier, 2), Verdict.DISPUTED, "Near 70%.", editor=writer)
    later = ArticleFactory(text=f"{market}\nAnother line here.", analyse=True)
    response = staff_client.get(
        reverse("admin:annotations_claim_change", args=[claim_of(later, 1).pk])
    )
    body = response.content.decode()
    assert "Checked before" in body
    earlier_url = reverse(
        "admin:annotations_claim_change", args=[claim_of(earlier, 2).pk]
    )
    assert f'href="{earlier_url}"' in body


def test_checked_before_hints_of_a_deleted_article_leave_the_admin(
    staff_client, writer
):
    market = "英伟达占据全球80%以上的AI芯片市场份额。"
    earlier = ArticleFactory(
        title="Gone article", text=f"Opening line.\n{market}", analyse=True
    )
    add_source(claim_of(earlier, 2), added_by=writer)
    judge(claim_of(earlier, 2), Verdict.DISPUTED, "Near 70%.", editor=writer)
    later = ArticleFactory(text=f"{market}\nAnother line here.", analyse=True)
    url = reverse("admin:annotations_claim_change", args=[claim_of(later, 1).pk])
    assert "Gone article" in staff_client.get(url).content.decode()
    services.delete_article(article=earlier, by=None)
    body = staff_client.get(url).content.decode()
    assert "Checked before" not in body
    assert "Gone article" not in body


def test_restoring_an_article_whose_text_is_live_again_is_refused(
    admin_client_, desk_admin
):
    article = ArticleFactory(title="Old one", text="Same words. Twice over.")
    services.delete_article(article=article, by=desk_admin)
    editor = UserFactory(role="editor")
    live = services.import_article(
        text="Same words. Twice over.", title="New one", imported_by=editor
    )
    response = admin_client_.post(
        reverse("admin:annotations_article_changelist"),
        {"action": "restore", "_selected_action": [article.pk]},
        follow=True,
    )
    assert shown(response) == [
        services.RESTORE_DUPLICATE.format(id=live.pk, title="New one"),
        "Restored 0 articles.",
    ]
    assert Article.objects.get(pk=article.pk).deleted_at is not None


def test_hints_cannot_be_changed_in_the_admin(reviewer_client, seed):
    claim = claim_of(seed, 5)
    hints, worth = claim.hints, claim.worth
    reviewer_client.post(
        reverse("admin:annotations_claim_change", args=[claim.pk]),
        claim_form(claim, hints="[]", worth="1", orphaned="on", text_changed="on"),
    )
    stored = fresh(claim)
    assert (stored.hints, stored.worth) == (hints, worth)
    assert not stored.orphaned and not stored.text_changed


def worth_column() -> str:
    """The changelist's ``o`` index of the check-worthiness column."""
    columns = ["action_checkbox", *admin.site._registry[Claim].list_display]
    return str(columns.index("worth_score"))


def test_claim_changelist_shows_checkworthiness_and_sorts_by_it(admin_client_, seed):
    response = changelist(admin_client_, o=f"-{worth_column()}")
    results = list(response.context["cl"].result_list)
    assert [c.worth for c in results] == sorted(
        (c.worth for c in results), reverse=True
    )
    top = results[0]
    assert f'<td class="field-worth_score">{top.worth:.2f}</td>' in (
        response.content.decode()
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (assisting.NAME_VARIANT, [5]),
        (assisting.CONTRADICTION, []),
        (assisting.CHECKED_BEFORE, []),
    ],
)
def test_claim_changelist_filters_by_hint_type(admin_client_, seed, value, expected):
    response = changelist(admin_client_, hint=value)
    assert [c.position for c in response.context["cl"].result_list] == expected


def test_claim_changelist_filters_claims_with_and_without_hints(admin_client_, seed):
    hinted = {c.pk for c in seed.claims.all() if c.hints}
    figures = {
        c.pk for c in seed.claims.all() if any(h["type"] == "number" for h in c.hints)
    }
    assert 0 < len(figures) < len(hinted) < 55

    def found(**params) -> set[int]:
        response = changelist(admin_client_, **params)
        assert response.context["cl"].result_count < 100
        return {c.pk for c in response.context["cl"].result_list}

    assert found(hint="any") == hinted
    assert found(hint="number") == figures
    assert found(hint="none") == set(seed.claims.values_list("pk", flat=True)) - hinted


def test_claim_changelist_filters_changed_and_orphaned_claims(
    admin_client_, reimported
):
    changed = changelist(admin_client_, text_changed__exact="1")
    assert [c.position for c in changed.context["cl"].result_list] == [9]
    orphans = changelist(admin_client_, orphaned__exact="1")
    (orphan,) = orphans.context["cl"].result_list
    assert orphan.text == REMOVED.strip()
    assert orphan.verdict == Verdict.DISPUTED
    page = admin_client_.get(
        reverse("admin:annotations_claim_change", args=[orphan.pk])
    )
    assert page.status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        "hint=number&text_changed__exact=0",
        "hint=any&orphaned__exact=0&o=-{worth}",
    ],
)
def test_claim_changelist_with_assistance_filters_keeps_its_queries(
    admin_client_, writer, query
):
    url = reverse("admin:annotations_claim_changelist")
    url += "?" + query.format(worth=worth_column())
    ArticleFactory(text=sentences(8), analyse=True)
    few = queries_for(admin_client_, url)
    article = ArticleFactory(text=sentences(150, start=5000), analyse=True)
    for claim in article.claims.all()[:30:3]:
        add_source(claim, added_by=writer)
        judge(claim, Verdict.VERIFIED, editor=writer)
    response = admin_client_.get(url)
    assert response.context["cl"].result_count > 100
    assert queries_for(admin_client_, url) == few


def test_article_change_page_lists_earlier_versions_read_only(
    admin_client_, reimported, seed_text
):
    url = reverse("admin:annotations_article_change", args=[reimported.pk])
    response = admin_client_.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Earlier versions" in body
    assert re.search(rf'field-length">\s*<p>{len(seed_text)}</p>', body)
    assert 'name="versions-0-number"' not in body
    assert 'name="versions-TOTAL_FORMS" value="1"' in body
    version = ArticleVersion.objects.get()
    assert reverse("admin:annotations_articleversion_change", args=[version.pk]) in (
        body
    )


def test_article_changelist_counts_orphans(admin_client_, reimported):
    response = admin_client_.get(reverse("admin:annotations_article_changelist"))
    assert '<td class="field-orphans">1</td>' in response.content.decode()


def test_the_reanalyse_action_recomputes_hints(client, writer):
    article = ArticleFactory(
        text="Nexusflow was founded in 2023.\n"
        "Nexusflow, founded in 2021, raised $10.6M."
    )
    assert not any(c.hints for c in article.claims.all())
    response = signed_in(client, writer).post(
        reverse("admin:annotations_article_changelist"),
        {"action": "reanalyse", "_selected_action": [article.pk]},
        follow=True,
    )
    assert response.status_code == 200
    claims = list(article.claims.order_by("position"))
    kinds = [sorted({h["type"] for h in c.hints}) for c in claims]
    assert kinds == [["contradiction", "number"], ["contradiction", "number"]]
    assert shown(response) == [
        "Analysis queued for 1 articles: the hints change when the worker is done."
    ]
    assert all(c.worth > 0 for c in claims)
    job = Job.objects.get(article=article)
    assert (job.status, job.requested_by) == (JobStatus.DONE, writer)


def test_viewers_are_not_offered_the_reanalyse_action(client):
    viewer = UserFactory(username="looker", role="viewer", is_staff=True)
    ArticleFactory()
    response = signed_in(client, viewer).get(
        reverse("admin:annotations_article_changelist")
    )
    assert "reanalyse" not in action_names(response)


def test_article_versions_are_listed_and_shown_but_never_changed(
    admin_client_, reimported, seed_text
):
    version = ArticleVersion.objects.get()
    changelist_ = admin_client_.get(
        reverse("admin:annotations_articleversion_changelist")
    )
    assert changelist_.status_code == 200
    body = changelist_.content.decode()
    assert f'<td class="field-length">{len(seed_text)}</td>' in body
    url = reverse("admin:annotations_articleversion_change", args=[version.pk])
    page = admin_client_.get(url)
    assert page.status_code == 200
    assert REMOVED.strip() in page.content.decode()  # the old text, shown
    assert 'type="submit"' not in page.content.decode().split('id="content"')[1]
    assert admin_client_.post(url, {"number": "9"}).status_code == 403
    add = reverse("admin:annotations_articleversion_add")
    assert admin_client_.get(add).status_code == 403
    delete = reverse("admin:annotations_articleversion_delete", args=[version.pk])
    assert admin_client_.post(delete, {"post": "yes"}).status_code == 403
    assert ArticleVersion.objects.get().number == 1


def test_article_versions_changelist_keeps_its_queries(admin_client_):
    url = reverse("admin:annotations_articleversion_changelist")
    article = ArticleFactory(text=sentences(3))
    versions.import_new_version(article=article, text=sentences(4), imported_by=None)
    few = queries_for(admin_client_, url)
    for n in range(2, 30):
        other = ArticleFactory(text=sentences(3, start=n * 100))
        versions.import_new_version(
            article=other, text=sentences(4, start=n * 100), imported_by=None
        )
    assert ArticleVersion.objects.count() == 29
    assert queries_for(admin_client_, url) == few


def test_a_superuser_creates_a_token_whose_key_is_shown_once(staff_client, writer):
    response = staff_client.post(
        reverse("admin:annotations_apitoken_add"), {"user": writer.pk}, follow=True
    )
    assert response.status_code == 200
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    shown += re.findall(r"[0-9a-f]{40}", response.content.decode())
    keys = {k for text in shown for k in re.findall(r"\b[0-9a-f]{40}\b", text)}
    assert len(keys) == 1
    key = keys.pop()
    token = ApiToken.objects.get(user=writer)
    assert token.digest == tokens.digest(key)
    # Neither the list nor the token's own page shows it again.
    for url in (
        reverse("admin:annotations_apitoken_changelist"),
        reverse("admin:annotations_apitoken_change", args=[token.pk]),
    ):
        page = staff_client.get(url)
        assert page.status_code == 200
        assert token.prefix in page.content.decode()
        assert key not in page.content.decode()
        assert token.digest not in page.content.decode()


def test_api_token_changelist_keeps_its_queries(staff_client):
    url = reverse("admin:annotations_apitoken_changelist")
    tokens.create_token(user=UserFactory(username="first"))
    few = queries_for(staff_client, url)
    for n in range(20):
        tokens.create_token(user=UserFactory(username=f"user{n}"))
    assert queries_for(staff_client, url) == few


def test_the_admin_role_cannot_see_tokens(admin_client_, writer):
    tokens.create_token(user=writer)
    url = reverse("admin:annotations_apitoken_changelist")
    assert admin_client_.get(url).status_code == 403


def test_fetched_pages_are_listed_read_only(admin_client_):
    article = ArticleFactory()
    capture = captured(article)
    captures = reverse("admin:annotations_articlecapture_changelist")
    change = reverse("admin:annotations_articlecapture_change", args=[capture.pk])

    listed = admin_client_.get(captures).content.decode()

    assert "https://news.example.org/b" in listed
    assert admin_client_.get(change).status_code == 200
    assert admin_client_.get(f"{captures}add/").status_code == 403
    delete = reverse("admin:annotations_articlecapture_delete", args=[capture.pk])
    assert admin_client_.post(delete, {"post": "yes"}).status_code == 403
    assert ArticleCapture.objects.filter(pk=capture.pk).exists()


def test_deleting_a_source_in_the_admin_deletes_its_snapshots(admin_client_):
    source = add_source(claim_of(ArticleFactory()))
    SourceSnapshot.objects.create(
        source=source, fetched_at=timezone.now(), error="Could not connect."
    )
    delete = reverse("admin:annotations_source_delete", args=[source.pk])

    response = admin_client_.post(delete, {"post": "yes"})

    assert response.status_code == 302
    assert not SourceSnapshot.objects.exists()


def test_the_job_list_shows_sources_and_progress_with_flat_queries(
    admin_client_, writer, task_queue
):
    from annotations import jobs

    url = reverse("admin:annotations_job_changelist")

    def count() -> int:
        with CaptureQueriesContext(connection) as context:
            assert admin_client_.get(url).status_code == 200
        return len(context)

    def more(n: int) -> None:
        for _ in range(n):
            claim = claim_of(ArticleFactory())
            source = add_source(fresh(claim), url="https://example.org/a")
            jobs.queue_archive(source=source, requested_by=writer)
            jobs.queue_analysis(article=claim.article, requested_by=writer)

    more(1)
    few = count()
    more(10)
    assert count() == few
    body = admin_client_.get(url).content.decode()
    assert "source archiving" in body
    assert "field-source" in body and "field-progress" in body
