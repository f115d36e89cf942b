"""Importing an article from a link: fetched from a real local server, the
article extracted with trafilatura, the page kept as fetched; and every way a
link can fail, with nothing stored."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from annotations.models import (
    Article,
    ArticleCapture,
    Claim,
    Job,
    JobKind,
    JobStatus,
    Kind,
    PageFetch,
)

from .factories import UserFactory
from .helpers import API
from .webserver import HTML, NEWS_PAGE

pytestmark = pytest.mark.django_db

TITLE = "中国宇航员准备首次太空行走"
FIRST = "中国第三次载人宇宙飞船的船组成员们为迎接中国历史性的第一次太空行走组装太空服。"
# The page's menus, player, schedule, advertisement, comments and footer.
CHROME = (
    "无障碍链接",
    "VOA卫视",
    "节目预告",
    "广告",
    "评论者甲",
    "分享",
    "XS",
    "© 美国之音",
)
SCRIPT_ONLY = (
    b"<html><head><title>Exclusive | Daily Paper</title></head><body>"
    b"<nav><a href=/>Home</a></nav><div id=app></div><script src=/app.js></script>"
    b"</body></html>"
)


@pytest.fixture
def story(web):
    return web.route("/2008/09/shenzhou7", body=NEWS_PAGE, headers=HTML)


def import_link(client, url: str, **fields):
    """The editor's two steps: the link (a fetch job, here run at once, and its
    preview), then Import, which keeps the page that job fetched."""
    first = client.post(
        reverse("desk:article_new"), {"import": "1", "url": url, **fields}
    )
    job = Job.objects.filter(kind=JobKind.FETCH).order_by("-pk").first()
    if job is None or job.status != JobStatus.DONE:
        return first
    assert "Preview: " in first.content.decode()
    return client.post(
        reverse("desk:article_new"),
        {"import": "1", "url": url, "fetch": job.pk, **fields},
    )


def refusal(client, url: str) -> str:
    response = import_link(client, url)
    assert response.status_code == 200
    assert not Article.objects.exists()
    assert not Claim.objects.exists()
    assert not ArticleCapture.objects.exists()
    # The fetch job failed for good, keeping the refusal and no page.
    job = Job.objects.get(kind=JobKind.FETCH)
    assert job.status == JobStatus.FAILED
    assert not PageFetch.objects.filter(fetched_at__isnull=False).exists()
    return response.content.decode()


def test_a_link_is_fetched_and_its_article_extracted_and_kept(
    editor_client, story, django_assert_max_num_queries
):
    # The fetch job with its preview, then the import: each a bounded count.
    with django_assert_max_num_queries(25):
        editor_client.post(reverse("desk:article_new"), {"url": story})
    job = Job.objects.get(kind=JobKind.FETCH)
    # (The tests' queue analyses at once: with its ~8 progress updates.)
    with django_assert_max_num_queries(50):
        response = editor_client.post(
            reverse("desk:article_new"), {"import": "1", "url": story, "fetch": job.pk}
        )

    assert response.status_code == 302
    article = Article.objects.get()
    assert article.title == TITLE
    assert article.publisher == "美国之音"
    assert article.published_on.isoformat() == "2008-09-26"
    assert article.url == story
    assert article.text.startswith(FIRST)
    assert "太空行走按计划将现场直播。" in article.text
    for chrome in CHROME:
        assert chrome not in article.text
    assert article.claims.get(text="空间站的关键一步").kind == Kind.HEADING
    capture = article.capture
    assert bytes(capture.html) == NEWS_PAGE
    assert (capture.requested_url, capture.final_url, capture.status) == (
        story,
        story,
        200,
    )
    assert capture.content_type == "text/html"
    assert capture.author == "美国之音中文部"
    assert capture.fetched_at is not None


def test_the_preview_of_a_link_shows_the_split_and_stores_nothing(
    editor_client, story, web
):
    response = editor_client.post(
        reverse("desk:article_new"), {"preview": "1", "url": story}
    )

    body = response.content.decode()
    assert "Preview: " in body
    assert FIRST in body
    assert f'Fetched from <a href="{story}"' in body
    assert "By 美国之音中文部." in body
    # The form keeps the link and the page's title for Import, not the text.
    assert f'value="{story}"' in body
    assert f'value="{TITLE}"' in body
    assert not Article.objects.exists()
    assert len(web.requests) == 1


def test_a_link_is_imported_through_the_api(editor_api, story):
    response = editor_api.post(f"{API}/articles/", {"url": story}, format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["title"], body["publisher"], body["published_on"]) == (
        TITLE,
        "美国之音",
        "2008-09-26",
    )
    assert Article.objects.get().capture.final_url == story


def test_the_api_keeps_the_fields_it_is_given_over_the_pages(editor_api, story):
    response = editor_api.post(
        f"{API}/articles/",
        {"url": story, "title": "Spacewalk", "publisher": "VOA"},
        format="json",
    )

    assert response.status_code == 201
    assert (response.json()["title"], response.json()["publisher"]) == (
        "Spacewalk",
        "VOA",
    )


def test_the_command_imports_a_link(story, editor):
    out = io.StringIO()

    call_command(
        "import_article", "--url", story, "--user", editor.username, stdout=out
    )

    assert f'"{TITLE}"' in out.getvalue()
    assert bytes(Article.objects.get().capture.html) == NEWS_PAGE


def test_the_command_needs_a_file_or_a_link():
    with pytest.raises(CommandError, match="Name a file to import, or give --url"):
        call_command("import_article")


def test_redirects_are_followed_and_the_final_address_kept(editor_client, web, story):
    web.route("/old", status=301, headers={"Location": "/short"})
    web.route("/short", status=302, headers={"Location": story})

    response = import_link(editor_client, web.url("/old"))

    assert response.status_code == 302
    capture = ArticleCapture.objects.get()
    assert (capture.requested_url, capture.final_url) == (web.url("/old"), story)
    assert Article.objects.get().url == web.url("/old")


def test_a_missing_page_is_refused(editor_client, web):
    body = refusal(editor_client, web.url("/nowhere"))

    assert f"The page at {web.url('/nowhere')} was not found (HTTP 404)." in body


def test_a_page_behind_a_sign_in_is_refused(editor_client, web):
    url = web.route("/premium", status=403, body=b"Forbidden", headers=HTML)

    body = refusal(editor_client, url)

    assert "The site refused access" in body
    assert "(HTTP 403)" in body


def test_a_slow_site_times_out(editor_client, web, settings):
    settings.FETCH_TIMEOUT = 0.3
    url = web.route("/slow", body=NEWS_PAGE, headers=HTML, delay=1.5)

    body = refusal(editor_client, url)

    assert "did not answer within 0.3 seconds" in body


def test_an_oversized_page_is_refused_at_the_import_limit(editor_client, web, settings):
    settings.IMPORT_MAX_BYTES = 5000
    url = web.route("/huge", body=NEWS_PAGE * 3, headers=HTML, chunked=True)

    body = refusal(editor_client, url)

    assert "is over 5000 bytes, the largest accepted" in body


def test_a_redirect_to_a_private_address_is_refused(editor_client, web):
    private = f"http://localhost:{web.port}/2008/09/shenzhou7"
    web.route("/2008/09/shenzhou7", body=NEWS_PAGE, headers=HTML)
    url = web.route("/go", status=302, headers={"Location": private})

    body = refusal(editor_client, url)

    assert "only public web addresses are fetched" in body
    assert [seen.path for seen in web.requests] == ["/go"]


def test_a_private_address_is_refused_without_a_request(editor_client, web, settings):
    settings.FETCH_ALLOWED_HOSTS = []
    url = web.route("/story", body=NEWS_PAGE, headers=HTML)

    body = refusal(editor_client, url)

    assert "is a private, local or reserved address (127.0.0.1)" in body
    assert web.requests == []


def test_a_link_to_something_other_than_a_web_page_is_refused(editor_client, web):
    url = web.route(
        "/release.pdf", body=b"%PDF-1.7", headers={"Content-Type": "application/pdf"}
    )

    body = refusal(editor_client, url)

    assert "is not a web page but &#x27;application/pdf&#x27;" in body


def test_a_page_with_no_article_is_refused(editor_client, web):
    url = web.route("/paywalled", body=SCRIPT_ONLY, headers=HTML)

    body = refusal(editor_client, url)

    assert "No article text was found" in body
    assert "behind a paywall" in body


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://example.org/a", "Only http:// and https:// addresses"),
        ("http://user:pw@example.org/", "user name or password"),
    ],
)
def test_links_that_cannot_be_fetched_are_refused(editor_client, web, url, message):
    body = refusal(editor_client, url)

    assert message in body


def test_nothing_is_fetched_when_fetching_is_off(editor_client, story, web, settings):
    settings.FETCH_ENABLED = False

    body = refusal(editor_client, story)

    assert "Fetching links is turned off" in body
    assert web.requests == []


# The fetch is a background job: the page follows it


def test_a_link_is_fetched_by_a_worker_while_the_page_says_fetching(
    editor_client, story, web, task_queue, run_worker, django_assert_max_num_queries
):
    with django_assert_max_num_queries(15):
        response = editor_client.post(reverse("desk:article_new"), {"url": story})

    job = Job.objects.get(kind=JobKind.FETCH)
    status_url = reverse("desk:article_fetch", args=[job.pk])
    body = response.content.decode()
    assert f"Fetching {story}…" in body
    assert f'hx-get="{status_url}" hx-trigger="every 1s"' in body
    assert web.requests == []  # the request only queued it
    assert 'hx-trigger="every 1s"' in editor_client.get(status_url).content.decode()

    run_worker()

    job.refresh_from_db()
    assert (job.status, job.page_fetch.status, job.page_fetch.final_url) == (
        JobStatus.DONE,
        200,
        story,
    )
    with django_assert_max_num_queries(15):
        done = editor_client.get(status_url).content.decode()
    assert "Fetching" not in done
    assert "Preview: " in done
    assert FIRST in done
    assert f'value="{TITLE}"' in done
    assert "By 美国之音中文部." in done
    assert f'name="fetch" value="{job.pk}"' in done
    assert not Article.objects.exists()
    # Import keeps the page the worker fetched: no second request.
    response = editor_client.post(
        reverse("desk:article_new"), {"import": "1", "url": story, "fetch": job.pk}
    )
    assert response.status_code == 302
    assert bytes(Article.objects.get().capture.html) == NEWS_PAGE
    assert len(web.requests) == 1


def test_a_fetch_job_answered_404_fails_with_the_reason_and_stores_nothing(
    editor_client, web, task_queue, run_worker
):
    url = web.url("/nowhere")
    editor_client.post(reverse("desk:article_new"), {"url": url})
    job = Job.objects.get(kind=JobKind.FETCH)

    run_worker()

    job.refresh_from_db()
    message = f"The page at {url} was not found (HTTP 404)."
    assert (job.status, job.attempts, job.error) == (JobStatus.FAILED, 1, message)
    body = editor_client.get(
        reverse("desk:article_fetch", args=[job.pk])
    ).content.decode()
    assert message in body
    assert "every 1s" not in body
    assert not PageFetch.objects.filter(fetched_at__isnull=False).exists()
    assert not Article.objects.exists()
    assert not ArticleCapture.objects.exists()


def test_a_fetch_job_refuses_a_private_address_without_a_request(
    editor_client, web, task_queue, run_worker, settings
):
    settings.FETCH_ALLOWED_HOSTS = []
    url = web.route("/story", body=NEWS_PAGE, headers=HTML)
    editor_client.post(reverse("desk:article_new"), {"url": url})

    run_worker()

    job = Job.objects.get(kind=JobKind.FETCH)
    assert job.status == JobStatus.FAILED
    assert "is a private, local or reserved address (127.0.0.1)" in job.error
    assert web.requests == []
    assert not PageFetch.objects.filter(fetched_at__isnull=False).exists()
    assert not Article.objects.exists()


def test_the_refusal_is_in_the_language_of_the_person_who_asked(
    editor_client, web, task_queue, run_worker
):
    url = web.url("/nowhere")
    editor_client.post(
        reverse("desk:article_new"),
        {"url": url},
        headers={"Accept-Language": "zh-hans"},
    )
    run_worker()
    job = Job.objects.get(kind=JobKind.FETCH)
    assert "404" in job.error
    assert "was not found" not in job.error


def test_another_persons_fetch_is_not_found(client, web, task_queue, editor):
    other = UserFactory(username="other", role="editor")
    client.force_login(other)
    client.post(reverse("desk:article_new"), {"url": web.url("/a")})
    job = Job.objects.get(kind=JobKind.FETCH)
    client.force_login(editor)
    assert client.get(reverse("desk:article_fetch", args=[job.pk])).status_code == 404


def test_fetched_pages_are_kept_a_day_for_their_import(editor, web, task_queue):
    from annotations import jobs

    old = jobs.queue_fetch(url=web.url("/a"), requested_by=editor)
    Job.objects.filter(pk=old.pk).update(
        status=JobStatus.DONE,
        finished_at=timezone.now() - jobs.FETCH_KEPT - datetime.timedelta(minutes=1),
    )
    recent = jobs.queue_fetch(url=web.url("/b"), requested_by=editor)
    Job.objects.filter(pk=recent.pk).update(
        status=JobStatus.DONE, finished_at=timezone.now()
    )
    jobs.queue_fetch(url=web.url("/c"), requested_by=editor)
    assert not Job.objects.filter(pk=old.pk).exists()
    assert not PageFetch.objects.filter(job_id=old.pk).exists()
    assert Job.objects.filter(kind=JobKind.FETCH).count() == 2
