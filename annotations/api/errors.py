"""JSON answers for the domain's refusals, which are not DRF exceptions.

Their statuses are annotations/services/refusals.py's. The bodies: a ValidationError
is keyed by the request field its code names, else ``detail`` and ``code``;
a PermissionDenied gives its message (DRF's own handler would replace it
with a generic one); a StaleVersion the claim as it now is. A body larger
than Django reads (DATA_UPLOAD_MAX_MEMORY_SIZE) -> 413 naming the limit, and
a form with too many fields or files -> 400 naming it, not Django's bare HTML
"Bad Request".
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import (
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from ..importing import ImportRefused
from ..services import StaleVersion, refusals
from .views import claim_response

BODY_TOO_LARGE = (
    "The request body is {size:,} bytes; the largest accepted is {limit:,} "
    "bytes, room for an article text of up to {text_limit:,} bytes in UTF-8 "
    "however JSON escapes it. Nothing was stored."
)
TOO_MANY_PARTS = (
    "The request has more than {limit:,} {what}; send only the ones the "
    "endpoint takes. Nothing was stored."
)
# Where an import refusal belongs in a request body.
IMPORT_FIELDS = {"title": "title", "url": "url"}
# Service error codes that name the request field at fault.
FIELD_CODES = frozenset(
    {
        "url",
        "title",
        "stance",
        "verdict",
        "kind",
        "comment",
        "reason",
        "text",
        "assignee",
        "sources",
        "original",
        # claimants.set_claimant
        "name",
        "type",
        "role",
        "appearance_url",
        "appearance_date",
    }
)


def exception_handler(exc, context):
    """DRF's handler, plus the domain's refusals (see the module docstring)."""
    refusal = refusals.refusal_of(exc)
    if refusal is not None:
        answer = refusal_response(exc, refusal)
        if answer is not None:
            return answer
    if isinstance(exc, RequestDataTooBig):
        return body_too_large(context["request"])
    if isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        files = isinstance(exc, TooManyFilesSent)
        message = TOO_MANY_PARTS.format(
            limit=settings.DATA_UPLOAD_MAX_NUMBER_FILES
            if files
            else settings.DATA_UPLOAD_MAX_NUMBER_FIELDS,
            what="files" if files else "fields",
        )
        return Response(
            {"detail": message, "code": "too_many"},
            status=status.HTTP_400_BAD_REQUEST,
        )
    return drf_exception_handler(exc, context)


def refusal_response(exc: Exception, refusal: refusals.Refusal) -> Response | None:
    """A refusal's answer, with the table's status; None leaves it to DRF."""
    code = refusal.api_status
    if isinstance(exc, ImportRefused):
        field = IMPORT_FIELDS.get(exc.code, "text")
        return Response({field: [refusals.message(exc)], "code": exc.code}, code)
    if isinstance(exc, StaleVersion):
        return claim_response(exc.current, code)
    if isinstance(exc, DjangoPermissionDenied):
        # A bare one (no message) gets DRF's generic answer.
        return Response({"detail": refusals.message(exc)}, code) if exc.args else None
    return Response(validation_body(exc), code)


def validation_body(error: DjangoValidationError) -> dict:
    """A service's ValidationError as a response body."""
    code = getattr(error, "code", None)
    if code in FIELD_CODES:
        return {code: error.messages}
    return {"detail": refusals.message(error), "code": code or "invalid"}


def body_too_large(request) -> Response:
    """413 for a request body over DATA_UPLOAD_MAX_MEMORY_SIZE."""
    message = BODY_TOO_LARGE.format(
        size=int(request.META.get("CONTENT_LENGTH") or 0),
        limit=settings.DATA_UPLOAD_MAX_MEMORY_SIZE,
        text_limit=settings.IMPORT_MAX_BYTES,
    )
    return Response(
        {"detail": message, "code": "too_large"},
        status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
    )
