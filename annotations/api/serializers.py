"""API representations. Output serializers read; input serializers only parse,
and the views hand what they parsed to the services."""

from __future__ import annotations

import re
from typing import ClassVar

from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.validators import ProhibitSurrogateCharactersValidator

from .. import hints, ratings
from ..counting import UnitCounts
from ..models import (
    Article,
    ArticleVersion,
    Claim,
    Claimant,
    ClaimantType,
    Comment,
    Correction,
    Job,
    JobStatus,
    Kind,
    Source,
    Stance,
    Status,
    Verdict,
)
from .claim_json import claim_json

# Ids are 64-bit signed integers in every supported database.
MAX_ID = 2**63 - 1

# Patterns the schema states for rules the services enforce after stripping
# the value (they refuse what is left empty). Django refuses NUL characters in
# every string (schema.forbid_nul says so of the other strings). Spaces are
# spelt out: what str.strip() strips, which is not what "\s" means to every
# regular expression engine reading the schema.
_SPACE = (
    r"\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
)
NOT_BLANK = rf"^[^\x00]*[^\x00{_SPACE}][^\x00]*$"
_IPV4_PART = r"(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,48}[A-Za-z0-9])?"
# The bidirectional controls services.clean_url refuses.
_BIDI = r"\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
# The addresses models.HTTP_URL_VALIDATOR accepts, less some rare ones (IPv6,
# internationalised names, more than five labels: those keep the host under
# the validator's 253 characters) and those the services refuse (user:password@,
# bidi controls), with the spaces the services strip.
HTTP_URL = (
    rf"^[{_SPACE}]*[Hh][Tt][Tt][Pp][Ss]?://"
    rf"(?:localhost|{_IPV4_PART}(?:\.{_IPV4_PART}){{3}}"
    rf"|{_LABEL}(?:\.{_LABEL}){{0,3}}\.[A-Za-z]{{2,49}})"
    rf"(?::[0-9]{{1,5}})?(?:[/?#][^\x00{_SPACE}{_BIDI}]*)?[{_SPACE}]*$"
)
HTTP_URL_OR_BLANK = rf"^[{_SPACE}]*$|" + HTTP_URL
# Plain strings rather than enums in the schema: the same choices under a
# second name, or other choices under the same name ("kind"), make enum
# components collide.
VERDICT_TEXT = (
    "A key of the desk's rating scale (its admin's Ratings; by default "
    "verified, disputed or misstated), or unreviewed."
)
STATUS_TEXT = "unreviewed, draft, rejected, approved or published."
NOT_A_STRING = "Must be a string."
NO_ASSIGNEE = "Give a username, or null to unassign."
NOT_A_WHOLE_NUMBER = "Must be a whole number."
# Numbers as JSON writes them: ASCII digits, no spaces. int() and float()
# also take " 1", "1\x85" and other scripts' digits.
WHOLE_NUMBER = re.compile(r"-?[0-9]+")


class VerdictField(serializers.ChoiceField):
    """A verdict key from the rating scale, read when a serializer is made; an
    unknown key's error names the allowed ones."""

    def __init__(
        self,
        *,
        unreviewed: bool = True,
        retired: bool = True,
        names_unreviewed: bool = True,
        **kwargs,
    ) -> None:
        # Retired keys pass here (a claim keeps its own); the message names
        # what may be given anew, and unreviewed only where it is a verdict.
        self.unreviewed, self.retired = unreviewed, retired
        self.names_unreviewed = names_unreviewed
        # The scale is read at bind(): not when this module is imported.
        super().__init__(choices=[], **kwargs)

    def bind(self, field_name: str, parent: serializers.BaseSerializer) -> None:
        super().bind(field_name, parent)
        self.choices = ratings.choices(unreviewed=self.unreviewed, retired=self.retired)

    def fail(self, key: str, **kwargs) -> None:
        if key == "invalid_choice":
            allowed = ratings.allowed_text(unreviewed=self.names_unreviewed)
            raise serializers.ValidationError(
                f'"{kwargs["input"]}" is not a valid choice. Use one of: {allowed}.',
                code=key,
            )
        super().fail(key, **kwargs)


class WholeNumberField(serializers.IntegerField):
    """An integer as JSON writes it, or digits in a query string (DRF's own
    also takes 1.0, "1.0" and " 1")."""

    def to_internal_value(self, data) -> int:
        if isinstance(data, str):
            if not WHOLE_NUMBER.fullmatch(data):
                raise serializers.ValidationError(NOT_A_WHOLE_NUMBER, code="invalid")
        elif isinstance(data, bool) or not isinstance(data, int):
            raise serializers.ValidationError(NOT_A_WHOLE_NUMBER, code="invalid")
        return super().to_internal_value(data)


