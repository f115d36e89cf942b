import datetime
import math

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from annotations import importing, models, services
from annotations.importing import ImportRefused
from annotations.models import CONTEXT_CHARS as CONTEXT
from annotations.models import Article, Claim, Kind, Source, Stance, Verdict
from annotations.services import articles

from .factories import ArticleFactory, UserFactory, add_source, claim_of, sentences

pytestmark = pytest.mark.django_db


def test_import_article_stores_each_claims_surrounding_text(seed_text):
    article = services.import_article(text=seed_text, title="Seed")
    first, fifth = claim_of(article, 1), claim_of(article, 5)
    assert first.prefix == ""
    assert fifth.prefix == seed_text[fifth.start - 32 : fifth.start]
    assert fifth.suffix == seed_text[fifth.end : fifth.end + 32]
    last = article.claims.order_by("-position").first()
    assert last.suffix == seed_text[last.end :]


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


def test_import_refuses_a_non_http_url():
    with pytest.raises(ImportRefused) as bad_url:
        services.import_article(
            text="A sentence.", title="T", url="javascript:alert(1)"
        )
    assert bad_url.value.code == "url"
    assert "http" in bad_url.value.message
    assert not Article.objects.exists()


def test_import_failure_while_storing_claims_leaves_nothing(monkeypatch, seed_text):
    def fail(*args, **kwargs):
        raise IntegrityError("disk full")

    monkeypatch.setattr(services.articles, "insert_claims", fail)
    with pytest.raises(IntegrityError):
        services.import_article(text=seed_text, title="Half")
    assert not Article.objects.exists()
    assert not Claim.objects.exists()


def test_import_queries_grow_only_with_insert_batches(task_queue):
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
    # Fixed work (duplicate check, article row, transaction, history, the
    # analysis job and its task, the webhooks that want imports) plus one
    # INSERT per batch of claims: never one per claim. The analysis itself
    # runs later, in a worker.
    assert small <= 13
    assert large - small <= math.ceil(3000 / batch)


def test_a_first_import_gathers_the_planner_statistics_the_table_never_had(
    monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(articles, "_with_statistics", set())

    def statements_of(count: int, start: int) -> list[str]:
        with (
            CaptureQueriesContext(connection) as context,
            django_capture_on_commit_callbacks(execute=True),
        ):
            services.import_article(
                text=sentences(count, start=start), title=f"{count} units"
            )
        return [query["sql"].split()[0] for query in context]

    if connection.vendor != "postgresql":
        # SQLite's planner needs no row counts to pick an index.
        assert "ANALYZE" not in statements_of(3, 0)
        return
    with connection.cursor() as cursor:  # as a new database has it
        cursor.execute(
            "UPDATE pg_class SET reltuples = -1 "
            "WHERE oid = 'annotations_claim'::regclass"
        )
    assert statements_of(30, 0).count("ANALYZE") == 1
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples FROM pg_class WHERE oid = 'annotations_claim'::regclass"
        )
        assert cursor.fetchone() == (30,)
    # Known now, in this process: a later import asks nothing more.
    with CaptureQueriesContext(connection) as later:
        statements_of(2, 30)
    assert not any("pg_class" in q["sql"] or "ANALYZE" in q["sql"] for q in later)


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
        claim=claim, kind=Kind.OPINION, editor=None, expected_version=claim.version
    )
    assert (updated.kind, updated.version) == (Kind.OPINION, claim.version + 1)
    with pytest.raises(ValidationError):
        services.set_kind(
            claim=updated, kind="rumour", editor=None, expected_version=updated.version
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
        source=source, url="https://example.org/v2", title="Better title", editor=None
    )
    assert Source.objects.get(pk=source.pk).title == "Better title"
    services.remove_source(source=source, editor=None)
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


# Editing, splitting and merging claims.

