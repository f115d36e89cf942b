"""Articles, the claims cut from them, and the sources behind each verdict."""

import base64
import functools
import secrets

from django.conf import settings
from django.core.validators import (
    MaxValueValidator,
    MinValueValidator,
    RegexValidator,
    URLValidator,
)
from django.db import models
from django.db.models import F, Q, signals
from django.db.models.functions import Lower
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

HTTP_URL_VALIDATOR = URLValidator(schemes=["http", "https"])
# Characters of article text kept on each side of a claim.
CONTEXT_CHARS = 32
# Characters of a claim's public id: 60 random bits, so ids never collide in
# practice and cannot be guessed from one another.
PUBLIC_ID_LENGTH = 12


def is_database_id(key: str) -> bool:
    """ASCII digits only. A URL's path segment can be anything, and int()
    strips Unicode whitespace and reads other scripts' digits, so "1\\x85"
    would otherwise find row 1. A public id is never all digits."""
    return key.isascii() and key.isdigit()


def new_public_id() -> str:
    """A fresh random public id for a claim: lower-case base32, never all digits."""
    while True:
        # All digits would read as a database id where both are accepted.
        candidate = base64.b32encode(secrets.token_bytes(10)).decode("ascii")
        candidate = candidate[:PUBLIC_ID_LENGTH].lower()
        if not candidate.isdigit():
            return candidate


def new_public_ids(count: int) -> list[str]:
    """``count`` fresh public ids like new_public_id's, drawn all at once."""
    # One draw and one translation for all: an import calling new_public_id
    # per claim spent 5-10% of its time there (bench/import_bench.py). Each
    # random byte becomes one base32 letter (256 is a multiple of 32, so every
    # letter is equally likely): 60 random bits an id, as new_public_id gives.
    letters = secrets.token_bytes(PUBLIC_ID_LENGTH * count).translate(_BASE32)
    letters = letters.decode("ascii")
    ids = [
        letters[n : n + PUBLIC_ID_LENGTH]
        for n in range(0, PUBLIC_ID_LENGTH * count, PUBLIC_ID_LENGTH)
    ]
    return [new_public_id() if id_.isdigit() else id_ for id_ in ids]


_BASE32 = bytes(b"abcdefghijklmnopqrstuvwxyz234567"[byte % 32] for byte in range(256))


class Language(models.TextChoices):
    ZH = "zh", _("Chinese")
    EN = "en", _("English")
    MIXED = "mixed", _("Mixed")


class Kind(models.TextChoices):
    CLAIM = "claim", _("Claim")
    OPINION = "opinion", _("Opinion")
    HEADING = "heading", _("Heading")
    BYLINE = "byline", _("Byline")
    CAPTION = "caption", _("Caption")
    IMAGE = "image", _("Image")
    NAVIGATION = "navigation", _("Navigation")
    BOILERPLATE = "boilerplate", _("Boilerplate")


# Sentences an editor checks; every other kind is page furniture, muted in the
# workspace and left out of counts, triage and hints.
CHECKABLE_KINDS = (Kind.CLAIM, Kind.OPINION)


class Verdict(models.TextChoices):
    """The "no verdict yet" sentinel, and the keys of the default rating scale.

    The scale itself is data (Rating, read through annotations/ratings.py);
    the three rating names here are what migration 0014 first installs, kept
    for fixtures, benches and tests. App code reads the scale, not these.
    """

    UNREVIEWED = "unreviewed", _("Unreviewed")
    VERIFIED = "verified", _("Verified")
    DISPUTED = "disputed", _("Disputed")
    MISSTATED = "misstated", _("Misstated")


class Status(models.TextChoices):
    """Where a claim's verdict is in review: draft -> approved -> published."""

    UNREVIEWED = "unreviewed", _("Unreviewed")
    DRAFT = "draft", _("Draft")
    REJECTED = "rejected", _("Rejected")
    APPROVED = "approved", _("Approved")
    PUBLISHED = "published", _("Published")


class CorrectionStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class CommentKind(models.TextChoices):
    COMMENT = "comment", _("Comment")
    REJECTION = "rejection", _("Rejection")


class LinkState(models.TextChoices):
    """What the last look at a source's address found."""

    UNCHECKED = "unchecked", _("Not checked yet")
    OK = "ok", _("Archived")
    CHANGED = "changed", _("Changed since archived")
    BROKEN = "broken", _("Broken link")


