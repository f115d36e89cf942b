"""Template helpers for the editor pages: bars, labels, roles and history."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django import template
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import FieldDoesNotExist
from django.utils.formats import date_format
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .. import queries, roles
from ..history import Change, Entry
from ..layout import Piece
from ..models import Claim, Kind, Source, Stance, Status, Verdict

register = template.Library()

# Order, colour class and icon of each verdict wherever verdicts are drawn.
VERDICT_STYLE = {
    Verdict.VERIFIED: ("verified", "\u2713"),  # ✓
    Verdict.DISPUTED: ("disputed", "?"),
    Verdict.MISSTATED: ("misstated", "\u2717"),  # ✗
    Verdict.UNREVIEWED: ("unreviewed", "\u2022"),  # •
}
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
    """A stacked bar of verdict counts, drawn as SVG (no inline styles)."""
    styles = [
        (css, Verdict(verdict).label, icon, counts.get(verdict, 0))
        for verdict, (css, icon) in VERDICT_STYLE.items()
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
def verdict_icon(verdict: str) -> str:
    return VERDICT_STYLE.get(verdict, ("", ""))[1]


@register.filter
def verdict_label(verdict: str) -> str:
    """The translated name of a verdict value."""
    return Verdict(verdict).label if verdict in Verdict.values else verdict


@register.filter
def status_label(status: str) -> str:
    """The translated name of a review status value."""
    return Status(status).label if status in Status.values else status


@register.filter
def stance_label(stance: str) -> str:
    """The translated name of a source's stance value."""
    return Stance(stance).label if stance in Stance.values else stance


@register.simple_tag
def article_counts(article) -> dict[str, int]:
    """Verdict counts of an article annotated by queries.articles_with_counts."""
    return {
        Verdict.VERIFIED: article.verified_count,
        Verdict.DISPUTED: article.disputed_count,
        Verdict.MISSTATED: article.misstated_count,
        Verdict.UNREVIEWED: article.claim_count - article.checked_count,
    }


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
    public = {
        verdict: labels.get((verdict, Status.PUBLISHED), "") for verdict in Verdict
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
                html.append(_workspace_span(claim, labels, selected_pk, show))
            else:
                html.append(
                    f'<a href="#claim-{claim.position}" class="unit v-{claim.verdict}">'
                    f"{escape(claim.text)}{public[claim.verdict]}</a>"
                )
        html.append("</p>\n")
    return mark_safe("".join(html))  # noqa: S308  every piece of text is escaped


@register.simple_tag
def claim_span(claim: Claim, *, selected: Claim | None = None, show: str = "all"):
    """One unit's span, for swapping it alone after a save."""
    selected_pk = selected.pk if selected else None
    span = _workspace_span(claim, _verdict_labels(), selected_pk, show)
    # Marked for htmx's out-of-band swap of the element with the same id.
    return mark_safe(span.replace("<a ", '<a hx-swap-oob="true" ', 1))  # noqa: S308


def _workspace_span(
    claim: Claim,
    labels: dict[tuple[str, str], str],
    selected_pk: int | None,
    show: str,
) -> str:
    classes = f"unit kind-{claim.kind} v-{claim.verdict} s-{claim.status}"
    if claim.pk == selected_pk:
        classes += " selected"
    if _dimmed(claim, show):
        classes += " dim"
    anchor = f"claim-{claim.position}"
    return (
        f'<a id="{anchor}" href="?claim={claim.pk}#{anchor}" class="{classes}"'
        f' data-claim="{claim.pk}">{escape(claim.text)}'
        f"{labels.get((claim.verdict, claim.status), '')}</a>"
    )


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
    for verdict, (_css, icon) in VERDICT_STYLE.items():
        if verdict == Verdict.UNREVIEWED:
            continue
        label = escape(Verdict(verdict).label)
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
