"""API representations. Output serializers read; input serializers only parse,
and the views hand what they parsed to the services."""

from __future__ import annotations

from rest_framework import serializers

from ..models import Article, Claim, Kind, Source, Stance, Verdict

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


class ClaimSerializer(serializers.ModelSerializer):
    verdict_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
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
    updated_since = serializers.DateTimeField(required=False)


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