# 公司成立了，融资了1060万美元。 / 他们的模型很强。 / 第三句话在这里。
ZH_FUNDING = (
    "\u516c\u53f8\u6210\u7acb\u4e86\uff0c\u878d\u8d44\u4e861060\u4e07\u7f8e\u5143\u3002"
)
ZH_MODEL = "\u4ed6\u4eec\u7684\u6a21\u578b\u5f88\u5f3a\u3002"
ZH_THIRD = "\u7b2c\u4e09\u53e5\u8bdd\u5728\u8fd9\u91cc\u3002"
MIXED_TEXT = (
    f"{ZH_FUNDING}{ZH_MODEL}\n"
    "The U.S. economy grew 3.5%. It was a good year.\n"
    f"{ZH_THIRD}"
)
# Two moments, so tests can tell which change wrote verdict_at.
EARLIER = datetime.datetime(2025, 7, 1, 9, 0, tzinfo=datetime.UTC)
LATER = datetime.datetime(2025, 7, 2, 17, 30, tzinfo=datetime.UTC)


def _at(monkeypatch, moment: datetime.datetime) -> None:
    monkeypatch.setattr(services.claims.timezone, "now", lambda: moment)


def _state(article: Article) -> tuple:
    """Everything a claim edit could change in an article, to compare before/after."""
    claims = Claim.objects.filter(article=article).order_by("position")
    sources = Source.objects.filter(claim__article=article).order_by("pk")
    return (
        Article.objects.values_list("text", flat=True).get(pk=article.pk),
        list(
            claims.values_list(
                "pk",
                "position",
                "start",
                "end",
                "text",
                "kind",
                "verdict",
                "rationale",
                "verdict_by",
                "verdict_at",
                "version",
                "updated_at",
            )
        ),
        list(sources.values_list("pk", "claim_id")),
    )


def _claims_in_order(article: Article) -> list[Claim]:
    """The article's claims, checked to be dense 1..n, at exact offsets, and
    carrying the 32 characters of text on each side as their anchor context."""
    article.refresh_from_db()
    claims = list(Claim.objects.filter(article=article).order_by("position"))
    assert [c.position for c in claims] == list(range(1, len(claims) + 1))
    text = article.text
    for claim in claims:
        assert text[claim.start : claim.end] == claim.text, claim.position
        assert claim.prefix == text[max(0, claim.start - 32) : claim.start]
        assert claim.suffix == text[claim.end : claim.end + 32]
    return claims


def _spans(article: Article) -> list[tuple[int, int, int, str]]:
    return [(c.position, c.start, c.end, c.text) for c in _claims_in_order(article)]


def _with_verdict(claim: Claim, rationale: str = "Checked.", **kwargs) -> Claim:
    return services.set_verdict(
        claim=claim,
        verdict=kwargs.get("verdict", Verdict.VERIFIED),
        rationale=rationale,
        editor=kwargs.get("editor") or UserFactory(),
        expected_version=claim.version,
    )


def test_edit_claim_changes_verdict_rationale_and_kind_in_one_version_bump(
    monkeypatch,
):
    editor = UserFactory()
    claim = claim_of(ArticleFactory(text=MIXED_TEXT))
    _at(monkeypatch, LATER)
    updated = services.edit_claim(
        claim=claim,
        editor=editor,
        expected_version=claim.version,
        verdict=Verdict.DISPUTED,
        rationale="  Filings show 1060 was 1600.  ",
        kind=Kind.OPINION,
    )
    stored = Claim.objects.get(pk=claim.pk)
    assert stored.version == claim.version + 1
    assert (stored.verdict, stored.kind, stored.kind_reason) == (
        Verdict.DISPUTED,
        Kind.OPINION,
        "",
    )
    assert stored.rationale == "Filings show 1060 was 1600."
    assert (stored.verdict_by, stored.verdict_at, stored.updated_at) == (
        editor,
        LATER,
        LATER,
    )
    assert (updated.pk, updated.version, updated.verdict_by) == (
        claim.pk,
        stored.version,
        editor,
    )


def test_edit_claim_leaves_fields_given_as_none_unchanged():
    editor = UserFactory()
    claim = claim_of(ArticleFactory(text=MIXED_TEXT))
    claim = services.edit_claim(
        claim=claim,
        editor=editor,
        expected_version=claim.version,
        verdict=Verdict.MISSTATED,
        rationale="It was 1600.",
        kind=Kind.OPINION,
    )
    only_kind = services.edit_claim(
        claim=claim, editor=editor, expected_version=claim.version, kind=Kind.CLAIM
    )
    assert (only_kind.kind, only_kind.verdict, only_kind.rationale) == (
        Kind.CLAIM,
        Verdict.MISSTATED,
        "It was 1600.",
    )
    only_verdict = services.edit_claim(
        claim=only_kind,
        editor=editor,
        expected_version=only_kind.version,
        verdict=Verdict.VERIFIED,
    )
    assert (only_verdict.kind, only_verdict.verdict, only_verdict.rationale) == (
        Kind.CLAIM,
        Verdict.VERIFIED,
        "It was 1600.",
    )
    assert only_verdict.version == claim.version + 2
    assert claim_of(only_verdict.article).text == ZH_FUNDING


