"""Rules whose findings come from running the project's own Alembic (through the agent), not from text.

They are registered like every other rule so `select`/`ignore`/`severity`, `alembic-ls rules` and
`alembic-ls explain` treat them alike; their static `check` finds nothing by design.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from alembic_ls.analysis.revision_file import RevisionFile, Span
from alembic_ls.rules.base import CheckContext, Finding, Rule


class AgentReportedRule(Rule):
    reported_by_agent: ClassVar[bool] = True

    def check(self, rev: RevisionFile, ctx: CheckContext) -> Iterable[Finding]:
        return ()

    def at(self, path: str, span: Span, message: str) -> Finding:
        return Finding(self.code, message, path, span, self.severity)
