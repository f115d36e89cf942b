"""A real HTTP server on 127.0.0.1 for tests that fetch links.

Each path answers what the test set with ``route``; requests are recorded.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    # Seconds to wait before answering (timeouts).
    delay: float = 0.0
    # Send the body without Content-Length, in pieces (size caps while streaming).
    chunked: bool = False


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


class LocalServer:
    """A threaded HTTP server answering configured routes; 404 elsewhere."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[Seen] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                server.requests.append(
                    Seen(self.command, self.path, dict(self.headers), body)
                )
                route = server.routes.get(self.path) or Route(404, b"not found")
                if route.delay:
                    time.sleep(route.delay)
                try:
                    self.send_response(route.status)
                    for name, value in route.headers.items():
                        self.send_header(name, value)
                    if route.chunked:
                        self.send_header("Connection", "close")
                        self.end_headers()
                        for start in range(0, len(route.body), 4096):
                            self.wfile.write(route.body[start : start + 4096])
                    else:
                        self.send_header("Content-Length", str(len(route.body)))
                        self.end_headers()
                        self.wfile.write(route.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # The client stopped reading (size cap, timeout).
                self.close_connection = True

            do_GET = do_POST = do_HEAD = _answer

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        # A short poll interval makes stop() (every test's teardown) quick.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}
        )
        self._thread.daemon = True

    def url(self, path: str) -> str:
        """The full URL of ``path`` on this server."""
        return f"http://127.0.0.1:{self.port}{path}"

    def route(self, path: str, **answer: object) -> str:
        """Answer ``path`` with ``answer`` (Route fields); return its URL."""
        self.routes[path] = Route(**answer)  # type: ignore[arg-type]
        return self.url(path)

    def start(self) -> LocalServer:
        """Start serving in a background thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self._server.shutdown()
        self._server.server_close()
