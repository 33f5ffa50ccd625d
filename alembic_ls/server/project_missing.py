"""What a command says when it cannot tell which project it is for: none at all, or several.

"Several projects: pass `project`" for a folder that holds no Alembic project sent users looking for a
second project that did not exist; with none, say so and say what was looked for.
"""

from __future__ import annotations

from typing import Any

from alembic_ls.server.server import AlembicLanguageServer

LOOKED_FOR = (
    "an alembic.ini, a pyproject.toml with a [tool.alembic] table, or a folder with env.py and versions/ "
    "(Flask-Migrate's migrations/)"
)


def no_project_message(server: AlembicLanguageServer, args: dict[str, Any]) -> str:
    """Analysis thread (reads the project list): why `resolve_project` found nothing for `args`."""
    projects = server.state.projects
    if not projects:  # whatever was named (an editor sends the active file): there is none to find
        folders = (
            ", ".join(str(folder.path) for folder in server.workspace_folders()) or "no workspace folder"
        )
        return f"There is no Alembic project in {folders}: alembic-ls looked for {LOOKED_FOR} and found none."
    named = args.get("project") or args.get("uri")
    if isinstance(named, str) and named:
        return f"No Alembic project found for {named}."
    names = ", ".join(str(p.project.script_location) for p in projects)
    return f"This workspace has {len(projects)} Alembic projects ({names}): pass `project` to say which."
