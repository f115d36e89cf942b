"""Editor assistance, computed when an article is imported (and on demand).

Hint messages are stored in English, for the API; the pages build their own,
translated, from the hint's fields.

For each claim: hints (name variants, figures, internal contradictions,
verdicts this desk already gave to the same words elsewhere), a
check-worthiness score with its reasons, and the normalised text and MinHash
sketch that later imports are matched against.
"""

from __future__ import annotations

import bisect
import datetime
import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from itertools import islice

from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper
from django.db.models import Count, Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext_lazy

from . import ratings
from .hints import CHECKED_BEFORE, CONTRADICTION, NAME_VARIANT, NUMBER
from .models import CHECKABLE_KINDS, Article, Claim, ClaimSketch, Kind, Verdict
from .text import consistency, matching, names, quantities, triage

# Kinds whose stored hints are kept: what is checked, and headlines.
HINTED_KINDS = (*CHECKABLE_KINDS, Kind.HEADING)


# What the pages say for the hints added here since their templates were
# written (the stored message is English, for the API): a short form linked
# to its full name, a heading's period the body gives otherwise.
VARIANT_LABELS = {
    names.SHORT: gettext_lazy(
        "A surname or given name used alone, linked to the one full name "
        "in the article."
    ),
}
CHECK_LABELS = {
    consistency.DURATION: gettext_lazy(
        "The heading gives a period that the body never states, and the body "
        "gives another:"
    ),
}


@dataclass(frozen=True)
class Unit:
    pk: int
    start: int
    end: int
    text: str
    kind: str


def analyse_article(
    article: Article, *, progress: Callable[[int, int], None] | None = None
) -> None:
    """Compute and store every claim's hints, triage score and match sketch.

    A fixed number of queries whatever the article's size: rows are written
    with executemany. ``progress(done, total)`` is told how far it got, in
    about ten steps (the assessment counts as the first half).
    """
    text, published = Article.objects.values_list("text", "published_on").get(
        pk=article.pk
    )
    units = [
        Unit(*row)
        for row in Claim.objects.filter(article=article, orphaned=False)
        .order_by("start")
        .values_list("pk", "start", "end", "text", "kind")
    ]
    report = progress or (lambda done, total: None)
    total = 2 * len(units) + 1  # assessment, sketches, then the writes
    report(0, total)
    assessed = assess(text, units, published)
    report(len(units), total)
    rows, sketches = _analysis_rows(
        units, assessed, report=lambda done: report(len(units) + done, total)
    )
    _store_analysis(article, rows, sketches)
    add_past_verdicts(article, sketches=sketches)
    report(total, total)


