"""Exports in every format, through the API and the export_verdicts command,
checked against the stored claims of the real (Chinese) seed article."""

import csv
import datetime
import io
import json

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext

from annotations import exporters, services
from annotations.models import Article, Claim, Kind, Stance, Status, Verdict

from .factories import (
    ArticleFactory,
    UserFactory,
    add_source,
    claim_of,
    fresh,
    judge,
    publish,
    sentences,
)
from .helpers import API, body_of, utc

pytestmark = pytest.mark.django_db

URLS = {
    "json": f"{API}/export/verdicts.json",
    "csv": f"{API}/export/verdicts.csv",
    "claimreview": f"{API}/export/claimreview.jsonld",
    "w3c": f"{API}/export/annotations.jsonld",
}
SEED_URL = "https://news.example.org/nvidia-scientists"
SEED_TITLE = "清华AI科学家跳槽美国"
DRAFT = "DRAFT-ONLY rationale: still checking with the university."
WITHDRAWN = "WITHDRAWN rationale: the source was retracted."
FORMULA = '=HYPERLINK("https://evil.example","click")'
# Positions in the seed article: the first unit (nothing before it), a claim
# with sources, one right after boilerplate with no gap, two adjacent claims,
# and the last unit.
VERDICTS = {
    1: (Verdict.VERIFIED, "Both posted photos with Jensen Huang on June 28."),
    5: (Verdict.MISSTATED, "The second scientist is 焦剑涛, not 焦建涛."),
    8: (Verdict.DISPUTED, FORMULA),
    24: (Verdict.VERIFIED, ""),
    25: (Verdict.DISPUTED, "Salaries are not public; 百万美元 is an estimate."),
    55: (Verdict.MISSTATED, "Boilerplate, made a claim for the test."),
}
UNREVIEWED_WITH_DRAFT = 11
WITHDRAWN_POSITION = 13


@pytest.fixture
def reviewer():
    return UserFactory(username="reviewer", role="reviewer")


def judge_and_publish(claim: Claim, verdict: str, editor, reviewer) -> Claim:
    """A published verdict with one source (approval needs evidence)."""
    judge(claim, verdict, editor=editor)
    add_source(claim, added_by=editor)
    return publish(claim, reviewer)


@pytest.fixture
def seed(seed_text, editor, reviewer) -> Article:
    """The demo article with published verdicts, sources, a rationale on an
    unreviewed claim and a withdrawn verdict."""
    article = services.import_article(
        text=seed_text,
        title=SEED_TITLE,
        url=SEED_URL,
        publisher="Example News",
        published_on=datetime.date(2025, 6, 30),
        imported_by=editor,
    )
    last = claim_of(article, 55)  # only claims are published: not boilerplate
    services.set_kind(
        claim=last, kind=Kind.CLAIM, editor=editor, expected_version=last.version
    )
    for position, (verdict, rationale) in VERDICTS.items():
        judge(claim_of(article, position), verdict, rationale, editor=editor)
    misstated = claim_of(article, 5)
    add_source(
        misstated,
        url="https://example.edu/people/jiao",
        title="Profile of Jiantao Jiao",
        publisher="Example University",
        quote="焦剑涛 (Jiantao Jiao)",
        stance=Stance.REFUTES,
        accessed_on=datetime.date(2025, 7, 1),
        added_by=editor,
    )
    add_source(misstated, url="http://example.org/news", title="News report")
    for position in VERDICTS:
        claim = claim_of(article, position)
        if not claim.sources.exists():
            add_source(claim, url=f"https://example.org/evidence/{position}")
        publish(claim, reviewer)
    draft = claim_of(article, UNREVIEWED_WITH_DRAFT)
    services.edit_claim(
        claim=draft, editor=editor, expected_version=draft.version, rationale=DRAFT
    )
    withdrawn = judge(
        claim_of(article, WITHDRAWN_POSITION), Verdict.VERIFIED, WITHDRAWN, editor
    )
    services.edit_claim(
        claim=withdrawn,
        editor=editor,
        expected_version=withdrawn.version,
        verdict=Verdict.UNREVIEWED,
    )
    return article


