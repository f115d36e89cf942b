"""The export endpoints: one per registered format (exporters.FORMATS), each
streaming every matching claim at export/<the format's filename>."""

from __future__ import annotations

from django.conf import settings
from django.http import StreamingHttpResponse
from django.urls import URLPattern, path
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.views import APIView

from .. import exporters, queries, roles
from . import export_docs
from . import serializers as api
from .parsing import plain


class ExportView(APIView):
    """Streams every matching claim in one format.

    Clients without a role that may read the desk (anonymous ones above all)
    get published verdicts only, from the same query as everyone: a filter
    naming unpublished work answers exactly like one naming nothing.
    """

    permission_classes = [AllowAny]
    export_format: exporters.ExportFormat

    def get(self, request: Request) -> StreamingHttpResponse:
        query = api.ExportQuery(data=plain(request.query_params))
        query.is_valid(raise_exception=True)
        unknown = sorted(set(request.query_params) - set(query.fields) - {"format"})
        if unknown:
            raise ValidationError({name: ["Unknown filter."] for name in unknown})
        claims = queries.claims_for_export(
            **query.validated_data, public=not roles.can(request.user, roles.VIEW)
        )
        urls = exporters.export_urls(request.build_absolute_uri("/"))
        urls["collection_url"] = request.build_absolute_uri()
        export_format = self.export_format
        chunks = export_format.write(
            claims, urls=urls, organisation=settings.FACTCHECK_ORGANISATION
        )
        response = StreamingHttpResponse(chunks, content_type=export_format.media_type)
        response["Content-Disposition"] = (
            f'attachment; filename="{export_format.filename}"'
        )
        return response


def export_view(export_format: exporters.ExportFormat) -> type[ExportView]:
    """The view of one format, with its own OpenAPI operation."""
    name = export_format.name.title().replace("_", "") + "Export"
    view = type(name, (ExportView,), {"export_format": export_format})
    return export_docs.export_docs(export_format)(view)


def urlpatterns() -> list[URLPattern]:
    """export/<filename> for every registered format, named export-<name>."""
    return [
        path(
            f"export/{export_format.filename}",
            export_view(export_format).as_view(),
            name=export_format.url_name,
        )
        for export_format in exporters.FORMATS.values()
    ]
