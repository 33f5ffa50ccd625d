from __future__ import annotations

from alembic_ls.rules.agent_reported import AgentReportedRule
from alembic_ls.rules.base import Severity


class UpgradeFails(AgentReportedRule):
    code = "AM701"
    name = "upgrade-fails"
    severity = Severity.ERROR
    summary = "Upgrading a fresh database from base to the heads stops at this revision."
