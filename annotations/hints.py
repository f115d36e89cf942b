"""The kinds of hint the analysis leaves on a claim: one registry.

A hint is stored on its claim as ``{"type", "message", "spans", ...}``
(annotations/assisting.py writes them). Everything that names the types reads
them here: the API's filter choices, counts and schema text, and the desk's
labels. The claim panel has its own way of showing the four types it was
built with; any other type is shown with its label, its stored message and
its spans, so a new kind of hint needs no template.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class HintType:
    """One kind of hint: its stored key, what the desk calls it, and what the
    API's documentation says of it (in English)."""

    key: str
    label: Promise
    description: str
    # Shown as a mark in the reading pane's text rather than in the hint list.
    inline: bool = False


TYPES: dict[str, HintType] = {}


def register(hint_type: HintType) -> HintType:
    TYPES[hint_type.key] = hint_type
    return hint_type


NAME_VARIANT = register(
    HintType(
        "name_variant",
        _("name variant"),
        "A name written more than one way in the article.",
    )
).key
NUMBER = register(
    HintType(
        "number",
        _("figure"),
        "A figure (date, money, percent, number) to check.",
        inline=True,
    )
).key
CONTRADICTION = register(
    HintType(
        "contradiction",
        _("contradiction"),
        "The article gives two figures for the same fact.",
    )
).key
CHECKED_BEFORE = register(
    HintType(
        "checked_before",
        _("checked before"),
        "The desk gave a verdict to the same words elsewhere.",
    )
).key


def choices() -> tuple[tuple[str, str], ...]:
    """(key, description) of every type, for filters and schemas."""
    return tuple((t.key, t.description) for t in TYPES.values())


def label(key: str) -> str:
    """What the desk calls a hint type (its key when it is unknown)."""
    hint_type = TYPES.get(key)
    return str(hint_type.label) if hint_type else key
