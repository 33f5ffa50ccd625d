"""The dependencies pyproject.toml declares are exactly the distributions alembic_ls imports.

Imports are read from the source with `ast` (lazy imports inside functions count: the agent imports alembic
and SQLAlchemy only when it runs), mapped to the distribution that provides each top-level module in this
environment, and compared with `[project] dependencies`.
"""

from __future__ import annotations

import ast
import sys
from importlib.metadata import distributions
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


# Imported only where the standard library lacks it (tomllib is 3.11+; tomli stands in on 3.10).
VERSION_DEPENDENT_STDLIB = {"tomllib"}


def third_party(modules: dict[str, list[str]]) -> dict[str, list[str]]:
    stdlib = sys.stdlib_module_names | VERSION_DEPENDENT_STDLIB | {"__future__"}
    return {name: found for name, found in modules.items() if name not in stdlib | OWN_TOP_LEVEL}


def module_providers() -> dict[str, str]:
    """Top-level module -> the installed distribution whose files hold it, read from each RECORD (Python
    3.10's packages_distributions() reads only top_level.txt, which many wheels do not have)."""
    providers: dict[str, str] = {}
    for distribution in distributions():
        for file in distribution.files or []:
            top = file.parts[0]
            if top.endswith((".dist-info", ".data")) or top in ("..", "__pycache__"):
                continue
            single_module = len(file.parts) == 1 and file.suffix in (".py", ".so", ".pyd")
            name = top.split(".")[0] if single_module else top
            providers.setdefault(name, distribution.metadata["Name"])
    return providers


def declared_distributions() -> set[str]:
    """The required dependencies and the optional features' extras (not `dev`: tools for working on it)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = project["optional-dependencies"]
    features = [req for extra, reqs in extras.items() if extra != "dev" for req in reqs]
    return {canonicalize_name(Requirement(text).name) for text in [*project["dependencies"], *features]}


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
    providers = module_providers()
    # tomli is imported on Python < 3.11 only, where tomllib does not exist; it may be absent here.
    unresolved = {name for name in modules if name not in providers and name != "tomli"}
    assert not unresolved, f"imported modules no installed distribution provides: {unresolved}"
    imported = {canonicalize_name(providers[name]) for name in modules if name in providers}
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
