"""Verdicts in the formats other systems read, streamed.

One query reads the claims, a second the sources in the same order; rows are
merged as they stream, so memory stays flat and the query count does not
grow with the number of claims. One writer per format turns rows into text
chunks. FORMATS registers each format (name, media type, file name, writer,
description): the API's export endpoints, the export_verdicts command, the
OpenAPI schema and a README test all read it, so a new format is one
register() call and its test.

ClaimReview follows schema.org and Google's fact-check guide; each verdict's
reviewRating carries its Rating's published numbers (annotations/ratings.py).
W3C Web Annotation output follows the Web Annotation Data Model.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.db.models import F, QuerySet
from django.urls import reverse

from . import ratings
from .models import Claim, ClaimantType, Source, Status, Verdict

# schema.org creativeWorkStatus: where the review is in the desk's workflow.
STATUS_LABELS = {
    Status.UNREVIEWED: "Unreviewed",
    Status.DRAFT: "Draft",
    Status.REJECTED: "Rejected",
    Status.APPROVED: "Approved",
    Status.PUBLISHED: "Published",
}
# BCP 47 tags; "mul" is the registered tag for content in several languages.
LANGUAGE_TAGS = {"zh": "zh", "en": "en", "mixed": "mul"}
W3C_CONTEXT = "http://www.w3.org/ns/anno.jsonld"

CSV_COLUMNS = (
    "article_id",
    "article_title",
    "article_url",
    "claim_id",
    "public_id",
    "position",
    "start",
    "end",
    "text",
    "kind",
    "verdict",
    "status",
    "rationale",
    "verdict_by",
    "verdict_at",
    "published_at",
    "updated_at",
    "version",
    "sources",
    "claimant",
    "claimant_type",
    "claimant_role",
    "appearance_url",
    "appearance_date",
)
# schema.org types of a claimant (itemReviewed.author).
CLAIMANT_TYPES = {
    ClaimantType.PERSON: "Person",
    ClaimantType.ORGANISATION: "Organization",
}
_CLAIM_FIELDS = {
    "claim_id": F("id"),
    "article_title": F("article__title"),
    "article_url": F("article__url"),
    "article_publisher": F("article__publisher"),
    "article_language": F("article__language"),
    "article_published_on": F("article__published_on"),
    "verdict_by_name": F("verdict_by__username"),
    "claimant_name": F("claimant__name"),
    "claimant_type": F("claimant__type"),
    "claimant_role": F("claimant__role"),
}
_SOURCE_FIELDS = (
    "id",
    "claim_id",
    "url",
    "title",
    "publisher",
    "quote",
    "stance",
    "accessed_on",
    "link_state",
    "archive__fetched_at",
    "archive__status",
    "archive__final_url",
    "archive__sha256",
)
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}
_CHUNK = 2000


def export_urls(base: str) -> dict[str, str]:
    """Address templates the linked-data exports point at, under ``base``."""
    base = base.rstrip("/")

    def template(name: str, placeholder: str) -> str:
        return base + reverse(name, args=[0]).replace("0", placeholder)

    return {
        "report_url": template("desk:report", "{article}"),
        "claim_url": template("api:claim-detail", "{id}"),
        "article_url": template("api:article-detail", "{id}"),
        "user_url": base + "/api/v1/users/{username}",
        "collection_url": base + reverse("api:export-w3c"),
        "archive_url": template("desk:source_archive", "{id}"),
    }


def export_chunks(
    format_name: str,
    claims: QuerySet[Claim],
    *,
    urls: dict[str, str],
    organisation: str,
) -> Iterator[str]:
    """The whole export of ``claims`` in a registered format, as text chunks."""
    return FORMATS[format_name].write(claims, urls=urls, organisation=organisation)


def export_rows(claims: QuerySet[Claim], *, archive_url: str = "") -> Iterator[dict]:
    """One dict per claim, in id order, with its article fields and sources.

    ``archive_url``: a source's archived copy's address, with ``{id}`` for the
    source's id (default: this site's path).
    """
    archive_url = archive_url or reverse("desk:source_archive", args=[0]).replace(
        "0", "{id}"
    )
    claims = claims.order_by("id")
    values = claims.values(
        "article_id",
        "public_id",
        "position",
        "start",
        "end",
        "text",
        "prefix",
        "suffix",
        "kind",
        "verdict",
        "status",
        "rationale",
        "verdict_at",
        "published_at",
        "updated_at",
        "version",
        "appearance_url",
        "appearance_date",
        **_CLAIM_FIELDS,
    )
    sources = (
        Source.objects.filter(claim__in=claims.values("id"))
        .order_by("claim_id", "id")
        .values(*_SOURCE_FIELDS)
        .iterator(chunk_size=_CHUNK)
    )
    pending = next(sources, None)
    for row in values.iterator(chunk_size=_CHUNK):
        row["sources"] = attached = []
        while pending is not None and pending["claim_id"] <= row["claim_id"]:
            if pending["claim_id"] == row["claim_id"]:
                attached.append(_source_dict(pending, archive_url))
            pending = next(sources, None)
        yield row


def _source_dict(row: dict, archive_url: str) -> dict:
    archive = None
    if row["archive__fetched_at"] is not None:
        archive = {
            "url": archive_url.format(id=row["id"]),
            "fetched_at": _utc(row["archive__fetched_at"]),
            "status": row["archive__status"],
            "final_url": row["archive__final_url"],
            "sha256": row["archive__sha256"],
        }
    return {
        "url": row["url"],
        "title": row["title"],
        "publisher": row["publisher"],
        "quote": row["quote"],
        "stance": row["stance"],
        "accessed_on": _iso(row["accessed_on"]),
        # "ok", "changed", "broken" or "unchecked" (annotations/archiving.py).
        "link_state": row["link_state"],
        "archive": archive,
    }


def json_chunks(rows: Iterable[dict]) -> Iterator[str]:
    """A JSON array of claim objects, written as it streams."""
    yield "["
    for n, row in enumerate(rows):
        yield ("," if n else "") + "\n" + json.dumps(_flat(row), ensure_ascii=False)
    yield "\n]\n"


def csv_chunks(rows: Iterable[dict]) -> Iterator[str]:
    """CSV with a UTF-8 byte order mark, so Excel reads Chinese text correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    yield "\ufeff" + _drain(buffer)
    for row in rows:
        flat = _flat(row)
        flat["sources"] = json.dumps(flat["sources"], ensure_ascii=False)
        writer.writerow(_cell(flat[column]) for column in CSV_COLUMNS)
        yield _drain(buffer)


