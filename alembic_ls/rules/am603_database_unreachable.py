from __future__ import annotations

from alembic_ls.rules.agent_reported import AgentReportedRule
from alembic_ls.rules.base import Severity


class DatabaseUnreachable(AgentReportedRule):
    code = "AM603"
    name = "database-unreachable"
    severity = Severity.ERROR
    summary = "The database named by sqlalchemy.url cannot be reached, so Alembic commands cannot run."
