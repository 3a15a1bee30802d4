"""The core never imports Qt or the `ui` package; the application imports only libraries it
declares (never a test-only one)."""

from __future__ import annotations

import ast
import importlib.metadata
import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = ("PySide6", "PyQt5", "PyQt6", "shiboken6", "ui")


def _imported_names(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module)
    return names


def test_no_core_module_imports_qt_or_ui() -> None:
    offenders = []
    for path in sorted((ROOT / "reviewdesk").rglob("*.py")):
        for name in _imported_names(path):
            if name.split(".")[0] in FORBIDDEN:
                offenders.append(f"{path.relative_to(ROOT)} imports {name}")
    assert offenders == []


def test_importing_every_core_module_loads_no_qt() -> None:
    modules = []
    for path in sorted((ROOT / "reviewdesk").rglob("*.py")):
        rel = path.relative_to(ROOT).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__main__" or "migrations" in parts:
            continue
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules.append(".".join(parts))
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in "
        f"{FORBIDDEN!r}]\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == ""


def test_the_check_catches_a_qt_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from PySide6.QtWidgets import QWidget\nimport ui.app\n")
    assert [n.split(".")[0] for n in _imported_names(bad)] == ["PySide6", "ui"]


# --- no import cycles -----------------------------------------------------------------------


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(path: Path, module: str, known: set[str]) -> set[str]:
    """The reviewdesk modules ``module`` imports, anywhere in its body (functions too: an
    import moved into a function to dodge a cycle is still a cycle), except under ``if
    TYPE_CHECKING:``. ``from P import n`` imports P itself (its ``__init__``) and P.n when that
    is a module; ``import a.b`` imports a.b."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and _is_type_checking(node):
            skipped.update(id(n) for child in node.body for n in ast.walk(child))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                origin = ".".join(base + ([node.module] if node.module else []))
            else:
                origin = node.module or ""
            targets = [origin] + [f"{origin}.{alias.name}" for alias in node.names]
        else:
            continue
        for name in targets:
            while name and name not in known:
                name = name.rpartition(".")[0]
            if name and name != module:
                found.add(name)
    return found


def import_graph(package: str = "reviewdesk") -> dict[str, set[str]]:
    paths = {
        _module_name(p): p
        for p in sorted((ROOT / package).rglob("*.py"))
        if "migrations" not in p.parts
    }
    known = set(paths)
    return {name: _imports(path, name, known) for name, path in paths.items()}


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    counter = 0

    def visit(v: str) -> None:
        nonlocal counter
        index[v] = low[v] = counter
        counter += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in graph:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                cycles.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return cycles


def test_no_import_cycles_in_the_core() -> None:
    assert import_cycles(import_graph("reviewdesk")) == []


def test_no_import_cycles_in_the_window() -> None:
    assert import_cycles(import_graph("ui")) == []


def test_the_cycle_check_finds_cycles(tmp_path: Path) -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert import_cycles(graph) == [["a", "b", "c"]]
    # A package whose __init__ imports a module that imports the package back.
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("from pkg.mod import thing\n")
    (package / "mod.py").write_text("def thing():\n    from pkg import other\n")
    (package / "other.py").write_text("")
    known = {"pkg", "pkg.mod", "pkg.other"}
    assert _imports(package / "mod.py", "pkg.mod", known) == {"pkg", "pkg.other"}
    assert _imports(package / "__init__.py", "pkg", known) == {"pkg.mod"}


def test_the_worker_process_runs_only_core_functions() -> None:
    """`ui.worker_process.call(fn, ...)` runs ``fn`` in a process that must never load Qt, so
    ``fn`` comes from the core (import-linter checks the core imports no Qt)."""
    calls = []
    for path in sorted((ROOT / "ui").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        origin = {
            alias.asname or alias.name: node.module
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module
            for alias in node.names
        }
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "call"
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "worker_process"
            ):
                fn = node.args[0]
                name = fn.id if isinstance(fn, ast.Name) else ast.unparse(fn)
                calls.append((path.name, name, origin.get(name, "")))
    assert calls, "the window sends work to the worker process"
    assert [c for c in calls if not c[2].startswith("reviewdesk.")] == []


#: Installed for the tests only (pyproject's ``test`` extra), never with the application.
TEST_ONLY = ("openpyxl", "numpy", "hypothesis", "pytest")


def _application_imports() -> list[tuple[Path, str]]:
    """(file, top-level module) of every import in the core and the window."""
    return [
        (path, name.split(".")[0])
        for folder in ("reviewdesk", "ui")
        for path in sorted((ROOT / folder).rglob("*.py"))
        for name in _imported_names(path)
    ]


def test_the_application_imports_no_test_only_library() -> None:
    """A library only the tests install is missing from an installed or frozen application:
    neither the core nor the window may import it."""
    offenders = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path, name in _application_imports()
        if name in TEST_ONLY
    ]
    assert offenders == []


def test_every_library_the_application_imports_is_a_declared_dependency() -> None:
    """What the core and the window import from outside the standard library is installed
    with the application because pyproject's ``dependencies`` name it (not because a test
    package or another library happens to bring it along)."""
    declared = {
        re.split(r"[<>=!~\[ ;]", requirement, maxsplit=1)[0].lower().replace("_", "-")
        for requirement in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
            "dependencies"
        ]
    }
    ours = {"reviewdesk", "ui", "reviewdesk_resources"}
    distributions = importlib.metadata.packages_distributions()
    offenders = sorted(
        {
            f"{name} (from {path.relative_to(ROOT)})"
            for path, name in _application_imports()
            if name not in sys.stdlib_module_names
            and name not in ours
            and not {d.lower().replace("_", "-") for d in distributions.get(name, [])} & declared
        }
    )
    assert offenders == []
