"""JSON errors for domain refusals that are not DRF exceptions."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from ..importing import ImportRefused

# Where an import refusal belongs in a request body.
IMPORT_FIELDS = {"title": "title", "url": "url"}


def exception_handler(exc, context):
    """DRF's handler, plus import refusals and service validation as 400s."""
    if isinstance(exc, ImportRefused):
        field = IMPORT_FIELDS.get(exc.code, "text")
        return Response(
            {field: [str(exc.message)], "code": exc.code},
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, DjangoValidationError):
        field = (
            exc.code
            if exc.code in ("url", "title", "stance", "verdict", "kind")
            else "detail"
        )
        return Response({field: exc.messages}, status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)
