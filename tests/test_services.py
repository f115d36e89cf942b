import datetime
import math

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from annotations import importing, services
from annotations.importing import ImportRefused
from annotations.models import Article, Claim, Kind, Source, Stance, Verdict

from .factories import ArticleFactory, UserFactory, add_source, claim_of, sentences

pytestmark = pytest.mark.django_db


def test_import_article_stores_every_unit_at_exact_offsets(seed_text):
    user = UserFactory()
    article = services.import_article(
        text=seed_text,
        title="Seed",
        url="https://example.org/a",
        publisher="Example",
        published_on=datetime.date(2025, 6, 30),
        imported_by=user,
    )
    claims = list(article.claims.order_by("position"))
    assert len(claims) == 55
    assert [c.position for c in claims] == list(range(1, 56))
    assert all(article.text[c.start : c.end] == c.text for c in claims)
    assert article.text == seed_text
    assert article.sha256 == importing.text_sha256(seed_text)
    assert article.language == "zh"
    assert article.imported_by == user
    assert article.imported_at is not None
    assert claims[6].kind == Kind.BOILERPLATE
    assert claims[3].kind == Kind.HEADING


def test_import_article_normalises_bom_and_line_endings():
    article = services.import_article(
        text="\ufeffFirst line here.\r\nSecond line here.\rThird.", title="CRLF"
    )
    assert article.text == "First line here.\nSecond line here.\nThird."
    assert [c.text for c in article.claims.all()] == [
        "First line here.",
        "Second line here.",
        "Third.",
    ]


def test_import_article_detects_english_and_mixed():
    english = services.import_article(text="The U.S. economy grew 3.5%.", title="en")
    mixed = services.import_article(
        text="Nexusflow was founded in 2023 by researchers.\n"
        "\u516c\u53f8\u603b\u90e8\u5728\u4f2f\u514b\u5229\u3002"
        "\u4ed6\u4eec\u7684\u6a21\u578b\u5f88\u5f3a\u3002",
        title="mixed",
    )
    assert english.language == "en"
    assert mixed.language == "mixed"


def test_import_refuses_duplicate_text_naming_the_existing_article(seed_text):
    first = services.import_article(text=seed_text, title="First copy")
    with pytest.raises(ImportRefused) as refused:
        services.import_article(text=seed_text, title="Second copy")
    assert refused.value.code == "duplicate"
    assert f"article {first.pk}" in refused.value.message
    assert "First copy" in refused.value.message
    assert Article.objects.count() == 1
    assert Claim.objects.count() == 55


def test_import_treats_crlf_copy_as_duplicate(seed_text):
    services.import_article(text=seed_text, title="LF")
    with pytest.raises(ImportRefused):
        services.import_article(text=seed_text.replace("\n", "\r\n"), title="CRLF")


@pytest.mark.parametrize("text", ["", "   ", "\n\n\t\n", "\ufeff", "\u3000\u3000"])
def test_import_refuses_empty_text_and_stores_nothing(text):
    with pytest.raises(ImportRefused) as refused:
        services.import_article(text=text, title="Empty")
    assert refused.value.code == "empty"
    assert refused.value.message == importing.EMPTY
    assert not Article.objects.exists()


def test_import_refuses_text_over_the_size_limit(import_limit):
    with pytest.raises(ImportRefused) as refused:
        services.import_article(text="\u5b57" * 400, title="Big")  # 1200 bytes
    assert refused.value.code == "too_large"
    assert "1200 bytes" in refused.value.message
    assert not Article.objects.exists()


def test_import_refuses_missing_title_and_non_http_url():
    with pytest.raises(ImportRefused) as no_title:
        services.import_article(text="A sentence.", title="  ")
    with pytest.raises(ImportRefused) as bad_url:
        services.import_article(
            text="A sentence.", title="T", url="javascript:alert(1)"
        )
    assert no_title.value.code == "title"
    assert bad_url.value.code == "url"
    assert "http" in bad_url.value.message
    assert not Article.objects.exists()


def test_import_failure_while_storing_claims_leaves_nothing(monkeypatch, seed_text):
    def fail(*args, **kwargs):
        raise IntegrityError("disk full")

    monkeypatch.setattr(services, "_insert_claims", fail)
    with pytest.raises(IntegrityError):
        services.import_article(text=seed_text, title="Half")
    assert not Article.objects.exists()
    assert not Claim.objects.exists()


def test_import_queries_grow_only_with_insert_batches():
    def queries_for(count: int, start: int) -> int:
        with CaptureQueriesContext(connection) as context:
            article = services.import_article(
                text=sentences(count, start=start), title=f"{count} units"
            )
        assert article.claims.count() == count
        return len(context)

    fields = [f for f in Claim._meta.concrete_fields if not f.primary_key]
    batch = min(2000, connection.ops.bulk_batch_size(fields, [None] * 5000))
    small, large = queries_for(50, 0), queries_for(3000, 50)
    # Fixed work (duplicate check, article row, transaction) plus one INSERT
    # per batch of claims: never one query per claim.
    assert small <= 8
    assert large - small <= math.ceil(3000 / batch)