def test_edit_claim_rationale_only_records_the_editor_as_verdict_author(
    monkeypatch,
):
    first, second = UserFactory(), UserFactory()
    claim = claim_of(ArticleFactory(text=MIXED_TEXT))
    _at(monkeypatch, EARLIER)
    claim = _with_verdict(claim, rationale="first", editor=first)
    _at(monkeypatch, LATER)
    updated = services.edit_claim(
        claim=claim,
        editor=second,
        expected_version=claim.version,
        rationale="Better wording.",
    )
    stored = Claim.objects.get(pk=claim.pk)
    assert (stored.verdict, stored.rationale) == (Verdict.VERIFIED, "Better wording.")
    assert (stored.verdict_by, stored.verdict_at) == (second, LATER)
    assert updated.verdict_by == second
    assert stored.version == claim.version + 1


def test_edit_claim_kind_only_leaves_verdict_author_alone(monkeypatch):
    author = UserFactory()
    claim = claim_of(ArticleFactory(text=MIXED_TEXT))
    _at(monkeypatch, EARLIER)
    claim = _with_verdict(claim, rationale="Checked.", editor=author)
    _at(monkeypatch, LATER)
    updated = services.edit_claim(
        claim=claim,
        editor=UserFactory(),
        expected_version=claim.version,
        kind=Kind.HEADING,
    )
    stored = Claim.objects.get(pk=claim.pk)
    assert stored.kind == Kind.HEADING
    assert (stored.verdict, stored.rationale) == (Verdict.VERIFIED, "Checked.")
    assert (stored.verdict_by, stored.verdict_at) == (author, EARLIER)
    assert updated.verdict_by == author


def test_edit_claim_rejects_stale_version_with_the_fresh_row_and_changes_nothing():
    claim = claim_of(ArticleFactory(text=MIXED_TEXT))
    newer = _with_verdict(claim, rationale="first")
    article = newer.article
    before = _state(article)
    with pytest.raises(services.StaleVersion) as stale:
        services.edit_claim(
            claim=claim,
            editor=UserFactory(),
            expected_version=claim.version,
            verdict=Verdict.DISPUTED,
            rationale="second",
            kind=Kind.OPINION,
        )
    current = stale.value.current
    assert (current.pk, current.version, current.rationale) == (
        claim.pk,
        newer.version,
        "first",
    )
    assert current.verdict == Verdict.VERIFIED
    assert f"now version {newer.version}" in str(stale.value)
    assert _state(article) == before


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"kind": "rumour"}, "Unknown kind 'rumour'"),
        ({"kind": "rumour", "verdict": Verdict.VERIFIED}, "Unknown kind 'rumour'"),
        ({"verdict": "true"}, "Unknown verdict 'true'"),
        ({"verdict": "true", "kind": Kind.OPINION}, "Unknown verdict 'true'"),
        (
            {"verdict": "", "rationale": "x", "kind": Kind.OPINION},
            "Unknown verdict ''",
        ),
    ],
)
def test_edit_claim_refuses_unknown_kind_or_verdict_and_changes_nothing(
    changes, message
):
    claim = claim_of(ArticleFactory(text=MIXED_TEXT))
    before = _state(claim.article)
    with pytest.raises(ValidationError, match=message):
        services.edit_claim(
            claim=claim,
            editor=UserFactory(),
            expected_version=claim.version,
            **changes,
        )
    assert _state(claim.article) == before


