"""Benches check their own results: any failed check makes the run exit 1.

Correctness is checked at every size (row counts, no errors, query counts
within the documented bound), so the small ``--smoke`` runs in CI fail when a
bench rots. Timing targets are only printed ("met"/"MISSED"): the shared
machine's speed varies too much for them to fail a run.
"""

from __future__ import annotations


class Checks:
    """The failed checks of one bench run."""

    def __init__(self) -> None:
        self.failures: list[str] = []

    def expect(self, ok: bool, message: str) -> bool:
        """Record ``message`` as a failure unless ``ok``; return ``ok``."""
        if not ok:
            self.failures.append(message)
            print(f"CHECK FAILED: {message}", flush=True)
        return ok

    def finish(self) -> None:
        """Print the outcome, and exit 1 if any check failed."""
        if self.failures:
            print(f"\nchecks: {len(self.failures)} FAILED", flush=True)
            raise SystemExit(1)
        print("\nchecks: OK", flush=True)
