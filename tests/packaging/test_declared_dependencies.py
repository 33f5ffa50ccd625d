"""The dependencies pyproject.toml declares are exactly the distributions alembic_ls imports.

Imports are read from the source with `ast` (lazy imports inside functions count: the agent imports alembic
and SQLAlchemy only when it runs), mapped to the distribution that provides each top-level module in this
environment, and compared with `[project] dependencies`.
"""

from __future__ import annotations

import ast
import sys
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "alembic_ls"
# The package itself and the agent's payload (shipped inside alembic_ls, put on sys.path by the runner).
OWN_TOP_LEVEL = {"alembic_ls", "alembic_ls_agent"}


def imported_top_level_modules(root: Path) -> dict[str, list[str]]:
    """Every absolute import's top-level module -> the files importing it."""
    found: dict[str, list[str]] = {}
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                found.setdefault(name.split(".")[0], []).append(str(path.relative_to(root.parent)))
    return found


def third_party(modules: dict[str, list[str]]) -> dict[str, list[str]]:
    return {
        name: files
        for name, files in modules.items()
        if name not in sys.stdlib_module_names and name not in OWN_TOP_LEVEL and name != "__future__"
    }


def declared_distributions() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return {canonicalize_name(Requirement(text).name) for text in project["dependencies"]}


def test_import_reader_sees_lazy_and_conditional_imports(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "mod.py").write_text(
        "import os\nfrom . import sibling\n"
        "def later():\n    from yaml.constructor import X\n"
        "if True:\n    import attr.validators as v\n",
        encoding="utf-8",
    )
    assert set(third_party(imported_top_level_modules(package))) == {"yaml", "attr"}


def test_declared_dependencies_are_the_imported_ones() -> None:
    modules = third_party(imported_top_level_modules(PACKAGE))
    providers = packages_distributions()
    # tomli is imported on Python < 3.11 only, where tomllib does not exist; it may be absent here.
    unresolved = {name for name in modules if name not in providers and name != "tomli"}
    assert not unresolved, f"imported modules no installed distribution provides: {unresolved}"
    imported = {canonicalize_name(providers[name][0]) for name in modules if name in providers}
    if "tomli" in modules:
        imported.add("tomli")
    declared = declared_distributions()
    assert imported - declared == set(), f"imported but not declared: {imported - declared}"
    assert declared - imported == set(), f"declared but never imported: {declared - imported}"


@pytest.mark.parametrize("name", ["alembic", "sqlalchemy"])
def test_agent_dependencies_are_imported_by_the_agent_only(name: str) -> None:
    """Why alembic and SQLAlchemy are declared although the server never imports them (see pyproject)."""
    files = third_party(imported_top_level_modules(PACKAGE))[name]
    assert all(file.startswith("alembic_ls/agent/") for file in files), files
