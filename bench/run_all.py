"""Every bench in bench/: small self-checking runs for CI, or full size for RESULTS.md.

    .venv/bin/python bench/run_all.py --smoke     # .ci/run: a few minutes
    .venv/bin/python bench/run_all.py             # make bench: writes RESULTS.md
    .venv/bin/python bench/run_all.py --only export_bench.py,import_bench.py

Each bench runs in a process of its own, on each database it supports: SQLite
(no DATABASE_URL), PostgreSQL (``--postgres``, where each bench creates and
drops databases of its own), or, for load_bench.py, its own PostgreSQL
cluster. A bench that crashes or whose checks fail exits non-zero, and then
so does this runner, after running the rest. At full size it writes
bench/RESULTS.md: the date, the machine, the databases and every bench's
printed figures, keeping the section that bench/peer_bench.py --write put
there (Label Studio side by side, run by hand). tests/test_benches.py fails
when a script in bench/ is neither in BENCHES nor in HELPERS, so no bench is
left out.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
RESULTS = BENCH_DIR / "RESULTS.md"

SQLITE = "SQLite"
POSTGRESQL = "PostgreSQL"
OWN_CLUSTER = "PostgreSQL (own cluster)"
# Each bench makes databases of its own there (test_factcheck_bench, ...).
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/factcheck_bench"
SMOKE_TIMEOUT = 600
FULL_TIMEOUT = 3600


@dataclass(frozen=True)
class Bench:
    """A bench script, the databases it runs on, and its full-size arguments."""

    script: str
    databases: tuple[str, ...]
    full: tuple[str, ...] = ()


# Full size is three sizes growing 10x, or two where the third would add
# many minutes on a 2-core machine (exports and lookups at 100,000 claims,
# the 10 MB import with its analysis). Run those by hand: export_bench.py and
# matching_bench.py with their default sizes, import_bench.py --sizes 10MB.
BENCHES = (
    Bench("import_bench.py", (SQLITE, POSTGRESQL), ("--sizes", "10KB,100KB,1MB")),
    Bench("export_bench.py", (SQLITE, POSTGRESQL), ("--sizes", "1000,10000")),
    Bench("matching_bench.py", (SQLITE, POSTGRESQL), ("--sizes", "1000,10000")),
    Bench("workspace_bench.py", (SQLITE, POSTGRESQL)),
    # Its own file-backed SQLite database (WAL and the write lock need a file).
    Bench("sqlite_bench.py", (SQLITE,)),
    # The real-news corpus in the repo: small enough that full size is smoke.
    Bench("segmentation_bench.py", (SQLITE,), ("--check",)),
    Bench("assist_bench.py", (SQLITE,), ("--check",)),
    Bench("api_bench.py", (POSTGRESQL,)),
    Bench("concurrency_bench.py", (POSTGRESQL,)),
    Bench("load_bench.py", (OWN_CLUSTER,), ("--large",)),
    # Label Studio side by side takes 40 minutes and installs it from PyPI:
    # run by hand, `bench/peer_bench.py --write`, whose section this runner
    # keeps. Here only factcheck's half runs, so the script cannot rot.
    Bench("peer_bench.py", (POSTGRESQL,), ("--factcheck-only",)),
)
# The section bench/peer_bench.py --write puts in RESULTS.md, kept on rewrites.
KEPT_SECTION = "## Side by side with Label Studio"
# Scripts in bench/ that are not benches: shared code, and this runner.
HELPERS = ("people.py", "run_all.py", "selfcheck.py", "serving.py")


@dataclass
class Outcome:
    """One bench run on one database: its command, output and exit code."""

    bench: Bench
    database: str
    command: list[str]
    output: str
    returncode: int
    seconds: float

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def run(bench: Bench, database: str, *, smoke: bool, postgres: str) -> Outcome:
    """Run one bench on one database, echoing its output as it comes."""
    script = BENCH_DIR / bench.script
    arguments = ["--smoke"] if smoke else list(bench.full)
    command = [sys.executable, str(script), *arguments]
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    if database == POSTGRESQL:
        env["DATABASE_URL"] = postgres
    print(f"\n== {bench.script} on {database}: {' '.join(arguments)}", flush=True)
    started = time.perf_counter()
    lines = []
    with subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    ) as process:
        assert process.stdout is not None
        for line in process.stdout:
            print(line, end="", flush=True)
            lines.append(line)
        try:
            process.wait(timeout=SMOKE_TIMEOUT if smoke else FULL_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    seconds = time.perf_counter() - started
    outcome = Outcome(
        bench, database, command, "".join(lines), process.returncode, seconds
    )
    print(f"== {'OK' if outcome.ok else 'FAILED'} in {seconds:.0f} s", flush=True)
    return outcome


def machine() -> dict[str, str]:
    """Cores, memory, CPU model, system and Python of this machine."""
    model = platform.processor() or platform.machine()
    memory = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GB"
                break
    except OSError:
        pass
    return {
        "cores": str(os.cpu_count()),
        "memory": memory,
        "cpu": model,
        "system": f"{platform.system()} {platform.release()} {platform.machine()}",
        "python": platform.python_version(),
        "load": " ".join(f"{n:.2f}" for n in os.getloadavg()),
    }


def databases(used: set[str], postgres: str) -> dict[str, str]:
    """The version of each database in ``used``."""
    versions = {
        SQLITE: f"SQLite {sqlite3.sqlite_version} (an in-memory test database)",
        OWN_CLUSTER: "PostgreSQL 15, load_bench.py's own cluster on 127.0.0.1:5433",
    }
    if POSTGRESQL in used:
        versions[POSTGRESQL] = postgres_version(postgres)
    return {
        name: versions[name]
        for name in (SQLITE, POSTGRESQL, OWN_CLUSTER)
        if name in used
    }


def postgres_version(postgres: str) -> str:
    try:
        import psycopg2

        link = psycopg2.connect(postgres, dbname="postgres", connect_timeout=5)
        version = link.server_version  # e.g. 150014
        link.close()
    except Exception as error:  # reported, not fatal: the benches there failed
        return f"PostgreSQL, not reachable at {postgres}: {error}"
    return f"PostgreSQL {version // 10000}.{version % 100} at {postgres}"


def render(
    outcomes: list[Outcome],
    *,
    when: datetime.datetime,
    host: dict[str, str],
    versions: dict[str, str],
    commit: str,
) -> str:
    """bench/RESULTS.md: when, where, on what, and each bench's printed figures."""
    lines = [
        "# Bench results",
        "",
        "Written by `make bench` (`bench/run_all.py`); do not edit by hand, run it "
        "again. Each section is one bench's output as it printed it.",
        "",
        f"- Date: {when:%Y-%m-%d %H:%M} UTC",
        f"- Commit: {commit}",
        f"- Machine: {host['cores']} cores, {host['memory']} memory, "
        f"{host['cpu']}; {host['system']}; Python {host['python']}",
        f"- Load average when the run began: {host['load']} (the machine may be "
        "shared, which slows every figure)",
    ]
    lines += [f"- Database: {version}" for version in versions.values()]
    failed = [outcome for outcome in outcomes if not outcome.ok]
    lines += [
        f"- Outcome: {len(outcomes) - len(failed)} of {len(outcomes)} runs passed "
        "their checks"
        + (f"; FAILED: {', '.join(map(label, failed))}" if failed else ""),
        "",
        "| bench | database | arguments | seconds | checks |",
        "|---|---|---|---:|---|",
    ]
    for outcome in outcomes:
        lines.append(
            f"| [{outcome.bench.script}](#{anchor(outcome)}) | {outcome.database} | "
            f"`{' '.join(outcome.command[2:]) or '(defaults)'}` | "
            f"{outcome.seconds:.0f} | {'OK' if outcome.ok else 'FAILED'} |"
        )
    for outcome in outcomes:
        lines += [
            "",
            f"## {label(outcome)}",
            "",
            f"`bench/{outcome.bench.script} {' '.join(outcome.command[2:])}`"
            f" ({outcome.seconds:.0f} s, exit code {outcome.returncode})",
            "",
            "```text",
            outcome.output.rstrip().replace("```", "'''"),
            "```",
        ]
    return "\n".join(lines) + "\n"


