"""Background jobs: analysis queued by every write that needs it, run by a worker.

These tests use a real queue (the database one; Redis when TASKS_BACKEND=rq,
as .ci/run does once) and run its worker in-process with ``run_worker``.
"""

import datetime
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from annotations import assisting, jobs, services
from annotations.models import Job, JobStatus

from .factories import ArticleFactory, UserFactory, claim_of, sentences
from .helpers import API

pytestmark = pytest.mark.django_db

CONTRADICTING = (
    "Nexusflow was founded in 2023.\nNexusflow, founded in 2021, raised $10.6M."
)


def hinted(article) -> int:
    return sum(1 for c in article.claims.all() if c.hints)


def test_an_import_queues_its_analysis_and_the_worker_does_it(task_queue, run_worker):
    article = services.import_article(text=CONTRADICTING, title="Two dates")
    job = Job.objects.get(article=article)
    assert (job.kind, job.status, job.attempts) == ("analyse", JobStatus.QUEUED, 0)
    assert hinted(article) == 0  # the request did not analyse
    run_worker()
    job.refresh_from_db()
    assert (job.status, job.attempts, job.error) == (JobStatus.DONE, 1, "")
    assert jobs.run_job.get_backend().get_result(job.task_id).status == "SUCCESSFUL"
    assert job.started_at <= job.finished_at
    assert hinted(article) == 2


def test_every_import_is_analysed_whatever_its_size(task_queue, run_worker, settings):
    settings.ANALYSE_INLINE_MAX_CHARS = 10  # no longer a limit for imports
    article = services.import_article(text=CONTRADICTING, title="Long")
    run_worker()
    assert hinted(article) == 2


def test_split_merge_and_kind_changes_queue_one_analysis(task_queue, run_worker):
    editor = UserFactory(role="editor")
    article = ArticleFactory(text=CONTRADICTING)
    first = claim_of(article, 1)
    services.split_claim(
        claim=first, at=10, editor=editor, expected_version=first.version
    )
    first.refresh_from_db()
    services.merge_with_next(claim=first, editor=editor, expected_version=first.version)
    first.refresh_from_db()
    services.set_kind(
        claim=first, kind="opinion", editor=editor, expected_version=first.version
    )
    # One waiting job reads the article when it runs: enough for all three.
    job = Job.objects.get(article=article)
    assert job.requested_by == editor
    run_worker()
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    first.refresh_from_db()
    # Analysed after all three: the merged sentence is one unit with hints.
    assert first.text == "Nexusflow was founded in 2023."
    assert {h["type"] for h in first.hints} == {"number", "contradiction"}


def test_a_failed_attempt_is_retried_with_back_off(task_queue, run_worker, monkeypatch):
    calls = []

    def flaky(article, **kwargs) -> None:
        calls.append(article.pk)
        if len(calls) == 1:
            raise RuntimeError("the tagger fell over")
        real(article, **kwargs)

    real = assisting.analyse_article
    monkeypatch.setattr(assisting, "analyse_article", flaky)
    article = ArticleFactory(text=CONTRADICTING)
    job = jobs.queue_analysis(article=article, requested_by=None)
    before = timezone.now()
    run_worker()
    job.refresh_from_db()
    # Waiting for its second try, the first one's error kept.
    assert (job.status, job.attempts) == (JobStatus.QUEUED, 1)
    assert job.error == "RuntimeError: the tagger fell over"
    delay = datetime.timedelta(seconds=settings.JOB_RETRY_SECONDS)
    assert before + delay <= job.retry_at <= timezone.now() + delay
    retry = jobs.run_job.get_backend().get_result(job.task_id)
    assert retry.status == "READY"
    assert abs(retry.task.run_after - job.retry_at) < datetime.timedelta(seconds=1)
    assert hinted(article) == 0
    run_worker()  # not yet due: nothing runs
    assert len(calls) == 1


