"""The claim panel's presenter: everything the side panel shows, built once for
the workspace page, the htmx panel responses and the template tags.

``panel_context`` builds the panel's head and its one open tab: Details (the
verdict, review, claimant and source forms, and the hints of assistance),
Discussion or History. The labels the tabs draw (history events, figures,
check-worthiness reasons) are built here too; the template tags only name them.
"""

from __future__ import annotations

import dataclasses
import datetime
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy

from .. import assisting, exporters, hints, history, queries, ratings, reasons, roles
from ..history import Change, Entry
from ..models import Claim, CorrectionStatus, Kind, Source, Stance, Status, Verdict
from ..services import reviewing
from . import access
from .forms import (
    ClaimantForm,
    ClaimAssignForm,
    ClaimForm,
    CommentForm,
    CorrectionForm,
    ReviewForm,
    SourceForm,
    SplitForm,
)

TABS = ("details", "discussion", "history")
SOURCE_FIELDS = ("url", "title", "publisher", "quote", "stance", "accessed_on")
# The forms a response hands back as the user typed them (with their errors).
TYPED_FORMS = frozenset(
    {
        "claim_form",
        "source_form",
        "source_for",
        "review_form",
        "correction_form",
        "assign_form",
        "comment_form",
        "claimant_form",
    }
)


def workspace_url(claim: Claim, tab: str = "details", suggest: str = "") -> str:
    """The workspace with ``claim`` open in the panel (on ``tab``), scrolled to it."""
    url = reverse("desk:workspace", args=[claim.article_id])
    query = {"claim": claim.public_id}
    if tab != "details":
        query["tab"] = tab
    if suggest:
        query["suggest"] = suggest
    anchor = (
        f"orphan-{claim.pk}"
        if claim.orphaned
        else exporters.claim_anchor(claim.public_id)
    )
    return f"{url}?{urlencode(query)}#{anchor}"


def panel_context(
    claim: Claim,
    user: roles.User,
    *,
    tab: str = "details",
    people: list | None = None,
    conflict: dict | None = None,
    error: str = "",
    saved: bool = False,
    notice: str = "",
    suggest: str = "",
    **typed: forms.Form | Source | None,
) -> dict:
    """The side panel: its head, and the one tab that is open.

    ``typed`` hands back forms as the user sent them (TYPED_FORMS names them;
    ``source_for`` is the source a typed ``source_form`` edits); the other
    forms are filled from the claim.
    """
    if unknown := set(typed) - TYPED_FORMS:
        raise TypeError(f"panel_context() got unknown forms {sorted(unknown)}")
    tab = tab if tab in TABS else "details"
    may = access.may(user)
    comments = list(claim.comments.all())
    pending = next(
        (c for c in claim.corrections.all() if c.status == CorrectionStatus.PENDING),
        None,
    )
    context = {
        "claim": claim,
        "kind_reason": reasons.furniture_reason(claim.kind_reason),
        "tab": tab,
        "may": may,
        "comment_count": len(comments),
        "pending": pending,
        "conflict": conflict,
        "error": error,
        "saved": saved,
        "notice": notice,
    }
    if tab == "discussion":
        context["comments"] = comments
        context["comment_form"] = typed.get("comment_form") or CommentForm(
            auto_id="comment-%s"
        )
    elif tab == "history":
        context["timeline"] = timeline(claim)
    else:
        context.update(_details(claim, user, may, comments, pending, typed))
        if may["edit"]:
            suggestion = _suggestion(context["assist"], suggest)
            context.update(_editor_forms(claim, people, suggestion, typed))
    return context