def kept_section(page: str) -> str:
    """The side-by-side section of an earlier RESULTS.md, or nothing."""
    start = page.find(f"\n{KEPT_SECTION}\n")
    if start < 0:
        return ""
    end = page.find("\n## ", start + 1)
    return page[start : end if end >= 0 else len(page)].rstrip() + "\n"


def label(outcome: Outcome) -> str:
    return f"{outcome.bench.script} on {outcome.database}"


def anchor(outcome: Outcome) -> str:
    """The GitHub-style anchor of the outcome's heading."""
    kept = "".join(c for c in label(outcome).lower() if c.isalnum() or c in " -_")
    return kept.replace(" ", "-")


def git_commit() -> str:
    try:
        found = subprocess.run(
            ["git", "describe", "--always", "--dirty"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return found.stdout.strip()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--smoke", action="store_true", help="small sizes; write no RESULTS.md"
    )
    parser.add_argument(
        "--postgres",
        default=os.environ.get("BENCH_POSTGRES_URL", DEFAULT_POSTGRES),
        help="the PostgreSQL server (and a database name the benches derive "
        "theirs from); BENCH_POSTGRES_URL sets the default",
    )
    parser.add_argument("--only", help="comma-separated scripts, e.g. api_bench.py")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    chosen = BENCHES
    if args.only:
        names = args.only.split(",")
        unknown = set(names) - {bench.script for bench in BENCHES}
        if unknown:
            parser.error(f"not a registered bench: {', '.join(sorted(unknown))}")
        chosen = tuple(bench for bench in BENCHES if bench.script in names)
    when = datetime.datetime.now(datetime.UTC)
    host = machine()
    started = time.perf_counter()
    outcomes = [
        run(bench, database, smoke=args.smoke, postgres=args.postgres)
        for bench in chosen
        for database in bench.databases
    ]
    failed = [label(outcome) for outcome in outcomes if not outcome.ok]
    if not args.smoke:
        page = render(
            outcomes,
            when=when,
            host=host,
            versions=databases(
                {outcome.database for outcome in outcomes}, args.postgres
            ),
            commit=git_commit(),
        )
        if args.out.exists():
            page += kept_section(args.out.read_text(encoding="utf-8"))
        args.out.write_text(page, encoding="utf-8")
        print(f"\nwrote {args.out}")
    print(
        f"\nbenches: {len(outcomes) - len(failed)} of {len(outcomes)} runs OK in "
        f"{time.perf_counter() - started:.0f} s"
        + (f"; FAILED: {', '.join(failed)}" if failed else "")
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
