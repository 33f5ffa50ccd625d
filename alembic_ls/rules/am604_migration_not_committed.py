from __future__ import annotations

from alembic_ls.rules.agent_reported import AgentReportedRule
from alembic_ls.rules.base import Severity


class MigrationNotCommitted(AgentReportedRule):
    """Reported from git's view of the working tree, on the model file (language server)."""

    code = "AM604"
    name = "migration-not-committed"
    severity = Severity.INFO
    summary = "A model file changed (or is staged) while no new revision file goes with it in git."