def test_split_claim_keeps_offsets_exact():
    article = ArticleFactory(text=MIXED_TEXT)
    before = _claims_in_order(article)
    assert [c.text for c in before] == [
        ZH_FUNDING,
        ZH_MODEL,
        "The U.S. economy grew 3.5%.",
        "It was a good year.",
        ZH_THIRD,
    ]
    claim = before[0]
    # Just after the full-width comma: 公司成立了， | 融资了1060万美元。
    first, second = services.split_claim(
        claim=claim, at=6, editor=None, expected_version=claim.version
    )
    after = _claims_in_order(article)
    assert [c.text for c in after] == [
        "\u516c\u53f8\u6210\u7acb\u4e86\uff0c",
        "\u878d\u8d44\u4e861060\u4e07\u7f8e\u5143\u3002",
        ZH_MODEL,
        "The U.S. economy grew 3.5%.",
        "It was a good year.",
        ZH_THIRD,
    ]
    assert (first.pk, first.position, first.start, first.end) == (claim.pk, 1, 0, 6)
    assert (second.position, second.start, second.end) == (2, 6, claim.end)
    assert second.pk not in {c.pk for c in before}
    assert [c.pk for c in after] == [claim.pk, second.pk] + [c.pk for c in before[1:]]
    # The later claims moved down one position and kept their offsets.
    assert [(c.start, c.end) for c in after[2:]] == [
        (c.start, c.end) for c in before[1:]
    ]


def test_split_claim_inside_a_later_chinese_claim_moves_only_the_claims_after_it():
    article = ArticleFactory(text=MIXED_TEXT)
    other = ArticleFactory(text=sentences(4, start=7000))
    other_before = _state(other)
    before = _claims_in_order(article)
    claim = before[1]  # 他们的模型很强。 at offset 17
    first, second = services.split_claim(
        claim=claim, at=3, editor=None, expected_version=claim.version
    )
    after = _claims_in_order(article)
    assert (first.start, first.end, first.text) == (17, 20, "\u4ed6\u4eec\u7684")
    assert (second.start, second.end, second.text) == (
        20,
        25,
        "\u6a21\u578b\u5f88\u5f3a\u3002",
    )
    assert [c.pk for c in after] == [
        before[0].pk,
        claim.pk,
        second.pk,
        *(c.pk for c in before[2:]),
    ]
    assert _state(other) == other_before


def test_split_claim_trims_white_space_at_the_cut():
    # One claim with spaces (ASCII and ideographic) around the cut.
    article = ArticleFactory(text="First part here, \u3000 and more.\nNext line.")
    claim = claim_of(article, 1)
    assert claim.text == "First part here, \u3000 and more."
    first, second = services.split_claim(
        claim=claim, at=17, editor=None, expected_version=claim.version
    )
    assert (first.text, first.start, first.end) == ("First part here,", 0, 16)
    assert (second.text, second.start, second.end) == ("and more.", 19, 28)
    assert [c.text for c in _claims_in_order(article)] == [
        "First part here,",
        "and more.",
        "Next line.",
    ]


def test_split_claim_at_a_merged_sentence_gap_trims_the_space():
    article = ArticleFactory(text="First part here. And more.")
    claim = services.merge_with_next(
        claim=claim_of(article, 1),
        editor=None,
        expected_version=1,
        next_expected_version=1,
    )
    assert claim.text == "First part here. And more."
    first, second = services.split_claim(
        claim=claim, at=16, editor=None, expected_version=claim.version
    )
    assert (first.text, first.start, first.end) == ("First part here.", 0, 16)
    assert (second.text, second.start, second.end) == ("And more.", 17, 26)
    _claims_in_order(article)


def test_split_claim_clears_verdict_keeps_sources_on_first_part_and_sets_versions():
    article = ArticleFactory(text=MIXED_TEXT)
    claim = claim_of(article, 1)
    sources = [add_source(claim, title="Filing"), add_source(claim, title="Report")]
    claim = _with_verdict(claim_of(article, 1), rationale="Checked.")
    assert claim.verdict_by is not None
    first, second = services.split_claim(
        claim=claim, at=6, editor=UserFactory(), expected_version=claim.version
    )
    for part in (first, second):
        stored = Claim.objects.get(pk=part.pk)
        assert (stored.verdict, stored.verdict_by, stored.verdict_at) == (
            Verdict.UNREVIEWED,
            None,
            None,
        )
    assert first.version == claim.version + 1
    assert Claim.objects.get(pk=second.pk).version == 1
    assert second.kind == claim.kind
    assert list(first.sources.order_by("pk")) == sources
    assert not Source.objects.filter(claim=second.pk).exists()