def _details(
    claim: Claim,
    user: roles.User,
    may: dict[str, bool],
    comments: list,
    pending: object | None,
    typed: dict,
) -> dict:
    """The Details tab as anyone on the desk sees it: hints, review, sources."""
    context = {
        "assist": assist_of(claim),
        "rejection": next(
            (c for c in reversed(comments) if c.kind == "rejection"), None
        ),
        "own_draft": claim.verdict_by_id == user.pk,
        "review_form": typed.get("review_form")
        or ReviewForm(initial={"version": claim.version}, auto_id="review-%s"),
        "source_forms": [(source, None) for source in claim.sources.all()],
    }
    if may["review"] and (claim.status == Status.DRAFT or pending is not None):
        context["approve_refusal"] = reviewing.approval_refusal(
            claim, user, pending=pending
        )
    return context


def _editor_forms(
    claim: Claim,
    people: list | None,
    suggestion: tuple[str, str] | None,
    typed: dict,
) -> dict:
    """The Details tab's forms for editors: assignment, claimant, and either a
    correction (of a published verdict) or the verdict, sources and extent."""
    if people is None:
        people = list(queries.editors())
    context = {
        "assign_form": typed.get("assign_form")
        or ClaimAssignForm(
            initial={"assignee": claim.assignee_id, "version": claim.version},
            people=people,
            auto_id="claim-%s",
        ),
        **_claimant_context(claim, typed.get("claimant_form")),
    }
    if claim.status != Status.PUBLISHED:
        context.update(
            _editing_context(
                claim,
                typed.get("claim_form"),
                typed.get("source_form"),
                typed.get("source_for"),
                suggestion,
            )
        )
        return context
    verdict, rationale = claim.verdict, claim.rationale
    if suggestion is not None:
        verdict, rationale = suggestion
        context["suggested"] = verdict
    context["correction_form"] = typed.get("correction_form") or CorrectionForm(
        initial={"verdict": verdict, "rationale": rationale, "version": claim.version},
        auto_id="correction-%s",
    )
    return context


def _claimant_context(claim: Claim, form: ClaimantForm | None) -> dict:
    """The claimant form, filled with the claim's, and the names it completes."""
    claimant = claim.claimant
    initial = {
        "name": claimant.name if claimant else "",
        "claimant_type": claimant.type if claimant else "person",
        "role": claimant.role if claimant else "",
        "appearance_url": claim.appearance_url,
        "appearance_date": claim.appearance_date,
        "version": claim.version,
    }
    return {
        "claimant_form": form or ClaimantForm(initial=initial, auto_id="claimant-%s")
    }


def assist_of(claim: Claim) -> dict:
    """The claim's hints and check-worthiness as the panel shows them.

    Messages are the page's own, translated, built from each hint's fields
    (the stored message is English, for the API).
    """
    figures, names, contradictions, earlier, other = [], [], [], [], []
    for index, hint in enumerate(claim.hints or []):
        kind = hint.get("type")
        if kind == hints.NUMBER:
            figures.append(hint)
        elif kind == hints.NAME_VARIANT:
            names.append(_name_hint(index, hint))
        elif kind == hints.CONTRADICTION:
            contradictions.append(hint)
        elif kind == hints.CHECKED_BEFORE:
            if hint.get("claim"):
                earlier.append(hint)
        elif kind in hints.TYPES:
            # A type with no layout of its own: its label, message and spans.
            other.append({**hint, "label": hints.label(kind)})
    originals = {}
    if earlier:
        found = queries.hinted_claims([hint["claim"] for hint in earlier])
        originals = {original.pk: original for original in found}
    return {
        "figures": figures,
        "names": names,
        "contradictions": contradictions,
        "earlier": [(hint, originals.get(hint["claim"])) for hint in earlier],
        "other": other,
        "count": len(names) + len(contradictions) + len(earlier) + len(other),
    }


