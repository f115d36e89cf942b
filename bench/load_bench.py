"""Load: simulated editors through gunicorn, the database restarted mid-run.

    .venv/bin/python bench/load_bench.py [--seconds 60] [--clients 8]
        [--no-restart] [--outage 3] [--large] [--keep-log FILE] [--smoke]

Runs on its own PostgreSQL 15 cluster, ``loadbench`` on 127.0.0.1:5433,
created on first use (``pg_createcluster``, trust authentication, started by
hand only), so stopping it disturbs nobody; the main cluster (5432) is never
touched and DATABASE_URL is ignored. The bench (re)creates the database
``factcheck_loadbench`` there, migrates it, creates ``--clients`` editors
(editor role, one API token each) and imports ``--articles`` articles, then
serves the project with gunicorn (4 sync workers, 127.0.0.1, a free port).

Each client is one editor on one article (two editors share each article,
so some writes conflict): it lists the article's claims, reads a claim and
then sets its verdict with If-Match or attaches a source with the version it
read, or exports the article's verdicts, for ``--seconds``. Every request's
type, status and latency is kept, and every acknowledged write (2xx) with the
value written and the version it made. It prints throughput, latency
percentiles per request type and the answers other than the expected one.

With ``--restart`` (the default), halfway through, the bench's cluster is
stopped (fast shutdown) for ``--outage`` seconds and started again; the
editors work on until at least 2 seconds after it is back. It prints what
clients were answered meanwhile (503 with a message and no stack trace is
expected), the gap from the first failed request to the first
success, how long after the database was back the app answered again, and
the gunicorn log lines of the outage.

Then it checks the database against the acknowledged writes: each one is the
claim's history row at the version it was told (the verdict and rationale it
wrote, or the source it added, which exists), and no history row, version or
source exists that no client was told about (besides the import's rows).

``--large`` then times a refused upload of the import limit + 1 byte
(multipart file, and JSON text), a 5 MB article import through the API, and,
for an article of 20,000 claims, the claims list through gunicorn and the
workspace page and the list in-process, with their query counts. gunicorn
workers' peak RSS is read from /proc around each large request.

``--smoke`` is a short run of the same: 4 editors on 2 articles for 8 seconds
with a 1-second outage, then the large inputs at 0.5 MB and 2,000 claims. Any
failed check (a lost or unacknowledged write, an outage answer other than
503, a stack trace in an answer, a large input refused or paged wrongly,
queries varying with size) makes the bench exit 1.

gunicorn is always stopped, the bench database dropped and the cluster left
stopped, also on errors and Ctrl-C.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
PG_VERSION = "15"
CLUSTER = "loadbench"
PG_PORT = 5433
DATABASE = "factcheck_loadbench"
LOOPBACK = "127.0.0.1"
BENCH_URL = f"postgres://postgres@{LOOPBACK}:{PG_PORT}/{DATABASE}"

sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "factcheck.settings"
# The bench's own cluster, whatever DATABASE_URL says.
os.environ["DATABASE_URL"] = BENCH_URL
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
import serving
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.test import Client as DjangoClient
from django.test.utils import CaptureQueriesContext, override_settings
from serving import free_port, percentile, recreate_database, stop_gunicorn

from annotations import history, roles, services, tokens
from annotations.models import Claim, Source, Verdict

CLIENTS = 8
ARTICLES = 4
CLAIMS_PER_ARTICLE = 250
WORKERS = 4
REQUEST_TIMEOUT = 10.0
LARGE_TIMEOUT = 300.0
# A client that got a 5xx or no answer waits this long before its next
# request, as a real one would, instead of spinning on a dead server.
ERROR_PAUSE = 0.1
LIST_PAGE = 50
# Seconds the editors keep working after the database is back, at least.
RECOVERY = 2.0

LIST, READ, VERDICT, SOURCE, EXPORT = "list", "read", "verdict", "source", "export"
# What an editor does next, and how often.
ACTIONS = {LIST: 15, READ: 10, VERDICT: 45, SOURCE: 20, EXPORT: 10}
# Request types, as reported.
GET_LIST = "GET claims list"
GET_CLAIM = "GET claim"
PATCH = "PATCH claim"
POST_SOURCE = "POST source"
GET_EXPORT = "GET export"
KINDS = (GET_LIST, GET_CLAIM, PATCH, POST_SOURCE, GET_EXPORT)
EXPECTED = {GET_LIST: 200, GET_CLAIM: 200, PATCH: 200, POST_SOURCE: 201}
EXPECTED[GET_EXPORT] = 200
VERDICTS = (Verdict.VERIFIED, Verdict.DISPUTED, Verdict.MISSTATED)
# A stack trace, or internals, in an answer's body.
LEAKS = ("Traceback", 'File "', "psycopg", "OperationalError", "/work/", ".py")
NO_ANSWER = 0  # status recorded when the request got no response at all
# Status recorded when the answer began (status line, headers) but its body
# broke off: a streamed export under way when the database went. The chunked
# transfer never ends, so the client can tell it is incomplete.
CUT_SHORT = 1


class CutShort(Exception):
    """The answer's body broke off before its end."""

    def __init__(self, status: int, error: Exception) -> None:
        super().__init__(f"{status} then {error!r}")
        self.status = status


# --- the bench's own cluster -------------------------------------------------