@pytest.mark.parametrize("at", [0, len(ZH_FUNDING), -1, -5, len(ZH_FUNDING) + 3])
def test_split_claim_refuses_points_outside_the_claim_and_changes_nothing(at):
    article = ArticleFactory(text=MIXED_TEXT)
    claim = claim_of(article, 1)
    before = _state(article)
    with pytest.raises(ValidationError) as refused:
        services.split_claim(
            claim=claim, at=at, editor=None, expected_version=claim.version
        )
    assert refused.value.messages == [
        services.SPLIT_OUTSIDE.format(length=len(ZH_FUNDING))
    ]
    assert _state(article) == before


@pytest.mark.parametrize(("position", "at"), [(1, 4), (2, 1)])
def test_split_claim_refuses_a_part_of_only_spaces_and_changes_nothing(position, at):
    article = ArticleFactory(text="One.  Two.")
    # Import trims every unit, so no cut can leave a blank side. Widen the
    # claims over the spaces between them (still exact slices of the article)
    # to reach the guard.
    Claim.objects.filter(article=article, position=1).update(end=6, text="One.  ")
    Claim.objects.filter(article=article, position=2).update(start=4, text="  Two.")
    claim = claim_of(article, position)
    before = _state(article)
    with pytest.raises(ValidationError) as refused:
        services.split_claim(
            claim=claim, at=at, editor=None, expected_version=claim.version
        )
    assert refused.value.messages == [services.SPLIT_EMPTY]
    assert _state(article) == before


def test_split_claim_rejects_stale_version_and_changes_nothing():
    article = ArticleFactory(text=MIXED_TEXT)
    claim = claim_of(article, 1)
    newer = _with_verdict(claim)
    before = _state(article)
    with pytest.raises(services.StaleVersion) as stale:
        services.split_claim(
            claim=claim, at=6, editor=None, expected_version=claim.version
        )
    assert (stale.value.current.pk, stale.value.current.version) == (
        claim.pk,
        newer.version,
    )
    assert _state(article) == before


def test_merge_with_next_joins_text_offsets_and_positions():
    article = ArticleFactory(text="One. Two. Three.\nFour.")
    before = _claims_in_order(article)
    one, two = before[0], before[1]
    merged = services.merge_with_next(
        claim=one, editor=None, expected_version=one.version
    )
    assert (merged.pk, merged.position, merged.start, merged.end, merged.text) == (
        one.pk,
        1,
        0,
        9,
        "One. Two.",
    )
    assert merged.version == one.version + 1
    assert not Claim.objects.filter(pk=two.pk).exists()
    after = _claims_in_order(article)
    assert [(c.pk, c.text) for c in after] == [
        (one.pk, "One. Two."),
        (before[2].pk, "Three."),
        (before[3].pk, "Four."),
    ]


def test_merge_with_next_joins_chinese_claims_without_a_gap():
    article = ArticleFactory(text=MIXED_TEXT)
    one = claim_of(article, 1)
    merged = services.merge_with_next(
        claim=one, editor=None, expected_version=one.version
    )
    assert (merged.start, merged.end, merged.text) == (0, 25, ZH_FUNDING + ZH_MODEL)
    assert [c.text for c in _claims_in_order(article)] == [
        ZH_FUNDING + ZH_MODEL,
        "The U.S. economy grew 3.5%.",
        "It was a good year.",
        ZH_THIRD,
    ]


def test_merge_with_next_moves_sources_keeps_rationales_and_clears_verdict():
    article = ArticleFactory(text="One. Two. Three.")
    kept = add_source(claim_of(article, 1), title="Kept")
    moved = add_source(claim_of(article, 2), title="Moved")
    one = _with_verdict(claim_of(article, 1), rationale="Reason one.")
    two = _with_verdict(
        claim_of(article, 2), rationale="Reason two.", verdict=Verdict.DISPUTED
    )
    merged = services.merge_with_next(
        claim=one,
        editor=UserFactory(),
        expected_version=one.version,
        next_expected_version=two.version,
    )
    stored = Claim.objects.get(pk=one.pk)
    assert (stored.verdict, stored.verdict_by, stored.verdict_at) == (
        Verdict.UNREVIEWED,
        None,
        None,
    )
    assert "Reason one." in stored.rationale
    assert "Reason two." in stored.rationale
    assert stored.rationale.index("Reason one.") < stored.rationale.index("Reason two.")
    assert list(merged.sources.order_by("pk")) == [kept, moved]
    assert Source.objects.count() == 2
    assert not Claim.objects.filter(pk=two.pk).exists()


