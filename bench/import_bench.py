"""Import throughput: generated mixed Chinese/English articles of growing size.

    .venv/bin/python bench/import_bench.py                 # SQLite
    .venv/bin/python bench/import_bench.py --smoke         # 10KB and 100KB
    .venv/bin/python bench/import_bench.py --import-only   # no analysis, no request
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/factcheck \
        .venv/bin/python bench/import_bench.py             # PostgreSQL

For each size it prints units, seconds, units/second, queries and peak Python
memory of the import (decode, segment, classify, store, first history
entries); the stored part on its own (the transaction: article, claims and
their first history entries; segmenting comes before it) with its units per
second, next to a raw ``executemany`` of the same claim rows with no ORM: the
floor ("x floor" is the stored part over it); the database's own part of it,
every row made before the clock starts ("db s": the claims as one COPY on
PostgreSQL, their history, the commit; "x db" is the stored part over it);
and the speed of segmenting the
text alone (MB per CPU second, best of 3). Then the analysis an import queues
(names, figures, contradictions, triage, past-verdict sketches: jieba's
tagger dominates) is run as the worker runs that job and timed on its own,
with its units per second. Then one request: a 1,000-sentence article posted
to the API, answered before any analysis. It checks that every import stored
one claim per segmented unit, with the same number of queries at every size
and at most MAX_QUERIES, and exits 1 otherwise; the stored part's target is
printed as met or MISSED. On PostgreSQL it then takes the database part apart
at each size (measure_database_layers): the same rows into a table with only
a primary key, then with the claims' indexes, then into the claims' table
with its checks and foreign keys, then with the first history entries too.
Runs in a throwaway test database, which it creates and destroys.
``--import-only`` leaves out the analysis and the request: the import
figures alone, in seconds rather than minutes.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
# DEBUG makes Django record and format every query, which is not what we measure.
os.environ["DEBUG"] = "0"
# Benches make sources with made-up addresses: archive none of them.
os.environ["FETCH_ENABLED"] = "0"
os.environ.setdefault("SECRET_KEY", "bench-only")

import django

django.setup()

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone
from rest_framework.test import APIClient
from selfcheck import Checks

from annotations import importing, jobs, services
from annotations.models import Article, Claim, JobStatus, new_public_id
from annotations.services import recording
from annotations.text import names, segmentation

SIZES = {"10KB": 10_000, "100KB": 100_000, "1MB": 1_000_000, "10MB": 10_000_000}
SMOKE_SIZES = "10KB,100KB"
# The documented bound, whatever the size: one INSERT streams every claim
# (COPY on PostgreSQL, one executemany on SQLite) and one INSERT ... SELECT
# writes their first history rows, next to the article, its duplicate check
# and the look-up of webhooks that want imports.
MAX_QUERIES = {"sqlite": 6, "postgresql": 4}
# Issue 16's target for the stored part on SQLite, and issue 18's on
# PostgreSQL: printed as met or MISSED, never failing a run (timings change
# with the machine's load). Below 100 KB an import's fixed cost (its
# transaction, the article row) is most of its time, so smaller sizes are
# shown but not held to it.
TARGET_STORED_UNITS = 40_000
TARGET_FROM = 100_000

_ZH_SUBJECTS = [
    "英伟达",
    "清华大学",
    "伯克利",
    "这家公司",
    "研究团队",
    "两位科学家",
    "投资人",
    "监管机构",
    "开源社区",
    "斯坦福大学",
]
_ZH_VERBS = [
    "宣布",
    "收购了",
    "发布了",
    "投资了",
    "否认了",
    "证实了",
    "推出了",
    "任命了",
]
_ZH_OBJECTS = [
    "新的大模型",
    "一家创业公司",
    "首席科学家",
    "1060万美元融资",
    "80%以上的市场份额",
    "AI智能体平台",
    "《拜杜法案》的改革",
    "超级计算机DGX Cloud",
]
_ZH_ENDS = ["。", "！", "？", "\u3002", "\uff01", "......"]
_EN_SUBJECTS = [
    "Nvidia",
    "The U.S. company",
    "Dr. Zhu",
    "Prof. Jiao",
    "The startup",
    "Nexusflow Inc.",
    "Researchers at Stanford",
    "J. R. Smith",
]
_EN_VERBS = ["announced", "acquired", "released", "denied", "raised", "hired", "said"]
_EN_OBJECTS = [
    "$10.6 million in funding",
    "a model that rivals GPT-4o",
    "3.5 times more compute",
    "a team of 20 engineers",
    "the Blackwell Ultra chip",
    "a new open model on Jan. 18",
]


def generate(size: int, seed: int = 7) -> str:
    """Roughly ``size`` bytes of varied mixed-language news text with paragraphs."""
    rng = random.Random(seed)
    parts: list[str] = []
    written = 0
    while written < size:
        sentences = []
        for _ in range(rng.randint(2, 6)):
            if rng.random() < 0.6:
                sentence = (
                    f"{rng.choice(_ZH_SUBJECTS)}在{rng.randint(1990, 2025)}年"
                    f"{rng.choice(_ZH_VERBS)}{rng.choice(_ZH_OBJECTS)}"
                    f",编号{rng.randint(1, 10**6)}{rng.choice(_ZH_ENDS)}"
                )
            else:
                sentence = (
                    f"{rng.choice(_EN_SUBJECTS)} {rng.choice(_EN_VERBS)} "
                    f"{rng.choice(_EN_OBJECTS)} in {rng.randint(1990, 2025)}, "
                    f"report {rng.randint(1, 10**6)}. "
                )
            sentences.append(sentence)
        paragraph = "".join(sentences).strip()
        if rng.random() < 0.05:
            paragraph = "«——【 · 第" + str(len(parts)) + "节 ·】——»"
        parts.append(paragraph)
        written += len(paragraph.encode("utf-8")) + 1
    return "\n".join(parts)


def measure_import(text: str, title: str, *, analyse: bool = True) -> dict:
    """Trace memory on one import, then time a second (queries counted cheaply).

    tracemalloc slows Python several times over, so it gets a run of its own;
    that run comes first, so the timed one finds the process's memory in use
    as a running server's is (a first import of a size spends a quarter of
    its time on fresh memory). The second text has a different last line, or
    the importer would refuse a duplicate. The import's time is split in two:
    planning (decode, segment, classify; before the transaction, no lock held)
    and the stored part (the transaction: article, claims, first history
    entries). With ``analyse``, the analysis it queues is run and timed too.
    """
    data = text.encode("utf-8")
    tracemalloc.start()
    services.store_import(plan=_plan(data + b"\n(memory run)", title), analyse=False)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(1)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        started = time.perf_counter()
        plan = _plan(data, title)
        planned = time.perf_counter()
        article = services.store_import(plan=plan, analyse=False)
        seconds = time.perf_counter() - started
    stored = time.perf_counter() - planned
    units = Claim.objects.filter(article=article).count()
    analysis = measure_analysis(article) if analyse else None
    return {
        "units": units,
        "seconds": seconds,
        "stored": stored,
        "analysis": analysis,
        "queries": len(queries),
        "peak": peak,
    }


def measure_analysis(article: Article) -> float:
    """Seconds of the analysis an import queues, run as the worker runs it."""
    job = jobs.queue_analysis(article=article, requested_by=None)
    started = time.perf_counter()
    outcome = jobs.run_job.call(job.pk)
    seconds = time.perf_counter() - started
    assert outcome == JobStatus.DONE, outcome
    return seconds


def segmentation_speed(text: str, runs: int = 3) -> float:
    """MB of ``text`` segmented per CPU second, best of ``runs``.

    CPU time: other processes' load on a shared machine barely changes it.
    """
    best = float("inf")
    for _ in range(runs):
        started = time.process_time()
        segmentation.split_units(text)
        best = min(best, time.process_time() - started)
    return len(text.encode("utf-8")) / 1e6 / best


def _plan(data: bytes, title: str) -> services.ImportPlan:
    extracted = importing.read_file(data, "bench.txt", limit=len(data) + 1)
    return services.plan_import(text=extracted.text, title=title)


def measure_request(count: int) -> tuple[float, int]:
    """Seconds for the API to answer an import of ``count`` sentences, and units."""
    rng = random.Random(count)
    text = "\n".join(
        f"Sentence {n} says {rng.choice(_EN_SUBJECTS)} raised {n} million in 2024."
        for n in range(count)
    )
    user = get_user_model().objects.create_superuser("bench", password="x")
    client = APIClient(SERVER_NAME="localhost")
    client.force_authenticate(user)
    started = time.perf_counter()
    response = client.post(
        "/api/v1/articles/", {"title": "request", "text": text}, format="json"
    )
    seconds = time.perf_counter() - started
    assert response.status_code == 201, response.content[:300]
    assert response.json()["analysis_status"] == "queued"
    units = Claim.objects.filter(article_id=response.json()["id"]).count()
    return seconds, units


_CLAIM_SQL_COLUMNS = (
    'article_id, position, public_id, start, "end", text, prefix, suffix, kind, '
    "kind_reason, verdict, status, rationale, version, updated_at, hints, worth, "
    "worth_reasons, normalised, text_changed, orphaned"
)


def measure_floor(text: str) -> float:
    """The same claim rows written with one raw executemany: no ORM, no segmenting."""
    _article, rows = _claim_rows(text, "floor")
    sql = _insert_sql(Claim._meta.db_table)
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(sql, rows)
    return time.perf_counter() - started


def _insert_sql(table: str) -> str:
    """An INSERT of one claim row into ``table``, for executemany."""
    holes = ", ".join(["%s"] * 21)
    return f"INSERT INTO {table} ({_CLAIM_SQL_COLUMNS}) VALUES ({holes})"


def measure_database_part(text: str, title: str = "database part") -> float:
    """The database's own work in the stored part, with every row made before
    the clock starts (the article's too): the claim rows (PostgreSQL: one COPY
    of ready text; SQLite: one executemany), their first history entries and
    the commit (which runs the deferred foreign-key checks). The stored part
    cannot be much faster than this without storing or checking less."""
    article, rows = _claim_rows(text, title)
    table = Claim._meta.db_table
    ready = _ready(rows)
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        _store(cursor, table, ready)
        recording.record(
            Claim.objects.filter(article_id=article.pk),
            user=None,
            history_type=recording.CREATED,
        )
    return time.perf_counter() - started


# The layers of the database part on PostgreSQL, each adding to the one before.
LAYERS = ("rows", "+indexes", "+checks", "+history")
LAYER_RUNS = 3


def measure_database_layers(
    text: str, runs: int = LAYER_RUNS
) -> tuple[dict[str, float], dict[str, int]]:
    """PostgreSQL: the database part taken apart, best of ``runs`` each; and
    what the scratch tables held at the end (rows each, indexes copied).

    The same claim rows, made before the clock starts, stored four ways, each
    with its commit: "rows" into a scratch table shaped like the claims' with
    only its primary key; "+indexes" into one that also has every index the
    claims' table has; "+checks" into the claims' table itself, which adds its
    check constraints and foreign keys (checked at the commit); "+history" is
    that and their first history entries, which is "db s". Scratch tables are
    ordinary (logged) tables, dropped at the end."""
    table = Claim._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s "
            "AND indexname <> %s",
            [table, f"{table}_pkey"],
        )
        indexes = cursor.fetchall()
        for scratch in ("bench_rows", "bench_indexed"):
            cursor.execute(
                f"CREATE TABLE {scratch} (LIKE {table} INCLUDING DEFAULTS "
                f"INCLUDING IDENTITY); ALTER TABLE {scratch} ADD PRIMARY KEY (id)"
            )
        for name, definition in indexes:
            cursor.execute(
                definition.replace(f" {name} ", f" bench_{name} ").replace(
                    f" public.{table} ", " bench_indexed "
                )
            )
    best = dict.fromkeys(LAYERS, float("inf"))
    try:
        for run in range(runs):
            tables = ("bench_rows", "bench_indexed", table)
            for layer, into in zip(LAYERS[:3], tables, strict=True):
                _article, rows = _claim_rows(text, f"{layer} {run}")
                ready = _ready(rows)
                started = time.perf_counter()
                with transaction.atomic(), connection.cursor() as cursor:
                    _store(cursor, into, ready)
                seconds = time.perf_counter() - started
                best[layer] = min(best[layer], seconds)
            seconds = measure_database_part(text, f"+history {run}")
            best["+history"] = min(best["+history"], seconds)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT (SELECT count(*) FROM bench_rows), "
                "(SELECT count(*) FROM bench_indexed), "
                "(SELECT count(*) FROM pg_indexes WHERE tablename = 'bench_indexed' "
                "AND indexname <> 'bench_indexed_pkey')"
            )
            rows_held, indexed_held, copied = cursor.fetchone()
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE bench_rows; DROP TABLE bench_indexed")
    held = {"rows": rows_held, "+indexes": indexed_held}
    return best, {**held, "indexes copied": copied, "indexes": len(indexes)}


def _ready(rows: list[tuple]):
    """``rows`` as what _store sends: COPY text on PostgreSQL, else the rows."""
    if connection.vendor == "postgresql":
        return io.StringIO("".join(map(_copy_line, rows)))
    return rows


def _store(cursor, table: str, ready) -> None:
    """Write the claim rows that _ready made into ``table`` in one statement."""
    if connection.vendor == "postgresql":
        cursor.copy_expert(f"COPY {table} ({_CLAIM_SQL_COLUMNS}) FROM STDIN", ready)
    else:
        cursor.executemany(_insert_sql(table), ready)


def _copy_line(row: tuple) -> str:
    """``row`` as a line of COPY's text format."""
    escapes = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
    return "\t".join(str(value).translate(escapes) for value in row) + "\n"