def pg(*args: str, timeout: float = 120) -> str:
    """Run a postgresql-common command on the bench cluster only."""
    result = subprocess.run(
        list(args), capture_output=True, text=True, timeout=timeout, check=False
    )
    if result.returncode:
        raise SystemExit(f"{' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def cluster_state() -> tuple[int, str] | None:
    """(port, "online"/"down") of the bench cluster, or None if it does not exist."""
    for line in pg("pg_lsclusters", "--no-header").splitlines():
        parts = line.split()
        if parts[:2] == [PG_VERSION, CLUSTER]:
            return int(parts[2]), parts[3]
    return None


def port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        return probe.connect_ex((LOOPBACK, port)) == 0


def ensure_cluster() -> str:
    """Create the bench cluster if missing and start it; say what was done."""
    state = cluster_state()
    done = "existing"
    if state is None:
        if port_in_use(PG_PORT):
            raise SystemExit(f"Port {PG_PORT} is taken by something else.")
        pg(
            "pg_createcluster",
            PG_VERSION,
            CLUSTER,
            "--port",
            str(PG_PORT),
            "--start-conf=manual",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
            "--",
            "--auth=trust",
        )
        done = "created"
        state = cluster_state()
    assert state is not None
    if state[0] != PG_PORT:
        raise SystemExit(
            f"Cluster {PG_VERSION}/{CLUSTER} exists on port {state[0]}, not {PG_PORT}."
        )
    if state[1] != "online":
        start_cluster()
    return done


def start_cluster() -> None:
    # pg_ctlcluster waits until the server accepts connections.
    pg("pg_ctlcluster", PG_VERSION, CLUSTER, "start")


def accepts_connections() -> bool:
    try:
        psycopg2.connect(
            dbname=DATABASE,
            user="postgres",
            host=LOOPBACK,
            port=PG_PORT,
            connect_timeout=1,
        ).close()
    except psycopg2.OperationalError:
        return False
    return True


def stop_cluster() -> None:
    pg("pg_ctlcluster", PG_VERSION, CLUSTER, "stop", "-m", "fast")


def admin_connection():
    """A connection to the bench cluster's ``postgres`` database."""
    return psycopg2.connect(
        dbname="postgres", user="postgres", host=LOOPBACK, port=PG_PORT
    )


# --- data --------------------------------------------------------------------


def article_text(claims: int, seed: int) -> str:
    """``claims`` distinct sentences, mixed zh/en, in paragraphs of one to six."""
    rng = random.Random(seed)
    sentences = []
    for n in range(claims):
        if rng.random() < 0.6:
            sentences.append(
                f"研究团队在{rng.randint(1990, 2025)}年发布了第{seed}-{n}版模型，"
                f"融资{rng.randint(1, 999)}万美元{rng.choice('。！？')}"
            )
        else:
            sentences.append(
                f"Dr. Zhu said revenue grew {rng.randint(1, 99)}.5% in "
                f"{rng.randint(1990, 2025)}, report {seed}-{n}. "
            )
    paragraphs = []
    while sentences:
        count = rng.randint(1, 6)
        paragraphs.append("".join(sentences[:count]).strip())
        del sentences[:count]
    return "\n".join(paragraphs)


def text_of_bytes(size: int, seed: int) -> str:
    """Distinct mixed zh/en sentences adding up to about ``size`` UTF-8 bytes."""
    text = article_text(max(1, size // 70), seed)
    while len(text.encode()) < size:
        text += "\n" + article_text(max(1, size // 700), seed := seed + 1)
    return text


def editors(count: int) -> list[tuple[str, str]]:
    """``count`` users with the editor role, and an API token each."""
    group = Group.objects.get(name=roles.EDITOR)
    made = []
    for n in range(count):
        user = get_user_model().objects.create_user(f"load-editor-{n}")
        user.groups.add(group)
        made.append((user.username, tokens.create_token(user=user)[1]))
    return made


# --- gunicorn ----------------------------------------------------------------


def start_gunicorn(port: int, log: Path) -> subprocess.Popen:
    """gunicorn on the bench cluster, its output appended to ``log``."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "factcheck.settings",
        "DEBUG": "0",
        "SECRET_KEY": "bench",
        "ALLOWED_HOSTS": LOOPBACK,
        "DATABASE_URL": BENCH_URL,
        "API_ANON_RATE": "1000000/second",
    }
    with log.open("ab") as output:
        return serving.start_gunicorn(port, env, output, WORKERS)


def workers_of(server: subprocess.Popen) -> list[int]:
    """gunicorn's worker processes (the master's children)."""
    try:
        children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text()
    except OSError:
        return []
    return [int(pid) for pid in children.split()]


def reset_peak_rss(pids: list[int]) -> bool:
    """Reset each process's peak RSS (VmHWM); False if the kernel refuses."""
    ok = True
    for pid in pids:
        try:
            Path(f"/proc/{pid}/clear_refs").write_text("5")
        except OSError:
            ok = False
    return ok


def peak_rss_mb(pids: list[int]) -> float:
    """The largest VmHWM among ``pids``, in MB."""
    peak = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]))
        except OSError:
            continue
    return peak / 1024


# --- clients -----------------------------------------------------------------


class Client:
    """One HTTP connection, reopened whenever the server closes it."""

    def __init__(self, port: int, token: str, timeout: float = REQUEST_TIMEOUT):
        self.http = http.client.HTTPConnection(LOOPBACK, port, timeout=timeout)
        self.headers = {"Authorization": f"Token {token}", "Accept": "application/json"}

    def request(
        self,
        method: str,
        path: str,
        body: dict | bytes | None = None,
        **headers: str,
    ) -> tuple[int, dict[str, str], bytes]:
        sent = {**self.headers, **headers}
        data = body
        if isinstance(body, dict):
            data = json.dumps(body, ensure_ascii=False).encode("utf-8")
            sent["Content-Type"] = "application/json; charset=utf-8"
        try:
            self.http.request(method, path, body=data, headers=sent)
            response = self.http.getresponse()
            content = response.read()
        except http.client.IncompleteRead as error:
            self.http.close()
            raise CutShort(response.status, error) from error
        except Exception:
            self.http.close()
            raise
        if response.will_close:
            self.http.close()
        return response.status, dict(response.getheaders()), content

    def close(self) -> None:
        self.http.close()


@dataclass(frozen=True)
class Call:
    """One request: what, when (monotonic seconds), and the answer."""

    kind: str
    client: int
    started: float
    ended: float
    status: int  # NO_ANSWER when there was no response, CUT_SHORT
    error: str = ""  # the exception, when there was no response
    body: str = ""  # an excerpt, for answers other than 2xx
    content_type: str = ""

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def failed(self) -> bool:
        """A server-side failure or no answer (not a refusal such as 412)."""
        return self.status in (NO_ANSWER, CUT_SHORT) or self.status >= 500


@dataclass(frozen=True)
class Write:
    """A write attempt: what it wrote, and the version it started from."""

    kind: str  # VERDICT or SOURCE
    claim: int
    expected_version: int
    verdict: str
    value: str  # the rationale, or the source's title
    status: int
    made_version: int | None = None  # the version the answer reported
    source_id: int | None = None
    answer: str = ""  # an excerpt, when not acknowledged

    @property
    def acknowledged(self) -> bool:
        return 200 <= self.status < 300


@dataclass
class Editor:
    """One simulated editor's record."""

    number: int
    calls: list[Call] = field(default_factory=list)
    writes: list[Write] = field(default_factory=list)


def call(
    editor: Editor, client: Client, kind: str, method: str, path: str, body=None, **h
) -> tuple[int, dict[str, str], bytes]:
    """Make one request and record it; (NO_ANSWER, {}, b"") when none came,
    (CUT_SHORT, {}, b"") when its body broke off."""
    started = time.monotonic()
    try:
        status, headers, content = client.request(method, path, body, **h)
    except Exception as error:  # a reset or timeout is an outcome to report
        status = CUT_SHORT if isinstance(error, CutShort) else NO_ANSWER
        editor.calls.append(
            Call(kind, editor.number, started, time.monotonic(), status, repr(error))
        )
        return status, {}, b""
    ended = time.monotonic()
    editor.calls.append(
        Call(
            kind,
            editor.number,
            started,
            ended,
            status,
            body=excerpt(status, content),
            content_type=headers.get("Content-Type", ""),
        )
    )
    return status, headers, content


def excerpt(status: int, content: bytes) -> str:
    """The start of an answer other than 2xx."""
    if 200 <= status < 300:
        return ""
    return content[:400].decode("utf-8", "replace").replace("\n", " ")


def editor_loop(
    editor: Editor,
    port: int,
    token: str,
    article: int,
    claims: list[int],
    deadline: Callable[[], float],
    stop: threading.Event,
) -> None:
    """Work on ``article`` until ``deadline()``: read, judge, cite, export."""
    rng = random.Random(editor.number)
    client = Client(port, token)
    actions, weights = zip(*ACTIONS.items(), strict=True)
    turn = 0
    try:
        while time.monotonic() < deadline() and not stop.is_set():
            turn += 1
            action = rng.choices(actions, weights)[0]
            status = _act(editor, client, action, article, claims, rng, turn)
            if status in (NO_ANSWER, CUT_SHORT) or status >= 500:
                time.sleep(ERROR_PAUSE)
    finally:
        client.close()


def _act(
    editor: Editor,
    client: Client,
    action: str,
    article: int,
    claims: list[int],
    rng: random.Random,
    turn: int,
) -> int:
    """One editor action; the status of its last request."""
    if action == LIST:
        path = f"/api/v1/claims/?article={article}&page_size={LIST_PAGE}"
        return call(editor, client, GET_LIST, "GET", path)[0]
    if action == EXPORT:
        path = f"/api/v1/export/verdicts.json?article={article}"
        return call(editor, client, GET_EXPORT, "GET", path)[0]
    claim = rng.choice(claims)
    status, headers, _ = call(
        editor, client, GET_CLAIM, "GET", f"/api/v1/claims/{claim}/"
    )
    if status != 200 or action == READ:
        return status
    version = int(headers["ETag"].strip('"'))
    # A value no other write uses, so the history row can be told apart.
    tag = f"e{editor.number}-{turn}"
    if action == VERDICT:
        verdict = rng.choice(VERDICTS)
        rationale = rng.choice(
            (f"核查{tag}：官方公告与报道一致。", f"Checked {tag}: the filing agrees.")
        )
        status, headers, content = call(
            editor,
            client,
            PATCH,
            "PATCH",
            f"/api/v1/claims/{claim}/",
            {"verdict": verdict, "rationale": rationale},
            **{"If-Match": f'"{version}"'},
        )
        made = json.loads(content)["version"] if status == 200 else None
        editor.writes.append(
            Write(
                VERDICT,
                claim,
                version,
                verdict,
                rationale,
                status,
                made,
                answer=excerpt(status, content),
            )
        )
        return status
    title = f"Source {tag} 来源"
    status, _, content = call(
        editor,
        client,
        POST_SOURCE,
        "POST",
        f"/api/v1/claims/{claim}/sources/",
        {"url": f"https://example.org/{tag}", "title": title, "version": version},
    )
    made = source_id = None
    if status == 201:
        # The answer is the source; a write guarded by ``version`` makes the next.
        made, source_id = version + 1, json.loads(content)["id"]
    editor.writes.append(
        Write(
            SOURCE,
            claim,
            version,
            "",
            title,
            status,
            made,
            source_id,
            answer=excerpt(status, content),
        )
    )
    return status


def run_threads(targets: list, limit: float) -> float:
    threads = [threading.Thread(target=t, daemon=True) for t in targets]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(0.1, limit - (time.perf_counter() - started)))
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


