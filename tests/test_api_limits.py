"""The API at the edges of what it accepts: large bodies, long articles,
HTML bombs, and the browsable API. Each refusal is JSON that names the limit."""

import json
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from annotations.api.errors import BODY_TOO_LARGE, TOO_MANY_PARTS
from annotations.importing import MAX_HTML_DEPTH, TOO_DEEP
from annotations.models import Article, Claim, Job, JobKind, JobStatus

from .factories import ArticleFactory, add_source, sentences
from .helpers import API

pytestmark = pytest.mark.django_db

# 清华大学的两位科学家加入了英伟达。 (17 characters, 51 bytes in UTF-8)
ZH = (
    "\u6e05\u534e\u5927\u5b66\u7684\u4e24\u4f4d\u79d1\u5b66\u5bb6"
    "\u52a0\u5165\u4e86\u82f1\u4f1f\u8fbe\u3002"
)


def post_json(client, url: str, body: str):
    return client.post(url, body, content_type="application/json")


def test_a_12_mb_chinese_article_sent_as_escaped_json_reaches_the_importer(
    editor_api, settings
):
    text = ZH * (12_000_000 // len(ZH.encode()))
    body = json.dumps({"text": text})  # \uXXXX: twice the UTF-8 size
    assert len(text.encode()) <= settings.IMPORT_MAX_BYTES < len(body)
    # The importer's own limit one byte under this text (the request's limit,
    # read from it at start-up, stays): a refusal only the importer gives.
    settings.IMPORT_MAX_BYTES = len(text.encode()) - 1

    response = post_json(editor_api, f"{API}/articles/", body)

    # Read, parsed and judged by the importer.
    assert response.status_code == 400
    assert response.json()["code"] == "too_large"
    assert not Article.objects.exists()


def test_a_body_at_djangos_limit_is_read(editor_api, settings):
    body = json.dumps({"title": "At the limit", "text": ZH})
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = len(body)

    response = post_json(editor_api, f"{API}/articles/", body)

    assert response.status_code == 201
    assert Article.objects.get().text == ZH


def test_a_body_over_djangos_limit_gets_413_json_naming_the_limit(editor_api, settings):
    body = json.dumps({"title": "Over the limit", "text": ZH})
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = len(body) - 1

    response = post_json(editor_api, f"{API}/articles/", body)

    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "detail": BODY_TOO_LARGE.format(
            size=len(body),
            limit=len(body) - 1,
            text_limit=settings.IMPORT_MAX_BYTES,
        ),
        "code": "too_large",
    }
    assert not Article.objects.exists()


def test_a_form_with_more_fields_than_django_reads_gets_400_json_naming_it(
    editor_api, settings
):
    fields = {f"field{n}": "x" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS)}

    response = editor_api.post(
        f"{API}/articles/", {**fields, "text": ZH}, format="multipart"
    )

    assert response.status_code == 400
    assert response.json() == {
        "detail": TOO_MANY_PARTS.format(
            limit=settings.DATA_UPLOAD_MAX_NUMBER_FIELDS, what="fields"
        ),
        "code": "too_many",
    }


def test_djangos_limit_leaves_room_for_any_text_the_importer_takes(settings):
    # The worst escaping of text: a character outside the BMP, 4 bytes in
    # UTF-8, is a 12-byte surrogate pair in JSON.
    escaped = len(json.dumps("\U0001f600"))
    assert (
        settings.IMPORT_MAX_BYTES * ((escaped - 2) / 4)
        < settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    )


def test_analysing_an_article_of_any_size_is_queued_and_answered_at_once(
    editor_api, task_queue
):
    article = ArticleFactory(text=sentences(300))
    before = list(Claim.objects.values_list("worth_reasons", flat=True))

    response = editor_api.post(f"{API}/articles/{article.pk}/analyse/")

    assert response.status_code == 202
    job = Job.objects.get(pk=response.json()["id"])
    assert (job.article_id, job.kind, job.status) == (
        article.pk,
        JobKind.ANALYSE,
        JobStatus.QUEUED,
    )
    # Nothing was analysed in the request: the worker does it.
    assert list(Claim.objects.values_list("worth_reasons", flat=True)) == before


