"""The code stays readable: short functions, interface modules that fit a
sitting, and layer contracts that import-linter checks (make lint runs it;
this test runs it too, so a plain pytest run catches a broken contract)."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "annotations"
LONGEST_FUNCTION = 60
LONGEST_INTERFACE_MODULE = 600
# The ways in: each of their modules must read in one sitting.
INTERFACES = ("web", "api", "admin")
# Declarations rather than code to read through: one class per request and
# answer shape of the API.
DECLARATIONS = {"annotations/api/serializers.py"}


def app_sources() -> list[Path]:
    return [path for path in APP.rglob("*.py") if "migrations" not in path.parts]


def test_no_function_in_the_app_is_longer_than_sixty_lines():
    long = []
    for path in app_sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = node.end_lineno - node.lineno + 1
                if lines > LONGEST_FUNCTION:
                    where = path.relative_to(ROOT)
                    long.append(f"{where}:{node.lineno} {node.name} ({lines})")
    assert long == []


def test_the_pages_the_api_and_the_admin_are_each_under_six_hundred_lines_a_module():
    modules = [
        path
        for name in INTERFACES
        for path in (APP / name).rglob("*.py")
        if str(path.relative_to(ROOT)) not in DECLARATIONS
    ]
    assert modules, "the interface packages moved: update INTERFACES"
    big = {
        str(path.relative_to(ROOT)): lines
        for path in modules
        if (lines := len(path.read_text(encoding="utf-8").splitlines()))
        >= LONGEST_INTERFACE_MODULE
    }
    assert big == {}


def test_the_import_contracts_hold():
    lint_imports = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    if lint_imports is None:
        pytest.fail("import-linter is not installed (requirements-dev.txt)")
    run = subprocess.run(  # noqa: S603 (our own venv's lint-imports)
        [lint_imports, "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout[-3000:]
    assert "0 broken" in run.stdout
