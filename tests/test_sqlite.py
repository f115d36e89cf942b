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
from django.db import connection
from rest_framework.parsers import JSONParser

from annotations import assisting, queries, services
from annotations.models import Claim

from .factories import ArticleFactory, sentences
from .helpers import child_environment

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
        env=child_environment(),
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
    assert detail.get().tally["units"] == 20


def recording_depth(monkeypatch, target, name: str, seen: dict) -> None:
    """Wrap ``target.name`` to note how many atomic blocks are open when called."""
    original = getattr(target, name)

    def wrapper(*args, **kwargs):
        seen[name] = len(connection.atomic_blocks)
        return original(*args, **kwargs)

    monkeypatch.setattr(target, name, wrapper)


@pytest.mark.django_db
def test_an_api_write_takes_the_write_lock_only_after_parsing_its_body(
    editor_api, monkeypatch
):
    claim = ArticleFactory(text=sentences(2)).claims.first()
    seen: dict = {}
    recording_depth(monkeypatch, JSONParser, "parse", seen)
    recording_depth(monkeypatch, services, "edit_claim", seen)
    outside = len(connection.atomic_blocks)  # the test's own transaction

    response = editor_api.patch(
        f"/api/v1/claims/{claim.pk}/",
        {"rationale": "Parsed first."},
        format="json",
        headers={"If-Match": f'"{claim.version}"'},
    )

    assert response.status_code == 200
    assert seen == {"parse": outside, "edit_claim": outside + 1}


@pytest.mark.django_db
def test_an_api_import_segments_before_its_write_transaction_and_never_analyses(
    editor_api, monkeypatch, task_queue
):
    seen: dict = {}
    recording_depth(monkeypatch, services, "plan_import", seen)
    recording_depth(monkeypatch, services, "store_import", seen)
    recording_depth(monkeypatch, assisting, "analyse_article", seen)
    outside = len(connection.atomic_blocks)

    response = editor_api.post(
        "/api/v1/articles/",
        {"title": "Outside", "text": sentences(3)},
        format="json",
    )

    assert response.status_code == 201
    assert response.json()["analysis_status"] == "queued"
    # The analysis is a worker's job: the request only queues it.
    assert seen == {"plan_import": outside, "store_import": outside + 1}


@pytest.mark.django_db
def test_a_connection_keeps_a_page_cache_of_the_configured_size():
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (pages,) = cursor.fetchone()

    # Negative: KiB rather than pages. 2 MB, SQLite's own, is what a table of
    # 100,000 claims outgrows.
    assert pages == -64 * 1024


@pytest.mark.django_db
def test_a_user_s_claims_are_found_through_the_partial_index_new_claims_skip(
    editor,
):
    # verdict_by, approved_by, claimant and reused_from are empty on every
    # imported claim: their indexes hold only the set ones, and a look-up (or
    # a deleted user's SET NULL) still uses them.
    plan = Claim.objects.filter(verdict_by=editor).explain()

    assert "claim_verdict_by_idx" in plan


@pytest.mark.django_db
def test_an_editor_s_queue_is_found_through_the_assignee_index_new_claims_skip(
    editor,
):
    # Only assigned claims are in it (migration 0019); "my queue" still uses it.
    plan = Claim.objects.filter(assignee=editor).explain()

    assert "claim_assignee_idx" in plan
