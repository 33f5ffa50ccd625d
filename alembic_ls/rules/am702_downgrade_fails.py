from __future__ import annotations

from alembic_ls.rules.agent_reported import AgentReportedRule
from alembic_ls.rules.base import Severity


class DowngradeFails(AgentReportedRule):
    code = "AM702"
    name = "downgrade-fails"
    severity = Severity.ERROR
    summary = "The revision's downgrade raises on a database where its upgrade just ran."
