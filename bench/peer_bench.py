"""Side by side with Label Studio 1.23.2: the same workloads, the same client.

    .venv/bin/python bench/peer_bench.py [--scratch /tmp/peer_bench] [--rounds 3]
        [--items 10000] [--export-rounds 1] [--write] [--factcheck-only] [--smoke]

Not part of CI: at full size it took 40 minutes on a loaded 2-core machine
(Label Studio's export alone took 20). It installs Label Studio 1.23.2 with
gunicorn into a venv of its own under ``--scratch``
(``python3.11 -m venv``, then pip from the package index; never inside the
repo, reused when already there), gives it a PostgreSQL database of its own
(``peer_ls``) and migrates it, creates a user with a (legacy) API token, and
serves it with gunicorn, 4 sync workers, DEBUG off, on 127.0.0.1. factcheck
from this repo is served the same way on its own database (``peer_fc``): 4
gunicorn workers, DEBUG off, a SECRET_KEY, an editor with an API token. The
PostgreSQL server is DATABASE_URL's (it must be on this machine), or
postgres://postgres@127.0.0.1:5432; both databases are dropped at the end.

The same client (http.client, one keep-alive connection per thread, token
authentication) then runs each workload on one and then the other, round
after round (Label Studio first in odd rounds, factcheck first in even ones):

- import N one-sentence items over HTTP (Label Studio: a new project with a
  Choices labelling config, then ``POST /api/projects/<id>/import`` of N
  tasks; factcheck: ``POST /api/v1/articles/`` of a text of N sentences, one
  a line), N = ``--items`` and 10 x ``--items``; seconds for the import
  request;
- set one verdict, 4 clients for ``--seconds``, each on its own items of the
  small import (Label Studio: ``POST /api/tasks/<id>/annotations/`` with a
  choice; factcheck: ``PATCH /api/v1/claims/<id>/`` with the verdict and the
  version last answered); writes/s and latency percentiles;
- list a page of 100, one client walking ``--pages`` pages of the small
  import (Label Studio: ``GET /api/tasks?project=<id>&page_size=100&page=k``;
  factcheck: the claims list, following its cursor); latency percentiles;
- export the large import as JSON (Label Studio:
  ``GET /api/projects/<id>/export?exportType=JSON&download_all_tasks=true``;
  factcheck: ``GET /api/v1/export/verdicts.json?article=<id>``), in the first
  ``--export-rounds`` rounds only (Label Studio needs minutes); seconds,
  bytes, and the peak of the summed RSS of gunicorn's master and workers,
  sampled every 50 ms.

It prints every run, then the medians and the ratios (Label Studio /
factcheck: above 1 means factcheck is faster or smaller), with the date,
machine and versions. ``--write`` puts that table in bench/RESULTS.md as the
section "Side by side with Label Studio", replacing only that section
(bench/run_all.py keeps it when it rewrites the rest); with
``--factcheck-only`` it replaces only the "factcheck alone" part at the
section's end, keeping the side-by-side table. A failed request or an
import that made the wrong number of items makes it exit 1.

``--factcheck-only`` skips Label Studio (nothing is installed); ``--smoke``
is that at 200 items, one round, 2 seconds of writes, so .ci/run keeps the
factcheck half from rotting. gunicorn is always stopped and the databases
dropped, also on errors and Ctrl-C.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import os
import platform
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import psycopg2
from serving import free_port, percentile, recreate_database, stop_gunicorn

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS.md"
SECTION = "## Side by side with Label Studio"
# Where a --factcheck-only --write run goes: the end of that section.
ALONE = "### factcheck alone (a later run of its half)"
LS_VERSION = "1.23.2"
# Outside the repo; a fixed name so the venv is reused between runs.
SCRATCH = Path(tempfile.gettempdir()) / "peer_bench"
LS_DATABASE = "peer_ls"
FC_DATABASE = "peer_fc"
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres"
LOCAL_DB_HOSTS = {"", "localhost", "127.0.0.1", "::1"}
LOOPBACK = "127.0.0.1"
WORKERS = 4
CLIENTS = 4
PAGE_SIZE = 100
REQUEST_TIMEOUT = 60.0
# Label Studio exports 100,000 tasks in minutes on this kind of machine.
LONG_TIMEOUT = 1800.0
RSS_SAMPLE_SECONDS = 0.05
LS_LABEL_CONFIG = (
    '<View><Text name="text" value="$text"/>'
    '<Choices name="verdict" toName="text" choice="single">'
    '<Choice value="verified"/><Choice value="disputed"/>'
    '<Choice value="misstated"/></Choices></View>'
)
VERDICTS = ("verified", "disputed", "misstated")
LABEL_STUDIO = "Label Studio"
FACTCHECK = "factcheck"

IMPORT_SMALL = "import small"
IMPORT_LARGE = "import large"
VERDICT = "set one verdict"
LIST = "list page of 100"
EXPORT = "export large"


class BenchFailed(Exception):
    """A request failed or answered something unexpected."""


# --- the client (the same for both) ------------------------------------------


class Client:
    """One keep-alive HTTP connection with token authentication."""

    def __init__(self, port: int, token: str, timeout: float = REQUEST_TIMEOUT):
        self.port = port
        self.http = http.client.HTTPConnection(LOOPBACK, port, timeout=timeout)
        self.headers = {"Authorization": f"Token {token}", "Accept": "application/json"}

    def send(self, method: str, path: str, body: object = None):
        """Send a request; the caller reads the response (to stream it)."""
        sent = dict(self.headers)
        data = None
        if body is not None:
            data = json.dumps(body, ensure_ascii=False).encode("utf-8")
            sent["Content-Type"] = "application/json; charset=utf-8"
        try:
            self.http.request(method, path, body=data, headers=sent)
            return self.http.getresponse()
        except Exception:
            self.http.close()
            raise

    def call(self, method: str, path: str, body: object = None, expect: int = 200):
        """The decoded JSON answer; BenchFailed unless the status is ``expect``."""
        response = self.send(method, path, body)
        content = response.read()
        if response.will_close:
            self.http.close()
        if response.status != expect:
            raise BenchFailed(
                f"{method} {path}: HTTP {response.status}: {content[:300]!r}"
            )
        return json.loads(content) if content else None

    def close(self) -> None:
        self.http.close()


# --- the two systems ---------------------------------------------------------


@dataclass
class Served:
    """One system under test: its gunicorn, token, and what was imported."""

    name: str
    port: int = 0
    token: str = ""
    server: subprocess.Popen | None = None
    small: list[tuple[int, list[int]]] = field(default_factory=list)
    large: list[int] = field(default_factory=list)

    def client(self, timeout: float = REQUEST_TIMEOUT) -> Client:
        return Client(self.port, self.token, timeout)

    def pids(self) -> list[int]:
        """gunicorn's master and its workers."""
        assert self.server is not None
        master = self.server.pid
        try:
            children = Path(f"/proc/{master}/task/{master}/children").read_text()
        except OSError:
            return [master]
        return [master, *map(int, children.split())]