# --- the outage --------------------------------------------------------------


@dataclass
class Outage:
    """When the bench's cluster went away and came back (monotonic seconds)."""

    stop_issued: float = 0.0
    down: float = 0.0
    start_issued: float = 0.0
    up: float = 0.0  # accepting connections
    started: float = 0.0  # pg_ctlcluster start returned
    error: str = ""


def restart_later(at: float, seconds: float, outage: Outage, stop: threading.Event):
    """At ``at``, stop the cluster for ``seconds``, then start it again."""
    while time.monotonic() < at:
        if stop.wait(0.05):
            return
    try:
        outage.stop_issued = time.monotonic()
        stop_cluster()
        outage.down = time.monotonic()
        time.sleep(seconds)
    except BaseException as error:
        outage.error = f"stop: {error}"
    finally:
        outage.start_issued = time.monotonic()
        starting = threading.Thread(target=_start, args=(outage,), daemon=True)
        starting.start()
        # The moment it accepts connections, not when pg_ctlcluster returns.
        limit = time.monotonic() + 120
        while not accepts_connections() and time.monotonic() < limit:
            time.sleep(0.02)
        outage.up = time.monotonic()
        starting.join(timeout=max(0.1, limit - time.monotonic()))
        outage.started = time.monotonic()


def _start(outage: Outage) -> None:
    try:
        start_cluster()
    except BaseException as error:
        outage.error += f" start: {error}"