class NoSurrogates(ProhibitSurrogateCharactersValidator):
    """DRF's refusal of lone surrogates, by one regex search: DRF loops over
    every character in Python, 30 ms of a 400,000-character article."""

    _FOUND = re.compile("[\ud800-\udfff]")

    def __call__(self, value) -> None:
        found = self._FOUND.search(str(value))
        if found is not None:
            code_point = ord(found.group())
            raise serializers.ValidationError(
                self.message.format(code_point=code_point), code=self.code
            )


class ArticleTextField(serializers.CharField):
    """A whole article's text (or a new version's): checked as any text is."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.validators = [
            NoSurrogates()
            if isinstance(check, ProhibitSurrogateCharactersValidator)
            else check
            for check in self.validators
        ]


class StrictInput(serializers.Serializer):
    """Refuses fields it does not know, rather than silently dropping them."""

    # The schema says so (additionalProperties: false), and states what the
    # services refuse beyond the fields' own checks: schema_fields adds to a
    # field's schema (a pattern, fewer choices), schema_rules to the body's
    # (required, oneOf); see schema.StrictInputSchema.
    schema_fields: ClassVar[dict[str, dict]] = {}
    schema_rules: ClassVar[dict] = {}

    def to_internal_value(self, data) -> dict:
        if isinstance(data, dict):
            wrong = {
                name: [message]
                for name, value in data.items()
                if (message := self._schema_error(self.fields.get(name), value))
            }
            if wrong:
                raise serializers.ValidationError(wrong)
        return super().to_internal_value(data)

    def _schema_error(self, field: serializers.Field | None, value) -> str | None:
        """What DRF lets through that the schema refuses: a number for a text
        field, "5" for a number (in JSON: a form's values are all text, as the
        view's context says), and text too long before DRF trims its spaces."""
        typed = not self.context.get("form") and value is not None
        if typed and (error := _json_type_error(field, value)):
            return error
        limit = getattr(field, "max_length", None)
        if (
            isinstance(field, serializers.CharField)
            and limit is not None
            and isinstance(value, str)
            and len(value) > limit
        ):
            return field.error_messages["max_length"].format(max_length=limit)
        return None

    def validate(self, attrs: dict) -> dict:
        unknown = sorted(set(self.initial_data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError(
                {
                    name: [f"Unknown field. Accepted: {', '.join(self.fields)}."]
                    for name in unknown
                }
            )
        return attrs


def _json_type_error(field: serializers.Field | None, value: object) -> str | None:
    if isinstance(field, serializers.CharField) and not isinstance(value, str):
        return NOT_A_STRING
    if isinstance(field, serializers.IntegerField) and (
        isinstance(value, bool) or not isinstance(value, int)
    ):
        return NOT_A_WHOLE_NUMBER
    return None


def username_field(**kwargs) -> serializers.SlugRelatedField:
    """A user shown by username (null when there is none, or the user is gone)."""
    return serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True, **kwargs
    )


def version_field(help_text: str) -> serializers.IntegerField:
    """The claim's version, as a request states it."""
    return WholeNumberField(
        min_value=1, max_value=MAX_ID, required=False, help_text=help_text
    )


class SourceSerializer(serializers.ModelSerializer):
    added_by = username_field()
    # Not format "uri": the path may hold any character but spaces (an IRI).
    url = serializers.CharField(read_only=True, help_text="An http(s) address.")

    class Meta:
        model = Source
        fields = (
            "id",
            "claim",
            "url",
            "title",
            "publisher",
            "quote",
            "stance",
            "accessed_on",
            "added_by",
            "added_at",
        )
        read_only_fields = fields


class SourceInput(StrictInput):
    url = serializers.CharField(max_length=2000, help_text="http:// or https:// only.")
    title = serializers.CharField(max_length=500)
    publisher = serializers.CharField(max_length=200, required=False, allow_blank=True)
    quote = serializers.CharField(
        max_length=10_000, required=False, allow_blank=True, help_text="Quoted passage."
    )
    stance = serializers.ChoiceField(choices=Stance.choices, default=Stance.SUPPORTS)
    accessed_on = serializers.DateField(required=False, allow_null=True)
    version = version_field(
        "The claim's version; if given, a stale one is refused (412)."
    )

    schema_fields = {"url": {"pattern": HTTP_URL}, "title": {"pattern": NOT_BLANK}}


class SourceDeleteQuery(serializers.Serializer):
    version = version_field(
        "The claim's version; if given, a stale one is refused (412)."
    )


class SourcePatchInput(SourceInput):
    url = serializers.CharField(max_length=2000, required=False)
    title = serializers.CharField(max_length=500, required=False)
    stance = serializers.ChoiceField(choices=Stance.choices, required=False)


class SpanSerializer(serializers.Serializer):
    start = serializers.IntegerField(help_text="Offset in the article text.")
    end = serializers.IntegerField()
    text = serializers.CharField()


class FormSerializer(serializers.Serializer):
    text = serializers.CharField()
    count = serializers.IntegerField()


class HintSerializer(serializers.Serializer):
    """One hint, as stored: ``type``, ``message`` and ``spans`` always; the
    other fields depend on the type. Documentation only: hints are shown as
    they are stored."""

    type = serializers.CharField(
        help_text=", ".join(hints.TYPES) + ".",
    )
    message = serializers.CharField(help_text="In English; the figure for number.")
    spans = SpanSerializer(many=True, help_text="Where, in article offsets.")
    variant = serializers.CharField(
        required=False,
        help_text=(
            "name_variant: misspelling, homophone, lookalike, spelling, order or "
            "script."
        ),
    )
    check = serializers.CharField(
        required=False,
        help_text=(
            "contradiction: figures (one event, rate or share given different "
            "figures), repeated (a sentence repeated with other figures), "
            "after_publication, past_goal or out_of_order."
        ),
    )
    forms = FormSerializer(
        many=True, required=False, help_text="name_variant: each spelling and count."
    )
    majority = serializers.CharField(
        required=False, help_text="name_variant: the usual spelling."
    )
    elsewhere = SpanSerializer(
        many=True,
        required=False,
        help_text="name_variant: the other mentions in the article.",
    )
    suggested_verdict = serializers.CharField(
        required=False,
        help_text="name_variant: misstated, on the sentence with the odd spelling.",
    )
    kind = serializers.CharField(
        required=False,
        help_text="number: date, money, percent, number, vague or relative.",
    )
    claim = serializers.IntegerField(
        required=False, help_text="checked_before: the earlier claim's id."
    )
    article = serializers.IntegerField(
        required=False, help_text="checked_before: the earlier claim's article id."
    )
    verdict = serializers.CharField(
        required=False, help_text="checked_before: the earlier verdict."
    )
    verdict_at = serializers.DateTimeField(required=False, allow_null=True)
    similarity = serializers.IntegerField(
        required=False, help_text="checked_before: how alike, 0-100."
    )
    sources = serializers.IntegerField(
        required=False, help_text="checked_before: the earlier claim's source count."
    )


@extend_schema_field(HintSerializer(many=True))
class HintsField(serializers.JSONField):
    """The claim's stored hints, unchanged."""


class CheckworthinessSerializer(serializers.Serializer):
    score = serializers.FloatField(
        source="worth", help_text="0 (nothing to check) to 1 (check first)."
    )
    reasons = serializers.ListField(
        child=serializers.CharField(),
        source="worth_reasons",
        help_text='What raised or lowered the score, e.g. "+money 1060万美元".',
    )


class ClaimantSerializer(serializers.ModelSerializer):
    type = serializers.CharField(help_text="person or organisation.")
    role = serializers.CharField(
        allow_blank=True, help_text='What they are, e.g. "company founder".'
    )

    class Meta:
        model = Claimant
        fields = ("name", "type", "role")
        read_only_fields = fields


class ClaimSerializer(serializers.ModelSerializer):
    verdict_by = username_field()
    approved_by = username_field()
    assignee = username_field(help_text="The editor whose queue holds the claim.")
    sources = SourceSerializer(many=True, read_only=True)
    hints = HintsField(read_only=True, help_text="Found when the article was analysed.")
    checkworthiness = CheckworthinessSerializer(source="*", read_only=True)
    text_changed = serializers.BooleanField(
        read_only=True,
        help_text="A new version of the article changed these words: check again.",
    )
    orphaned = serializers.BooleanField(
        read_only=True,
        help_text="Not in the article's current version; kept with its verdict.",
    )
    reused_from = serializers.PrimaryKeyRelatedField(
        read_only=True,
        allow_null=True,
        help_text="The claim whose verdict was reused here, if any.",
    )
    claimant = ClaimantSerializer(
        read_only=True,
        allow_null=True,
        help_text="Who made the claim (POST .../claimant/ sets it).",
    )
    appearance_url = serializers.CharField(
        read_only=True,
        help_text="Where the claim appeared; blank: the article's own address.",
    )
    appearance_date = serializers.DateField(
        read_only=True,
        allow_null=True,
        help_text="When it appeared; null: the article's publication date.",
    )

    class Meta:
        model = Claim
        fields = (
            "id",
            "public_id",
            "article",
            "position",
            "start",
            "end",
            "text",
            "kind",
            "kind_reason",
            "verdict",
            "rationale",
            "verdict_by",
            "verdict_at",
            "status",
            "approved_by",
            "approved_at",
            "published_at",
            "assignee",
            "version",
            "updated_at",
            "sources",
            "hints",
            "checkworthiness",
            "text_changed",
            "orphaned",
            "reused_from",
            "claimant",
            "appearance_url",
            "appearance_date",
        )
        read_only_fields = fields

    def to_representation(self, claim: Claim) -> dict:
        # The fields above, built directly (claim_json.py says why).
        return claim_json(claim)


class ClaimPatchInput(StrictInput):
    verdict = VerdictField(required=False)
    rationale = serializers.CharField(
        max_length=10_000, required=False, allow_blank=True
    )
    kind = serializers.ChoiceField(choices=Kind.choices, required=False)
    comment = serializers.CharField(
        max_length=10_000,
        required=False,
        allow_blank=True,
        default="",
        help_text="Why, for the claim's history.",
    )
    version = version_field("The version you started from, when not sending If-Match.")


class ClaimantInput(StrictInput):
    """Who made a claim and where and when it appeared (claimants.set_claimant).

    Replaces all of them: a field left out is cleared, except ``role``."""

    name = serializers.CharField(
        max_length=200,
        allow_blank=True,
        trim_whitespace=False,
        help_text="The person or organisation; blank clears the claimant.",
    )
    type = serializers.ChoiceField(
        choices=ClaimantType.choices,
        required=False,
        default=ClaimantType.PERSON,
        help_text="person (the default) or organisation.",
    )
    role = serializers.CharField(
        max_length=200,
        allow_blank=True,
        required=False,
        trim_whitespace=False,
        help_text='e.g. "company founder"; left out keeps the claimant\'s role.',
    )
    appearance_url = serializers.CharField(
        max_length=2000,
        allow_blank=True,
        required=False,
        default="",
        trim_whitespace=False,
        help_text="Where the claim appeared, http(s); blank: the article itself.",
    )
    appearance_date = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="When it appeared, not after today; null: the article's date.",
    )
    version = version_field("The version you started from, when not sending If-Match.")

    schema_fields = {"appearance_url": {"pattern": HTTP_URL_OR_BLANK}}


class VerdictCounts(serializers.Serializer):
    """The breakdown every page shows (counting.UnitCounts), in the same words:
    units are claims to check, opinions, and headings and page furniture;
    verdict counts and progress count only claims to check."""

    units = serializers.IntegerField()
    claims = serializers.IntegerField(help_text="Claims to check (kind claim).")
    opinions = serializers.IntegerField()
    furniture = serializers.IntegerField(
        help_text="Headings and page furniture: units neither claims nor opinions."
    )
    checked = serializers.IntegerField(help_text="Claims to check with a verdict.")
    unreviewed = serializers.IntegerField(
        source="unchecked", help_text="Claims to check without a verdict yet."
    )
    off_claim_verdicts = serializers.IntegerField(
        help_text=(
            "Verdicts given to opinions or page furniture: not counted as "
            "checked and never published."
        ),
    )
    # ... and one count per rating of the scale, named by its key (get_fields).
    draft = serializers.IntegerField(source="status_draft")
    approved = serializers.IntegerField(source="status_approved")
    published = serializers.IntegerField(source="status_published")

    def get_fields(self) -> dict:
        fields = super().get_fields()
        for rating in ratings.scale():
            fields.setdefault(
                rating.key,
                serializers.IntegerField(
                    source=f"given.{rating.key}",
                    default=0,
                    help_text=f"Claims to check rated {rating.label_en}.",
                ),
            )
        return fields

    def to_representation(self, article):
        # An article from queries.articles_with_counts(), read as the pages read it.
        return super().to_representation(UnitCounts.of_article(article))


class ArticleSerializer(serializers.ModelSerializer):
    imported_by = username_field()
    url = serializers.CharField(read_only=True, help_text="Empty when not known.")
    counts = VerdictCounts(source="*", read_only=True)
    version = serializers.IntegerField(
        read_only=True, help_text="The current version's number (1 until re-imported)."
    )
    orphan_count = serializers.IntegerField(
        source="tally.orphans",
        default=0,
        read_only=True,
        help_text="Claims no longer in the current version (claims/?orphaned=true).",
    )
    analysed_at = serializers.DateTimeField(
        read_only=True,
        allow_null=True,
        help_text=(
            "When hints and check-worthiness were computed. Null while analysis "
            "is pending (see analysis_status): every score is 0 until then."
        ),
    )
    analysis_pending = serializers.SerializerMethodField(
        help_text=(
            "True until the article's hints and check-worthiness are computed, "
            "and while a worker analyses it again."
        )
    )
    analysis_job = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text="The latest analysis job (jobs/{id}/); null when never analysed.",
    )
    analysis_status = serializers.ChoiceField(
        choices=JobStatus.choices,
        read_only=True,
        allow_null=True,
        help_text="Its status: the hints are up to date once it is `done`.",
    )
    analysis_progress = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text="Its percent done (as jobs/{id}/ `progress`); null if none yet.",
    )

    class Meta:
        model = Article
        fields = (
            "id",
            "title",
            "url",
            "publisher",
            "published_on",
            "language",
            "sha256",
            "imported_by",
            "imported_at",
            "analysed_at",
            "analysis_pending",
            "counts",
            "version",
            "orphan_count",
            "analysis_job",
            "analysis_status",
            "analysis_progress",
        )
        read_only_fields = fields

    @extend_schema_field(serializers.BooleanField())
    def get_analysis_pending(self, article: Article) -> bool:
        waiting = (JobStatus.QUEUED, JobStatus.RUNNING)
        status = getattr(article, "analysis_status", None)
        return article.analysed_at is None or status in waiting


