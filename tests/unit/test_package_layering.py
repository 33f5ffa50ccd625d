"""The package's layers depend only downward: analysis < fixes < rules < workspace < server.

The import graph is read from the source with `ast`, so it sees what a reader sees. Every import
statement counts, wherever it sits:
- imports inside functions: a lazy import is still a dependency (it only runs later), and hiding a
  cycle behind one is exactly what this test exists to stop;
- imports under `if TYPE_CHECKING:`: the annotation names a type of the other layer, so the code
  is written against it; a lower layer that needs a higher layer's type is inverted all the same.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import alembic_ls

PACKAGE = Path(alembic_ls.__file__).parent
LAYERS = ("analysis", "fixes", "rules", "workspace", "server")  # lowest first
# Entry points and orchestration above analysis, fixes and rules, which must never reach up to
# them (the server may use operations: it is the other entry point).
TOP = ("server", "cli", "operations")


def _unit(module: str) -> str | None:
    """`alembic_ls.rules.base` -> `rules`; `alembic_ls.cli` -> `cli`; other packages -> None."""
    parts = module.split(".")
    if parts[0] != "alembic_ls" or len(parts) < 2:
        return None
    return parts[1]


def _imported_modules(tree: ast.AST, own_package: str) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the importing module's package
                base = own_package.split(".")[: len(own_package.split(".")) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            found.add(module)
            # `from alembic_ls import server` imports the sub-package itself
            found.update(
                f"{module}.{alias.name}"
                for alias in node.names
                if module == "alembic_ls" and not alias.name.startswith("__")
            )
    return found


def import_graph(root: Path = PACKAGE) -> dict[str, dict[str, list[str]]]:
    """{importing unit: {imported unit: [files that import it]}} over alembic_ls's own units."""
    graph: dict[str, dict[str, list[str]]] = {}
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root.parent)
        module = ".".join(relative.with_suffix("").parts)
        package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
        source_unit = _unit(module)
        if source_unit is None:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for imported in _imported_modules(tree, package):
            target = _unit(imported)
            if target is not None and target != source_unit:
                graph.setdefault(source_unit, {}).setdefault(target, []).append(str(relative))
    return graph


def layering_violations(graph: dict[str, dict[str, list[str]]]) -> list[str]:
    found: list[str] = []
    for low_rank, low in enumerate(LAYERS[:-1]):
        for target, files in graph.get(low, {}).items():
            if target in LAYERS[low_rank + 1 :] or target in TOP:
                found.extend(f"{file} ({low}) imports {target}" for file in files)
    return found


def cycles(graph: dict[str, dict[str, list[str]]], units: tuple[str, ...] = LAYERS) -> list[list[str]]:
    """Elementary cycles among `units` (a depth-first search per start; the graph is tiny)."""
    found: list[list[str]] = []

    def walk(start: str, at: str, path: list[str]) -> None:
        for target in sorted(graph.get(at, {})):
            if target not in units:
                continue
            if target == start:
                found.append([*path, start])
            elif target not in path and units.index(target) > units.index(start):
                walk(start, target, [*path, target])

    for start in units:
        walk(start, start, [start])
    return found


def test_layers_only_import_downward() -> None:
    assert layering_violations(import_graph()) == []


def test_no_cycle_among_the_layers() -> None:
    assert cycles(import_graph()) == []


def test_the_graph_sees_the_layers_it_checks() -> None:
    # guards against a graph that is empty because the walk went wrong, which would pass vacuously
    graph = import_graph()
    assert "analysis" in graph["fixes"]
    assert "fixes" in graph["rules"]
    assert "rules" in graph["server"]


_UPWARD_IMPORTS = [
    pytest.param("analysis/x.py", "from alembic_ls.rules.base import Rule\n", id="analysis-to-rules"),
    pytest.param(
        "fixes/x.py",
        "def later():\n    from alembic_ls.server import edits\n",
        id="lazy-fixes-to-server",
    ),
    pytest.param(
        "rules/x.py",
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from alembic_ls import cli\n",
        id="type-checking-rules-to-cli",
    ),
    pytest.param(
        "analysis/x.py", "from ..operations import generate\n", id="relative-analysis-to-operations"
    ),
]


@pytest.mark.parametrize(("file", "source"), _UPWARD_IMPORTS)
def test_an_upward_import_is_caught(tmp_path: Path, file: str, source: str) -> None:
    root = tmp_path / "alembic_ls"
    for layer in LAYERS:
        (root / layer).mkdir(parents=True)
        (root / layer / "__init__.py").write_text("")
    (root / "rules" / "y.py").write_text("from alembic_ls.fixes import x\n")
    (root / file).write_text(source)
    assert layering_violations(import_graph(root)) == [
        f"{Path('alembic_ls') / file} ({file.split('/')[0]}) imports {_target(source)}"
    ]


def _target(source: str) -> str:
    for unit in ("rules", "server", "cli", "operations"):
        if unit in source:
            return unit
    raise AssertionError(source)


def test_a_cycle_is_caught() -> None:
    graph = {"analysis": {"rules": ["a"]}, "rules": {"fixes": ["b"]}, "fixes": {"analysis": ["c"]}}
    assert cycles(graph) == [["analysis", "rules", "fixes", "analysis"]]
