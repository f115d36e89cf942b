"""Background work: jobs that people can follow, run by django-tasks workers.

A ``Job`` row says what was asked and how it went; each attempt at it is one
django-tasks task (``run_job``) on the configured queue (settings.TASKS:
the database by default, Redis through RQ, or at once in the tests). Every
job is idempotent, so a task delivered twice does no harm; a failed attempt
is tried again after a growing delay, and the last error stays on the job.

Analysis modules (jieba and the rest) are imported inside the task, so the
web processes, which only queue work, never load them.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django_tasks import task
from django_tasks.backends.immediate import ImmediateBackend
from django_tasks_db import DatabaseBackend

from .models import Article, Job, JobKind, JobStatus

# Stored with the job; the whole traceback is in the worker's log.
ERROR_MAX_CHARS = 2000


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


def enqueue(job: Job) -> Job:
    """Queue the first attempt at a job saved with what it needs (same transaction)."""
    _enqueue(job.pk)
    if isinstance(run_job.get_backend(), ImmediateBackend):
        job.refresh_from_db()  # run already (the tests' queue)
    return job


class PermanentFailure(Exception):
    """A failure that trying again cannot mend (a refused address)."""


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
        status=JobStatus.DONE, finished_at=timezone.now(), retry_at=None
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
        job.save(update_fields=["status", "attempts", "started_at", "retry_at"])
    return job


def _record_failure(job: Job, error: Exception) -> None:
    message = f"{type(error).__name__}: {error}"[:ERROR_MAX_CHARS]
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

    # A savepoint: a failed attempt leaves nothing half written, and the
    # failure can still be recorded in an enclosing transaction.
    with transaction.atomic():
        assisting.analyse_article(Article(pk=job.article_id))


def _deliver(job: Job) -> None:
    from . import webhooks

    webhooks.deliver(job)


_WORK: dict[str, Callable[[Job], None]] = {
    JobKind.ANALYSE: _analyse,
    JobKind.WEBHOOK: _deliver,
}