@pytest.fixture
def draft_article() -> Article:
    """An article nobody has reviewed yet: nothing of it is public."""
    return ArticleFactory(
        title="UNPUBLISHED draft article",
        text="Secret claim one about the merger. Secret claim two about the price.",
        url="https://news.example.org/draft",
    )


def download(client, format_name: str, **params):
    response = client.get(URLS[format_name], params)
    assert response.status_code == 200, getattr(response, "content", b"")
    return response


def export_text(client, format_name: str, **params) -> str:
    return body_of(download(client, format_name, **params))


def no_duplicate_keys(pairs: list) -> dict:
    keys = [key for key, _ in pairs]
    assert len(keys) == len(set(keys)), f"duplicate keys: {keys}"
    return dict(pairs)


def parse(format_name: str, text: str):
    """An export's text as Python data; CSV as a list of dicts."""
    if format_name == "csv":
        assert text.startswith("\ufeff")
        rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
        assert rows[0] == list(exporters.CSV_COLUMNS)
        return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    return json.loads(text, object_pairs_hook=no_duplicate_keys)


def exported(client, format_name: str, **params):
    return parse(format_name, export_text(client, format_name, **params))


def items_of(format_name: str, data) -> list[dict]:
    return data["first"]["items"] if format_name == "w3c" else data


def exported_texts(format_name: str, data) -> list[str]:
    """The claim text of each item of an export."""
    if format_name == "claimreview":
        return [review["claimReviewed"] for review in data]
    if format_name == "w3c":
        return [
            annotation["target"]["selector"][0]["exact"]
            for annotation in items_of("w3c", data)
        ]
    return [row["text"] for row in data]


def reviewed(article: Article) -> list[Claim]:
    return list(
        article.claims.exclude(verdict=Verdict.UNREVIEWED)
        .select_related("verdict_by")
        .order_by("id")
    )


# JSON


def expected_row(claim: Claim, article: Article) -> dict:
    return {
        "article_id": article.pk,
        "article_title": article.title,
        "article_url": article.url,
        "claim_id": claim.pk,
        "public_id": claim.public_id,
        "position": claim.position,
        "start": claim.start,
        "end": claim.end,
        "text": claim.text,
        "kind": claim.kind,
        "verdict": claim.verdict,
        "status": claim.status,
        "rationale": claim.rationale,
        "verdict_by": claim.verdict_by.username if claim.verdict_by else None,
        "verdict_at": utc(claim.verdict_at),
        "published_at": utc(claim.published_at),
        "updated_at": utc(claim.updated_at),
        "version": claim.version,
        "sources": [
            {
                "url": source.url,
                "title": source.title,
                "publisher": source.publisher,
                "quote": source.quote,
                "stance": source.stance,
                "accessed_on": (
                    source.accessed_on.isoformat() if source.accessed_on else None
                ),
                "link_state": "unchecked",
                "archive": None,
            }
            for source in claim.sources.order_by("id")
        ],
        "claimant": claim.claimant.name if claim.claimant else None,
        "claimant_type": claim.claimant.type if claim.claimant else None,
        "claimant_role": claim.claimant.role if claim.claimant else None,
        "appearance_url": claim.appearance_url,
        "appearance_date": (
            claim.appearance_date.isoformat() if claim.appearance_date else None
        ),
    }


def test_json_export_has_one_object_per_claim_for_an_editor(editor_api, seed):
    rows = exported(editor_api, "json")
    claims = list(seed.claims.select_related("verdict_by").order_by("id"))
    assert len(rows) == len(claims) == 55
    assert rows == [expected_row(claim, seed) for claim in claims]