def test_merge_with_next_refuses_the_last_unit_and_changes_nothing():
    article = ArticleFactory(text=MIXED_TEXT)
    last = claim_of(article, 5)
    before = _state(article)
    with pytest.raises(ValidationError) as refused:
        services.merge_with_next(claim=last, editor=None, expected_version=last.version)
    assert refused.value.messages == [services.MERGE_LAST]
    assert _state(article) == before


@pytest.mark.parametrize("text", ["A.\nB.", "A.\n\nB.", "A. \n  B."])
def test_merge_with_next_refuses_across_lines_and_changes_nothing(text):
    article = ArticleFactory(text=text)
    first = claim_of(article, 1)
    before = _state(article)
    with pytest.raises(ValidationError) as refused:
        services.merge_with_next(
            claim=first, editor=None, expected_version=first.version
        )
    assert refused.value.messages == [services.MERGE_ACROSS_LINES]
    assert _state(article) == before


@pytest.mark.parametrize("stale_side", ["claim", "next"])
def test_merge_with_next_rejects_stale_versions_and_changes_nothing(stale_side):
    article = ArticleFactory(text="One. Two. Three.")
    one, two = claim_of(article, 1), claim_of(article, 2)
    changed = _with_verdict(one if stale_side == "claim" else two)
    before = _state(article)
    with pytest.raises(services.StaleVersion) as stale:
        services.merge_with_next(
            claim=one,
            editor=None,
            expected_version=one.version,
            next_expected_version=two.version,
        )
    assert (stale.value.current.pk, stale.value.current.version) == (
        changed.pk,
        changed.version,
    )
    assert _state(article) == before


@pytest.mark.parametrize(
    ("text", "position", "at"),
    [
        (MIXED_TEXT, 1, 6),
        (MIXED_TEXT, 3, 16),
        ("First part here and more.\nNext line.", 1, 15),
    ],
)
def test_split_then_merge_restores_text_and_offsets(text, position, at):
    article = ArticleFactory(text=text)
    original = _spans(article)
    claim = claim_of(article, position)
    first, _ = services.split_claim(
        claim=claim, at=at, editor=None, expected_version=claim.version
    )
    assert len(_spans(article)) == len(original) + 1
    services.merge_with_next(claim=first, editor=None, expected_version=first.version)
    assert _spans(article) == original
    assert Article.objects.get(pk=article.pk).text == text


def test_split_claim_on_an_article_with_many_claims():
    article = ArticleFactory(text=sentences(300))
    before = _claims_in_order(article)
    assert len(before) == 300
    claim = before[1]
    first, second = services.split_claim(
        claim=claim, at=8, editor=None, expected_version=claim.version
    )
    after = _claims_in_order(article)
    assert [c.position for c in after] == list(range(1, 302))
    assert (first.text, second.text) == ("Sentence", claim.text[9:])
    assert [c.pk for c in after[3:]] == [c.pk for c in before[2:]]


def test_split_claim_queries_do_not_grow_with_later_claims(
    django_assert_max_num_queries, task_queue
):
    def queries_for(count: int, start: int) -> int:
        article = ArticleFactory(text=sentences(count, start=start))
        claim = claim_of(article, 2)
        with (
            # The split itself (lock, shift, update, insert, history) and then
            # the article's analysis queued (a fixed six).
            django_assert_max_num_queries(16),
            CaptureQueriesContext(connection) as context,
        ):
            services.split_claim(
                claim=claim, at=8, editor=None, expected_version=claim.version
            )
        assert len(_claims_in_order(article)) == count + 1
        return len(context)

    assert queries_for(30, 1000) == queries_for(300, 2000)


