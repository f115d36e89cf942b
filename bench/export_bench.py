"""Export throughput: every format over 1k, 10k and 100k generated claims.

    .venv/bin/python bench/export_bench.py                     # SQLite
    .venv/bin/python bench/export_bench.py --sizes 1000,10000  # smaller
    .venv/bin/python bench/export_bench.py --smoke             # a few seconds
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/factcheck \
        .venv/bin/python bench/export_bench.py                 # PostgreSQL

For each size it imports ten mixed Chinese/English articles through the import
service, gives about half the claims a verdict (a third of those draft, a
third approved, a third published) and about a third one or two sources (in
bulk: setup is timed separately and not what is measured), then
consumes the whole ``exporters.export_chunks`` output of each format into a
null sink. It prints seconds, records written per second, MB written, queries,
and peak Python memory (tracemalloc, in a second untimed run), next to the
floor: the same claim rows and sources dumped raw with ``values_list`` and one
``json.dumps`` per row, with no formatting logic. ``--profile`` adds cProfile's
top functions for each format at the largest size. It checks that every
format wrote one record per claim (per claim with a verdict for ClaimReview
and W3C) and that its queries are the same at every size and within
MAX_QUERIES, and exits 1 otherwise. Runs in a throwaway test database, which
it creates and destroys.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime
import gc
import io
import json
import os
import pstats
import random
import statistics
import sys
import time
import tracemalloc
import warnings
from collections.abc import Callable
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
# WhiteNoise looks for collected static files, which the bench does not need.
warnings.filterwarnings("ignore", "No directory at", UserWarning)

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone
from people import user_with_role
from selfcheck import Checks

from annotations import exporters, queries, ratings, roles, services
from annotations.models import Article, Claim, Source, Stance, Status, Verdict

SIZES = (1_000, 10_000, 100_000)
SMOKE_SIZES = (100, 1_000)
# The documented bound: claims and sources in two ordered queries, and W3C's
# count of its total in one more, whatever the number of rows.
MAX_QUERIES = {"floor": 2, "json": 2, "csv": 2, "claimreview": 2, "w3c": 3}
ARTICLES = 10
BASE_URL = "http://127.0.0.1:8000"
# Label Studio 1.23 exported 10,000 annotations in 20 s on this kind of machine.
LABEL_STUDIO_ROWS_PER_SECOND = 10_000 / 20
TARGET_X_FLOOR = {"json": 2.0, "csv": 2.0, "claimreview": 4.0, "w3c": 4.0}
TARGET_MEMORY_GROWTH_MB = 50.0
# Formats that carry only claims with a verdict.
LINKED_DATA = ("claimreview", "w3c")

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
_ZH_VERBS = ["宣布", "收购了", "发布了", "投资了", "否认了", "证实了", "推出了"]
_ZH_OBJECTS = [
    "新的大模型",
    "一家创业公司",
    "首席科学家",
    "1060万美元融资",
    "80%以上的市场份额",
    "AI智能体平台",
    "《拜杜法案》的改革",
    "超级计算机DGX Cloud",
    "电影《摔跤吧！爸爸》的版权",
]
_ZH_ENDS = ["。", "！", "？", "……。"]
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
    'a team of 20 engineers, "all senior"',
    "the Blackwell Ultra chip",
    "a new open model on Jan. 18",
    "=SUM(A1:A9) in a spreadsheet",
]
_RATIONALES = [
    "The company's filing confirms the figure.",
    "官方公告与报道一致，但日期有出入。",
    "",
    'The quoted "3.5 times" compares different chips; see the sources.',
    '=HYPERLINK("http://x") — 数字来自第三方估算，无法核实。',
]
_PUBLISHERS = ["Example News", "新华网", "", "TechCrunch", "36氪"]


def sentence(rng: random.Random, number: int, zh_share: float) -> str:
    """One sentence the segmenter keeps as one unit, numbered to be distinct."""
    if rng.random() < zh_share:
        return (
            f"{rng.choice(_ZH_SUBJECTS)}在{rng.randint(1990, 2025)}年"
            f"{rng.choice(_ZH_VERBS)}{rng.choice(_ZH_OBJECTS)}"
            f"，编号{number}{rng.choice(_ZH_ENDS)}"
        )
    return (
        f"{rng.choice(_EN_SUBJECTS)} {rng.choice(_EN_VERBS)} "
        f"{rng.choice(_EN_OBJECTS)} in {rng.randint(1990, 2025)}, report {number}. "
    )


def article_text(claims: int, rng: random.Random, first: int) -> str:
    """``claims`` sentences in paragraphs of one to six, mixed zh/en."""
    zh_share = rng.uniform(0.2, 0.8)
    paragraphs = []
    number = first
    while number < first + claims:
        count = min(rng.randint(1, 6), first + claims - number)
        paragraphs.append(
            "".join(sentence(rng, n, zh_share) for n in range(number, number + count))
        )
        number += count
    return "\n".join(p.strip() for p in paragraphs)


def clear() -> None:
    """Empty the article tables between sizes (raw DELETEs: no cascade collection).

    Every table that refers to an article, a claim, and so on down, is emptied
    first, so a model added later is not left holding a foreign key.
    """
    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        for model in reversed(_dependents(Article)):
            cursor.execute(f"DELETE FROM {quote(model._meta.db_table)}")


def _dependents(model: type[Model]) -> list[type[Model]]:
    """``model`` and the models that cascade from it, each after its parents."""
    ordered = [model]
    for related in model._meta.related_objects:
        for child in _dependents(related.related_model):
            if child in ordered:
                ordered.remove(child)
            ordered.append(child)
    return ordered


def populate(size: int, user) -> dict:
    """Ten articles totalling ``size`` claims; half with verdicts, a third sourced."""
    rng = random.Random(size)
    started = time.perf_counter()
    clear()
    first = 1
    for n in range(ARTICLES):
        claims = size // ARTICLES + (1 if n < size % ARTICLES else 0)
        services.import_article(
            text=article_text(claims, rng, first),
            title=f"Bench article {n} ({size} claims) 基准文章",
            url=f"https://news.example.org/{size}/{n}" if n % 3 else "",
            publisher=_PUBLISHERS[n % len(_PUBLISHERS)],
            published_on=datetime.date(2025, 1 + n % 12, 1 + n) if n % 2 else None,
            imported_by=user,
        )
        first += claims
    ids = list(Claim.objects.order_by("id").values_list("id", flat=True))
    now = timezone.now()
    verdicts = [Verdict.VERIFIED, Verdict.DISPUTED, Verdict.MISSTATED]
    # Each verdict's review stage, with the dates the constraints ask of it.
    stages = [
        {"status": Status.DRAFT},
        {"status": Status.APPROVED, "approved_by": user, "approved_at": now},
        {
            "status": Status.PUBLISHED,
            "approved_by": user,
            "approved_at": now,
            "published_at": now,
        },
    ]
    reviewed = ids[::2]
    batch = 500
    with transaction.atomic():
        for offset in range(0, len(reviewed), batch):
            chunk = reviewed[offset : offset + batch]
            for k, verdict in enumerate(verdicts):
                Claim.objects.filter(pk__in=chunk[k::3]).update(
                    verdict=verdict,
                    rationale=_RATIONALES[(offset // batch + k) % len(_RATIONALES)],
                    verdict_by=user,
                    verdict_at=now,
                    version=2,
                    updated_at=now,
                    **stages[k],
                )
    stances = list(Stance)
    sources = [
        Source(
            claim_id=claim_id,
            url=f"https://sources.example.org/{claim_id}/{k}?lang=zh&ref=bench",
            title=f"Source {k} for claim {claim_id}: 官方公告",
            publisher=_PUBLISHERS[(claim_id + k) % len(_PUBLISHERS)],
            quote="“营收增长了3.5倍”, said the filing." if k else "",
            stance=stances[(claim_id + k) % len(stances)],
            accessed_on=datetime.date(2025, 6, 1 + claim_id % 28) if k else None,
            added_by=user,
        )
        for n, claim_id in enumerate(ids[::3])
        for k in range(1 + n % 2)
    ]
    Source.objects.bulk_create(sources, batch_size=2000)
    return {
        "claims": len(ids),
        "reviewed": len(reviewed),
        "sources": len(sources),
        "seconds": time.perf_counter() - started,
    }


def export(format_name: str) -> tuple[int, int]:
    """Consume one whole export into a null sink: (bytes written, records)."""
    chunks = exporters.export_chunks(
        format_name,
        queries.claims_for_export(public=False),
        urls=exporters.export_urls(BASE_URL),
        organisation=settings.FACTCHECK_ORGANISATION,
    )
    written = records = 0
    with open(os.devnull, "wb") as sink:
        for chunk in chunks:
            data = chunk.encode("utf-8")
            sink.write(data)
            written += len(data)
            records += 1
    # Chunks that are not records: CSV's header row; the JSON array's brackets;
    # W3C's collection head, page head and closing brackets.
    return written, records - {"csv": 1, "w3c": 3}.get(format_name, 2)


_FLOOR_CLAIM_FIELDS = (
    "id",
    "article_id",
    "public_id",
    "position",
    "start",
    "end",
    "text",
    "kind",
    "verdict",
    "rationale",
    "verdict_at",
    "updated_at",
    "version",
    "article__title",
    "article__url",
    "article__publisher",
    "article__language",
    "article__published_on",
    "verdict_by__username",
)
_FLOOR_SOURCE_FIELDS = (
    "claim_id",
    "url",
    "title",
    "publisher",
    "quote",
    "stance",
    "accessed_on",
)


def floor() -> tuple[int, int]:
    """The same rows and sources, each dumped as it comes: no formatting logic."""
    written = records = 0
    claims = Claim.objects.order_by("id").values_list(*_FLOOR_CLAIM_FIELDS)
    sources = Source.objects.order_by("claim_id", "id").values_list(
        *_FLOOR_SOURCE_FIELDS
    )
    with open(os.devnull, "wb") as sink:
        for rows in (claims, sources):
            for row in rows.iterator(chunk_size=2000):
                data = (
                    json.dumps(row, ensure_ascii=False, default=str) + "\n"
                ).encode()
                sink.write(data)
                written += len(data)
                records += rows is claims
    return written, records


def measure(runs: dict[str, Callable[[], tuple[int, int]]], rounds: int) -> dict:
    """Time every run once per round, interleaved, then trace each once.

    The machine is shared, so its speed drifts; interleaving puts each format
    and the floor through the same conditions. Seconds are the best round;
    "x floor" is the median of the per-round ratios to the floor.
    """
    queries_seen: list[str] = []

    def count(execute, sql, params, many, context):
        queries_seen.append(sql)
        return execute(sql, params, many, context)

    timings: dict[str, list[float]] = {name: [] for name in runs}
    results: dict[str, dict] = {}
    for _ in range(rounds):
        for name, run in runs.items():
            queries_seen.clear()
            gc.collect()
            with connection.execute_wrapper(count):
                started = time.perf_counter()
                written, records = run()
                timings[name].append(time.perf_counter() - started)
            results[name] = {
                "bytes": written,
                "records": records,
                "queries": len(queries_seen),
            }
    for name, run in runs.items():
        # tracemalloc slows Python several times over, so it gets a run of its own.
        gc.collect()
        tracemalloc.start()
        run()
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        ratios = [t / f for t, f in zip(timings[name], timings["floor"], strict=True)]
        results[name].update(
            seconds=min(timings[name]),
            x_floor=statistics.median(ratios),
            peak=peak,
        )
    return results


def profile(run: Callable[[], tuple[int, int]], label: str, top: int) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    run()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs().sort_stats("tottime")
    stats.print_stats(top)
    body = out.getvalue()
    # Keep the summary line and the table, not pstats' blank preamble.
    print(f"\n--- cProfile: {label} (sorted by own time) ---")
    print("\n".join(line for line in body.splitlines() if line.strip()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument(
        "--repeats",
        type=int,
        default=0,
        help="timed rounds per size (default: 5 below 100k claims, else 2)",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="print cProfile's top functions per format at the largest size",
    )
    parser.add_argument("--top", type=int, default=15, help="profile lines")
    parser.add_argument(
        "--formats", default=",".join(exporters.FORMATS), help="e.g. json,csv"
    )
    parser.add_argument(
        "--smoke", action="store_true", help="small sizes, one timed round"
    )
    args = parser.parse_args()
    sizes = sorted(int(size) for size in args.sizes.split(","))
    if args.smoke:
        sizes, args.repeats = list(SMOKE_SIZES), 1
    checks = Checks()
    formats = [name for name in exporters.FORMATS if name in args.formats.split(",")]
    settings.IMPORT_MAX_BYTES = 100 * 1024 * 1024
    vendor = connection.vendor
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    results: dict[tuple[int, str], dict] = {}
    try:
        user = user_with_role("bench-editor", roles.EDITOR)
        # As in a running server, the rating scale is known before the export
        # (the process reads it once and remembers it, annotations/ratings.py).
        ratings.scale()
        print(f"database: {vendor}; formats: {', '.join(formats)}")
        header = (
            f"{'size':>7} {'format':>11} {'records':>8} {'seconds':>8} "
            f"{'rows/s':>8} {'MB':>7} {'queries':>7} {'peak MB':>8} {'x floor':>7}"
        )
        for size in sizes:
            setup = populate(size, user)
            print(
                f"\nsetup {size}: {setup['claims']} claims in {ARTICLES} articles, "
                f"{setup['reviewed']} with verdicts, {setup['sources']} sources, "
                f"{setup['seconds']:.1f} s (not measured below)"
            )
            print(header, flush=True)
            rounds = args.repeats or (5 if size < 100_000 else 2)
            runs = {"floor": floor} | {
                name: (lambda name=name: export(name)) for name in formats
            }
            for name, result in measure(runs, rounds).items():
                results[size, name] = result
                expected = setup["reviewed" if name in LINKED_DATA else "claims"]
                checks.expect(
                    result["records"] == expected,
                    f"{name} at {size}: {result['records']} records, not {expected}",
                )
                checks.expect(
                    result["queries"] <= MAX_QUERIES[name],
                    f"{name} at {size}: {result['queries']} queries, more than "
                    f"{MAX_QUERIES[name]}",
                )
                print(
                    f"{size:>7} {name:>11} {result['records']:>8} "
                    f"{result['seconds']:>8.3f} "
                    f"{result['records'] / result['seconds']:>8.0f} "
                    f"{result['bytes'] / 1e6:>7.1f} {result['queries']:>7} "
                    f"{result['peak'] / 1e6:>8.1f} {result['x_floor']:>7.2f}",
                    flush=True,
                )
            if args.profile and size == sizes[-1]:
                for name, run in runs.items():
                    profile(run, f"{name} at {size} claims", args.top)
        footer(results, sizes, formats)
        for name in ("floor", *formats):
            counts = sorted({results[size, name]["queries"] for size in sizes})
            checks.expect(len(counts) == 1, f"{name}: queries vary with rows: {counts}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    checks.finish()


def footer(
    results: dict[tuple[int, str], dict], sizes: list[int], formats: list[str]
) -> None:
    print(
        "\nrows/s counts records written: every claim for json/csv, claims with a"
        "\nverdict for claimreview/w3c. seconds: best of the timed rounds; x floor:"
        "\nmedian over rounds of seconds / floor seconds in the same round."
        f"\nFor scale: Label Studio 1.23 exported 10,000 annotations in 20 s "
        f"({LABEL_STUDIO_ROWS_PER_SECOND:.0f} rows/s)."
    )
    print("targets:")
    for name in formats:
        worst = max(results[size, name]["x_floor"] for size in sizes)
        verdict = "met" if worst <= TARGET_X_FLOOR[name] else "MISSED"
        print(
            f"  {name:>11} within {TARGET_X_FLOOR[name]:.0f}x of the floor: "
            f"{verdict} (worst {worst:.2f}x)"
        )
    if 10_000 in sizes and 100_000 in sizes:
        for name in ("floor", *formats):
            growth = (
                results[100_000, name]["peak"] - results[10_000, name]["peak"]
            ) / 1e6
            verdict = "met" if growth <= TARGET_MEMORY_GROWTH_MB else "MISSED"
            print(
                f"  {name:>11} peak memory 100k - 10k <= "
                f"{TARGET_MEMORY_GROWTH_MB:.0f} MB: {verdict} ({growth:+.1f} MB)"
            )
    else:
        print("  peak memory 100k vs 10k: not measured (needs both sizes)")
    for name in formats:
        counts = [results[size, name]["queries"] for size in sizes]
        verdict = "met" if len(set(counts)) == 1 else "MISSED"
        print(
            f"  {name:>11} queries not growing with rows: {verdict} "
            f"({', '.join(map(str, counts))})"
        )


if __name__ == "__main__":
    main()
