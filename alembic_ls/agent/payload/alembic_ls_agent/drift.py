"""`alembic check` semantics without writing: compare the models' metadata with the database.

Each difference comes back structured (op, table, column/index/constraint, old/new) with a sentence, so
the server can place it on the model's line and CI can print it.
"""

from __future__ import annotations

import contextlib
import os
from typing import Any

from . import guard, protocol
from .job import Job, find_cause


def drift(job: Job) -> protocol.DriftResult:
    from alembic import autogenerate as autogen
    from alembic.util import CommandError

    args = {
        "message": None,
        "autogenerate": True,
        "sql": False,
        "head": "head",
        "splice": False,
        "branch_label": None,
        "version_path": None,
        "rev_id": None,
        "depends_on": None,
    }
    revision_context = autogen.RevisionContext(job.config, job.script, args)
    state: dict[str, Any] = {"current": []}

    def compare(rev: Any, context: Any) -> list[Any]:
        state["current"] = sorted(context.get_current_heads())
        revision_context.run_autogenerate(rev, context)
        return []

    heads = sorted(job.script.get_heads())
    try:
        with guard.passive():
            job.run_env(
                compare,
                as_sql=False,
                template_args=revision_context.template_args,
                revision_context=revision_context,
                dont_mutate=True,
            )
    except CommandError as exc:
        if "not up to date" in str(exc).lower():
            return {"upToDate": False, "current": state["current"], "heads": heads, "diffs": []}
        raise
    except Exception as exc:
        if find_cause(exc, guard.DatabaseFileMissing) is not None:
            return {"upToDate": False, "current": [], "heads": heads, "diffs": [], "databaseMissing": True}
        raise
    diffs: list[Any] = []
    for script in revision_context.generated_revisions[-1:]:
        for ops in script.upgrade_ops_list:
            diffs.extend(ops.as_diffs())
    return {
        "upToDate": True,
        "current": state["current"],
        "heads": heads,
        "diffs": structure(diffs),
        "sources": table_sources(job.roots, str(job.project.get("scriptLocation") or "")),
    }


def table_sources(roots: list[str], script_location: str) -> dict[str, protocol.TableSource]:
    """Where each mapped table is defined: {table: {"file", "line", "class"}}, from the imported models."""
    import inspect
    import sys

    from .errors import is_user_file

    real_roots = [os.path.realpath(r) for r in roots]
    scripts = os.path.realpath(script_location) + os.sep if script_location else None
    found: dict[str, protocol.TableSource] = {}
    for module in list(sys.modules.values()):
        path = getattr(module, "__file__", None)
        if not path or not is_user_file(path, real_roots):
            continue
        real = os.path.realpath(path)
        if scripts and real.startswith(scripts):
            continue  # env.py and revisions are not models
        for name, value in list(vars(module).items()):
            table = getattr(value, "__table__", None) if inspect.isclass(value) else value
            table_name = getattr(table, "name", None)
            if type(table).__name__ != "Table" or not isinstance(table_name, str):
                continue
            if inspect.isclass(value) and getattr(value, "__module__", None) != module.__name__:
                continue  # imported from elsewhere: the defining module reports it
            entry: protocol.TableSource = {
                "file": real,
                "line": None,
                "class": name if inspect.isclass(value) else None,
            }
            if inspect.isclass(value):
                with contextlib.suppress(OSError, TypeError):  # defined in a string or a C module
                    entry["line"] = inspect.getsourcelines(value)[1]
            found.setdefault(table_name, entry)
    return found


def structure(diffs: list[Any]) -> list[protocol.Diff]:
    out: list[protocol.Diff] = []
    for diff in diffs:
        if isinstance(diff, list):  # modify_* of one column: a list of tuples
            out.extend(_modify(d) for d in diff)
        else:
            out.append(_one(diff))
    return out


def _table_name(table: Any) -> str | None:
    name = getattr(table, "name", None)
    return name if isinstance(name, str) else None


def _columns(obj: Any) -> list[str]:
    try:
        return [c.name for c in obj.columns]
    except Exception:  # a constraint not yet bound to its columns
        return []


def _one(diff: tuple[Any, ...]) -> protocol.Diff:
    op = str(diff[0])
    if op in ("add_table", "remove_table"):
        table = diff[1]
        verb = "new table" if op == "add_table" else "table no model defines"
        return {
            "op": op,
            "table": table.name,
            "schema": table.schema,
            "columns": [c.name for c in table.columns],
            "text": f"{verb} `{table.name}`",
        }
    if op in ("add_column", "remove_column"):
        _op, schema, table, column = diff[:4]
        verb = "new column" if op == "add_column" else "column no model defines"
        return {
            "op": op,
            "table": table,
            "schema": schema,
            "column": column.name,
            "type": str(column.type),
            "text": f"{verb} `{table}.{column.name}`",
        }
    if op in ("add_index", "remove_index"):
        index = diff[1]
        table = _table_name(index.table)
        columns = _columns(index)
        verb = "new index" if op == "add_index" else "index no model defines"
        return {
            "op": op,
            "table": table,
            "index": index.name,
            "columns": columns,
            "unique": bool(index.unique),
            "text": f"{verb} `{index.name}` on `{table}` ({', '.join(columns)})",
        }
    if op in ("add_constraint", "remove_constraint", "add_fk", "remove_fk"):
        constraint = diff[1]
        table = _table_name(getattr(constraint, "table", None))
        columns = _columns(constraint)
        what = "foreign key" if op.endswith("fk") else type(constraint).__name__
        verb = "new" if op.startswith("add") else "removed"
        return {
            "op": op,
            "table": table,
            "constraint": constraint.name,
            "columns": columns,
            "text": f"{verb} {what} on `{table}` ({', '.join(columns)})",
        }
    item: protocol.Diff = {
        "op": op,
        "text": op.replace("_", " ") + " " + " ".join(str(x) for x in diff[1:] if isinstance(x, str)),
    }
    for value in diff[1:]:
        name = _table_name(value)
        if name:
            item["table"] = name
            break
    return item


def _modify(diff: tuple[Any, ...]) -> protocol.Diff:
    op, schema, table, column, _existing, old, new = (list(diff) + [None] * 7)[:7]
    what = str(op).replace("modify_", "")
    return {
        "op": op,
        "schema": schema,
        "table": table,
        "column": column,
        "old": None if old is None else str(old),
        "new": None if new is None else str(new),
        "text": f"{what} of `{table}.{column}` changes from {old} to {new}",
    }
