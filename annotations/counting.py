"""How an article's units break down, and the words every page says it in.

One vocabulary everywhere: units are claims to check (kind claim), opinions,
and headings and page furniture (every other kind). Progress ("17 of 24 claims
checked") counts only claims to check.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from . import ratings
from .models import Article, Status, Verdict

REVIEW_STATES = (Status.PUBLISHED, Status.APPROVED, Status.DRAFT, Status.REJECTED)


@dataclass(frozen=True, slots=True)
class UnitCounts:
    """What an article's units are and how far checking is: the one breakdown
    the dashboard, workspace, triage list, report and API words come from.

    Progress counts only claims to check (kind claim): opinions and page
    furniture are never approved nor published. A verdict given to another
    unit is counted apart (``off_claim_verdicts``) so it is seen, not lost.
    """

    units: int
    claims: int
    opinions: int
    checked: int
    off_claim_verdicts: int
    # Claims to check per rating key (annotations/ratings.py), unreviewed apart.
    given: dict[str, int] = field(default_factory=dict)
    # Review states of every unit (named as the workspace's review counts).
    status_published: int = 0
    status_approved: int = 0
    status_draft: int = 0
    status_rejected: int = 0

    @property
    def furniture(self) -> int:
        """Headings and page furniture: every unit neither claim nor opinion."""
        return self.units - self.claims - self.opinions

    @property
    def unchecked(self) -> int:
        """Claims to check without a verdict yet."""
        return self.claims - self.checked

    @property
    def verdicts(self) -> dict[str, int]:
        """Verdicts on claims to check in the scale's order (every rating,
        retired ones too), then the claims without one as unreviewed."""
        counts = {key: self.given.get(key, 0) for key in ratings.all_keys()}
        return counts | {Verdict.UNREVIEWED: self.claims - sum(self.given.values())}

    def of(self, key: str) -> int:
        """Claims to check with this verdict."""
        return self.given.get(key, 0)

    @property
    def summary(self) -> str:
        """ "55 units: 24 claims to check, 26 opinions, 5 headings and page
        furniture": the words every page uses."""
        parts = [
            ngettext("%(n)d claim to check", "%(n)d claims to check", self.claims)
            % {"n": self.claims},
            ngettext("%(n)d opinion", "%(n)d opinions", self.opinions)
            % {"n": self.opinions},
            ngettext(
                "%(n)d heading or page furniture",
                "%(n)d headings and page furniture",
                self.furniture,
            )
            % {"n": self.furniture},
        ]
        return ngettext(
            "%(n)d unit: %(parts)s", "%(n)d units: %(parts)s", self.units
        ) % {"n": self.units, "parts": pgettext("list", ", ").join(parts)}

    @property
    def progress(self) -> str:
        """ "17 of 24 claims checked": only claims to check count."""
        return _("%(done)s of %(total)s claims checked") % {
            "done": self.checked,
            "total": self.claims,
        }

    @property
    def off_claim_note(self) -> str:
        """Verdicts given to opinions or page furniture, said aloud ("" if none)."""
        n = self.off_claim_verdicts
        if not n:
            return ""
        return ngettext(
            "%(n)d verdict on a unit that is not a claim to check (an opinion or "
            "page furniture): not counted as checked and never published.",
            "%(n)d verdicts on units that are not claims to check (opinions or "
            "page furniture): not counted as checked and never published.",
            n,
        ) % {"n": n}

    @classmethod
    def of_article(cls, article: Article) -> UnitCounts:
        """The breakdown of an article annotated by articles_with_counts."""
        return cls.of_tally(article.tally)

    @classmethod
    def of_tally(cls, tally: dict | None) -> UnitCounts:
        """The breakdown from queries.tally()'s object (None: no claims),
        whose ``given`` comes in parts of ratings."""
        tally = tally or {}
        names = [f.name for f in fields(cls) if f.name != "given"]
        return cls(
            **{name: tally.get(name, 0) for name in names},
            given={
                key: count
                for part in (tally.get("given") or {}).values()
                for key, count in part.items()
            },
        )
