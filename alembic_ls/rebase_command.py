"""`alembic-ls rebase REV --onto ONTO [PATH]`: the rebase quick fix, written to disk.

REV's down_revision (and its docstring's `Revises:`) is rewritten to ONTO with the very edit the
editor offers (fixes/rebase.py). Refused, with nothing written, when REV is not a head (its
children would follow it), when ONTO is REV or comes after it (a cycle), and when REV is at the
git base, where others already have it (`--force` overrides only that).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from alembic_ls.analysis.graph import RevisionGraph
from alembic_ls.analysis.index import IndexCache, ProjectIndex
from alembic_ls.analysis.source_text import decode_source, source_encoding
from alembic_ls.fixes import FixRefused, apply_edits, recipe_edits
from alembic_ls.fixes.rebase import Rebase
from alembic_ls.fixes.write_boundary import refusal
from alembic_ls.git_base import shared_ids
from alembic_ls.project import Project, discover_projects

EXIT_DONE, EXIT_REFUSED = 0, 2


class Refused(Exception):
    """Nothing was written; the message says why, for a person."""


@dataclass(frozen=True)
class Target:
    project: Project
    graph: RevisionGraph
    rid: str
    onto: str


def run_rebase(rev: str, onto: str, path: Path, force: bool = False) -> int:
    try:
        target = _target(rev, onto, path)
        _refuse_unsafe(target, force)
        changed = _rewrite(target)
    except Refused as refused:
        print(f"alembic-ls: error: {refused}", file=sys.stderr)
        return EXIT_REFUSED
    heads = _heads_after(target.project, target.rid)
    print(changed)
    plural = "s" if len(heads) != 1 else ""
    print(f"{target.project.script_location}: {len(heads)} head{plural} now: {', '.join(heads)}")
    return EXIT_DONE


def _target(rev: str, onto: str, path: Path) -> Target:
    projects, errors = discover_projects([path])
    if not projects:
        raise Refused("; ".join(errors) or f"no Alembic project found under {path}")
    matches = []
    for project in projects:
        graph = ProjectIndex.build(project, IndexCache(None)).graph
        rid = _resolve(graph, rev)
        if rid is not None:
            matches.append((project, graph, rid))
    if not matches:
        raise Refused(f"no revision {rev!r} in {', '.join(str(p.script_location) for p in projects)}")
    if len(matches) > 1:
        raise Refused(f"revision {rev!r} is in several projects; give PATH to choose one")
    project, graph, rid = matches[0]
    onto_id = _resolve(graph, onto)
    if onto_id is None:
        raise Refused(f"no revision {onto!r} in {project.script_location}")
    return Target(project, graph, rid, onto_id)


def _resolve(graph: RevisionGraph, given: str) -> str | None:
    """An id, or a unique prefix of one (as `alembic` takes them)."""
    if given in graph.revisions:
        return given
    found = [rid for rid in graph.revisions if rid.startswith(given)]
    if len(found) > 1:
        raise Refused(f"{given!r} is ambiguous: {', '.join(sorted(found))}")
    return found[0] if found else None


def _refuse_unsafe(target: Target, force: bool) -> None:
    graph, rid, onto = target.graph, target.rid, target.onto
    if rid not in graph.heads:
        after = ", ".join(sorted(graph.children[rid]))
        raise Refused(f"{rid} is not a head ({after} come after it): rebase the head of its line instead")
    if onto == rid:
        raise Refused(f"{rid} cannot follow itself")
    if onto in graph.descendants(rid):
        raise Refused(f"{onto} comes after {rid}: the history would loop")
    if len(graph.by_id.get(rid, ())) > 1:
        raise Refused(f"{rid} is the id of several files (AM303): make it unique first")
    shared = shared_ids(target.project.version_locations, [rid])
    if shared and rid in shared and not force:
        raise Refused(
            f"{rid} is at the git base (the branch others pull): they may have applied it. "
            "Rebase a revision of your own, or pass --force if nobody has it"
        )


def _rewrite(target: Target) -> str:
    rev = target.graph.revisions[target.rid]
    outside = refusal(target.project, rev.path)
    if outside is not None:
        raise Refused(outside)
    path = Path(rev.path)
    data = path.read_bytes()
    text, problem = decode_source(data)
    if problem is not None:
        raise Refused(f"{path}: {problem}")
    old = rev.down_revision.values if rev.down_revision else None
    if old is None:
        raise Refused(f"{path}: down_revision is not a literal; edit it by hand")
    try:
        edits = recipe_edits(str(path), text, Rebase(target.onto, tuple(old)))
    except FixRefused as refused:
        raise Refused(f"{path}: {refused}") from None
    path.write_bytes(apply_edits(text, edits).encode(source_encoding(data)))
    before = ", ".join(old) or "None"
    header = " and the `Revises:` header" if len(edits) > 1 else ""
    return f"{path}: down_revision {before} -> {target.onto}{header}"


def _heads_after(project: Project, rid: str) -> list[str]:
    """The heads of REV's history once the file is rewritten (other histories are not counted)."""
    graph = ProjectIndex.build(project, IndexCache(None)).graph
    rev = graph.revisions.get(rid)
    mine = project.history_of(Path(rev.path)) if rev is not None else None
    return [h for h in graph.heads if project.history_of(Path(graph.revisions[h].path)) == mine]