def test_json_export_rows_carry_the_verdict_and_the_sources(editor_api, seed, editor):
    rows = {row["position"]: row for row in exported(editor_api, "json")}
    row = rows[5]
    claim = claim_of(seed, 5)
    assert row["text"] == claim.text == seed.text[claim.start : claim.end]
    assert "焦建涛" in row["text"]
    assert row["verdict"] == Verdict.MISSTATED
    assert row["rationale"] == "The second scientist is 焦剑涛, not 焦建涛."
    assert row["verdict_by"] == "editor"
    assert row["verdict_at"].endswith("Z")
    assert (row["article_id"], row["article_title"], row["article_url"]) == (
        seed.pk,
        SEED_TITLE,
        SEED_URL,
    )
    assert row["sources"] == [
        {
            "url": "https://example.edu/people/jiao",
            "title": "Profile of Jiantao Jiao",
            "publisher": "Example University",
            "quote": "焦剑涛 (Jiantao Jiao)",
            "stance": Stance.REFUTES,
            "accessed_on": "2025-07-01",
            "link_state": "unchecked",
            "archive": None,
        },
        {
            "url": "http://example.org/news",
            "title": "News report",
            "publisher": "Example",
            "quote": "A passage.",
            "stance": Stance.SUPPORTS,
            "accessed_on": None,
            "link_state": "unchecked",
            "archive": None,
        },
    ]
    assert rows[4]["kind"] == Kind.HEADING
    assert rows[2]["verdict"] == Verdict.UNREVIEWED
    assert rows[2]["verdict_by"] is None
    assert rows[2]["verdict_at"] is None


def test_json_export_filters_by_article(editor_api, seed, draft_article):
    rows = exported(editor_api, "json", article=draft_article.pk)
    assert [row["text"] for row in rows] == [
        "Secret claim one about the merger.",
        "Secret claim two about the price.",
    ]
    assert {row["article_id"] for row in exported(editor_api, "json")} == {
        seed.pk,
        draft_article.pk,
    }


def test_json_export_filters_by_verdict(editor_api, seed):
    rows = exported(editor_api, "json", verdict=Verdict.MISSTATED)
    assert [row["position"] for row in rows] == [5, 55]


def test_json_export_filters_by_updated_since(editor_api, seed, editor):
    since = fresh(claim_of(seed, 55)).updated_at
    later = judge(claim_of(seed, 30), Verdict.VERIFIED, "Late.", editor=editor)
    rows = exported(editor_api, "json", updated_since=since.isoformat())
    expected = Claim.objects.filter(updated_at__gte=since).order_by("id")
    assert [row["claim_id"] for row in rows] == [c.pk for c in expected]
    assert {55, later.position} <= {row["position"] for row in rows}
    assert 1 not in {row["position"] for row in rows}
    assert len(rows) < 55


def test_json_export_for_anonymous_clients_has_only_published_verdicts(anon, seed):
    rows = exported(anon, "json")
    assert [row["claim_id"] for row in rows] == [c.pk for c in reviewed(seed)]
    assert sorted(row["position"] for row in rows) == sorted(VERDICTS)
    assert all(row["verdict"] != Verdict.UNREVIEWED for row in rows)
    assert {row["status"] for row in rows} == {Status.PUBLISHED}
    assert all(row["published_at"].endswith("Z") for row in rows)
    text = export_text(anon, "json")
    assert DRAFT not in text
    assert WITHDRAWN not in text


def test_json_export_of_unreviewed_claims_is_empty_for_anonymous_clients(anon, seed):
    assert exported(anon, "json", verdict=Verdict.UNREVIEWED) == []


@pytest.mark.parametrize(
    ("param", "value"),
    [
        ("article", "abc"),
        ("article", "0"),
        ("verdict", "bogus"),
        ("updated_since", "yesterday"),
        ("verdicts", "verified"),
    ],
)
def test_exports_refuse_bad_filters(anon, seed, param, value):
    for url in URLS.values():
        response = anon.get(url, {param: value})
        assert response.status_code == 400
        assert list(response.json()) == [param]


# CSV


def test_csv_export_starts_with_a_bom_and_the_header(editor_api, seed):
    response = download(editor_api, "csv")
    raw = b"".join(response.streaming_content)
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw.count(b"\xef\xbb\xbf") == 1
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="verdicts.csv"'
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert tuple(rows[0]) == exporters.CSV_COLUMNS
    assert len(rows) == 1 + 55


def test_csv_export_round_trips_chinese_text(editor_api, seed):
    rows = exported(editor_api, "csv")
    by_position = {int(row["position"]): row for row in rows}
    for claim in seed.claims.all():
        row = by_position[claim.position]
        if not claim.text.startswith(("=", "+", "-", "@")):
            assert row["text"] == claim.text
        assert (int(row["start"]), int(row["end"])) == (claim.start, claim.end)
    assert by_position[5]["rationale"] == "The second scientist is 焦剑涛, not 焦建涛."
    assert by_position[1]["article_title"] == SEED_TITLE
    sources = json.loads(by_position[5]["sources"])
    assert [s["quote"] for s in sources] == ["焦剑涛 (Jiantao Jiao)", "A passage."]
    assert json.loads(by_position[2]["sources"]) == []


