"""Background work: jobs that people can follow, run by django-tasks workers.

A ``Job`` row says what was asked and how it went; each attempt at it is one
django-tasks task (``run_job``) on the configured queue (settings.TASKS:
the database by default, Redis through RQ, or at once in the tests). Every
job is idempotent, so a task delivered twice does no harm; a failed attempt
is tried again after a growing delay, and the last error stays on the job.

Kinds: an article's analysis (with its progress), a webhook delivery, a
source's archived copy, and a link fetched for an import.

Analysis modules (jieba and the rest) are imported inside the task, so the
web processes, which only queue work, never load them.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction
from django.utils import timezone, translation
from django_tasks import task
from django_tasks.backends.immediate import ImmediateBackend
from django_tasks_db import DatabaseBackend

from .models import Article, Job, JobKind, JobStatus, PageFetch, Source

# Stored with the job; the whole traceback is in the worker's log.
ERROR_MAX_CHARS = 2000
# How long a fetched page waits for its import (then it is fetched anew).
FETCH_KEPT = datetime.timedelta(days=1)


def queue_analysis(*, article: Article, requested_by: AbstractBaseUser | None) -> Job:
    """Have a worker compute the article's hints, scores and matches.

    One waiting job per article is enough: it reads the article when it runs,
    so a change made before then is analysed with it.
    """
    with transaction.atomic():
        waiting = (
            Job.objects.filter(
                article_id=article.pk,
                kind=JobKind.ANALYSE,
                status=JobStatus.QUEUED,
                attempts=0,
            )
            .order_by("-created_at")
            .first()
        )
        if waiting is not None:
            return waiting
        job = Job.objects.create(
            kind=JobKind.ANALYSE,
            article_id=article.pk,
            requested_by=requested_by,
        )
        return enqueue(job)


def queue_archive(*, source: Source, requested_by: AbstractBaseUser | None) -> Job:
    """Have a worker fetch and keep a source's archived copy.

    One waiting or running job per source is enough (archiving is
    idempotent); a finished one is followed by a new job.
    """
    with transaction.atomic():
        pending = (
            Job.objects.filter(
                source_id=source.pk,
                kind=JobKind.ARCHIVE,
                status__in=(JobStatus.QUEUED, JobStatus.RUNNING),
            )
            .order_by("-pk")
            .first()
        )
        if pending is not None:
            return pending
        job = Job.objects.create(
            kind=JobKind.ARCHIVE, source_id=source.pk, requested_by=requested_by
        )
        return enqueue(job)


def queue_fetch(*, url: str, requested_by: AbstractBaseUser | None) -> Job:
    """Have a worker fetch a link to import; its page is kept on the job.

    A refusal is written in the requester's current language. Fetches
    finished more than FETCH_KEPT ago go (their pages with them).
    """
    with transaction.atomic():
        Job.objects.filter(
            kind=JobKind.FETCH, finished_at__lt=timezone.now() - FETCH_KEPT
        ).delete()
        job = Job.objects.create(kind=JobKind.FETCH, requested_by=requested_by)
        PageFetch.objects.create(
            job=job, url=url, language=translation.get_language() or ""
        )
        return enqueue(job)


def enqueue(job: Job) -> Job:
    """Queue the first attempt at a job saved with what it needs (same transaction)."""
    _enqueue(job.pk)
    if isinstance(run_job.get_backend(), ImmediateBackend):
        job.refresh_from_db()  # run already (the tests' queue)
    return job


class PermanentFailure(Exception):
    """A failure that trying again cannot mend (a refused address)."""


class Refused(PermanentFailure):
    """A permanent failure whose message is for people: kept as it is."""


def retry_delay(attempts: int) -> float:
    """Seconds before the next try of a job that failed ``attempts`` times."""
    return settings.JOB_RETRY_SECONDS * 2 ** (attempts - 1)


@task()
def run_job(job_id: int) -> str:
    """One attempt at a job: done, retried later, or failed for good."""
    job = _start(job_id)
    if job is None:
        return "skipped"
    try:
        _WORK[job.kind](job)
    except Exception as error:
        _record_failure(job, error)
        raise
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.DONE, finished_at=timezone.now(), retry_at=None, progress=100
    )
    return "done"


def _start(job_id: int) -> Job | None:
    """Mark the job running, or None when another delivery got there first."""
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status != JobStatus.QUEUED:
            # Deleted with its article, finished, or running elsewhere.
            return None
        job.status = JobStatus.RUNNING
        job.attempts += 1
        job.started_at = timezone.now()
        job.retry_at = None
        job.progress = None  # an earlier attempt's is no longer true
        job.save(
            update_fields=["status", "attempts", "started_at", "retry_at", "progress"]
        )
    return job


def _record_failure(job: Job, error: Exception) -> None:
    message = f"{type(error).__name__}: {error}"
    if isinstance(error, Refused):
        message = str(error)
    message = message[:ERROR_MAX_CHARS]
    now = timezone.now()
    with transaction.atomic():
        if job.attempts >= settings.JOB_MAX_ATTEMPTS or isinstance(
            error, PermanentFailure
        ):
            Job.objects.filter(pk=job.pk).update(
                status=JobStatus.FAILED, error=message, finished_at=now
            )
            return
        delay = retry_delay(job.attempts)
        Job.objects.filter(pk=job.pk).update(
            status=JobStatus.QUEUED,
            error=message,
            retry_at=now + datetime.timedelta(seconds=delay),
        )
        _enqueue(job.pk, delay=delay)


def _enqueue(job_id: int, *, delay: float = 0) -> None:
    """Queue one attempt at the job, ``delay`` seconds from now at the earliest."""
    queued = run_job
    backend = run_job.get_backend()
    if delay > 0 and backend.supports_defer:
        # (The immediate backend cannot wait: it tries again at once.)
        queued = run_job.using(
            run_after=timezone.now() + datetime.timedelta(seconds=delay)
        )

    def send() -> None:
        result = queued.enqueue(job_id)
        Job.objects.filter(pk=job_id).update(task_id=result.id)

    if isinstance(backend, DatabaseBackend | ImmediateBackend):
        # Same database: the task and the job commit (or roll back) together.
        send()
    else:
        # A queue elsewhere (Redis) must not see a job before it exists.
        transaction.on_commit(send)


def _analyse(job: Job) -> None:
    from . import assisting  # here, so that only workers load the models

    article = Article(pk=job.article_id)
    if not connection.in_atomic_block:
        # A worker: the progress must commit as it goes to be seen. The
        # analysis writes its rows in one transaction of its own; a failure
        # after it is mended by the retry, which computes everything again.
        assisting.analyse_article(article, progress=_reporter(job))
        return
    # In a transaction (the tests' queue): a savepoint, so a failed attempt
    # leaves nothing half written and its failure can still be recorded.
    with transaction.atomic():
        assisting.analyse_article(article, progress=_reporter(job))


def _reporter(job: Job) -> Callable[[int, int], None]:
    """A progress callback storing the job's percent done, when it changes."""
    shown = -1

    def report(done: int, total: int) -> None:
        nonlocal shown
        percent = 100 if total <= 0 else min(100, done * 100 // total)
        if percent != shown:
            shown = percent
            Job.objects.filter(pk=job.pk).update(progress=percent)

    return report


class ArchiveFailed(Exception):
    """The source's address failed in a way a later try may mend."""


def _archive(job: Job) -> None:
    from . import archiving

    snapshot = archiving.archive_source(job.source_id)
    if snapshot is not None and archiving.worth_retrying(snapshot):
        raise ArchiveFailed(snapshot.error or f"HTTP {snapshot.status}")


def _fetch(job: Job) -> None:
    from . import importing

    fetch = PageFetch.objects.get(job=job)
    with translation.override(fetch.language or None):
        try:
            page = importing.fetch_link(fetch.url)
        except importing.ImportRefused as error:
            raise Refused(str(error.message)) from None
    PageFetch.objects.filter(pk=fetch.pk).update(
        final_url=page.final_url[:2000],
        status=page.status,
        content_type=page.headers.get("content-type", "")[:200],
        fetched_at=page.fetched_at,
        body=page.body,
    )


def _deliver(job: Job) -> None:
    from . import webhooks

    try:
        webhooks.deliver(job)
    except webhooks.Undeliverable as error:
        raise PermanentFailure(str(error)) from error


_WORK: dict[str, Callable[[Job], None]] = {
    JobKind.ANALYSE: _analyse,
    JobKind.WEBHOOK: _deliver,
    JobKind.ARCHIVE: _archive,
    JobKind.FETCH: _fetch,
}
