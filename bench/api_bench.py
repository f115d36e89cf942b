"""API write latency: 4 clients PATCHing verdicts through gunicorn on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/factcheck \
        .venv/bin/python bench/api_bench.py [--seconds 30] [--smoke]

DATABASE_URL names the PostgreSQL server (on a loopback address or a local
socket); the bench creates its own database there (``factcheck_apibench`` by
default), migrates it, creates a user with the editor role and
an API token, and imports one article of about 2,000 claims. It then serves
the project with gunicorn (4 workers, 127.0.0.1, a free port) and runs 4
client threads (``--clients``), each on its own 50 claims: GET a claim once
for its ETag, then PATCH its verdict with If-Match, carrying the returned ETag
into the next PATCH of that claim. After ``--seconds`` the threads each walk
the article's claims by its cursor (``--pages`` pages of 100). It prints
requests/s, latency percentiles and errors per request type, then checks in
the database that every claim's version is 1 + the PATCHes acknowledged on it
(no lost or phantom writes), and that its verdict is the last one
acknowledged. Any error or failed check
makes it exit 1. ``--smoke`` is a 3-second run on 200 claims. gunicorn is
always stopped and the bench database dropped, also on errors and Ctrl-C.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
# DEBUG makes Django record and format every query, which is not what we measure.
os.environ["DEBUG"] = "0"
# Benches make sources with made-up addresses: archive none of them.
os.environ["FETCH_ENABLED"] = "0"
os.environ.setdefault("SECRET_KEY", "bench-only")

import django

django.setup()
# WhiteNoise looks for collected static files, which the bench does not need.
warnings.filterwarnings("ignore", "No directory at", UserWarning)

import psycopg2
from django.db import connection
from django.test.utils import CaptureQueriesContext
from people import user_with_role
from rest_framework.test import APIClient
from selfcheck import Checks
from serving import (
    free_port,
    percentile,
    recreate_database,
    start_gunicorn,
    stop_gunicorn,
    worker_rss_mb,
)

from annotations import ratings, roles, services
from annotations.models import Claim, Verdict

CLIENTS = 4
WORKERS = 4
LOOPBACK = "127.0.0.1"
LOCAL_DB_HOSTS = {"", "localhost", "127.0.0.1", "::1"}
EDITOR = "bench-editor"
# Label Studio 1.23: median 268 ms to save one annotation with 4 clients (14.5/s).
LABEL_STUDIO_MEDIAN_MS = 268.0
# Issue 18: PATCH and a list page of 100 claims under 20 ms at the median.
TARGET_MEDIAN_MS = 20.0
# Statements (BEGIN and COMMIT included) per request, issue 18.
MAX_PATCH_STATEMENTS = 5
MAX_LIST_STATEMENTS = 4
# Resident memory of a web worker after mixed use, issue 18.
MAX_WORKER_MB = 120.0
REQUEST_TIMEOUT = 10.0
VERDICTS = [Verdict.VERIFIED, Verdict.DISPUTED, Verdict.MISSTATED]
RATIONALES = [
    "The filing confirms the figure.",
    "官方公告与报道一致，但日期有出入。",
    'The quoted "3.5 times" compares different chips.',
    "",
]


def article_text(claims: int, seed: int = 11) -> str:
    """``claims`` distinct sentences, mixed zh/en, in paragraphs of one to six."""
    rng = random.Random(seed)
    sentences = []
    for n in range(claims):
        if rng.random() < 0.6:
            sentences.append(
                f"研究团队在{rng.randint(1990, 2025)}年发布了第{n}版模型，"
                f"融资{rng.randint(1, 999)}万美元{rng.choice('。！？')}"
            )
        else:
            sentences.append(
                f"Dr. Zhu said revenue grew {rng.randint(1, 99)}.5% in "
                f"{rng.randint(1990, 2025)}, report {n}. "
            )
    paragraphs = []
    while sentences:
        count = rng.randint(1, 6)
        paragraphs.append("".join(sentences[:count]).strip())
        del sentences[:count]
    return "\n".join(paragraphs)


def server_connection():
    """A connection to the ``postgres`` database of the configured server."""
    config = connection.settings_dict
    return psycopg2.connect(
        dbname="postgres",
        user=config["USER"] or None,
        password=config["PASSWORD"] or None,
        host=config["HOST"] or None,
        port=config["PORT"] or None,
    )


def manage(*args: str, env: dict[str, str]) -> str:
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if result.returncode:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stderr}")
    return result.stdout


class Client:
    """One keep-alive connection (reopened when the server closes it)."""

    def __init__(self, port: int, token: str) -> None:
        self.http = http.client.HTTPConnection(LOOPBACK, port, timeout=REQUEST_TIMEOUT)
        self.headers = {
            "Authorization": f"Token {token}",
            "Accept": "application/json",
        }

    def request(
        self, method: str, path: str, body: dict | None = None, **headers: str
    ) -> tuple[int, dict[str, str], bytes]:
        sent = {**self.headers, **headers}
        data = None
        if body is not None:
            data = json.dumps(body, ensure_ascii=False).encode("utf-8")
            sent["Content-Type"] = "application/json; charset=utf-8"
        try:
            self.http.request(method, path, body=data, headers=sent)
            response = self.http.getresponse()
            content = response.read()
        except Exception:
            self.http.close()
            raise
        if response.will_close:
            self.http.close()
        return response.status, dict(response.getheaders()), content

    def close(self) -> None:
        self.http.close()


@dataclass
class Stats:
    """Latencies and outcomes per request type, from all threads."""

    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, Counter] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, kind: str, seconds: float, error: str | None) -> None:
        with self.lock:
            self.latencies.setdefault(kind, []).append(seconds)
            counter = self.errors.setdefault(kind, Counter())
            if error:
                counter[error] += 1


def timed(stats: Stats, kind: str, expected: int, call) -> tuple | None:
    """Run one request; record its latency and whether it failed."""
    started = time.perf_counter()
    try:
        status, headers, content = call()
    except Exception as error:  # a timeout or reset is an error to report
        stats.record(kind, time.perf_counter() - started, type(error).__name__)
        return None
    elapsed = time.perf_counter() - started
    stats.record(kind, elapsed, None if status == expected else f"HTTP {status}")
    return (status, headers, content) if status == expected else None


@dataclass
class Ledger:
    """What one thread saw acknowledged, per claim."""

    acked: Counter = field(default_factory=Counter)
    last_verdict: dict[int, str] = field(default_factory=dict)
    # PATCHes whose outcome is unknown (no response): excluded from the check.
    uncertain: Counter = field(default_factory=Counter)
    etag_mismatches: int = 0


def patch_loop(
    port: int,
    token: str,
    claims: list[int],
    stats: Stats,
    ledger: Ledger,
    deadline: float,
    stop: threading.Event,
    seed: int,
) -> None:
    """PATCH verdicts round-robin over this thread's own claims until deadline."""
    rng = random.Random(seed)
    client = Client(port, token)
    etags: dict[int, str] = {}
    try:
        turn = 0
        while time.monotonic() < deadline and not stop.is_set():
            claim = claims[turn % len(claims)]
            turn += 1
            path = f"/api/v1/claims/{claim}/"
            if claim not in etags:
                got = timed(
                    stats,
                    "GET claim",
                    200,
                    lambda path=path: client.request("GET", path),
                )
                if got is None:
                    continue
                etags[claim] = got[1]["ETag"]
            verdict = rng.choice(VERDICTS)
            body = {"verdict": verdict, "rationale": rng.choice(RATIONALES)}
            etag = etags.pop(claim)
            started = time.perf_counter()
            try:
                status, headers, _ = client.request(
                    "PATCH", path, body, **{"If-Match": etag}
                )
            except Exception as error:
                stats.record(
                    "PATCH claim", time.perf_counter() - started, type(error).__name__
                )
                ledger.uncertain[claim] += 1
                continue
            ok = status == 200
            stats.record(
                "PATCH claim",
                time.perf_counter() - started,
                None if ok else f"HTTP {status}",
            )
            if ok:
                ledger.acked[claim] += 1
                ledger.last_verdict[claim] = verdict
                new_etag = headers.get("ETag", "")
                if new_etag != f'"{int(etag.strip(chr(34))) + 1}"':
                    ledger.etag_mismatches += 1
                etags[claim] = new_etag
    finally:
        client.close()