@pytest.mark.parametrize(
    "page",
    [
        pytest.param(b"<b>word " * 12_500, id="100 KB of unclosed tags"),
        pytest.param(b"<div>" * 100_000 + b"x" + b"</div>" * 100_000, id="nesting"),
    ],
)
def test_an_html_bomb_upload_is_refused_at_once_with_a_clear_message(editor_api, page):
    upload = SimpleUploadedFile("bomb.html", page, content_type="text/html")
    started = time.perf_counter()

    response = editor_api.post(
        f"{API}/articles/", {"file": upload, "title": "Bomb"}, format="multipart"
    )

    assert time.perf_counter() - started < 2
    assert response.status_code == 400
    assert response.json() == {
        "file": [TOO_DEEP.format(limit=MAX_HTML_DEPTH)],
        "code": "too_complex",
    }
    assert not Article.objects.exists()


BROWSABLE = (
    f"{API}/",
    f"{API}/articles/",
    f"{API}/articles/{{article}}/",
    f"{API}/articles/{{article}}/versions/",
    f"{API}/claims/",
    f"{API}/claims/{{claim}}/",
    f"{API}/articles/{{article}}/versions/1/",
    f"{API}/claims/{{claim}}/comments/",
    f"{API}/claims/{{claim}}/history/",
    f"{API}/claims/{{claim}}/matches/",
    f"{API}/sources/{{source}}/",
    f"{API}/search/?q=Sentence",
    f"{API}/search/",
)


@pytest.mark.parametrize("path", BROWSABLE)
def test_the_browsable_api_shows_every_page_in_a_browser(editor_api, path):
    article = ArticleFactory(text=sentences(3))
    claim = article.claims.first()
    source = add_source(claim)
    url = path.format(article=article.pk, claim=claim.pk, source=source.pk)

    response = editor_api.get(url, HTTP_ACCEPT="text/html")

    assert response.status_code in (200, 400)
    assert response["Content-Type"].startswith("text/html")
    assert b"factcheck" in response.content or b"Django REST" in response.content


def text_of_bytes(size: int) -> str:
    """Sentences, one a line, exactly ``size`` bytes in UTF-8."""
    cut = sentences(size // 40 + 1).encode()[:size].decode("utf-8", "ignore")
    return cut + "." * (size - len(cut.encode()))


def test_an_article_exactly_at_the_import_limit_is_imported(editor_api, import_limit):
    text = text_of_bytes(import_limit)
    assert len(text.encode()) == import_limit

    response = editor_api.post(
        f"{API}/articles/", {"title": "At the limit", "text": text}, format="json"
    )

    assert response.status_code == 201
    assert len(Article.objects.get().text.encode()) == import_limit


def test_a_file_exactly_at_the_import_limit_is_imported(editor_api, import_limit):
    upload = SimpleUploadedFile("story.txt", text_of_bytes(import_limit).encode())

    response = editor_api.post(
        f"{API}/articles/", {"file": upload, "title": "File"}, format="multipart"
    )

    assert response.status_code == 201


def test_a_new_version_exactly_at_the_import_limit_is_taken(editor_api, import_limit):
    article = ArticleFactory(text=sentences(3))

    response = editor_api.post(
        f"{API}/articles/{article.pk}/versions/",
        {"text": text_of_bytes(import_limit)},
        format="json",
    )

    assert response.status_code == 201
    assert len(Article.objects.get().text.encode()) == import_limit


@pytest.mark.parametrize("endpoint", ["articles", "versions"])
def test_a_text_with_a_lone_surrogate_is_refused_naming_it(editor_api, endpoint):
    url = f"{API}/articles/"
    if endpoint == "versions":
        url = f"{API}/articles/{ArticleFactory(text=sentences(2)).pk}/versions/"
    body = '{"title": "T", "text": "Fine words. Then \\udc80 here."}'
    response = editor_api.post(url, body, content_type="application/json")
    assert response.status_code == 400
    assert "U+DC80" in str(response.json()["text"])
