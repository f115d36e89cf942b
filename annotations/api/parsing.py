"""Reading an API request: bodies and query strings through their serializers,
uploads decoded as on import, and the version a claim write starts from."""

from __future__ import annotations

import re

from django.http import QueryDict
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.request import Request

from .. import importing
from .schema import IF_MATCH_PATTERN
from .serializers import StrictInput

PRECONDITION_REQUIRED = (
    "Send If-Match with the claim's ETag, or the claim's version in the body, "
    "so a change made meanwhile is not overwritten."
)
BAD_IF_MATCH = 'If-Match must be the claim\'s ETag, such as "3".'


class PreconditionRequired(APIException):
    """No version was sent with a claim change."""

    status_code = 428
    default_detail = PRECONDITION_REQUIRED
    default_code = "precondition_required"


def expected_version(request: Request, body_version: int | None) -> int:
    """The version a claim write starts from: If-Match, else ``version`` in the
    body; neither is refused with 428."""
    header = request.headers.get("If-Match")
    if header is None:
        if body_version is None:
            raise PreconditionRequired()
        return body_version
    tag = header.strip()
    if not re.fullmatch(IF_MATCH_PATTERN, tag):
        raise ValidationError({"If-Match": [BAD_IF_MATCH]})
    return int(tag.removeprefix("W/").strip('"'))


def is_form(request: Request) -> bool:
    return request.content_type.startswith("multipart/")


def plain(data):
    """A form's or a query string's fields as a plain dict, so an empty value
    is checked like any other (DRF skips an optional field sent empty in a
    form, so ``?status=`` would mean no status, and ``published_on=`` no
    date)."""
    return data.dict() if isinstance(data, QueryDict) else data


def parsed_body(serializer_class: type[StrictInput], request: Request) -> dict:
    data = serializer_class(
        data=plain(request.data), context={"form": is_form(request)}
    )
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


def parsed_query(
    serializer_class: type, request: Request, also: frozenset[str] = frozenset()
) -> dict:
    """Query parameters parsed by ``serializer_class``; unknown ones refused
    (``also`` names those others read, such as the pagination's)."""
    data = serializer_class(data=plain(request.query_params))
    data.is_valid(raise_exception=True)
    unknown = sorted(set(request.query_params) - set(data.fields) - {"format", *also})
    if unknown:
        raise ValidationError({name: ["Unknown parameter."] for name in unknown})
    return dict(data.validated_data)


def extracted_text(values: dict) -> importing.ExtractedText:
    """The text sent as ``text``, or the uploaded ``file`` decoded as on import."""
    upload = values.get("file")
    if not upload:
        return importing.ExtractedText(text=values["text"])
    return importing.read_upload(name=upload.name, size=upload.size, read=upload.read)