class ArticleDetailSerializer(ArticleSerializer):
    class Meta(ArticleSerializer.Meta):
        fields = (*ArticleSerializer.Meta.fields, "text")
        read_only_fields = fields


class ArticleImportInput(StrictInput):
    """The multipart body: the article as ``text`` or as a ``file``."""

    title = serializers.CharField(
        max_length=300,
        required=False,
        allow_blank=True,
        help_text="Optional: defaults to an uploaded file's title, else the "
        "first heading, else the first line.",
    )
    url = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        help_text="Where it was published. Sent alone (no text, no file), the "
        "article is fetched from it.",
    )
    publisher = serializers.CharField(max_length=200, required=False, allow_blank=True)
    # A form has no null: leave the field out.
    published_on = serializers.DateField(required=False)
    text = ArticleTextField(
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        help_text="The article text (JSON body), or send `file` instead.",
    )
    file = serializers.FileField(
        required=False,
        help_text=".txt, .md, .html, .docx or .pdf (multipart body).",
    )

    # Not stated: "text (with a title) or file, one of the two" (text_or_file);
    # schemathesis cannot generate files against such a oneOf.
    schema_fields = {
        "url": {"pattern": HTTP_URL_OR_BLANK},
        "text": {"pattern": NOT_BLANK},
    }

    def validate(self, attrs: dict) -> dict:
        attrs = super().validate(attrs)
        if "text" not in attrs and not attrs.get("file") and attrs.get("url"):
            return attrs  # fetched from the link
        return text_or_file(attrs)