def test_merge_with_next_queries_do_not_grow_with_later_claims(
    django_assert_max_num_queries, task_queue
):
    def queries_for(count: int, start: int) -> int:
        article = ArticleFactory(
            text=" ".join(f"Unit {n}." for n in range(start, start + count))
        )
        claim = claim_of(article, 2)
        add_source(claim_of(article, 3))
        with (
            # Lock, neighbour, gap, sources moved and recorded, comments moved,
            # delete (with its cascades: corrections, comments, sketch, reuse
            # links) and its history, positions, the update and its history,
            # then the article's analysis queued (a fixed six).
            django_assert_max_num_queries(27),
            CaptureQueriesContext(connection) as context,
        ):
            services.merge_with_next(
                claim=claim, editor=None, expected_version=claim.version
            )
        assert len(_claims_in_order(article)) == count - 1
        return len(context)

    assert queries_for(30, 1000) == queries_for(300, 2000)


TWICE = "Already here. Twice."


@pytest.fixture
def deleted_article():
    article = ArticleFactory(title="Secret draft", text=TWICE)
    services.delete_article(article=article, by=None)
    return article


def test_a_deleted_articles_text_imports_as_new_without_naming_it(deleted_article):
    editor = UserFactory(role="editor")
    article = services.import_article(text=TWICE, title="Fresh", imported_by=editor)
    assert article.pk != deleted_article.pk
    assert (article.title, article.deleted_at) == ("Fresh", None)
    assert Article.objects.filter(sha256=article.sha256).count() == 2
    # Now the live copy is the one a third import is refused for.
    with pytest.raises(ImportRefused) as refused:
        services.import_article(text=TWICE, title="Third", imported_by=editor)
    assert f"article {article.pk}" in refused.value.message
    assert "Secret draft" not in refused.value.message


def test_an_admin_importing_a_deleted_articles_text_is_offered_its_restore(
    deleted_article,
):
    admin = UserFactory(role="admin")
    with pytest.raises(ImportRefused) as refused:
        services.plan_import(text=TWICE, title="Again", imported_by=admin)
    assert refused.value.code == "duplicate"
    assert refused.value.message == services.DUPLICATE_DELETED.format(
        id=deleted_article.pk, title="Secret draft"
    )
    assert "restore it" in refused.value.message
    assert Article.objects.count() == 1


def test_a_new_version_may_take_a_deleted_articles_text(deleted_article):
    from annotations.services import versions

    editor = UserFactory(role="editor")
    article = ArticleFactory(text="Something else. Entirely.")
    versions.import_new_version(article=article, text=TWICE, imported_by=editor)
    assert Article.objects.get(pk=article.pk).text == TWICE


def test_restoring_is_refused_while_a_live_article_has_the_same_text(
    deleted_article,
):
    admin = UserFactory(role="admin")
    live = services.import_article(
        text=TWICE, title="Fresh", imported_by=UserFactory(role="editor")
    )
    with pytest.raises(ValidationError) as refused:
        services.restore_article(article=deleted_article, by=admin)
    assert refused.value.messages == [
        services.RESTORE_DUPLICATE.format(id=live.pk, title="Fresh")
    ]
    assert Article.objects.get(pk=deleted_article.pk).deleted_at is not None
    services.delete_article(article=live, by=admin)
    services.restore_article(article=deleted_article, by=admin)
    assert Article.objects.get(pk=deleted_article.pk).deleted_at is None


def test_the_database_allows_one_live_article_per_text(deleted_article):
    row = {"title": "Copy", "language": "en", "text": TWICE}
    row["sha256"] = deleted_article.sha256
    Article.objects.create(**row)
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.create(**row)


CREDENTIALS = [
    "https://user:secret@example.org/report",
    "https://user@example.org/report",
    "http://:secret@example.org/",
]
# Each bidi control hidden in an otherwise good address.
BIDI = [
    f"https://example.org/{chr(code)}gpj.exe"
    for code in (0x200E, 0x200F, 0x202A, 0x202E, 0x2066, 0x2069, 0x061C)
]


@pytest.mark.parametrize("url", CREDENTIALS)
def test_add_source_refuses_addresses_with_credentials(url):
    claim = claim_of(ArticleFactory())
    with pytest.raises(ValidationError) as refused:
        add_source(claim, url=url)
    assert refused.value.messages == [services.URL_CREDENTIALS]
    assert "secret" not in refused.value.messages[0]
    assert not Source.objects.exists()


@pytest.mark.parametrize("url", BIDI)
def test_add_source_refuses_addresses_with_bidi_controls(url):
    claim = claim_of(ArticleFactory())
    with pytest.raises(ValidationError, match="direction-control character") as no:
        add_source(claim, url=url)
    assert f"U+{ord(url[20]):04X}" in no.value.messages[0]
    assert not Source.objects.exists()


