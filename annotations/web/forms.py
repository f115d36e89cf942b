"""Forms for the editor pages and the admin: they parse input, services decide."""

from __future__ import annotations

import re
from functools import partial

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from .. import importing, queries, ratings
from ..models import ClaimantType, Kind, Stance

TEXT_OR_FILE = _("Paste the article text or choose a file, not both.")
NEED_TEXT_OR_FILE = _("Paste the article text or choose a file.")
NEED_TEXT_FILE_OR_LINK = _(
    "Paste the article text, choose a file, or give the article's link (Source URL)."
)


class ArticleTextForm(forms.Form):
    """An article's text, pasted or uploaded (decoded as at import)."""

    text = forms.CharField(
        label=_("Article text"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 12}),
    )
    file = forms.FileField(
        label=_("…or a file"),
        required=False,
        help_text=_(".txt, .md, .html, .docx or .pdf; text in UTF-8 or GB18030/GBK."),
    )
    # Headings found in an uploaded file's markup, carried from the preview
    # to the import (one per line).
    headings = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean(self) -> dict:
        cleaned = super().clean()
        text, upload = cleaned.get("text") or "", cleaned.get("file")
        if text.strip() and upload:
            raise forms.ValidationError(TEXT_OR_FILE, code="both")
        if upload:
            try:
                self.extracted = importing.read_upload(
                    name=upload.name, size=upload.size, read=upload.read
                )
            except importing.ImportRefused as error:
                self.add_error("file", error.message)
        elif text.strip():
            headings = cleaned.get("headings") or ""
            self.extracted = importing.ExtractedText(
                text=text, heading_lines=frozenset(filter(None, headings.split("\n")))
            )
        else:
            self.extract_without_text(cleaned)
        return cleaned

    def extract_without_text(self, cleaned: dict) -> None:
        """Neither text nor file was sent."""
        raise forms.ValidationError(NEED_TEXT_OR_FILE, code="empty")

    def error_field(self, error: importing.ImportRefused) -> str | None:
        """The field an import refusal belongs next to."""
        if error.code in ("url", "title") and error.code in self.fields:
            return error.code
        if error.code.startswith("link_") and "url" in self.fields:
            return "url"
        return "file" if self.cleaned_data.get("file") else "text"