class ArticleTextImportInput(ArticleImportInput):
    """The JSON body: the article's ``text`` (a file needs multipart)."""

    published_on = serializers.DateField(required=False, allow_null=True)
    file = None

    # The text (its title optional: it defaults to the first heading or
    # line), or the link alone (the article is fetched).
    schema_rules = {
        "oneOf": [
            {"required": ["text"]},
            {
                "required": ["url"],
                # A real address: a blank one is no link (text_or_file).
                "properties": {"url": {"pattern": HTTP_URL}},
                "not": {"required": ["text"]},
            },
        ]
    }


def text_or_file(attrs: dict) -> dict:
    """Refuses a body with both ``text`` and ``file``, or neither."""
    # Blank text goes on to the importer, which says the article is empty.
    if ("text" in attrs) == bool(attrs.get("file")):
        raise serializers.ValidationError(
            {"text": ["Send the article as `text` or as `file`, one of the two."]}
        )
    return attrs


class VersionInput(StrictInput):
    """The multipart body: the new text as ``text`` or as a ``file``."""

    text = ArticleTextField(
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        help_text="The new text (JSON body), or send `file` instead.",
    )
    file = serializers.FileField(
        required=False, help_text=".txt, .md or .html (multipart body)."
    )

    schema_fields = {"text": {"pattern": NOT_BLANK}}  # or a file (text_or_file)

    def validate(self, attrs: dict) -> dict:
        return text_or_file(super().validate(attrs))