class LabelStudio(Served):
    """Label Studio 1.23.2: a project per import, tasks, annotations."""

    def import_items(self, client: Client, sentences: list[str], title: str):
        project = client.call(
            "POST",
            "/api/projects/",
            {"title": title[:50], "label_config": LS_LABEL_CONFIG},
            expect=201,
        )["id"]
        tasks = [{"data": {"text": sentence}} for sentence in sentences]
        started = time.perf_counter()
        answer = client.call(
            "POST", f"/api/projects/{project}/import", tasks, expect=201
        )
        seconds = time.perf_counter() - started
        if answer.get("task_count") != len(sentences):
            raise BenchFailed(f"Label Studio made {answer.get('task_count')} tasks")
        return seconds, project

    def item_ids(self, client: Client, container: int, count: int) -> list[int]:
        found = client.call(
            "GET",
            f"/api/tasks?project={container}&page_size={count}&fields=task_only",
        )
        return [task["id"] for task in found["tasks"]]

    def writer(self, client: Client, items: list[int], rng: random.Random):
        """One annotation with a random choice per call, round-robin over items."""
        turn = iter(range(1 << 62))

        def write() -> None:
            task = items[next(turn) % len(items)]
            result = {
                "from_name": "verdict",
                "to_name": "text",
                "type": "choices",
                "value": {"choices": [rng.choice(VERDICTS)]},
            }
            client.call(
                "POST",
                f"/api/tasks/{task}/annotations/",
                {"result": [result]},
                expect=201,
            )

        return write

    def pages(self, client: Client, container: int):
        """A function that gets the next page of 100 tasks, from the first again
        after the last."""
        state = {"page": 1}

        def page() -> None:
            found = client.call(
                "GET",
                f"/api/tasks?project={container}&page_size={PAGE_SIZE}"
                f"&page={state['page']}",
            )
            more = state["page"] * PAGE_SIZE < found["total"]
            state["page"] = state["page"] + 1 if more else 1

        return page

    def export_path(self, container: int) -> str:
        return (
            f"/api/projects/{container}/export?exportType=JSON&download_all_tasks=true"
        )


