"""The app's layers, read from its source: imports form no cycle, and the ways
in (pages, API, admin) change models only through annotations/services/."""

from __future__ import annotations

import ast
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "annotations"


def _modules() -> dict[str, Path]:
    """Every module of the app by dotted name (migrations aside)."""
    found = {}
    for path in APP.rglob("*.py"):
        parts = path.relative_to(APP.parent).with_suffix("").parts
        if "migrations" in parts:
            continue
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def _imported(name: str, path: Path, node: ast.AST, modules: dict) -> set[str]:
    """The app modules one import statement loads."""
    if isinstance(node, ast.Import):
        wanted = [alias.name for alias in node.names]
    else:
        base = node.module or ""
        if node.level:
            package = name.split(".")
            if path.name != "__init__.py":
                package = package[:-1]
            package = package[: len(package) - node.level + 1]
            base = ".".join([*package, *([node.module] if node.module else [])])
        # "from package import module" loads the module; "from package
        # import name" runs the package's __init__.
        wanted = [
            f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
            for alias in node.names
        ]
    loaded = set()
    for target in wanted:
        # Importing a.b.c also runs a.b's __init__, unless the importer is
        # inside a.b (Python has started it already).
        parts = target.split(".")
        for end in range(2, len(parts) + 1):
            candidate = ".".join(parts[:end])
            inside = name == candidate or name.startswith(candidate + ".")
            if candidate in modules and not inside:
                loaded.add(candidate)
    return loaded


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    graph = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        graph[name] = {
            target
            for node in ast.walk(tree)  # function-level imports count too
            if isinstance(node, ast.Import | ast.ImportFrom)
            for target in _imported(name, path, node, modules)
            if target != name
        }
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import cycle, as the modules along it; [] if there is none."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(module: str) -> list[str]:
        state[module] = 1
        path.append(module)
        for target in sorted(graph[module]):
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if target not in state and (found := visit(target)):
                return found
        path.pop()
        state[module] = 2
        return []

    for module in sorted(graph):
        if module not in state and (found := visit(module)):
            return found
    return []


def test_no_import_cycle_among_app_modules():
    graph = _graph()
    assert "annotations.services" in graph["annotations.web.claims"]
    assert _cycle(graph) == []


def test_the_cycle_check_finds_a_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycle(graph) == ["a", "b", "c", "a"]


# The ways in: they parse, call a service or a query, and render.
INTERFACES = [
    *sorted((APP / "admin").rglob("*.py")),
    *sorted((APP / "api").glob("*.py")),
    *sorted((APP / "web").rglob("*.py")),
]
WRITES = {
    *("save", "update", "delete", "bulk_create", "bulk_update", "raw", "execute"),
    *("create", "get_or_create", "update_or_create"),
}
# Calls with a writing method's name that write no model, by (file, the code
# of the object called): dict.update on template contexts, form initial data
# and OpenAPI schema dicts.
NOT_MODEL_WRITES = {
    ("articles.py", "initial"),
    ("panels.py", "context"),
    ("workspace.py", "context"),
    ("schema.py", "properties[name]"),
    ("schema.py", "schema"),
}


def _writes(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        function = node.func
        if isinstance(function, ast.Name) and function.id == "cursor":
            found.append(f"{path.name}:{node.lineno}: cursor()")
        if not isinstance(function, ast.Attribute):
            continue
        called = ast.unparse(function.value)
        if function.attr == "cursor" or (
            function.attr in WRITES and (path.name, called) not in NOT_MODEL_WRITES
        ):
            found.append(f"{path.name}:{node.lineno}: {called}.{function.attr}()")
    return found


def test_interfaces_never_write_models_themselves():
    assert [write for path in INTERFACES for write in _writes(path)] == []


def test_the_write_scan_reads_every_admin_module():
    scanned = {path.relative_to(APP).as_posix() for path in INTERFACES}
    assert {"admin/__init__.py", "admin/claims.py", "admin/sources.py"} <= scanned


def test_the_write_scan_finds_a_save(tmp_path):
    view = tmp_path / "workspace.py"
    view.write_text(
        "def edit(request, claim):\n    claim.save()\n    context.update()\n"
    )
    assert _writes(view) == ["workspace.py:2: claim.save()"]


def test_only_change_claims_raises_a_claims_version():
    """Every change of a claim goes through services.changes.change_claims, which
    raises its version and records its history together."""
    raising = {
        str(path.relative_to(APP))
        for path in _modules().values()
        if 'F("version")' in (text := path.read_text(encoding="utf-8"))
        or '"version" + 1' in text
        or "quote('version')} + 1" in text
    }
    assert raising == {"services/changes.py"}