class ArticleImportForm(ArticleTextForm):
    title = forms.CharField(
        label=_("Title"),
        max_length=300,
        required=False,
        help_text=_(
            "Left empty, it is the file's title, else the first heading or the "
            "first line; Preview shows it, to edit."
        ),
    )
    url = forms.CharField(
        label=_("Source URL"),
        max_length=2000,
        required=False,
        help_text=_("With no text and no file, the article is fetched from this link."),
    )
    publisher = forms.CharField(label=_("Publisher"), max_length=200, required=False)
    published_on = forms.DateField(
        label=_("Publication date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    # The FETCH job whose page this import keeps (carried from its preview).
    fetch = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    field_order = ["title", "url", "publisher", "published_on", "text", "file"]

    def __init__(self, *args, user=None, queue_links: bool = False, **kwargs) -> None:
        """``queue_links``: a link alone is left to a FETCH job (``link``), the
        page it fetched read back by ``fetch`` for ``user``; else fetched now."""
        super().__init__(*args, **kwargs)
        self.user = user
        self.queue_links = queue_links
        self.link: str | None = None

    def extract_without_text(self, cleaned: dict) -> None:
        """No text and no file: fetch the article from its link, if given."""
        url = (cleaned.get("url") or "").strip()
        if not url:
            raise forms.ValidationError(NEED_TEXT_FILE_OR_LINK, code="empty")
        if self.queue_links:
            self.read_fetched(url, cleaned.get("fetch"))
            return
        try:
            self.extracted = importing.read_link(url)
        except importing.ImportRefused as error:
            self.add_error("url", error.message)

    def read_fetched(self, url: str, fetch_id: int | None) -> None:
        """The page a FETCH job got for this link; none yet: ``link`` says fetch."""
        page = None
        if fetch_id:
            page = queries.fetched_page(job_id=fetch_id, user=self.user)
        if page is None or page.url != url:
            self.link = url  # (a changed or forgotten one is fetched anew)
            return
        try:
            self.extracted = importing.read_page(page)
        except importing.ImportRefused as error:
            self.add_error("url", error.message)

    def import_arguments(self) -> dict:
        """Keyword arguments for services.import_article."""
        data = self.cleaned_data
        extracted = self.extracted
        return {
            "text": extracted.text,
            "title": data["title"] or extracted.title,
            "url": data["url"],
            "publisher": data["publisher"] or extracted.publisher,
            "published_on": data["published_on"] or extracted.published_on,
            "heading_lines": extracted.heading_lines,
            "page": extracted.page,
            "author": extracted.author,
        }


class NewVersionForm(ArticleTextForm):
    """The updated text of an article, for versions.import_new_version."""

    def version_arguments(self) -> dict:
        """Keyword arguments for versions.import_new_version (but the article)."""
        return {
            "text": self.extracted.text,
            "heading_lines": self.extracted.heading_lines,
        }


class ClaimForm(forms.Form):
    """Verdict, rationale and kind of one claim, with the version they start from."""

    # Every rating: a retired one stays on the claim that has it (services).
    verdict = forms.ChoiceField(
        label=_("Verdict"),
        choices=partial(ratings.choices, unreviewed=True, retired=True),
    )
    rationale = forms.CharField(
        label=_("Rationale"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(
            attrs={
                "rows": 5,
                "placeholder": _("What is actually true, in a sentence or two"),
            }
        ),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class SourceForm(forms.Form):
    url = forms.CharField(
        label=_("URL"),
        max_length=2000,
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )
    title = forms.CharField(label=_("Title"), max_length=500)
    publisher = forms.CharField(label=_("Publisher"), max_length=200, required=False)
    quote = forms.CharField(
        label=_("Quoted passage"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    stance = forms.ChoiceField(label=_("Stance"), choices=Stance.choices)
    accessed_on = forms.DateField(
        label=_("Date accessed"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def service_arguments(self) -> dict:
        """Keyword arguments for services.add_source / update_source."""
        data = dict(self.cleaned_data)
        data["expected_version"] = data.pop("version")
        return data


class VersionForm(forms.Form):
    """Only the version an action starts from (removing a source, merging)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    next_version = forms.IntegerField(
        widget=forms.HiddenInput, min_value=1, required=False
    )


class SplitForm(forms.Form):
    at = forms.IntegerField(
        label=_("Split before character"),
        min_value=1,
        help_text=_("Click in the text above to choose the point."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ReviewForm(forms.Form):
    """A reviewer's decision on a claim: the comment is required to reject."""

    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class CorrectionForm(forms.Form):
    """A proposed change to a published verdict, with its reason."""

    verdict = forms.ChoiceField(
        label=_("New verdict"),
        choices=ratings.choices,
    )
    rationale = forms.CharField(
        label=_("New rationale"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    reason = forms.CharField(
        label=_("Reason for the correction"),
        max_length=10_000,
        widget=forms.Textarea(
            attrs={"rows": 2, "placeholder": _("Shown to readers with the correction")}
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Add to the discussion"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AssignForm(forms.Form):
    """Who an article (or, with a version, a claim) is assigned to."""

    assignee = forms.TypedChoiceField(
        label=_("Assigned to"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, people: list, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.people = {person.pk: person for person in people}
        self.fields["assignee"].choices = [
            ("", _("Nobody")),
            *((person.pk, person.get_username()) for person in people),
        ]

    def clean_assignee(self):
        """The chosen user (None for nobody)."""
        return self.people.get(self.cleaned_data["assignee"])


class ClaimAssignForm(AssignForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ReuseForm(forms.Form):
    """Reuse the verdict of a claim checked before (its id) on this one."""

    original = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


BAD_DATE = _("Write the date as YYYY-MM-DD, for example 2025-06-28.")
DATES_REVERSED = _("The “from” date is after the “until” date.")


class SearchForm(forms.Form):
    """The search over claims, rationales and source titles (a GET form)."""

    q = forms.CharField(label=_("Search"), max_length=200, required=False)
    verdict = forms.ChoiceField(
        label=_("Verdict"),
        required=False,
        choices=lambda: [
            ("", _("Any verdict")),
            *ratings.choices(unreviewed=True, retired=True),
        ],
    )
    checked_from = forms.DateField(
        label=_("Checked from"),
        required=False,
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": BAD_DATE},
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    checked_until = forms.DateField(
        label=_("until"),
        required=False,
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": BAD_DATE},
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    # The short names the search URL uses (?q=&verdict=&from=&until=).
    URL_NAMES = {"checked_from": "from", "checked_until": "until"}

    def add_prefix(self, field_name: str) -> str:
        return self.URL_NAMES.get(field_name, field_name)

    def clean(self) -> dict:
        cleaned = super().clean()
        start, end = cleaned.get("checked_from"), cleaned.get("checked_until")
        if start and end and start > end:
            self.add_error("checked_until", DATES_REVERSED)
        cleaned["q"] = " ".join((cleaned.get("q") or "").split())
        return cleaned

    def has_criteria(self) -> bool:
        """Whether anything was asked (an empty form lists nothing)."""
        data = self.cleaned_data
        return any(
            data.get(f) for f in ("q", "verdict", "checked_from", "checked_until")
        )

    def search_arguments(self) -> dict:
        """Arguments for queries.search_claims."""
        data = self.cleaned_data
        return {
            "query": data["q"],
            "verdict": data["verdict"] or None,
            "checked_from": data["checked_from"],
            "checked_until": data["checked_until"],
        }


class ClaimantForm(forms.Form):
    """Who made a claim, and where and when it appeared (claimants.set_claimant)."""

    name = forms.CharField(
        label=_("Claimant"),
        required=False,
        max_length=200,
        # The names used before are fetched when the field is first focused.
        widget=forms.TextInput(
            attrs={
                "list": "claimant-names",
                "autocomplete": "off",
                "hx-get": reverse_lazy("desk:claimant_names"),
                "hx-trigger": "focus once",
                "hx-target": "#claimant-names",
                "hx-swap": "innerHTML",
            }
        ),
        help_text=_("A person or an organisation; leave blank if unknown."),
    )
    claimant_type = forms.ChoiceField(
        label=_("Type"), choices=ClaimantType.choices, initial=ClaimantType.PERSON
    )
    role = forms.CharField(
        label=_("Role"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. company founder")}),
    )
    appearance_url = forms.CharField(
        label=_("Appeared at"),
        required=False,
        max_length=2000,
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )
    appearance_date = forms.DateField(
        label=_("Appeared on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


# Claims one bulk action may change: under Django's 1,000 form fields, so the
# refusal names the limit rather than being a bare 400.
BULK_LIMIT = 500
BULK_ITEM = re.compile(r"^([1-9][0-9]{0,17}):([1-9][0-9]{0,17})$")
BULK_NONE = _("Select at least one claim first.")
BULK_TOO_MANY = _("Select at most {limit} claims at once.")
BULK_BAD_ITEM = _("The selection was garbled. Reload the page and select again.")
BULK_NEEDS_KIND = _("Choose the kind to set.")


class BulkForm(forms.Form):
    """Several claims (``pk:version`` each) and what to do with all of them."""

    action = forms.ChoiceField(
        choices=[
            ("kind", _("Set kind")),
            ("assign", _("Assign")),
            ("approve", _("Approve")),
            ("publish", _("Publish")),
        ]
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", "—"), *Kind.choices], required=False
    )
    assignee = forms.TypedChoiceField(
        label=_("Assign to"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, people: list, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.people = {person.pk: person for person in people}
        self.fields["assignee"].choices = [
            ("", _("Nobody")),
            *((person.pk, person.get_username()) for person in people),
        ]

    def clean(self) -> dict:
        cleaned = super().clean()
        items = self.data.getlist("claims") if hasattr(self.data, "getlist") else []
        if not items:
            raise forms.ValidationError(BULK_NONE, code="empty")
        if len(items) > BULK_LIMIT:
            raise forms.ValidationError(
                BULK_TOO_MANY.format(limit=BULK_LIMIT), code="too_many"
            )
        matches = [BULK_ITEM.match(item) for item in items]
        if not all(matches):
            raise forms.ValidationError(BULK_BAD_ITEM, code="garbled")
        # The first version given for a claim counts (a claim listed twice).
        versions: dict[int, int] = {}
        for match in matches:
            versions.setdefault(int(match[1]), int(match[2]))
        cleaned["versions"] = versions
        if cleaned.get("action") == "kind" and not cleaned.get("kind"):
            self.add_error("kind", BULK_NEEDS_KIND)
        cleaned["assignee"] = self.people.get(cleaned.get("assignee"))
        return cleaned
