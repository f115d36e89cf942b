"""The editor's pages and htmx endpoints, and the public report, as users see them."""

import html
import json
import re
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from annotations import importing, queries, services
from annotations.models import Article, Claim, Kind, Source, Verdict
from annotations.services import reviewing

from .factories import (
    ArticleFactory,
    UserFactory,
    add_source,
    approve,
    claim_of,
    fresh,
    judge,
    publish,
    sentences,
)
from .helpers import body_of, queries_for, stored

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
# Two units on the first line (so they can be merged), one on the second.
ON_A_LINE = "First sentence here. Second sentence there.\nThird line."
LD_JSON_RE = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


@pytest.fixture
def editor():
    return UserFactory(username="editor")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def unit_html(body: str, position: int) -> str:
    """The link for the unit at ``position`` (of the article on the page), its
    verdict icon included. Units are named by their public ids."""
    at_position = Claim.objects.filter(position=position)
    for public_id in at_position.values_list("public_id", flat=True):
        found = re.search(rf'<a [^>]*\bid="claim-{public_id}"[^>]*>.*?</a>', body, re.S)
        if found:
            return found.group(0)
    raise AssertionError(f"unit {position} is not on the page")


def unit_classes(body: str, position: int) -> set[str]:
    tag = unit_html(body, position).split(">", 1)[0]
    return set(re.search(r' class="([^"]*)"', tag).group(1).split())


def field_error(body: str, field: str) -> str:
    """The error shown next to a field of the import form, unescaped."""
    match = re.search(
        rf'<span class="error" id="id_{field}_error" role="alert">(.*?)</span>',
        body,
        re.S,
    )
    return html.unescape(match.group(1)) if match else ""


def offsets_are_exact(article: Article) -> None:
    claims = list(Claim.objects.filter(article=article).order_by("position"))
    assert [c.position for c in claims] == list(range(1, len(claims) + 1))
    for claim in claims:
        assert article.text[claim.start : claim.end] == claim.text


def workspace_url(claim: Claim) -> str:
    url = reverse("desk:workspace", args=[claim.article_id])
    return f"{url}?claim={claim.public_id}#claim-{claim.public_id}"


def reviewer_user():
    return UserFactory(username="reviewer", role="reviewer")


def ld_json_blocks(body: str) -> list[dict]:
    blocks = LD_JSON_RE.findall(body)
    for block in blocks:
        # Nothing inside the block can close it or open markup early.
        assert "<" not in block
    return [json.loads(block) for block in blocks]


# Permissions


@pytest.fixture
def world(editor):
    """An article whose first claim has a source, and a POST for every endpoint
    that the endpoint would accept from an editor."""
    article = ArticleFactory(title="Protected", text=ON_A_LINE, imported_by=editor)
    first = claim_of(article, 1)
    source = add_source(first)
    payload = {
        "title": "Hijacked",
        "text": "Brand new text. Nobody should store it.",
        "import": "1",
        "verdict": Verdict.MISSTATED,
        "rationale": "Written by nobody.",
        "kind": Kind.CLAIM,
        "version": fresh(first).version,
        "next_version": claim_of(article, 2).version,
        "url": "https://elsewhere.example.org/",
        "publisher": "Elsewhere",
        "quote": "Quoted by nobody.",
        "stance": "refutes",
        "at": "5",
    }
    return {"article": article, "claim": first, "source": source, "data": payload}


EDITOR_GETS = [
    ("dashboard", None),
    ("article_new", None),
    ("workspace", "article"),
    ("claim_panel", "claim"),
]
EDITOR_POSTS = [
    ("article_new", None),
    ("claim_save", "claim"),
    ("source_add", "claim"),
    ("source_edit", "source"),
    ("source_delete", "source"),
    ("claim_split", "claim"),
    ("claim_merge", "claim"),
]


def url_in(world: dict, name: str, target: str | None) -> str:
    return reverse(f"desk:{name}", args=[world[target].pk] if target else [])


@pytest.mark.parametrize(("name", "target"), EDITOR_GETS)
def test_editor_pages_send_anonymous_users_to_the_login_page(
    client, world, name, target
):
    url = url_in(world, name, target)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={quote(url)}"


@pytest.mark.parametrize(("name", "target"), EDITOR_POSTS)
def test_editor_posts_from_anonymous_users_change_nothing(client, world, name, target):
    url = url_in(world, name, target)
    before = stored()
    for headers in ({}, HTMX):
        response = client.post(url, world["data"], **headers)
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('login')}?next={quote(url)}"
    assert stored() == before


@pytest.mark.parametrize(("name", "target"), EDITOR_POSTS)
def test_the_same_posts_do_change_data_for_a_signed_in_editor(
    editor_client, world, name, target
):
    # Proves the anonymous test above sends requests that would have worked.
    before = stored()
    response = editor_client.post(url_in(world, name, target), world["data"])
    assert response.status_code == 302
    assert stored() != before


def test_the_public_report_needs_no_login(client):
    article = ArticleFactory(title="Open to all")
    add_source(claim_of(article))
    judge(claim_of(article), Verdict.VERIFIED, "Matches the filing.")
    publish(claim_of(article))
    response = client.get(reverse("desk:report", args=[article.pk]))
    assert response.status_code == 200
    assert "Matches the filing." in body_of(response)


def test_post_only_endpoints_refuse_get(editor_client, world):
    for name, target in EDITOR_POSTS[1:]:
        assert editor_client.get(url_in(world, name, target)).status_code == 405


def test_unknown_objects_are_not_found(editor_client, client):
    assert (
        editor_client.get(reverse("desk:workspace", args=[999999])).status_code == 404
    )
    assert (
        editor_client.get(reverse("desk:claim_panel", args=[999999])).status_code == 404
    )
    post = editor_client.post(reverse("desk:claim_save", args=[999999]), {"version": 1})
    assert post.status_code == 404
    assert client.get(reverse("desk:report", args=[999999])).status_code == 404


# Query counts


def make_articles(count: int, editor) -> None:
    for _ in range(count):
        article = ArticleFactory(imported_by=editor)
        judge(claim_of(article), Verdict.DISPUTED, editor=editor)


def test_dashboard_queries_do_not_grow_with_articles(editor_client, editor):
    url = reverse("desk:dashboard")
    make_articles(3, editor)
    few = queries_for(editor_client, url)
    make_articles(37, editor)
    many = queries_for(editor_client, url)
    assert many == few
    # Session, user, the user's permissions (two), their queue count, then
    # the page's count and rows.
    assert many <= 7
    assert queries_for(editor_client, f"{url}?page=2") == few


