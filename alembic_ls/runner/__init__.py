"""Start, talk to, time out, cancel and restart the agent that runs in the project's interpreter."""

from alembic_ls.runner.errors import AgentError
from alembic_ls.runner.launch import Launch, detect_launch
from alembic_ls.runner.pool import AgentPool
from alembic_ls.runner.process import AgentProcess

__all__ = ["AgentError", "AgentPool", "AgentProcess", "Launch", "detect_launch"]