def test_back_off_doubles_with_each_attempt(settings):
    settings.JOB_RETRY_SECONDS = 10
    assert [jobs.retry_delay(n) for n in (1, 2, 3, 4)] == [10, 20, 40, 80]


def test_a_retried_job_succeeds_and_clears_its_retry(
    task_queue, run_worker, monkeypatch, settings
):
    settings.JOB_RETRY_SECONDS = 0  # due at once
    real = assisting.analyse_article
    failures = iter([RuntimeError("first"), RuntimeError("second")])

    def flaky(article, **kwargs) -> None:
        error = next(failures, None)
        if error:
            raise error
        real(article, **kwargs)

    monkeypatch.setattr(assisting, "analyse_article", flaky)
    article = ArticleFactory(text=CONTRADICTING)
    job = jobs.queue_analysis(article=article, requested_by=None)
    run_worker()
    job.refresh_from_db()
    assert (job.status, job.attempts, job.retry_at) == (JobStatus.DONE, 3, None)
    assert job.error == "RuntimeError: second"  # what went wrong on the way
    assert hinted(article) == 2


def test_a_job_fails_for_good_after_its_last_attempt_and_keeps_the_error(
    task_queue, run_worker, monkeypatch, settings
):
    settings.JOB_RETRY_SECONDS = 0
    settings.JOB_MAX_ATTEMPTS = 3

    def broken(article, **kwargs) -> None:
        raise ValueError("no such thing")

    monkeypatch.setattr(assisting, "analyse_article", broken)
    job = jobs.queue_analysis(article=ArticleFactory(), requested_by=None)
    run_worker()
    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.FAILED, 3)
    assert job.error == "ValueError: no such thing"
    assert job.finished_at is not None
    # The queue keeps its own record of the last attempt, traceback included.
    last = jobs.run_job.get_backend().get_result(job.task_id)
    assert last.status == "FAILED"
    assert "no such thing" in last.errors[-1].traceback


def test_a_job_delivered_twice_runs_once(task_queue, run_worker, monkeypatch):
    calls = []
    monkeypatch.setattr(assisting, "analyse_article", lambda a, **_: calls.append(a.pk))
    job = jobs.queue_analysis(article=ArticleFactory(), requested_by=None)
    run_worker()
    assert jobs.run_job.call(job.pk) == "skipped"  # a second delivery
    assert len(calls) == 1
    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.DONE, 1)


def test_a_job_whose_article_was_deleted_is_skipped(task_queue, run_worker):
    article = ArticleFactory()
    job = jobs.queue_analysis(article=article, requested_by=None)
    article.delete()
    assert not Job.objects.filter(pk=job.pk).exists()
    run_worker()  # no error: nothing to do


def test_queueing_an_analysis_takes_a_fixed_number_of_queries(task_queue):
    article = ArticleFactory(text=sentences(300))
    with CaptureQueriesContext(connection) as context:
        jobs.queue_analysis(article=article, requested_by=None)
    # Savepoint, the waiting job, the job, its task, the task id, release.
    assert len(context) <= 6


# What the API and the workspace show


