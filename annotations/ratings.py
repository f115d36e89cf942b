"""The rating scale: the verdicts editors give, read from the Rating table.

Every page, form, filter, export and the API read the scale here. It is
remembered per process (a few rows, read on most pages) and forgotten when a
rating is saved or deleted (apps.py connects forget_scale), so a page reads
it with no query of its own. Other processes see a change within
RATING_CACHE_SECONDS.
"""

from __future__ import annotations

import re
import threading
import time

from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import Q
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from .models import COLOUR_PATTERN, RATING_KEY_PATTERN, Rating, Verdict

# Other processes learn of a changed scale within this many seconds: the scale
# changes rarely (an admin's edit), and a page counted in a test must not meet
# an expiry halfway (a long test set up after the scale was read).
RATING_CACHE_SECONDS = 300

UNKNOWN_VERDICT = _("Unknown verdict '{value}'. Use one of: {allowed}.")
RATING_IN_USE = _(
    "The rating '{key}' is in use ({count} claims or corrections): retire it "
    "instead of deleting it."
)
DIGIT_TAKEN = _(
    "Another rating editors can give has the same keyboard digit: change one "
    "of them first."
)

DEFAULT_RANGE = {"worst_rating": 1, "best_rating": 3}
# The scale the desk started with (migration 0014 installs it): ClaimReview
# numbers 1 misstated, 2 disputed, 3 verified.
DEFAULT_RATINGS = (
    {
        "key": "verified",
        "label_en": "Verified",
        "label_zh": "已核实",
        "description_en": "The sources confirm the claim as stated.",
        "description_zh": "来源证实了该说法。",
        "icon": "\u2713",  # ✓
        "colour": "#17703a",
        "digit": 1,
        "order": 1,
        "rating_value": 3,
    },
    {
        "key": "disputed",
        "label_en": "Disputed",
        "label_zh": "有争议",
        "description_en": "Sources disagree, or the claim cannot be settled yet.",
        "description_zh": "来源之间存在分歧，或该说法尚无定论。",
        "icon": "?",
        "colour": "#8a5a00",
        "digit": 2,
        "order": 2,
        "rating_value": 2,
    },
    {
        "key": "misstated",
        "label_en": "Misstated",
        "label_zh": "失实",
        "description_en": "The sources contradict the claim as stated.",
        "description_zh": "来源与该说法相矛盾。",
        "icon": "\u2717",  # ✗
        "colour": "#b0241b",
        "digit": 3,
        "order": 3,
        "rating_value": 1,
    },
)

_KEY = re.compile(RATING_KEY_PATTERN)
_COLOUR = re.compile(COLOUR_PATTERN)

_scale: tuple[Rating, ...] | None = None
_scale_until = 0.0
_generation = 0
_lock = threading.Lock()


def install_defaults(apps=django_apps) -> None:
    """Create the default ratings that are missing (migration 0014; tests that
    empty the database call it again)."""
    model = apps.get_model("annotations", "Rating")
    for values in DEFAULT_RATINGS:
        model.objects.get_or_create(
            key=values["key"], defaults={**values, **DEFAULT_RANGE}
        )


def default_scale() -> tuple[Rating, ...]:
    """The default ratings as unsaved rows."""
    return tuple(Rating(**values, **DEFAULT_RANGE) for values in DEFAULT_RATINGS)


def scale() -> tuple[Rating, ...]:
    """Every rating, retired ones too, in the scale's order."""
    global _scale, _scale_until
    now = time.monotonic()
    with _lock:
        if _scale is not None and now < _scale_until:
            return _scale
        generation = _generation
    try:
        ratings = tuple(Rating.objects.order_by("order", "key"))
    except DatabaseError:
        if _table_exists():
            raise
        # Before migration 0014, or before the database is even created
        # (manage.py check builds the API schema before migrate does): the
        # default scale, not remembered.
        return default_scale()
    with _lock:
        # A rating saved while this read ran: keep nothing older than it.
        if generation == _generation:
            _scale, _scale_until = ratings, now + RATING_CACHE_SECONDS
    return ratings


def _table_exists() -> bool:
    """Whether the ratings table is there; False when the database is not."""
    try:
        return Rating._meta.db_table in connection.introspection.table_names()
    except DatabaseError:
        return False


def forget_scale(**_signal_arguments: object) -> None:
    """Empty this process's memory of the scale (a rating changed)."""
    global _scale, _generation
    with _lock:
        _scale = None
        _generation += 1


