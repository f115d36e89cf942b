"""Fetch a URL from the outside world without letting it reach inside.

Pure Python (standard library only, no Django models): used for importing an
article from a link, archiving sources, and delivering webhooks.

Server-side request forgery is refused: the host is resolved once, every
address it resolves to must be public (not loopback, private, link-local,
multicast, reserved or unspecified), and the connection is made to that
checked address, so a DNS answer that changes between the check and the
connection (DNS rebinding) cannot swap it. Every redirect is checked the same
way. Hosts listed in ``allowed_hosts`` skip the address check (tests use it
for a server on 127.0.0.1); a redirect from them to any other host does not.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from urllib.parse import SplitResult, quote, urljoin, urlsplit, urlunsplit

from django.utils.translation import gettext_lazy as _

MAX_REDIRECTS = 5
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
USER_AGENT = "factcheck/1.0 (+archiving sources for fact-checks)"
CHUNK_BYTES = 64 * 1024

BAD_URL = _("'{url}' is not a valid web address.")
BAD_SCHEME = _("Only http:// and https:// addresses can be fetched, not '{scheme}'.")
CREDENTIALS = _("Addresses with a user name or password in them are not fetched.")
UNKNOWN_HOST = _("The host '{host}' could not be found.")
FORBIDDEN_ADDRESS = _(
    "The host '{host}' is a private, local or reserved address ({address}); "
    "only public web addresses are fetched."
)
CONNECT_FAILED = _("Could not connect to '{host}': {reason}.")
TIMED_OUT = _("'{host}' did not answer within {seconds} seconds.")
TOO_LARGE = _("The answer from '{host}' is over {limit} bytes, the largest accepted.")
TOO_MANY_REDIRECTS = _("'{url}' redirected more than {count} times.")
BAD_REDIRECT = _("'{url}' redirected without saying where to.")
PROTOCOL_ERROR = _("'{host}' sent an answer that is not valid HTTP: {reason}.")
TLS_FAILED = _("The secure connection to '{host}' failed: {reason}.")

Resolver = Callable[[str, int], list[str]]


class FetchError(Exception):
    """A fetch that was refused or failed; the message says why, for people."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class FetchResult:
    """What a server answered: status, where, when, headers and body."""

    url: str
    final_url: str
    status: int
    headers: Mapping[str, str]
    body: bytes
    fetched_at: datetime
    # The body stopped at max_bytes (only when truncation was asked for).
    truncated: bool = False
    redirects: tuple[str, ...] = field(default_factory=tuple)

    @property
    def content_type(self) -> str:
        """The media type without parameters, lower case ("text/html")."""
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def charset(self) -> str | None:
        """The charset parameter of Content-Type, if any."""
        for param in self.headers.get("content-type", "").split(";")[1:]:
            name, _sep, value = param.partition("=")
            if name.strip().lower() == "charset" and value.strip():
                return value.strip().strip("\"'").lower()
        return None


def fetch(
    url: str,
    *,
    max_bytes: int,
    timeout: float,
    allowed_hosts: Collection[str] = (),
    method: str = "GET",
    data: bytes | None = None,
    headers: Mapping[str, str] | None = None,
    max_redirects: int = MAX_REDIRECTS,
    truncate: bool = False,
    resolver: Resolver | None = None,
) -> FetchResult:
    """Fetch ``url``, following up to ``max_redirects`` checked redirects.

    ``timeout`` bounds each connection and read, and the whole fetch. Any
    status is returned (a 404 is an answer); refusals and failures raise
    FetchError. A body over ``max_bytes`` raises, or with ``truncate`` is cut.
    """
    deadline = time.monotonic() + timeout
    allowed = {host.strip().lower() for host in allowed_hosts if host.strip()}
    resolve = resolver or resolve_host
    current = checked_url(url)
    redirects: list[str] = []
    while True:
        result = _fetch_once(
            current,
            max_bytes=max_bytes,
            deadline=deadline,
            timeout=timeout,
            allowed=allowed,
            method=method,
            data=data,
            headers=headers or {},
            truncate=truncate,
            resolve=resolve,
        )
        if result.status not in REDIRECT_STATUSES:
            return replace(result, url=url, redirects=tuple(redirects))
        location = result.headers.get("location", "").strip()
        if not location:
            raise FetchError(BAD_REDIRECT.format(url=current), code="bad_redirect")
        if len(redirects) >= max_redirects:
            raise FetchError(
                TOO_MANY_REDIRECTS.format(url=url, count=max_redirects),
                code="too_many_redirects",
            )
        redirects.append(current)
        current = checked_url(urljoin(current, location))
        # As browsers do: a 303, or a 301/302 after a POST, becomes a GET.
        if result.status == 303 or (result.status in (301, 302) and method != "GET"):
            method, data = "GET", None