def test_csv_export_defuses_cells_that_start_a_formula(editor_api, seed):
    by_position = {int(row["position"]): row for row in exported(editor_api, "csv")}
    assert by_position[8]["rationale"] == "'" + FORMULA
    # The JSON export keeps the value as written.
    rows = {row["position"]: row for row in exported(editor_api, "json")}
    assert rows[8]["rationale"] == FORMULA


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_csv_export_defuses_every_formula_start(editor_api, editor, start):
    claim = claim_of(ArticleFactory(text="One claim here. Another one."))
    judge(claim, Verdict.DISPUTED, f"{start}1+1", editor=editor)
    (row,) = exported(editor_api, "csv", verdict=Verdict.DISPUTED)
    assert row["rationale"] == f"'{start}1+1"


def test_csv_export_for_anonymous_clients_has_only_published_verdicts(anon, seed):
    rows = exported(anon, "csv")
    assert sorted(int(row["position"]) for row in rows) == sorted(VERDICTS)
    assert {row["status"] for row in rows} == {Status.PUBLISHED}
    assert {row["verdict"] for row in rows} <= {
        Verdict.VERIFIED,
        Verdict.DISPUTED,
        Verdict.MISSTATED,
    }


# schema.org ClaimReview

RATINGS = {
    Verdict.MISSTATED: (1, "Misstated"),
    Verdict.DISPUTED: (2, "Disputed"),
    Verdict.VERIFIED: (3, "Verified"),
}


@pytest.mark.parametrize("as_editor", [False, True])
def test_claimreview_has_one_review_per_claim_with_a_verdict(
    anon, editor_api, seed, as_editor
):
    reviews = exported(editor_api if as_editor else anon, "claimreview")
    claims = reviewed(seed)
    assert len(reviews) == len(claims) == len(VERDICTS)
    for review, claim in zip(reviews, claims, strict=True):
        assert review["@context"] == "https://schema.org"
        assert review["@type"] == "ClaimReview"
        assert review["claimReviewed"] == claim.text
        assert (
            review["url"] == f"http://testserver/r/{seed.pk}/#claim-{claim.public_id}"
        )
        value, label = RATINGS[claim.verdict]
        assert review["reviewRating"] == {
            "@type": "Rating",
            "ratingValue": value,
            "bestRating": 3,
            "worstRating": 1,
            "alternateName": label,
        }
        assert review["author"] == {
            "@type": "Organization",
            "name": settings.FACTCHECK_ORGANISATION,
        }
        assert review["datePublished"] == claim.published_at.date().isoformat()
        assert review["dateModified"] == utc(claim.updated_at)
        assert review["creativeWorkStatus"] == "Published"
        assert review["inLanguage"] == "zh"
        item = review["itemReviewed"]
        assert item["@type"] == "Claim"
        # Without an appearance of its own, the claim appeared in the article.
        assert item["appearance"] == {
            "@type": "CreativeWork",
            "url": SEED_URL,
            "datePublished": "2025-06-30",
        }
        assert item["author"] == {"@type": "Organization", "name": "Example News"}
        assert item["datePublished"] == "2025-06-30"
        if claim.rationale:
            assert review["reviewBody"] == claim.rationale
        else:
            assert "reviewBody" not in review


def test_claimreview_urls_point_at_anchors_on_the_public_report(anon, client, seed):
    page = client.get(f"/r/{seed.pk}/")
    assert page.status_code == 200
    for review in exported(anon, "claimreview"):
        path, anchor = review["url"].removeprefix("http://testserver").split("#")
        assert path == f"/r/{seed.pk}/"
        assert f'id="{anchor}"' in page.content.decode()


