"""API representations. Output serializers read; input serializers only parse,
and the views hand what they parsed to the services."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from rest_framework import serializers

from ..models import (
    Article,
    Claim,
    Comment,
    Correction,
    Kind,
    Source,
    Stance,
    Status,
    Verdict,
)

# Ids are 64-bit signed integers in every supported database.
MAX_ID = 2**63 - 1


class StrictInput(serializers.Serializer):
    """Refuses fields it does not know, rather than silently dropping them."""

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


class SourceSerializer(serializers.ModelSerializer):
    added_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

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
    version = serializers.IntegerField(
        min_value=1,
        required=False,
        help_text="The claim's version; if given, a stale one is refused (412).",
    )


class SourcePatchInput(SourceInput):
    url = serializers.CharField(max_length=2000, required=False)
    title = serializers.CharField(max_length=500, required=False)
    stance = serializers.ChoiceField(choices=Stance.choices, required=False)


def username_field(**kwargs) -> serializers.SlugRelatedField:
    """A user shown by username (null when there is none)."""
    return serializers.SlugRelatedField(slug_field="username", read_only=True, **kwargs)


class ClaimSerializer(serializers.ModelSerializer):
    verdict_by = username_field()
    approved_by = username_field()
    assignee = username_field(help_text="The editor whose queue holds the claim.")
    sources = SourceSerializer(many=True, read_only=True)

    class Meta:
        model = Claim
        fields = (
            "id",
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
        )
        read_only_fields = fields


class ClaimPatchInput(StrictInput):
    verdict = serializers.ChoiceField(choices=Verdict.choices, required=False)
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
    version = serializers.IntegerField(
        min_value=1,
        required=False,
        help_text="The version you started from, when not sending If-Match.",
    )


class VerdictCounts(serializers.Serializer):
    units = serializers.IntegerField(source="unit_count")
    claims = serializers.IntegerField(source="claim_count")
    checked = serializers.IntegerField(source="checked_count")
    unreviewed = serializers.IntegerField(source="unreviewed_count")
    verified = serializers.IntegerField(source="verified_count")
    disputed = serializers.IntegerField(source="disputed_count")
    misstated = serializers.IntegerField(source="misstated_count")
    draft = serializers.IntegerField(source="draft_count")
    approved = serializers.IntegerField(source="approved_count")
    published = serializers.IntegerField(source="published_count")


class ArticleSerializer(serializers.ModelSerializer):
    imported_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    counts = VerdictCounts(source="*", read_only=True)

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
            "counts",
        )
        read_only_fields = fields


class ArticleDetailSerializer(ArticleSerializer):
    class Meta(ArticleSerializer.Meta):
        fields = (*ArticleSerializer.Meta.fields, "text")
        read_only_fields = fields


class ArticleImportInput(StrictInput):
    title = serializers.CharField(
        max_length=300,
        required=False,
        allow_blank=True,
        help_text="Defaults to an uploaded file's title or first heading.",
    )
    url = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    publisher = serializers.CharField(max_length=200, required=False, allow_blank=True)
    published_on = serializers.DateField(required=False, allow_null=True)
    text = serializers.CharField(
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        help_text="The article text (JSON body), or send `file` instead.",
    )
    file = serializers.FileField(
        required=False, help_text=".txt, .md or .html (multipart body)."
    )

    def validate(self, attrs: dict) -> dict:
        attrs = super().validate(attrs)
        # Blank text goes on to the importer, which says the article is empty.
        if ("text" in attrs) == bool(attrs.get("file")):
            raise serializers.ValidationError(
                {"text": ["Send the article as `text` or as `file`, one of the two."]}
            )
        return attrs


class ExportQuery(serializers.Serializer):
    """Filters every export accepts."""

    article = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)
    verdict = serializers.ChoiceField(choices=Verdict.choices, required=False)
    status = serializers.ChoiceField(choices=Status.choices, required=False)
    updated_since = serializers.DateTimeField(required=False)


VERSION_HELP = "The claim's version, when not sending If-Match."


class ReviewInput(StrictInput):
    comment = serializers.CharField(
        max_length=10_000,
        required=False,
        allow_blank=True,
        default="",
        help_text="Why; required to reject.",
    )
    version = serializers.IntegerField(
        min_value=1, required=False, help_text=VERSION_HELP
    )


class PublishInput(StrictInput):
    version = serializers.IntegerField(
        min_value=1, required=False, help_text=VERSION_HELP
    )


class CorrectionInput(StrictInput):
    reason = serializers.CharField(
        max_length=10_000,
        allow_blank=True,
        help_text="Why the published verdict changes; shown to the public.",
    )
    verdict = serializers.ChoiceField(choices=Verdict.choices)
    rationale = serializers.CharField(max_length=10_000, allow_blank=True)
    version = serializers.IntegerField(
        min_value=1, required=False, help_text=VERSION_HELP
    )


class AssignInput(StrictInput):
    assignee = serializers.SlugRelatedField(
        slug_field="username",
        queryset=get_user_model().objects.all(),
        allow_null=True,
        help_text="An editor's username, or null to take the claim out of any queue.",
        error_messages={"does_not_exist": "No user is named {value}."},
    )
    version = serializers.IntegerField(
        min_value=1, required=False, help_text=VERSION_HELP
    )


class CommentInput(StrictInput):
    text = serializers.CharField(max_length=10_000, allow_blank=True)


# Plain strings rather than enums in the schema: the same choices under a
# second name, or other choices under the same name ("kind"), make enum
# components collide.
VERDICT_TEXT = "verified, disputed, misstated or unreviewed."


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


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
