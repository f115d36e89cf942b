"""SQLite as the default database: concurrent writers and a long article's read.

The run is bench/sqlite_bench.py's, in a subprocess on its own file-backed
database (the tests' own SQLite database lives in memory, where neither WAL
nor the write lock apply); the bench prints the same figures at larger sizes.
Deselected on PostgreSQL (tests/conftest.py).
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from annotations import queries

from .factories import ArticleFactory, sentences

ROOT = Path(__file__).resolve().parent.parent

# The bench makes its own SQLite database whatever the tests run on, so once
# is enough: in the SQLite run.
pytestmark = pytest.mark.sqlite


def test_writers_and_a_long_import_at_once_all_succeed_and_a_long_read_is_fast():
    run = subprocess.run(  # noqa: S603 (our own script, fixed arguments)
        [
            sys.executable,
            str(ROOT / "bench" / "sqlite_bench.py"),
            "--threads=8",
            "--writes=6",
            "--long-chars=60000",
            "--detail-chars=1000000",
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
        check=True,
    )
    result = json.loads(run.stdout)

    # 8 threads writing through the services and the API while an import
    # runs: every write applied, none refused with "database is locked".
    assert result["errors"] == []
    assert set(result["outcomes"]) == {"applied"}
    assert result["outcomes"]["applied"] >= 8 * 6
    assert result["long_import_status"] == 201
    # The article detail of a 1,000,000-character article (tens of thousands
    # of claims counted): fast, and no temporary file worth the name.
    assert result["detail_chars"] == 1_000_000
    assert result["detail_claims"] > 25_000
    assert result["detail_status"] == 200
    assert result["detail_seconds"] < 1
    assert result["largest_temp_file_bytes"] < 1_000_000


@pytest.mark.django_db
def test_article_detail_counts_claims_without_grouping_by_the_text():
    article = ArticleFactory(text=sentences(20))
    detail = queries.articles_for_api().defer(None).filter(pk=article.pk)

    plan = detail.explain()

    assert "TEMP B-TREE" not in plan
    assert detail.get().unit_count == 20
