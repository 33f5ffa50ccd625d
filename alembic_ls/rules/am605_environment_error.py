from __future__ import annotations

from alembic_ls.rules.agent_reported import AgentReportedRule
from alembic_ls.rules.base import Severity


class EnvironmentBroken(AgentReportedRule):
    code = "AM605"
    name = "environment-error"
    severity = Severity.ERROR
    summary = (
        "env.py, a model or a revision fails to import in the project's interpreter (or alembic is missing)."
    )
