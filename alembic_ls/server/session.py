"""One server session: the parts every capability works with, built once, in one place.

`create_server` (server/main.py) builds the server, then its session — the diagnostics scheduler,
the code actions, the agent hub — and only then registers the capability modules, which reach
these parts as `server.session.<part>`: never None, never looked up in a side table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from alembic_ls.server.agent_hub import AgentHub
    from alembic_ls.server.code_actions import CodeActions
    from alembic_ls.server.diagnostics_scheduler import DiagnosticsEngine


@dataclass(frozen=True)
class Session:
    diagnostics: DiagnosticsEngine  # document lifecycle, rechecks, publishing
    code_actions: CodeActions  # quick fixes, fix-all, their edits
    agents: AgentHub  # the project's own interpreter: status, drift, database commands
