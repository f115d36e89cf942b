"""Finding existing claims again in a new version of their article's text.

Pure Python (no Django). Each claim is looked for in order of confidence:
1. at its old offsets, if the text there is unchanged;
2. by its exact quote (the occurrence whose surroundings fit best);
3. by its quote and surrounding context, fuzzily, among the new version's
   sentences: found, but its text changed.
A claim found nowhere is an orphan: the caller keeps it, never deletes it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from . import segmentation

EXACT = "exact"  # same offsets, same text
MOVED = "moved"  # same text, other offsets
CHANGED = "changed"  # found fuzzily: the text changed
ORPHAN = "orphan"

# Below this similarity (0-100) a changed sentence is a different sentence.
MIN_SIMILARITY = 60


@dataclass(frozen=True)
class OldClaim:
    key: int
    start: int
    end: int
    text: str
    prefix: str = ""
    suffix: str = ""


@dataclass(frozen=True)
class Anchor:
    key: int
    how: str  # EXACT, MOVED, CHANGED or ORPHAN
    start: int | None = None
    end: int | None = None
    similarity: int = 100


@dataclass(frozen=True)
class Plan:
    anchors: list[Anchor]
    # New units no existing claim covers: they become new claims.
    new_units: list[segmentation.Unit]


def reanchor(
    claims: Sequence[OldClaim], new_text: str, units: Sequence[segmentation.Unit]
) -> Plan:
    """Where each claim is in ``new_text`` (segmented as ``units``)."""
    from rapidfuzz import fuzz

    taken = bytearray(len(new_text))  # 1 where a placed claim covers a character
    anchors: dict[int, Anchor] = {}

    def free(start: int, end: int) -> bool:
        return not any(taken[start:end])

    def place(claim: OldClaim, how: str, start: int, end: int, similarity=100):
        taken[start:end] = b"\x01" * (end - start)
        anchors[claim.key] = Anchor(claim.key, how, start, end, similarity)

    for claim in claims:
        if new_text[claim.start : claim.end] == claim.text and free(
            claim.start, claim.end
        ):
            place(claim, EXACT, claim.start, claim.end)
    for claim in claims:
        if claim.key in anchors:
            continue
        spots = [s for s in _occurrences(new_text, claim.text) if free(*s)]
        if spots:
            best = max(spots, key=lambda spot: _context_fit(claim, new_text, *spot))
            place(claim, MOVED, *best)
    open_units = [u for u in units if free(u.start, u.end)]
    for claim in claims:
        if claim.key in anchors:
            continue
        scored = [
            (
                fuzz.ratio(claim.text, unit.text)
                + _context_fit(claim, new_text, unit.start, unit.end) / 10,
                unit,
            )
            for unit in open_units
            if free(unit.start, unit.end)
        ]
        if scored:
            similarity, unit = max(scored, key=lambda pair: pair[0])
            if fuzz.ratio(claim.text, unit.text) >= MIN_SIMILARITY:
                place(claim, CHANGED, unit.start, unit.end, int(similarity))
                continue
        anchors[claim.key] = Anchor(claim.key, ORPHAN, similarity=0)
    new_units = [u for u in units if free(u.start, u.end)]
    return Plan([anchors[c.key] for c in claims], new_units)


def _occurrences(text: str, quote: str) -> list[tuple[int, int]]:
    spots, start = [], text.find(quote)
    while start >= 0:
        spots.append((start, start + len(quote)))
        start = text.find(quote, start + 1)
    return spots


def _context_fit(claim: OldClaim, text: str, start: int, end: int) -> int:
    """How much of the claim's old surroundings are still around it (0-100)."""
    from rapidfuzz import fuzz

    before = text[max(0, start - len(claim.prefix)) : start]
    after = text[end : end + len(claim.suffix)]
    return int((fuzz.ratio(claim.prefix, before) + fuzz.ratio(claim.suffix, after)) / 2)