def list_loop(
    port: int, token: str, article: int, pages: int, page_size: int, stats: Stats
) -> None:
    """Follow the claim list's cursor for ``pages`` pages."""
    client = Client(port, token)
    path = f"/api/v1/claims/?article={article}&page_size={page_size}"
    try:
        for _ in range(pages):
            got = timed(
                stats,
                "GET claims page",
                200,
                lambda path=path: client.request("GET", path),
            )
            if got is None:
                break
            following = json.loads(got[2])["next"]
            if not following:
                break
            parts = urlsplit(following)
            path = f"{parts.path}?{parts.query}"
    finally:
        client.close()


def statements(token: str, claim: int, article: int, page_size: int) -> dict:
    """The SQL statements of one PATCH and one list page, made in this process
    with the server's settings (a warm token, as a client's later requests)."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    extra = {"HTTP_HOST": LOOPBACK, "secure": True}
    path = f"/api/v1/claims/{claim}/"
    etag = client.get(path, **extra)["ETag"]
    # As in a server that has answered before: the rating scale is remembered
    # per process (annotations/ratings.py), read by the first verdict only.
    ratings.scale()
    seen = {}
    with CaptureQueriesContext(connection) as patch:
        response = client.patch(
            path,
            {"verdict": Verdict.DISPUTED, "rationale": "Counted."},
            format="json",
            HTTP_IF_MATCH=etag,
            **extra,
        )
    seen["PATCH claim"] = (response.status_code, patch.captured_queries)
    with CaptureQueriesContext(connection) as listing:
        response = client.get(
            f"/api/v1/claims/?article={article}&page_size={page_size}", **extra
        )
    seen["GET claims page"] = (response.status_code, listing.captured_queries)
    return seen


def cpu_per_request(
    token: str, claim: int, article: int, page_size: int, rounds: int = 40
) -> dict[str, float]:
    """Median CPU time (ms) this process spends in Django on a PATCH and on a
    list page: unlike latency, barely changed by other load on the machine."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    extra = {"HTTP_HOST": LOOPBACK, "secure": True}
    path = f"/api/v1/claims/{claim}/"
    etag = client.get(path, **extra)["ETag"]
    spent: dict[str, list[float]] = {"PATCH claim": [], "GET claims page": []}
    for n in range(rounds):
        started = time.thread_time()
        response = client.patch(
            path,
            {"verdict": VERDICTS[n % len(VERDICTS)], "rationale": RATIONALES[n % 4]},
            format="json",
            HTTP_IF_MATCH=etag,
            **extra,
        )
        spent["PATCH claim"].append(time.thread_time() - started)
        etag = response["ETag"]
        started = time.thread_time()
        client.get(f"/api/v1/claims/?article={article}&page_size={page_size}", **extra)
        spent["GET claims page"].append(time.thread_time() - started)
    return {kind: percentile(values, 0.5) * 1000 for kind, values in spent.items()}


