"""Template helpers for the editor pages: bars, labels, roles, history, hints."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django import template
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import FieldDoesNotExist
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .. import assisting, queries, ratings, roles
from ..exporters import claim_anchor
from ..history import Change, Entry
from ..layout import Piece
from ..models import Claim, Kind, Source, Stance, Status, Verdict
from ..text.diffing import Piece as DiffPiece

register = template.Library()

# Review states drawn on the dashboard's review bar, in this order.
REVIEW_STYLE = (
    ("published", _("Published"), "\u25cf"),  # ●
    ("approved", _("Approved"), "\u25d1"),  # ◑
    ("draft", _("Draft"), "\u25cb"),  # ○
    ("todo", _("To do"), "\u00b7"),  # ·
)
# Status filters of the workspace (the verdict filters are the verdicts).
STATUS_FILTERS = (Status.DRAFT, Status.REJECTED, Status.APPROVED, Status.PUBLISHED)
# Values longer than this are cut in the history, the full text on expanding.
HISTORY_PREVIEW = 90


@register.inclusion_tag("annotations/verdict_bar.html")
def verdict_bar(counts: dict[str, int]) -> dict:
    """A stacked bar of verdict counts in the scale's order, drawn as SVG (no
    inline styles: each rating's colour is its v-<key> class)."""
    styles = [
        (
            "unreviewed" if key == Verdict.UNREVIEWED else f"rated v-{key}",
            ratings.label(key),
            ratings.icon(key),
            count,
        )
        for key, count in counts.items()
    ]
    return _bar(styles, _("Verdicts"))


@register.inclusion_tag("annotations/verdict_bar.html")
def review_bar(article) -> dict:
    """Published, approved and draft verdicts of an article, and the rest to do.

    ``article`` is annotated by queries.articles_with_counts.
    """
    done = {
        "published": article.published_count,
        "approved": article.approved_count,
        "draft": article.draft_count,
    }
    done["todo"] = max(article.claim_count - sum(done.values()), 0)
    styles = [(css, label, icon, done[css]) for css, label, icon in REVIEW_STYLE]
    return _bar(styles, _("Review"))


def _bar(styles: list[tuple[str, str, str, int]], label: str) -> dict:
    total = sum(count for *_rest, count in styles)
    segments, x = [], 0.0
    for css, name, icon, count in styles:
        width = 100 * count / total if total else 0
        segments.append(
            {
                "label": name,
                "css": css,
                "icon": icon,
                "count": count,
                "x": f"{x:.2f}",
                "width": f"{width:.2f}",
            }
        )
        x += width
    return {"segments": segments, "total": total, "label": label}


@register.filter
def workspace_link(claim: Claim) -> str:
    """The workspace address that opens ``claim`` in the panel, scrolled to it."""
    url = reverse("desk:workspace", args=[claim.article_id])
    return f"{url}?claim={claim.public_id}#{claim_anchor(claim.public_id)}"


@register.filter
def verdict_icon(verdict: str) -> str:
    """A verdict's icon from the rating scale."""
    return ratings.icon(verdict)


@register.filter
def verdict_label(verdict: str) -> str:
    """A verdict's name in the active language, from the rating scale."""
    return ratings.label(verdict)


@register.simple_tag
def rating_styles() -> SafeString:
    """Each rating's colour as a CSS custom property, for a <style> element."""
    return mark_safe(ratings.css())  # noqa: S308  keys and colours are checked


@register.simple_tag
def verdict_ratings() -> list:
    """The ratings editors can give now, in the scale's order."""
    return ratings.active()


@register.filter
def stance_label(stance: str) -> str:
    """The translated name of a source's stance value."""
    return Stance(stance).label if stance in Stance.values else stance


@register.simple_tag
def article_units(
    paragraphs: list[list[Piece]],
    *,
    selected: Claim | None = None,
    show: str = "all",
    reviewed: set[int] | None = None,
) -> SafeString:
    """The article's paragraphs with each unit as a link.

    In the workspace (``reviewed`` is None) every unit links to its panel; in
    the public report only reviewed units link, to their finding. Built in
    Python: a 5,000-claim article took a second through template tags.
    """
    labels = _verdict_labels()
    notes = _span_notes()
    public = {
        key: labels.get((key, Status.PUBLISHED), "") for key in ratings.all_keys()
    }
    selected_pk = selected.pk if selected else None
    html = []
    for line in paragraphs:
        html.append("<p>")
        for piece in line:
            claim = piece.claim
            if claim is None or (reviewed is not None and claim.pk not in reviewed):
                html.append(escape(piece.text))
            elif reviewed is None:
                html.append(_workspace_span(claim, labels, notes, selected_pk, show))
            else:
                html.append(
                    f'<a href="#{claim_anchor(claim.public_id)}" '
                    f'class="unit v-{claim.verdict}">'
                    f"{escape(claim.text)}{public.get(claim.verdict, '')}</a>"
                )
        html.append("</p>\n")
    return mark_safe("".join(html))  # noqa: S308  every piece of text is escaped


