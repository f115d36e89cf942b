"""The API's throttles, counting the client's address behind trusted proxies."""

from rest_framework.request import Request
from rest_framework.throttling import AnonRateThrottle

from factcheck.proxies import client_address


class AnonThrottle(AnonRateThrottle):
    """Anonymous requests per client address (settings API_ANON_RATE)."""

    def get_ident(self, request: Request) -> str:
        return client_address(request)
