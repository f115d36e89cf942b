"""What the OpenAPI schema says beyond what drf-spectacular reads from the code.

The API is fuzzed from its schema (.ci/fuzz_api.sh), so the schema must state
what the server refuses: request bodies refuse unknown fields and carry the
services' rules (serializers.StrictInput), and no string may hold a NUL.
"""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse

from .serializers import ClaimSerializer

# Django (forms and DRF fields alike) refuses NUL characters in every string.
NO_NUL = r"^[^\x00]*$"
# An ETag as the claim's answers carry it ("3"), weak or bare also taken.
IF_MATCH_PATTERN = r'^(?:W/)?(?:"[0-9]{1,18}"|[0-9]{1,18})$'
# A verdict in a query: the rating scale is data, so no enum, but never blank.
VERDICT_PARAMETER = {"type": "string", "minLength": 1}

ERRORS = {
    400: OpenApiResponse(description="Invalid input: field-level messages."),
    401: OpenApiResponse(description="Not signed in (send a session or a token)."),
    403: OpenApiResponse(
        description="Signed in, but your role does not allow it (the message says "
        "which role to ask for), or the two-person rule refuses it."
    ),
    404: OpenApiResponse(description="No such object."),
}
# Answers of every read of one object, and of every list.
READ_ERRORS = {code: ERRORS[code] for code in (401, 403, 404)}
LIST_ERRORS = {
    **ERRORS,
    400: OpenApiResponse(description="Unknown or invalid query parameters."),
    404: OpenApiResponse(description="Invalid cursor."),
}
IF_MATCH = OpenApiParameter(
    "If-Match",
    {"type": "string", "pattern": IF_MATCH_PATTERN},
    OpenApiParameter.HEADER,
    description='The claim\'s ETag, e.g. "3".',
)
# Answers of every write guarded by the claim's version.
VERSIONED = {
    412: OpenApiResponse(
        ClaimSerializer, description="Stale version: the current claim."
    ),
    428: OpenApiResponse(description="No If-Match and no version."),
}


class StrictInputSchema(OpenApiSerializerExtension):
    """A StrictInput body: no other fields, plus its ``schema_fields`` and
    ``schema_rules``."""

    target_class = "annotations.api.serializers.StrictInput"
    match_subclasses = True

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_serializer(
            self.target, direction, bypass_extensions=True
        )
        schema["additionalProperties"] = False
        properties = schema.get("properties", {})
        for name, extra in self.target.schema_fields.items():
            properties[name].update(extra)
        rules = dict(self.target.schema_rules)
        required = rules.pop("required", [])
        if required:
            schema["required"] = sorted({*schema.get("required", []), *required})
        schema.update(rules)
        return schema


def forbid_nul(result: dict, generator, request, public) -> dict:
    """Say of every string a client sends (body, query, header) that it holds
    no NUL, unless its schema already constrains it (pattern, enum, format)."""
    components = result.get("components", {}).get("schemas", {})
    for name, component in components.items():
        if name.endswith("Request"):
            _forbid_nul(component)
    for item in result.get("paths", {}).values():
        for operation in item.values():
            for parameter in operation.get("parameters", []):
                _forbid_nul(parameter.get("schema", {}))
            for media in operation.get("requestBody", {}).get("content", {}).values():
                _forbid_nul(media.get("schema", {}))
    return result


def _forbid_nul(schema: dict) -> None:
    if schema.get("type") == "string" and not (
        {"pattern", "enum", "format"} & set(schema)
    ):
        schema["pattern"] = NO_NUL
    for value in schema.get("properties", {}).values():
        _forbid_nul(value)
    if isinstance(schema.get("items"), dict):
        _forbid_nul(schema["items"])
    for key in ("oneOf", "anyOf", "allOf"):
        for value in schema.get(key, []):
            _forbid_nul(value)


def require_bodies(result: dict, generator, request, public) -> dict:
    """Mark a request body required when any of its forms has required fields
    (itself or in each of its oneOf alternatives).

    drf-spectacular requires it only when every form does; an import's form
    body (a text or a file) has no one field to require, but it cannot be left
    out any more than the JSON body's text.
    """
    components = result.get("components", {}).get("schemas", {})
    for item in result.get("paths", {}).values():
        for operation in item.values():
            body = operation.get("requestBody")
            if not body:
                continue
            for media in body["content"].values():
                ref = media.get("schema", {}).get("$ref", "")
                schema = components.get(ref.rpartition("/")[2], {})
                alternatives = [schema, *schema.get("oneOf", [])]
                if any(alternative.get("required") for alternative in alternatives):
                    body["required"] = True
    return result