def test_claimreview_of_an_article_without_url_or_publisher(anon, editor, reviewer):
    article = ArticleFactory(
        title="Plain", text="Only English words here. And more.", url="", publisher=""
    )
    judge_and_publish(claim_of(article), Verdict.VERIFIED, editor, reviewer)
    (review,) = exported(anon, "claimreview")
    assert review["itemReviewed"]["author"]["name"] == "Plain"
    assert "appearance" not in review["itemReviewed"]
    assert review["inLanguage"] == "en"


# W3C Web Annotation


def test_w3c_export_is_an_annotation_collection(anon, seed):
    data = exported(anon, "w3c")
    assert data["@context"] == "http://www.w3.org/ns/anno.jsonld"
    assert data["type"] == "AnnotationCollection"
    assert data["id"] == f"http://testserver{URLS['w3c']}"
    page = data["first"]
    assert page["type"] == "AnnotationPage"
    assert page["id"] == data["last"]  # the one page is the first and the last
    assert data["total"] == len(page["items"]) == len(VERDICTS)


def selectors(annotation: dict) -> dict[str, dict]:
    found = {}
    for selector in annotation["target"]["selector"]:
        assert selector["type"] not in found
        found[selector["type"]] = selector
    return found


@pytest.mark.parametrize("as_editor", [False, True])
def test_w3c_annotations_anchor_each_verdict_in_the_article_text(
    anon, editor_api, seed, as_editor
):
    text = seed.text
    items = exported(editor_api if as_editor else anon, "w3c")["first"]["items"]
    claims = reviewed(seed)
    assert len(items) == len(claims)
    for annotation, claim in zip(items, claims, strict=True):
        assert annotation["id"] == f"http://testserver{API}/claims/{claim.public_id}/"
        assert annotation["type"] == "Annotation"
        assert annotation["motivation"] == "assessing"
        assert annotation["created"] == utc(claim.verdict_at)
        assert annotation["modified"] == utc(claim.updated_at)
        assert annotation["created"].endswith("Z")
        assert annotation["modified"].endswith("Z")
        assert annotation["creator"]["nickname"] == "editor"
        assert annotation["target"]["source"] == SEED_URL
        found = selectors(annotation)
        assert set(found) == {"TextQuoteSelector", "TextPositionSelector"}
        quote, position = found["TextQuoteSelector"], found["TextPositionSelector"]
        assert quote["exact"] == claim.text
        start, end = position["start"], position["end"]
        assert (start, end) == (claim.start, claim.end)
        assert text[start:end] == quote["exact"]
        prefix = text[max(0, start - 32) : start]
        suffix = text[end : end + 32]
        assert quote.get("prefix", "") == prefix
        assert quote.get("suffix", "") == suffix
        assert ("prefix" in quote) == bool(prefix)
        assert ("suffix" in quote) == bool(suffix)


def test_w3c_quote_context_at_the_edges_of_the_article(anon, seed):
    items = {
        selectors(a)["TextPositionSelector"]["start"]: selectors(a)["TextQuoteSelector"]
        for a in exported(anon, "w3c")["first"]["items"]
    }
    first = items[0]
    assert "prefix" not in first  # position 1 starts the text
    assert first["suffix"] == seed.text[53:85]
    adjacent = items[claim_of(seed, 25).start]  # no space between 24 and 25
    assert adjacent["prefix"].endswith(claim_of(seed, 24).text[-5:])
    assert len(adjacent["prefix"]) == 32
    last = items[claim_of(seed, 55).start]
    assert last.get("suffix", "") == seed.text[claim_of(seed, 55).end :]


def test_w3c_bodies_hold_the_verdict_the_rationale_and_the_sources(anon, seed):
    items = {
        selectors(a)["TextPositionSelector"]["start"]: a
        for a in exported(anon, "w3c")["first"]["items"]
    }
    body = items[claim_of(seed, 5).start]["body"]
    assert body[0]["type"] == "TextualBody"
    assert body[0]["purpose"] == "assessing"
    assert body[0]["value"] == Verdict.MISSTATED
    assert body[1] == {
        "type": "TextualBody",
        "purpose": "describing",
        "value": "The second scientist is 焦剑涛, not 焦建涛.",
        "format": "text/plain",
    }
    assert body[2:] == [
        {
            "type": "SpecificResource",
            "source": "https://example.edu/people/jiao",
            "purpose": "linking",
        },
        {
            "type": "SpecificResource",
            "source": "http://example.org/news",
            "purpose": "linking",
        },
    ]
    # No rationale: no describing body, only the verdict and the source.
    no_rationale = items[claim_of(seed, 24).start]["body"]
    assert [b["purpose"] for b in no_rationale] == ["assessing", "linking"]
    assert no_rationale[0]["value"] == Verdict.VERIFIED


