"""Conflicting writes: threads racing on the same few claims, checked by history.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
        .venv/bin/python bench/concurrency_bench.py              # 100, 1000, 10000
    ... bench/concurrency_bench.py --writes 1000 --threads 8     # one size
    ... bench/concurrency_bench.py --smoke                       # 100 and 1000

PostgreSQL only: DATABASE_URL names the server, and the bench creates its own
database there (``factcheck_bench_concurrency``), migrates it and drops it at
the end. For each size, ``--threads`` threads (each on its own connection, as
its own editor) make that many writes in total to the same ``--claims``
claims of a fresh article: set_verdict, edit_claim (the rationale) and
add_source, each with expected_version = the version the thread last saw of
that claim. Nothing is retried: a write is applied on the latest version or
refused with StaleVersion, after which the thread knows the current version.

Then the claims' history (one django-simple-history row per applied write)
is checked against what the threads saw acknowledged: per claim the versions
are exactly 1..final with no gap or duplicate, each acknowledged write is the
history row of its version with the value it wrote, no history row, version
or source exists that nobody was told was applied, and the last history row
equals the claim as stored. tests/test_concurrency.py runs the same check.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
    # DEBUG makes Django record every query, which is not what we measure.
    os.environ["DEBUG"] = "0"
    # Benches make sources with made-up addresses: archive none of them.
    os.environ["FETCH_ENABLED"] = "0"
    os.environ.setdefault("SECRET_KEY", "bench-only")

    import django

    django.setup()

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group
from django.db import connection, connections

from annotations import history, roles, services
from annotations.models import Claim, Source, Verdict

SIZES = (100, 1000, 10000)
SMOKE_SIZES = (100, 1000)
THREADS = 8
CLAIMS = 3
DATABASE = "factcheck_bench_concurrency"
LOCAL_DB_HOSTS = {"", "localhost", "127.0.0.1", "::1"}

VERDICT, RATIONALE, SOURCE = "set_verdict", "edit_claim", "add_source"
# Half verdicts, a quarter rationale-only edits, a quarter new sources.
OPERATIONS = (VERDICT, VERDICT, RATIONALE, SOURCE)
VERDICTS = (Verdict.VERIFIED, Verdict.DISPUTED, Verdict.MISSTATED)
APPLIED, CONFLICT, ERROR = "applied", "conflict", "error"


@dataclass(frozen=True)
class Write:
    """One attempted write and what its thread was told."""

    claim: int
    operation: str
    expected_version: int
    verdict: str
    value: str  # the rationale written, or the new source's title
    outcome: str
    seconds: float
    error: str = ""

    @property
    def version(self) -> int:
        """The version an applied write created."""
        return self.expected_version + 1


@dataclass
class Run:
    writes: list[Write]
    seconds: float
    claims: list[int]

    def count(self, outcome: str) -> int:
        return sum(write.outcome == outcome for write in self.writes)


@dataclass
class Check:
    """What the history says about a run; ``ok`` when nothing is amiss."""

    lost: int = 0
    phantom: int = 0
    history_rows: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.lost or self.phantom or self.problems)


def article_text(claims: int, seed: int) -> str:
    """``claims`` distinct sentences, one per line (mixed zh/en)."""
    return "\n".join(
        f"Sentence {seed}-{n} says revenue grew {n}.5% in 2024."
        if n % 2
        else f"第{seed}-{n}句说公司在{2000 + n}年成立。"
        for n in range(claims)
    )


def editors(count: int) -> list[AbstractBaseUser]:
    """``count`` users with the editor role (created once)."""
    if not Group.objects.filter(name=roles.EDITOR).exists():
        roles.install_roles()  # a transactional test emptied the database
    group = Group.objects.get(name=roles.EDITOR)
    users = []
    for n in range(count):
        user, created = get_user_model().objects.get_or_create(
            username=f"bench-editor-{n}"
        )
        if created:
            user.groups.add(group)
        users.append(user)
    return users


def run(
    *, writes: int, threads: int = THREADS, claims: int = CLAIMS, seed: int = 0
) -> Run:
    """Make ``writes`` conflicting writes from ``threads`` threads on fresh claims."""
    article = services.import_article(
        text=article_text(claims, seed), title=f"Concurrency {seed}-{writes}"
    )
    claim_ids = list(
        article.claims.order_by("position").values_list("id", flat=True)[:claims]
    )
    people = editors(threads)
    shares = [writes // threads + (n < writes % threads) for n in range(threads)]
    results: list[list[Write]] = [[] for _ in range(threads)]
    failures: list[BaseException] = []
    start = threading.Barrier(threads + 1)
    workers = [
        threading.Thread(
            target=_work,
            args=(shares[n], claim_ids, people[n], results[n], start, failures),
            kwargs={"seed": seed * 1000 + n, "name": f"t{n}"},
            daemon=True,
        )
        for n in range(threads)
    ]
    for worker in workers:
        worker.start()
    try:
        start.wait()
    except threading.BrokenBarrierError:
        pass  # a thread failed before starting: raised below
    began = time.perf_counter()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - began
    if failures:
        raise failures[0]
    return Run(
        writes=[write for made in results for write in made],
        seconds=elapsed,
        claims=claim_ids,
    )


def _work(
    count: int,
    claim_ids: list[int],
    editor: AbstractBaseUser,
    made: list[Write],
    start: threading.Barrier,
    failures: list[BaseException],
    *,
    seed: int,
    name: str,
) -> None:
    """One thread: ``count`` writes on random claims, from what it last read."""
    rng = random.Random(seed)
    try:
        claims = {claim.pk: claim for claim in Claim.objects.filter(pk__in=claim_ids)}
        # The version this thread last saw of each claim.
        known = {pk: claim.version for pk, claim in claims.items()}
        # Permissions are cached on the user: read them before the clock starts.
        roles.require(editor, roles.EDIT)
        start.wait()
        for n in range(count):
            pk = rng.choice(claim_ids)
            operation = rng.choice(OPERATIONS)
            verdict = rng.choice(VERDICTS)
            value = f"{name}-{n}"
            expected = known[pk]
            error = ""
            began = time.perf_counter()
            try:
                _write(claims[pk], operation, editor, expected, verdict, value)
            except services.StaleVersion as stale:
                outcome = CONFLICT
                known[pk] = stale.current.version
            except Exception as unexpected:  # counted and reported, not raised
                outcome, error = ERROR, f"{type(unexpected).__name__}: {unexpected}"
                known[pk] = Claim.objects.values_list("version", flat=True).get(pk=pk)
            else:
                outcome = APPLIED
                known[pk] = expected + 1
            seconds = time.perf_counter() - began
            made.append(
                Write(pk, operation, expected, verdict, value, outcome, seconds, error)
            )
    except BaseException as failure:
        failures.append(failure)
        start.abort()
    finally:
        # Each thread has its own connection; leave none open on the database.
        connections.close_all()


def _write(
    claim: Claim,
    operation: str,
    editor: AbstractBaseUser,
    expected: int,
    verdict: str,
    value: str,
) -> None:
    if operation == VERDICT:
        services.set_verdict(
            claim=claim,
            verdict=verdict,
            rationale=value,
            editor=editor,
            expected_version=expected,
        )
    elif operation == RATIONALE:
        services.edit_claim(
            claim=claim, editor=editor, expected_version=expected, rationale=value
        )
    else:
        services.add_source(
            claim=claim,
            url=f"https://example.org/{value}",
            title=value,
            added_by=editor,
            expected_version=expected,
        )


def check(result: Run) -> Check:
    """Compare the claims' history with the writes the threads saw applied."""
    report = Check()
    for pk in result.claims:
        _check_claim(pk, [w for w in result.writes if w.claim == pk], report)
    errors = Counter(w.error for w in result.writes if w.outcome == ERROR)
    for error, times in errors.most_common(5):
        report.problems.append(f"{times} x {error}")
    return report


