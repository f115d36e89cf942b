"""The article's text as HTML, each unit a link, and the workspace's filters
that dim the units they leave out; search results marked, and diffs.

Built in Python: a 5,000-claim article took a second through template tags.
The loops over every unit escape with the standard library's html.escape
(what Django's escape calls, without its lazy-string wrapper per call).
"""

from __future__ import annotations

import re
from html import escape as escape_text

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy, pgettext_lazy

from .. import ratings
from ..exporters import claim_anchor
from ..hints import CONTRADICTION, NAME_VARIANT, NUMBER
from ..hints import label as hint_label
from ..models import Claim, Kind, Status, Verdict
from ..text.diffing import Piece as DiffPiece
from .layout import Piece
from .panels import FIGURE_LABELS

# The workspace's verdict filters before the rating scale's (verdict_filters()).
VERDICT_FILTERS = (
    ("all", gettext_lazy("All")),
    ("unreviewed", gettext_lazy("Unreviewed claims")),
)


STATUS_FILTERS = (
    (Status.DRAFT, gettext_lazy("Needs review")),
    (Status.REJECTED, gettext_lazy("Rejected")),
    (Status.APPROVED, gettext_lazy("Approved")),
    (Status.PUBLISHED, gettext_lazy("Published")),
)


def verdict_filters() -> list[tuple[str, str]]:
    """All, unreviewed, then every rating (retired ones find old verdicts)."""
    return [*VERDICT_FILTERS, *ratings.choices(retired=True)]


def known_filter(show: str) -> str:
    """``show`` if it names a filter, else "all"."""
    filters = verdict_filters() + list(STATUS_FILTERS)
    return show if show in {value for value, _label in filters} else "all"


def article_units(
    paragraphs: list[list[Piece]],
    *,
    selected: Claim | None = None,
    show: str = "all",
    reviewed: set[int] | None = None,
) -> SafeString:
    """The article's paragraphs with each unit as a link.

    In the workspace (``reviewed`` is None) every unit links to its panel; in
    the public report only reviewed units link, to their finding.
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
                html.append(escape_text(piece.text))
            elif reviewed is None:
                html.append(_workspace_span(claim, labels, notes, selected_pk, show))
            else:
                html.append(
                    f'<a href="#{claim_anchor(claim.public_id)}" '
                    f'class="unit v-{claim.verdict}">'
                    f"{escape_text(claim.text)}{public.get(claim.verdict, '')}</a>"
                )
        html.append("</p>\n")
    return mark_safe("".join(html))  # noqa: S308  every piece of text is escaped


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
    # Claims read without their hints (the public report's) get no marks: a
    # deferred field is not in the instance's __dict__ (what
    # get_deferred_fields() looks at, without building a set per claim).
    hints = claim.__dict__.get("hints") or []
    other = sorted({h.get("type") for h in hints} - {NUMBER, None})
    after = ""
    if other:
        classes += " has-hints"
        after += notes["hints"].format(
            names=escape(", ".join(hint_label(t) for t in other))
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
        if hint.get("type") == CONTRADICTION
        for span in hint.get("spans", [])
    }
    marks = []
    for hint in hints:
        if hint.get("type") == NUMBER:
            kind = hint.get("kind")
            css = f"fig fig-{kind if kind in FIGURE_LABELS else 'number'}"
            spans = hint.get("spans", [])
        elif hint.get("type") == NAME_VARIANT and hint.get("suggested_verdict"):
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
        html.append(escape_text(text[cursor:start]))
        html.append(
            f'<mark class="{css}" data-fig="{offset}">'
            f"{escape_text(text[start:end])}</mark>"
        )
        cursor = end
    html.append(escape_text(text[cursor:]))
    return "".join(html)


def bulk_rows(units: list[Claim]) -> SafeString:
    """The bulk form's list: a checkbox per unit shown, with its position,
    the start of its text, its kind if not a claim and its review status.

    Built here rather than in the template for the same reason as the text:
    at 5,000 units the template loop was most of the workspace's time.
    """
    kinds = {kind.value: escape(kind.label) for kind in Kind}
    statuses = {status.value: escape(status.label) for status in Status}
    html = []
    for unit in units:
        after = ""
        if unit.kind != Kind.CLAIM:
            after += (
                f'<span class="kind-tag kind-{unit.kind}">'
                f"{kinds.get(unit.kind, '')}</span>"
            )
        if unit.status != Status.UNREVIEWED:
            after += (
                f'<span class="status-badge status-{unit.status}">'
                f"{statuses.get(unit.status, '')}</span>"
            )
        html.append(
            f'<li class="bulk-row v-{unit.verdict}"><input type="checkbox" '
            f'name="claims" value="{unit.pk}:{unit.version}" '
            f'id="bulk-claim-{unit.pk}" data-claim="{unit.pk}">'
            f'<label for="bulk-claim-{unit.pk}"><span class="queue-position">'
            f"{unit.position}</span> {escape_text(_shortened(unit.text, 90))} "
            f"{after}</label></li>\n"
        )
    return mark_safe("".join(html))  # noqa: S308  every piece of text is escaped


def _shortened(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, the last an ellipsis, when longer
    (truncatechars without its per-character pass for combining marks)."""
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def _span_notes() -> dict[str, str]:
    """The marks after a unit's text: it has hints; its text changed."""
    hints = escape(gettext_lazy("hints"))
    changed = escape(gettext_lazy("Text changed since verified"))
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
    if show in {status for status, _label in STATUS_FILTERS}:
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


# Search results and diffs

# Context kept either side of a change on the diff page.
DIFF_CONTEXT = 160


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


def matches_any(text: str, terms: list[str]) -> bool:
    """Whether ``text`` contains one of the search terms."""
    lowered = (text or "").lower()
    return any(term.lower() in lowered for term in terms)


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
