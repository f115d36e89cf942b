import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from annotations import services
from annotations.models import Article, Claim, Source, Verdict

from .factories import ArticleFactory, UserFactory, add_source, claim_of, sentences

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, admin_user):
    client.force_login(admin_user)
    return client


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context)


def populate(articles: int, claims_each: int) -> None:
    for n in range(articles):
        article = ArticleFactory(text=sentences(claims_each, start=n * 1000))
        for claim in article.claims.all()[:3]:
            add_source(claim, url=f"https://example.org/{claim.pk}")
            services.set_verdict(
                claim=Claim.objects.get(pk=claim.pk),
                verdict=Verdict.DISPUTED,
                rationale="Checked.",
                editor=None,
                expected_version=claim.version + 1,
            )


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:annotations_article_changelist",
        "admin:annotations_claim_changelist",
        "admin:annotations_source_changelist",
    ],
)
def test_changelists_use_the_same_queries_for_few_and_many_rows(staff_client, url_name):
    url = reverse(url_name)
    populate(articles=2, claims_each=3)
    few = queries_for(staff_client, url)
    populate(articles=40, claims_each=10)
    many = queries_for(staff_client, url)
    assert many == few
    assert many <= 12


def test_article_changelist_shows_counts_per_verdict(staff_client):
    populate(articles=1, claims_each=5)
    response = staff_client.get(reverse("admin:annotations_article_changelist"))
    body = response.content.decode()
    assert '<td class="field-disputed">3</td>' in body
    assert '<td class="field-unreviewed">2</td>' in body
    assert '<td class="field-units">5</td>' in body


def test_claim_changelist_filters_by_verdict_kind_and_article(staff_client):
    populate(articles=2, claims_each=4)
    first = Article.objects.order_by("pk").first()
    url = reverse("admin:annotations_claim_changelist")
    response = staff_client.get(
        url, {"verdict__exact": "disputed", "article": first.pk}
    )
    assert response.context["cl"].result_count == 3
    response = staff_client.get(url, {"kind__exact": "claim", "q": "Sentence 1"})
    assert response.status_code == 200
    assert staff_client.get(url, {"article": "abc"}).status_code == 200


def test_article_change_page_lists_claims_inline(staff_client, seed_text):
    article = services.import_article(text=seed_text, title="Seed")
    response = staff_client.get(
        reverse("admin:annotations_article_change", args=[article.pk])
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count('class="field-text"') >= 55
    assert "\u5c55\u5f00\u5269\u4f5988%" in body  # 展开剩余88% shown as its own unit


def test_article_text_cannot_be_edited_in_the_admin(staff_client):
    article = ArticleFactory()
    url = reverse("admin:annotations_article_change", args=[article.pk])
    staff_client.post(
        url,
        {
            "title": "Renamed",
            "url": article.url,
            "publisher": article.publisher,
            "text": "Replaced text.",
            "claims-TOTAL_FORMS": "0",
            "claims-INITIAL_FORMS": "0",
        },
    )
    article.refresh_from_db()
    assert article.title == "Renamed"
    assert article.text != "Replaced text."


def test_claim_change_sets_verdict_through_the_service(staff_client, admin_user):
    claim = claim_of(ArticleFactory())
    url = reverse("admin:annotations_claim_change", args=[claim.pk])
    response = staff_client.post(
        url,
        {
            "kind": "claim",
            "verdict": "misstated",
            "rationale": "The year was 2025.",
            "expected_version": claim.version,
            "sources-TOTAL_FORMS": "1",
            "sources-INITIAL_FORMS": "0",
            "sources-0-url": "https://example.org/proof",
            "sources-0-title": "Proof",
            "sources-0-stance": "refutes",
        },
    )
    assert response.status_code == 302
    stored = Claim.objects.get(pk=claim.pk)
    assert stored.verdict == Verdict.MISSTATED
    assert stored.verdict_by == admin_user
    assert stored.version == claim.version + 2  # verdict, then the source
    assert Source.objects.get().added_by == admin_user


def test_claim_change_with_stale_version_is_refused_and_keeps_the_other_edit(
    staff_client,
):
    claim = claim_of(ArticleFactory())
    services.set_verdict(
        claim=claim,
        verdict=Verdict.VERIFIED,
        rationale="Someone else's check.",
        editor=UserFactory(),
        expected_version=claim.version,
    )
    response = staff_client.post(
        reverse("admin:annotations_claim_change", args=[claim.pk]),
        {
            "kind": "claim",
            "verdict": "misstated",
            "rationale": "Mine.",
            "expected_version": claim.version,
            "sources-TOTAL_FORMS": "0",
            "sources-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "Someone else changed this claim" in response.content.decode()
    assert Claim.objects.get(pk=claim.pk).rationale == "Someone else's check."


def test_source_with_javascript_url_is_refused_in_the_admin(staff_client):
    claim = claim_of(ArticleFactory())
    response = staff_client.post(
        reverse("admin:annotations_claim_change", args=[claim.pk]),
        {
            "kind": "claim",
            "verdict": "unreviewed",
            "rationale": "",
            "expected_version": claim.version,
            "sources-TOTAL_FORMS": "1",
            "sources-INITIAL_FORMS": "0",
            "sources-0-url": "javascript:alert(1)",
            "sources-0-title": "Bad",
            "sources-0-stance": "supports",
        },
    )
    assert response.status_code == 200
    assert not Source.objects.exists()


def test_claims_cannot_be_added_or_deleted_in_the_admin(staff_client):
    claim = claim_of(ArticleFactory())
    assert staff_client.get(reverse("admin:annotations_claim_add")).status_code == 403
    delete = reverse("admin:annotations_claim_delete", args=[claim.pk])
    assert staff_client.post(delete, {"post": "yes"}).status_code == 403
    assert Claim.objects.filter(pk=claim.pk).exists()


def test_admin_import_by_paste_creates_an_article(staff_client):
    assert staff_client.get(reverse("admin:annotations_article_add")).status_code == 302
    url = reverse("admin:annotations_article_import")
    response = staff_client.post(
        url, {"title": "Pasted", "text": "First sentence. Second one!"}
    )
    article = Article.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "admin:annotations_article_change", args=[article.pk]
    )
    assert article.claims.count() == 2


def test_admin_import_shows_refusals_next_to_the_field(staff_client):
    url = reverse("admin:annotations_article_import")
    ArticleFactory(text="Already here.", title="Existing")
    duplicate = staff_client.post(url, {"title": "Again", "text": "Already here."})
    assert "already imported" in duplicate.content.decode()
    binary = staff_client.post(
        url,
        {"title": "Img", "file": SimpleUploadedFile("a.txt", b"\x89PNG\r\n\x1a\n")},
    )
    assert "binary file" in binary.content.decode()
    empty = staff_client.post(url, {"title": "Nothing", "text": "   "})
    assert "Paste the article text or choose a file" in empty.content.decode()
    assert Article.objects.count() == 1


def test_source_admin_edits_go_through_the_service(staff_client):
    claim = claim_of(ArticleFactory())
    source = add_source(claim)
    url = reverse("admin:annotations_source_change", args=[source.pk])
    response = staff_client.post(
        url,
        {
            "url": "https://example.org/updated",
            "title": "Updated",
            "publisher": "",
            "quote": "",
            "stance": "context",
        },
    )
    assert response.status_code == 302
    source.refresh_from_db()
    assert (source.title, source.stance) == ("Updated", "context")
    assert Claim.objects.get(pk=claim.pk).version == claim.version + 2
