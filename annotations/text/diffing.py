"""What changed between two versions of an article's text, word by word."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Piece:
    """A run of the diff: "equal", "insert", "delete"."""

    op: str
    text: str


# Diff tokens: Latin words and numbers whole, every other character alone
# (a Chinese character is a word of its own for this purpose).
_TOKEN = re.compile(r"[A-Za-z0-9]+|\s+|.", re.DOTALL)


def diff(old: str, new: str) -> list[Piece]:
    """What changed between two texts, word by word (character by character in
    Chinese)."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    pieces: list[Piece] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op == "equal":
            pieces.append(Piece("equal", "".join(a[a0:a1])))
            continue
        if a1 > a0:
            pieces.append(Piece("delete", "".join(a[a0:a1])))
        if b1 > b0:
            pieces.append(Piece("insert", "".join(b[b0:b1])))
    return pieces
