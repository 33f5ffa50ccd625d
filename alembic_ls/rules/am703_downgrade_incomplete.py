from __future__ import annotations

from alembic_ls.rules.agent_reported import AgentReportedRule
from alembic_ls.rules.base import Severity


class DowngradeIncomplete(AgentReportedRule):
    code = "AM703"
    name = "downgrade-incomplete"
    severity = Severity.ERROR
    summary = (
        "After this revision's downgrade, its upgrade fails again: the downgrade does not undo the upgrade."
    )