@pytest.mark.parametrize("url", [CREDENTIALS[0], BIDI[3]])
def test_import_refuses_article_addresses_with_credentials_or_bidi(url):
    with pytest.raises(ImportRefused) as refused:
        services.import_article(text="A sentence.", title="T", url=url)
    assert refused.value.code == "url"
    assert not Article.objects.exists()


def test_an_at_sign_in_the_path_is_not_a_credential():
    claim = claim_of(ArticleFactory())
    source = add_source(claim, url="https://example.org/@desk/report?by=a@b.org")
    assert source.url == "https://example.org/@desk/report?by=a@b.org"


# Public ids: what public links name claims by


def _public_ids(article: Article) -> dict[str, str]:
    """Each claim's text, by its public id."""
    return dict(article.claims.values_list("public_id", "text"))


def test_import_gives_every_claim_its_own_public_id():
    first = ArticleFactory(text=sentences(6, start=100))
    second = ArticleFactory(text=sentences(6, start=200))
    ids = [
        *first.claims.values_list("public_id", flat=True),
        *second.claims.values_list("public_id", flat=True),
    ]
    assert len(ids) == len(set(ids)) == 12
    for public_id in ids:
        assert len(public_id) == 12 and public_id.isalnum() and public_id.islower()
        assert not public_id.isdigit()


def test_public_ids_drawn_at_once_replace_an_all_digit_one(monkeypatch):
    draws = iter([bytes([26]) * 12 + bytes(range(12)), bytes(10)])
    # Byte 26 is the letter "2": the first id drawn reads as a database id.
    monkeypatch.setattr(models.secrets, "token_bytes", lambda size: next(draws))
    assert models.new_public_ids(2) == ["aaaaaaaaaaaa", "abcdefghijkl"]


def test_two_claims_cannot_share_a_public_id():
    article = ArticleFactory(text="One. Two.")
    one, two = claim_of(article, 1), claim_of(article, 2)
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.filter(pk=two.pk).update(public_id=one.public_id)


def test_split_keeps_the_public_id_on_the_first_part_and_gives_the_second_a_new_one():
    article = ArticleFactory(text="One, and two. Three. Four.")
    claim, later, last = (claim_of(article, n) for n in (1, 2, 3))
    before = _public_ids(article)
    first, second = services.split_claim(
        claim=claim, at=5, editor=None, expected_version=claim.version
    )
    assert first.public_id == claim.public_id
    assert second.public_id not in before
    assert _public_ids(article) == {
        claim.public_id: "One,",
        second.public_id: "and two.",
        later.public_id: "Three.",
        last.public_id: "Four.",
    }


def test_merge_keeps_the_first_claims_public_id_and_the_later_claims_theirs():
    article = ArticleFactory(text="One. Two. Three. Four.")
    one, two, three, four = (claim_of(article, n) for n in (1, 2, 3, 4))
    merged = services.merge_with_next(
        claim=one, editor=None, expected_version=one.version
    )
    assert merged.public_id == one.public_id
    assert _public_ids(article) == {
        one.public_id: "One. Two.",
        three.public_id: "Three.",
        four.public_id: "Four.",
    }
    assert two.public_id not in _public_ids(article)


def test_import_stores_backslashes_tabs_and_line_breaks_exactly():
    # PostgreSQL's COPY text format escapes these four; SQLite takes them as
    # they are. Either way each claim is its exact slice of the text.
    text = (
        "The path was C:\\new\\table, said the clerk.\tTabs\tstay.\r\n"
        "A line with \\t literally in it.\n\\\\ Two backslashes open this one."
    )
    article = services.import_article(text=text, title="Escapes", imported_by=None)
    claims = list(article.claims.order_by("position"))
    assert len(claims) >= 3
    stored = Article.objects.get(pk=article.pk).text
    for claim in claims:
        assert claim.text == stored[claim.start : claim.end]
        assert claim.prefix == stored[max(0, claim.start - CONTEXT) : claim.start]
        assert claim.suffix == stored[claim.end : claim.end + CONTEXT]
    assert any("C:\\new\\table" in claim.text for claim in claims)
    assert any(claim.text.startswith("\\\\ Two") for claim in claims)
