"""Fetching links: answers, redirects, size and time limits, and SSRF refusals."""

import socket
from datetime import UTC, datetime

import pytest

from annotations.fetching import FetchError, checked_url, fetch, is_public_address

from .webserver import LocalServer

LOCAL = ("127.0.0.1",)


@pytest.fixture
def server():
    server = LocalServer().start()
    yield server
    server.stop()


def get(url: str, **options):
    options.setdefault("max_bytes", 10_000)
    options.setdefault("timeout", 2)
    options.setdefault("allowed_hosts", LOCAL)
    return fetch(url, **options)


def test_fetch_returns_status_final_url_type_body_and_time(server):
    url = server.route(
        "/page", body=b"<p>hi</p>", headers={"Content-Type": "text/html; charset=UTF-8"}
    )
    before = datetime.now(UTC)

    result = get(url)

    assert result.status == 200
    assert result.final_url == url
    assert result.content_type == "text/html"
    assert result.charset == "utf-8"
    assert result.body == b"<p>hi</p>"
    assert before <= result.fetched_at <= datetime.now(UTC)
    assert server.requests[0].headers["Accept-Encoding"] == "identity"


def test_fetch_returns_a_404_as_an_answer(server):
    result = get(server.url("/missing"))

    assert result.status == 404
    assert result.body == b"not found"


def test_fetch_follows_redirects_and_reports_the_final_url(server):
    server.route("/a", status=301, headers={"Location": "/b"})
    server.route("/b", status=302, headers={"Location": server.url("/c")})
    final = server.route("/c", body=b"here")

    result = get(server.url("/a"))

    assert (result.status, result.body, result.final_url) == (200, b"here", final)
    assert result.redirects == (server.url("/a"), server.url("/b"))


def test_fetch_stops_after_five_redirects(server):
    for hop in range(7):
        server.route(f"/{hop}", status=302, headers={"Location": f"/{hop + 1}"})
    server.route("/7", body=b"too far")

    with pytest.raises(FetchError) as refused:
        get(server.url("/0"))

    assert refused.value.code == "too_many_redirects"
    assert len(server.requests) == 6


def test_fetch_allows_exactly_five_redirects(server):
    for hop in range(5):
        server.route(f"/{hop}", status=307, headers={"Location": f"/{hop + 1}"})
    server.route("/5", body=b"arrived")

    assert get(server.url("/0")).body == b"arrived"


def test_fetch_refuses_a_redirect_without_location(server):
    url = server.route("/nowhere", status=302)

    with pytest.raises(FetchError, match="without saying where"):
        get(url)


def test_fetch_times_out_on_a_slow_server(server):
    url = server.route("/slow", body=b"late", delay=1.5)

    with pytest.raises(FetchError) as refused:
        get(url, timeout=0.3)

    assert refused.value.code == "timeout"
    assert "0.3 seconds" in refused.value.message


def test_fetch_refuses_a_declared_oversized_body(server):
    url = server.route("/big", body=b"x" * 20_001)

    with pytest.raises(FetchError) as refused:
        get(url, max_bytes=20_000)

    assert refused.value.code == "too_large"
    assert "20000 bytes" in refused.value.message


def test_fetch_refuses_an_undeclared_oversized_body_while_reading(server):
    url = server.route("/stream", body=b"y" * 50_000, chunked=True)

    with pytest.raises(FetchError) as refused:
        get(url, max_bytes=20_000)

    assert refused.value.code == "too_large"


def test_fetch_accepts_a_body_exactly_at_the_cap(server):
    url = server.route("/exact", body=b"z" * 20_000, chunked=True)

    assert len(get(url, max_bytes=20_000).body) == 20_000


def test_fetch_truncates_when_asked(server):
    url = server.route("/big", body=b"x" * 30_000)

    result = get(url, max_bytes=20_000, truncate=True)

    assert (len(result.body), result.truncated) == (20_000, True)