def _name_hint(index: int, hint: dict) -> dict:
    """A name-variant hint with its message and what "Mark misstated" fills in."""
    majority = hint.get("majority", "")
    forms = [f for f in hint.get("forms", []) if f.get("text")]
    usual = next((f.get("count", 0) for f in forms if f["text"] == majority), 0)
    here = next(
        (s["text"] for s in hint.get("spans", []) if s.get("text") != majority), ""
    )
    variant = hint.get("variant", "")
    suggested = hint.get("suggested_verdict", "")
    if suggested and here:
        message = _("“%(here)s” is probably a misspelling of “%(usual)s”.") % {
            "here": here,
            "usual": majority,
        }
    elif variant == "script":
        message = _("The same person is written in two scripts.")
    elif variant == "order":
        message = _("The same name is written in another order.")
    elif variant == "homophone":
        message = _(
            "A name that sounds the same with other tones: check that these are "
            "not two different people."
        )
    elif variant == "short":
        message = str(assisting.VARIANT_LABELS["short"])
    else:
        message = _("This name is written another way elsewhere in the article.")
    rationale = ngettext(
        "The name is written %(name)s elsewhere in the article (%(count)s time).",
        "The name is written %(name)s elsewhere in the article (%(count)s times).",
        usual,
    ) % {"name": majority, "count": usual}
    return {
        "index": index,
        "variant": variant,
        "message": message,
        "forms": [
            {
                "text": f["text"],
                "count": f.get("count", 0),
                "usual": f["text"] == majority,
            }
            for f in forms
        ],
        "suggested": suggested if suggested in ratings.active_keys() and here else "",
        "rationale": rationale,
    }


def _suggestion(assist: dict, wanted: str) -> tuple[str, str] | None:
    """(verdict, rationale) of the hint ?suggest= names, if it suggests one."""
    if not (wanted.isascii() and wanted.isdigit()):
        return None
    for hint in assist["names"]:
        if hint["index"] == int(wanted) and hint["suggested"]:
            return hint["suggested"], hint["rationale"]
    return None


def _with_line(text: str, line: str) -> str:
    """``text`` with ``line`` added on a line of its own (unless already there)."""
    if line in text:
        return text
    return f"{text.rstrip()}\n{line}" if text.strip() else line


def _editing_context(
    claim: Claim,
    claim_form: ClaimForm | None,
    source_form: SourceForm | None,
    source_for: Source | None,
    suggestion: tuple[str, str] | None = None,
) -> dict:
    """The forms that change a verdict, its sources and the claim's extent.

    A suggestion (from a hint) fills the verdict form; the editor still saves.
    Orphans (no longer in the text) cannot be split or merged.
    """
    verdict, rationale = claim.verdict, claim.rationale
    if suggestion is not None:
        verdict, rationale = suggestion[0], _with_line(claim.rationale, suggestion[1])
    source_forms = [
        (
            source,
            source_form
            if source_for is not None and source_for.pk == source.pk
            else SourceForm(
                initial={field: getattr(source, field) for field in SOURCE_FIELDS},
                auto_id=f"src-{source.pk}-%s",
            ),
        )
        for source in claim.sources.all()
    ]
    following = None if claim.orphaned else queries.neighbour(claim, 1)
    return {
        "suggested": verdict if suggestion is not None else "",
        "form_verdict": verdict,
        "claim_form": claim_form
        or ClaimForm(
            initial={
                "verdict": verdict,
                "rationale": rationale,
                "kind": claim.kind,
                "version": claim.version,
            }
        ),
        # A form with errors reopens where it was: the new-source form, or
        # the edit form of the source it belongs to.
        "new_source_form": source_form
        if source_form is not None and source_for is None
        else SourceForm(auto_id="src-new-%s"),
        "source_forms": source_forms,
        "edit_source": source_for,
        "split_form": None
        if claim.orphaned
        else SplitForm(initial={"version": claim.version}),
        "following": following
        if following is not None and queries.on_same_line(claim, following)
        else None,
    }


# Claim fields the History tab leaves out: offsets move with every split.
_QUIET_FIELDS = {"start", "end"}


