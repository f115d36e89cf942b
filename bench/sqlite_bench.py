"""SQLite as the default database: concurrent writers, and a long article's read.

    .venv/bin/python bench/sqlite_bench.py                  # the sizes below
    ... bench/sqlite_bench.py --threads 8 --writes 40 --long-chars 300000 \
        --detail-chars 1000000 --json

Runs on a fresh file-backed SQLite database in a temporary folder, with the
settings' own SQLite options (WAL, IMMEDIATE transactions, busy timeout),
migrated by the bench; nothing else is touched.

Part one, writers: ``--threads`` threads, each as its own editor on its own
claim, write in turn through the services (set_verdict, add_comment) and the
API (PATCH the claim with If-Match, POST a comment), at least ``--writes``
times each and until the long import is over, while one more thread imports
a ``--long-chars`` article through the API (segmented and analysed in that
request). Every write is counted as applied, stale (a 412, not expected: each
thread knows its claim's version) or an error: any exception, such as
"database is locked", any other answer.

Part two, the read: a ``--detail-chars`` article is imported and
``GET /api/v1/articles/<id>/`` (the text with its claim counts) timed, while a
watcher thread records the largest temporary file SQLite has open (it puts
them in SQLITE_TMPDIR, set here to a folder of the bench's own).
"""

from __future__ import annotations

import argparse
import atexit
import json
import os
import shutil
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    WORK = Path(tempfile.mkdtemp(prefix="sqlite-bench-"))
    atexit.register(shutil.rmtree, WORK, ignore_errors=True)
    (WORK / "tmp").mkdir()
    os.environ["SQLITE_TMPDIR"] = str(WORK / "tmp")
    os.environ["DATABASE_URL"] = f"sqlite:///{WORK / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
    # DEBUG makes Django record every query, which is not what we measure.
    os.environ["DEBUG"] = "0"
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ.setdefault("SECRET_KEY", "bench-only")

    import django

    django.setup()

from concurrency_bench import article_text, editors
from django.core.management import call_command
from django.db import connection, connections
from django.test import Client

from annotations import services, tokens
from annotations.models import Claim, Verdict

API = "/api/v1"
APPLIED, STALE, ERROR = "applied", "stale", "error"
TIME_LIMIT = 300  # seconds for the writers, whatever happens


@dataclass
class Result:
    """What the writers were told, and what the long read cost."""

    outcomes: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    writes_seconds: float = 0.0
    long_import_status: int = 0
    long_import_seconds: float = 0.0
    detail_chars: int = 0
    detail_claims: int = 0
    detail_status: int = 0
    detail_seconds: float = 0.0
    largest_temp_file_bytes: int = 0


def api_client(user) -> Client:
    """A test client that authenticates as ``user`` with a token."""
    _, key = tokens.create_token(user=user)  # replaces any earlier key of theirs
    return Client(HTTP_AUTHORIZATION=f"Token {key}")


def write(n: int, client: Client, claim: Claim, user, version: int) -> tuple[str, int]:
    """The ``n``-th write of a thread; its outcome and the claim's version after."""
    verdict = (Verdict.VERIFIED, Verdict.DISPUTED)[n % 2]
    match n % 4:
        case 0:
            try:
                changed = services.set_verdict(
                    claim=claim,
                    verdict=verdict,
                    rationale=f"Write {n}.",
                    editor=user,
                    expected_version=version,
                )
            except services.StaleVersion as stale:
                return STALE, stale.current.version
            return APPLIED, changed.version
        case 1:
            services.add_comment(claim=claim, author=user, text=f"Comment {n}.")
            return APPLIED, version
        case 2:
            response = client.patch(
                f"{API}/claims/{claim.pk}/",
                {"rationale": f"Write {n} through the API."},
                content_type="application/json",
                headers={"If-Match": f'"{version}"'},
            )
            if response.status_code == 200:
                return APPLIED, response.json()["version"]
            if response.status_code == 412:
                return STALE, response.json()["version"]
        case _:
            response = client.post(
                f"{API}/claims/{claim.pk}/comments/",
                {"text": f"Comment {n} through the API."},
                content_type="application/json",
            )
            if response.status_code == 201:
                return APPLIED, version
    raise AssertionError(f"HTTP {response.status_code}: {response.content[:200]!r}")