def claimreview_chunks(
    rows: Iterable[dict], *, report_url: str, organisation: str
) -> Iterator[str]:
    """A JSON-LD array of schema.org ClaimReview objects, one per verdict.

    ``report_url`` is the public report's address with ``{article}`` in it.
    """
    yield "["
    first = True
    for row in rows:
        if ratings.get(row["verdict"]) is None:
            continue
        review = claim_review(
            row,
            url=finding_url(report_url.format(article=row["article_id"]), row),
            organisation=organisation,
        )
        yield ("" if first else ",") + "\n" + json.dumps(review, ensure_ascii=False)
        first = False
    yield "\n]\n"


def claim_anchor(public_id: str) -> str:
    """The fragment that names a claim on its report and in the workspace.

    Its permanent public id, never its position: positions move with every
    split, merge and new version, and published links must not.
    """
    return f"claim-{public_id}"


def finding_url(report_url: str, row: dict) -> str:
    """The address of one claim row's finding on its article's public report."""
    return f"{report_url}#{claim_anchor(row['public_id'])}"


def claim_review(row: dict, *, url: str, organisation: str) -> dict:
    """schema.org ClaimReview for one claim row with a verdict."""
    rating = ratings.get(row["verdict"])
    item = {"@type": "Claim", "author": claim_author(row)}
    appearance = claim_appearance(row)
    if appearance:
        item["appearance"] = appearance
        item["firstAppearance"] = appearance
        if "datePublished" in appearance:
            item["datePublished"] = appearance["datePublished"]
    review = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": url,
        "claimReviewed": row["text"],
        "author": {"@type": "Organization", "name": organisation},
        "datePublished": _iso(_first_public(row).date()),
        # Any change, corrections included, raises updated_at.
        "dateModified": _utc(row["updated_at"]),
        "creativeWorkStatus": STATUS_LABELS[row["status"]],
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": rating.rating_value,
            "bestRating": rating.best_rating,
            "worstRating": rating.worst_rating,
            "alternateName": rating.claim_review_name,
        },
        "itemReviewed": item,
        "inLanguage": LANGUAGE_TAGS[row["article_language"]],
    }
    if row["rationale"]:
        review["reviewBody"] = row["rationale"]
    return review