@pytest.mark.parametrize(
    "target",
    [
        "http://localhost:{port}/private",
        "http://10.0.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:{port}/",
        "http://0.0.0.0:{port}/",
    ],
)
def test_fetch_refuses_a_redirect_to_a_private_address(server, target, monkeypatch):
    connected: list[object] = []
    real_connect = socket.create_connection
    monkeypatch.setattr(
        socket,
        "create_connection",
        lambda address, *args: (
            connected.append(address) or real_connect(address, *args)
        ),
    )
    server.route(
        "/go", status=302, headers={"Location": target.format(port=server.port)}
    )

    with pytest.raises(FetchError) as refused:
        get(server.url("/go"))

    assert refused.value.code == "forbidden_address"
    assert "only public web addresses" in refused.value.message
    assert connected == [("127.0.0.1", server.port)]


def test_fetch_refuses_loopback_unless_the_host_is_allowed(server):
    url = server.route("/page", body=b"ok")

    with pytest.raises(FetchError) as refused:
        get(url, allowed_hosts=())

    assert refused.value.code == "forbidden_address"
    assert server.requests == []


def test_fetch_refuses_a_host_with_any_private_address():
    def resolver(host, port):
        return ["93.184.216.34", "127.0.0.1"]

    with pytest.raises(FetchError, match=r"127\.0\.0\.1"):
        get("http://mixed.example/", allowed_hosts=(), resolver=resolver)


def test_fetch_connects_to_the_checked_address_not_a_second_lookup(server, monkeypatch):
    """DNS rebinding: the name is resolved once and that address is used."""
    lookups: list[str] = []

    def resolver(host, port):
        lookups.append(host)
        return ["127.0.0.1"]

    real_getaddrinfo = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        assert host != "rebind.example", "the host name was resolved again"
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    server.route("/", body=b"pinned")

    result = get(
        f"http://rebind.example:{server.port}/",
        allowed_hosts=("rebind.example",),
        resolver=resolver,
    )

    assert result.body == b"pinned"
    assert lookups == ["rebind.example"]
    assert server.requests[0].headers["Host"] == f"rebind.example:{server.port}"


def test_fetch_posts_data_and_a_303_becomes_a_get(server):
    server.route("/hook", status=303, headers={"Location": "/done"})
    server.route("/done", body=b"thanks")

    result = get(
        server.url("/hook"),
        method="POST",
        data=b'{"a": 1}',
        headers={"Content-Type": "application/json"},
    )

    assert result.body == b"thanks"
    assert [(seen.method, seen.body) for seen in server.requests] == [
        ("POST", b'{"a": 1}'),
        ("GET", b""),
    ]


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("file:///etc/passwd", "scheme"),
        ("ftp://example.org/a", "scheme"),
        ("javascript:alert(1)", "scheme"),
        ("http://user:secret@example.org/", "credentials"),
        ("http://example.org:99999/", "bad_url"),
        ("http:///nohost", "bad_url"),
        ("http://exa mple.org/", "bad_url"),
        ("", "bad_url"),
    ],
)
def test_checked_url_refuses_what_cannot_be_fetched(url, code):
    with pytest.raises(FetchError) as refused:
        checked_url(url)

    assert refused.value.code == code


def test_checked_url_escapes_non_ascii_paths_and_hosts():
    assert (
        checked_url("https://例子.测试/新闻?q=价格#top")
        == "https://xn--fsqu00a.xn--0zwm56d/%E6%96%B0%E9%97%BB?q=%E4%BB%B7%E6%A0%BC"
    )


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",  # noqa: S104
        "224.0.0.1",
        "239.255.255.250",
        "255.255.255.255",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "2002:7f00:1::",
    ],
)
def test_non_public_addresses_are_refused(address):
    assert not is_public_address(address)


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700::1111"])
def test_public_addresses_are_accepted(address):
    assert is_public_address(address)
