import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from annotations.models import Article, Claim, Kind

from .conftest import FIXTURES

pytestmark = pytest.mark.django_db

ZH = (
    "\u516c\u53f8\u521a\u6210\u7acb\u5c31\u62ff\u5230\u4e861060\u4e07\u7f8e\u5143"
    "\u878d\u8d44\uff01\u8fd9\u662f\u7b2c\u4e8c\u53e5\u3002"
)  # 公司刚成立就拿到了1060万美元融资！这是第二句。


def run_import(path, *args: str) -> str:
    from io import StringIO

    out = StringIO()
    call_command("import_article", str(path), *args, stdout=out)
    return out.getvalue()


def test_import_command_imports_the_seed_article():
    output = run_import(
        FIXTURES / "article.txt",
        "--title",
        "Seed",
        "--url",
        "https://example.org/seed",
        "--publisher",
        "Example",
        "--published",
        "2025-06-30",
    )
    article = Article.objects.get()
    assert "55 units" in output
    assert article.published_on.isoformat() == "2025-06-30"
    assert article.claims.count() == 55


def test_import_command_decodes_gbk(tmp_path):
    path = tmp_path / "gbk.txt"
    path.write_bytes(ZH.encode("gbk"))
    run_import(path, "--title", "GBK")
    assert [c.text for c in Claim.objects.all()] == [
        "\u516c\u53f8\u521a\u6210\u7acb\u5c31\u62ff\u5230\u4e861060\u4e07\u7f8e\u5143"
        "\u878d\u8d44\uff01",
        "\u8fd9\u662f\u7b2c\u4e8c\u53e5\u3002",
    ]


def test_import_command_reads_html_visible_text_and_title(tmp_path):
    path = tmp_path / "story.html"
    path.write_text(
        "<html><head><title>Page title</title><script>var x = 1;</script></head>"
        "<body><nav>Home | About</nav><article><h2>Section one</h2>"
        "<p>The <b>first</b> sentence. The second one!</p></article>"
        "<footer>Copyright</footer></body></html>",
        encoding="utf-8",
    )
    run_import(path)
    article = Article.objects.get()
    assert article.title == "Page title"
    assert article.text == "Section one\nThe first sentence. The second one!"
    kinds = list(article.claims.values_list("kind", "text"))
    assert kinds[0] == (Kind.HEADING, "Section one")
    assert [text for _, text in kinds[1:]] == ["The first sentence.", "The second one!"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", b"", "empty"),
        ("blank.txt", b"  \n\n ", "empty"),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        ("nul.txt", b"abc\x00def" * 10, "binary"),
        (
            "latin1.txt",
            "caf\u00e9 na\u00efve r\u00e9sum\u00e9".encode("latin-1"),
            "decoded",
        ),
        ("report.pdf", b"%PDF-1.7", "This PDF cannot be read"),
        ("report.doc", b"\xd0\xcf\x11\xe0\xa1\xb1", "not supported"),
    ],
)
def test_import_command_refuses_bad_files_and_stores_nothing(
    tmp_path, name, content, message
):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        run_import(path, "--title", "Bad")
    assert not Article.objects.exists()


def test_import_command_refuses_files_over_the_limit(tmp_path, import_limit):
    path = tmp_path / "big.txt"
    path.write_bytes(b"A sentence. " * 200)
    with pytest.raises(CommandError, match="largest accepted is 1000 bytes"):
        run_import(path, "--title", "Big")
    assert not Article.objects.exists()


def test_import_command_refuses_a_duplicate_naming_the_first(tmp_path):
    run_import(FIXTURES / "article.txt", "--title", "Original")
    copy = tmp_path / "copy.txt"
    copy.write_bytes(b"\xef\xbb\xbf" + (FIXTURES / "article.txt").read_bytes())
    with pytest.raises(
        CommandError, match=r'already imported as article \d+ \("Original"\)'
    ):
        run_import(copy, "--title", "Copy")
    assert Article.objects.count() == 1


def test_import_command_explains_bad_arguments(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        run_import(tmp_path / "missing.txt", "--title", "x")
    path = tmp_path / "ok.txt"
    path.write_text("One sentence.", encoding="utf-8")
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        run_import(path, "--title", "x", "--published", "30/06/2025")
    with pytest.raises(CommandError, match="No user named"):
        run_import(path, "--title", "x", "--user", "nobody")
    with pytest.raises(CommandError, match="http"):
        run_import(path, "--title", "x", "--url", "javascript:alert(1)")
    assert not Article.objects.exists()


def test_analyse_articles_command_fills_hints_of_older_imports(seed_text):
    from io import StringIO

    from annotations import services

    article = services.import_article(text=seed_text, title="Seed", analyse=False)
    assert not any(c.hints for c in article.claims.all())
    out = StringIO()
    call_command("analyse_articles", str(article.pk), stdout=out)
    assert "Analysed 1 article" in out.getvalue()
    flagged = [c.position for c in article.claims.all() if c.hints]
    assert 5 in flagged
    with pytest.raises(CommandError, match="No such article"):
        call_command("analyse_articles", "999")