def claim_author(row: dict) -> dict:
    """Who made the claim: its claimant, else the article's outlet."""
    if not row["claimant_name"]:
        name = row["article_publisher"] or row["article_title"]
        return {"@type": "Organization", "name": name}
    author = {
        "@type": CLAIMANT_TYPES[row["claimant_type"]],
        "name": row["claimant_name"],
    }
    if row["claimant_role"]:
        # schema.org: a Person's role is a jobTitle; an Organization has none.
        role = "jobTitle" if author["@type"] == "Person" else "description"
        author[role] = row["claimant_role"]
    return author


def claim_appearance(row: dict) -> dict | None:
    """Where and when the claim appeared (a CreativeWork); the article's own
    address and date stand in for those not given."""
    url = row["appearance_url"] or row["article_url"]
    day = row["appearance_date"] or row["article_published_on"]
    if not url and not day:
        return None
    appearance = {"@type": "CreativeWork"}
    if url:
        appearance["url"] = url
    if day:
        appearance["datePublished"] = _iso(day)
    return appearance


def _first_public(row: dict) -> datetime.datetime:
    """When the verdict was published (a correction keeps that date), or written."""
    return row["published_at"] or row["verdict_at"] or row["updated_at"]


def claim_review_json(review: dict) -> str:
    """JSON safe to place inside <script type="application/ld+json">."""
    return json.dumps(review, ensure_ascii=False).translate(_SCRIPT_ESCAPES)


def w3c_chunks(
    rows: Iterable[dict],
    *,
    total: int,
    collection_url: str,
    claim_url: str,
    article_url: str,
    user_url: str,
) -> Iterator[str]:
    """A W3C AnnotationCollection whose first (and only) page embeds every item.

    ``claim_url``, ``article_url`` and ``user_url`` are address templates with
    ``{id}`` / ``{username}`` in them.
    """
    page_url = f"{collection_url}{'&' if '?' in collection_url else '?'}page=1"
    head = {
        "@context": W3C_CONTEXT,
        "id": collection_url,
        "type": "AnnotationCollection",
        "label": "factcheck verdicts",
        "total": total,
        "last": page_url,
    }
    # The page sits inside its collection, so it names no partOf: the W3C
    # suite's page schemas expect partOf, when present, to be an object.
    page = {"id": page_url, "type": "AnnotationPage", "startIndex": 0}
    yield json.dumps(head, ensure_ascii=False)[:-1] + ', "first": '
    yield json.dumps(page, ensure_ascii=False)[:-1] + ', "items": ['
    first = True
    for row in rows:
        if ratings.get(row["verdict"]) is None:
            continue
        annotation = web_annotation(
            row, claim_url=claim_url, article_url=article_url, user_url=user_url
        )
        yield ("" if first else ",") + "\n" + json.dumps(annotation, ensure_ascii=False)
        first = False
    yield "\n]}}\n"