# --- reporting ---------------------------------------------------------------


def status_name(status: int) -> str:
    names = {NO_ANSWER: "no answer", CUT_SHORT: "cut short"}
    return names.get(status, str(status))


def report_load(calls: list[Call], seconds: float, window: tuple[float, float]):
    """Throughput, latency per request type, answers other than expected."""
    outside = [c for c in calls if not window[0] <= c.ended <= window[1]]
    answered = sum(c.status not in (NO_ANSWER, CUT_SHORT) for c in calls)
    print(
        f"\n{len(calls)} requests in {seconds:.1f} s: {len(calls) / seconds:.1f}/s "
        f"({answered} answered); latency outside the outage window:"
    )
    print(
        f"{'request':>16} {'count':>6} {'req/s':>6} {'p50 ms':>7} {'p95 ms':>7} "
        f"{'p99 ms':>7} {'max ms':>7}  answers other than expected"
    )
    for kind in KINDS:
        mine = [c for c in calls if c.kind == kind]
        if not mine:
            continue
        latencies = [(c.ended - c.started) * 1000 for c in outside if c.kind == kind]
        latencies = latencies or [float("nan")]
        others = Counter(
            status_name(c.status) for c in mine if c.status != EXPECTED[kind]
        )
        print(
            f"{kind:>16} {len(mine):>6} {len(mine) / seconds:>6.1f} "
            f"{percentile(latencies, 0.5):>7.1f} {percentile(latencies, 0.95):>7.1f} "
            f"{percentile(latencies, 0.99):>7.1f} {max(latencies):>7.1f}  "
            + (", ".join(f"{s} x{n}" for s, n in sorted(others.items())) or "-")
        )
    by_status = Counter(status_name(c.status) for c in calls if not c.ok)
    print(
        "errors by status (all requests, 412 = stale version, refused): "
        + (", ".join(f"{s} x{n}" for s, n in sorted(by_status.items())) or "none")
    )


@dataclass
class OutageFindings:
    window: tuple[float, float]
    ok: bool
    lines: list[str]


def analyse_outage(calls: list[Call], outage: Outage, t0: float) -> OutageFindings:
    """What clients were answered while the database was away, and the recovery."""
    lines = []
    if outage.error:
        lines.append(f"restart failed: {outage.error}")

    def rel(moment: float) -> float:
        return moment - t0

    lines.append(
        f"cluster stop issued at +{rel(outage.stop_issued):.2f} s, down at "
        f"+{rel(outage.down):.2f} s; start issued at +{rel(outage.start_issued):.2f} "
        f"s, accepting connections at +{rel(outage.up):.2f} s "
        f"({outage.up - outage.down:.2f} s without a database; pg_ctlcluster "
        f"start returned at +{rel(outage.started):.2f} s)"
    )
    # Requests answered after the stop was issued.
    during = sorted(
        (c for c in calls if c.ended >= outage.stop_issued), key=lambda c: c.ended
    )
    failures = [c for c in during if c.failed]
    if not failures:
        lines.append("no request failed during the outage")
        return OutageFindings((outage.stop_issued, outage.up), True, lines)
    first_failure = min(failures, key=lambda c: c.ended)
    recovered = [c for c in during if c.ok and c.started >= outage.up]
    if not recovered:
        lines.append("NO successful request after the database came back")
        return OutageFindings((outage.stop_issued, float("inf")), False, lines)
    first_success = min(recovered, key=lambda c: c.ended)
    window = (outage.stop_issued, first_success.ended)
    in_window = [c for c in during if c.ended <= first_success.ended]
    statuses = Counter(c.status for c in in_window if not c.ok)
    lines.append(
        f"gap: {first_success.ended - first_failure.ended:.2f} s from the first "
        f"failed request (+{rel(first_failure.ended):.2f} s) to the first success "
        f"after the restart (+{rel(first_success.ended):.2f} s)"
    )
    lines.append(
        f"recovery: first success {first_success.ended - outage.up:.2f} s after the "
        "database accepted connections again"
    )
    per_client = {}
    for c in recovered:
        per_client[c.client] = min(per_client.get(c.client, c.ended), c.ended)
    clients = {c.client for c in calls}
    if len(per_client) == len(clients):
        lines.append(
            f"every client answered again within "
            f"{max(per_client.values()) - outage.up:.2f} s"
        )
    else:
        lines.append(
            f"{len(clients) - len(per_client)} clients never succeeded afterwards"
        )
    lines.append(
        "answers during the outage (stop issued to first success): "
        + ", ".join(f"{status_name(s)} x{n}" for s, n in sorted(statuses.items()))
        + f"; successes in that window: {sum(c.ok for c in in_window)}"
    )
    # A streamed export under way when the database went breaks off: its
    # client sees an unfinished transfer, never a complete-looking file.
    cut_exports = [
        c for c in in_window if c.status == CUT_SHORT and c.kind == GET_EXPORT
    ]
    failed_statuses = Counter(
        c.status for c in in_window if c.failed and c not in cut_exports
    )
    unexpected = {s: n for s, n in failed_statuses.items() if s != 503}
    if unexpected:
        lines.append(
            "outage answers: "
            + ", ".join(f"{status_name(s)} x{n}" for s, n in sorted(unexpected.items()))
            + " (expected 503, or an export cut short)"
        )
    else:
        lines.append(
            f"outage answers: 503 x{failed_statuses[503]}, exports cut short "
            f"x{len(cut_exports)} (as expected)"
        )
    # What the bodies said: one example per status and content type.
    leaks = 0
    seen = set()
    for c in in_window:
        if not c.failed:
            continue
        leaks += any(mark in c.body for mark in LEAKS)
        key = (c.status, c.content_type)
        if key in seen:
            continue
        seen.add(key)
        text = c.body.replace("\n", " ")[:200] if c.status else c.error[:200]
        lines.append(f"  {status_name(c.status)} [{c.content_type}]: {text}")
    lines.append(f"bodies with a stack trace or internals: {leaks}")
    later = [c for c in during if c.failed and c.ended > first_success.ended]
    lines.append(f"failures after the first success: {len(later)}")
    for c in later[:3]:
        lines.append(
            f"  +{rel(c.ended):.2f} s {c.kind} {status_name(c.status)} "
            f"{(c.body or c.error)[:120]}"
        )
    ok = not unexpected and not leaks and not later and not outage.error
    return OutageFindings(window, ok, lines)