def test_set_verdict_records_who_when_and_raises_version():
    editor = UserFactory()
    claim = claim_of(ArticleFactory())
    updated = services.set_verdict(
        claim=claim,
        verdict=Verdict.MISSTATED,
        rationale="  The name is \u7126\u5251\u6d9b.  ",
        editor=editor,
        expected_version=claim.version,
    )
    assert updated.verdict == Verdict.MISSTATED
    assert updated.rationale == "The name is \u7126\u5251\u6d9b."
    assert updated.verdict_by == editor
    assert updated.verdict_at is not None
    assert updated.version == claim.version + 1


def test_set_verdict_rejects_stale_version_and_keeps_the_newer_edit():
    first, second = UserFactory(), UserFactory()
    claim = claim_of(ArticleFactory())
    services.set_verdict(
        claim=claim,
        verdict=Verdict.VERIFIED,
        rationale="first",
        editor=first,
        expected_version=claim.version,
    )
    with pytest.raises(services.StaleVersion) as stale:
        services.set_verdict(
            claim=claim,
            verdict=Verdict.DISPUTED,
            rationale="second",
            editor=second,
            expected_version=claim.version,
        )
    assert stale.value.current.rationale == "first"
    assert "changed by someone else" in str(stale.value)
    stored = Claim.objects.get(pk=claim.pk)
    assert (stored.verdict, stored.rationale, stored.verdict_by) == (
        Verdict.VERIFIED,
        "first",
        first,
    )


def test_clearing_a_verdict_clears_who_and_when():
    claim = claim_of(ArticleFactory())
    claim = services.set_verdict(
        claim=claim,
        verdict=Verdict.VERIFIED,
        rationale="ok",
        editor=UserFactory(),
        expected_version=claim.version,
    )
    cleared = services.set_verdict(
        claim=claim,
        verdict=Verdict.UNREVIEWED,
        rationale="",
        editor=UserFactory(),
        expected_version=claim.version,
    )
    assert (cleared.verdict, cleared.verdict_by, cleared.verdict_at) == (
        Verdict.UNREVIEWED,
        None,
        None,
    )


def test_set_verdict_refuses_unknown_verdict():
    claim = claim_of(ArticleFactory())
    with pytest.raises(ValidationError, match="Unknown verdict 'true'"):
        services.set_verdict(
            claim=claim,
            verdict="true",
            rationale="",
            editor=None,
            expected_version=claim.version,
        )
    assert Claim.objects.get(pk=claim.pk).version == claim.version


def test_set_kind_changes_kind_and_version():
    claim = claim_of(ArticleFactory())
    updated = services.set_kind(
        claim=claim, kind=Kind.OPINION, expected_version=claim.version
    )
    assert (updated.kind, updated.version) == (Kind.OPINION, claim.version + 1)
    with pytest.raises(ValidationError):
        services.set_kind(
            claim=updated, kind="rumour", expected_version=updated.version
        )


def test_add_source_stores_fields_and_raises_claim_version():
    claim = claim_of(ArticleFactory())
    source = services.add_source(
        claim=claim,
        url="HTTPS://example.org/report",
        title=" Report ",
        publisher="Example",
        quote="It said so.",
        stance=Stance.REFUTES,
        accessed_on=datetime.date(2025, 7, 1),
    )
    assert source.url == "https://example.org/report"
    assert source.title == "Report"
    assert source.stance == Stance.REFUTES
    assert Claim.objects.get(pk=claim.pk).version == claim.version + 1


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "ftp://example.org/file",
        "data:text/html,<script>alert(1)</script>",
        "example.org/no-scheme",
        "",
    ],
)
def test_add_source_refuses_non_http_urls(url):
    claim = claim_of(ArticleFactory())
    with pytest.raises(ValidationError, match="http"):
        add_source(claim, url=url)
    assert not Source.objects.exists()


def test_add_source_requires_title_and_known_stance():
    claim = claim_of(ArticleFactory())
    with pytest.raises(ValidationError, match="title"):
        add_source(claim, title=" ")
    with pytest.raises(ValidationError, match="Unknown stance"):
        add_source(claim, stance="agrees")
    assert not Source.objects.exists()


def test_update_and_remove_source_raise_claim_version():
    claim = claim_of(ArticleFactory())
    source = add_source(claim)
    services.update_source(
        source=source, url="https://example.org/v2", title="Better title"
    )
    assert Source.objects.get(pk=source.pk).title == "Better title"
    services.remove_source(source=source)
    assert not Source.objects.exists()
    assert Claim.objects.get(pk=claim.pk).version == claim.version + 3


@pytest.mark.parametrize(
    ("field", "value"),
    [("kind", "rumour"), ("verdict", "true"), ("position", 0)],
)
def test_database_refuses_invalid_claim_values(field, value):
    claim = claim_of(ArticleFactory())
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.filter(pk=claim.pk).update(**{field: value})


def test_database_refuses_reversed_offsets_and_duplicate_positions():
    article = ArticleFactory()
    first, second = claim_of(article, 1), claim_of(article, 2)
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.filter(pk=first.pk).update(start=first.end, end=first.start)
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.filter(pk=second.pk).update(position=1)


def test_database_refuses_verdict_without_date_and_non_http_source():
    claim = claim_of(ArticleFactory())
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.filter(pk=claim.pk).update(verdict=Verdict.VERIFIED)
    with pytest.raises(IntegrityError), transaction.atomic():
        Source.objects.create(claim=claim, url="javascript:alert(1)", title="x")