def active() -> list[Rating]:
    """The ratings editors can give now: not retired."""
    return [rating for rating in scale() if not rating.retired]


def all_keys() -> list[str]:
    """Every rating's key, retired ones too."""
    return [rating.key for rating in scale()]


def active_keys() -> list[str]:
    """The keys editors can give now."""
    return [rating.key for rating in active()]


def checked_keys() -> list[str]:
    """The keys that count a claim as checked."""
    return [rating.key for rating in scale() if rating.counts_as_checked]


def get(key: str) -> Rating | None:
    """The rating with this key, retired or not, or None."""
    return next((rating for rating in scale() if rating.key == key), None)


def label(key: str) -> str:
    """A verdict's name in the active language (unreviewed too)."""
    if key == Verdict.UNREVIEWED:
        return str(Verdict.UNREVIEWED.label)
    rating = get(key)
    return rating.label if rating else key


def icon(key: str) -> str:
    """A verdict's icon ("•" for unreviewed, "" for an unknown key)."""
    if key == Verdict.UNREVIEWED:
        return "\u2022"  # •
    rating = get(key)
    return rating.icon if rating else ""


def choices(*, unreviewed: bool = False, retired: bool = False) -> list[tuple]:
    """(key, label) pairs for forms and filters, in the scale's order."""
    ratings = scale() if retired else active()
    pairs = [(rating.key, rating.label) for rating in ratings]
    if unreviewed:
        pairs.append((Verdict.UNREVIEWED.value, Verdict.UNREVIEWED.label))
    return pairs


def allowed_text(*, unreviewed: bool = False) -> str:
    """The keys a client may send, as the API's help and error messages say."""
    allowed = active_keys() + ([Verdict.UNREVIEWED.value] if unreviewed else [])
    return ", ".join(allowed)


def check_verdict(verdict: str, *, current: str = "") -> None:
    """Raise ValidationError unless ``verdict`` may be given: an active rating,
    unreviewed, or the claim's ``current`` one (a retired rating is kept)."""
    if verdict in (Verdict.UNREVIEWED, current) or verdict in active_keys():
        return
    raise ValidationError(
        UNKNOWN_VERDICT.format(value=verdict, allowed=allowed_text(unreviewed=True)),
        code="verdict",
    )


def confirms(key: str) -> bool:
    """Whether ``key`` is the top of its scale (ClaimReview's best rating): a
    verdict that may rest on the article's own words."""
    rating = get(key)
    return rating is not None and rating.rating_value == rating.best_rating


def worst_key() -> str:
    """The first active rating at the bottom of its scale: what a hint that
    finds a claim wrong suggests."""
    worst = [r for r in active() if r.rating_value == r.worst_rating]
    return worst[0].key if worst else ""


def uses(key: str) -> int:
    """How many claims and corrections have this rating."""
    claims = django_apps.get_model("annotations", "Claim")
    corrections = django_apps.get_model("annotations", "Correction")
    in_corrections = Q(old_verdict=key) | Q(new_verdict=key)
    return (
        claims.objects.filter(verdict=key).count()
        + corrections.objects.filter(in_corrections).count()
    )


def check_deletable(rating: Rating) -> None:
    """Raise ValidationError if any claim or correction has this rating."""
    count = uses(rating.key)
    if count:
        raise ValidationError(
            RATING_IN_USE.format(key=rating.key, count=count), code="in_use"
        )


def css() -> str:
    """One CSS custom property per rating (``--vc``), on its ``v-<key>`` class:
    the colour every verdict chip, button, bar and border is drawn in."""
    # Both are checked on save and by the database; checked again here, as
    # this text goes into a <style> element.
    return "\n".join(
        f".v-{escape(rating.key)}{{--vc:{escape(rating.colour)}}}"
        for rating in scale()
        if _KEY.match(rating.key) and _COLOUR.match(rating.colour)
    )


def retire(*, keys: list[str], retired: bool = True) -> int:
    """Retire the ratings (or bring them back); how many changed.

    A retired rating stays on the claims that have it, in their exports and
    history; editors no longer see it among the verdicts. Bringing one back
    is refused while another active rating has its digit.
    """
    try:
        with transaction.atomic():
            done = Rating.objects.filter(key__in=keys).update(retired=retired)
    except IntegrityError:
        raise ValidationError(DIGIT_TAKEN, code="digit") from None
    forget_scale()  # update() sends no post_save
    return done