class VersionTextInput(VersionInput):
    """The JSON body: the new ``text`` (a file needs multipart)."""

    file = None

    schema_rules = {"required": ["text"]}


class VersionOutcomeSerializer(serializers.Serializer):
    """What a new version did to the article's claims (versions.Outcome)."""

    version = serializers.IntegerField(help_text="The new current version's number.")
    kept = serializers.IntegerField(help_text="Claims found with the same words.")
    changed = serializers.IntegerField(
        help_text="Claims found with other words: flagged text_changed, back to draft."
    )
    orphaned = serializers.IntegerField(
        help_text="Claims not found: kept with their verdicts, listed as orphans."
    )
    added = serializers.IntegerField(help_text="New sentences, as new claims.")


class VersionSerializer(serializers.ModelSerializer):
    """One version of an article, without its text (the current version is
    the article itself, annotated with its number and length)."""

    imported_by = username_field()
    length = serializers.IntegerField(read_only=True, help_text="In characters.")

    class Meta:
        model = ArticleVersion
        fields = ("number", "imported_at", "imported_by", "sha256", "length")
        read_only_fields = fields


class VersionTextSerializer(VersionSerializer):
    text = serializers.CharField(help_text="The version's text, as imported.")

    class Meta(VersionSerializer.Meta):
        fields = (*VersionSerializer.Meta.fields, "text")
        read_only_fields = fields