def _check_claim(pk: int, writes: list[Write], report: Check) -> None:
    applied = [w for w in writes if w.outcome == APPLIED]
    rows = list(
        Claim.history.filter(id=pk)
        .order_by("history_id")
        .values(
            "version", "history_type", "verdict", "rationale", "history_change_reason"
        )
    )
    final = Claim.objects.get(pk=pk)
    base, changes = rows[0], rows[1:]
    report.history_rows += len(changes)
    if (base["version"], base["history_type"]) != (1, history.CREATED):
        report.problems.append(f"claim {pk}: the first history row is not version 1")
    recorded = Counter(row["version"] for row in rows)
    acknowledged = Counter(w.version for w in applied)
    by_version = {row["version"]: row for row in rows}
    # Lost: a write its thread was told was applied that the history (or the
    # final row) does not hold, or two writes told they made the same version.
    missing = [w for w in applied if not _recorded(w, by_version.get(w.version))]
    report.lost += len(missing) + sum(n - 1 for n in acknowledged.values())
    # Phantom: a version, or a history row, that no acknowledged write made.
    unexplained = {v for v in range(2, final.version + 1) if v not in acknowledged} | {
        v for v in recorded if v > final.version
    }
    report.phantom += len(unexplained) + sum(n - 1 for n in recorded.values())
    for write in missing[:3]:
        row = by_version.get(write.version)
        report.problems.append(
            f"claim {pk}: {write.operation} '{write.value}' was acknowledged as "
            f"version {write.version}; its history row is {row}"
        )
    gaps = [v for v in range(1, final.version + 1) if v not in recorded]
    if gaps or len(changes) != len(applied) or final.version != 1 + len(applied):
        report.problems.append(
            f"claim {pk}: {len(applied)} writes acknowledged, {len(changes)} "
            f"history rows after the first, final version {final.version}, "
            f"versions without a history row: {gaps[:10]}"
        )
    last = rows[-1]
    replayed = (last["version"], last["verdict"], last["rationale"])
    if replayed != (final.version, final.verdict, final.rationale):
        report.lost += 1
        report.problems.append(f"claim {pk}: history replay {replayed} != stored row")
    titles = Counter(Source.objects.filter(claim_id=pk).values_list("title", flat=True))
    added = Counter(w.value for w in applied if w.operation == SOURCE)
    report.lost += sum((added - titles).values())
    report.phantom += sum((titles - added).values())