def article_with_claims(count: int, start: int, editor) -> Article:
    article = ArticleFactory(text=sentences(count, start=start), imported_by=editor)
    for claim in article.claims.order_by("position")[:20:3]:
        judge(claim, Verdict.MISSTATED, editor=editor)
        add_source(claim, added_by=editor)
    return article


def test_workspace_queries_do_not_grow_with_claims(editor_client, editor):
    few = article_with_claims(30, 0, editor)
    many = article_with_claims(3000, 100_000, editor)
    assert many.claims.count() == 3000
    few_queries = queries_for(editor_client, reverse("desk:workspace", args=[few.pk]))
    many_queries = queries_for(editor_client, reverse("desk:workspace", args=[many.pk]))
    assert many_queries == few_queries
    # Session, user, permissions (two), queue count, article, units, progress,
    # the latest analysis job and the editors the article can be assigned to.
    assert many_queries <= 10


def test_workspace_with_an_open_claim_uses_constant_queries(editor_client, editor):
    few = article_with_claims(30, 0, editor)
    many = article_with_claims(3000, 100_000, editor)
    for _ in range(5):
        add_source(claim_of(many), added_by=editor)
    counts = [
        queries_for(editor_client, workspace_url(claim_of(article)))
        for article in (few, many)
    ]
    assert counts[0] == counts[1]
    # The panel's reads (claim, sources, comments, corrections, the next unit,
    # the text between them), the user's role, their queue count and the
    # editors they can assign to, the latest analysis job, and the claimants
    # the claimant field completes.
    assert counts[1] <= 17


def article_with_reviews(count: int, start: int) -> Article:
    article = ArticleFactory(text=sentences(count + 2, start=start))
    reviewer = reviewer_user()
    for claim in article.claims.order_by("position")[:count]:
        judge(claim, Verdict.VERIFIED, editor=UserFactory())
        add_source(claim, url=f"https://example.org/a/{claim.pk}")
        add_source(claim, url=f"https://example.org/b/{claim.pk}", title="Other")
        approve(claim, reviewer)
    reviewing.publish_article(article=article, reviewer=reviewer)
    return article


def test_report_queries_do_not_grow_with_reviewed_claims(client):
    few = article_with_reviews(2, 0)
    many = article_with_reviews(40, 10_000)
    few_queries = queries_for(client, reverse("desk:report", args=[few.pk]))
    many_queries = queries_for(client, reverse("desk:report", args=[many.pk]))
    assert many_queries == few_queries
    assert many_queries <= 5


# Dashboard


def test_dashboard_lists_articles_with_their_progress(editor_client):
    article = ArticleFactory(title="Budget speech", text=sentences(3))
    judge(claim_of(article, 2), Verdict.VERIFIED)
    body = body_of(editor_client.get(reverse("desk:dashboard")))
    assert "Budget speech" in body
    assert "1 of 3 claims checked" in body
    assert f'href="{reverse("desk:workspace", args=[article.pk])}"' in body
    assert f'href="{reverse("desk:report", args=[article.pk])}"' in body


def test_dashboard_search_filters_by_title(editor_client):
    ArticleFactory(title="Budget speech")
    ArticleFactory(title="Flood report")
    body = body_of(editor_client.get(reverse("desk:dashboard"), {"q": "budget"}))
    assert "Budget speech" in body
    assert "Flood report" not in body
    none = body_of(editor_client.get(reverse("desk:dashboard"), {"q": "election"}))
    assert "No article title matches your search." in none
    hostile = body_of(editor_client.get(reverse("desk:dashboard"), {"q": '"><b>q'}))
    assert 'value="&quot;&gt;&lt;b&gt;q"' in hostile


def test_dashboard_pages_after_twenty_articles(editor_client):
    for n in range(21):
        ArticleFactory(title=f"Numbered story {n:02}")
    first = body_of(editor_client.get(reverse("desk:dashboard")))
    assert first.count('class="article-title"') == 20
    assert "Page 1 of 2" in first
    assert 'href="?page=2"' in first
    second = body_of(editor_client.get(reverse("desk:dashboard"), {"page": "2"}))
    assert second.count('class="article-title"') == 1
    assert "Numbered story 00" in second  # the oldest
    searched = body_of(editor_client.get(reverse("desk:dashboard"), {"q": "story"}))
    assert 'href="?q=story&amp;page=2"' in searched


def test_dashboard_puts_the_most_recently_edited_article_first(editor_client):
    alpha = ArticleFactory(title="Alpha story")
    ArticleFactory(title="Bravo story")
    before = body_of(editor_client.get(reverse("desk:dashboard")))
    assert before.index("Bravo story") < before.index("Alpha story")
    judge(claim_of(alpha), Verdict.DISPUTED)
    after = body_of(editor_client.get(reverse("desk:dashboard")))
    assert after.index("Alpha story") < after.index("Bravo story")


# Import


def test_import_by_paste_creates_the_article_and_opens_its_workspace(editor_client):
    response = editor_client.post(
        reverse("desk:article_new"),
        {"title": "Pasted", "text": "One. Two. Three.", "import": "1"},
    )
    article = Article.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("desk:workspace", args=[article.pk])
    assert article.title == "Pasted"
    assert list(article.claims.values_list("text", flat=True)) == [
        "One.",
        "Two.",
        "Three.",
    ]
    following = editor_client.get(response["Location"])
    assert "Imported “Pasted”." in body_of(following)


def test_import_preview_shows_the_units_and_stores_nothing(editor_client):
    response = editor_client.post(
        reverse("desk:article_new"),
        {"title": "Pasted", "text": "One. Two. Three.", "preview": "1"},
    )
    body = body_of(response)
    assert response.status_code == 200
    assert "Preview: 3 units" in body
    assert "Nothing is stored yet." in body
    assert "One. Two. Three.</textarea>" in body  # kept for the import
    assert not Article.objects.exists()
    assert not Claim.objects.exists()


def test_import_of_an_uploaded_text_file(editor_client):
    upload = SimpleUploadedFile("story.txt", "第一句话。Second sentence here.".encode())
    response = editor_client.post(
        reverse("desk:article_new"),
        {"title": "From a file", "file": upload, "import": "1"},
    )
    article = Article.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("desk:workspace", args=[article.pk])
    assert article.text == "第一句话。Second sentence here."
    assert article.claims.count() == 2