def mixed_use(port: int, token: str, stats: Stats, seed: int) -> None:
    """Other requests a worker serves: imports, articles, exports, schema."""
    client = Client(port, token)
    text = article_text(300, seed=29 + seed)
    try:
        for n in range(3):
            timed(
                stats,
                "POST article",
                201,
                lambda n=n: client.request(
                    "POST",
                    "/api/v1/articles/",
                    {"title": f"Mixed use {seed}.{n}", "text": f"{seed}.{n} {text}"},
                ),
            )
        for path in (
            "/api/v1/articles/",
            "/api/v1/export/verdicts.json",
            "/api/v1/export/verdicts.csv",
            "/api/schema/",
        ):
            timed(
                stats, "GET other", 200, lambda path=path: client.request("GET", path)
            )
    finally:
        client.close()


def run_threads(targets: list) -> float:
    threads = [threading.Thread(target=t, daemon=True) for t in targets]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        # Bounded: every loop ends at its deadline plus one request's timeout.
        while thread.is_alive():
            thread.join(timeout=0.5)
    return time.perf_counter() - started


def wait_until_ready(port: int, token: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with code {server.returncode}")
        try:
            status, _, _ = Client(port, token).request(
                "GET", "/api/v1/claims/?page_size=1"
            )
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit("gunicorn did not answer within 60 s")


def report(stats: Stats, durations: dict[str, float]) -> None:
    print(
        f"{'request':>16} {'count':>7} {'errors':>7} {'req/s':>8} "
        f"{'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}"
    )
    for kind in ("GET claim", "PATCH claim", "GET claims page", "POST article"):
        values = stats.latencies.get(kind, [])
        if not values:
            continue
        errors = sum(stats.errors[kind].values())
        phase = durations[PHASES.get(kind, "patch")]
        print(
            f"{kind:>16} {len(values):>7} {errors:>7} {len(values) / phase:>8.1f} "
            f"{percentile(values, 0.50) * 1000:>8.1f} "
            f"{percentile(values, 0.95) * 1000:>8.1f} "
            f"{percentile(values, 0.99) * 1000:>8.1f} {max(values) * 1000:>8.1f}"
        )
    for kind, counter in stats.errors.items():
        for error, count in counter.most_common():
            print(f"  {kind} error: {error} x{count}")


PHASES = {"GET claims page": "list", "POST article": "mixed", "GET other": "mixed"}


def verify(article: int, ledgers: list[Ledger]) -> bool:
    """Every claim's version is 1 + its acknowledged PATCHes; verdicts match."""
    acked: Counter = Counter()
    uncertain: Counter = Counter()
    last: dict[int, str] = {}
    for ledger in ledgers:
        acked.update(ledger.acked)
        uncertain.update(ledger.uncertain)
        last.update(ledger.last_verdict)
    lost = phantom = wrong_verdict = unsure = 0
    rows = Claim.objects.filter(article_id=article).values_list(
        "id", "version", "verdict"
    )
    for claim, version, verdict in rows:
        expected = 1 + acked[claim]
        if uncertain[claim]:
            # A request with no response may or may not have been applied.
            if not expected <= version <= expected + uncertain[claim]:
                unsure += 1
            continue
        if version < expected:
            lost += 1
        elif version > expected:
            phantom += 1
        elif claim in last and verdict != last[claim]:
            wrong_verdict += 1
    total = sum(acked.values())
    mismatched_etags = sum(ledger.etag_mismatches for ledger in ledgers)
    ok = not (lost or phantom or wrong_verdict or unsure or mismatched_etags)
    print(
        f"\nverification: {total} acknowledged PATCHes on {len(acked)} claims "
        f"({sum(uncertain.values())} without a response); {len(rows)} claims "
        f"checked: {lost} lost writes, {phantom} phantom writes, "
        f"{wrong_verdict} wrong final verdicts, {unsure} out of range, "
        f"{mismatched_etags} unexpected ETags -> {'OK' if ok else 'FAILED'}"
    )
    return ok


def report_statements(seen: dict, checks: Checks) -> None:
    """Print and check the statements per PATCH and per list page."""
    limits = {
        "PATCH claim": MAX_PATCH_STATEMENTS,
        "GET claims page": MAX_LIST_STATEMENTS,
    }
    print()
    for kind, (code, queries) in seen.items():
        words = [query["sql"].split(None, 1)[0].upper() for query in queries]
        print(
            f"statements per {kind}: {len(queries)} ({', '.join(words)}); "
            f"limit {limits[kind]}"
        )
        checks.expect(code == 200, f"{kind} for the statement count: HTTP {code}")
        checks.expect(
            len(queries) <= limits[kind],
            f"{kind}: {len(queries)} statements, more than {limits[kind]}",
        )


def _terminated(signum, frame) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--clients", type=int, default=CLIENTS)
    parser.add_argument("--claims", type=int, default=2000, help="article size")
    parser.add_argument(
        "--claims-per-client",
        type=int,
        default=50,
        help="distinct claims each client cycles through (PATCHed many times)",
    )
    parser.add_argument(
        "--pages", type=int, default=20, help="list pages per client (20: all 2,000)"
    )
    parser.add_argument("--page-size", type=int, default=100)
    parser.add_argument("--database", default="factcheck_apibench")
    parser.add_argument(
        "--smoke", action="store_true", help="3 seconds on 200 claims, 2 pages"
    )
    args = parser.parse_args()
    if args.smoke:
        args.seconds, args.claims, args.pages = 3.0, 200, 2
    url = os.environ.get("DATABASE_URL", "")
    config = connection.settings_dict
    if connection.vendor != "postgresql":
        raise SystemExit("Set DATABASE_URL to a PostgreSQL server (postgres://...).")
    if (config["HOST"] or "") not in LOCAL_DB_HOSTS:
        raise SystemExit(
            f"Refusing a database server off this machine: {config['HOST']}"
        )
    name = args.database
    if not name.replace("_", "").isalnum() or name == config["NAME"]:
        raise SystemExit(f"Choose a plain bench database name, not '{name}'.")
    bench_url = urlsplit(url)._replace(path=f"/{name}").geturl()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "factcheck.settings",
        "DEBUG": "0",
        "SECRET_KEY": "bench",
        "ALLOWED_HOSTS": LOOPBACK,
        "DATABASE_URL": bench_url,
        "API_ANON_RATE": "1000000/second",
    }
    # Ctrl-C and kill/timeout both unwind through the finally block below
    # (a shell starting us in the background would otherwise ignore SIGINT).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _terminated)
    # From here on this process talks to the bench database too.
    connection.close()
    config["NAME"] = name
    servers: list[subprocess.Popen] = []
    stop = threading.Event()
    checks = Checks()
    with tempfile.TemporaryFile(mode="w+") as log:
        try:
            run(args, name, env, log, servers, stop, checks)
        except BaseException:
            log.seek(0)
            tail = log.read()[-3000:]
            if tail.strip():
                print(f"--- gunicorn log (tail) ---\n{tail}", file=sys.stderr)
            raise
        finally:
            stop.set()
            for server in servers:
                stop_gunicorn(server)
            connection.close()
            recreate_database(server_connection, name, create=False)
    checks.finish()