def _analysis_rows(
    units: list[Unit],
    assessed: dict[int, tuple[list[dict], triage.Score]],
    *,
    report: Callable[[int], None],
) -> tuple[list[tuple], dict[int, list[int]]]:
    """Each unit's stored columns (for _CLAIM_ANALYSIS), and each claim's sketch.

    ``report(done)`` is told how many units are done, in about five steps.
    """
    step = max(1, len(units) // 5)
    rows = []
    sketches: dict[int, list[int]] = {}
    for done, unit in enumerate(units, start=1):
        if done % step == 0:
            report(done)
        hints, worth = assessed[unit.pk]
        normalised = matching.normalise(unit.text)
        rows.append(
            (
                # Page furniture carries no hints: it is not checked. A heading
                # keeps those that tie it to the body (a headline contradicted
                # by the text is what an editor must see), never figure chips.
                json.dumps(
                    hints if unit.kind in HINTED_KINDS else [], ensure_ascii=False
                ),
                worth.score,
                json.dumps(worth.reasons, ensure_ascii=False),
                normalised,
                unit.pk,
            )
        )
        if unit.kind == Kind.CLAIM:
            sketches[unit.pk] = matching.sketch(normalised)
    return rows, sketches


_CLAIM_ANALYSIS = ("hints", "worth", "worth_reasons", "normalised")


def _store_analysis(
    article: Article, rows: list[tuple], sketches: dict[int, list[int]]
) -> None:
    """Write the claims' analysis, replace their sketches, date the analysis."""
    quote = connection.ops.quote_name
    sketch_table = quote(ClaimSketch._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        _update_claims(cursor, _CLAIM_ANALYSIS, rows)
        ClaimSketch.objects.filter(claim__article=article).delete()
        # Only our own table and column names are formatted into the SQL.
        cursor.executemany(
            f"INSERT INTO {sketch_table} ({quote('claim_id')}, {quote('value')}) "
            "VALUES (%s, %s)",
            [(pk, value) for pk, values in sketches.items() for value in values],
        )
        Article.objects.filter(pk=article.pk).update(analysed_at=timezone.now())


def _update_claims(
    cursor: CursorWrapper, columns: tuple[str, ...], rows: list[tuple]
) -> None:
    """Set ``columns`` of many claims: each row is their values, then the id."""
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(column)} = %s" for column in columns)
    # Only our own table and column names are formatted into the SQL.
    cursor.executemany(
        f"UPDATE {quote(Claim._meta.db_table)} SET {assignments} "
        f"WHERE {quote('id')} = %s",
        rows,
    )


def assess(
    text: str, units: list[Unit], published: datetime.date | None = None
) -> dict[int, tuple[list[dict], triage.Score]]:
    """Each unit's hints and check-worthiness (pure: no queries).

    Page furniture (any kind but claim and opinion, so headings, bylines,
    captions ...) is read for figures and names, but never ranked.
    """
    groups, mentions = names.read(text)
    figures = {unit.pk: quantities.extract(unit.text) for unit in units}
    hints = hints_for(text, units, groups, figures, published)
    people = _people_by_unit(mentions, units)
    return {
        unit.pk: (
            hints[unit.pk],
            _with_hints(_worth(unit, people[unit.pk], figures[unit.pk]), hints[unit.pk])
            if unit.kind in CHECKABLE_KINDS
            else _worth(unit, people[unit.pk], figures[unit.pk]),
        )
        for unit in units
    }


def hints_for(
    text: str,
    units: list[Unit],
    groups: list[names.NameGroup] | None = None,
    figures: dict[int, list[quantities.Quantity]] | None = None,
    published: datetime.date | None = None,
) -> dict[int, list[dict]]:
    """Name-variant, figure and consistency hints per unit (pure, no queries).

    Figure chips go on claims and opinions only; the consistency checks read
    every unit (a heading or a citation line can contradict the body).
    """
    hints: dict[int, list[dict]] = {unit.pk: [] for unit in units}
    starts = [unit.start for unit in units]

    def unit_at(offset: int) -> Unit | None:
        i = bisect.bisect_right(starts, offset) - 1
        if i >= 0 and units[i].start <= offset < units[i].end:
            return units[i]
        return None

    for group in names.find_groups(text) if groups is None else groups:
        for hint_unit, hint in _name_hints(group, unit_at):
            hints[hint_unit].append(hint)
    if figures is None:
        figures = {unit.pk: quantities.extract(unit.text) for unit in units}
    for unit in units:
        if unit.kind not in CHECKABLE_KINDS:
            continue
        for q in figures.get(unit.pk, ()):
            hints[unit.pk].append(
                {
                    "type": NUMBER,
                    "kind": q.kind,
                    "message": q.text,
                    "spans": [_span(unit.start + q.start, unit.start + q.end, q.text)],
                }
            )
    pieces = [
        consistency.Piece(
            unit.start,
            unit.text,
            unit.kind,
            tuple(q for q in figures.get(unit.pk, ()) if q.kind in quantities.EXACT),
        )
        for unit in units
    ]
    for finding in consistency.check(pieces, published):
        spans = [_span(p.start, p.end, p.text) for p in finding.places]
        hint = {
            "type": CONTRADICTION,
            "check": finding.check,
            "message": finding.message,
            "spans": spans,
        }
        for pk in dict.fromkeys(
            unit.pk for p in finding.places if (unit := unit_at(p.start))
        ):
            hints[pk].append(hint)
    return hints


def _name_hints(group: names.NameGroup, unit_at):
    """Hints on the units that mention the group's names.

    A likely misspelling is flagged only where the minority form stands, with
    the usual form's offsets beside it; other groups (two scripts, another
    order, a possible homophone) are noted wherever a form appears.
    """
    majority = group.majority
    counts = ", ".join(f"{f.text} \u00d7{len(f.mentions)}" for f in group.forms)
    by_unit: dict[int, list[tuple[names.Form, names.Mention]]] = defaultdict(list)
    for form in group.forms:
        for mention in form.mentions:
            unit = unit_at(mention.start)
            if unit is not None:
                by_unit[unit.pk].append((form, mention))
    for unit_pk, found in by_unit.items():
        minority = [f for f, _m in found if f is not majority]
        if group.suspicious and not minority:
            continue
        if group.kind == names.SHORT and all(f is group.forms[0] for f, _m in found):
            continue  # the link is shown where the short form stands
        here = {(m.start, m.end) for _f, m in found}
        hint = {
            "type": NAME_VARIANT,
            "variant": group.kind,
            "message": _name_message(group, minority, counts),
            "spans": [_span(m.start, m.end, m.text) for _f, m in found],
            # The first few other mentions: enough to jump to, and no hint
            # that grows with the square of a long article's mentions.
            "elsewhere": list(
                islice(
                    (
                        _span(m.start, m.end, m.text)
                        for f in group.forms
                        for m in f.mentions
                        if (m.start, m.end) not in here
                    ),
                    MAX_ELSEWHERE,
                )
            ),
            "forms": [{"text": f.text, "count": len(f.mentions)} for f in group.forms],
            "majority": majority.text,
        }
        if minority and group.suspicious:
            # The bottom of the rating scale: the name is misstated.
            hint["suggested_verdict"] = ratings.worst_key()
        yield unit_pk, hint


def _name_message(group: names.NameGroup, minority: list, counts: str) -> str:
    if group.kind == names.SCRIPT:
        return f"The same person in two scripts: {counts}."
    if group.kind == names.SHORT:
        full, short = group.forms[0].text, group.forms[1].text
        return (
            f"\u201c{short}\u201d alone is {full}, the only person of that name "
            f"in the article: {counts}."
        )
    if group.kind == names.ORDER:
        return f"The same name in another order: {counts}."
    if group.kind == names.HOMOPHONE and minority and group.suspicious:
        return (
            f"The article writes this name {counts}: \u201c{minority[0].text}\u201d "
            f"(same sound, another tone) is probably a misspelling of "
            f"\u201c{group.majority.text}\u201d, unless it is another person."
        )
    if group.kind == names.HOMOPHONE:
        return (
            f"Possible variant (same sound, other tones): {counts}. "
            "Check that these are not two different people."
        )
    if minority and group.suspicious:
        return (
            f"The article writes this name {counts}: \u201c{minority[0].text}\u201d "
            f"is probably a misspelling of \u201c{group.majority.text}\u201d."
        )
    if group.kind in names.ERRORS:
        # A tie names no culprit, but one of the forms is still wrong.
        return f"This name is written two ways ({counts}): one of these is misspelt."
    return f"This name is also written another way: {counts}."


MAX_ELSEWHERE = 20


def _span(start: int, end: int, text: str) -> dict:
    return {"start": start, "end": end, "text": text}


def _people_by_unit(
    mentions: list[names.Mention], units: list[Unit]
) -> dict[int, list[str]]:
    starts = [unit.start for unit in units]
    found: dict[int, list[str]] = {unit.pk: [] for unit in units}
    for mention in mentions:
        i = bisect.bisect_right(starts, mention.start) - 1
        if i >= 0 and mention.end <= units[i].end:
            found[units[i].pk].append(mention.text)
    return found


def _worth(
    unit: Unit, people: list[str], figures: list[quantities.Quantity] | None
) -> triage.Score:
    if unit.kind not in CHECKABLE_KINDS:
        # Headings, bylines, captions, navigation ...: never ranked.
        return triage.Score(0.0, [f"\u2212{unit.kind}"])
    return triage.score(unit.text, people=people, figures=figures)


# A sentence the article itself contradicts, or with a likely misspelt name,
# is worth checking whatever its wording.
HINT_WEIGHT = 0.4


def _with_hints(worth: triage.Score, hints: list[dict]) -> triage.Score:
    score, reasons = worth.score, list(worth.reasons)
    for hint in hints:
        if hint["type"] == NAME_VARIANT and (
            hint.get("suggested_verdict") or hint.get("variant") in names.ERRORS
        ):
            evidence = hint["spans"][0]["text"] if hint["spans"] else ""
            reasons.append(f"+name variant {evidence}".strip())
        elif hint["type"] == CONTRADICTION:
            reasons.append("+contradiction")
        else:
            continue
        score += HINT_WEIGHT
    return triage.Score(round(min(1.0, score), 2), reasons)


@dataclass(frozen=True)
class Match:
    """A claim elsewhere, with a verdict, worded (almost) the same."""

    claim: Claim
    similarity: int


def past_verdicts(
    claims: list[Claim],
    *,
    limit: int = 3,
    sketches: dict[int, list[int]] | None = None,
) -> dict[int, list[Match]]:
    """For each claim, verdicts this desk gave to the same words in other articles.

    Near-identical wording with the same figures. Constant queries for any
    number of claims: one for candidates sharing a sketch band, one for their
    rows.
    """
    known = sketches or {}
    wanted = {
        c.pk: known[c.pk] if c.pk in known else matching.sketch(c.normalised)
        for c in claims
    }
    shared = _sharing_sketches(wanted, articles={c.article_id for c in claims})
    candidate_ids = {o for found in shared.values() for o in found}
    if not candidate_ids:
        return {}
    candidates = _candidates(candidate_ids)
    result: dict[int, list[Match]] = {}
    for claim in claims:
        others = [candidates[other_id] for other_id in shared.get(claim.pk, {})]
        matches = _matches(claim, others)
        if matches:
            result[claim.pk] = matches[:limit]
    return result


def _sharing_sketches(
    wanted: dict[int, list[int]], *, articles: set[int]
) -> dict[int, dict[int, int]]:
    """Per claim, the checked claims of other live articles that share enough
    of its sketch, with how many values they share (one query)."""
    values = {v for sketch in wanted.values() for v in sketch}
    if not values:
        return {}
    hits = (
        ClaimSketch.objects.filter(value__in=values)
        .exclude(claim__article_id__in=articles)
        .filter(
            Q(claim__article__deleted_at__isnull=True),
            ~Q(claim__verdict=Verdict.UNREVIEWED),
            claim__orphaned=False,
        )
        .values_list("claim_id", "value")
    )
    by_value: dict[int, list[int]] = defaultdict(list)
    for claim_id, value in hits:
        by_value[value].append(claim_id)
    shared: dict[int, dict[int, int]] = {}
    for pk, sketch in wanted.items():
        counts: dict[int, int] = defaultdict(int)
        for value in sketch:
            for other in by_value.get(value, ()):
                counts[other] += 1
        shared[pk] = {o: n for o, n in counts.items() if n >= matching.MIN_SHARED}
    return shared


def _candidates(ids: set[int]) -> dict[int, Claim]:
    """The candidate claims by id, with what a "checked before" hint shows."""
    return {
        c.pk: c
        for c in Claim.objects.filter(pk__in=ids)
        .select_related("article", "verdict_by")
        .defer("article__text")
        .annotate(source_count=Count("sources"))
    }


def _matches(claim: Claim, others: list[Claim]) -> list[Match]:
    """The others worded like ``claim`` with its figures, most alike and then
    most recently checked first."""
    matches = []
    for other in others:
        if not matching.same_figures(claim.normalised, other.normalised):
            continue
        similarity = matching.similarity(claim.normalised, other.normalised)
        if similarity >= matching.MIN_SIMILARITY:
            matches.append(Match(other, similarity))
    matches.sort(key=lambda m: (-m.similarity, -m.claim.verdict_at.timestamp()))
    return matches


def add_past_verdicts(
    article: Article, *, sketches: dict[int, list[int]] | None = None
) -> int:
    """Add "checked before" hints to an article's claims; returns how many.

    ``sketches``: the claims' sketches when the caller has just computed them.
    """
    claims = list(
        Claim.objects.filter(article=article, kind=Kind.CLAIM, orphaned=False).only(
            "id", "article_id", "normalised", "hints"
        )
    )
    found = past_verdicts(claims, sketches=sketches)
    changed = []
    for claim in claims:
        kept = [h for h in claim.hints if h.get("type") != CHECKED_BEFORE]
        new = [checked_before_hint(m) for m in found.get(claim.pk, [])]
        if new or len(kept) != len(claim.hints):
            claim.hints = kept + new
            changed.append(claim)
    _store_hints(changed)
    return sum(len(found.get(c.pk, [])) for c in claims)


def forget_article(article_id: int) -> int:
    """Drop every stored "checked before" hint naming an article (it was deleted).

    Returns how many claims lost a hint. Two queries however many claims.
    """
    candidates = (
        Claim.objects.annotate(hints_text=Cast("hints", TextField()))
        .filter(hints_text__contains=CHECKED_BEFORE)
        .exclude(article_id=article_id)
        .only("id", "hints")
    )
    changed = []
    for claim in candidates:
        kept = [
            h
            for h in claim.hints
            if not (h.get("type") == CHECKED_BEFORE and h.get("article") == article_id)
        ]
        if len(kept) != len(claim.hints):
            claim.hints = kept
            changed.append(claim)
    _store_hints(changed)
    return len(changed)


def recall_article(article_id: int) -> int:
    """Give back the "checked before" hints an article's verdicts make (restored).

    Re-matches each live article with a claim that shares a sketch band with
    one of this article's checked claims; returns how many articles that was.
    """
    checked = ClaimSketch.objects.filter(claim__article_id=article_id).exclude(
        claim__verdict=Verdict.UNREVIEWED
    )
    affected = list(
        Article.objects.filter(
            deleted_at__isnull=True,
            claims__sketch__value__in=checked.values("value"),
        )
        .exclude(pk=article_id)
        .distinct()
        .only("id")
    )
    for article in affected:
        add_past_verdicts(article)
    return len(affected)


def _store_hints(claims: list[Claim]) -> None:
    if not claims:
        return
    with connection.cursor() as cursor:
        _update_claims(
            cursor,
            ("hints",),
            [(json.dumps(c.hints, ensure_ascii=False), c.pk) for c in claims],
        )


def checked_before_hint(match: Match) -> dict:
    other = match.claim
    return {
        "type": CHECKED_BEFORE,
        "message": (
            f"Checked before as {other.verdict} in \u201c{other.article.title}\u201d "
            f"({match.similarity}% alike)."
        ),
        "spans": [],
        "claim": other.pk,
        "article": other.article_id,
        "verdict": other.verdict,
        "verdict_at": other.verdict_at.isoformat() if other.verdict_at else None,
        "similarity": match.similarity,
        "sources": other.source_count,
    }
