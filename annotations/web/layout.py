"""Lay an article's text out for reading: paragraphs made of plain text and units."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..models import CHECKABLE_KINDS, Claim, Kind

# What the public report reprints: the sentences and the headings that order
# them; bylines, captions, navigation and boilerplate (a spam footer) are not.
READER_KINDS = (*CHECKABLE_KINDS, Kind.HEADING)


@dataclass(frozen=True, slots=True)
class Piece:
    """A stretch of one line: a unit (claim is set) or the text between units."""

    text: str
    claim: Claim | None = None


def paragraphs(text: str, claims: Iterable[Claim]) -> list[list[Piece]]:
    """Split ``text`` into lines of pieces; ``claims`` must be in position order."""
    lines: list[list[Piece]] = [[]]
    cursor = 0

    def plain(upto: int) -> None:
        nonlocal cursor
        for n, chunk in enumerate(text[cursor:upto].split("\n")):
            if n:
                lines.append([])
            if chunk:
                lines[-1].append(Piece(chunk))
        cursor = upto

    for claim in claims:
        plain(claim.start)
        lines[-1].append(Piece(claim.text, claim))
        cursor = claim.end
    plain(len(text))
    return [line for line in lines if line]


def without_furniture(lines: list[list[Piece]]) -> list[list[Piece]]:
    """``lines`` without page furniture (navigation, boilerplate, bylines...),
    for readers: headings stay, and a line left with no unit goes entirely."""
    kept_lines = []
    for line in lines:
        kept = [piece for piece in line if not _furniture(piece.claim)]
        dropped = len(kept) < len(line)
        if dropped and not any(piece.claim is not None for piece in kept):
            continue
        kept_lines.append(kept)
    return kept_lines


def _furniture(claim: Claim | None) -> bool:
    return claim is not None and claim.kind not in READER_KINDS