def gunicorn_lines(log: Path, start: int) -> list[str]:
    """The gunicorn log from byte ``start`` on."""
    return log.read_bytes()[start:].decode("utf-8", "replace").splitlines()


def summarise_log(lines: list[str], limit: int = 12) -> list[str]:
    """Counts of the log's notable lines, and the first few of them."""
    marks = {
        "tracebacks": "Traceback",
        "Internal Server Error": "Internal Server Error",
        "Service Unavailable": "Service Unavailable",
        "worker timeouts": "WORKER TIMEOUT",
        "workers booted": "Booting worker",
        "OperationalError": "OperationalError",
    }
    counts = {name: sum(mark in line for line in lines) for name, mark in marks.items()}
    out = [
        f"gunicorn log: {len(lines)} lines; "
        + ", ".join(f"{name} {n}" for name, n in counts.items())
    ]
    errors = Counter(
        line.strip()[:120]
        for line in lines
        if line[:1] not in (" ", "\t") and ("Error:" in line or "Exception:" in line)
    )
    for message, times in errors.most_common(6):
        out.append(f"  {times} x {message}")
    messages = Counter(
        line.split(":")[0]
        for line in lines
        if line.startswith(("Service Unavailable:", "Internal Server Error:"))
    )
    out.extend(
        f"  {times} x logged '{name}: <path>'" for name, times in messages.items()
    )
    notable = [line for line in lines if line.strip()][:limit]
    out.extend(f"  | {line[:160]}" for line in notable)
    return out


# --- the check ---------------------------------------------------------------


@dataclass
class Check:
    acknowledged: int = 0
    lost: int = 0
    unacknowledged: int = 0
    unknown_outcome: int = 0  # unacknowledged, but its request had no clear answer
    problems: list[str] = field(default_factory=list)
    # Writes stored although their client was answered 5xx or nothing.
    in_doubt: list[Write] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.lost or self.unacknowledged or self.problems)


def verify(writes: list[Write], claims: list[int]) -> Check:
    """The database against the writes clients were told were applied."""
    check = Check()
    acked = [w for w in writes if w.acknowledged]
    check.acknowledged = len(acked)
    # Writes that may have been applied without the client knowing.
    unclear = {
        (w.claim, w.value): w
        for w in writes
        if not w.acknowledged
        and (w.status in (NO_ANSWER, CUT_SHORT) or w.status >= 500)
    }
    rows = list(
        Claim.history.filter(id__in=claims)
        .order_by("history_id")
        .values(
            "id",
            "version",
            "history_type",
            "verdict",
            "rationale",
            "history_change_reason",
        )
    )
    by_version: dict[tuple[int, int], list[dict]] = defaultdict(list)
    for row in rows:
        by_version[row["id"], row["version"]].append(row)
    told = Counter((w.claim, w.made_version) for w in acked)
    for key, times in told.items():
        if times > 1:
            check.lost += times - 1
            check.problems.append(
                f"claim {key[0]}: {times} writes told version {key[1]}"
            )
    sources = {
        pk: (claim, title)
        for pk, claim, title in Source.objects.filter(claim_id__in=claims).values_list(
            "id", "claim_id", "title"
        )
    }
    for w in acked:
        found = by_version.get((w.claim, w.made_version), [])
        if w.made_version != w.expected_version + 1:
            check.problems.append(
                f"claim {w.claim}: write from version {w.expected_version} was told "
                f"version {w.made_version}"
            )
        if w.kind == VERDICT:
            held = any(
                (r["verdict"], r["rationale"]) == (w.verdict, w.value) for r in found
            )
        else:
            held = sources.get(w.source_id) == (w.claim, w.value) and any(
                r["history_change_reason"] == f"source added: {w.value}" for r in found
            )
        if not held:
            check.lost += 1
            if len(check.problems) < 10:
                check.problems.append(
                    f"lost: {w.kind} '{w.value}' on claim {w.claim}, told version "
                    f"{w.made_version}; history rows there: {found}"
                )
    # Anything stored that no client was told about.
    for (claim, version), found in by_version.items():
        base = version == 1 and all(r["history_type"] == history.CREATED for r in found)
        if base:
            continue
        extra = len(found) - told[claim, version]
        if extra <= 0:
            continue
        check.unacknowledged += extra
        values = {r["rationale"] for r in found} | {
            (r["history_change_reason"] or "").removeprefix("source added: ")
            for r in found
        }
        doubtful = [unclear[claim, v] for v in values if (claim, v) in unclear]
        if doubtful:
            check.unknown_outcome += extra
            check.in_doubt.extend(doubtful)
        elif len(check.problems) < 10:
            check.problems.append(
                f"unacknowledged: claim {claim} version {version}: {found}"
            )
    acked_sources = {w.source_id for w in acked if w.kind == SOURCE}
    for pk, (claim, title) in sources.items():
        if pk not in acked_sources:
            check.unacknowledged += 1
            if (claim, title) in unclear:
                check.unknown_outcome += 1
                check.in_doubt.append(unclear[claim, title])
            elif len(check.problems) < 10:
                check.problems.append(f"unacknowledged source {pk}: '{title}'")
    # Every claim's versions run 1..n, each with its history row, the last
    # being the claim as stored.
    stored = {
        pk: (version, verdict, rationale)
        for pk, version, verdict, rationale in Claim.objects.filter(
            pk__in=claims
        ).values_list("id", "version", "verdict", "rationale")
    }
    last: dict[int, dict] = {}
    for row in rows:
        last[row["id"]] = row
    for pk, (version, verdict, rationale) in stored.items():
        missing = [v for v in range(1, version + 1) if (pk, v) not in by_version]
        row = last.get(pk)
        if (
            missing
            or row is None
            or (
                row["version"],
                row["verdict"],
                row["rationale"],
            )
            != (version, verdict, rationale)
        ):
            check.unacknowledged += len(missing)
            if len(check.problems) < 10:
                check.problems.append(
                    f"claim {pk}: stored version {version}, versions without a "
                    f"history row {missing[:5]}, last history row {row}"
                )
    return check