def _claim_rows(text: str, title: str) -> tuple[Article, list[tuple]]:
    """A new article of ``text`` and the claim rows an import of it would write."""
    units = segmentation.split_units(text)
    article = Article.objects.create(
        title=title,
        text=text,
        sha256=importing.text_sha256(f"{text}{title}"),
        language="mixed",
    )
    now = timezone.now()
    rows = [
        (
            article.pk,
            n,
            new_public_id(),
            u.start,
            u.end,
            u.text,
            text[max(0, u.start - 32) : u.start],
            text[u.end : u.end + 32],
            u.kind,
            u.reason,
            "unreviewed",
            "unreviewed",
            "",
            1,
            now,
            "[]",
            0,
            "[]",
            "",
            False,
            False,
        )
        for n, u in enumerate(units, start=1)
    ]
    return article, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(SIZES), help="e.g. 10KB,100KB")
    parser.add_argument("--smoke", action="store_true", help=f"--sizes {SMOKE_SIZES}")
    parser.add_argument(
        "--import-only", action="store_true", help="no analysis and no request"
    )
    args = parser.parse_args()
    if args.smoke:
        args.sizes = SMOKE_SIZES
    settings.IMPORT_MAX_BYTES = 100 * 1024 * 1024
    checks = Checks()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(args.sizes.split(","), analyse=not args.import_only, checks=checks)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    checks.finish()