class PieceSerializer(serializers.Serializer):
    op = serializers.ChoiceField(choices=["equal", "insert", "delete"])
    text = serializers.CharField(trim_whitespace=False)


class VersionDiffSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    against = serializers.IntegerField(help_text="The next version's number.")
    diff = PieceSerializer(
        many=True,
        help_text="The text of version `number` turned into version `against`: "
        "equal runs, deletions and insertions in order.",
    )


class VersionQuery(serializers.Serializer):
    diff = serializers.BooleanField(
        required=False,
        default=False,
        help_text="1 for the changes to the next version instead of the text.",
    )


class HintCountsSerializer(serializers.Serializer):
    """How many hints of each type the article's claims carry (one field per
    type in annotations/hints.py)."""

    def get_fields(self) -> dict:
        return {
            key: serializers.IntegerField(default=0, help_text=t.description)
            for key, t in hints.TYPES.items()
        }


class JobSerializer(serializers.ModelSerializer):
    """Background work (an analysis, a delivery, an archive, a fetch) and how
    it went."""

    hints = HintCountsSerializer(
        read_only=True,
        allow_null=True,
        help_text="For a finished analysis: the article's hints by type.",
    )

    class Meta:
        model = Job
        fields = (
            "id",
            "kind",
            "article",
            "source",
            "status",
            "progress",
            "attempts",
            "error",
            "created_at",
            "started_at",
            "finished_at",
            "retry_at",
            "hints",
        )
        read_only_fields = fields
        extra_kwargs = {
            "error": {"help_text": "The last failed attempt's error (kept)."},
            "retry_at": {"help_text": "When a failed attempt is tried again."},
            "source": {"help_text": "The source an `archive` job fetches."},
            "progress": {
                "help_text": (
                    "Percent done (0-100) of a running analysis, updated as it "
                    "goes; 100 once done; null before it reports any."
                )
            },
        }


class ExportQuery(serializers.Serializer):
    """Filters every export accepts."""

    article = WholeNumberField(min_value=1, max_value=MAX_ID, required=False)
    verdict = VerdictField(required=False)
    status = serializers.ChoiceField(choices=Status.choices, required=False)
    updated_since = serializers.DateTimeField(required=False)


class ExportSourceSerializer(serializers.Serializer):
    """One source of an exported claim (exporters._source_dict)."""

    url = serializers.CharField()
    title = serializers.CharField()
    publisher = serializers.CharField(allow_blank=True)
    quote = serializers.CharField(allow_blank=True)
    stance = serializers.CharField(help_text="supports, refutes or context.")
    accessed_on = serializers.DateField(allow_null=True)


