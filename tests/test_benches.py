"""bench/run_all.py: every bench is registered, runs, and its results are written."""

import ast
import importlib.util
import sys
from pathlib import Path

import pytest

BENCH_DIR = Path(__file__).resolve().parent.parent / "bench"


def _load_runner():
    spec = importlib.util.spec_from_file_location("run_all", BENCH_DIR / "run_all.py")
    module = importlib.util.module_from_spec(spec)
    # dataclasses look their module up while the class is being made.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


run_all = _load_runner()


def _registered() -> set[str]:
    return {bench.script for bench in run_all.BENCHES}


def test_every_script_in_bench_is_registered_in_the_runner():
    scripts = {path.name for path in BENCH_DIR.glob("*.py")}

    left_out = scripts - _registered() - set(run_all.HELPERS)

    assert not left_out, (
        f"{sorted(left_out)}: add each to BENCHES in bench/run_all.py (or, if it "
        "is shared code and not a bench, to HELPERS)"
    )


def test_ci_runs_every_registered_bench():
    ci = (BENCH_DIR.parent / ".ci" / "run").read_text(encoding="utf-8")
    listed = set()
    for line in ci.splitlines():
        if line.startswith("benches="):
            value = line.split("=", 1)[1].strip('"').replace("$benches", "")
            listed |= {name for name in value.split(",") if name}

    assert listed == _registered()


def test_the_runner_names_only_scripts_that_exist():
    named = _registered() | set(run_all.HELPERS)

    assert {name for name in named if not (BENCH_DIR / name).is_file()} == set()
    assert not _registered() & set(run_all.HELPERS)


@pytest.mark.parametrize("script", sorted(_registered()))
def test_every_registered_bench_has_a_smoke_mode(script):
    tree = ast.parse((BENCH_DIR / script).read_text(encoding="utf-8"))

    options = {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and getattr(node.func, "attr", "") == "add_argument"
        and node.args
        and isinstance(node.args[0], ast.Constant)
    }

    assert "--smoke" in options


def _fake_bench(tmp_path: Path, name: str, body: str, databases: tuple[str, ...]):
    script = tmp_path / name
    script.write_text(f"import os, sys\n{body}\n", encoding="utf-8")
    # An absolute path stays itself under BENCH_DIR / script.
    return run_all.Bench(str(script), databases, ("--full-size",))


def test_smoke_run_fails_when_a_bench_fails_and_runs_the_rest(
    tmp_path, monkeypatch, capsys
):
    failing = _fake_bench(
        tmp_path, "crashes.py", "print('half done'); sys.exit(3)", (run_all.SQLITE,)
    )
    passing = _fake_bench(
        tmp_path, "passes.py", "print('args', sys.argv[1:])", (run_all.SQLITE,)
    )
    monkeypatch.setattr(run_all, "BENCHES", (failing, passing))
    out = tmp_path / "RESULTS.md"

    code = run_all.main(["--smoke", "--out", str(out)])

    printed = capsys.readouterr().out
    assert code == 1
    assert "half done" in printed
    assert "args ['--smoke']" in printed
    assert f"FAILED: {failing.script} on SQLite" in printed
    assert not out.exists()


def test_full_run_writes_date_machine_database_and_every_bench_output(
    tmp_path, monkeypatch
):
    on_sqlite = _fake_bench(
        tmp_path,
        "figures.py",
        "print('size 1000: 42 rows/s', os.environ.get('DATABASE_URL'), sys.argv[1:])",
        (run_all.SQLITE,),
    )
    on_own_cluster = _fake_bench(
        tmp_path, "broken.py", "sys.exit('no cluster')", (run_all.OWN_CLUSTER,)
    )
    monkeypatch.setattr(run_all, "BENCHES", (on_sqlite, on_own_cluster))
    monkeypatch.setenv("DATABASE_URL", "postgres://somewhere/else")
    out = tmp_path / "RESULTS.md"

    code = run_all.main(["--out", str(out)])

    page = out.read_text(encoding="utf-8")
    host = run_all.machine()
    assert code == 1
    assert "- Date: 20" in page
    assert f"{host['cores']} cores, {host['memory']} memory, {host['cpu']}" in page
    assert "- Database: SQLite 3." in page
    assert "own cluster on 127.0.0.1:5433" in page
    # The SQLite run had no DATABASE_URL, and got the full-size arguments.
    assert "size 1000: 42 rows/s None ['--full-size']" in page
    assert "no cluster" in page
    assert "1 of 2 runs passed their checks; FAILED: " in page
    assert f"| [{on_sqlite.script}](#" in page


def test_full_run_keeps_the_side_by_side_section_and_replaces_the_rest(
    tmp_path, monkeypatch
):
    bench = _fake_bench(tmp_path, "new.py", "print('new figures')", (run_all.SQLITE,))
    monkeypatch.setattr(run_all, "BENCHES", (bench,))
    out = tmp_path / "RESULTS.md"
    out.write_text(
        "# Bench results\n\n## old.py on SQLite\n\nold figures\n\n"
        f"{run_all.KEPT_SECTION}\n\n| work | ratio |\n| import | 4.4x |\n\n"
        "## older.py on SQLite\n\nolder figures\n",
        encoding="utf-8",
    )

    assert run_all.main(["--out", str(out)]) == 0

    page = out.read_text(encoding="utf-8")
    assert "new figures" in page
    assert "old figures" not in page
    assert "older figures" not in page
    assert f"{run_all.KEPT_SECTION}\n\n| work | ratio |\n| import | 4.4x |\n" in page


def _load_peer_bench():
    # peer_bench imports serving from bench/, as it does when run as a script.
    sys.path.insert(0, str(BENCH_DIR))
    try:
        spec = importlib.util.spec_from_file_location(
            "peer_bench", BENCH_DIR / "peer_bench.py"
        )
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(BENCH_DIR))
    return module


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        (
            "# Bench results\n\n## a.py\n\na\n",
            "# Bench results\n\n## a.py\n\na\n\n{new}",
        ),
        (
            "# Bench results\n\n{old}\n## a.py\n\na\n",
            "# Bench results\n\n{new}\n## a.py\n\na\n",
        ),
        (
            "# Bench results\n\n## a.py\n\na\n\n{old}",
            "# Bench results\n\n## a.py\n\na\n\n{new}",
        ),
    ],
    ids=["absent: added", "before another section", "last"],
)
def test_peer_bench_writes_only_its_own_section(page, expected):
    peer_bench = _load_peer_bench()
    old = f"{peer_bench.SECTION}\n\nold table\n"
    new = f"{peer_bench.SECTION}\n\nnew table\n"

    written = peer_bench.replace_section(page.format(old=old), new)

    assert written == expected.format(new=new)


def test_a_factcheck_only_run_replaces_only_the_alone_part_of_the_section():
    peer_bench = _load_peer_bench()
    side_by_side = f"{peer_bench.SECTION}\n\nside-by-side table\n"
    page = f"# Bench results\n\n{side_by_side}\n{peer_bench.ALONE}\n\nold alone\n"

    written = peer_bench.replace_section(
        page, f"{peer_bench.ALONE}\n\nnew alone\n", alone=True
    )

    assert written == (
        f"# Bench results\n\n{side_by_side}\n{peer_bench.ALONE}\n\nnew alone\n"
    )
