"""`alembic-ls.describeRevision`: what the label lenses ("head", "base: no parent", "+2 more
children", branch labels) say, in full, as a message.

A lens with an empty command is a label in VS Code but an error in other clients (Neovim warns that
the server does not support the command ``); a lens without a command makes clients ask for
`codeLens/resolve`. So a label lens runs this command, which tells the user about the revision:
its parents, all its children, its place in the graph.
"""

from __future__ import annotations

from typing import Any

from alembic_ls.server.commands import CommandRegistry, Result, resolve_project
from alembic_ls.server.revisions import describe
from alembic_ls.server.server import AlembicLanguageServer

DESCRIBE_REVISION = "alembic-ls.describeRevision"


async def describe_revision(server: AlembicLanguageServer, args: dict[str, Any]) -> Result:
    rid = args.get("revision")
    if not isinstance(rid, str):
        return {"ok": False, "message": f"{DESCRIBE_REVISION} needs {{revision}}"}

    def job() -> str | None:
        project = resolve_project(server, args)
        return describe(project, rid) if project is not None else None

    markdown = await server.query(job, None, "describeRevision")
    if markdown is None:
        return {"ok": False, "message": f"revision {rid} is not in a project"}
    plain = [line.replace("**", "").replace("`", "") for line in markdown.splitlines() if line.strip()]
    return {"ok": True, "message": "; ".join(plain), "tell": True}


def register(registry: CommandRegistry) -> None:
    registry.add(DESCRIBE_REVISION, describe_revision)