def run_writers(result: Result, *, threads: int, writes: int, long_chars: int) -> None:
    """Part one (see the module docstring)."""
    users = editors(threads + 1)
    article = services.import_article(
        text=article_text(threads, seed=1), title="Writers", imported_by=users[0]
    )
    claims = list(Claim.objects.filter(article=article).order_by("position"))
    clients = [api_client(user) for user in users]
    importing = threading.Event()
    importing.set()
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()
    started = time.perf_counter()

    def writer(index: int) -> None:
        claim, user, version = claims[index], users[index], claims[index].version
        n = 0
        try:
            while (n < writes or importing.is_set()) and (
                time.perf_counter() - started < TIME_LIMIT
            ):
                try:
                    outcome, version = write(n, clients[index], claim, user, version)
                except Exception as error:  # each one is counted
                    outcome = ERROR
                    with lock:
                        result.errors.append(f"{type(error).__name__}: {error}"[:300])
                with lock:
                    outcomes[outcome] += 1
                n += 1
        finally:
            connection.close()

    def long_import() -> None:
        begun = time.perf_counter()
        try:
            response = clients[threads].post(
                f"{API}/articles/",
                {"title": "Long", "text": article_text(long_chars // 40, seed=2)},
                content_type="application/json",
            )
            result.long_import_status = response.status_code
        except Exception as error:  # counted like the writers'
            result.errors.append(f"long import: {type(error).__name__}: {error}")
        finally:
            result.long_import_seconds = round(time.perf_counter() - begun, 2)
            importing.clear()
            connection.close()

    workers = [threading.Thread(target=long_import)] + [
        threading.Thread(target=writer, args=(index,)) for index in range(threads)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    result.outcomes = dict(outcomes)
    result.writes_seconds = round(time.perf_counter() - started, 2)


def largest_temp_file(folder: str, stop: threading.Event) -> list[int]:
    """Watch this process's open files in ``folder``; the largest size seen.

    SQLite deletes its temporary files as it opens them, so only the open
    descriptors show them."""
    largest = [0]

    def watch() -> None:
        while not stop.is_set():
            for fd in os.listdir("/proc/self/fd"):
                try:
                    if os.readlink(f"/proc/self/fd/{fd}").startswith(folder):
                        size = os.fstat(int(fd)).st_size
                        largest[0] = max(largest[0], size)
                except OSError:
                    continue
            time.sleep(0.005)

    threading.Thread(target=watch, daemon=True).start()
    return largest


def run_detail(result: Result, *, chars: int) -> None:
    """Part two (see the module docstring)."""
    user = editors(1)[0]
    # Each of article_text's lines is under 40 characters: at least ``chars``.
    text = article_text(chars // 30, seed=3)[:chars]
    article = services.import_article(
        text=text, title="Long read", imported_by=user, analyse=False
    )
    result.detail_chars = len(article.text)
    result.detail_claims = Claim.objects.filter(article=article).count()
    client = api_client(user)
    stop = threading.Event()
    largest = largest_temp_file(os.environ["SQLITE_TMPDIR"], stop)
    begun = time.perf_counter()
    response = client.get(f"{API}/articles/{article.pk}/")
    result.detail_seconds = round(time.perf_counter() - begun, 3)
    stop.set()
    result.detail_status = response.status_code
    result.largest_temp_file_bytes = largest[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--writes", type=int, default=40, help="at least, per thread")
    parser.add_argument("--long-chars", type=int, default=300_000)
    parser.add_argument("--detail-chars", type=int, default=1_000_000)
    parser.add_argument("--json", action="store_true", help="print JSON only")
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="small sizes (4 writers, 30,000 and 100,000 characters), for CI",
    )
    options = parser.parse_args()
    if options.smoke:
        options.threads, options.writes = 4, 5
        options.long_chars, options.detail_chars = 30_000, 100_000
    call_command("migrate", verbosity=0)
    result = Result()
    run_writers(
        result,
        threads=options.threads,
        writes=options.writes,
        long_chars=options.long_chars,
    )
    run_detail(result, chars=options.detail_chars)
    connections.close_all()
    if options.json:
        print(json.dumps(asdict(result)))
        return
    print(f"SQLite {connection.Database.sqlite_version}, file-backed, WAL")
    print(
        f"{options.threads} writers + one {options.long_chars:,}-character API "
        f"import: {result.outcomes} in {result.writes_seconds} s; import "
        f"HTTP {result.long_import_status} in {result.long_import_seconds} s"
    )
    for error in result.errors[:5]:
        print(f"  error: {error}")
    print(
        f"GET /api/v1/articles/<id>/ of {result.detail_chars:,} characters "
        f"({result.detail_claims:,} claims): HTTP {result.detail_status} in "
        f"{result.detail_seconds} s; largest SQLite temporary file "
        f"{result.largest_temp_file_bytes:,} bytes"
    )
    if result.errors or result.long_import_status != 201 or result.detail_status != 200:
        sys.exit("sqlite_bench: FAILED (errors, or an import or read not answered)")


if __name__ == "__main__":
    main()