@register.simple_tag
def claim_span(claim: Claim, *, selected: Claim | None = None, show: str = "all"):
    """One unit's span, for swapping it alone after a save."""
    selected_pk = selected.pk if selected else None
    span = _workspace_span(claim, _verdict_labels(), _span_notes(), selected_pk, show)
    # Marked for htmx's out-of-band swap of the element with the same id.
    return mark_safe(span.replace("<a ", '<a hx-swap-oob="true" ', 1))  # noqa: S308


def _workspace_span(
    claim: Claim,
    labels: dict[tuple[str, str], str],
    notes: dict[str, str],
    selected_pk: int | None,
    show: str,
) -> str:
    classes = f"unit kind-{claim.kind} v-{claim.verdict} s-{claim.status}"
    if claim.pk == selected_pk:
        classes += " selected"
    if _dimmed(claim, show):
        classes += " dim"
    # Claims read without their hints (the public report's) get no marks.
    hints = [] if "hints" in claim.get_deferred_fields() else claim.hints or []
    other = sorted({h.get("type") for h in hints} - {assisting.NUMBER, None})
    after = ""
    if other:
        classes += " has-hints"
        after += notes["hints"].format(
            names=escape(", ".join(str(HINT_LABELS.get(t, t)) for t in other))
        )
    if claim.text_changed:
        classes += " text-changed"
        after += notes["changed"]
    anchor = claim_anchor(claim.public_id)
    return (
        f'<a id="{anchor}" href="?claim={claim.public_id}#{anchor}" class="{classes}"'
        f' data-claim="{claim.pk}">{_marked_text(claim, hints)}{after}'
        f"{labels.get((claim.verdict, claim.status), '')}</a>"
    )


def _marked_text(claim: Claim, hints: list[dict]) -> str:
    """The claim's text, escaped, with its figures (and a likely misspelt name)
    marked at their exact offsets."""
    text = claim.text
    conflicts = {
        (span.get("start"), span.get("end"))
        for hint in hints
        if hint.get("type") == assisting.CONTRADICTION
        for span in hint.get("spans", [])
    }
    marks = []
    for hint in hints:
        if hint.get("type") == assisting.NUMBER:
            kind = hint.get("kind")
            css = f"fig fig-{kind if kind in FIGURE_LABELS else 'number'}"
            spans = hint.get("spans", [])
        elif hint.get("type") == assisting.NAME_VARIANT and hint.get(
            "suggested_verdict"
        ):
            css = "name-variant"
            majority = hint.get("majority")
            spans = [s for s in hint.get("spans", []) if s.get("text") != majority]
        else:
            continue
        for span in spans:
            start, end = span.get("start", -1), span.get("end", -1)
            local = (start - claim.start, end - claim.start)
            # A hint older than the text (or malformed) marks nothing.
            if 0 <= local[0] < local[1] <= len(text) and (
                text[local[0] : local[1]] == span.get("text")
            ):
                extra = " fig-conflict" if (start, end) in conflicts else ""
                marks.append((*local, css + extra, start))
    html, cursor = [], 0
    for start, end, css, offset in sorted(marks):
        if start < cursor:
            continue  # overlapping marks: the first one wins
        html.append(escape(text[cursor:start]))
        html.append(
            f'<mark class="{css}" data-fig="{offset}">{escape(text[start:end])}</mark>'
        )
        cursor = end
    html.append(escape(text[cursor:]))
    return "".join(html)


def _span_notes() -> dict[str, str]:
    """The marks after a unit's text: it has hints; its text changed."""
    hints = escape(_("hints"))
    changed = escape(_("Text changed since verified"))
    short = escape(pgettext_lazy("badge", "changed"))
    return {
        # {names} is filled per unit (escaped), the rest once per page.
        "hints": (
            '<span class="hint-mark" title="{names}"><span aria-hidden="true">'
            "\u25c6</span>"
            f'<span class="visually-hidden"> ({hints}: {{names}})</span></span>'
        ),
        "changed": (
            f'<span class="changed-badge" title="{changed}">'
            f'<span aria-hidden="true">{short}</span>'
            f'<span class="visually-hidden"> ({changed})</span></span>'
        ),
    }


