"""Lay an article's text out for reading: paragraphs made of plain text and units."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .models import Claim


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