def _recorded(write: Write, row: dict | None) -> bool:
    """Whether the history row of the write's version holds what it wrote."""
    if row is None:
        return False
    if write.operation == VERDICT:
        return (row["verdict"], row["rationale"]) == (write.verdict, write.value)
    if write.operation == RATIONALE:
        return row["rationale"] == write.value
    return row["history_change_reason"] == f"source added: {write.value}"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


HEADER = (
    f"{'writes':>7} {'threads':>7} {'claims':>6} {'applied':>8} {'conflicts':>9} "
    f"{'errors':>6} {'writes/s':>9} {'p50 ms':>7} {'p95 ms':>7} {'lost':>5} "
    f"{'phantom':>7}"
)


def row(result: Run, verdict: Check, threads: int) -> str:
    """One line of the table under HEADER."""
    latencies = [write.seconds * 1000 for write in result.writes]
    return (
        f"{len(result.writes):>7} {threads:>7} {len(result.claims):>6} "
        f"{result.count(APPLIED):>8} {result.count(CONFLICT):>9} "
        f"{result.count(ERROR):>6} {len(result.writes) / result.seconds:>9.0f} "
        f"{statistics.median(latencies):>7.2f} {percentile(latencies, 0.95):>7.2f} "
        f"{verdict.lost:>5} {verdict.phantom:>7}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--writes", type=int, help="one size (default: 100, 1000 and 10000)"
    )
    parser.add_argument("--threads", type=int, default=THREADS)
    parser.add_argument("--claims", type=int, default=CLAIMS)
    parser.add_argument("--database", default=DATABASE)
    parser.add_argument("--smoke", action="store_true", help="100 and 1000 writes")
    args = parser.parse_args()
    sizes = [args.writes] if args.writes else SIZES
    if args.smoke:
        sizes = SMOKE_SIZES
    config = connection.settings_dict
    if connection.vendor != "postgresql":
        raise SystemExit(
            "This bench needs PostgreSQL (SQLite serialises every write, so "
            "nothing would race): set DATABASE_URL=postgres://user@host:5432/postgres"
        )
    if (config["HOST"] or "") not in LOCAL_DB_HOSTS:
        raise SystemExit(
            f"Refusing a database server off this machine: {config['HOST']}"
        )
    if not args.database.replace("_", "").isalnum() or args.database == config["NAME"]:
        raise SystemExit(f"Choose a plain bench database name, not '{args.database}'.")
    config["TEST"] = {**config.get("TEST", {}), "NAME": args.database}
    old_name = config["NAME"]
    failed = False
    try:
        connection.creation.create_test_db(
            verbosity=0, autoclobber=True, serialize=False
        )
        print(f"database: postgresql ({args.database}); nothing is retried")
        print(HEADER)
        for seed, size in enumerate(sizes, start=1):
            result = run(
                writes=size, threads=args.threads, claims=args.claims, seed=seed
            )
            verdict = check(result)
            print(row(result, verdict, args.threads), flush=True)
            for problem in verdict.problems:
                print(f"  {problem}")
            failed = failed or not verdict.ok or bool(result.count(ERROR))
    finally:
        connections.close_all()
        # Also after a failed migration: the bench's own database goes.
        if config["NAME"] == args.database:
            connection.creation.destroy_test_db(old_name, verbosity=0)
    print(
        "check: every applied write is in the history at its version, "
        f"no lost updates or phantom versions: {'FAILED' if failed else 'OK'}"
    )
    if failed:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
