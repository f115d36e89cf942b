"""Workspace rendering cost: articles of 50 to 5,000 claims, measured server-side.

    .venv/bin/python bench/workspace_bench.py            # SQLite
    DATABASE_URL=postgres://... .venv/bin/python bench/workspace_bench.py

For each size it renders the workspace (with a claim's panel open) and the
public report through Django's test client, signed in, and prints the
queries issued, the HTML size and the latency percentiles over repeated
requests. Runs in a throwaway test database.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import warnings
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
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import setup_test_environment

from annotations import services
from annotations.models import Verdict

SIZES = (50, 500, 5000)


def article_text(claims: int, seed: int) -> str:
    """``claims`` distinct sentences in paragraphs of five, mixed zh/en."""
    sentences = []
    for n in range(claims):
        if n % 3:
            sentences.append(f"第{seed}-{n}句说公司在{2000 + n % 25}年融资{n}万美元。")
        else:
            sentences.append(
                f"Sentence {seed}-{n} says revenue grew {n % 90}.5% in 2024. "
            )
    paragraphs = ["".join(sentences[i : i + 5]).strip() for i in range(0, claims, 5)]
    return "\n".join(paragraphs)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def measure(client: Client, url: str, repeats: int) -> dict:
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    timings = []
    for attempt in range(repeats + 1):
        queries.clear()
        with connection.execute_wrapper(count):
            started = time.perf_counter()
            response = client.get(url)
            elapsed = time.perf_counter() - started
        assert response.status_code == 200, (url, response.status_code)
        if attempt:  # the first request warms caches and is not counted
            timings.append(elapsed)
    return {
        "queries": len(queries),
        "kb": len(response.content) / 1024,
        "p50": statistics.median(timings) * 1000,
        "p95": percentile(timings, 0.95) * 1000,
        "max": max(timings) * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = ["testserver"]
    # Static files are not collected for the bench; plain names suffice.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        user = get_user_model().objects.create_user("bench", password="bench-pass-1")
        client = Client()
        client.force_login(user)
        print(f"database: {connection.vendor}; {args.repeats} requests per row")
        print(
            f"{'claims':>7} {'page':>10} {'queries':>8} {'KB':>8} "
            f"{'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}"
        )
        for size in map(int, args.sizes.split(",")):
            article = services.import_article(
                text=article_text(size, size), title=f"{size} claims"
            )
            claims = list(article.claims.order_by("position"))
            # A third of the claims carry verdicts, so every style is drawn.
            for claim in claims[::3]:
                services.set_verdict(
                    claim=claim,
                    verdict=Verdict.DISPUTED,
                    rationale="Checked.",
                    editor=user,
                    expected_version=claim.version,
                )
            middle = claims[len(claims) // 2]
            pages = {
                "workspace": f"/articles/{article.pk}/?claim={middle.pk}",
                "report": f"/r/{article.pk}/",
            }
            for name, url in pages.items():
                result = measure(client, url, args.repeats)
                print(
                    f"{len(claims):>7} {name:>10} {result['queries']:>8} "
                    f"{result['kb']:>8.0f} {result['p50']:>8.1f} "
                    f"{result['p95']:>8.1f} {result['max']:>8.1f}",
                    flush=True,
                )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
