"""Writes racing on the same claims: each applied once, on the latest version.

The run and the check are bench/concurrency_bench.py's, which prints the same
figures at larger sizes. SQLite runs one write at a time, so this test is
deselected there (tests/conftest.py).
"""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
import concurrency_bench as bench

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_conflicting_writes_are_applied_on_the_latest_version_or_refused():
    result = bench.run(writes=1000, threads=8, claims=3)
    check = bench.check(result)
    applied = result.count(bench.APPLIED)
    conflicts = result.count(bench.CONFLICT)
    assert len(result.writes) == 1000
    assert result.count(bench.ERROR) == 0, check.problems
    # The threads did race: some writes won, many were refused as stale.
    assert applied > 0
    assert conflicts > 0
    assert applied + conflicts == 1000
    # One history row per applied write, versions 1..final without a gap or
    # duplicate, each holding what its write wrote; the last one is the row.
    assert (check.lost, check.phantom) == (0, 0), check.problems
    assert check.problems == []
    assert check.history_rows == applied
