"""Importing Word (.docx) and PDF files: lines, headings, and refusals that
store nothing (image-only PDFs, zip bombs, decompression bombs)."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from annotations import importing
from annotations.models import Article, Claim, Kind

from .documents import (
    make_docx,
    make_image_pdf,
    make_pdf,
    make_pdf_bomb,
    make_zip_bomb_docx,
)
from .helpers import API

pytestmark = pytest.mark.django_db

REPORT = [
    ("title", "Solar sail lost after launch"),
    ("p", "The Cosmos 1 satellite was launched from a Russian submarine on Tuesday."),
    ("heading", "What went wrong"),
    ("p", "There may have been a problem with the launch vehicle."),
    ("table", "Orbit|800 km"),
]
SAIL_PAGE = [
    "Efforts to launch a satellite to test the concept of using photons to",
    "propel a spacecraft apparently failed this week.",
    "What went wrong",
    "The small Cosmos 1 satellite was launched from a Russian submarine",
    "Tuesday, but all indications are that it failed to reach its orbit.",
]


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def import_page(client, name: str, data: bytes, **fields):
    return client.post(
        reverse("desk:article_new"),
        {"import": "1", "file": upload(name, data), **fields},
    )


def assert_nothing_stored() -> None:
    assert not Article.objects.exists()
    assert not Claim.objects.exists()


# Word


def test_docx_paragraphs_become_lines_and_headings_stay_headings(editor_client):
    response = import_page(editor_client, "report.docx", make_docx(REPORT))

    assert response.status_code == 302
    article = Article.objects.get()
    assert article.title == "Solar sail lost after launch"
    assert article.text == (
        "Solar sail lost after launch\n"
        "The Cosmos 1 satellite was launched from a Russian submarine on Tuesday.\n"
        "What went wrong\n"
        "There may have been a problem with the launch vehicle.\n"
        "Orbit | 800 km"
    )
    kinds = dict(article.claims.values_list("text", "kind"))
    assert kinds["What went wrong"] == Kind.HEADING
    assert kinds["Solar sail lost after launch"] == Kind.HEADING
    assert kinds["There may have been a problem with the launch vehicle."] == Kind.CLAIM


def test_docx_title_comes_from_its_properties_first():
    extracted = importing.read_file(
        make_docx(REPORT, title="Cosmos 1"), "r.docx", limit=100_000
    )

    assert extracted.title == "Cosmos 1"


def test_docx_preview_shows_the_split_and_stores_nothing(editor_client):
    response = editor_client.post(
        reverse("desk:article_new"),
        {"preview": "1", "file": upload("report.docx", make_docx(REPORT))},
    )

    body = response.content.decode()
    assert "Preview: 5 units" in body
    assert "What went wrong" in body
    assert_nothing_stored()


def test_a_zip_bomb_docx_is_refused_before_it_is_read(
    editor_client, settings, monkeypatch
):
    settings.IMPORT_MAX_BYTES = 200_000
    bomb = make_zip_bomb_docx(unpacked=20 * 1024 * 1024)
    assert len(bomb) < settings.IMPORT_MAX_BYTES
    monkeypatch.setattr(
        importing.docx, "Document", lambda *a: pytest.fail("the bomb was opened")
    )

    response = import_page(editor_client, "bomb.docx", bomb, title="Bomb")

    body = response.content.decode()
    assert "would unpack to 20971528 bytes" in body
    assert "possible zip bomb" in body
    assert_nothing_stored()


def test_a_docx_that_is_not_a_zip_is_refused(editor_client):
    response = import_page(editor_client, "fake.docx", b"PK\x03\x04 not really")

    assert "This is not a Word .docx file that can be read" in (
        response.content.decode()
    )
    assert_nothing_stored()


def test_a_zip_without_a_document_is_refused(editor_client):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "hi")

    response = import_page(editor_client, "empty.docx", out.getvalue())

    assert "This is not a Word .docx file that can be read" in (
        response.content.decode()
    )
    assert_nothing_stored()


def test_a_docx_over_the_size_limit_is_refused(editor_client, import_limit):
    data = make_docx([("p", "Long text. " * 200)])

    response = import_page(editor_client, "big.docx", data, title="Big")

    assert f"the largest accepted is {import_limit} bytes" in response.content.decode()
    assert_nothing_stored()


def test_old_word_files_are_refused_with_advice(editor_client):
    response = import_page(editor_client, "old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a")

    assert "Save it as .docx" in response.content.decode()
    assert_nothing_stored()


# PDF


def test_pdf_import_joins_wrapped_lines_and_keeps_outline_headings(editor_api):
    pdf = make_pdf([SAIL_PAGE], outline=[("What went wrong", 0)], title="Sail")

    response = editor_api.post(
        f"{API}/articles/", {"file": upload("sail.pdf", pdf)}, format="multipart"
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["title"] == "Sail"
    assert body["text"] == (
        "Efforts to launch a satellite to test the concept of using photons to "
        "propel a spacecraft apparently failed this week.\n"
        "What went wrong\n"
        "The small Cosmos 1 satellite was launched from a Russian submarine "
        "Tuesday, but all indications are that it failed to reach its orbit."
    )
    article = Article.objects.get()
    assert article.claims.get(text="What went wrong").kind == Kind.HEADING


def test_pdf_pages_each_start_a_paragraph_and_compressed_streams_read():
    pdf = make_pdf([["First page ends here."], ["Second page."]], compress=True)

    extracted = importing.read_file(pdf, "two.pdf", limit=100_000)

    assert extracted.text == "First page ends here.\nSecond page."


def test_an_image_only_pdf_is_refused_as_having_no_text_layer(editor_api):
    response = editor_api.post(
        f"{API}/articles/",
        {"title": "Scan", "file": upload("scan.pdf", make_image_pdf())},
        format="multipart",
    )

    assert response.status_code == 400
    assert response.json() == {
        "file": [
            "This PDF has no text layer (it is scanned images); OCR is not supported."
        ],
        "code": "no_text",
    }
    assert_nothing_stored()


def test_a_pdf_decompression_bomb_is_refused(editor_client, settings):
    settings.IMPORT_MAX_BYTES = 100_000
    bomb = make_pdf_bomb(unpacked=5 * 1024 * 1024)
    assert len(bomb) < settings.IMPORT_MAX_BYTES

    response = import_page(editor_client, "bomb.pdf", bomb, title="Bomb")

    assert "unpack to more than the accepted size" in response.content.decode()
    assert_nothing_stored()


def test_a_broken_pdf_is_refused(editor_client):
    response = import_page(editor_client, "broken.pdf", b"%PDF-1.7\n1 0 obj <<")

    assert "This PDF cannot be read" in response.content.decode()
    assert_nothing_stored()


def test_pdf_paragraphs_join_chinese_lines_without_spaces():
    assert importing.pdf_paragraphs(
        "神舟7号的三名宇航员今天凌晨在抵达距离地球343公里\n的最终轨道后开始执行任务。"
    ) == ["神舟7号的三名宇航员今天凌晨在抵达距离地球343公里的最终轨道后开始执行任务。"]


def test_pdf_paragraphs_undo_hyphenation_and_end_at_short_lines():
    page = (
        "A long line of text that wraps onto the next line with a hyphen-\n"
        "ated word and goes on to the end of a full line of this text.\n"
        "Short line.\n"
        "Next paragraph."
    )

    assert importing.pdf_paragraphs(page) == [
        "A long line of text that wraps onto the next line with a hyphenated "
        "word and goes on to the end of a full line of this text. Short line.",
        "Next paragraph.",
    ]


# The command


def test_import_command_reads_docx_and_pdf(tmp_path, editor):
    word = tmp_path / "report.docx"
    word.write_bytes(make_docx(REPORT))
    pdf = tmp_path / "sail.pdf"
    pdf.write_bytes(make_pdf([SAIL_PAGE]))
    out = io.StringIO()

    call_command("import_article", str(word), "--user", editor.username, stdout=out)
    call_command("import_article", str(pdf), "--user", editor.username, stdout=out)

    assert list(Article.objects.order_by("pk").values_list("title", flat=True)) == [
        "Solar sail lost after launch",
        "sail",
    ]


def test_import_command_refuses_an_image_only_pdf(tmp_path):
    path = tmp_path / "scan.pdf"
    path.write_bytes(make_image_pdf())

    with pytest.raises(CommandError, match="no text layer"):
        call_command("import_article", str(path))
    assert_nothing_stored()
