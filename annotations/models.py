"""Articles, the claims cut from them, and the sources behind each verdict."""

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

HTTP_URL_VALIDATOR = URLValidator(schemes=["http", "https"])
# Characters of article text kept on each side of a claim.
CONTEXT_CHARS = 32


class Language(models.TextChoices):
    ZH = "zh", _("Chinese")
    EN = "en", _("English")
    MIXED = "mixed", _("Mixed")


class Kind(models.TextChoices):
    CLAIM = "claim", _("Claim")
    OPINION = "opinion", _("Opinion")
    HEADING = "heading", _("Heading")
    BOILERPLATE = "boilerplate", _("Boilerplate")


class Verdict(models.TextChoices):
    UNREVIEWED = "unreviewed", _("Unreviewed")
    VERIFIED = "verified", _("Verified")
    DISPUTED = "disputed", _("Disputed")
    MISSTATED = "misstated", _("Misstated")


class Stance(models.TextChoices):
    SUPPORTS = "supports", _("Supports")
    REFUTES = "refutes", _("Refutes")
    CONTEXT = "context", _("Context")


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

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        constraints = [
            # Also the index behind duplicate detection at import.
            models.UniqueConstraint(fields=["sha256"], name="article_unique_text"),
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
        ]

    def __str__(self) -> str:
        return self.title


class Claim(models.Model):
    article = models.ForeignKey(
        Article,
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="claims",
    )
    position = models.PositiveIntegerField(_("position"))
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
    verdict = models.CharField(
        _("verdict"), max_length=12, choices=Verdict, default=Verdict.UNREVIEWED
    )
    rationale = models.TextField(_("rationale"), blank=True)
    verdict_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verdict by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    verdict_at = models.DateTimeField(_("verdict at"), null=True, blank=True)
    # Raised by every change; writes name the version they started from.
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        # Claims are read in article order; the unique constraint's index serves it.
        ordering = ["article", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "position"], name="claim_unique_position"
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
                condition=Q(verdict__in=Verdict.values), name="claim_verdict_valid"
            ),
            models.CheckConstraint(
                condition=Q(version__gte=1), name="claim_version_min"
            ),
            models.CheckConstraint(
                condition=Q(verdict=Verdict.UNREVIEWED) | Q(verdict_at__isnull=False),
                name="claim_verdict_dated",
            ),
        ]
        indexes = [
            # Claim filters by verdict within an article (admin, exports).
            models.Index(fields=["verdict", "article"], name="claim_verdict_idx"),
            # Incremental sync: claims changed since a time.
            models.Index(fields=["updated_at"], name="claim_updated_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.position} {self.text[:60]}"


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
        ]

    def __str__(self) -> str:
        return self.title
