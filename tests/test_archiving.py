"""Sources that do not rot: a snapshot is taken when a source is attached,
shown with the source, in the report and the exports, and check_sources later
flags sources whose address breaks or whose text changes."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from annotations import archiving, jobs, services
from annotations.importing import text_sha256
from annotations.models import (
    Job,
    JobKind,
    JobStatus,
    LinkState,
    Source,
    SourceSnapshot,
    Verdict,
)

from .documents import make_pdf
from .factories import ArticleFactory, add_source, claim_of, fresh, judge, publish
from .webserver import HTML, NEWS_PAGE

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
FIRST = "中国第三次载人宇宙飞船的船组成员们为迎接中国历史性的第一次太空行走组装太空服。"
CHANGED_PAGE = NEWS_PAGE.replace("4百多万美元".encode(), "5百多万美元".encode())


@pytest.fixture
def evidence(web):
    return web.route("/evidence", body=NEWS_PAGE, headers=HTML)


@pytest.fixture
def claim():
    return claim_of(ArticleFactory())


def attach(claim, editor, url: str, capture, **fields) -> Source:
    """Attach a source and run what waits for the commit (the archiving)."""
    with capture(execute=True):
        source = add_source(fresh(claim), url=url, added_by=editor, **fields)
    return Source.objects.select_related("archive").get(pk=source.pk)


def test_attaching_a_source_archives_its_page(
    claim, editor, evidence, django_capture_on_commit_callbacks
):
    source = attach(claim, editor, evidence, django_capture_on_commit_callbacks)

    snapshot = source.archive
    assert source.link_state == LinkState.OK
    assert source.link_checked_at == snapshot.fetched_at
    assert (snapshot.status, snapshot.final_url, snapshot.content_type) == (
        200,
        evidence,
        "text/html",
    )
    assert snapshot.title == "中国宇航员准备首次太空行走"
    assert snapshot.text.startswith(FIRST)
    assert "评论者甲" not in snapshot.text
    assert snapshot.sha256 == text_sha256(snapshot.text)
    assert (snapshot.size, snapshot.truncated, snapshot.error) == (
        len(NEWS_PAGE),
        False,
        "",
    )


def test_nothing_is_fetched_before_the_commit(claim, editor, evidence, web):
    add_source(fresh(claim), url=evidence, added_by=editor)

    assert web.requests == []
    assert not SourceSnapshot.objects.exists()


def test_archiving_is_idempotent(
    claim, editor, evidence, web, django_capture_on_commit_callbacks
):
    source = attach(claim, editor, evidence, django_capture_on_commit_callbacks)

    again = archiving.archive_source(source.pk)

    assert again == source.archive
    assert SourceSnapshot.objects.count() == 1
    assert len(web.requests) == 1


def test_archiving_a_removed_source_does_nothing():
    assert archiving.archive_source(987654) is None


def test_a_source_at_a_private_address_is_not_fetched(
    claim, editor, web, settings, django_capture_on_commit_callbacks
):
    settings.FETCH_ALLOWED_HOSTS = []
    url = web.route("/evidence", body=NEWS_PAGE, headers=HTML)

    source = attach(claim, editor, url, django_capture_on_commit_callbacks)

    assert source.archive is None
    assert source.link_state == LinkState.BROKEN
    snapshot = source.snapshots.get()
    assert snapshot.status is None
    assert "only public web addresses are fetched" in snapshot.error
    assert web.requests == []


def test_a_redirect_to_a_private_address_is_not_followed(
    claim, editor, web, django_capture_on_commit_callbacks
):
    url = web.route(
        "/go", status=302, headers={"Location": "http://169.254.169.254/latest/"}
    )

    source = attach(claim, editor, url, django_capture_on_commit_callbacks)

    assert source.link_state == LinkState.BROKEN
    assert "(169.254.169.254)" in source.snapshots.get().error


def test_a_large_page_is_archived_up_to_the_cap(
    claim, editor, web, settings, django_capture_on_commit_callbacks
):
    settings.SOURCE_SNAPSHOT_MAX_BYTES = 3000
    url = web.route("/long", body=NEWS_PAGE, headers=HTML, chunked=True)

    source = attach(claim, editor, url, django_capture_on_commit_callbacks)

    assert (source.archive.size, source.archive.truncated) == (3000, True)


def test_nothing_is_archived_when_fetching_is_off(
    claim, editor, evidence, web, settings, django_capture_on_commit_callbacks
):
    settings.FETCH_ENABLED = False

    source = attach(claim, editor, evidence, django_capture_on_commit_callbacks)

    assert (source.archive, source.link_state) == (None, LinkState.UNCHECKED)
    assert web.requests == []


def test_a_new_address_is_archived_afresh(
    claim, editor, evidence, web, django_capture_on_commit_callbacks
):
    source = attach(claim, editor, evidence, django_capture_on_commit_callbacks)
    other = web.route("/other", body=CHANGED_PAGE, headers=HTML)

    with django_capture_on_commit_callbacks(execute=True):
        services.update_source(source=source, url=other, title="Other", editor=editor)

    source.refresh_from_db()
    assert source.archive.final_url == other
    assert "5百多万美元" in source.archive.text
    assert source.snapshots.count() == 2


# check_sources


def test_a_source_that_starts_answering_404_is_flagged_broken(
    claim, editor, evidence, web, editor_client, django_capture_on_commit_callbacks
):
    source = attach(claim, editor, evidence, django_capture_on_commit_callbacks)
    archived = source.archive
    del web.routes["/evidence"]
    out = io.StringIO()

    call_command("check_sources", stdout=out)

    assert out.getvalue().strip() == "Checked 1 sources: 0 fine, 0 changed, 1 broken."
    source.refresh_from_db()
    assert source.link_state == LinkState.BROKEN
    assert source.archive == archived  # the evidence stays
    latest = source.snapshots.latest("fetched_at")
    assert (latest.status, latest.text) == (404, "")
    page = editor_client.get(reverse("desk:workspace", args=[claim.article_id]))
    assert 'id="broken-links-badge"' in page.content.decode()
    assert "1 broken link<" in page.content.decode()
    panel = editor_client.get(reverse("desk:claim_panel", args=[claim.pk]), **HTMX)
    assert 'class="link-badge link-broken">Broken link<' in panel.content.decode()


def test_checking_again_stores_only_what_changed(
    claim, editor, evidence, web, django_capture_on_commit_callbacks
):
    source = attach(claim, editor, evidence, django_capture_on_commit_callbacks)

    assert archiving.check_source(fresh_source(source)) == LinkState.OK
    assert source.snapshots.count() == 1
    del web.routes["/evidence"]
    archiving.check_source(fresh_source(source))
    archiving.check_source(fresh_source(source))
    assert source.snapshots.count() == 2


def fresh_source(source: Source) -> Source:
    return Source.objects.select_related("archive").get(pk=source.pk)


def test_a_source_whose_text_changed_is_flagged(
    claim, editor, evidence, web, django_capture_on_commit_callbacks
):
    source = attach(claim, editor, evidence, django_capture_on_commit_callbacks)
    web.route("/evidence", body=CHANGED_PAGE, headers=HTML)

    counts = archiving.check_sources()

    assert counts == {LinkState.CHANGED: 1}
    source.refresh_from_db()
    assert source.link_state == LinkState.CHANGED
    assert "4百多万美元" in source.archive.text


def test_check_sources_archives_a_source_that_failed_at_first(
    claim, editor, web, django_capture_on_commit_callbacks
):
    source = attach(
        claim, editor, web.url("/later"), django_capture_on_commit_callbacks
    )
    assert source.link_state == LinkState.BROKEN
    web.route("/later", body=NEWS_PAGE, headers=HTML)

    archiving.check_sources()

    source = fresh_source(source)
    assert source.link_state == LinkState.OK
    assert source.archive.status == 200


def test_check_sources_skips_recently_checked_ones(
    claim, editor, evidence, web, django_capture_on_commit_callbacks
):
    attach(claim, editor, evidence, django_capture_on_commit_callbacks)
    out = io.StringIO()

    call_command("check_sources", "--older-than", "1", stdout=out)

    assert out.getvalue().startswith("Checked 0 sources")
    assert len(web.requests) == 1


def test_check_sources_refuses_when_fetching_is_off(settings):
    settings.FETCH_ENABLED = False

    with pytest.raises(CommandError, match="Fetching links is turned off"):
        call_command("check_sources")


# Where the archived copy shows


def test_the_panel_links_the_archived_copy_with_flat_queries(
    claim, editor, web, editor_client, django_capture_on_commit_callbacks
):
    def panel_queries() -> tuple[int, str]:
        with CaptureQueriesContext(connection) as context:
            response = editor_client.get(
                reverse("desk:claim_panel", args=[claim.pk]), **HTMX
            )
        return len(context), response.content.decode()

    url = web.route("/evidence/0", body=NEWS_PAGE, headers=HTML)
    source = attach(claim, editor, url, django_capture_on_commit_callbacks)
    one, body = panel_queries()
    for n in range(1, 8):
        url = web.route(f"/evidence/{n}", body=NEWS_PAGE, headers=HTML)
        attach(claim, editor, url, django_capture_on_commit_callbacks)
    many, _body = panel_queries()

    day = source.archive.fetched_at.date().isoformat()
    archive = reverse("desk:source_archive", args=[source.pk])
    assert (
        f'href="{archive}" class="archive-link">archived copy, fetched {day}<' in body
    )
    assert many == one


def test_the_archived_copy_page_shows_what_was_fetched(
    claim, editor, evidence, editor_client, django_capture_on_commit_callbacks
):
    source = attach(claim, editor, evidence, django_capture_on_commit_callbacks)

    response = editor_client.get(reverse("desk:source_archive", args=[source.pk]))

    body = response.content.decode()
    assert response.status_code == 200
    assert FIRST in body
    assert source.archive.sha256 in body
    assert f'<a href="{evidence}" rel="noopener noreferrer nofollow">' in body


def test_the_archived_copy_of_an_unpublished_claim_is_not_public(
    client, claim, editor, evidence, django_capture_on_commit_callbacks
):
    source = attach(claim, editor, evidence, django_capture_on_commit_callbacks)

    response = client.get(reverse("desk:source_archive", args=[source.pk]))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_a_source_without_an_archive_has_no_archive_page(claim, editor, editor_client):
    source = add_source(fresh(claim), added_by=editor)

    response = editor_client.get(reverse("desk:source_archive", args=[source.pk]))

    assert response.status_code == 404


def test_the_report_and_exports_link_the_archived_copy(
    client, claim, editor, evidence, editor_api, django_capture_on_commit_callbacks
):
    source = attach(claim, editor, evidence, django_capture_on_commit_callbacks)
    judge(claim, Verdict.VERIFIED, editor=editor)
    publish(claim)
    archive = reverse("desk:source_archive", args=[source.pk])
    day = source.archive.fetched_at.date().isoformat()

    report = client.get(
        reverse("desk:report", args=[claim.article_id])
    ).content.decode()
    public_copy = client.get(archive)
    exported = json.loads(
        b"".join(editor_api.get("/api/v1/export/verdicts.json").streaming_content)
    )
    w3c = json.loads(
        b"".join(editor_api.get("/api/v1/export/annotations.jsonld").streaming_content)
    )

    assert (
        f'href="{archive}" class="archive-link small">archived copy, fetched {day}<'
        in report
    )
    assert public_copy.status_code == 200
    row = next(row for row in exported if row["claim_id"] == claim.pk)
    assert row["sources"][0]["link_state"] == "ok"
    assert row["sources"][0]["archive"] == {
        "url": f"http://testserver{archive}",
        "fetched_at": source.archive.fetched_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "status": 200,
        "final_url": evidence,
        "sha256": source.archive.sha256,
    }
    linked = [
        body
        for item in w3c["first"]["items"]
        for body in item["body"]
        if body.get("purpose") == "linking"
    ]
    assert linked[0]["state"] == {
        "type": "TimeState",
        "cached": f"http://testserver{archive}",
        "sourceDate": row["sources"][0]["archive"]["fetched_at"],
    }


def test_a_pdf_source_is_archived_with_its_text(
    claim, editor, web, django_capture_on_commit_callbacks
):
    pdf = make_pdf([["The Cosmos 1 satellite was launched on Tuesday."]], title="Sail")
    url = web.route(
        "/release.pdf", body=pdf, headers={"Content-Type": "application/pdf"}
    )

    source = attach(claim, editor, url, django_capture_on_commit_callbacks)

    assert (source.archive.title, source.archive.text) == (
        "Sail",
        "The Cosmos 1 satellite was launched on Tuesday.",
    )
    assert source.archive.content_type == "application/pdf"


# Archiving is a background job


def test_attaching_a_source_queues_an_archive_job_a_worker_takes_and_404_flags(
    claim,
    editor,
    evidence,
    web,
    task_queue,
    run_worker,
    editor_client,
    django_capture_on_commit_callbacks,
):
    source = attach(claim, editor, evidence, django_capture_on_commit_callbacks)
    job = Job.objects.get(kind=JobKind.ARCHIVE)
    # Queued after the commit, nothing fetched by the request itself.
    assert (job.source_id, job.status, job.article_id) == (source.pk, "queued", None)
    assert web.requests == []
    assert source.archive is None

    run_worker()

    job.refresh_from_db()
    source.refresh_from_db()
    assert (job.status, job.attempts, job.error) == (JobStatus.DONE, 1, "")
    assert source.link_state == LinkState.OK
    assert source.archive.text.startswith(FIRST)
    # Later the page disappears: the periodic check flags it broken.
    del web.routes["/evidence"]
    call_command("check_sources", stdout=io.StringIO())
    source.refresh_from_db()
    assert source.link_state == LinkState.BROKEN
    page = editor_client.get(reverse("desk:workspace", args=[claim.article_id]))
    assert "1 broken link<" in page.content.decode()


def test_queueing_an_archive_twice_keeps_one_waiting_job(claim, editor, task_queue):
    source = add_source(fresh(claim), url="https://example.org/a", added_by=editor)
    first = jobs.queue_archive(source=source, requested_by=editor)
    again = jobs.queue_archive(source=source, requested_by=None)
    assert again.pk == first.pk
    assert Job.objects.filter(kind=JobKind.ARCHIVE).count() == 1


def test_an_archive_job_is_retried_while_the_site_fails_then_keeps_its_error(
    claim, editor, web, task_queue, run_worker, settings
):
    settings.JOB_RETRY_SECONDS = 0
    settings.JOB_MAX_ATTEMPTS = 2
    url = web.route("/down", status=503, body=b"Busy", headers=HTML)
    source = add_source(fresh(claim), url=url, added_by=editor)
    job = jobs.queue_archive(source=source, requested_by=editor)

    run_worker()

    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.FAILED, 2)
    assert job.error == "ArchiveFailed: HTTP 503"
    assert len(web.requests) == 2
    source.refresh_from_db()
    assert source.link_state == LinkState.BROKEN


def test_an_archive_job_refused_a_private_address_is_not_retried(
    claim, editor, web, task_queue, run_worker, settings
):
    settings.FETCH_ALLOWED_HOSTS = []
    url = web.route("/story", body=NEWS_PAGE, headers=HTML)
    source = add_source(fresh(claim), url=url, added_by=editor)
    job = jobs.queue_archive(source=source, requested_by=editor)

    run_worker()

    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.DONE, 1)
    assert web.requests == []
    source.refresh_from_db()
    assert source.link_state == LinkState.BROKEN
    assert "private, local or reserved" in source.snapshots.get().error