def test_w3c_every_body_has_a_type_and_no_bare_iri_purpose(anon, seed):
    for annotation in exported(anon, "w3c")["first"]["items"]:
        for body in annotation["body"]:
            assert isinstance(body, dict)
            assert body["type"] in ("TextualBody", "SpecificResource")
            if body["type"] == "SpecificResource":
                assert set(body) == {"type", "source", "purpose"}


def test_w3c_total_counts_only_the_items_that_match_the_filters(anon, seed):
    data = exported(anon, "w3c", verdict=Verdict.DISPUTED)
    assert data["total"] == len(data["first"]["items"]) == 2
    empty = exported(anon, "w3c", verdict=Verdict.UNREVIEWED)
    assert empty["total"] == 0
    assert empty["first"]["items"] == []


def test_w3c_target_falls_back_to_the_api_address_without_an_article_url(
    anon, editor, reviewer
):
    article = ArticleFactory(text="One claim here. Another one.", url="")
    judge_and_publish(claim_of(article), Verdict.VERIFIED, editor, reviewer)
    (annotation,) = exported(anon, "w3c")["first"]["items"]
    assert annotation["target"]["source"] == (
        f"http://testserver{API}/articles/{article.pk}/"
    )


# Content types and streaming


@pytest.mark.parametrize(
    ("format_name", "filename"),
    [
        ("json", "verdicts.json"),
        ("csv", "verdicts.csv"),
        ("claimreview", "claimreview.jsonld"),
        ("w3c", "annotations.jsonld"),
    ],
)
def test_exports_are_streamed_attachments(anon, seed, format_name, filename):
    response = download(anon, format_name)
    assert response.streaming is True
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == exporters.FORMATS[format_name].media_type
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    assert parse(format_name, body_of(response))


@pytest.mark.parametrize("format_name", URLS)
def test_exports_of_nothing_are_valid_and_empty(anon, format_name):
    data = exported(anon, format_name)
    assert items_of(format_name, data) == []


# Query counts


def judged_article(
    count: int, start: int, reviewed_count: int, editor, reviewer
) -> None:
    """Published verdicts with two sources each, then drafts, then the rest."""
    article = ArticleFactory(text=sentences(count, start=start), imported_by=editor)
    claims = list(article.claims.order_by("position"))
    for n, claim in enumerate(claims[:reviewed_count]):
        judge(claim, Verdict.DISPUTED, f"Rationale {claim.position}.", editor=editor)
        add_source(claim, added_by=editor)
        add_source(claim, url="https://example.org/second", added_by=editor)
        if n % 2 == 0:
            publish(claim, reviewer)


def queries_for(client, url: str) -> tuple[int, int]:
    """(queries, bytes) of one whole export, streaming included."""
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
        size = len(b"".join(response.streaming_content))
    assert response.status_code == 200
    return len(context), size


@pytest.mark.parametrize("format_name", URLS)
@pytest.mark.parametrize("as_editor", [False, True])
def test_export_queries_do_not_grow_with_claims(
    anon, editor_api, editor, reviewer, format_name, as_editor
):
    client = editor_api if as_editor else anon
    judged_article(5, 0, 3, editor, reviewer)
    few, few_size = queries_for(client, URLS[format_name])
    judged_article(300, 1000, 120, editor, reviewer)
    many, many_size = queries_for(client, URLS[format_name])
    assert many_size > 10 * few_size  # the second export really is bigger
    assert many == few
    # Claims, sources and (W3C) the total; signed in, also the session, the
    # user and their permissions (two reads); anonymous, the throttle's count
    # in the cache shared by all workers (a database table: its read and
    # write take six statements).
    assert many <= (7 if as_editor else 9)


# The export_verdicts command


def run_export(tmp_path, format_name: str, *args: str):
    out = tmp_path / f"export.{format_name}"
    call_command("export_verdicts", "--format", format_name, "--out", str(out), *args)
    return parse(format_name, out.read_text(encoding="utf-8"))


