"""The database commands, in plain Python on top of the runner (no LSP here): each returns an
OperationResult the language server, the CLI or a test can use."""

from alembic_ls.operations.drift import DriftReport, drift
from alembic_ls.operations.generate import generate, regenerate
from alembic_ls.operations.inspect import current, heads, history, status
from alembic_ls.operations.merge import merge_heads
from alembic_ls.operations.migrate import downgrade, upgrade
from alembic_ls.operations.result import OperationResult
from alembic_ls.operations.scratch import ScratchReport, scratch_check
from alembic_ls.operations.session import ProjectSession
from alembic_ls.operations.sql import show_sql
from alembic_ls.operations.test_cycle import run_test_cycle

__all__ = [
    "DriftReport",
    "OperationResult",
    "ProjectSession",
    "ScratchReport",
    "current",
    "downgrade",
    "drift",
    "generate",
    "heads",
    "history",
    "merge_heads",
    "regenerate",
    "run_test_cycle",
    "scratch_check",
    "show_sql",
    "status",
    "upgrade",
]