def web_annotation(
    row: dict, *, claim_url: str, article_url: str, user_url: str
) -> dict:
    """One verdict as a W3C Web Annotation (motivation: assessing)."""
    target = _text_target(row, article_url)
    annotation = {
        "@context": W3C_CONTEXT,
        # The API answers to the public id too (annotations/api/views.py).
        "id": claim_url.format(id=row["public_id"]),
        "type": "Annotation",
        "motivation": "assessing",
        "created": _utc(row["verdict_at"] or row["updated_at"]),
        "modified": _utc(row["updated_at"]),
        "body": _annotation_body(row),
        "target": target,
    }
    if row["appearance_url"] or row["appearance_date"]:
        annotation["target"] = [target, _appearance_target(row, target["source"])]
    if row["verdict_by_name"]:
        annotation["creator"] = {
            "id": user_url.format(username=row["verdict_by_name"]),
            "type": "Person",
            "name": row["verdict_by_name"],
            "nickname": row["verdict_by_name"],
        }
    return annotation


def _annotation_body(row: dict) -> list[dict]:
    """The verdict, its rationale, the claimant and the sources, as bodies."""
    body = [
        {
            "type": "TextualBody",
            "purpose": "assessing",
            "value": row["verdict"],
            "format": "text/plain",
            "language": "en",
        }
    ]
    if row["rationale"]:
        body.append(
            {
                "type": "TextualBody",
                "purpose": "describing",
                "value": row["rationale"],
                "format": "text/plain",
            }
        )
    if row["claimant_name"]:
        body.append(_claimant_body(row))
    body.extend(_linked_source(source) for source in row["sources"])
    return body


def _text_target(row: dict, article_url: str) -> dict:
    """The claim's place in the article: its quote and its offsets."""
    quote = {"type": "TextQuoteSelector", "exact": row["text"]}
    if row["prefix"]:
        quote["prefix"] = row["prefix"]
    if row["suffix"]:
        quote["suffix"] = row["suffix"]
    position = {
        "type": "TextPositionSelector",
        "start": row["start"],
        "end": row["end"],
    }
    return {
        "source": row["article_url"] or article_url.format(id=row["article_id"]),
        "selector": [quote, position],
    }


def _claimant_body(row: dict) -> dict:
    """Who made the claim, as a body that identifies them."""
    kind = CLAIMANT_TYPES[row["claimant_type"]]
    value = f"{row['claimant_name']} ({kind}"
    value += f", {row['claimant_role']})" if row["claimant_role"] else ")"
    return {
        "type": "TextualBody",
        "purpose": "identifying",
        "value": value,
        "format": "text/plain",
    }


def _appearance_target(row: dict, article_link: str) -> dict:
    """Where the claim appeared (the article if no other address was given),
    as it was on the day it appeared."""
    target: dict = {"source": row["appearance_url"] or article_link}
    if row["appearance_date"]:
        target["state"] = {
            "type": "TimeState",
            "sourceDate": f"{_iso(row['appearance_date'])}T00:00:00Z",
        }
    return target


def _linked_source(source: dict) -> dict:
    """A source as a Web Annotation body; its archived copy as a TimeState."""
    linked = {"type": "SpecificResource", "source": source["url"], "purpose": "linking"}
    if source["archive"]:
        linked["state"] = {
            "type": "TimeState",
            "cached": source["archive"]["url"],
            "sourceDate": source["archive"]["fetched_at"],
        }
    return linked


def _flat(row: dict) -> dict:
    """The JSON/CSV row: plain values, dates as ISO 8601 in UTC."""
    return {
        "article_id": row["article_id"],
        "article_title": row["article_title"],
        "article_url": row["article_url"],
        "claim_id": row["claim_id"],
        "public_id": row["public_id"],
        "position": row["position"],
        "start": row["start"],
        "end": row["end"],
        "text": row["text"],
        "kind": row["kind"],
        "verdict": row["verdict"],
        "status": row["status"],
        "rationale": row["rationale"],
        "verdict_by": row["verdict_by_name"],
        "verdict_at": _utc(row["verdict_at"]),
        "published_at": _utc(row["published_at"]),
        "updated_at": _utc(row["updated_at"]),
        "version": row["version"],
        "sources": row["sources"],
        "claimant": row["claimant_name"],
        "claimant_type": row["claimant_type"],
        "claimant_role": row["claimant_role"],
        "appearance_url": row["appearance_url"],
        "appearance_date": _iso(row["appearance_date"]),
    }


