"""What a server error looks like to people and API clients.

When the database cannot be reached (restarting, failing over), requests get
503 with a short, clear message and a Retry-After header, never a stack
trace; Django's connection health checks reconnect by themselves once it is
back. Any other unexpected error is a plain 500 page.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

RETRY_SECONDS = 5


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: 503 while the database is away, else a plain 500."""
    error = sys.exc_info()[1]
    unavailable = isinstance(error, OperationalError | InterfaceError)
    if unavailable:
        message = _(
            "The database is not reachable right now. Nothing was changed; "
            "try again in a few seconds."
        )
        status = 503
    else:
        message = _("Something went wrong on our side. Nothing was changed.")
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
