"""A claim as the API shows it, built as a plain dict.

ClaimSerializer declares the fields (and so the OpenAPI schema); this builds
the same dict without DRF's per-field machinery, which was most of a list
page's time (100 claims with their sources, about 3,000 field look-ups).
tests/test_api.py checks that the two agree on claims with every field set.
"""

from __future__ import annotations

import datetime
import json

from ..models import Claim, Claimant, Source
from ..queries.claims import person_name
from ..queries.sources import SOURCE_FIELDS, SOURCES_JSON


def claim_json(claim: Claim) -> dict:
    """``claim`` with its people, sources and claimant, as ClaimSerializer shows it."""
    return {
        "id": claim.pk,
        "public_id": claim.public_id,
        "article": claim.article_id,
        "position": claim.position,
        "start": claim.start,
        "end": claim.end,
        "text": claim.text,
        "kind": claim.kind,
        "kind_reason": claim.kind_reason,
        "verdict": claim.verdict,
        "rationale": claim.rationale,
        "verdict_by": _person(claim, "verdict_by"),
        "verdict_at": _moment(claim.verdict_at),
        "status": claim.status,
        "approved_by": _person(claim, "approved_by"),
        "approved_at": _moment(claim.approved_at),
        "published_at": _moment(claim.published_at),
        "assignee": _person(claim, "assignee"),
        "version": claim.version,
        "updated_at": _moment(claim.updated_at),
        "sources": _sources(claim),
        "hints": claim.hints,
        "checkworthiness": {
            "score": float(claim.worth),
            "reasons": [str(reason) for reason in claim.worth_reasons],
        },
        "text_changed": bool(claim.text_changed),
        "orphaned": bool(claim.orphaned),
        "reused_from": claim.reused_from_id,
        "claimant": _claimant(claim.claimant) if claim.claimant_id else None,
        "appearance_url": claim.appearance_url,
        "appearance_date": _day(claim.appearance_date),
    }


def _sources(claim: Claim) -> list[dict]:
    """The claim's sources: from the JSON in its row when it was read with
    them (claims_for_api(), a write's answer), else through the relation."""
    listed = claim.__dict__.get(SOURCES_JSON)
    if listed is None:
        rows = [_row_of(source) for source in claim.sources.all()]
    else:
        rows = json.loads(listed)
    return [_source(row) for row in rows]


def _row_of(source: Source) -> dict:
    """A source as sources_json_sql() gives it: columns by attname, and who
    added it by username."""
    row = {name: getattr(source, name) for name in SOURCE_FIELDS}
    row["added_by_name"] = _username(source, "added_by")
    return row


def _source(row: dict) -> dict:
    """A source as SourceSerializer shows it, from _row_of() or the JSON of
    sources_json_sql() (dates there as ISO text; SQLite's datetimes without an
    offset, in UTC)."""
    added_at = row["added_at"]
    if isinstance(added_at, str):
        added_at = datetime.datetime.fromisoformat(added_at)
        if added_at.tzinfo is None:
            added_at = added_at.replace(tzinfo=datetime.UTC)
    return {
        "id": row["id"],
        "claim": row["claim_id"],
        "url": row["url"],
        "title": row["title"],
        "publisher": row["publisher"],
        "quote": row["quote"],
        "stance": row["stance"],
        "accessed_on": _day(row["accessed_on"]),
        "added_by": row["added_by_name"] if row["added_by_id"] else None,
        "added_at": _moment(added_at),
    }


def _claimant(claimant: Claimant) -> dict:
    return {"name": claimant.name, "type": claimant.type, "role": claimant.role}


def _person(claim: Claim, person: str) -> str | None:
    """A person's username: from the claim's row when it was read with it
    (claims_for_api(), a write's answer), else through the relation."""
    name = person_name(person)
    if name in claim.__dict__:
        return claim.__dict__[name]
    return _username(claim, person)


def _username(instance: Claim | Source, name: str) -> str | None:
    """The username a foreign key points to (loaded with the row), or None."""
    user = getattr(instance, name)
    return None if user is None else user.username


def _moment(value: datetime.datetime | None) -> str | None:
    """ISO 8601 in UTC with a Z, as DRF writes datetimes (TIME_ZONE is UTC)."""
    if value is None:
        return None
    text = value.astimezone(datetime.UTC).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _day(value: datetime.date | str | None) -> str | None:
    """ISO 8601, as DRF writes dates (text already, from JSON, stays)."""
    if value is None or isinstance(value, str):
        return value
    return value.isoformat()
