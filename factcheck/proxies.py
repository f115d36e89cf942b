"""The client's address, as seen through a configured number of trusted proxies.

Behind a reverse proxy REMOTE_ADDR is the proxy's address; the client's is the
one the proxy appended to X-Forwarded-For. Only the right-most TRUSTED_PROXIES
entries were written by proxies we run: anything left of them came from the
client and may be forged, so it never counts. With no trusted proxy the header
is ignored altogether. The API's throttles and django-axes's lock-outs both
call client_address, so they count the same address.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The address that throttles and lock-outs count for this request."""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if not proxies or not forwarded.strip():
        return remote
    hops = [hop.strip() for hop in forwarded.split(",")]
    # The first proxy appended the client; each later one the proxy before it.
    candidate = hops[-min(proxies, len(hops))]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        # Not an address: a misconfigured proxy chain; count the peer instead.
        return remote