def _dimmed(claim: Claim, show: str) -> bool:
    if show in ("", "all"):
        return False
    if show == Verdict.UNREVIEWED:
        return claim.kind != Kind.CLAIM or claim.verdict != Verdict.UNREVIEWED
    if show in STATUS_FILTERS:
        return claim.status != show
    return claim.verdict != show


def _verdict_labels() -> dict[tuple[str, str], str]:
    """The icon and screen-reader label after a unit, per verdict and status.

    A published verdict is named alone; one still in review says where it is.
    """
    labels = {(Verdict.UNREVIEWED, Status.UNREVIEWED): ""}
    for rating in ratings.scale():
        verdict, icon = rating.key, escape(rating.icon)
        label = escape(rating.label)
        for status in Status:
            if status == Status.UNREVIEWED:
                continue
            title, note = label, ""
            if status != Status.PUBLISHED:
                title = f"{label} \u00b7 {escape(status.label)}"
                note = f'<span class="visually-hidden">, {escape(status.label)}</span>'
            labels[verdict, status] = (
                f'<span class="vicon" title="{title}"><span aria-hidden="true">'
                f'{icon}</span><span class="visually-hidden"> ({label})</span>'
                f"{note}</span>"
            )
    return labels


@dataclass(frozen=True)
class DeskRole:
    """What the signed-in user's role is called and what it lets them do."""

    key: str
    label: str
    edit: bool
    review: bool
    comment: bool


@register.simple_tag
def desk_role(user: AbstractBaseUser | AnonymousUser) -> DeskRole:
    """The user's role on the desk (the strongest one they hold)."""
    if not user.is_authenticated:
        return DeskRole("", "", False, False, False)
    named = (
        (roles.ADMIN, roles.DELETE_ARTICLE, pgettext_lazy("role", "Admin")),
        (roles.REVIEWER, roles.REVIEW, pgettext_lazy("role", "Reviewer")),
        (roles.EDITOR, roles.EDIT, pgettext_lazy("role", "Editor")),
        (roles.VIEWER, roles.VIEW, pgettext_lazy("role", "Viewer")),
    )
    key, label = next(
        ((key, label) for key, perm, label in named if user.has_perm(perm)),
        ("none", pgettext_lazy("role", "No role")),
    )
    return DeskRole(
        key=key,
        label=str(label),
        edit=user.has_perm(roles.EDIT),
        review=user.has_perm(roles.REVIEW),
        comment=user.has_perm(roles.COMMENT),
    )


@register.simple_tag
def queue_counts(user: AbstractBaseUser | AnonymousUser) -> dict[str, int]:
    """How many claims wait in the user's queue, and for their review."""
    counts = {"mine": 0, "review": 0}
    if user.is_authenticated and user.has_perm(roles.EDIT):
        counts["mine"] = queries.queue(user).count()
    if user.is_authenticated and user.has_perm(roles.REVIEW):
        counts["review"] = queries.review_queue(user).count()
    return counts


# History

_EVENTS = {
    ("claim", "created"): _("created the claim"),
    ("claim", "changed"): _("changed the claim"),
    ("claim", "deleted"): _("removed the claim"),
    ("source", "created"): _("added a source"),
    ("source", "changed"): _("edited a source"),
    ("source", "deleted"): _("removed a source"),
    ("correction", "proposed"): _("proposed a correction"),
    ("correction", "approved"): _("approved the correction"),
    ("correction", "rejected"): _("rejected the correction"),
}
# A claim change that moved its review status is named for what it did.
_STATUS_EVENTS = {
    Status.DRAFT: _("drafted the verdict"),
    Status.APPROVED: _("approved the verdict"),
    Status.REJECTED: _("rejected the verdict"),
    Status.PUBLISHED: _("published the verdict"),
    Status.UNREVIEWED: _("cleared the verdict"),
}
_FIELD_MODELS = {"claim": Claim, "source": Source, "correction": Claim}
_CHOICES = {
    "verdict": Verdict,
    "status": Status,
    "kind": Kind,
    "stance": Stance,
}
# How a choice is drawn in the history: as it is drawn elsewhere on the page.
_CHOICE_CLASSES = {
    "verdict": "vchip v-",
    "status": "status-badge status-",
    "kind": "kind-tag kind-",
    "stance": "stance-tag stance-",
}