class Stance(models.TextChoices):
    SUPPORTS = "supports", _("Supports")
    REFUTES = "refutes", _("Refutes")
    CONTEXT = "context", _("Context")


class ClaimantType(models.TextChoices):
    PERSON = "person", _("Person")
    ORGANISATION = "organisation", _("Organisation")


def _http_url_condition(field: str) -> Q:
    return Q(**{f"{field}__startswith": "http://"}) | Q(
        **{f"{field}__startswith": "https://"}
    )


class Article(models.Model):
    title = models.CharField(_("title"), max_length=300)
    url = models.URLField(
        _("source URL"), max_length=2000, blank=True, validators=[HTTP_URL_VALIDATOR]
    )
    publisher = models.CharField(_("publisher"), max_length=200, blank=True)
    published_on = models.DateField(_("publication date"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=5, choices=Language)
    # Exactly as imported after normalisation (no BOM, "\n" line endings):
    # every claim offset refers to this text.
    text = models.TextField(_("text"))
    sha256 = models.CharField(_("SHA-256 of text"), max_length=64)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    imported_at = models.DateTimeField(_("imported at"), default=timezone.now)
    # When hints and check-worthiness were last computed; null while pending
    # (an article too long to analyse during its import).
    analysed_at = models.DateTimeField(_("analysed at"), null=True, blank=True)
    # Claims without an assignee of their own are in this editor's queue.
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Deleting is soft: a deleted article leaves every list and export, and
    # the admin can restore it.
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("deleted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        constraints = [
            # Also the index behind duplicate detection at import. Deleted
            # articles leave it: their text may be imported again as new.
            models.UniqueConstraint(
                fields=["sha256"],
                condition=Q(deleted_at__isnull=True),
                name="article_unique_text",
            ),
            models.CheckConstraint(
                condition=Q(language__in=Language.values), name="article_language_valid"
            ),
            models.CheckConstraint(
                condition=~Q(title=""), name="article_title_present"
            ),
            models.CheckConstraint(condition=~Q(text=""), name="article_text_present"),
            models.CheckConstraint(
                condition=Q(url="") | _http_url_condition("url"),
                name="article_url_http",
            ),
        ]
        indexes = [
            # Newest-first article lists.
            models.Index(fields=["-imported_at"], name="article_imported_idx"),
            # Duplicate detection at import, deleted articles included.
            models.Index(fields=["sha256"], name="article_sha256_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class ArticleCapture(models.Model):
    """The page an article was imported from, exactly as fetched.

    Kept so that editors can show what the page said when it was imported.
    """

    article = models.OneToOneField(
        Article,
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="capture",
    )
    requested_url = models.URLField(
        _("requested URL"), max_length=2000, validators=[HTTP_URL_VALIDATOR]
    )
    final_url = models.URLField(
        _("final URL"), max_length=2000, validators=[HTTP_URL_VALIDATOR]
    )
    status = models.PositiveSmallIntegerField(_("HTTP status"))
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    fetched_at = models.DateTimeField(_("fetched at"))
    author = models.CharField(_("author"), max_length=200, blank=True)
    # The bytes as received: their charset may be anything the site chose.
    html = models.BinaryField(_("raw HTML"))
    sha256 = models.CharField(_("SHA-256 of the raw HTML"), max_length=64)

    class Meta:
        verbose_name = _("article capture")
        verbose_name_plural = _("article captures")
        constraints = [
            models.CheckConstraint(
                condition=_http_url_condition("requested_url")
                & _http_url_condition("final_url"),
                name="capture_urls_http",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.final_url} ({self.fetched_at:%Y-%m-%d %H:%M})"


class Claimant(models.Model):
    """Who made a claim: a person or an organisation, shared by their claims."""

    name = models.CharField(_("name"), max_length=200)
    type = models.CharField(
        _("type"), max_length=12, choices=ClaimantType, default=ClaimantType.PERSON
    )
    # What makes their word count, e.g. "company founder", "ministry".
    role = models.CharField(_("role"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("claimant")
        verbose_name_plural = _("claimants")
        constraints = [
            # One row per name and type, whatever the case it was typed in;
            # also the index behind the panel's and the admin's look-ups.
            models.UniqueConstraint(
                Lower("name"), "type", name="claimant_unique_name_type"
            ),
            models.CheckConstraint(condition=~Q(name=""), name="claimant_name_present"),
            models.CheckConstraint(
                condition=Q(type__in=ClaimantType.values), name="claimant_type_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.role})" if self.role else self.name


# A rating's key is stored on claims (12 characters) and names CSS classes and
# count annotations: lowercase letters, digits and underscores.
RATING_KEY_PATTERN = r"^[a-z][a-z0-9_]*$"
COLOUR_PATTERN = r"^#[0-9a-fA-F]{6}$"


class Rating(models.Model):
    """One verdict of the rating scale editors give claims (annotations/ratings.py).

    Claims keep the key (``Claim.verdict``); a rating in use is retired, not
    deleted: hidden from new verdicts, still shown and exported on old ones.
    """

    key = models.CharField(
        _("key"),
        max_length=12,
        unique=True,
        validators=[RegexValidator(RATING_KEY_PATTERN)],
        help_text=_("Stored on claims: lowercase letters, digits and underscores."),
    )
    label_en = models.CharField(_("label (English)"), max_length=60)
    label_zh = models.CharField(_("label (Chinese)"), max_length=60)
    description_en = models.CharField(
        _("description (English)"), max_length=200, blank=True
    )
    description_zh = models.CharField(
        _("description (Chinese)"), max_length=200, blank=True
    )
    icon = models.CharField(_("icon"), max_length=4)
    colour = models.CharField(
        _("colour"),
        max_length=7,
        validators=[RegexValidator(COLOUR_PATTERN)],
        help_text=_("#rrggbb"),
    )
    digit = models.PositiveSmallIntegerField(
        _("keyboard digit"),
        validators=[MinValueValidator(1), MaxValueValidator(9)],
        help_text=_("The workspace key (1 to 9) that gives this verdict."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    counts_as_checked = models.BooleanField(_("counts as checked"), default=True)
    rating_value = models.SmallIntegerField(_("ClaimReview rating value"))
    best_rating = models.SmallIntegerField(_("ClaimReview best rating"))
    worst_rating = models.SmallIntegerField(_("ClaimReview worst rating"))
    alternate_name = models.CharField(
        _("ClaimReview alternate name"),
        max_length=60,
        blank=True,
        help_text=_("Left empty, the English label."),
    )
    retired = models.BooleanField(
        _("retired"),
        default=False,
        help_text=_("Hidden from new verdicts; kept on the claims that have it."),
    )

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        # The scale's order is its meaning (buttons, bars, filters); a few rows.
        ordering = ["order", "key"]
        constraints = [
            models.CheckConstraint(
                condition=Q(key__regex=RATING_KEY_PATTERN) & ~Q(key=Verdict.UNREVIEWED),
                name="rating_key_valid",
            ),
            models.CheckConstraint(
                condition=Q(colour__regex=COLOUR_PATTERN), name="rating_colour_valid"
            ),
            models.CheckConstraint(
                condition=Q(digit__gte=1, digit__lte=9), name="rating_digit_range"
            ),
            # One key per digit among the ratings editors can give.
            models.UniqueConstraint(
                fields=["digit"],
                condition=Q(retired=False),
                name="rating_digit_unique_active",
            ),
            models.CheckConstraint(
                condition=~Q(label_en="") & ~Q(label_zh="") & ~Q(icon=""),
                name="rating_labels_present",
            ),
            models.CheckConstraint(
                condition=Q(worst_rating__lt=F("best_rating"))
                & Q(rating_value__gte=F("worst_rating"))
                & Q(rating_value__lte=F("best_rating")),
                name="rating_value_in_range",
            ),
        ]

    def __str__(self) -> str:
        return self.label_en

    @property
    def label(self) -> str:
        """The label in the active language."""
        language = translation.get_language() or ""
        return self.label_zh if language.startswith("zh") else self.label_en

    @property
    def description(self) -> str:
        """The description in the active language."""
        language = translation.get_language() or ""
        return self.description_zh if language.startswith("zh") else self.description_en

    @property
    def claim_review_name(self) -> str:
        """ClaimReview's alternateName: the one given, else the English label."""
        return self.alternate_name or self.label_en


class Claim(models.Model):
    article = models.ForeignKey(
        Article,
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="claims",
        # The unique (article, position) constraint's index leads with it.
        db_index=False,
    )
    position = models.PositiveIntegerField(_("position"))
    # What public addresses name the claim by (report anchors, ClaimReview and
    # W3C ids, exports, ?claim=): set at creation and never changed, while the
    # position moves with every split, merge and new version.
    public_id = models.CharField(
        _("public id"),
        max_length=PUBLIC_ID_LENGTH,
        default=new_public_id,
        editable=False,
    )
    start = models.PositiveIntegerField(_("start offset"))
    end = models.PositiveIntegerField(_("end offset"))
    # A copy of article.text[start:end], kept equal by the services.
    text = models.TextField(_("text"))
    # The article text just before and after the claim: with the quote and the
    # offsets, what anchors it again if the text changes (and what W3C quote
    # selectors carry).
    prefix = models.CharField(_("text before"), max_length=CONTEXT_CHARS, blank=True)
    suffix = models.CharField(_("text after"), max_length=CONTEXT_CHARS, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind, default=Kind.CLAIM)
    # Why the segmenter chose a kind other than claim ("footer", "page furniture").
    kind_reason = models.CharField(_("kind reason"), max_length=40, blank=True)
    # A Rating's key, or unreviewed. Not a foreign key: "unreviewed" is no
    # rating, and history and corrections keep old keys; the services check it.
    verdict = models.CharField(_("verdict"), max_length=12, default=Verdict.UNREVIEWED)
    rationale = models.TextField(_("rationale"), blank=True)
    verdict_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verdict by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        # A partial index in Meta: new claims have none, so imports skip it.
        db_index=False,
    )
    verdict_at = models.DateTimeField(_("verdict at"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status, default=Status.UNREVIEWED
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        # A partial index in Meta: new claims have none, so imports skip it.
        db_index=False,
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        # claim_assignee_idx in Meta leads with it.
        db_index=False,
    )
    # Who made the claim, and where and when it appeared (blank: the
    # article's own address and publication date).
    claimant = models.ForeignKey(
        Claimant,
        verbose_name=_("claimant"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claims",
        # A partial index in Meta: new claims have none, so imports skip it.
        db_index=False,
    )
    appearance_url = models.URLField(
        _("appearance URL"),
        max_length=2000,
        blank=True,
        # Claims are inserted in bulk with only the columns a new claim has.
        default="",
        db_default="",
        validators=[HTTP_URL_VALIDATOR],
    )
    appearance_date = models.DateField(_("appearance date"), null=True, blank=True)
    # Raised by every change; writes name the version they started from.
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    # Found by annotations/assisting.py at import: name variants, figures and
    # contradictions, each {"type", "message", "spans": [{start, end, text}]}.
    hints = models.JSONField(_("hints"), default=list, blank=True)
    # Check-worthiness (0-1) and the reasons for it ("+money 1060万美元").
    worth = models.FloatField(_("check-worthiness"), default=0)
    worth_reasons = models.JSONField(_("check-worthiness reasons"), default=list)
    # The text with width, script, case, spaces and punctuation normalised:
    # what "have we checked this before?" compares.
    normalised = models.TextField(_("normalised text"), blank=True)
    # Set when a new version of the article changed this claim's text.
    text_changed = models.BooleanField(_("text changed since verified"), default=False)
    # Not found in the article's current version; kept with its old offsets.
    orphaned = models.BooleanField(_("orphaned"), default=False)
    # A verdict reused from a claim checked in another article.
    reused_from = models.ForeignKey(
        "self",
        verbose_name=_("verdict reused from"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        # A partial index in Meta: new claims have none, so imports skip it.
        db_index=False,
    )

    # Rows are written by the services' own UPDATEs, so history is recorded
    # there (annotations/history.py), not by save() signals alone.
    history = HistoricalRecords(
        excluded_fields=[
            "public_id",  # never changes, so the claim's id says it
            "prefix",
            "suffix",
            "hints",
            "worth",
            "worth_reasons",
            "normalised",
        ],
        history_change_reason_field=models.TextField(null=True),
        # History is read per claim, article and editor (history_user); an
        # index on these would only slow every write.
        no_db_index=[
            "verdict_by",
            "approved_by",
            "assignee",
            "claimant",
            "reused_from",
        ],
    )

    class Meta:
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        permissions = [
            ("review_claim", _("Can approve, reject and publish verdicts")),
        ]
        # Claims are read in article order; the unique constraint's index serves it.
        ordering = ["article", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "position"], name="claim_unique_position"
            ),
            # Also the index behind looking a claim up by its public id.
            models.UniqueConstraint(
                fields=["public_id"], name="claim_unique_public_id"
            ),
            models.CheckConstraint(
                condition=~Q(public_id=""), name="claim_public_id_present"
            ),
            models.CheckConstraint(
                condition=Q(position__gte=1), name="claim_position_min"
            ),
            models.CheckConstraint(
                condition=Q(start__lt=F("end")), name="claim_offsets_order"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=Kind.values), name="claim_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(version__gte=1), name="claim_version_min"
            ),
            models.CheckConstraint(
                condition=Q(verdict=Verdict.UNREVIEWED) | Q(verdict_at__isnull=False),
                name="claim_verdict_dated",
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="claim_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(appearance_url="") | _http_url_condition("appearance_url"),
                name="claim_appearance_url_http",
            ),
            # A verdict is in review exactly when there is one.
            models.CheckConstraint(
                condition=(
                    Q(status=Status.UNREVIEWED, verdict=Verdict.UNREVIEWED)
                    | (~Q(status=Status.UNREVIEWED) & ~Q(verdict=Verdict.UNREVIEWED))
                ),
                name="claim_status_matches_verdict",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[Status.APPROVED, Status.PUBLISHED])
                | Q(approved_at__isnull=False),
                name="claim_approval_dated",
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.PUBLISHED) | Q(published_at__isnull=False),
                name="claim_publication_dated",
            ),
        ]
        indexes = [
            # Claim filters by verdict within an article (admin, exports).
            # (Not partial: SQLite cannot tell that verdict = 'x' implies
            # verdict <> 'unreviewed', so it would read every claim.)
            models.Index(fields=["verdict", "article"], name="claim_verdict_idx"),
            # Public exports and reports: published claims, per article.
            models.Index(fields=["status", "article"], name="claim_status_idx"),
            # "My queue": claims assigned to an editor; only those assigned,
            # so an import's claims go into none of it.
            models.Index(
                fields=["assignee", "status"],
                condition=Q(assignee__isnull=False),
                name="claim_assignee_idx",
            ),
            # The workspace's triage order.
            models.Index(fields=["article", "-worth"], name="claim_worth_idx"),
            # Incremental sync: claims changed since a time, a page at a time
            # (the API's cursor is the last row's updated_at and id), over all
            # articles or one.
            models.Index(fields=["updated_at", "id"], name="claim_changed_idx"),
            models.Index(
                fields=["article", "updated_at", "id"],
                name="claim_article_changed_idx",
            ),
            # The foreign keys a new claim leaves empty: indexed only where
            # set, which is what a lookup or a deleted user's SET NULL needs.
            *(
                models.Index(
                    fields=[field],
                    condition=Q(**{f"{field}__isnull": False}),
                    name=f"claim_{field}_idx",
                )
                for field in ("verdict_by", "approved_by", "claimant", "reused_from")
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.position} {self.text[:60]}"

    @classmethod
    def from_db(cls, db: str | None, field_names: list[str], values: list) -> "Claim":
        return loaded_row(cls, db, field_names, values)

    @property
    def is_furniture(self) -> bool:
        """True for page furniture (heading, byline, ...): not a claim to check."""
        return self.kind not in CHECKABLE_KINDS


def loaded_row(
    model: type[models.Model], db: str | None, field_names: list[str], values: list
) -> models.Model:
    """A whole row of ``model`` as an instance, its columns put in place.

    Model.from_db builds an instance through __init__, which sets each field
    through its descriptor: a third of a list page of 100 claims' CPU. A row
    with every column, of a model nobody listens to at init, needs none of
    that (the documented hook: Model.from_db). Anything else goes the usual way.
    """
    attnames = _attnames(model)
    if (
        len(values) != len(attnames)
        or signals.pre_init.has_listeners(model)
        or signals.post_init.has_listeners(model)
    ):
        return super(model, model).from_db(db, field_names, values)
    instance = model.__new__(model)
    # As __init__ with all values given positionally: in concrete field order.
    instance.__dict__.update(zip(attnames, values, strict=True))
    state = instance._state = models.base.ModelState()
    state.adding = False
    state.db = db
    return instance


@functools.cache
def _attnames(model: type[models.Model]) -> tuple[str, ...]:
    return tuple(field.attname for field in model._meta.concrete_fields)


class Source(models.Model):
    claim = models.ForeignKey(
        Claim, verbose_name=_("claim"), on_delete=models.CASCADE, related_name="sources"
    )
    url = models.URLField(_("URL"), max_length=2000, validators=[HTTP_URL_VALIDATOR])
    title = models.CharField(_("title"), max_length=500)
    publisher = models.CharField(_("publisher"), max_length=200, blank=True)
    quote = models.TextField(_("quoted passage"), blank=True)
    stance = models.CharField(
        _("stance"), max_length=10, choices=Stance, default=Stance.SUPPORTS
    )
    accessed_on = models.DateField(_("date accessed"), null=True, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    added_at = models.DateTimeField(_("added at"), default=timezone.now)
    # The copy shown as evidence: the first good fetch of the address
    # (annotations/archiving.py); later checks set link_state.
    archive = models.ForeignKey(
        "SourceSnapshot",
        verbose_name=_("archived copy"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    link_state = models.CharField(
        _("link state"), max_length=10, choices=LinkState, default=LinkState.UNCHECKED
    )
    link_checked_at = models.DateTimeField(_("link checked at"), null=True, blank=True)

    history = HistoricalRecords(
        history_change_reason_field=models.TextField(null=True),
        # Archiving is the machine's work, not an editor's change.
        excluded_fields=["archive", "link_state", "link_checked_at"],
    )

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        # A claim's sources are shown in the order they were added.
        ordering = ["claim", "id"]
        constraints = [
            models.CheckConstraint(
                condition=_http_url_condition("url"), name="source_url_http"
            ),
            models.CheckConstraint(condition=~Q(title=""), name="source_title_present"),
            models.CheckConstraint(
                condition=Q(stance__in=Stance.values), name="source_stance_valid"
            ),
            models.CheckConstraint(
                condition=Q(link_state__in=LinkState.values),
                name="source_link_state_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class SourceSnapshot(models.Model):
    """One fetch of a source's address: what it answered, kept as evidence.

    A failed fetch is a snapshot too (no status, ``error`` says why), so a
    broken link shows when it broke.
    """

    source = models.ForeignKey(
        Source,
        verbose_name=_("source"),
        on_delete=models.CASCADE,
        related_name="snapshots",
    )
    fetched_at = models.DateTimeField(_("fetched at"))
    status = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    final_url = models.URLField(
        _("final URL"), max_length=2000, blank=True, validators=[HTTP_URL_VALIDATOR]
    )
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    title = models.CharField(_("title"), max_length=500, blank=True)
    text = models.TextField(_("extracted text"), blank=True)
    # Of ``text``: a page whose article is unchanged keeps it even when its
    # advertisements and timestamps change.
    sha256 = models.CharField(_("SHA-256 of the text"), max_length=64, blank=True)
    size = models.PositiveIntegerField(_("bytes fetched"), default=0)
    truncated = models.BooleanField(_("cut at the size limit"), default=False)
    error = models.CharField(_("error"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("source snapshot")
        verbose_name_plural = _("source snapshots")
        constraints = [
            models.CheckConstraint(
                condition=Q(final_url="") | _http_url_condition("final_url"),
                name="snapshot_final_url_http",
            ),
            models.CheckConstraint(
                condition=Q(status__isnull=True) | Q(status__gte=100, status__lte=599),
                name="snapshot_status_http",
            ),
            # A snapshot either has an answer or says why it has none.
            models.CheckConstraint(
                condition=Q(status__isnull=False) | ~Q(error=""),
                name="snapshot_status_or_error",
            ),
        ]
        indexes = [
            # A source's latest snapshot (check_sources compares with it).
            models.Index(fields=["source", "-fetched_at"], name="snapshot_latest_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.final_url or self.error} ({self.fetched_at:%Y-%m-%d})"

    @property
    def ok(self) -> bool:
        """The fetch got a page (2xx) with text in it."""
        return self.status is not None and 200 <= self.status < 300 and bool(self.text)


class Correction(models.Model):
    """A change to a published verdict: proposed with a reason, then approved.

    Approved corrections are the public corrections log of a report.
    """

    claim = models.ForeignKey(
        Claim,
        verbose_name=_("claim"),
        on_delete=models.CASCADE,
        related_name="corrections",
    )
    old_verdict = models.CharField(_("old verdict"), max_length=12)
    old_rationale = models.TextField(_("old rationale"), blank=True)
    new_verdict = models.CharField(_("new verdict"), max_length=12)
    new_rationale = models.TextField(_("new rationale"))
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=CorrectionStatus,
        default=CorrectionStatus.PENDING,
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    proposed_at = models.DateTimeField(_("proposed at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_comment = models.TextField(_("decision comment"), blank=True)

    class Meta:
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")
        ordering = ["claim", "proposed_at", "id"]
        constraints = [
            # One proposal at a time per claim; its index finds it.
            models.UniqueConstraint(
                fields=["claim"],
                condition=Q(status=CorrectionStatus.PENDING),
                name="correction_one_pending",
            ),
            models.CheckConstraint(
                condition=Q(status__in=CorrectionStatus.values),
                name="correction_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(new_verdict=Verdict.UNREVIEWED),
                name="correction_verdict_valid",
            ),
            models.CheckConstraint(
                condition=~Q(reason=""), name="correction_reason_present"
            ),
            models.CheckConstraint(
                condition=Q(status=CorrectionStatus.PENDING)
                | Q(decided_at__isnull=False),
                name="correction_decision_dated",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.old_verdict} -> {self.new_verdict}"


class Comment(models.Model):
    """The internal discussion of a claim; never shown to the public."""

    claim = models.ForeignKey(
        Claim,
        verbose_name=_("claim"),
        on_delete=models.CASCADE,
        related_name="comments",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=CommentKind, default=CommentKind.COMMENT
    )
    text = models.TextField(_("text"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        # A claim's thread, oldest first.
        ordering = ["claim", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="comment_text_present"),
            models.CheckConstraint(
                condition=Q(kind__in=CommentKind.values), name="comment_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.text[:60]


class ArticleVersion(models.Model):
    """An earlier text of an article, kept when a new version is imported."""

    article = models.ForeignKey(
        Article,
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="versions",
    )
    number = models.PositiveIntegerField(_("version"))
    text = models.TextField(_("text"))
    sha256 = models.CharField(_("SHA-256 of text"), max_length=64)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    imported_at = models.DateTimeField(_("imported at"), default=timezone.now)

    class Meta:
        verbose_name = _("article version")
        verbose_name_plural = _("article versions")
        ordering = ["article", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "number"], name="version_unique_number"
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1), name="version_number_min"
            ),
        ]

    def __str__(self) -> str:
        return f"v{self.number}"


class ClaimSketch(models.Model):
    """MinHash values of a checked claim's normalised text.

    Claims that share two of their eight values are candidates for "have we
    checked this before?"; the index on ``value`` finds them among many.
    """

    claim = models.ForeignKey(
        Claim, on_delete=models.CASCADE, related_name="sketch", db_index=False
    )
    value = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["claim", "value"], name="sketch_unique_value"
            ),
        ]
        indexes = [
            # Candidate lookup: which claims have this value.
            models.Index(fields=["value", "claim"], name="sketch_value_idx"),
        ]

    def __str__(self) -> str:
        return str(self.value)


class ApiToken(models.Model):
    """A user's API key, stored only as its SHA-256: the key is shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    # The key's first characters, to tell tokens apart without revealing them.
    prefix = models.CharField(_("key starts with"), max_length=8)
    digest = models.CharField(_("SHA-256 of key"), max_length=64)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        constraints = [
            # Also the index that authenticates each API request.
            models.UniqueConstraint(fields=["digest"], name="apitoken_unique_digest"),
            # A new token replaces the old one (annotations/tokens.py).
            models.UniqueConstraint(fields=["user"], name="apitoken_one_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.prefix}…"


class JobKind(models.TextChoices):
    ANALYSE = "analyse", _("analysis")
    WEBHOOK = "webhook", _("webhook delivery")
    ARCHIVE = "archive", _("source archiving")
    FETCH = "fetch", _("link fetch")


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class Job(models.Model):
    """Work done by a background worker (annotations/jobs.py), as people see it.

    The queue (django-tasks) holds one task per attempt; the job is what
    stays: its status, attempts and the last error.
    """

    kind = models.CharField(_("kind"), max_length=12, choices=JobKind)
    article = models.ForeignKey(
        Article,
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="jobs",
    )
    # The source an archiving job fetches (only those have one).
    source = models.ForeignKey(
        "Source",
        verbose_name=_("source"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="jobs",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=JobStatus, default=JobStatus.QUEUED
    )
    # Percent done of a running analysis; null until it reports any.
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.TextField(_("last error"), blank=True)
    # The queue's id of the latest attempt (django-tasks' result id).
    task_id = models.CharField(_("task id"), max_length=64, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # When a failed attempt is tried again.
    retry_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=JobKind.values), name="job_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=JobStatus.values), name="job_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind=JobKind.ARCHIVE, source__isnull=False)
                | (~Q(kind=JobKind.ARCHIVE) & Q(source__isnull=True)),
                name="job_archive_has_source",
            ),
            models.CheckConstraint(
                condition=Q(progress__isnull=True) | Q(progress__lte=100),
                name="job_progress_percent",
            ),
        ]
        indexes = [
            # The workspace's "analysis running": an article's latest job.
            models.Index(fields=["article", "kind", "-id"], name="job_latest_idx"),
            # jobs.queue_fetch forgetting the link fetches of yesterday.
            models.Index(fields=["kind", "finished_at"], name="job_kind_finished_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"


class PageFetch(models.Model):
    """A link fetched by a job for an import: the page as received, until imported.

    The import page shows its preview, and the import keeps it as the
    article's ArticleCapture without fetching it again.
    """

    job = models.OneToOneField(
        Job, verbose_name=_("job"), on_delete=models.CASCADE, related_name="page_fetch"
    )
    url = models.URLField(_("requested URL"), max_length=2000)
    # The requester's language: the refusal is written in it.
    language = models.CharField(_("language"), max_length=16, blank=True)
    # The rest stays empty until (and unless) the page was fetched.
    final_url = models.URLField(_("final URL"), max_length=2000, blank=True)
    status = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    content_type = models.CharField(_("content type"), max_length=200, blank=True)
    fetched_at = models.DateTimeField(_("fetched at"), null=True, blank=True)
    body = models.BinaryField(_("body"), blank=True, default=b"")

    class Meta:
        verbose_name = _("link fetch")
        verbose_name_plural = _("link fetches")
        constraints = [
            models.CheckConstraint(
                condition=Q(fetched_at__isnull=True) | Q(status__isnull=False),
                name="page_fetch_status",
            ),
        ]

    def __str__(self) -> str:
        return self.url


class WebhookEvent(models.TextChoices):
    ARTICLE_IMPORTED = "article.imported", _("article imported")
    VERDICT_PUBLISHED = "verdict.published", _("verdict published")
    CORRECTION_APPROVED = "correction.approved", _("correction approved")


class Webhook(models.Model):
    """An address told about events, each request signed with its secret."""

    url = models.URLField(_("URL"), max_length=2000, validators=[HTTP_URL_VALIDATOR])
    # HMAC-SHA256 key for X-Factcheck-Signature; shown to admins only.
    secret = models.CharField(_("secret"), max_length=200)
    # WebhookEvent values this endpoint wants (admin/webhooks.py checks them).
    events = models.JSONField(_("events"), default=list)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")
        constraints = [
            models.CheckConstraint(
                condition=Q(url__startswith="http://") | Q(url__startswith="https://"),
                name="webhook_url_http",
            ),
            models.CheckConstraint(condition=~Q(secret=""), name="webhook_secret"),
        ]

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(models.Model):
    """One event sent to one webhook: the exact body, and what came back.

    Its attempts, retries and last error are its job's.
    """

    webhook = models.ForeignKey(
        Webhook,
        verbose_name=_("webhook"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    job = models.OneToOneField(
        Job, verbose_name=_("job"), on_delete=models.CASCADE, related_name="delivery"
    )
    event = models.CharField(_("event"), max_length=40, choices=WebhookEvent)
    # The JSON body as sent: the signature is over these bytes (UTF-8).
    body = models.TextField(_("body"))
    # The last answer's HTTP status; null until one came.
    status_code = models.PositiveSmallIntegerField(
        _("HTTP status"), null=True, blank=True
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [
            models.CheckConstraint(
                condition=Q(event__in=WebhookEvent.values),
                name="delivery_event_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} #{self.pk}"