def test_the_api_answers_an_import_with_its_queued_analysis(
    task_queue, run_worker, editor_api
):
    response = editor_api.post(
        f"{API}/articles/", {"title": "Two dates", "text": CONTRADICTING}, format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["analysis_status"] == "queued"
    job_url = f"{API}/jobs/{body['analysis_job']}/"
    job = editor_api.get(job_url).json()
    assert (job["status"], job["attempts"], job["hints"]) == ("queued", 0, None)
    run_worker()
    job = editor_api.get(job_url).json()
    assert job["status"] == "done"
    assert job["hints"] == {
        "name_variant": 0,
        "number": 3,
        "contradiction": 2,
        "checked_before": 0,
    }
    article = editor_api.get(f"{API}/articles/{body['id']}/").json()
    assert article["analysis_status"] == "done"


def test_the_api_analyse_action_answers_202_with_the_job(task_queue, editor_api):
    article = ArticleFactory()
    response = editor_api.post(f"{API}/articles/{article.pk}/analyse/")
    assert response.status_code == 202
    job = Job.objects.get(article=article)
    assert response.json()["id"] == job.pk
    assert response.json()["status"] == "queued"


def test_an_unknown_job_is_404(editor_api):
    assert editor_api.get(f"{API}/jobs/999999/").status_code == 404
    assert editor_api.get(f"{API}/jobs/abc/").status_code == 404


def test_the_articles_list_shows_analysis_without_more_queries(task_queue, editor_api):
    def count() -> int:
        with CaptureQueriesContext(connection) as context:
            assert editor_api.get(f"{API}/articles/").status_code == 200
        return len(context)

    ArticleFactory()
    few = count()
    for _ in range(20):
        jobs.queue_analysis(article=ArticleFactory(), requested_by=None)
    assert count() == few


def test_the_workspace_polls_while_the_analysis_is_pending(
    task_queue, run_worker, client, editor
):
    client.force_login(editor)
    article = services.import_article(
        text=CONTRADICTING, title="Two dates", imported_by=editor
    )
    page = client.get(reverse("desk:workspace", args=[article.pk])).content.decode()
    status_url = reverse("desk:article_analysis", args=[article.pk])
    assert "Analysis queued" in page
    assert f'hx-get="{status_url}" hx-trigger="every 2s"' in page
    assert "has-hints" not in page
    workspace = f"http://testserver{reverse('desk:workspace', args=[article.pk])}"
    headers = {"HX-Request": "true", "HX-Current-URL": f"{workspace}?show=all#x"}
    still = client.get(status_url, headers=headers).content.decode()
    assert 'hx-trigger="every 2s"' in still
    run_worker()
    done = client.get(status_url, headers=headers).content.decode()
    assert "Analysis done" in done
    # The line fetches the page it sits on and swaps in the hinted text.
    assert 'hx-trigger="load"' in done
    assert f'hx-get="{reverse("desk:workspace", args=[article.pk])}?show=all"' in done
    assert 'hx-select="#reader-body"' in done
    page = client.get(reverse("desk:workspace", args=[article.pk])).content.decode()
    assert "has-hints" in page
    assert 'id="analysis-status"' not in page


def test_the_analysis_line_reloads_only_its_own_workspace(task_queue, client, editor):
    client.force_login(editor)
    article = ArticleFactory()
    jobs.queue_analysis(article=article, requested_by=None)
    Job.objects.update(status=JobStatus.DONE)
    status_url = reverse("desk:article_analysis", args=[article.pk])
    headers = {
        "HX-Request": "true",
        "HX-Current-URL": "http://testserver/admin/?x=1",
    }
    done = client.get(status_url, headers=headers).content.decode()
    assert f'hx-get="{reverse("desk:workspace", args=[article.pk])}"' in done


def test_the_workspace_shows_a_failed_analysis_and_its_error(
    task_queue, run_worker, client, editor, monkeypatch, settings
):
    settings.JOB_RETRY_SECONDS = 0
    settings.JOB_MAX_ATTEMPTS = 2

    def broken(article, **kwargs) -> None:
        raise ValueError("<b>tagger</b> missing")

    monkeypatch.setattr(assisting, "analyse_article", broken)
    client.force_login(editor)
    article = ArticleFactory()
    jobs.queue_analysis(article=article, requested_by=None)
    run_worker()
    page = client.get(reverse("desk:workspace", args=[article.pk])).content.decode()
    assert "Analysis failed after 2 attempts: ValueError: &lt;b&gt;tagger" in page
    assert 'hx-trigger="every 2s"' not in page  # nothing more to wait for


def test_the_workspace_takes_the_same_queries_with_or_without_a_job(
    task_queue, client, editor
):
    client.force_login(editor)
    article = ArticleFactory(text=sentences(20))
    url = reverse("desk:workspace", args=[article.pk])

    def count() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        return len(context)

    without = count()
    jobs.queue_analysis(article=article, requested_by=None)
    assert count() == without


# Progress


def test_the_analysis_reports_its_progress_in_a_few_growing_steps(
    task_queue, run_worker, monkeypatch
):
    article = ArticleFactory(text=f"{CONTRADICTING}\n{sentences(200)}")
    job = jobs.queue_analysis(article=article, requested_by=None)
    stored = []
    real = assisting.analyse_article

    def watched(article, *, progress) -> None:
        def spy(done: int, total: int) -> None:
            progress(done, total)
            stored.append(Job.objects.values_list("progress", flat=True).get(pk=job.pk))

        real(article, progress=spy)

    monkeypatch.setattr(assisting, "analyse_article", watched)
    run_worker()

    job.refresh_from_db()
    assert (job.status, job.progress) == (JobStatus.DONE, 100)
    assert stored[0] == 0
    assert stored[-1] == 100
    assert stored == sorted(stored)  # it only grows
    assert len([p for p in set(stored) if 0 < p < 100]) >= 4
    assert len(stored) <= 12  # in chunks, not one write per sentence
    article.refresh_from_db()
    assert article.analysed_at is not None


def test_a_new_attempt_forgets_the_progress_of_the_last(task_queue, run_worker):
    article = ArticleFactory()
    job = jobs.queue_analysis(article=article, requested_by=None)
    Job.objects.filter(pk=job.pk).update(progress=60)
    started = jobs._start(job.pk)
    assert started.progress is None
    assert Job.objects.get(pk=job.pk).progress is None


def test_the_api_shows_a_running_analysis_progress(task_queue, editor_api):
    article = ArticleFactory()
    job = jobs.queue_analysis(article=article, requested_by=None)
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, progress=40)
    body = editor_api.get(f"{API}/jobs/{job.pk}/").json()
    assert (body["status"], body["progress"], body["source"]) == ("running", 40, None)
    listed = editor_api.get(f"{API}/articles/{article.pk}/").json()
    assert (listed["analysis_status"], listed["analysis_progress"]) == ("running", 40)