@pytest.fixture
def same_host(settings):
    """Command exports link to the host the API tests ask."""
    settings.FACTCHECK_BASE_URL = "http://testserver"


@pytest.mark.parametrize("format_name", URLS)
def test_export_command_writes_what_the_api_gives_an_editor(
    tmp_path, editor_api, seed, draft_article, same_host, format_name
):
    assert run_export(tmp_path, format_name) == exported(editor_api, format_name)


@pytest.mark.parametrize("format_name", URLS)
def test_export_command_filters_by_article(
    tmp_path, editor_api, seed, draft_article, same_host, format_name
):
    from_command = run_export(tmp_path, format_name, "--article", str(seed.pk))
    from_api = exported(editor_api, format_name, article=seed.pk)
    assert items_of(format_name, from_command) == items_of(format_name, from_api)
    assert exported_texts(format_name, from_command)
    assert "Secret claim one about the merger." not in exported_texts(
        format_name, from_command
    )


def test_export_command_keeps_to_one_review_status(tmp_path, seed, editor):
    unjudged = seed.claims.filter(status=Status.UNREVIEWED).last()
    judge(unjudged, Verdict.DISPUTED, "A draft.", editor=editor)
    rows = run_export(tmp_path, "json", "--status", "published")
    assert rows and {row["status"] for row in rows} == {Status.PUBLISHED}
    assert unjudged.position not in {row["position"] for row in rows}
    drafts = run_export(tmp_path, "json", "--status", "draft")
    assert [row["position"] for row in drafts] == [unjudged.position]


def test_export_command_writes_to_stdout_without_out(capsys, seed):
    call_command("export_verdicts", "--format", "json", "--verdict", "misstated")
    rows = json.loads(capsys.readouterr().out)
    assert [row["position"] for row in rows] == [5, 55]


def test_export_command_filters_by_updated_since(tmp_path, seed, editor):
    later = judge(claim_of(seed, 30), Verdict.VERIFIED, "Late.", editor=editor)
    since = later.updated_at.isoformat()
    rows = run_export(tmp_path, "json", "--updated-since", since)
    assert [row["claim_id"] for row in rows] == [later.pk]


def test_export_command_csv_keeps_the_bom_and_line_endings(tmp_path, seed):
    out = tmp_path / "verdicts.csv"
    call_command("export_verdicts", "--format", "csv", "--out", str(out))
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in raw
    assert b"\r\r\n" not in raw


@pytest.mark.parametrize(
    "value", ["yesterday", "2025-13-01T00:00:00", "2025-02-30T10:00:00"]
)
def test_export_command_refuses_a_bad_updated_since(tmp_path, value):
    with pytest.raises(CommandError, match="--updated-since"):
        call_command(
            "export_verdicts",
            "--format",
            "json",
            "--updated-since",
            value,
            "--out",
            str(tmp_path / "x.json"),
        )


# Nothing unpublished leaks to anonymous clients

LEAK_FILTERS = [
    {},
    {"article": "SEED"},
    {"article": "DRAFT"},
    {"verdict": Verdict.UNREVIEWED},
    {"updated_since": "2000-01-01T00:00:00Z"},
    {"article": "SEED", "verdict": Verdict.UNREVIEWED},
    {"article": "DRAFT", "updated_since": "2000-01-01T00:00:00Z"},
    {
        "article": "SEED",
        "verdict": Verdict.UNREVIEWED,
        "updated_since": "2000-01-01T00:00:00Z",
    },
]


@pytest.mark.parametrize("format_name", URLS)
@pytest.mark.parametrize("filters", LEAK_FILTERS)
def test_anonymous_exports_never_contain_unreviewed_claims(
    anon, seed, draft_article, format_name, filters
):
    ids = {"SEED": seed.pk, "DRAFT": draft_article.pk}
    params = {k: ids.get(v, v) for k, v in filters.items()}
    text = export_text(anon, format_name, **params)
    for secret in (DRAFT, WITHDRAWN, "Secret claim", "UNPUBLISHED draft article"):
        assert secret not in text
    unreviewed = set(
        Claim.objects.filter(verdict=Verdict.UNREVIEWED).values_list("text", flat=True)
    )
    texts = exported_texts(format_name, parse(format_name, text))
    assert not unreviewed & set(texts)
    assert set(texts) <= {claim.text for claim in reviewed(seed)}


