from __future__ import annotations

from alembic_ls.rules.agent_reported import AgentReportedRule
from alembic_ls.rules.base import Severity


class ModelDrift(AgentReportedRule):
    code = "AM601"
    name = "model-drift"
    severity = Severity.WARNING
    summary = (
        "A model defines a table, column, index or constraint that no migration creates (or the reverse)."
    )
    fix_summary = "generate migration (command)"