def run(labels: list[str], *, analyse: bool, checks: Checks) -> None:
    """Import each size, print its row, check units and queries; then the request."""
    vendor = connection.vendor
    print(f"database: {vendor}")
    if analyse:
        started = time.perf_counter()
        names.read("\u70ed\u8eab")  # jieba loads its dictionary once per process
        print(f"jieba load (once per process): {time.perf_counter() - started:.2f} s")
    print(
        f"{'size':>6} {'units':>8} {'import s':>9} {'units/s':>9} {'stored s':>9} "
        f"{'stored u/s':>10} {'queries':>8} "
        f"{'q/1k units':>10} {'peak MB':>8} {'floor s':>8} {'x floor':>8} "
        f"{'db s':>7} {'x db':>5} "
        f"{'seg MB/s':>8} {'worker s':>9} {'worker u/s':>10}"
    )
    queries: set[int] = set()
    stored_rates: list[tuple[str, float]] = []
    sized: list[tuple[str, str, int]] = []
    for label in labels:
        text = generate(SIZES[label])
        result = measure_import(text, label, analyse=analyse)
        units = len(segmentation.split_units(text))
        sized.append((label, text, units))
        checks.expect(
            result["units"] == units,
            f"{label}: {result['units']} claims stored for {units} units",
        )
        checks.expect(
            result["queries"] <= MAX_QUERIES[vendor],
            f"{label}: {result['queries']} queries, more than {MAX_QUERIES[vendor]}",
        )
        queries.add(result["queries"])
        if SIZES[label] >= TARGET_FROM:
            stored_rates.append((label, result["units"] / result["stored"]))
        floor = measure_floor(text)
        database = measure_database_part(text)
        worker = (
            f"{result['analysis']:>9.3f} {result['units'] / result['analysis']:>10.0f}"
            if analyse
            else f"{'-':>9} {'-':>10}"
        )
        print(
            f"{label:>6} {result['units']:>8} {result['seconds']:>9.3f} "
            f"{result['units'] / result['seconds']:>9.0f} {result['stored']:>9.3f} "
            f"{result['units'] / result['stored']:>10.0f} {result['queries']:>8} "
            f"{1000 * result['queries'] / result['units']:>10.2f} "
            f"{result['peak'] / 1e6:>8.1f} {floor:>8.3f} "
            f"{result['stored'] / floor:>8.2f} {database:>7.3f} "
            f"{result['stored'] / database:>5.2f} {segmentation_speed(text):>8.2f} "
            + worker,
            flush=True,
        )
    checks.expect(len(queries) == 1, f"queries vary with size: {sorted(queries)}")
    if stored_rates:
        slowest = min(rate for _, rate in stored_rates)
        print(
            f"target: stored part at least {TARGET_STORED_UNITS:,} units/s from "
            f"{TARGET_FROM // 1000} KB: "
            f"{'met' if slowest >= TARGET_STORED_UNITS else 'MISSED'} ("
            + ", ".join(f"{label} {rate:,.0f}" for label, rate in stored_rates)
            + ")"
        )
    if vendor == "postgresql":
        print_layers(sized, checks)
    if analyse:
        seconds, units = measure_request(1000)
        print(
            f"request: POST /api/v1/articles/ with {units:,} sentences answered in "
            f"{seconds:.3f} s (analysis queued, not run)"
        )