class Factcheck(Served):
    """factcheck from this repo: an article per import, claims, verdicts."""

    def import_items(self, client: Client, sentences: list[str], title: str):
        started = time.perf_counter()
        answer = client.call(
            "POST",
            "/api/v1/articles/",
            {"title": title, "text": "\n".join(sentences)},
            expect=201,
        )
        seconds = time.perf_counter() - started
        claims = answer["counts"]["units"]
        if claims != len(sentences):
            raise BenchFailed(f"factcheck made {claims} units of {len(sentences)}")
        return seconds, answer["id"]

    def item_ids(self, client: Client, container: int, count: int) -> list[int]:
        found = client.call(
            "GET", f"/api/v1/claims/?article={container}&page_size={count}"
        )
        return [claim["id"] for claim in found["results"]]

    def writer(self, client: Client, items: list[int], rng: random.Random):
        """PATCH a random verdict with the version last answered, round-robin."""
        # Read once per claim before the clock starts, as a client would have.
        versions = {
            claim: client.call("GET", f"/api/v1/claims/{claim}/")["version"]
            for claim in items
        }
        turn = iter(range(1 << 62))

        def write() -> None:
            claim = items[next(turn) % len(items)]
            versions[claim] = client.call(
                "PATCH",
                f"/api/v1/claims/{claim}/",
                {"verdict": rng.choice(VERDICTS), "version": versions[claim]},
            )["version"]

        return write

    def pages(self, client: Client, container: int):
        """A function that gets the next page of 100 claims (by the cursor),
        from the first again after the last."""
        first = f"/api/v1/claims/?article={container}&page_size={PAGE_SIZE}"
        state = {"path": first}

        def page() -> None:
            following = client.call("GET", state["path"])["next"]
            parts = urlsplit(following or "")
            state["path"] = f"{parts.path}?{parts.query}" if following else first

        return page

    def export_path(self, container: int) -> str:
        return f"/api/v1/export/verdicts.json?article={container}"


# --- setting them up ---------------------------------------------------------


def run_command(command: list[str], env: dict[str, str], cwd: Path, log) -> str:
    """Run a setup command niced, its stderr to ``log``; its stdout."""
    result = subprocess.run(
        ["nice", "-n", "5", *command],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
        timeout=1800,
        check=False,
    )
    if result.returncode:
        log.flush()
        raise SystemExit(
            f"{' '.join(command[:3])} ... failed (exit {result.returncode}); "
            f"see {log.name}"
        )
    return result.stdout


def admin_of(postgres: str):
    """What opens a connection to the ``postgres`` database of that server."""
    return lambda: psycopg2.connect(postgres, dbname="postgres")