class ExportRowSerializer(serializers.Serializer):
    """One claim of the JSON export (exporters._flat); the CSV has the same
    columns. Documentation only: the exporters write the rows."""

    article_id = serializers.IntegerField()
    article_title = serializers.CharField()
    article_url = serializers.CharField(allow_blank=True)
    claim_id = serializers.IntegerField()
    position = serializers.IntegerField()
    start = serializers.IntegerField()
    end = serializers.IntegerField()
    text = serializers.CharField()
    kind = serializers.CharField(
        help_text="claim, opinion, or page furniture: heading, byline, caption, "
        "image, navigation or boilerplate."
    )
    verdict = serializers.CharField(help_text=VERDICT_TEXT)
    status = serializers.CharField(help_text=STATUS_TEXT)
    rationale = serializers.CharField(allow_blank=True)
    verdict_by = serializers.CharField(allow_null=True, help_text="A username.")
    verdict_at = serializers.DateTimeField(allow_null=True)
    published_at = serializers.DateTimeField(allow_null=True)
    updated_at = serializers.DateTimeField()
    version = serializers.IntegerField()
    sources = ExportSourceSerializer(many=True)
    claimant = serializers.CharField(allow_null=True, help_text="Who made the claim.")
    claimant_type = serializers.CharField(
        allow_null=True, help_text="person or organisation."
    )
    claimant_role = serializers.CharField(allow_null=True)
    appearance_url = serializers.CharField(
        allow_blank=True, help_text="Blank: the claim appeared in the article."
    )
    appearance_date = serializers.DateField(
        allow_null=True, help_text="Null: the article's publication date."
    )


VERSION_HELP = "The claim's version, when not sending If-Match."


class ReviewInput(StrictInput):
    comment = serializers.CharField(
        max_length=10_000,
        required=False,
        allow_blank=True,
        default="",
        help_text="Why; required to reject.",
    )
    version = version_field(VERSION_HELP)


class RejectInput(ReviewInput):
    """A rejection says why (reviewing.reject refuses it otherwise)."""

    comment = serializers.CharField(
        max_length=10_000,
        required=False,
        allow_blank=True,
        help_text="Why: required, and shown to the verdict's editor.",
    )

    schema_fields = {"comment": {"pattern": NOT_BLANK}}
    schema_rules = {"required": ["comment"]}


class PublishInput(StrictInput):
    version = version_field(VERSION_HELP)


class CorrectionInput(StrictInput):
    reason = serializers.CharField(
        max_length=10_000,
        allow_blank=True,
        help_text="Why the published verdict changes; shown to the public.",
    )
    # unreviewed reaches reviewing.propose_correction, which says why not.
    verdict = VerdictField(retired=False, names_unreviewed=False)
    rationale = serializers.CharField(max_length=10_000, allow_blank=True)
    version = version_field(VERSION_HELP)

    # reviewing.propose_correction: a reason, and a verdict other than unreviewed.
    schema_fields = {
        "reason": {"pattern": NOT_BLANK},
        "verdict": {"not": {"enum": [Verdict.UNREVIEWED.value]}},
    }


class AssignInput(StrictInput):
    assignee = serializers.SlugRelatedField(
        slug_field="username",
        queryset=get_user_model().objects.all(),
        allow_null=True,
        help_text="An editor's username, or null to take the claim out of any queue.",
        error_messages={"does_not_exist": "No user is named {value}."},
    )
    version = version_field(VERSION_HELP)

    def validate(self, attrs: dict) -> dict:
        # DRF takes "" for null in a related field; null is how to unassign.
        if self.initial_data.get("assignee") == "":
            raise serializers.ValidationError({"assignee": [NO_ASSIGNEE]})
        return super().validate(attrs)


class CommentInput(StrictInput):
    text = serializers.CharField(max_length=10_000, allow_blank=True)

    schema_fields = {"text": {"pattern": NOT_BLANK}}  # services.add_comment


class CommentSerializer(serializers.ModelSerializer):
    author = username_field()
    kind = serializers.CharField(
        read_only=True, help_text="comment, or rejection (a reviewer's reason)."
    )

    class Meta:
        model = Comment
        fields = ("id", "claim", "author", "kind", "text", "created_at")
        read_only_fields = fields