# --- large inputs ------------------------------------------------------------


def multipart(fields: dict[str, str], filename: str, data: bytes) -> tuple[bytes, str]:
    """A multipart/form-data body with ``fields`` and one file; (body, type)."""
    boundary = f"loadbench{random.getrandbits(64):x}"
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
            f"{value}\r\n".encode()
        )
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
        f'filename="{filename}"\r\nContent-Type: text/plain\r\n\r\n'.encode()
    )
    parts.extend([data, f"\r\n--{boundary}--\r\n".encode()])
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def timed_large(
    server: subprocess.Popen,
    port: int,
    token: str,
    label: str,
    method: str,
    path: str,
    body: bytes | dict | None = None,
    **headers: str,
) -> tuple[int, bytes]:
    """One large request: status, time, workers' peak RSS, answer excerpt."""
    pids = workers_of(server)
    exact = reset_peak_rss(pids)
    client = Client(port, token, timeout=LARGE_TIMEOUT)
    started = time.perf_counter()
    try:
        status, _, content = client.request(method, path, body, **headers)
    except Exception as error:
        status, content = NO_ANSWER, repr(error).encode()
    finally:
        client.close()
    elapsed = time.perf_counter() - started
    rss = peak_rss_mb(pids)
    excerpt = content[:160].decode("utf-8", "replace").replace("\n", " ")
    print(
        f"{label}: {status_name(status)} in {elapsed:.2f} s; largest worker peak "
        f"RSS {rss:.0f} MB{'' if exact else ' (lifetime peak)'}; {excerpt}",
        flush=True,
    )
    return status, content


def measure_in_process(
    path: str, client: DjangoClient, repeats: int = 2
) -> tuple[int, int, str]:
    """A page rendered in-process: (status, queries, "status, queries, size,
    best time")."""
    best, queries, size, status = float("inf"), 0, 0, 0
    for _ in range(repeats):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(path)
            content = b"".join(response) if response.streaming else response.content
            best = min(best, time.perf_counter() - started)
        queries, size, status = len(captured), len(content), response.status_code
    text = f"{status}, {queries} queries, {size / 1024:,.0f} KB, {best * 1000:,.0f} ms"
    return status, queries, text


