"""What a server error or a missing page looks like to people and API clients.

When the database cannot be reached (restarting, failing over), requests get
503 with a short, clear message and a Retry-After header, never a stack
trace; Django's connection health checks reconnect by themselves once it is
back. Any other unexpected error is a plain 500 page.
"""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults

RETRY_SECONDS = 5


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: 503 while the database is away, else a plain 500."""
    error = sys.exc_info()[1]
    unavailable = isinstance(error, OperationalError | InterfaceError)
    if unavailable:
        # A write may have been committed just before the connection broke,
        # so no promise that nothing changed: retrying with the same version
        # is safe (a saved change makes it a 412 conflict, not a duplicate).
        message = _(
            "The database is not reachable right now. Try again in a few "
            "seconds; if you were saving, reload first to see whether it was "
            "saved."
        )
        status = 503
    else:
        message = _(
            "Something went wrong on our side. Reload to see where things stand."
        )
        status = 500
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message}, status=status)
    else:
        response = HttpResponse(
            f"<!doctype html><title>{status}</title><h1>{status}</h1><p>{message}</p>",
            status=status,
        )
    if unavailable:
        response["Retry-After"] = str(RETRY_SECONDS)
    return response


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler404, for an address no route matches: JSON under /api/, else
    Django's page."""
    if request.path.startswith("/api/"):
        message = _("Not found: no such address in the API (%(path)s).") % {
            "path": request.path
        }
        return JsonResponse({"detail": message}, status=404)
    return defaults.page_not_found(request, exception)


class DatabaseUnavailableFilter(logging.Filter):
    """One log line, not two tracebacks, per request refused while the
    database is away (a 3-second restart under load logged 27,000 lines)."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, OperationalError | InterfaceError):
            first_line = str(error).strip().splitlines()[0]
            record.args = (record.getMessage(), first_line)
            record.msg = "%s (database unavailable: %s)"
            record.exc_info = None
            record.exc_text = None
        return True