def run(
    args: argparse.Namespace,
    name: str,
    env: dict[str, str],
    log,
    servers: list[subprocess.Popen],
    stop: threading.Event,
    checks: Checks,
) -> None:
    """Set up the bench database, start gunicorn, load it, report and verify."""
    started = time.perf_counter()
    recreate_database(server_connection, name, create=True)
    manage("migrate", "--noinput", env=env)
    editor = user_with_role(EDITOR, roles.EDITOR)
    token = manage("create_api_token", EDITOR, env=env).strip()
    article = services.import_article(
        text=article_text(args.claims),
        title="API bench 接口基准",
        imported_by=editor,
    )
    claims = list(
        Claim.objects.filter(article=article)
        .order_by("position")
        .values_list("id", flat=True)
    )
    port = free_port()
    server = start_gunicorn(port, env, log, WORKERS)
    servers.append(server)
    wait_until_ready(port, token, server)
    # Each worker loads the app on its first request: warm them all up.
    warm = Stats()
    run_threads(
        [
            lambda: list_loop(port, token, article.pk, 3, 10, warm)
            for _ in range(WORKERS * 2)
        ]
    )
    print(
        f"database: postgresql ({name}); gunicorn: {WORKERS} sync workers on "
        f"{LOOPBACK}:{port}; {len(claims)} claims; {args.clients} clients; "
        f"setup {time.perf_counter() - started:.1f} s"
    )
    stats = Stats()
    ledgers = [Ledger() for _ in range(args.clients)]
    deadline = time.monotonic() + args.seconds
    durations = {
        "patch": run_threads(
            [
                lambda n=n: patch_loop(
                    port,
                    token,
                    claims[n :: args.clients][: args.claims_per_client],
                    stats,
                    ledgers[n],
                    deadline,
                    stop,
                    n,
                )
                for n in range(args.clients)
            ]
        )
    }
    durations["list"] = run_threads(
        [
            lambda: list_loop(
                port, token, article.pk, args.pages, args.page_size, stats
            )
            for _ in range(args.clients)
        ]
    )
    durations["mixed"] = run_threads(
        [lambda n=n: mixed_use(port, token, stats, n) for n in range(args.clients)]
    )
    rss = worker_rss_mb(server)
    print(
        f"PATCH phase {durations['patch']:.1f} s, list phase {durations['list']:.2f} s"
    )
    report(stats, durations)
    print(
        "\nworker memory after mixed use (PATCH, GET, lists, imports, exports, "
        f"schema): {', '.join(f'{mb:.0f}' for mb in rss)} MB resident"
    )
    checks.expect(bool(rss), "found no gunicorn worker to measure")
    checks.expect(
        max(rss, default=0) < MAX_WORKER_MB,
        f"a worker holds {max(rss, default=0):.0f} MB (limit {MAX_WORKER_MB:.0f})",
    )

    ok = verify(article.pk, ledgers)
    # After the check: this PATCH is not in any client's ledger.
    report_statements(statements(token, claims[-1], article.pk, args.page_size), checks)
    cpu = cpu_per_request(token, claims[-1], article.pk, args.page_size)
    for kind, ms in cpu.items():
        print(f"CPU per {kind} in Django (this process, median): {ms:.1f} ms")
    patches = stats.latencies.get("PATCH claim", [])
    checks.expect(ok, "verification failed: lost, phantom or unexpected writes")
    checks.expect(bool(patches), "no PATCH was made")
    for kind, counter in stats.errors.items():
        errors = sum(counter.values())
        checks.expect(not errors, f"{kind}: {errors} errors")
    median = percentile(patches, 0.5) * 1000 if patches else float("nan")
    print(
        "\nFor scale: Label Studio 1.23 needs a median of "
        f"{LABEL_STUDIO_MEDIAN_MS:.0f} ms to save one annotation with 4 clients "
        "(14.5/s); the target assumes 4 clients too."
    )
    print(
        f"target: PATCH median < {TARGET_MEDIAN_MS:.1f} ms: "
        f"{'met' if median < TARGET_MEDIAN_MS else 'MISSED'} ({median:.1f} ms, "
        f"{len(patches) / durations['patch']:.0f}/s)"
    )
    pages = stats.latencies.get("GET claims page", [])
    page_median = percentile(pages, 0.5) * 1000 if pages else float("nan")
    print(
        f"target: list page of {args.page_size} median < {TARGET_MEDIAN_MS:.1f} ms: "
        f"{'met' if page_median < TARGET_MEDIAN_MS else 'MISSED'} "
        f"({page_median:.1f} ms)"
    )
    print(f"target: no lost or phantom writes: {'met' if ok else 'MISSED'}")


if __name__ == "__main__":
    main()