@register.filter
def event_label(entry: Entry) -> str:
    """What happened in a history entry, in words."""
    if entry.subject == "claim" and entry.action == "changed":
        for change in entry.changes:
            if change.field == "status" and change.new in _STATUS_EVENTS:
                return str(_STATUS_EVENTS[change.new])
        fields = {change.field for change in entry.changes}
        if fields & {"verdict", "rationale"}:
            return str(_("changed the verdict"))
        if fields & {"assignee", "assignee_id"}:
            return str(_("assigned the claim"))
        if "kind" in fields:
            return str(_("changed the kind"))
    label = _EVENTS.get((entry.subject, entry.action))
    return str(label) if label else f"{entry.action} {entry.subject}"


@register.filter
def field_label(change: Change, subject: str) -> str:
    """The translated name of a changed field."""
    name = change.field.removesuffix("_id")
    model = _FIELD_MODELS.get(subject, Claim)
    try:
        return capfirst(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:  # a field the history knows and the model not
        return name


@register.simple_tag
def history_value(change: Change, which: str) -> SafeString:
    """One side of a change, readable: labels for choices, long text folded."""
    value = getattr(change, which)
    choices = _CHOICES.get(change.field)
    if value is None or value == "":
        return format_html('<span class="muted">{}</span>', "\u2014")
    if choices is not None and value in choices.values:
        return format_html(
            '<span class="{}{}">{}</span>',
            _CHOICE_CLASSES[change.field],
            value,
            choices(value).label,
        )
    if isinstance(value, datetime.datetime):
        text = date_format(value, "Y-m-d H:i")
    elif isinstance(value, datetime.date):
        text = date_format(value, "Y-m-d")
    else:
        text = str(value)
    if len(text) <= HISTORY_PREVIEW:
        return format_html('<span class="value">{}</span>', text)
    return format_html(
        '<details class="long-value"><summary>{}</summary>'
        '<div class="full-value">{}</div></details>',
        Truncator(text).chars(HISTORY_PREVIEW),
        text,
    )


# Assistance: figures, hints, check-worthiness, search, versions

FIGURE_LABELS = {
    "money": _("money"),
    "date": _("date"),
    "percent": _("percentage"),
    "number": _("number"),
}
HINT_LABELS = {
    assisting.NAME_VARIANT: _("name variant"),
    assisting.CONTRADICTION: _("contradiction"),
    assisting.CHECKED_BEFORE: _("checked before"),
}
# The features of the check-worthiness score (annotations/text/triage.py).
REASON_LABELS = {
    "money": pgettext_lazy("worth", "money"),
    "percent": pgettext_lazy("worth", "percentage"),
    "date": pgettext_lazy("worth", "date"),
    "number": pgettext_lazy("worth", "number"),
    "person": pgettext_lazy("worth", "person"),
    "name": pgettext_lazy("worth", "named thing"),
    "comparison": pgettext_lazy("worth", "comparison"),
    "event": pgettext_lazy("worth", "event"),
    "attribution": pgettext_lazy("worth", "attribution"),
    "opinion": pgettext_lazy("worth", "opinion"),
    "hedging": pgettext_lazy("worth", "hedging"),
    "advice": pgettext_lazy("worth", "advice"),
    "question": pgettext_lazy("worth", "question"),
    "heading": pgettext_lazy("worth", "heading"),
    "boilerplate": pgettext_lazy("worth", "boilerplate"),
    "byline": pgettext_lazy("worth", "byline"),
    "caption": pgettext_lazy("worth", "caption"),
    "image": pgettext_lazy("worth", "image"),
    "navigation": pgettext_lazy("worth", "navigation"),
    "vague figure": pgettext_lazy("worth", "vague figure"),
    "relative date": pgettext_lazy("worth", "relative date"),
    "discourse": pgettext_lazy("worth", "discourse adverb"),
    "first person": pgettext_lazy("worth", "first person"),
    "quotation": pgettext_lazy("worth", "quotation"),
    "not a sentence": pgettext_lazy("worth", "not a sentence"),
    "list line": pgettext_lazy("worth", "list line"),
    "name variant": pgettext_lazy("worth", "name variant"),
    "contradiction": pgettext_lazy("worth", "contradiction"),
}
# Longest first: "name variant" before "name".
_REASON_KEYS = sorted(REASON_LABELS, key=len, reverse=True)
# Figures and diffs: context kept either side of a change on the diff page.
DIFF_CONTEXT = 160


@dataclass(frozen=True)
class Reason:
    """One reason for a check-worthiness score: "+money 1060万美元"."""

    plus: bool
    label: str
    evidence: str


@register.filter
def kind_label(kind: str) -> str:
    """The translated name of a unit's kind ("Heading", "Byline", ...)."""
    return str(Kind(kind).label) if kind in Kind.values else kind


@register.filter
def worth_reasons(reasons: list[str]) -> list[Reason]:
    """The score's reasons, their feature names translated."""
    shown = []
    for reason in reasons or []:
        sign, rest = reason[:1], reason[1:]
        feature = next(
            (k for k in _REASON_KEYS if rest == k or rest.startswith(k + " ")),
            rest.partition(" ")[0],
        )
        evidence = rest[len(feature) :].strip()
        label = REASON_LABELS.get(feature, feature)
        shown.append(Reason(sign == "+", str(label), evidence))
    return shown


@register.filter
def figure_label(kind: str) -> str:
    """The translated name of a figure's kind (money, date...)."""
    return str(FIGURE_LABELS.get(kind, FIGURE_LABELS["number"]))


@register.filter
def figure_css(kind: str) -> str:
    return kind if kind in FIGURE_LABELS else "number"


@register.filter
def percent(value: float) -> str:
    """0.45 -> "45" (for SVG widths and labels)."""
    try:
        return f"{max(0.0, min(1.0, float(value))) * 100:.0f}"
    except (TypeError, ValueError):
        return "0"


@register.filter
def worth_level(value: float) -> str:
    """high, medium or low: the colour of a check-worthiness bar."""
    value = value or 0
    return "high" if value >= 0.5 else "medium" if value >= 0.3 else "low"


@register.filter
def iso_date(value: str | None):
    """A stored ISO timestamp (from a hint) as a datetime, for |date."""
    try:
        return datetime.datetime.fromisoformat(value) if value else None
    except ValueError:
        return None


@register.simple_tag
def highlight(text: str, terms: list[str], limit: int = 0) -> SafeString:
    """``text`` escaped, each search term in it marked (case-insensitive).

    With ``limit``, only about that many characters around the first match.
    """
    text = text or ""
    terms = [t for t in terms if t]
    if not terms:
        return escape(Truncator(text).chars(limit) if limit else text)
    pattern = re.compile(
        "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)),
        re.IGNORECASE,
    )
    if limit and len(text) > limit:
        first = pattern.search(text)
        begin = max(0, (first.start() if first else 0) - limit // 3)
        end = begin + limit
        text = (
            ("\u2026" if begin else "")
            + text[begin:end]
            + ("\u2026" if end < len(text) else "")
        )
    html, cursor = [], 0
    for match in pattern.finditer(text):
        html.append(escape(text[cursor : match.start()]))
        html.append(f"<mark>{escape(match.group(0))}</mark>")
        cursor = match.end()
    html.append(escape(text[cursor:]))
    return mark_safe("".join(html))  # noqa: S308  every piece of text is escaped


@register.filter
def matches_any(text: str, terms: list[str]) -> bool:
    """Whether ``text`` contains one of the search terms."""
    lowered = (text or "").lower()
    return any(term.lower() in lowered for term in terms)


@register.simple_tag
def diff_html(pieces: list[DiffPiece], context: int = DIFF_CONTEXT) -> SafeString:
    """A diff as HTML: insertions in <ins>, deletions in <del>, and long
    unchanged stretches cut to ``context`` characters around each change."""
    html = []
    last = len(pieces) - 1
    for n, piece in enumerate(pieces):
        text = piece.text
        if piece.op == "insert":
            html.append(f'<ins class="diff-ins">{escape(text)}</ins>')
        elif piece.op == "delete":
            html.append(f'<del class="diff-del">{escape(text)}</del>')
        elif len(text) <= 2 * context + 40 or last == 0:
            html.append(escape(text))
        else:
            skip = '<span class="diff-skip" aria-hidden="true">\u2026</span>'
            head = escape(_to_line_end(text, context)) if n else ""
            tail = escape(_from_line_start(text, context)) if n < last else ""
            html.append(f"{head}{skip}{tail}")
    return mark_safe("".join(html))  # noqa: S308  every piece of text is escaped


def _to_line_end(text: str, context: int) -> str:
    """The first ``context`` characters, up to the end of their line if near."""
    end = text.find("\n", context, context * 2)
    return text[: end if end != -1 else context]


def _from_line_start(text: str, context: int) -> str:
    """The last ``context`` characters, from the start of their line if near."""
    start = text.rfind("\n", len(text) - context * 2, len(text) - context)
    return text[start + 1 if start != -1 else len(text) - context :]