def test_import_of_an_uploaded_html_file_takes_its_title(editor_client):
    page = (
        b"<html><head><title>Page title</title><script>var x;</script></head>"
        b"<body><article><h1>Heading</h1><p>The first paragraph.</p>"
        b"<p>The second one.</p></article></body></html>"
    )
    upload = SimpleUploadedFile("page.html", page, content_type="text/html")
    response = editor_client.post(
        reverse("desk:article_new"), {"file": upload, "import": "1"}
    )
    article = Article.objects.get()
    assert response.status_code == 302
    assert article.title == "Page title"
    assert article.text == "Heading\nThe first paragraph.\nThe second one."
    assert claim_of(article, 1).kind == Kind.HEADING


def import_refused(client, data: dict, **headers) -> str:
    response = client.post(
        reverse("desk:article_new"), {**data, "import": "1"}, **headers
    )
    assert response.status_code == 200
    assert not Article.objects.exists()
    assert not Claim.objects.exists()
    return body_of(response)


def test_import_refuses_empty_text(editor_client):
    body = import_refused(editor_client, {"title": "Nothing", "text": "  \n "})
    assert (
        'class="error" role="alert">Paste the article text, choose a file, or give '
        "the article&#x27;s link (Source URL)."
    ) in body


def test_import_refuses_a_binary_file(editor_client):
    png = SimpleUploadedFile("photo.txt", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    body = import_refused(editor_client, {"title": "Image", "file": png})
    assert "This is a binary file (PNG image)" in field_error(body, "file")


def test_import_refuses_undecodable_bytes(editor_client):
    soup = SimpleUploadedFile("soup.txt", b"Hello \x80\x81\x82 world. " * 10)
    body = import_refused(editor_client, {"title": "Soup", "file": soup})
    assert field_error(body, "file") == importing.UNDECODABLE


def test_import_refuses_text_already_imported(editor_client):
    existing = ArticleFactory(title="Existing", text="Already here. Twice.")
    response = editor_client.post(
        reverse("desk:article_new"),
        {"title": "Again", "text": "Already here. Twice.", "import": "1"},
    )
    assert response.status_code == 200
    assert "already imported" in field_error(body_of(response), "text")
    assert list(Article.objects.values_list("pk", flat=True)) == [existing.pk]


def test_import_refuses_pasted_text_over_the_limit(editor_client, import_limit):
    text = sentences(40)
    assert len(text.encode()) > import_limit
    body = import_refused(editor_client, {"title": "Long", "text": text})
    assert f"the largest accepted is {import_limit} bytes" in field_error(body, "text")


def test_import_refuses_a_file_over_the_limit(editor_client, import_limit):
    upload = SimpleUploadedFile("long.txt", sentences(40).encode())
    body = import_refused(editor_client, {"title": "Long", "file": upload})
    assert f"the largest accepted is {import_limit} bytes" in field_error(body, "file")


def test_import_refuses_a_javascript_url(editor_client):
    body = import_refused(
        editor_client,
        {"title": "Tricky", "text": "One. Two.", "url": "javascript:alert(1)"},
    )
    assert "Enter a full http:// or https:// address" in field_error(body, "url")


def test_import_refuses_an_address_with_credentials(editor_client):
    body = import_refused(
        editor_client,
        {"title": "Tricky", "text": "One. Two.", "url": "https://a:b@example.org/"},
    )
    assert field_error(body, "url") == services.URL_CREDENTIALS


def test_import_without_a_title_takes_the_first_line(editor_client):
    response = editor_client.post(
        reverse("desk:article_new"), {"title": "", "text": "One. Two.", "import": "1"}
    )
    assert response.status_code == 302
    assert Article.objects.get().title == "One. Two."


def test_import_with_htmx_redirects_the_browser_to_the_workspace(editor_client):
    response = editor_client.post(
        reverse("desk:article_new"),
        {"title": "Pasted", "text": "One. Two.", "import": "1"},
        **HTMX,
    )
    article = Article.objects.get()
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("desk:workspace", args=[article.pk])


def test_import_errors_with_htmx_stay_on_the_form(editor_client):
    body = import_refused(
        editor_client, {"title": "Tricky", "text": "", "url": ""}, **HTMX
    )
    assert 'id="import-area"' in body
    assert "Paste the article text, choose a file, or give" in body


# Workspace


def test_workspace_shows_every_unit(editor_client):
    article = ArticleFactory(title="Five", text=sentences(5))
    body = body_of(editor_client.get(reverse("desk:workspace", args=[article.pk])))
    for claim in article.claims.all():
        assert f">{claim.text}" in unit_html(body, claim.position)
    assert "0 of 5 claims checked" in body
    assert "Select a claim" in body


def test_verdicts_are_shown_by_class_and_by_text(editor_client):
    article = ArticleFactory(text=sentences(4))
    judge(claim_of(article, 1), Verdict.MISSTATED)
    judge(claim_of(article, 2), Verdict.VERIFIED)
    judge(claim_of(article, 3), Verdict.DISPUTED)
    body = body_of(editor_client.get(reverse("desk:workspace", args=[article.pk])))
    for position, label in ((1, "Misstated"), (2, "Verified"), (3, "Disputed")):
        span = unit_html(body, position)
        assert f"v-{label.lower()}" in unit_classes(body, position)
        # Colour is not the only signal: a screen reader hears the verdict.
        assert f'<span class="visually-hidden"> ({label})</span>' in span
    assert "v-unreviewed" in unit_classes(body, 4)
    assert "visually-hidden" not in unit_html(body, 4)
    assert "3 of 4 claims checked" in body


def test_show_filter_dims_the_other_units(editor_client):
    article = ArticleFactory(text=sentences(3))
    judge(claim_of(article, 1), Verdict.VERIFIED)
    judge(claim_of(article, 2), Verdict.MISSTATED)
    url = reverse("desk:workspace", args=[article.pk])
    unreviewed = body_of(editor_client.get(url, {"show": "unreviewed"}))
    assert [("dim" in unit_classes(unreviewed, n)) for n in (1, 2, 3)] == [
        True,
        True,
        False,
    ]
    misstated = body_of(editor_client.get(url, {"show": "misstated"}))
    assert [("dim" in unit_classes(misstated, n)) for n in (1, 2, 3)] == [
        True,
        False,
        True,
    ]
    assert 'class="filter filter-misstated" aria-current="true"' in misstated


def test_show_filter_dims_units_that_are_not_claims(editor_client):
    article = ArticleFactory(text=sentences(2))
    claim = claim_of(article, 1)
    services.set_kind(
        claim=claim, kind=Kind.OPINION, editor=None, expected_version=claim.version
    )
    url = reverse("desk:workspace", args=[article.pk])
    body = body_of(editor_client.get(url, {"show": "unreviewed"}))
    assert "dim" in unit_classes(body, 1)
    assert "dim" not in unit_classes(body, 2)


def test_unknown_show_value_shows_everything(editor_client):
    article = ArticleFactory(text=sentences(2))
    judge(claim_of(article, 1), Verdict.VERIFIED)
    url = reverse("desk:workspace", args=[article.pk])
    response = editor_client.get(url, {"show": "<script>bogus"})
    body = body_of(response)
    assert response.status_code == 200
    assert "dim" not in unit_classes(body, 1) | unit_classes(body, 2)
    assert 'class="filter filter-all" aria-current="true"' in body
    assert "<script>bogus" not in body


def test_claim_parameter_opens_the_side_panel(editor_client, editor):
    article = ArticleFactory(text=sentences(3))
    claim = claim_of(article, 2)
    judge(claim, Verdict.DISPUTED, "The amount was $3 million.", editor=editor)
    response = editor_client.get(workspace_url(claim))
    body = body_of(response)
    assert f'data-claim-pk="{claim.pk}"' in body
    assert "Claim 2" in body
    assert "The amount was $3 million.</textarea>" in body
    assert "Verdict by editor" in body
    assert "selected" in unit_classes(body, 2)
    assert "selected" not in unit_classes(body, 1)


def test_claim_parameter_names_the_claim_by_public_id_or_by_database_id(
    editor_client,
):
    article = ArticleFactory(text=sentences(3))
    claim = claim_of(article, 2)
    url = reverse("desk:workspace", args=[article.pk])
    for value in (claim.public_id, str(claim.pk)):
        body = body_of(editor_client.get(url, {"claim": value}))
        assert f'data-claim-pk="{claim.pk}"' in body
        assert "selected" in unit_classes(body, 2)
    other = claim_of(ArticleFactory(text=sentences(2, start=50)), 1)
    body = body_of(editor_client.get(url, {"claim": other.public_id}))
    assert "Select a claim" in body


def test_claim_parameter_that_names_no_claim_is_ignored(editor_client):
    article = ArticleFactory(text=sentences(2))
    url = reverse("desk:workspace", args=[article.pk])
    for value in ("abc", "-1", "1.5", "", "a\x00b", "9" * 40, "z" * 13):
        response = editor_client.get(url, {"claim": value})
        assert response.status_code == 200
        assert "Select a claim" in body_of(response)
        assert "data-claim-pk" not in body_of(response)


def test_claim_parameter_with_a_superscript_digit_is_ignored(editor_client):
    article = ArticleFactory(text=sentences(2))
    # "²" is a digit to str.isdigit(), but int() cannot read it.
    response = editor_client.get(
        reverse("desk:workspace", args=[article.pk]), {"claim": "²"}
    )
    assert response.status_code == 200
    assert "Select a claim" in body_of(response)


def test_claim_parameter_of_another_article_is_ignored(editor_client):
    article = ArticleFactory(text=sentences(2))
    other = claim_of(ArticleFactory(text=sentences(2, start=50)))
    url = reverse("desk:workspace", args=[article.pk])
    body = body_of(editor_client.get(url, {"claim": other.pk}))
    assert "Select a claim" in body
    assert f'data-claim-pk="{other.pk}"' not in body


def test_panel_is_served_to_htmx_and_redirects_otherwise(editor_client):
    claim = claim_of(ArticleFactory(text=sentences(2)), 2)
    url = reverse("desk:claim_panel", args=[claim.pk])
    response = editor_client.get(url, **HTMX)
    body = body_of(response)
    assert response.status_code == 200
    assert body.lstrip().startswith('<aside id="panel"')
    assert claim.text in body
    assert "<html" not in body
    plain = editor_client.get(url)
    assert plain.status_code == 302
    assert plain["Location"] == workspace_url(claim)


# Saving a claim


def save(client, claim: Claim, headers=None, **fields):
    data = {
        "verdict": Verdict.MISSTATED,
        "rationale": "The year was 2022.",
        "kind": Kind.CLAIM,
        "version": fresh(claim).version,
        **fields,
    }
    return client.post(
        reverse("desk:claim_save", args=[claim.pk]), data, **(headers or {})
    )


def test_saving_without_htmx_stores_and_returns_to_the_workspace(editor_client, editor):
    claim = claim_of(ArticleFactory(text=sentences(3)), 2)
    response = save(editor_client, claim, kind=Kind.OPINION)
    assert response.status_code == 302
    assert response["Location"] == workspace_url(claim)
    stored_claim = fresh(claim)
    assert stored_claim.verdict == Verdict.MISSTATED
    assert stored_claim.rationale == "The year was 2022."
    assert stored_claim.kind == Kind.OPINION
    assert stored_claim.verdict_by == editor
    assert stored_claim.version == claim.version + 1
    body = body_of(editor_client.get(response["Location"]))
    assert "The year was 2022.</textarea>" in body
    assert "v-misstated" in unit_classes(body, 2)


def test_saving_with_htmx_returns_the_panel_the_span_and_the_progress(editor_client):
    article = ArticleFactory(text=sentences(3))
    claim = claim_of(article, 2)
    response = save(editor_client, claim, HTMX, verdict=Verdict.VERIFIED)
    body = body_of(response)
    assert response.status_code == 200
    assert 'id="panel"' in body
    assert 'class="saved" role="status">Saved<' in body
    span = unit_html(body, 2)
    assert 'hx-swap-oob="true"' in span
    assert {"v-verified", "selected"} <= unit_classes(body, 2)
    assert '<span class="visually-hidden"> (Verified)</span>' in span
    assert re.search(r'<div id="progress"[^>]*hx-swap-oob="true"', body)
    assert "1 of 3 claims checked" in body
    assert fresh(claim).version == claim.version + 1
    assert fresh(claim).verdict == Verdict.VERIFIED


def test_saved_span_keeps_the_page_filter(editor_client):
    claim = claim_of(ArticleFactory(text=sentences(3)), 1)
    page = f"http://testserver{reverse('desk:workspace', args=[claim.article_id])}"
    response = save(
        editor_client,
        claim,
        {**HTMX, "HTTP_HX_CURRENT_URL": f"{page}?show=unreviewed"},
        verdict=Verdict.VERIFIED,
    )
    # Checked now, so it no longer matches "unreviewed".
    assert "dim" in unit_classes(body_of(response), 1)


def test_saved_span_ignores_an_unknown_page_filter(editor_client):
    claim = claim_of(ArticleFactory(text=sentences(3)), 1)
    page = f"http://testserver{reverse('desk:workspace', args=[claim.article_id])}"
    response = save(
        editor_client,
        claim,
        {**HTMX, "HTTP_HX_CURRENT_URL": f"{page}?show=bogus"},
        verdict=Verdict.VERIFIED,
    )
    # The page itself falls back to "all" for an unknown filter, and dims nothing.
    page_body = body_of(editor_client.get(page, {"show": "bogus"}))
    assert "dim" not in unit_classes(page_body, 1)
    assert "dim" not in unit_classes(body_of(response), 1)


def test_saving_an_unknown_verdict_is_refused(editor_client):
    claim = claim_of(ArticleFactory(text=sentences(2)))
    before = stored()
    response = save(editor_client, claim, verdict="true-ish")
    assert response.status_code == 400
    assert "Select a valid choice." in body_of(response)
    assert f'data-claim-pk="{claim.pk}"' in body_of(response)
    htmx = save(editor_client, claim, HTMX, verdict="true-ish")
    assert htmx.status_code == 200
    assert 'id="panel"' in body_of(htmx)
    assert "Select a valid choice." in body_of(htmx)
    assert "hx-swap-oob" not in body_of(htmx)
    assert stored() == before


def test_saving_over_someone_elses_save_shows_both_and_overwrites_nothing(
    editor_client, editor
):
    claim = claim_of(ArticleFactory(text=sentences(2)))
    started_from = claim.version
    colleague = UserFactory(username="colleague")
    judge(claim, Verdict.VERIFIED, "Their reading of the filing.", editor=colleague)
    response = save(
        editor_client,
        claim,
        HTMX,
        version=started_from,
        rationale="My reading of the filing.",
    )
    body = body_of(response)
    assert response.status_code == 200
    assert "Someone else saved this claim" in body
    assert "Their reading of the filing." in body
    assert "My reading of the filing." in body
    assert fresh(claim).rationale == "Their reading of the filing."
    assert fresh(claim).verdict_by == colleague

    mine = re.search(
        r'<section class="conflict".*?name="version" value="(\d+)".*?'
        r"Save mine over theirs",
        body,
        re.S,
    )
    assert mine
    again = save(
        editor_client,
        claim,
        HTMX,
        version=mine.group(1),
        rationale="My reading of the filing.",
    )
    assert "Someone else saved this claim" not in body_of(again)
    stored_claim = fresh(claim)
    assert stored_claim.rationale == "My reading of the filing."
    assert stored_claim.verdict == Verdict.MISSTATED
    assert stored_claim.verdict_by == editor
    assert stored_claim.version == started_from + 2


def test_stale_save_without_htmx_shows_the_conflict_in_the_workspace(editor_client):
    claim = claim_of(ArticleFactory(text=sentences(2)))
    started_from = claim.version
    judge(claim, Verdict.VERIFIED, "Theirs.")
    response = save(editor_client, claim, version=started_from, rationale="Mine.")
    body = body_of(response)
    assert response.status_code == 409
    assert "Someone else saved this claim" in body
    assert "Theirs." in body
    assert "Mine." in body
    assert fresh(claim).rationale == "Theirs."


# Sources


def source_data(claim: Claim, **fields) -> dict:
    return {
        "url": "https://stats.example.org/report",
        "title": "Annual report",
        "publisher": "Statistics Office",
        "quote": "Revenue was $1.2 million.",
        "stance": "refutes",
        "accessed_on": "2024-03-01",
        "version": fresh(claim).version,
        **fields,
    }


def test_adding_a_source_with_htmx_shows_it_in_the_panel(editor_client, editor):
    claim = claim_of(ArticleFactory(text=sentences(2)))
    response = editor_client.post(
        reverse("desk:source_add", args=[claim.pk]), source_data(claim), **HTMX
    )
    body = body_of(response)
    assert response.status_code == 200
    assert 'id="panel"' in body
    assert ">Annual report</a>" in body
    assert "accessed 2024-03-01" in body
    source = Source.objects.get()
    assert (source.claim_id, source.url, source.stance, source.added_by) == (
        claim.pk,
        "https://stats.example.org/report",
        "refutes",
        editor,
    )
    assert fresh(claim).version == claim.version + 1


def test_adding_a_source_without_htmx_returns_to_the_workspace(editor_client):
    claim = claim_of(ArticleFactory(text=sentences(2)))
    response = editor_client.post(
        reverse("desk:source_add", args=[claim.pk]), source_data(claim)
    )
    assert response.status_code == 302
    assert response["Location"] == workspace_url(claim)
    assert ">Annual report</a>" in body_of(editor_client.get(response["Location"]))


def test_a_javascript_source_url_is_refused(editor_client):
    claim = claim_of(ArticleFactory(text=sentences(2)))
    before = stored()
    data = source_data(claim, url="javascript:alert(1)")
    url = reverse("desk:source_add", args=[claim.pk])
    response = editor_client.post(url, data, **HTMX)
    body = html.unescape(body_of(response))
    assert response.status_code == 200
    assert "Enter a full http:// or https:// address" in body
    assert 'href="javascript:' not in body
    plain = editor_client.post(url, data)
    assert plain.status_code == 400
    assert "Enter a full http:// or https:// address" in body_of(plain)
    assert stored() == before


def test_a_source_without_a_title_is_refused(editor_client):
    claim = claim_of(ArticleFactory(text=sentences(2)))
    before = stored()
    for title in ("", "   "):
        response = editor_client.post(
            reverse("desk:source_add", args=[claim.pk]),
            source_data(claim, title=title),
            **HTMX,
        )
        assert response.status_code == 200
        assert "This field is required." in body_of(response)
    assert stored() == before


def test_editing_a_source_changes_its_fields(editor_client):
    claim = claim_of(ArticleFactory(text=sentences(2)))
    source = add_source(claim)
    response = editor_client.post(
        reverse("desk:source_edit", args=[source.pk]),
        source_data(claim, title="Corrected title", stance="context", quote=""),
        **HTMX,
    )
    assert response.status_code == 200
    assert ">Corrected title</a>" in body_of(response)
    source.refresh_from_db()
    assert (source.title, source.stance, source.quote) == (
        "Corrected title",
        "context",
        "",
    )
    assert str(source.accessed_on) == "2024-03-01"
    assert fresh(claim).version == claim.version + 2  # added, then edited


def test_an_invalid_source_edit_keeps_the_edit_form_open(editor_client):
    claim = claim_of(ArticleFactory(text=sentences(2)))
    source = add_source(claim, title="Kept")
    before = stored()
    response = editor_client.post(
        reverse("desk:source_edit", args=[source.pk]),
        source_data(claim, url="javascript:alert(1)"),
        **HTMX,
    )
    body = body_of(response)
    assert "Enter a full http:// or https:// address" in html.unescape(body)
    assert re.search(r"<details open>\s*<summary>Edit</summary>", body)
    assert stored() == before


def test_removing_a_source(editor_client):
    claim = claim_of(ArticleFactory(text=sentences(2)))
    source = add_source(claim, title="To be removed")
    response = editor_client.post(
        reverse("desk:source_delete", args=[source.pk]),
        {"version": fresh(claim).version},
        **HTMX,
    )
    assert response.status_code == 200
    assert "To be removed" not in body_of(response)
    assert "No sources yet." in body_of(response)
    assert not Source.objects.exists()
    assert fresh(claim).version == claim.version + 2


def stale_source_change(client, name: str, headers: dict):
    """POST a source change that starts from the claim's version before someone
    else's save; return the response and whether the stored rows changed."""
    claim = claim_of(ArticleFactory(text=sentences(2)))
    source = add_source(claim, title="Existing source")
    stale = fresh(claim).version
    judge(claim, Verdict.VERIFIED, "Someone else's check.")
    before = stored()
    pk, data = {
        "source_add": (claim.pk, source_data(claim, version=stale, title="New")),
        "source_edit": (source.pk, source_data(claim, version=stale, title="Edit")),
        "source_delete": (source.pk, {"version": stale}),
    }[name]
    response = client.post(reverse(f"desk:{name}", args=[pk]), data, **headers)
    return response, stored() != before


STALE_SOURCE_CASES = pytest.mark.parametrize(
    ("name", "headers"),
    [
        (name, headers)
        for name in ("source_add", "source_edit", "source_delete")
        for headers in ({}, HTMX)
    ],
    ids=lambda value: (
        ("htmx" if value else "plain") if isinstance(value, dict) else value
    ),
)


@STALE_SOURCE_CASES
def test_source_changes_from_a_stale_version_change_nothing(
    editor_client, name, headers
):
    response, changed = stale_source_change(editor_client, name, headers)
    assert response.status_code == (200 if headers else 409)
    assert 'id="panel"' in body_of(response)
    assert not changed


@STALE_SOURCE_CASES
def test_source_changes_from_a_stale_version_tell_the_editor_why(
    editor_client, name, headers
):
    response, _ = stale_source_change(editor_client, name, headers)
    assert "was changed by someone else" in body_of(response)


# Split and merge


def test_split_without_htmx_redirects_with_a_message_and_exact_offsets(
    editor_client,
):
    article = ArticleFactory(text=ON_A_LINE)
    first = claim_of(article, 1)
    add_source(first, title="Stays with the first part")
    judge(first, Verdict.MISSTATED)
    response = editor_client.post(
        reverse("desk:claim_split", args=[first.pk]),
        {"at": 5, "version": fresh(first).version},
    )
    assert response.status_code == 302
    assert response["Location"] == workspace_url(first)
    texts = list(article.claims.order_by("position").values_list("text", flat=True))
    assert texts == ["First", "sentence here.", "Second sentence there.", "Third line."]
    offsets_are_exact(article)
    assert fresh(first).verdict == Verdict.UNREVIEWED
    assert Source.objects.get().claim_id == first.pk

    body = body_of(editor_client.get(response["Location"]))
    assert "Split claim 1 into 1 and 2." in body
    assert "Its verdict (Misstated) was cleared: check both parts again." in body
    assert f'<a id="claim-{claim_of(article, 4).public_id}"' in body


def test_split_with_htmx_reloads_the_whole_page(editor_client):
    # A client redirect to the same URL with another #fragment would only
    # scroll, leaving the old units on screen.
    article = ArticleFactory(text=ON_A_LINE)
    second = claim_of(article, 2)
    response = editor_client.post(
        reverse("desk:claim_split", args=[second.pk]),
        {"at": 6, "version": second.version},
        **HTMX,
    )
    assert response.status_code == 200
    assert response["HX-Refresh"] == "true"
    offsets_are_exact(article)
    body = body_of(editor_client.get(workspace_url(second)))
    assert "Split claim 2 into 2 and 3." in body
    assert "was cleared" not in body  # it had no verdict


@pytest.mark.parametrize(
    ("at", "message"),
    [
        ("0", "Choose where to split the claim."),
        ("", "Choose where to split the claim."),
        ("x", "Choose where to split the claim."),
        ("20", services.SPLIT_OUTSIDE.format(length=20)),
        ("500", services.SPLIT_OUTSIDE.format(length=20)),
    ],
)
def test_split_at_an_invalid_point_changes_nothing(editor_client, at, message):
    article = ArticleFactory(text=ON_A_LINE)
    first = claim_of(article, 1)
    before = stored()
    response = editor_client.post(
        reverse("desk:claim_split", args=[first.pk]),
        {"at": at, "version": first.version},
    )
    assert response.status_code == 302
    assert message in body_of(editor_client.get(response["Location"]))
    assert stored() == before


def test_split_from_a_stale_version_changes_nothing(editor_client):
    article = ArticleFactory(text=ON_A_LINE)
    first = claim_of(article, 1)
    judge(first, Verdict.VERIFIED, "Someone else's check.")
    before = stored()
    response = editor_client.post(
        reverse("desk:claim_split", args=[first.pk]),
        {"at": 5, "version": first.version},
        follow=True,
    )
    assert "was changed by someone else" in body_of(response)
    assert stored() == before


def test_merge_without_htmx_keeps_sources_and_rationales_and_exact_offsets(
    editor_client,
):
    article = ArticleFactory(text=ON_A_LINE)
    first, second = claim_of(article, 1), claim_of(article, 2)
    add_source(first, title="Source of one")
    add_source(second, title="Source of two", url="https://example.org/two")
    judge(first, Verdict.DISPUTED, "Note on one.")
    judge(second, Verdict.VERIFIED, "Note on two.")
    response = editor_client.post(
        reverse("desk:claim_merge", args=[first.pk]),
        {"version": fresh(first).version, "next_version": fresh(second).version},
    )
    assert response.status_code == 302
    assert response["Location"] == workspace_url(first)
    merged = fresh(first)
    assert merged.text == "First sentence here. Second sentence there."
    assert merged.verdict == Verdict.UNREVIEWED
    assert merged.rationale == "Note on one.\n\nNote on two."
    assert set(merged.sources.values_list("title", flat=True)) == {
        "Source of one",
        "Source of two",
    }
    assert not Claim.objects.filter(pk=second.pk).exists()
    assert article.claims.count() == 2
    offsets_are_exact(article)

    body = body_of(editor_client.get(response["Location"]))
    assert "Merged claims 1 and 2." in body
    assert "Its verdict (Disputed) was cleared: check the merged claim again." in body


def test_merge_with_htmx_reloads_the_whole_page(editor_client):
    article = ArticleFactory(text=ON_A_LINE)
    first, second = claim_of(article, 1), claim_of(article, 2)
    response = editor_client.post(
        reverse("desk:claim_merge", args=[first.pk]),
        {"version": first.version, "next_version": second.version},
        **HTMX,
    )
    assert response.status_code == 200
    assert response["HX-Refresh"] == "true"
    offsets_are_exact(article)
    assert "Merged claims 1 and 2." in body_of(editor_client.get(workspace_url(first)))


@pytest.mark.parametrize(
    ("position", "message"),
    [(3, str(services.MERGE_LAST)), (2, str(services.MERGE_ACROSS_LINES))],
    ids=["last-unit", "across-lines"],
)
def test_merge_that_is_not_allowed_changes_nothing(editor_client, position, message):
    article = ArticleFactory(text=ON_A_LINE)
    claim = claim_of(article, position)
    before = stored()
    response = editor_client.post(
        reverse("desk:claim_merge", args=[claim.pk]), {"version": claim.version}
    )
    assert response.status_code == 302
    following = editor_client.get(response["Location"])
    assert message in html.unescape(body_of(following))
    assert stored() == before


def test_merge_when_the_next_claim_changed_meanwhile_changes_nothing(editor_client):
    article = ArticleFactory(text=ON_A_LINE)
    first, second = claim_of(article, 1), claim_of(article, 2)
    judge(second, Verdict.VERIFIED, "Checked meanwhile.")
    before = stored()
    response = editor_client.post(
        reverse("desk:claim_merge", args=[first.pk]),
        {"version": first.version, "next_version": second.version},
        follow=True,
    )
    assert "was changed by someone else" in body_of(response)
    assert stored() == before


def test_merge_is_offered_only_with_a_unit_on_the_same_line(editor_client):
    article = ArticleFactory(text=ON_A_LINE)
    first_panel = body_of(editor_client.get(workspace_url(claim_of(article, 1))))
    assert "Merge with claim 2" in first_panel
    second_panel = body_of(editor_client.get(workspace_url(claim_of(article, 2))))
    assert "Merge with claim" not in second_panel


# Escaping

HOSTILE_TEXT = (
    "Intro <script>alert(1)</script> sentence one.\n"
    "Second <img src=x onerror=alert(1)> line here.\n"
    "Third </script><script>alert(3)</script> claim."
)
HOSTILE_RATIONALE = "</textarea><script>alert(2)</script>"


@pytest.fixture
def hostile():
    article = ArticleFactory(title="<i>Title</i>", text=HOSTILE_TEXT)
    third = claim_of(article, 3)
    add_source(third, title="<b>x</b>", quote="<script>alert(4)</script>")
    judge(third, Verdict.MISSTATED, HOSTILE_RATIONALE)
    return article


RAW_MARKUP = (
    "<script>alert",
    "<img src=x",
    "</textarea><script>",
    "<b>x</b>",
    "<i>Title</i>",
)
ESCAPED_MARKUP = (
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&lt;img src=x onerror=alert(1)&gt;",
    "&lt;/script&gt;&lt;script&gt;alert(3)&lt;/script&gt;",
    "&lt;/textarea&gt;&lt;script&gt;alert(2)&lt;/script&gt;",
    "&lt;b&gt;x&lt;/b&gt;",
    "&lt;script&gt;alert(4)&lt;/script&gt;",
    "&lt;i&gt;Title&lt;/i&gt;",
)


def test_workspace_escapes_article_rationale_and_source_text(editor_client, hostile):
    response = editor_client.get(workspace_url(claim_of(hostile, 3)))
    body = body_of(response)
    assert 'data-claim-pk="' in body
    for raw in RAW_MARKUP:
        assert raw not in body
    for escaped in ESCAPED_MARKUP:
        assert escaped in body


def test_panel_and_conflict_escape_what_was_typed(editor_client, hostile):
    claim = claim_of(hostile, 3)
    stale = fresh(claim).version
    judge(claim, Verdict.VERIFIED, "Theirs.")
    typed = '"><script>alert(5)</script>'
    response = save(editor_client, claim, HTMX, version=stale, rationale=typed)
    body = body_of(response)
    assert "Someone else saved this claim" in body
    assert "<script>alert" not in body
    assert 'value="&quot;&gt;&lt;script&gt;alert(5)&lt;/script&gt;"' in body


def test_report_escapes_article_rationale_and_source_text(client, hostile):
    publish(claim_of(hostile, 3))
    body = body_of(client.get(reverse("desk:report", args=[hostile.pk])))
    for raw in RAW_MARKUP:
        assert raw not in body
    for escaped in ESCAPED_MARKUP:
        assert escaped in body


def test_report_json_ld_cannot_be_closed_by_the_claim_text(client, hostile):
    publish(claim_of(hostile, 3))
    body = body_of(client.get(reverse("desk:report", args=[hostile.pk])))
    [review] = ld_json_blocks(body)
    assert review["claimReviewed"] == "Third </script><script>alert(3)</script> claim."
    assert review["claimReviewed"] == claim_of(hostile, 3).text
    assert review["reviewBody"] == HOSTILE_RATIONALE
    # Only the page's own scripts and the JSON-LD block open a <script>.
    assert body.count("</script>") == body.count("<script")


# Public report


@pytest.fixture
def reviewed_article():
    article = ArticleFactory(
        title="Council budget", text=sentences(5), publisher="City Paper"
    )
    one, two, three, four = (claim_of(article, n) for n in (1, 2, 3, 4))
    add_source(one, title="Budget table", quote="Line 4 of the table.")
    judge(one, Verdict.MISSTATED, "The table says otherwise.")
    judge(two, Verdict.UNREVIEWED, "Draft note nobody outside should read.")
    add_source(two, title="Unpublished lead")
    add_source(three, title="Minutes", url="https://example.org/minutes")
    judge(three, Verdict.DISPUTED, "Two accounts differ.")
    add_source(four, title="Minutes, page 2", url="https://example.org/minutes#2")
    judge(four, Verdict.VERIFIED, "Matches the minutes.")
    reviewer = reviewer_user()
    for claim in (one, three, four):
        publish(claim, reviewer)
    return article


def test_report_shows_only_reviewed_claims(client, reviewed_article):
    body = body_of(client.get(reverse("desk:report", args=[reviewed_article.pk])))
    assert "3 statements in this article have been checked." in body
    for position in (1, 3, 4):
        public_id = claim_of(reviewed_article, position).public_id
        assert f'id="claim-{public_id}"' in body
        assert f'href="#claim-{public_id}"' in body
    for position in (2, 5):
        assert f"claim-{claim_of(reviewed_article, position).public_id}" not in body
    assert "Draft note nobody outside should read." not in body
    assert "Unpublished lead" not in body
    for shown in ("The table says otherwise.", "Two accounts differ.", "Minutes"):
        assert shown in body
    assert ">Budget table</a>" in body
    assert "Line 4 of the table." in body
    # The unreviewed units are still part of the article text.
    assert claim_of(reviewed_article, 2).text in body


def test_report_has_one_claim_review_per_reviewed_claim(client, reviewed_article):
    url = reverse("desk:report", args=[reviewed_article.pk])
    reviews = ld_json_blocks(body_of(client.get(url)))
    ratings = {
        review["url"]: (
            review["reviewRating"]["alternateName"],
            review["reviewRating"]["ratingValue"],
            review["claimReviewed"],
        )
        for review in reviews
    }
    assert len(reviews) == 3
    claim = {n: claim_of(reviewed_article, n) for n in (1, 3, 4)}
    link = {n: f"http://testserver{url}#claim-{c.public_id}" for n, c in claim.items()}
    assert ratings == {
        link[1]: ("Misstated", 1, claim[1].text),
        link[3]: ("Disputed", 2, claim[3].text),
        link[4]: ("Verified", 3, claim[4].text),
    }
    assert all(review["@type"] == "ClaimReview" for review in reviews)


def test_report_of_an_article_without_published_verdicts_is_not_found(client):
    article = ArticleFactory(text=sentences(2))
    assert client.get(reverse("desk:report", args=[article.pk])).status_code == 404
    add_source(claim_of(article))
    judge(claim_of(article), Verdict.VERIFIED, "Approved, not yet published.")
    approve(claim_of(article))
    assert client.get(reverse("desk:report", args=[article.pk])).status_code == 404


# Page furniture ---------------------------------------------------------------

# A scraped page: a breadcrumb, a byline, two sentences and an image line.
FURNITURE_PAGE = (
    "\u60a8\u7684\u4f4d\u7f6e \u9996\u9875 \u79d1\u6280\n"  # 您的位置 首页 科技
    "By Jane Smith\n"
    "The company raised $5 million in 2023. It hired 20 engineers.\n"
    "![640?wx_fmt=jpeg](https://a.cn/p?http://b.cn/640?wx_fmt=jpeg)"
)


def test_furniture_units_are_muted_with_their_kind_and_not_counted(editor_client):
    article = ArticleFactory(text=FURNITURE_PAGE)

    body = body_of(editor_client.get(reverse("desk:workspace", args=[article.pk])))

    assert [(c.kind, c.kind_reason) for c in article.claims.order_by("position")] == [
        (Kind.NAVIGATION, "breadcrumb"),
        (Kind.BYLINE, "byline"),
        (Kind.CLAIM, ""),
        (Kind.CLAIM, ""),
        (Kind.IMAGE, "image line"),
    ]
    assert "kind-navigation" in unit_classes(body, 1)
    assert "kind-byline" in unit_classes(body, 2)
    assert "kind-image" in unit_classes(body, 5)
    assert "0 of 2 claims checked" in body


def test_dashboard_counts_only_the_claims_to_check(editor_client):
    ArticleFactory(text=FURNITURE_PAGE)

    body = body_of(editor_client.get(reverse("desk:dashboard")))

    assert "0 of 2 claims checked" in body


def test_furniture_panel_says_which_rule_fired_and_offers_one_click(editor_client):
    article = ArticleFactory(text=FURNITURE_PAGE)
    byline = claim_of(article, 2)

    body = body_of(editor_client.get(workspace_url(byline)))

    assert "Page furniture (Byline: byline): not counted as a claim to check." in body
    assert 'id="make-claim"' in body
    sentence_panel = body_of(editor_client.get(workspace_url(claim_of(article, 3))))
    assert 'id="make-claim"' not in sentence_panel


def test_one_click_turns_furniture_into_a_claim(editor_client):
    article = ArticleFactory(text=FURNITURE_PAGE)
    byline = claim_of(article, 2)

    response = editor_client.post(
        reverse("desk:claim_save", args=[byline.pk]),
        {
            "version": byline.version,
            "verdict": byline.verdict,
            "rationale": byline.rationale,
            "kind": "claim",
        },
        **HTMX,
    )

    assert response.status_code == 200
    assert (fresh(byline).kind, fresh(byline).kind_reason) == (Kind.CLAIM, "")
    assert 'id="make-claim"' not in body_of(response)
    page = body_of(editor_client.get(reverse("desk:workspace", args=[article.pk])))
    assert "0 of 3 claims checked" in page


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("desk:dashboard", "Articles"),
        ("desk:queue", "My queue"),
        ("desk:article_new", "Import"),
    ],
)
def test_the_top_bar_marks_the_page_one_is_on(editor_client, name, label):
    body = body_of(editor_client.get(reverse(name)))
    current = re.findall(r'<a href="[^"]*" [^>]*aria-current="page">([^<]*)', body)
    assert [text.strip() for text in current] == [label]


def test_the_top_search_box_keeps_the_desks_search_query(editor_client):
    body = body_of(editor_client.get(reverse("desk:search"), {"q": "budget"}))
    assert 'id="site-search-q"' in body
    assert 'value="budget" data-search-key="/"' in body


def test_workspace_units_are_plain_rows_with_the_claims_fields(
    django_assert_num_queries,
):
    article = ArticleFactory(text=sentences(3))
    first = claim_of(article)
    hints = [{"type": "number", "spans": [{"start": 0, "end": 1}]}]
    Claim.objects.filter(pk=first.pk).update(hints=hints, worth=3, text_changed=True)
    judge(claim_of(article, 2), Verdict.DISPUTED)
    with django_assert_num_queries(1):
        units = queries.workspace_claims(article)
    claims = list(article.claims.order_by("position"))
    assert [unit.pk for unit in units] == [claim.pk for claim in claims]
    for unit, claim in zip(units, claims, strict=True):
        assert not isinstance(unit, Claim)
        for field in queries.Unit.FIELDS:
            assert getattr(unit, field) == getattr(claim, field), field
    assert units[0].hints == hints and units[0].text_changed
    assert units[1].verdict == Verdict.DISPUTED
