"""Serving the project for the benches: gunicorn on a free loopback port."""

from __future__ import annotations

import socket
import subprocess
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOOPBACK = "127.0.0.1"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LOOPBACK, 0))
        return probe.getsockname()[1]


def start_gunicorn(port: int, env: dict[str, str], output, workers: int):
    """gunicorn with ``workers`` sync workers, its output to ``output``."""
    return subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "factcheck.wsgi",
            "--workers",
            str(workers),
            "--bind",
            f"{LOOPBACK}:{port}",
        ],
        cwd=ROOT,
        env=env,
        stdout=output,
        stderr=subprocess.STDOUT,
        # Our own session: Ctrl-C reaches only the bench, whose finally block
        # stops gunicorn in order.
        start_new_session=True,
    )


def stop_gunicorn(server: subprocess.Popen) -> None:
    if server.poll() is not None:
        return
    server.terminate()
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=5)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def worker_rss_mb(server: subprocess.Popen) -> list[float]:
    """Resident memory (MB) of each of gunicorn's worker processes (Linux /proc)."""
    sizes = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(
                line.split(":", 1) for line in status.read_text().splitlines()
            )
        except (OSError, ValueError):
            continue  # the process ended while we looked
        if fields.get("PPid", "").strip() == str(server.pid) and "VmRSS" in fields:
            sizes.append(int(fields["VmRSS"].split()[0]) / 1024)
    return sorted(sizes)


def recreate_database(connect: Callable, name: str, *, create: bool) -> None:
    """Drop the database ``name`` if it exists, and create it again if asked.

    ``connect`` opens a connection to the server's ``postgres`` database.
    """
    admin = connect()
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            # Only the benches' own constant names are formatted into the SQL.
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            if create:
                cursor.execute(f'CREATE DATABASE "{name}"')
    finally:
        admin.close()
