"""AM604 in CI: with a diff base, a model file whose declared schema changed while no new revision
file came with it (the rule book's "Commit together", judged over a whole pull request).

Statically: each changed Python file of the project (outside its migrations) is read at the base
and now with `map_models`; the schema it declares — tables, each column's declaration as written,
named constraints — is compared. A change that declares nothing new (a method, a docstring, an
import) needs no migration and is not reported.
"""

from __future__ import annotations

import os
from pathlib import Path

from alembic_ls.analysis.revision_file import Span
from alembic_ls.analysis.source_text import decode_source, split_lines
from alembic_ls.drift.commit_together import NOT_COMMITTED
from alembic_ls.drift.models_file import ModelMap, map_models
from alembic_ls.project import Project
from alembic_ls.rules.base import Finding, Severity
from alembic_ls.vcs.diff_base import DiffBase

Declared = dict[str, tuple[tuple[tuple[str, str], ...], tuple[str, ...]]]


def model_change_findings(project: Project, base: DiffBase, revision_paths: list[str]) -> list[Finding]:
    new_revisions = [p for p in revision_paths if os.path.realpath(p) in base.added]
    if new_revisions:
        return []  # a migration comes with the change (whether it matches is AM601's question)
    migrations = project.script_location.resolve()
    findings = []
    for path in sorted(base.changed):
        if not path.endswith(".py") or not _inside(path, project.root) or _inside(path, migrations):
            continue
        now = _read(path)
        if now is None:
            continue
        after = map_models(path, now)
        before_text = base.text_at_base(path)
        before = map_models(path, before_text) if before_text is not None else ModelMap(path)
        changed = _first_change(before, now, after, before_text or "")
        if changed is None:
            continue
        table, line = changed
        shown = os.path.relpath(path, base.top)
        findings.append(
            Finding(
                NOT_COMMITTED,
                f"{shown} changes the schema it declares (table `{table}`) since {base.ref}, but no new "
                "revision file comes with it. Generate the migration (`alembic revision --autogenerate`) "
                "and commit model and migration together.",
                path,
                Span(line, 0, line, 0),
                Severity.INFO,
            )
        )
    return findings


def _first_change(before: ModelMap, now: str, after: ModelMap, before_text: str) -> tuple[str, int] | None:
    """(table, line) of the first table whose declaration differs; None when none does."""
    old, new = _declared(before, before_text), _declared(after, now)
    for name, site in sorted(after.tables.items(), key=lambda item: item[1].span.line):
        if old.get(name) != new.get(name):
            was = dict(old[name][0]) if name in old else {}
            columns = sorted(site.columns.items(), key=lambda item: item[1].span.line)
            line = next(
                (c.span.line for column, c in columns if was.get(column) != dict(new[name][0])[column]),
                site.span.line,  # a constraint, or a column gone: the table itself
            )
            return name, line
    gone = sorted(set(old) - set(new))
    if gone:
        return gone[0], 0
    return None


def _declared(models: ModelMap, text: str) -> Declared:
    lines = split_lines(text)

    def written(span: Span) -> str:
        return " ".join(" ".join(lines[span.line : span.end_line + 1]).split())

    return {
        name: (
            tuple(sorted((column, written(site.span)) for column, site in table.columns.items())),
            tuple(sorted(table.constraints)),
        )
        for name, table in models.tables.items()
    }


def _inside(path: str, folder: Path) -> bool:
    return Path(path).is_relative_to(folder.resolve())


def _read(path: str) -> str | None:
    try:
        with open(path, "rb") as handle:
            return decode_source(handle.read())[0]
    except OSError:
        return None