def _utc(moment: datetime.datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _iso(day: datetime.date | None) -> str | None:
    return day.isoformat() if day else None


# Spreadsheet programs run cells that start like a formula; a leading
# apostrophe keeps them as text (OWASP "CSV injection").
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def _json(claims: QuerySet[Claim], *, urls: dict[str, str], organisation: str):
    return json_chunks(export_rows(claims, archive_url=urls["archive_url"]))


def _csv(claims: QuerySet[Claim], *, urls: dict[str, str], organisation: str):
    return csv_chunks(export_rows(claims, archive_url=urls["archive_url"]))


def _claimreview(claims: QuerySet[Claim], *, urls: dict[str, str], organisation: str):
    return claimreview_chunks(
        export_rows(claims, archive_url=urls["archive_url"]),
        report_url=urls["report_url"],
        organisation=organisation,
    )


def _w3c(claims: QuerySet[Claim], *, urls: dict[str, str], organisation: str):
    reviewed = claims.exclude(verdict=Verdict.UNREVIEWED)
    return w3c_chunks(
        export_rows(reviewed, archive_url=urls["archive_url"]),
        total=reviewed.count(),
        collection_url=urls["collection_url"],
        claim_url=urls["claim_url"],
        article_url=urls["article_url"],
        user_url=urls["user_url"],
    )


@dataclass(frozen=True)
class ExportFormat:
    """One export format: what the API, the export_verdicts command, the
    OpenAPI schema and the README all read about it."""

    name: str
    # The response's Content-Type; the part before ";" is the OpenAPI media type.
    media_type: str
    # The file's name: the API serves it at export/<filename>.
    filename: str
    # (claims, *, urls, organisation) -> text chunks, streamed.
    write: Callable[..., Iterator[str]]
    summary: str
    description: str

    @property
    def url_name(self) -> str:
        return f"export-{self.name}"


# Every export format by name, in the order the API and the command list them.
FORMATS: dict[str, ExportFormat] = {}


def register(export_format: ExportFormat) -> ExportFormat:
    """Make ``export_format`` available to the API, the command and the docs."""
    FORMATS[export_format.name] = export_format
    return export_format


register(
    ExportFormat(
        name="json",
        media_type="application/json",
        filename="verdicts.json",
        write=_json,
        summary="Export verdicts as JSON",
        description=(
            "One object per claim: article id, title and URL, position, offsets, "
            "text, kind, verdict, review status, rationale, who and when (written, "
            "published, last changed), and the sources. Anonymous clients get "
            "published verdicts only."
        ),
    )
)
register(
    ExportFormat(
        name="csv",
        media_type="text/csv; charset=utf-8",
        filename="verdicts.csv",
        write=_csv,
        summary="Export verdicts as CSV",
        description=(
            "One row per claim, with the JSON export's fields as columns; UTF-8 "
            "with a byte order mark so Excel reads Chinese text; `sources` is a "
            "JSON array. Cells that would start a formula get a leading apostrophe."
        ),
    )
)
register(
    ExportFormat(
        name="claimreview",
        media_type="application/ld+json",
        filename="claimreview.jsonld",
        write=_claimreview,
        summary="Export schema.org ClaimReview JSON-LD",
        description=(
            "One ClaimReview per claim with a verdict (published ones only for "
            "anonymous clients). `reviewRating` carries the rating's own numbers "
            "and name, as the admin's rating scale sets them; `url` is the claim's "
            "anchor on the public report; `datePublished` is the first "
            "publication, `dateModified` the last change (corrections included), "
            "`creativeWorkStatus` the review status."
        ),
    )
)
register(
    ExportFormat(
        name="w3c",
        media_type='application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"',
        filename="annotations.jsonld",
        write=_w3c,
        summary="Export W3C Web Annotations",
        description=(
            "An AnnotationCollection whose embedded page holds one `assessing` "
            "Annotation per verdict (published ones only for anonymous clients), "
            "targeting the claim's text with a TextQuoteSelector and a "
            "TextPositionSelector; sources are `linking` bodies."
        ),
    )
)
