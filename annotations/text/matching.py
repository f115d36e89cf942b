"""Near-identical wording, across scripts and widths: "have we checked this?".

Pure Python (no Django). Texts are compared after normalising width
(NFKC), script (traditional to simplified), case, spaces and punctuation.
Each normalised text gets a MinHash signature of 24 values over its
character trigrams, stored as eight bands of three (locality-sensitive
hashing): two texts that share a band are candidates, and rapidfuzz then
measures how alike they really are. A band is three minima at once, so common
words do not make every text a candidate of every other.
"""

from __future__ import annotations

import hashlib
import re
import struct
import unicodedata
from operator import itemgetter

from . import names

BANDS = 8
ROWS_PER_BAND = 3
# Candidates share at least this many bands.
MIN_SHARED = 1
# How alike (0-100) two normalised texts must be to count as the same claim.
MIN_SIMILARITY = 85
# Too short to match meaningfully ("是的。").
MIN_LENGTH = 8

# Each trigram's 24 hash values: three 512-bit BLAKE2b digests with fixed
# personalisations, so a sketch stored today matches one computed tomorrow.
_PERSONS = [b"factcheck-%d" % n for n in range(3)]
_UNPACK = struct.Struct("<8Q").unpack


def _hashes(gram: str) -> tuple[int, ...]:
    data = gram.encode()
    return sum(
        (
            _UNPACK(hashlib.blake2b(data, digest_size=64, person=p).digest())
            for p in _PERSONS
        ),
        (),
    )


def normalise(text: str) -> str:
    """Letters and digits only, in one width, script and case."""
    text = names.to_simplified(unicodedata.normalize("NFKC", text)).casefold()
    return "".join(ch for ch in text if unicodedata.category(ch)[0] in "LN")


def sketch(normalised: str) -> list[int]:
    """The band keys of a normalised text (empty when too short)."""
    if len(normalised) < MIN_LENGTH:
        return []
    grams = {normalised[i : i + 3] for i in range(len(normalised) - 2)}
    rows = [_hashes(gram) for gram in grams]
    # The minimum of each hash function over the trigrams, looped in C.
    minima = [min(map(itemgetter(n), rows)) for n in range(BANDS * ROWS_PER_BAND)]
    keys = set()
    for band in range(BANDS):
        rows = minima[band * ROWS_PER_BAND : (band + 1) * ROWS_PER_BAND]
        digest = hashlib.blake2b(repr((band, *rows)).encode(), digest_size=8).digest()
        keys.add(int.from_bytes(digest) >> 2)  # fits a signed 64-bit column
    return sorted(keys)


_FIGURES = re.compile(r"\d+")


def same_figures(a: str, b: str) -> bool:
    """Whether two normalised texts state the same numbers.

    "raised 10 million" and "raised 12 million" are different claims however
    alike their words.
    """
    return sorted(_FIGURES.findall(a)) == sorted(_FIGURES.findall(b))


def similarity(a: str, b: str) -> int:
    """How alike two normalised texts are, 0-100."""
    from rapidfuzz import fuzz

    return int(fuzz.ratio(a, b))
