"""A Content-Security-Policy header on every response.

Django 5.2 has no CSP support of its own; the policy is one header, so a few
lines serve instead of a dependency. Scripts come only from our own origin:
no inline scripts, no eval. (JSON-LD blocks are data, which CSP does not run.)
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault(
            "Content-Security-Policy", settings.CONTENT_SECURITY_POLICY
        )
        return response