def panel_claim(article: int) -> int:
    """A claim in the middle of ``article`` that no client wrote to and that
    ends where its next claim starts.

    The panel's queries depend on the claim (an unreviewed one with text
    between it and the next also reads that text, for merging); only their
    growth with the article's size is sought, so both sizes open alike claims.
    """
    rows = list(
        Claim.objects.filter(article_id=article)
        .order_by("position")
        .values_list("id", "version", "start", "end")
    )
    alike = [
        pk
        for (pk, version, _start, end), following in itertools.pairwise(rows)
        if version == 1 and following[2] == end
    ]
    return alike[len(alike) // 2]


def large_inputs(
    server: subprocess.Popen,
    port: int,
    token: str,
    username: str,
    small: int,
    *,
    upload_mb: float,
    big_claims: int,
) -> list[str]:
    """Refused uploads, an import of ``upload_mb`` MB, and an article of
    ``big_claims`` claims; the problems."""
    problems = []
    limit = settings.IMPORT_MAX_BYTES
    print(f"\nlarge inputs (import limit {limit:,} bytes):")
    data = b"a" * (limit + 1)
    body, kind = multipart({"title": "Too large"}, "large.txt", data)
    refusals = [
        (
            f"upload of {limit + 1:,} bytes (multipart)",
            body,
            {"Content-Type": kind},
        ),
        (
            f"text of {limit + 1:,} bytes (JSON)",
            {"title": "Too large", "text": data.decode()},
            {},
        ),
    ]
    del body, data
    for label, sent, headers in refusals:
        began = time.perf_counter()
        status, _ = timed_large(
            server, port, token, label, "POST", "/api/v1/articles/", sent, **headers
        )
        if status not in (400, 413) or time.perf_counter() - began > 5:
            problems.append(f"{label}: {status_name(status)}, expected a quick 400/413")
    del refusals
    text = text_of_bytes(int(upload_mb * 1024 * 1024), seed=500)
    title = f"{upload_mb:g} megabytes"
    body, kind = multipart({"title": title}, "upload.txt", text.encode())
    print(
        f"{upload_mb:g} MB article: {len(text.encode()):,} bytes, "
        f"{len(text):,} characters"
    )
    del text
    label = f"{upload_mb:g} MB import (multipart; its analysis queued)"
    status, _ = timed_large(
        server,
        port,
        token,
        label,
        "POST",
        "/api/v1/articles/",
        body,
        **{"Content-Type": kind},
    )
    connection.close()  # gunicorn's workers wrote meanwhile; read afresh
    stored = Claim.objects.filter(article__title=title).count()
    print(f"  claims stored for it: {stored:,}")
    if status != 201:
        problems.append(
            f"{label}: {status_name(status)}, expected 201; "
            f"{stored:,} claims stored all the same"
        )
        timed_large(
            server,
            port,
            token,
            "  the same upload again",
            "POST",
            "/api/v1/articles/",
            body,
            **{"Content-Type": kind},
        )
    del body
    began = time.perf_counter()
    big = services.import_article(
        text=article_text(big_claims, seed=900),
        title=f"{big_claims:,} claims",
        analyse=False,
    )
    count = big.claims.count()
    print(
        f"article of {count:,} claims imported in-process (not analysed) in "
        f"{time.perf_counter() - began:.1f} s"
    )
    client = Client(port, token, timeout=LARGE_TIMEOUT)
    path = f"/api/v1/claims/?article={big.pk}&page_size=1000"
    timings, rows, seen = [], 0, set()
    try:
        # Bounded: a few pages more than the claims need, in case it loops.
        while path and len(timings) < count // 1000 + 5:
            started = time.perf_counter()
            status, _, content = client.request("GET", path)
            timings.append(time.perf_counter() - started)
            if status != 200:
                print(f"  claims page {len(timings)}: {status} {content[:120]!r}")
                break
            page = json.loads(content)
            rows += len(page["results"])
            seen.update(claim["id"] for claim in page["results"])
            following = urlsplit(page["next"] or "")
            path = f"{following.path}?{following.query}" if page["next"] else ""
        started = time.perf_counter()
        status, _, content = client.request(
            "GET", f"/api/v1/export/verdicts.json?article={big.pk}"
        )
        export = time.perf_counter() - started
    finally:
        client.close()
    print(
        f"claims list through gunicorn, pages of 1,000: {len(timings)} pages in "
        f"{sum(timings):.2f} s (p50 {percentile(timings, 0.5) * 1000:.0f} ms, max "
        f"{max(timings) * 1000:.0f} ms), {rows:,} rows, {len(seen):,} distinct of "
        f"{count:,} claims, "
        + ("last page reached" if not path else "STILL a next page (stopped)")
    )
    if path or len(seen) != count or rows != count:
        problems.append(
            f"paging through {count:,} claims gave {rows:,} rows, {len(seen):,} "
            "distinct, " + ("and never ended" if path else "then ended")
        )
    print(
        f"JSON export of the article: {status}, {len(content) / 1e6:.1f} MB in "
        f"{export:.2f} s"
    )
    with override_settings(
        ALLOWED_HOSTS=["testserver"],
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {
                "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
            },
        },
    ):
        browser = DjangoClient()
        browser.force_login(get_user_model().objects.get(username=username))
        api = DjangoClient(HTTP_AUTHORIZATION=f"Token {token}")
        print("in-process (best of 2): status, queries, size, time")
        queries: dict[str, set[int]] = defaultdict(set)
        for article, claims in ((small, CLAIMS_PER_ARTICLE), (big.pk, count)):
            middle = panel_claim(article)
            for label, who, url in (
                ("workspace", browser, f"/articles/{article}/"),
                ("workspace + panel", browser, f"/articles/{article}/?claim={middle}"),
                ("API list 100", api, f"/api/v1/claims/?article={article}"),
                (
                    "API list 1000",
                    api,
                    f"/api/v1/claims/?article={article}&page_size=1000",
                ),
            ):
                status, issued, text = measure_in_process(url, who)
                queries[label].add(issued)
                if status != 200:
                    problems.append(f"{label} of {claims:,} claims: {status}")
                print(f"  {claims:>6,} claims {label:>18}: {text}", flush=True)
        for label, counts in queries.items():
            if len(counts) > 1:
                problems.append(f"{label}: queries vary with claims: {sorted(counts)}")
    return problems


# --- main --------------------------------------------------------------------


def _terminated(signum, frame) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--clients", type=int, default=CLIENTS)
    parser.add_argument("--articles", type=int, default=ARTICLES)
    parser.add_argument(
        "--restart",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="stop and start the bench cluster halfway through (default: on)",
    )
    parser.add_argument(
        "--outage", type=float, default=3.0, help="seconds the cluster stays down"
    )
    parser.add_argument("--large", action="store_true", help="also the large inputs")
    parser.add_argument("--keep-log", type=Path, help="copy gunicorn's log here")
    parser.add_argument("--smoke", action="store_true", help="a short, small run")
    args = parser.parse_args()
    args.upload_mb, args.big_claims = 5.0, 20_000
    if args.smoke:
        args.seconds, args.clients, args.articles, args.outage = 8.0, 4, 2, 1.0
        args.large, args.upload_mb, args.big_claims = True, 0.5, 2_000
    if not (1 <= args.clients <= 64 and 1 <= args.articles <= 32):
        raise SystemExit("--clients 1..64, --articles 1..32")
    if not 1 <= args.seconds <= 600 or not 0 <= args.outage <= 60:
        raise SystemExit("--seconds 1..600, --outage 0..60")
    # Ctrl-C and kill/timeout both unwind through the finally block below
    # (a shell starting us in the background would otherwise ignore SIGINT).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _terminated)
    servers: list[subprocess.Popen] = []
    stop = threading.Event()
    ok = False
    with tempfile.TemporaryDirectory(prefix="loadbench-") as scratch:
        log = Path(scratch) / "gunicorn.log"
        log.touch()
        try:
            ok = run(args, log, servers, stop)
        except BaseException:
            tail = log.read_text(errors="replace")[-3000:]
            if tail.strip():
                print(f"--- gunicorn log (tail) ---\n{tail}", file=sys.stderr)
            raise
        finally:
            stop.set()
            for server in servers:
                stop_gunicorn(server)
            if args.keep_log:
                shutil.copyfile(log, args.keep_log)
            connection.close()
            try:
                if cluster_state() == (PG_PORT, "down"):
                    start_cluster()  # a failed restart: start it to drop the data
                recreate_database(admin_connection, DATABASE, create=False)
            finally:
                if cluster_state() == (PG_PORT, "online"):
                    stop_cluster()
    if not ok:
        raise SystemExit(1)