def ensure_label_studio(scratch: Path, log) -> Path:
    """Label Studio 1.23.2 and our gunicorn in a venv under ``scratch``."""
    venv = scratch / "ls-venv"
    python = venv / "bin" / "python"
    wanted = f"label-studio=={LS_VERSION}"
    gunicorn = f"gunicorn=={version_of('gunicorn')}"
    if not (python.exists() and installed(python, wanted, gunicorn)):
        print(f"installing {wanted} and {gunicorn} into {venv} ...", flush=True)
        started = time.perf_counter()
        run_command(
            ["python3.11", "-m", "venv", str(venv)], dict(os.environ), scratch, log
        )
        run_command(
            [str(python), "-m", "pip", "install", "-q", wanted, gunicorn],
            dict(os.environ),
            scratch,
            log,
        )
        print(f"installed in {time.perf_counter() - started:.0f} s", flush=True)
    return venv


def version_of(package: str) -> str:
    from importlib.metadata import version

    return version(package)


def installed(python: Path, *requirements: str) -> bool:
    """Whether the venv of ``python`` has each ``name==version``."""
    for requirement in requirements:
        name, wanted = requirement.split("==")
        found = subprocess.run(
            [
                str(python),
                "-c",
                f"import importlib.metadata as m; print(m.version({name!r}))",
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if found.stdout.strip() != wanted:
            return False
    return True


LS_USER_SCRIPT = """
from organizations.models import Organization
from users.models import User
user = User.objects.create_user(email="bench@example.org", password="bench-only-1")
user.is_staff = user.is_superuser = True
user.save()
org = Organization.create_organization(
    created_by=user, title="Bench", legacy_api_tokens_enabled=True
)
user.active_organization = org
user.save(update_fields=["active_organization"])
print(user.auth_token.key)
"""

FC_USER_SCRIPT = """
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from annotations import roles
user = get_user_model().objects.create_user("peer-bench-editor")
user.groups.add(Group.objects.get(name=roles.EDITOR))
"""


def label_studio_env(scratch: Path, postgres: str) -> dict[str, str]:
    """Label Studio on PostgreSQL, DEBUG off, quiet, no analytics or errors sent."""
    parts = urlsplit(postgres)
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "core.settings.label_studio",
        "DJANGO_DB": "default",
        "POSTGRE_NAME": LS_DATABASE,
        "POSTGRE_USER": parts.username or "postgres",
        "POSTGRE_PASSWORD": parts.password or "",
        "POSTGRE_HOST": parts.hostname or LOOPBACK,
        "POSTGRE_PORT": str(parts.port or 5432),
        "LABEL_STUDIO_BASE_DATA_DIR": str(scratch / "ls-data"),
        "LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN": "true",
        "COLLECT_ANALYTICS": "0",
        # Its settings default to reporting to Sentry; send nothing anywhere.
        "SENTRY_DSN": "",
        "FRONTEND_SENTRY_DSN": "",
        "DEBUG": "0",
        "LOG_LEVEL": "WARNING",
        "ALLOWED_HOSTS": LOOPBACK,
    }


def factcheck_env(postgres: str, database: str) -> dict[str, str]:
    """factcheck as load_bench.py serves it: DEBUG off, a SECRET_KEY."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "factcheck.settings",
        "DATABASE_URL": urlsplit(postgres)._replace(path=f"/{database}").geturl(),
        "DEBUG": "0",
        "SECRET_KEY": "peer-bench-only",
        "ALLOWED_HOSTS": LOOPBACK,
        "API_ANON_RATE": "1000000/second",
        "FETCH_ENABLED": "0",
    }


def set_up_label_studio(scratch: Path, postgres: str, log) -> LabelStudio:
    venv = ensure_label_studio(scratch, log)
    python = str(venv / "bin" / "python")
    env = label_studio_env(scratch, postgres)
    where = Path(
        run_command(
            [
                python,
                "-c",
                "import label_studio as m, os; print(os.path.dirname(m.__file__))",
            ],
            env,
            scratch,
            log,
        ).strip()
    )
    recreate_database(admin_of(postgres), LS_DATABASE, create=True)
    run_command([python, "manage.py", "migrate", "--noinput"], env, where, log)
    token = run_command(
        [python, "manage.py", "shell", "-c", LS_USER_SCRIPT], env, where, log
    ).split()[-1]
    served = LabelStudio(LABEL_STUDIO, port=free_port(), token=token)
    served.server = start_gunicorn(
        venv / "bin" / "gunicorn", "core.wsgi:application", where, served.port, env, log
    )
    return served


def set_up_factcheck(postgres: str, database: str, log) -> Factcheck:
    env = factcheck_env(postgres, database)
    python = str(ROOT / ".venv" / "bin" / "python")
    recreate_database(admin_of(postgres), database, create=True)
    run_command([python, "manage.py", "migrate", "--noinput"], env, ROOT, log)
    run_command([python, "manage.py", "shell", "-c", FC_USER_SCRIPT], env, ROOT, log)
    token = run_command(
        [python, "manage.py", "create_api_token", "peer-bench-editor"], env, ROOT, log
    ).strip()
    served = Factcheck(FACTCHECK, port=free_port(), token=token)
    served.server = start_gunicorn(
        ROOT / ".venv" / "bin" / "gunicorn",
        "factcheck.wsgi",
        ROOT,
        served.port,
        env,
        log,
    )
    return served


def start_gunicorn(
    gunicorn: Path, app: str, cwd: Path, port: int, env: dict[str, str], log
) -> subprocess.Popen:
    """gunicorn with 4 sync workers on the loopback address, in its own session."""
    return subprocess.Popen(
        [
            str(gunicorn),
            app,
            "--workers",
            str(WORKERS),
            "--bind",
            f"{LOOPBACK}:{port}",
            "--timeout",
            str(int(LONG_TIMEOUT)),
        ],
        cwd=cwd,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def wait_until_ready(served: Served, probe: str) -> None:
    """Until gunicorn answers ``probe``; then warm every worker up."""
    assert served.server is not None
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if served.server.poll() is not None:
            raise SystemExit(
                f"{served.name}'s gunicorn exited ({served.server.returncode})"
            )
        try:
            served.client().call("GET", probe)
            break
        except (OSError, BenchFailed):
            time.sleep(0.5)
    else:
        raise SystemExit(f"{served.name} did not answer within 180 s")
    # Each worker loads the app on its first request: load them all first.
    threads = [
        threading.Thread(
            target=lambda: [served.client().call("GET", probe) for _ in range(3)]
        )
        for _ in range(WORKERS * 2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


# --- the workloads -----------------------------------------------------------


def sentences(count: int, seed: int) -> list[str]:
    """``count`` distinct one-sentence items, mixed zh/en as news copy is."""
    rng = random.Random(seed)
    made = []
    for n in range(count):
        if rng.random() < 0.6:
            made.append(
                f"研究团队在{rng.randint(1990, 2025)}年发布了第{seed}-{n}版模型，"
                f"融资{rng.randint(1, 999)}万美元。"
            )
        else:
            made.append(
                f"Revenue grew {rng.randint(1, 99)}.5% in {rng.randint(1990, 2025)}, "
                f"report {seed}-{n} said."
            )
    return made


def run_import(served: Served, items: int, seed: int, kind: str) -> dict[str, float]:
    client = served.client(LONG_TIMEOUT)
    try:
        seconds, container = served.import_items(
            client, sentences(items, seed), f"Peer bench {kind} {seed}"
        )
    finally:
        client.close()
    if kind == IMPORT_SMALL:
        served.small.append((container, []))
    else:
        served.large.append(container)
    return {"s": seconds, "items/s": items / seconds}


def run_verdicts(served: Served, seconds: float, per_client: int) -> dict[str, float]:
    """4 clients, each setting verdicts on its own items of the last small import."""
    container, _ = served.small[-1]
    lister = served.client()
    try:
        items = served.item_ids(lister, container, CLIENTS * per_client)
    finally:
        lister.close()
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    clients = [served.client() for _ in range(CLIENTS)]
    writers = [
        served.writer(clients[n], items[n::CLIENTS], random.Random(n))
        for n in range(CLIENTS)
    ]

    def loop(write: Callable[[], None], deadline: float) -> None:
        while time.monotonic() < deadline and not failures:
            started = time.perf_counter()
            try:
                write()
            except Exception as error:  # reported, and fails the bench
                failures.append(f"{type(error).__name__}: {error}")
                return
            with lock:
                latencies.append(time.perf_counter() - started)

    deadline = time.monotonic() + seconds
    elapsed = in_threads([lambda w=w: loop(w, deadline) for w in writers])
    for client in clients:
        client.close()
    if failures:
        raise BenchFailed(f"{served.name} set verdict: {failures[0]}")
    return {
        "writes/s": len(latencies) / elapsed,
        "p50 ms": percentile(latencies, 0.5) * 1000,
        "p95 ms": percentile(latencies, 0.95) * 1000,
    }


def run_list(served: Served, pages: int) -> dict[str, float]:
    """One client walking ``pages`` pages of 100 of the last small import."""
    container, _ = served.small[-1]
    client = served.client()
    next_page = served.pages(client, container)
    latencies = []
    try:
        for _ in range(pages):
            started = time.perf_counter()
            next_page()
            latencies.append(time.perf_counter() - started)
    finally:
        client.close()
    return {
        "p50 ms": percentile(latencies, 0.5) * 1000,
        "p95 ms": percentile(latencies, 0.95) * 1000,
    }


def run_export(served: Served) -> dict[str, float]:
    """Stream the last large import's JSON export; time, size, peak server RSS."""
    client = served.client(LONG_TIMEOUT)
    pids = served.pids()
    before = rss_mb(pids)
    peak = [before]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(RSS_SAMPLE_SECONDS):
            peak[0] = max(peak[0], rss_mb(pids))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    size = 0
    started = time.perf_counter()
    try:
        response = client.send("GET", served.export_path(served.large[-1]))
        if response.status != 200:
            raise BenchFailed(f"{served.name} export: HTTP {response.status}")
        while chunk := response.read(1 << 20):
            size += len(chunk)
    finally:
        seconds = time.perf_counter() - started
        done.set()
        sampler.join()
        client.close()
    return {
        "s": seconds,
        "MB": size / 1e6,
        "peak RSS MB": peak[0],
        "RSS growth MB": peak[0] - before,
    }


def rss_mb(pids: list[int]) -> float:
    """The summed resident memory of ``pids``, in MB."""
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def in_threads(targets: list[Callable[[], None]]) -> float:
    """Run each target in a thread; the seconds until all are done."""
    threads = [threading.Thread(target=target, daemon=True) for target in targets]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started


# --- rounds and the table ----------------------------------------------------

# (work, figure, lower is better): the rows of the table, in order.
ROWS = (
    (IMPORT_SMALL, "s", True),
    (IMPORT_LARGE, "s", True),
    (VERDICT, "writes/s", False),
    (VERDICT, "p50 ms", True),
    (VERDICT, "p95 ms", True),
    (LIST, "p50 ms", True),
    (LIST, "p95 ms", True),
    (EXPORT, "s", True),
    (EXPORT, "MB", True),
    (EXPORT, "peak RSS MB", True),
)
Runs = dict[str, dict[str, list[dict[str, float]]]]


def run_rounds(systems: list[Served], args: argparse.Namespace) -> Runs:
    """Each workload on each system in turn, round after round."""
    runs: Runs = {served.name: {} for served in systems}
    for number in range(args.rounds):
        seed = 1000 * (number + 1)
        steps: list[tuple[str, Callable[[Served], dict[str, float]]]] = [
            (
                IMPORT_SMALL,
                lambda s, seed=seed: run_import(s, args.items, seed + 1, IMPORT_SMALL),
            ),
            (
                IMPORT_LARGE,
                lambda s, seed=seed: run_import(
                    s, 10 * args.items, seed + 2, IMPORT_LARGE
                ),
            ),
            (VERDICT, lambda s: run_verdicts(s, args.seconds, args.per_client)),
            (LIST, lambda s: run_list(s, args.pages)),
        ]
        if number < args.export_rounds:
            steps.append((EXPORT, run_export))
        # Who goes first alternates, so neither always meets a warmer machine.
        order = systems if number % 2 == 0 else systems[::-1]
        for work, step in steps:
            for served in order:
                figures = step(served)
                runs[served.name].setdefault(work, []).append(figures)
                shown = ", ".join(
                    f"{key} {value:.1f}" for key, value in figures.items()
                )
                print(
                    f"round {number + 1}  {work:<17} {served.name:<13} {shown}",
                    flush=True,
                )
    return runs


def median_of(runs: Runs, name: str, work: str, figure: str) -> float | None:
    values = [run[figure] for run in runs.get(name, {}).get(work, [])]
    return statistics.median(values) if values else None


def table(runs: Runs, args: argparse.Namespace) -> list[str]:
    """The medians, and how many times faster or smaller factcheck is."""
    sizes = {IMPORT_SMALL: f"{args.items:,}", IMPORT_LARGE: f"{10 * args.items:,}"}
    sizes[EXPORT] = sizes[IMPORT_LARGE]
    both = LABEL_STUDIO in runs
    head = "| work | figure | "
    head += (
        f"Label Studio {LS_VERSION} | factcheck | factcheck better by |"
        if both
        else "factcheck |"
    )
    lines = [head, "|---|---|" + ("---:|" * (3 if both else 1))]
    for work, figure, lower in ROWS:
        fc = median_of(runs, FACTCHECK, work, figure)
        if fc is None:
            continue
        label = work.replace("small", sizes[IMPORT_SMALL]).replace(
            "large", sizes[EXPORT]
        )
        row = f"| {label} | {figure} | "
        if both:
            ls = median_of(runs, LABEL_STUDIO, work, figure)
            ratio = (ls / fc if lower else fc / ls) if ls and fc else float("nan")
            row += f"{ls:,.1f} | {fc:,.1f} | {ratio:.1f}x |"
        else:
            row += f"{fc:,.1f} |"
        lines.append(row)
    return lines


def header(systems: list[Served], postgres: str, args: argparse.Namespace) -> list[str]:
    """When, where and what was measured."""
    load = " ".join(f"{n:.2f}" for n in os.getloadavg())
    cpu = platform.processor() or platform.machine()
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    names = " and ".join(
        f"Label Studio {LS_VERSION}"
        if s.name == LABEL_STUDIO
        else f"factcheck {git_commit()}"
        for s in systems
    )
    return [
        f"- Date: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC",
        f"- Machine: {os.cpu_count()} cores, {cpu}; {platform.system()} "
        f"{platform.release()}; Python {platform.python_version()}; load average "
        f"at the end {load} (a shared machine slows every figure, both sides alike)",
        f"- Served: {names}{', each' if len(systems) > 1 else ''} by gunicorn "
        f"{version_of('gunicorn')} with "
        f"{WORKERS} sync workers, DEBUG off, on {postgres_version(postgres)}",
        f"- Runs: {args.rounds} round(s) interleaved (exports in the first "
        f"{args.export_rounds}); {CLIENTS} clients x {args.seconds:g} s of verdicts "
        f"on {args.per_client} items each; {args.pages} list pages; medians shown",
        "- Memory: the summed RSS of gunicorn's master and workers, sampled every "
        f"{RSS_SAMPLE_SECONDS * 1000:.0f} ms during the export (shared pages count "
        "once per process)",
    ]


def postgres_version(postgres: str) -> str:
    link = psycopg2.connect(postgres, dbname="postgres")
    try:
        number = link.server_version
    finally:
        link.close()
    return f"PostgreSQL {number // 10000}.{number % 100}"


def git_commit() -> str:
    found = subprocess.run(
        ["git", "describe", "--always", "--dirty"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    return found.stdout.strip() or "unknown"


def write_section(text: str, path: Path = RESULTS, *, alone: bool = False) -> None:
    """Replace (or add) this bench's section of RESULTS.md, and only it; with
    ``alone``, only the factcheck-alone part at its end."""
    page = path.read_text(encoding="utf-8") if path.exists() else "# Bench results\n"
    page = replace_section(page, text, alone=alone)
    path.write_text(page, encoding="utf-8")


def replace_section(page: str, text: str, *, alone: bool = False) -> str:
    """``page`` with its side-by-side section replaced by ``text`` (or added).

    With ``alone`` (a factcheck-only run), ``text`` replaces only the section's
    ALONE part, and the side-by-side table before it stays."""
    pattern = re.compile(rf"^{re.escape(SECTION)}\n.*?(?=^## |\Z)", re.M | re.S)
    found = pattern.search(page)
    if alone:
        kept = found.group(0) if found else SECTION + "\n"
        text = kept.split(f"\n{ALONE}\n")[0].rstrip() + "\n\n" + text.rstrip()
    section = text.rstrip() + "\n"
    if found:
        return pattern.sub(lambda _: section + "\n", page, count=1).rstrip() + "\n"
    return page.rstrip() + "\n\n" + section


# --- main --------------------------------------------------------------------


def _terminated(signum, frame) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scratch", type=Path, default=SCRATCH)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--export-rounds", type=int, default=1)
    parser.add_argument("--items", type=int, default=10_000, help="small import")
    parser.add_argument("--seconds", type=float, default=15.0, help="of verdicts")
    parser.add_argument("--per-client", type=int, default=50)
    parser.add_argument("--pages", type=int, default=50)
    parser.add_argument("--factcheck-only", action="store_true")
    parser.add_argument("--write", action="store_true", help="into bench/RESULTS.md")
    parser.add_argument(
        "--smoke", action="store_true", help="factcheck only, 200 items, 1 round"
    )
    args = parser.parse_args()
    if args.smoke:
        args.factcheck_only = True
        args.items, args.rounds, args.seconds, args.pages = 200, 1, 2.0, 2
        args.per_client = 10
    # Its own names, so a CI smoke run never drops a full run's database.
    args.databases = [FC_DATABASE + ("_smoke" if args.smoke else "")]
    if not args.factcheck_only:
        args.databases.insert(0, LS_DATABASE)
    scratch = args.scratch.resolve()
    if scratch == ROOT or ROOT in scratch.parents:
        parser.error("--scratch must be outside the repository")
    args.scratch = scratch
    return args


def main() -> int:
    args = arguments()
    postgres = os.environ.get("DATABASE_URL") or DEFAULT_POSTGRES
    if not postgres.startswith("postgres"):
        raise SystemExit("DATABASE_URL must name a PostgreSQL server.")
    if (urlsplit(postgres).hostname or "") not in LOCAL_DB_HOSTS:
        raise SystemExit("Refusing a database server off this machine.")
    args.scratch.mkdir(parents=True, exist_ok=True)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _terminated)
    systems: list[Served] = []
    log_path = args.scratch / f"peer_bench{'_smoke' if args.smoke else ''}.log"
    with log_path.open("w") as log:
        print(f"setup and server output: {log_path}", flush=True)
        try:
            return measure(args, postgres, systems, log)
        except BenchFailed as error:
            print(f"FAILED: {error}", flush=True)
            return 1
        finally:
            for served in systems:
                if served.server is not None:
                    stop_gunicorn(served.server)
            for name in args.databases:
                recreate_database(admin_of(postgres), name, create=False)


def measure(args: argparse.Namespace, postgres: str, systems: list[Served], log) -> int:
    """Set both up, run the rounds, print (and write) the table."""
    started = time.perf_counter()
    if not args.factcheck_only:
        systems.append(set_up_label_studio(args.scratch, postgres, log))
        wait_until_ready(systems[-1], "/api/projects/?page_size=1")
    systems.append(set_up_factcheck(postgres, args.databases[-1], log))
    wait_until_ready(systems[-1], "/api/v1/claims/?page_size=1")
    print(f"setup {time.perf_counter() - started:.0f} s", flush=True)
    runs = run_rounds(systems, args)
    lines = [
        ALONE if args.factcheck_only else SECTION,
        "",
        "`" + " ".join(["bench/peer_bench.py", *sys.argv[1:]]) + "`",
        "",
    ]
    lines += header(systems, postgres, args)
    lines += ["", *table(runs, args)]
    print("\n" + "\n".join(lines), flush=True)
    if args.write:
        write_section("\n".join(lines), alone=args.factcheck_only)
        print(f"\nwrote the section to {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
