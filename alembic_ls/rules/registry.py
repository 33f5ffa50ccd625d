"""Every rule, by code. Codes are stable: a retired rule's code is never reused."""

from __future__ import annotations

from alembic_ls.rules.agent_rules import AGENT_RULES
from alembic_ls.rules.am000_syntax_error import SyntaxErrorRule
from alembic_ls.rules.am001_unused_suppression import UnknownCode, UnusedSuppression
from alembic_ls.rules.am101_hand_written_revision import HandWrittenRevision
from alembic_ls.rules.am102_empty_revision import EmptyRevision
from alembic_ls.rules.am103_unexplained_manual_edit import UnexplainedManualEdit
from alembic_ls.rules.am104_uncommented_manual_sql import UncommentedManualSql
from alembic_ls.rules.am105_edited_shared_revision import EditedSharedRevision
from alembic_ls.rules.am201_missing_downgrade import MissingDowngrade
from alembic_ls.rules.am202_downgrade_mismatch import DowngradeMismatch
from alembic_ls.rules.am301_multiple_heads import MultipleHeads
from alembic_ls.rules.am302_missing_down_revision import MissingDownRevision
from alembic_ls.rules.am303_duplicate_revision_id import DuplicateRevisionId
from alembic_ls.rules.am304_revision_cycle import RevisionCycle
from alembic_ls.rules.am305_outside_version_locations import OutsideVersionLocations
from alembic_ls.rules.am306_revises_header_mismatch import RevisesHeaderMismatch
from alembic_ls.rules.am307_non_linear_history import NonLinearHistory
from alembic_ls.rules.am401_not_null_without_default import NotNullWithoutDefault
from alembic_ls.rules.am402_drop_add_looks_like_rename import DropAddLooksLikeRename
from alembic_ls.rules.am403_index_not_concurrent import IndexNotConcurrent
from alembic_ls.rules.am404_constraint_without_not_valid import ConstraintWithoutNotValid
from alembic_ls.rules.am405_column_type_change import ColumnTypeChange
from alembic_ls.rules.am406_set_not_null_existing import SetNotNullExisting
from alembic_ls.rules.am407_volatile_default import VolatileDefault
from alembic_ls.rules.am408_drop_table_or_column import DropTableOrColumn
from alembic_ls.rules.am409_rename_table_or_column import RenameTableOrColumn
from alembic_ls.rules.am410_concurrently_in_transaction import ConcurrentlyInTransaction
from alembic_ls.rules.am411_unique_constraint_under_lock import UniqueConstraintUnderLock
from alembic_ls.rules.am412_no_lock_timeout import NoLockTimeout
from alembic_ls.rules.am413_sql_syntax_error import SqlSyntaxError
from alembic_ls.rules.am414_unbatched_backfill import UnbatchedBackfill
from alembic_ls.rules.am501_undefined_name import UndefinedName
from alembic_ls.rules.am704_traced_table_rewrite import TracedTableRewrite
from alembic_ls.rules.am705_traced_exclusive_lock import TracedExclusiveLock
from alembic_ls.rules.base import Rule

_ALL: list[Rule] = [
    SyntaxErrorRule(),
    UnusedSuppression(),
    UnknownCode(),
    HandWrittenRevision(),
    EmptyRevision(),
    UnexplainedManualEdit(),
    UncommentedManualSql(),
    EditedSharedRevision(),
    MissingDowngrade(),
    DowngradeMismatch(),
    MultipleHeads(),
    MissingDownRevision(),
    DuplicateRevisionId(),
    RevisionCycle(),
    OutsideVersionLocations(),
    RevisesHeaderMismatch(),
    NonLinearHistory(),
    NotNullWithoutDefault(),
    DropAddLooksLikeRename(),
    IndexNotConcurrent(),
    ConstraintWithoutNotValid(),
    ColumnTypeChange(),
    SetNotNullExisting(),
    VolatileDefault(),
    DropTableOrColumn(),
    RenameTableOrColumn(),
    ConcurrentlyInTransaction(),
    UniqueConstraintUnderLock(),
    NoLockTimeout(),
    SqlSyntaxError(),
    UnbatchedBackfill(),
    UndefinedName(),
]
_ALL.extend(AGENT_RULES)  # found by running the project's Alembic, not by reading files
_ALL += [TracedTableRewrite(), TracedExclusiveLock()]  # what `alembic-ls trace` recorded

RULES: dict[str, Rule] = {rule.code: rule for rule in _ALL}
BY_NAME: dict[str, Rule] = {rule.name: rule for rule in _ALL}


def lookup(code_or_name: str) -> Rule | None:
    return RULES.get(code_or_name.upper()) or BY_NAME.get(code_or_name.lower())


def markdown_table() -> str:
    """The rules table of the README, made from the rules themselves: their summary is written once,
    in the rule (tests/unit/test_readme_rules.py keeps the README equal to this)."""
    rows = ["| code | name | what it finds | fix |", "|---|---|---|---|"]
    for rule in RULES.values():
        also = f" or set `{rule.enabled_by} = true`" if rule.enabled_by else ""
        summary = rule.summary + (f" Opt-in: `select` it{also}." if rule.opt_in else "")
        rows.append(f"| {rule.code} | {rule.name} | {_cell(summary)} | {_cell(rule.fix_summary)} |")
    return "\n".join(rows)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")