class CorrectionSerializer(serializers.ModelSerializer):
    proposed_by = username_field()
    decided_by = username_field()
    old_verdict = serializers.CharField(read_only=True, help_text=VERDICT_TEXT)
    new_verdict = serializers.CharField(read_only=True, help_text=VERDICT_TEXT)

    class Meta:
        model = Correction
        fields = (
            "id",
            "claim",
            "status",
            "reason",
            "old_verdict",
            "old_rationale",
            "new_verdict",
            "new_rationale",
            "proposed_by",
            "proposed_at",
            "decided_by",
            "decided_at",
            "decision_comment",
        )
        read_only_fields = fields


class ChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    old = serializers.JSONField(allow_null=True)
    new = serializers.JSONField(allow_null=True)


class HistoryEntrySerializer(serializers.Serializer):
    """One step of a claim's history (history.Entry)."""

    at = serializers.DateTimeField()
    user = serializers.CharField(allow_null=True)
    subject = serializers.ChoiceField(choices=["claim", "source", "correction"])
    subject_id = serializers.IntegerField()
    action = serializers.CharField(
        help_text="created, changed, deleted; for corrections proposed, approved, "
        "rejected."
    )
    changes = ChangeSerializer(many=True)
    comment = serializers.CharField(allow_blank=True)
    version = serializers.IntegerField(
        allow_null=True, help_text="The claim's version after the step."
    )


class PublishedCount(serializers.Serializer):
    published = serializers.IntegerField(help_text="How many verdicts were published.")


class ArticleRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()


class MatchSerializer(serializers.Serializer):
    """A verdict the desk gave to the same words in another article."""

    claim = serializers.IntegerField(source="claim.pk", help_text="Its id.")
    public_id = serializers.CharField(
        source="claim.public_id", help_text="Its permanent public id."
    )
    article = ArticleRefSerializer(source="claim.article")
    position = serializers.IntegerField(source="claim.position")
    text = serializers.CharField(source="claim.text")
    verdict = serializers.CharField(source="claim.verdict", help_text=VERDICT_TEXT)
    status = serializers.CharField(source="claim.status")
    rationale = serializers.CharField(source="claim.rationale")
    verdict_at = serializers.DateTimeField(source="claim.verdict_at", allow_null=True)
    similarity = serializers.IntegerField(help_text="How alike, 0-100.")
    sources = SourceSerializer(source="claim.sources.all", many=True)
    url = serializers.HyperlinkedRelatedField(
        source="claim",
        view_name="api:claim-detail",
        read_only=True,
        help_text="The earlier claim in this API.",
    )


class ReuseInput(StrictInput):
    original = WholeNumberField(
        min_value=1,
        max_value=MAX_ID,
        help_text="The id of the claim whose verdict, rationale and sources to copy.",
    )
    version = version_field(VERSION_HELP)


class SearchQuery(serializers.Serializer):
    """The search's parameters (``from`` is a Python keyword: see get_fields)."""

    q = serializers.CharField(
        max_length=200,
        trim_whitespace=False,  # as long as the schema says, spaces included
        help_text="Words that must all appear in the claim, its rationale or a "
        "source title (substrings: Chinese needs no spaces).",
    )
    verdict = VerdictField(required=False)

    def get_fields(self) -> dict:
        fields = super().get_fields()
        fields["from"] = serializers.DateField(
            required=False, help_text="Checked on or after (YYYY-MM-DD)."
        )
        fields["until"] = serializers.DateField(
            required=False, help_text="Checked on or before (YYYY-MM-DD)."
        )
        return fields

    def validate(self, attrs: dict) -> dict:
        if not attrs["q"].split():
            raise serializers.ValidationError({"q": ["Give at least one word."]})
        start, end = attrs.get("from"), attrs.get("until")
        if start and end and start > end:
            raise serializers.ValidationError({"until": ["`until` is before `from`."]})
        return attrs


class SearchResultSerializer(serializers.ModelSerializer):
    article = ArticleRefSerializer(read_only=True)
    verdict_by = username_field()
    # A string, not a second use of the claim's status enum (see VERDICT_TEXT).
    status = serializers.CharField(read_only=True, help_text=STATUS_TEXT)

    class Meta:
        model = Claim
        fields = (
            "id",
            "public_id",
            "article",
            "position",
            "text",
            "kind",
            "verdict",
            "rationale",
            "status",
            "verdict_by",
            "verdict_at",
            "updated_at",
        )
        read_only_fields = fields
