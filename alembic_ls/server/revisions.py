"""Revision lookups shared by navigation, symbols, code lens and completion (analysis thread)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lsprotocol import types

from alembic_ls.analysis.revision_file import IdRef, RevisionFile, Span
from alembic_ls.analysis.source_text import split_lines
from alembic_ls.server.positions import to_range
from alembic_ls.workspace.state import ProjectState, WorkspaceState


@dataclass
class DocumentView:
    """A document as a request sees it: its project and its summary for the text in hand."""

    path: str
    project: ProjectState
    rev: RevisionFile
    lines: list[str]


def view_of(state: WorkspaceState, path: str, version: int | None, text: str) -> DocumentView | None:
    """The summary of `text`: the one analysis of this version (`WorkspaceState.summary_of`)."""
    project = state.project_for(path)
    if project is None:
        return None
    return DocumentView(path, project, state.summary_of(project, path, version, text), split_lines(text))


def ref_at(rev: RevisionFile, line: int, col: int) -> IdRef | None:
    return next((ref for ref in rev.id_refs if ref.span.contains(line, col)), None)


def targets(project: ProjectState, value: str) -> list[RevisionFile]:
    """The revision file(s) an id (or a branch label, for depends_on) names."""
    graph = project.index.graph
    found = list(graph.by_id.get(value, ()))
    if not found and value in graph.label_owner:
        owner = graph.revisions.get(graph.label_owner[value])
        found = [owner] if owner else []
    return found


def declaration_span(rev: RevisionFile) -> Span:
    if rev.revision is not None:
        return rev.revision.span
    return Span(0, 0, 0, 0)


def location(state: WorkspaceState, uri: str, path: str, span: Span, encoding: str) -> types.Location:
    return types.Location(uri=uri, range=to_range(span, state.lines_of(path), encoding))


def relative(project: ProjectState, path: str) -> str:
    try:
        return str(Path(path).relative_to(project.project.root))
    except ValueError:
        return path


def roles(project: ProjectState, rid: str) -> list[str]:
    graph = project.index.graph
    found: list[str] = []
    if rid in graph.heads:
        found.append("head")
    if rid in graph.bases:
        found.append("base")
    if graph.is_branch_point(rid):
        found.append("branch point")
    if graph.is_merge_point(rid):
        found.append("merge point")
    return found


def describe(project: ProjectState, rid: str) -> str:
    """Markdown: what a revision is, where it lives, and where it sits in the graph."""
    graph = project.index.graph
    rev = graph.revisions.get(rid)
    if rev is None:
        return f"Revision `{rid}` is not in `{relative(project, project.name)}`."
    parts = [f"**{rid}** — {rev.message or '(no message)'}", ""]
    facts = []
    if rev.header and rev.header.create_date:
        facts.append(f"Created {rev.header.create_date}")
    facts.append(f"`{relative(project, rev.path)}`")
    parts.append(" · ".join(facts))
    parents = ", ".join(f"`{p}`" for p in rev.parents) or "none (a base)"
    children = ", ".join(f"`{c}`" for c in sorted(graph.children.get(rid, ()))) or "none (a head)"
    parts += ["", f"Parents: {parents}", "", f"Children: {children}"]
    labels = sorted(graph.labels.get(rid, ()))
    if labels:
        parts += ["", "Branch: " + ", ".join(f"`{label}`" for label in labels)]
    if rev.dependencies:
        parts += ["", "Depends on: " + ", ".join(f"`{d}`" for d in rev.dependencies)]
    role = roles(project, rid)
    if role:
        parts += ["", " · ".join(role).capitalize()]
    return "\n".join(parts)