def timeline(claim: Claim) -> list[history.Entry]:
    """The claim's history, newest first, with the noise left out."""
    shown = []
    for entry in history.claim_history(claim.pk):
        changes = [c for c in entry.changes if c.field not in _QUIET_FIELDS]
        if entry.action == "created" and entry.subject == "claim":
            changes = [c for c in changes if c.field == "text"]
        if entry.action == "changed" and not changes and not entry.comment:
            continue  # a version bump for a source change, shown as its own entry
        comment = reasons.history_comment(entry.comment)
        shown.append(dataclasses.replace(entry, changes=changes, comment=comment))
    return shown[::-1]


# History: how the History tab names events and shows values

# Values longer than this are cut in the history, the full text on expanding.
HISTORY_PREVIEW = 90


_EVENTS = {
    ("claim", "created"): gettext_lazy("created the claim"),
    ("claim", "changed"): gettext_lazy("changed the claim"),
    ("claim", "deleted"): gettext_lazy("removed the claim"),
    ("source", "created"): gettext_lazy("added a source"),
    ("source", "changed"): gettext_lazy("edited a source"),
    ("source", "deleted"): gettext_lazy("removed a source"),
    ("correction", "proposed"): gettext_lazy("proposed a correction"),
    ("correction", "approved"): gettext_lazy("approved the correction"),
    ("correction", "rejected"): gettext_lazy("rejected the correction"),
}

# A claim change that moved its review status is named for what it did.
_STATUS_EVENTS = {
    Status.DRAFT: gettext_lazy("drafted the verdict"),
    Status.APPROVED: gettext_lazy("approved the verdict"),
    Status.REJECTED: gettext_lazy("rejected the verdict"),
    Status.PUBLISHED: gettext_lazy("published the verdict"),
    Status.UNREVIEWED: gettext_lazy("cleared the verdict"),
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


def event_label(entry: Entry) -> str:
    """What happened in a history entry, in words."""
    if entry.subject == "claim" and entry.action == "changed":
        for change in entry.changes:
            if change.field == "status" and change.new in _STATUS_EVENTS:
                return str(_STATUS_EVENTS[change.new])
        fields = {change.field for change in entry.changes}
        if fields & {"verdict", "rationale"}:
            return str(gettext_lazy("changed the verdict"))
        if fields & {"assignee", "assignee_id"}:
            return str(gettext_lazy("assigned the claim"))
        if "kind" in fields:
            return str(gettext_lazy("changed the kind"))
    label = _EVENTS.get((entry.subject, entry.action))
    return str(label) if label else f"{entry.action} {entry.subject}"


def field_label(change: Change, subject: str) -> str:
    """The translated name of a changed field."""
    name = change.field.removesuffix("_id")
    model = _FIELD_MODELS.get(subject, Claim)
    try:
        return capfirst(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:  # a field the history knows and the model not
        return name


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


# Assistance: figures, hints and check-worthiness as the Details tab shows them

FIGURE_LABELS = {
    "money": gettext_lazy("money"),
    "date": gettext_lazy("date"),
    "percent": gettext_lazy("percentage"),
    "number": gettext_lazy("number"),
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


@dataclasses.dataclass(frozen=True)
class Reason:
    """One reason for a check-worthiness score: "+money 1060万美元"."""

    plus: bool
    label: str
    evidence: str


def worth_reasons(worth: list[str]) -> list[Reason]:
    """The score's reasons, their feature names translated."""
    shown = []
    for reason in worth or []:
        sign, rest = reason[:1], reason[1:]
        feature = next(
            (k for k in _REASON_KEYS if rest == k or rest.startswith(k + " ")),
            rest.partition(" ")[0],
        )
        evidence = rest[len(feature) :].strip()
        label = REASON_LABELS.get(feature, feature)
        shown.append(Reason(sign == "+", str(label), evidence))
    return shown


def figure_label(kind: str) -> str:
    """The translated name of a figure's kind (money, date...)."""
    return str(FIGURE_LABELS.get(kind, FIGURE_LABELS["number"]))


def figure_css(kind: str) -> str:
    return kind if kind in FIGURE_LABELS else "number"
