"""`alembic-ls init [PATH]`: record every project's current heads as its baseline.

The legacy history goes quiet at once and every revision written afterwards is checked. The
heads are written to `[tool.alembic-ls]` of PATH/pyproject.toml, the file `check` reads for the
projects under PATH (init refuses when another file would win, rather than write a baseline that
does not apply): `baseline = [heads]` when PATH holds one project, else a
`[tool.alembic-ls.baseline]` table keyed by script location relative to PATH, so each project's
heads are looked up only in its own history.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from alembic_ls.adoption.pyproject_edit import EditRefused, NewBaseline, set_baseline
from alembic_ls.analysis.index import IndexCache, ProjectIndex
from alembic_ls.baseline import relative_location, revisions_for
from alembic_ls.checker import Checker
from alembic_ls.project import Project, discover_projects
from alembic_ls.settings import TABLE, ConfigError, find_pyproject, load_settings, parse_settings

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

EXIT_DONE, EXIT_ERROR = 0, 2


class InitError(Exception):
    """Why nothing was written, for a person."""


@dataclass(frozen=True)
class ProjectHeads:
    project: Project
    index: ProjectIndex
    key: str  # script location relative to PATH: the table key, and how the report names it
    heads: tuple[str, ...]
    covered: int  # revisions at or before a head: what the baseline leaves unchecked
    current: bool  # the settings already name exactly these heads


def run_init(path: Path, out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    try:
        found = _project_heads(path)
        target = path / "pyproject.toml"
        if all(p.current for p in found):
            for project in found:
                print(f"{project.key}: already up to date ({_summary(project)})", file=out)
            print(f"{target}: nothing to change", file=out)
        else:
            _write(target, _new_baseline(found))
            for project in found:
                print(f"{project.key}: {_summary(project)}", file=out)
            print(f"Wrote the baseline to {target} [tool.{TABLE}].", file=out)
    except InitError as exc:
        print(f"alembic-ls: error: {exc}", file=err)
        return EXIT_ERROR
    for warning in _still_reported(found) + _head_notes(found):
        print(f"alembic-ls: warning: {warning}", file=err)
    return EXIT_DONE


def _project_heads(path: Path) -> list[ProjectHeads]:
    if not path.is_dir():
        raise InitError(f"{path} is not a folder (init records the baseline in its pyproject.toml)")
    root = path.resolve()
    projects, errors = discover_projects([root])
    if errors:
        raise InitError("; ".join(errors))
    if not projects:
        raise InitError(
            f"no Alembic project found under {path} "
            "(looked for alembic.ini, pyproject.toml [tool.alembic], migrations/env.py)"
        )
    found = []
    for project in projects:
        _check_settings_file(project, root / "pyproject.toml")
        index = ProjectIndex.build(project, IndexCache(None), save=False)  # init writes no cache
        graph = index.graph
        heads = graph.heads
        covered = set(heads).union(*(graph.ancestors(h) for h in heads))
        key = relative_location(project.script_location, root)
        current = _names_exactly(project, index, heads)
        found.append(ProjectHeads(project, index, key, heads, len(covered), current))
    return found


def _check_settings_file(project: Project, target: Path) -> None:
    """Refuse when `check` would read this project's settings from another file."""
    try:
        used = find_pyproject(project.root)
    except ConfigError as exc:
        raise InitError(str(exc)) from None
    if target.parent != project.root and target.parent not in project.root.parents:
        raise InitError(
            f"{project.script_location}: its configuration is in {project.root}, outside {target.parent}, "
            f"so `check` would never read {target}; run `alembic-ls init {project.root}` instead"
        )
    if used is not None and used != target:
        raise InitError(
            f"{project.script_location} takes its settings from {used}, so a baseline in {target} "
            f"would not apply to it (or would hide that file's settings); run `alembic-ls init "
            f"{used.parent}` instead"
        )


def _names_exactly(project: Project, index: ProjectIndex, heads: tuple[str, ...]) -> bool:
    """Do the settings in force already name these heads (prefixes and shape aside)?"""
    try:
        settings = load_settings(project.root)
    except ConfigError as exc:
        raise InitError(f"{exc} (fix it first: init keeps every other setting)") from None
    root = settings.baseline_root or project.root
    _name, named = revisions_for(settings.baseline, project.script_location, root)
    revisions = index.graph.revisions
    resolved = set()
    for revision in named:
        matches = [rid for rid in revisions if rid == revision] or [
            rid for rid in revisions if rid.startswith(revision)
        ]
        if len(matches) != 1:
            return False
        resolved.add(matches[0])
    return resolved == set(heads)


def _new_baseline(found: list[ProjectHeads]) -> NewBaseline:
    if len(found) == 1:
        return list(found[0].heads)
    # Several projects: a list would be looked up in each history and fail where it is not.
    return {p.key: list(p.heads) for p in found if p.heads}


def _write(target: Path, baseline: NewBaseline) -> None:
    if not baseline:
        raise InitError("no project has a revision yet: there is no history to baseline")
    try:
        text = target.read_bytes().decode("utf-8") if target.exists() else None
    except (OSError, UnicodeDecodeError) as exc:
        raise InitError(f"{target}: cannot read: {exc}") from None
    try:
        new_text = set_baseline(text, baseline)
    except EditRefused as exc:
        raise InitError(f"{target}: {exc}") from None
    where = f"{target} [tool.{TABLE}]"
    try:  # every other key stays as it was: if one is wrong, `check` would stop at it anyway
        parse_settings(tomllib.loads(new_text)["tool"][TABLE], where)
    except ConfigError as exc:
        raise InitError(f"{exc} (fix it first: init keeps every other setting)") from None
    try:
        target.write_bytes(new_text.encode("utf-8"))
    except OSError as exc:
        raise InitError(f"{target}: cannot write: {exc}") from None


def _summary(project: ProjectHeads) -> str:
    if not project.heads:
        return "no revisions yet, nothing to record"
    heads = ", ".join(project.heads)
    word = "head" if len(project.heads) == 1 else "heads"
    total = len(project.index.graph.revisions)
    return f"baseline {word} {heads}, {project.covered} of {total} revisions covered"


def _still_reported(found: list[ProjectHeads]) -> list[str]:
    """Findings no baseline can cover: files outside the history its heads reach (a syntax error,
    a file Alembic never loads, a cycle). `check` reports them; init says so now."""
    warnings = []
    for project in found:
        try:
            checker = Checker(project.index, load_settings(project.project.root))
        except ConfigError as exc:
            warnings.append(str(exc))
            continue
        for rev in project.index.all_files():
            codes = sorted({f.code for f in checker.check_file(rev)})
            if codes:
                where = relative_location(Path(rev.path), Path.cwd())
                warnings.append(f"{where}: {', '.join(codes)} outside the baseline; `check` still reports it")
    return warnings


def _head_notes(found: list[ProjectHeads]) -> list[str]:
    """Heads `alembic upgrade head` cannot choose between are recorded like any head (the baseline
    accepts today's state); a person should still know."""
    notes = []
    for project in found:
        graph = project.index.graph
        for group in graph.head_groups():
            # As AM301: heads of separate histories (one per database) never meet in one upgrade.
            histories = {project.project.history_of(Path(graph.revisions[h].path)) for h in group}
            if len(histories) > 1:
                continue
            notes.append(
                f"{project.key}: heads {', '.join(group)} are on one branch (AM301): recorded in the "
                "baseline, but `alembic upgrade head` cannot choose between them; merge them soon"
            )
    return notes
