"""`alembic-ls graph`: draw each project's revision graph with its findings."""

from __future__ import annotations

import sys
from pathlib import Path

from alembic_ls.analysis.index import IndexCache, ProjectIndex, default_cache_dir
from alembic_ls.checker import Checker
from alembic_ls.graphview.model import build_model
from alembic_ls.graphview.render import render
from alembic_ls.project import discover_projects
from alembic_ls.settings import ConfigError, load_settings


def draw_graph(path: Path, fmt: str, full: bool, since: str | None, output: Path | None) -> int:
    projects, errors = discover_projects([path])
    for error in errors:
        print(f"alembic-ls: error: {error}", file=sys.stderr)
    if not projects:
        if not errors:
            print(f"alembic-ls: no Alembic project found under {path}", file=sys.stderr)
        return 2
    drawings = []
    for project in projects:
        index = ProjectIndex.build(project, IndexCache(default_cache_dir()))
        index.analyse_all()
        try:
            findings = Checker(index, load_settings(project.root)).check_all()
        except ConfigError as exc:
            print(f"alembic-ls: error: {exc}", file=sys.stderr)
            return 2
        try:
            model = build_model(index.graph, findings, since=since, full=full)
        except KeyError as exc:
            print(f"alembic-ls: error: --since: {exc.args[0]}", file=sys.stderr)
            return 2
        drawings.append(render(model, fmt))
        index.save_cache()
    text = "\n\n".join(drawings)
    if output is None:
        print(text)
    else:
        output.write_text(text + "\n", encoding="utf-8")
    return 0