def running_at(article, percent: int) -> Job:
    job = jobs.queue_analysis(article=article, requested_by=None)
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, attempts=1, progress=percent
    )
    return job


def test_the_workspace_shows_the_analysis_percent_and_polls_it(
    task_queue, client, editor
):
    client.force_login(editor)
    article = ArticleFactory()
    job = running_at(article, 40)
    page = client.get(reverse("desk:workspace", args=[article.pk])).content.decode()
    assert "Analysis running, 40%" in page
    assert 'value="40"' in page
    status_url = reverse("desk:article_analysis", args=[article.pk])
    Job.objects.filter(pk=job.pk).update(progress=70)
    polled = client.get(status_url, headers={"HX-Request": "true"}).content.decode()
    assert "Analysis running, 70%" in polled
    assert 'hx-trigger="every 2s"' in polled


def test_the_analysis_percent_is_translated(task_queue, client, editor):
    client.force_login(editor)
    article = ArticleFactory()
    running_at(article, 40)
    page = client.get(
        reverse("desk:workspace", args=[article.pk]),
        headers={"Accept-Language": "zh-hans"},
    ).content.decode()
    assert "分析进行中，已完成 40%" in page


# Web processes do not load the analysis models


def test_the_web_application_does_not_load_jieba():
    code = (
        "import sys\n"
        "from factcheck.wsgi import application\n"
        "from django.urls import get_resolver\n"
        "get_resolver().url_patterns\n"
        "import annotations.web.workspace, annotations.api.views, annotations.admin\n"
        "loaded = [m for m in ('jieba', 'opencc', 'pypinyin') if m in sys.modules]\n"
        "print(','.join(loaded) or 'none')\n"
    )
    result = subprocess.run(  # noqa: S603 (our own interpreter and code)
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=settings.BASE_DIR,
        env={"DEBUG": "1", "PATH": "/usr/bin:/bin"},
    )
    assert result.stdout.strip() == "none", result.stderr