def run(
    args: argparse.Namespace,
    log: Path,
    servers: list[subprocess.Popen],
    stop: threading.Event,
) -> bool:
    """Set up, load, break and mend the database, report and verify."""
    began = time.perf_counter()
    cluster = ensure_cluster()
    recreate_database(admin_connection, DATABASE, create=True)
    call_command("migrate", verbosity=0)
    people = editors(args.clients)
    articles = []
    for n in range(args.articles):
        article = services.import_article(
            text=article_text(CLAIMS_PER_ARTICLE, seed=n),
            title=f"Load {n} 负载",
            analyse=False,
        )
        ids = article.claims.order_by("position").values_list("id", flat=True)
        # Every tenth claim is left alone: the in-process probes afterwards
        # open one that no client wrote to (panel_claim), however fast they were.
        articles.append((article.pk, [pk for n, pk in enumerate(ids) if n % 10]))
    all_claims = [pk for _, claims in articles for pk in claims]
    port = free_port()
    server = start_gunicorn(port, log)
    servers.append(server)
    wait_until_ready(port, people[0][1], server)
    # Each worker loads the app on its first request: warm them all up.
    warm = Editor(-1)
    run_threads(
        [
            lambda: call(
                warm,
                Client(port, people[0][1]),
                GET_LIST,
                "GET",
                f"/api/v1/claims/?article={articles[0][0]}",
            )
            for _ in range(WORKERS * 3)
        ],
        limit=60,
    )
    if any(not c.ok for c in warm.calls):
        raise SystemExit(f"warm-up failed: {warm.calls[0]}")
    print(
        f"database: postgresql 15, own cluster {CLUSTER} ({cluster}) on "
        f"{LOOPBACK}:{PG_PORT}, database {DATABASE}; gunicorn: {WORKERS} sync "
        f"workers on {LOOPBACK}:{port}; {args.clients} editors on {args.articles} "
        f"articles of {CLAIMS_PER_ARTICLE} claims; {args.seconds:.0f} s; restart "
        f"{'on' if args.restart else 'off'}; setup {time.perf_counter() - began:.1f} s",
        flush=True,
    )
    log_start = log.stat().st_size
    crew = [Editor(n) for n in range(args.clients)]
    t0 = time.monotonic()
    outage = Outage()

    def deadline() -> float:
        """``--seconds`` on, and with a restart at least RECOVERY seconds past
        the database's return, so recovery is seen however slow the restart."""
        end = t0 + args.seconds
        if not args.restart:
            return end
        if not outage.up:  # not back yet
            return max(end, time.monotonic() + 1)
        return max(end, outage.up + RECOVERY)

    targets = [
        lambda n=n: editor_loop(
            crew[n],
            port,
            people[n][1],
            articles[n % args.articles][0],
            articles[n % args.articles][1],
            deadline,
            stop,
        )
        for n in range(args.clients)
    ]
    if args.restart:
        middle = t0 + args.seconds / 2
        targets.append(lambda: restart_later(middle, args.outage, outage, stop))
    elapsed = run_threads(
        targets, limit=args.seconds + args.outage + 120 + REQUEST_TIMEOUT
    )
    calls = sorted((c for e in crew for c in e.calls), key=lambda c: c.started)
    writes = [w for e in crew for w in e.writes]
    findings = None
    if args.restart:
        findings = analyse_outage(calls, outage, t0)
    report_load(calls, elapsed, findings.window if findings else (0.0, -1.0))
    log_lines = gunicorn_lines(log, log_start)
    if findings:
        print("\noutage:")
        for line in findings.lines:
            print(f"  {line}")
        for line in summarise_log(log_lines):
            print(f"  {line}")
    # This process's connection did not survive the restart.
    connection.close()
    check = verify(writes, all_claims)
    attempts = Counter(
        (w.kind, "acknowledged" if w.acknowledged else status_name(w.status))
        for w in writes
    )
    print(
        "\nwrites: "
        + ", ".join(
            f"{kind} {status} x{n}" for (kind, status), n in sorted(attempts.items())
        )
    )
    print(
        f"lost acknowledged writes: {check.lost}, unacknowledged writes: "
        f"{check.unacknowledged} (of which {check.unknown_outcome} by a request "
        f"answered 5xx or not at all); {check.acknowledged} acknowledged writes "
        f"checked against the history of {len(all_claims)} claims"
    )
    for problem in check.problems:
        print(f"  {problem}")
    for write in {id(w): w for w in check.in_doubt}.values():
        print(
            f"  stored although answered {status_name(write.status)}: {write.kind} "
            f"'{write.value}' on claim {write.claim} from version "
            f"{write.expected_version}; the answer said: {write.answer[:160]}"
        )
    ok = check.ok
    if findings:
        ok = ok and findings.ok
    if args.large:
        problems = large_inputs(
            server,
            port,
            people[0][1],
            people[0][0],
            articles[0][0],
            upload_mb=args.upload_mb,
            big_claims=args.big_claims,
        )
        large_log = gunicorn_lines(log, log_start)[len(log_lines) :]
        for line in summarise_log(large_log, limit=8):
            print(f"  {line}")
        print(f"large inputs: {len(problems)} problems")
        for problem in problems:
            print(f"  {problem}")
        ok = ok and not problems
    outcome = "OK" if ok else "FAILED"
    print(f"\ntotal {time.perf_counter() - began:.0f} s; check: {outcome}")
    return ok


if __name__ == "__main__":
    main()