def print_layers(sized: list[tuple[str, str, int]], checks: Checks) -> None:
    """The database part taken apart at each size (measure_database_layers):
    ``sized`` holds each size's label, text and units, as run() made them."""
    print(
        f"database part taken apart (best of {LAYER_RUNS}, seconds; each column "
        "adds to the one before: rows into a table with only a primary key, "
        "the claims' indexes, their checks and foreign keys, their first history "
        "entries):"
    )
    print(f"{'size':>6} {'units':>8} " + " ".join(f"{layer:>9}" for layer in LAYERS))
    for label, text, units in sized:
        before = Claim.objects.count()
        layers, held = measure_database_layers(text)
        # The last two layers write to the claims' table, once a run each.
        held["+checks, +history"] = (Claim.objects.count() - before) // 2
        for layer in ("rows", "+indexes", "+checks, +history"):
            checks.expect(
                held[layer] == LAYER_RUNS * units,
                f"{label}: {layer} stored {held[layer]} rows for "
                f"{LAYER_RUNS} x {units} units",
            )
        checks.expect(
            held["indexes copied"] == held["indexes"],
            f"{label}: {held['indexes copied']} of the claims' "
            f"{held['indexes']} indexes copied",
        )
        print(
            f"{label:>6} {units:>8} "
            + " ".join(f"{layers[layer]:>9.3f}" for layer in LAYERS),
            flush=True,
        )


if __name__ == "__main__":
    main()