def checked_url(url: str) -> str:
    """Refuse what is not an http(s) URL with a host; return it ASCII-safe."""
    url = url.strip()
    if not url or any(ord(ch) < 33 or ord(ch) == 127 for ch in url):
        raise FetchError(BAD_URL.format(url=url[:200]), code="bad_url")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise FetchError(BAD_URL.format(url=url[:200]), code="bad_url") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise FetchError(BAD_SCHEME.format(scheme=scheme[:20]), code="scheme")
    if parts.username is not None or parts.password is not None:
        raise FetchError(CREDENTIALS, code="credentials")
    host = parts.hostname
    if not host:
        raise FetchError(BAD_URL.format(url=url[:200]), code="bad_url")
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        raise FetchError(BAD_URL.format(url=url[:200]), code="bad_url") from None
    netloc = f"[{ascii_host}]" if ":" in ascii_host else ascii_host
    if port is not None:
        netloc = f"{netloc}:{port}"
    # Keep existing %-escapes; escape any other non-ASCII character.
    path = quote(parts.path or "/", safe="/%:@!$&'()*+,;=-._~")
    query = quote(parts.query, safe="/%:@!$&'()*+,;=-._~?")
    return urlunsplit((scheme, netloc, path, query, ""))


def resolve_host(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to, in the resolver's order."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise FetchError(UNKNOWN_HOST.format(host=host), code="unknown_host") from None
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def is_public_address(address: str) -> bool:
    """True for an address that is neither local, private, reserved nor multicast."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address):
        # ::ffff:127.0.0.1 reaches 127.0.0.1; 6to4 and Teredo embed IPv4 too.
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo or (None, None))[1]
        if embedded is not None and not is_public_address(str(embedded)):
            return False
    return ip.is_global and not (
        ip.is_multicast or ip.is_reserved or ip.is_unspecified or ip.is_link_local
    )


def _checked_addresses(
    host: str, port: int, *, allowed: set[str], resolve: Resolver
) -> list[str]:
    addresses = resolve(host, port)
    if not addresses:
        raise FetchError(UNKNOWN_HOST.format(host=host), code="unknown_host")
    if host.lower() in allowed:
        return addresses
    for address in addresses:
        # One bad address refuses the host: the resolver picks which is used.
        if not is_public_address(address):
            raise FetchError(
                FORBIDDEN_ADDRESS.format(host=host, address=address),
                code="forbidden_address",
            )
    return addresses


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to checked addresses while sending the URL's Host header."""

    def __init__(self, host: str, port: int, addresses: list[str], timeout: float):
        super().__init__(host, port, timeout=timeout)
        self._addresses = addresses

    def _open_socket(self) -> socket.socket:
        error: OSError | None = None
        for address in self._addresses:
            try:
                return socket.create_connection((address, self.port), self.timeout)
            except OSError as exc:
                error = exc
        raise error or OSError("no address")

    def connect(self) -> None:
        self.sock = self._open_socket()


class _PinnedHTTPSConnection(_PinnedHTTPConnection):
    # So the Host header leaves out the port when it is https' own.
    default_port = 443

    def __init__(self, host: str, port: int, addresses: list[str], timeout: float):
        super().__init__(host, port, addresses, timeout)
        self._context = ssl.create_default_context()

    def connect(self) -> None:
        # The certificate is checked against the URL's host name, not the IP.
        self.sock = self._context.wrap_socket(
            self._open_socket(), server_hostname=self.host
        )


def _fetch_once(
    url: str,
    *,
    max_bytes: int,
    deadline: float,
    timeout: float,
    allowed: set[str],
    method: str,
    data: bytes | None,
    headers: Mapping[str, str],
    truncate: bool,
    resolve: Resolver,
) -> FetchResult:
    """One request to ``url``'s checked addresses; a redirect is returned."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    connection = _pinned_connection(
        parts, deadline=deadline, timeout=timeout, allowed=allowed, resolve=resolve
    )
    target = urlunsplit(("", "", parts.path or "/", parts.query, ""))
    try:
        connection.request(
            method, target, body=data, headers={**_REQUEST_HEADERS, **headers}
        )
        # getresponse() hands the socket to the response when it will close.
        sock = connection.sock
        response = connection.getresponse()
        fetched_at = datetime.now(UTC)
        response_headers = _header_map(response)
        if response.status in REDIRECT_STATUSES:
            body, truncated = b"", False
        else:
            body, truncated = _read_capped(
                response,
                response_headers,
                sock=sock,
                max_bytes=max_bytes,
                deadline=deadline,
                timeout=timeout,
                host=host,
                truncate=truncate,
            )
    except (OSError, http.client.HTTPException) as exc:
        raise _failure(exc, host=host, timeout=timeout) from None
    finally:
        connection.close()
    return FetchResult(
        url=url,
        final_url=url,
        status=response.status,
        headers=response_headers,
        body=body,
        fetched_at=fetched_at,
        truncated=truncated,
    )


_REQUEST_HEADERS = {
    "User-Agent": USER_AGENT,
    "Accept": "text/html,application/xhtml+xml,*/*;q=0.8",
    # No compression: the size cap then bounds what we hold in memory.
    "Accept-Encoding": "identity",
}


def _pinned_connection(
    parts: SplitResult,
    *,
    deadline: float,
    timeout: float,
    allowed: set[str],
    resolve: Resolver,
) -> _PinnedHTTPConnection:
    """A connection to the URL's host, held to the addresses checked for it."""
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    addresses = _checked_addresses(host, port, allowed=allowed, resolve=resolve)
    remaining = _remaining(deadline, host, timeout)
    connection_class = (
        _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
    )
    return connection_class(host, port, addresses, remaining)


def _failure(
    exc: OSError | http.client.HTTPException, *, host: str, timeout: float
) -> FetchError:
    """What went wrong talking to ``host``, said for people."""
    # TimeoutError and ssl.SSLError are OSErrors too: they are tested first.
    if isinstance(exc, TimeoutError):
        return _timed_out(host, timeout)
    if isinstance(exc, ssl.SSLError):
        return FetchError(
            TLS_FAILED.format(host=host, reason=exc.reason or exc), code="tls"
        )
    if isinstance(exc, http.client.HTTPException):
        return FetchError(
            PROTOCOL_ERROR.format(host=host, reason=type(exc).__name__),
            code="protocol",
        )
    return FetchError(
        CONNECT_FAILED.format(host=host, reason=exc.strerror or exc), code="connect"
    )


def _header_map(response: http.client.HTTPResponse) -> dict[str, str]:
    headers: dict[str, str] = {}
    for name, value in response.getheaders():
        key = name.lower()
        headers[key] = f"{headers[key]}, {value}" if key in headers else value
    return headers


def _read_capped(
    response: http.client.HTTPResponse,
    headers: Mapping[str, str],
    *,
    sock: socket.socket,
    max_bytes: int,
    deadline: float,
    timeout: float,
    host: str,
    truncate: bool,
) -> tuple[bytes, bool]:
    too_large = FetchError(
        TOO_LARGE.format(host=host, limit=max_bytes), code="too_large"
    )
    declared = headers.get("content-length", "").strip()
    if declared.isdigit() and int(declared) > max_bytes and not truncate:
        raise too_large
    chunks: list[bytes] = []
    size = 0
    while True:
        # Each read waits at most what is left of the whole fetch, so a
        # server trickling bytes cannot hold it open.
        sock.settimeout(_remaining(deadline, host, timeout))
        chunk = response.read1(CHUNK_BYTES)
        if not chunk:
            return b"".join(chunks), False
        size += len(chunk)
        if size > max_bytes:
            if not truncate:
                raise too_large
            chunks.append(chunk[: len(chunk) - (size - max_bytes)])
            return b"".join(chunks), True
        chunks.append(chunk)


def _remaining(deadline: float, host: str, timeout: float) -> float:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise _timed_out(host, timeout)
    return remaining


def _timed_out(host: str, timeout: float) -> FetchError:
    return FetchError(
        TIMED_OUT.format(host=host, seconds=f"{timeout:g}"), code="timeout"
    )
