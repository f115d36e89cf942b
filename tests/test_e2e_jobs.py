"""A long import in a real browser: answered at once, hints shown when the worker
is done, without reloading the page (Chromium via Playwright)."""

import re
import time

import pytest
from playwright.sync_api import expect

from annotations import services
from annotations.models import Article, Job, JobStatus

from .browser import sign_in, unit_of
from .factories import UserFactory, sentences

pytest_plugins = ["tests.browser"]
pytestmark = pytest.mark.browser

CONTRADICTING = (
    "Nexusflow was founded in 2023.\nNexusflow, founded in 2021, raised $10.6M."
)


@pytest.fixture
def editor(transactional_db):
    return UserFactory(username="editor", role="editor")


def test_a_pasted_1000_sentence_article_answers_at_once_and_its_hints_follow(
    open_page, editor, task_queue, run_worker
):
    page = open_page()
    sign_in(page, editor.username)
    page.goto("/articles/new/")
    page.fill("#id_title", "A thousand sentences")
    page.fill("#id_text", f"{CONTRADICTING}\n{sentences(1000)}")

    started = time.perf_counter()
    with page.expect_response(
        lambda r: r.url.endswith("/articles/new/") and r.request.method == "POST"
    ) as posted:
        page.get_by_role("button", name="Import", exact=True).click()
    assert posted.value.ok  # (htmx: a client redirect to the workspace)
    answered = time.perf_counter() - started
    expect(page).to_have_url(re.compile(r"/articles/\d+/$"))
    # The import stores the text and claims; the analysis waits for a worker.
    assert answered < 1.0, f"the import took {answered:.2f} s"
    article = Article.objects.get()
    assert article.claims.count() >= 1000
    first, second = article.claims.order_by("position")[:2]
    status = page.locator("#analysis-status")
    expect(status).to_contain_text("Analysis queued")
    expect(unit_of(page, first)).not_to_have_class(re.compile("has-hints"))
    page.evaluate("window.stillTheSamePage = true")

    run_worker()  # what `manage.py db_worker` does beside the web server

    assert Job.objects.get(article=article).status == JobStatus.DONE
    expect(status).to_contain_text("Analysis done", timeout=10_000)
    expect(unit_of(page, first)).to_have_class(re.compile("has-hints"))
    expect(unit_of(page, second)).to_have_class(re.compile("has-hints"))
    assert page.evaluate("window.stillTheSamePage") is True  # no reload


def test_the_workspace_shows_the_analysis_percent_then_the_hints_without_reload(
    open_page, editor, task_queue, run_worker
):
    article = services.import_article(
        text=CONTRADICTING, title="Two dates", imported_by=editor
    )
    job = Job.objects.get(article=article)
    first = article.claims.order_by("position").first()
    page = open_page()
    sign_in(page, editor.username)
    page.goto(f"/articles/{article.pk}/")
    status = page.locator("#analysis-status")
    expect(status).to_contain_text("Analysis queued")
    page.evaluate("window.stillTheSamePage = true")

    # What a worker's analysis writes as it goes (it runs in another process).
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, attempts=1, progress=40
    )
    expect(status).to_contain_text("Analysis running, 40%", timeout=10_000)
    expect(status.locator("progress")).to_have_attribute("value", "40")
    Job.objects.filter(pk=job.pk).update(progress=80)
    expect(status).to_contain_text("Analysis running, 80%", timeout=10_000)

    # Handed back to this test's worker, which does the whole analysis.
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.QUEUED, attempts=0, progress=None
    )
    run_worker()

    assert Job.objects.get(pk=job.pk).progress == 100
    expect(status).to_contain_text("Analysis done", timeout=10_000)
    expect(unit_of(page, first)).to_have_class(re.compile("has-hints"))
    assert page.evaluate("window.stillTheSamePage") is True  # no reload
