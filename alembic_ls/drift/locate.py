"""Put each model/database difference on the model line it comes from, as an AM601 finding."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from alembic_ls.agent.payload.alembic_ls_agent import protocol
from alembic_ls.analysis.revision_file import Span
from alembic_ls.drift.models_file import ModelMap, TableSite, map_models
from alembic_ls.fixes.command import RunCommand
from alembic_ls.rules.base import Finding, Fix, Severity

MODEL_DRIFT = "AM601"
GENERATE = "alembic-ls.generateMigration"


@dataclass
class Located:
    findings: list[Finding] = field(default_factory=list)
    suggestion: str = "update models"


def _read(path: str) -> str | None:
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def suggest_message(diffs: Sequence[protocol.Diff]) -> str:
    """A migration message from the differences: "add score to user", "drop bio from user", ..."""
    adds = [d for d in diffs if d["op"] == "add_column"]
    drops = [d for d in diffs if d["op"] == "remove_column"]
    tables = {d.get("table") for d in diffs}
    if len(tables) == 1 and adds and len(adds) + len(drops) == len([d for d in diffs if "column" in d["op"]]):
        table = next(iter(tables))
        parts = []
        if adds:
            parts.append("add " + ", ".join(str(d.get("column")) for d in adds) + f" to {table}")
        if drops:
            parts.append("drop " + ", ".join(str(d.get("column")) for d in drops) + f" from {table}")
        return " and ".join(parts)
    if len(diffs) == 1:
        only = diffs[0]
        if only["op"] == "add_table":
            return f"create {only['table']} table"
        if only["op"] == "remove_column":
            return f"drop {only['column']} from {only['table']}"
        if only["op"] == "remove_table":
            return f"drop {only['table']} table"
        if only["op"].startswith("modify_"):
            return f"change {only['column']} on {only['table']}"
        if only["op"] == "add_index":
            return f"add index to {only['table']}"
    if len(tables) == 1:
        return f"update {next(iter(tables))}"
    return "update models"


class Locator:
    def __init__(self, sources: Mapping[str, protocol.TableSource], fallback_file: str) -> None:
        self.sources = sources
        self.fallback_file = fallback_file
        self._maps: dict[str, ModelMap] = {}

    def model_map(self, path: str) -> ModelMap:
        if path not in self._maps:
            self._maps[path] = map_models(path, _read(path) or "")
        return self._maps[path]

    def table(self, name: str | None) -> tuple[str, TableSite | None]:
        source = self.sources.get(name or "")
        if source is None:
            return self.fallback_file, None
        path = source["file"]
        site = self.model_map(path).tables.get(name or "")
        number = source.get("line")
        if site is None and number:
            line = number - 1
            site = TableSite(str(name), Span(line, 0, line, 0), source.get("class"))
        return path, site

    def place(self, diff: protocol.Diff) -> tuple[str, Span]:
        op = str(diff["op"])
        path, table = self.table(diff.get("table"))
        top = Span(0, 0, 0, 0)
        if table is None:
            return path, top
        column = table.columns.get(str(diff.get("column") or "")) if diff.get("column") else None
        if op in ("add_index", "remove_index", "add_constraint", "remove_constraint", "add_fk", "remove_fk"):
            named = table.constraints.get(str(diff.get("index") or diff.get("constraint") or ""))
            if named is None:
                named = self.model_map(path).loose_constraints.get(str(diff.get("index") or ""))
            if named is not None:
                return path, named
            columns = diff.get("columns") or []
            column = table.columns.get(columns[0]) if len(columns) == 1 else None
            if column is not None:
                flag = "foreign_key" if op.endswith("fk") else ("unique" if diff.get("unique") else "index")
                if op.endswith("constraint"):
                    flag = "unique"
                return path, column.flags.get(flag, column.span)
        if column is not None and op != "remove_column":
            return path, column.span
        return path, table.span


def _message(diff: protocol.Diff, suggestion: str) -> str:
    op = str(diff["op"])
    table, column = diff.get("table"), diff.get("column")
    step = f'Generate a migration ("{suggestion}").'
    if op == "add_table":
        return f"Table `{table}` is in the models but no migration creates it. {step}"
    if op == "add_column":
        return f"Column `{table}.{column}` is in the models but no migration creates it. {step}"
    if op == "remove_column":
        return (
            f"The database has column `{table}.{column}` but no model defines it: the next migration would "
            f"drop it, with its data. Put the field back, or {step[0].lower()}{step[1:]}"
        )
    if op == "remove_table":
        return (
            f"The database has table `{table}` but no model defines it: the next migration would drop it, "
            f"with its data. Put the model back, or {step[0].lower()}{step[1:]}"
        )
    if op.startswith("modify_"):
        what = op.removeprefix("modify_").replace("_", " ")
        return (
            f"Column `{table}.{column}`: the models say {what} {diff.get('new')}, the database has "
            f"{diff.get('old')}; no migration changes it. {step}"
        )
    if op.startswith("remove_"):
        return f"{str(diff.get('text', op)).capitalize()}: the next migration would drop it. {step}"
    return f"{str(diff.get('text', op)).capitalize()}: no migration creates it. {step}"


def locate(
    diffs: Sequence[protocol.Diff],
    sources: Mapping[str, protocol.TableSource],
    fallback_file: str,
    generate_arguments: Callable[[str], dict[str, Any]],
) -> Located:
    """Findings for the differences, with a "Generate migration…" fix carrying a suggested message."""
    located = Located(suggestion=suggest_message(diffs) if diffs else "update models")
    locator = Locator(sources, fallback_file)
    fix = Fix(
        f'Generate migration "{located.suggestion}"…',
        RunCommand(GENERATE, (generate_arguments(located.suggestion),)),
        safe=False,
    )
    for diff in diffs:
        path, span = locator.place(diff)
        located.findings.append(
            Finding(MODEL_DRIFT, _message(diff, located.suggestion), path, span, Severity.WARNING, fix)
        )
    return located
