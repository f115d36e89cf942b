"""Near-identical wording, across scripts and widths: "have we checked this?".

Pure Python (no Django). Texts are compared after normalising width
(NFKC), script (traditional to simplified), case, spaces and punctuation.
Each normalised text gets a MinHash sketch of eight values over its
character trigrams; two texts that share two of the eight are candidates,
and rapidfuzz then measures how alike they really are.
"""

from __future__ import annotations

import hashlib
import unicodedata

from . import names

SKETCH_SIZE = 8
# Candidates share at least this many sketch values.
MIN_SHARED = 2
# How alike (0-100) two normalised texts must be to count as the same claim.
MIN_SIMILARITY = 85
# Too short to match meaningfully ("是的。").
MIN_LENGTH = 8

_PRIME = (1 << 61) - 1
# Fixed, so sketches stored today match sketches computed tomorrow.
_PERMUTATIONS = [
    (
        int.from_bytes(hashlib.blake2b(b"a%d" % n, digest_size=8).digest()) | 1,
        int.from_bytes(hashlib.blake2b(b"b%d" % n, digest_size=8).digest()),
    )
    for n in range(SKETCH_SIZE)
]


def normalise(text: str) -> str:
    """Letters and digits only, in one width, script and case."""
    text = names.to_simplified(unicodedata.normalize("NFKC", text)).casefold()
    return "".join(ch for ch in text if unicodedata.category(ch)[0] in "LN")


def sketch(normalised: str) -> list[int]:
    """The MinHash values of a normalised text (empty when too short)."""
    if len(normalised) < MIN_LENGTH:
        return []
    grams = {normalised[i : i + 3] for i in range(len(normalised) - 2)}
    hashes = [
        int.from_bytes(hashlib.blake2b(g.encode(), digest_size=8).digest())
        for g in grams
    ]
    return sorted({min((a * h + b) % _PRIME for h in hashes) for a, b in _PERMUTATIONS})


def similarity(a: str, b: str) -> int:
    """How alike two normalised texts are, 0-100."""
    from rapidfuzz import fuzz

    return int(fuzz.ratio(a, b))