@pytest.mark.parametrize("format_name", URLS)
def test_a_withdrawn_verdict_leaves_the_anonymous_exports(anon, seed, format_name):
    withdrawn = claim_of(seed, WITHDRAWN_POSITION)
    texts = exported_texts(format_name, exported(anon, format_name))
    assert withdrawn.text not in texts
    assert len(texts) == len(VERDICTS)


@pytest.mark.parametrize(
    ("param", "value"),
    [("verdict", "bogus"), ("updated_since", "soon"), ("article", "x")],
)
def test_errors_for_bad_filters_do_not_echo_unpublished_data(
    anon, seed, draft_article, param, value
):
    for url in URLS.values():
        response = anon.get(url, {"article": draft_article.pk, param: value})
        assert response.status_code == 400
        body = response.content.decode()
        for secret in (DRAFT, "Secret claim", "UNPUBLISHED"):
            assert secret not in body


@pytest.mark.parametrize("format_name", URLS)
def test_exports_with_an_out_of_range_article_id_are_empty(anon, seed, format_name):
    response = anon.get(URLS[format_name], {"article": "9" * 20})
    if response.status_code == 400:
        assert list(response.json()) == ["article"]
    else:
        assert response.status_code == 200
        assert items_of(format_name, parse(format_name, body_of(response))) == []


# The format registry: one entry makes a format, everywhere


def _lines(claims, *, urls: dict, organisation: str):
    yield f"{organisation}\n"
    for claim in claims.order_by("id"):
        yield f"{claim.public_id}\t{claim.verdict}\n"


@pytest.fixture
def lines_format():
    """A dummy format registered for one test, with the URLs rebuilt."""
    import importlib

    from django.urls import clear_url_caches

    import annotations.api.urls
    import factcheck.urls

    def reload_urls() -> None:
        importlib.reload(annotations.api.urls)
        importlib.reload(factcheck.urls)
        clear_url_caches()

    lines = exporters.ExportFormat(
        name="lines",
        media_type="text/plain; charset=utf-8",
        filename="verdicts.txt",
        write=_lines,
        summary="Export verdicts as lines",
        description="One line per claim: its public id and verdict.",
    )
    exporters.register(lines)
    reload_urls()
    yield lines
    del exporters.FORMATS["lines"]
    reload_urls()


def test_a_registered_format_is_served_by_the_api(anon, seed, lines_format):
    response = anon.get(f"{API}/export/verdicts.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="verdicts.txt"'
    body = body_of(response).splitlines()
    assert body[0] == settings.FACTCHECK_ORGANISATION
    published = Claim.objects.filter(article=seed, status=Status.PUBLISHED)
    assert len(body) == 1 + published.count()


def test_a_registered_format_is_a_choice_of_the_command(seed, lines_format, capsys):
    call_command("export_verdicts", "--format", "lines")
    out = capsys.readouterr().out.splitlines()
    assert out[0] == settings.FACTCHECK_ORGANISATION
    assert len(out) == 1 + Claim.objects.filter(article=seed).count()


def test_a_registered_format_is_in_the_openapi_schema(lines_format):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    operation = schema["paths"][f"{API}/export/verdicts.txt"]["get"]
    assert operation["summary"] == "Export verdicts as lines"
    assert list(operation["responses"]["200"]["content"]) == ["text/plain"]


def test_the_command_refuses_a_format_nobody_registered():
    with pytest.raises(CommandError, match="invalid choice: 'lines'"):
        call_command("export_verdicts", "--format", "lines")


def test_every_registered_format_has_its_url(anon):
    for name, export_format in exporters.FORMATS.items():
        assert URLS[name] == f"{API}/export/{export_format.filename}"
    assert set(URLS) == set(exporters.FORMATS)


def test_the_readme_lists_every_registered_format():
    readme = (settings.BASE_DIR / "README.md").read_text(encoding="utf-8")
    assert "{" + ",".join(exporters.FORMATS) + "}" in readme
    for export_format in exporters.FORMATS.values():
        assert export_format.filename in readme
