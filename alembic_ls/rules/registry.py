"""Every rule, by code. Codes are stable: a retired rule's code is never reused."""

from __future__ import annotations

from alembic_ls.rules.am000_syntax_error import SyntaxErrorRule
from alembic_ls.rules.am001_unused_suppression import UnknownCode, UnusedSuppression
from alembic_ls.rules.am101_hand_written_revision import HandWrittenRevision
from alembic_ls.rules.am102_empty_revision import EmptyRevision
from alembic_ls.rules.am103_unexplained_manual_edit import UnexplainedManualEdit
from alembic_ls.rules.am104_uncommented_manual_sql import UncommentedManualSql
from alembic_ls.rules.am201_missing_downgrade import MissingDowngrade
from alembic_ls.rules.am301_multiple_heads import MultipleHeads
from alembic_ls.rules.am302_missing_down_revision import MissingDownRevision
from alembic_ls.rules.am303_duplicate_revision_id import DuplicateRevisionId
from alembic_ls.rules.am304_revision_cycle import RevisionCycle
from alembic_ls.rules.am305_outside_version_locations import OutsideVersionLocations
from alembic_ls.rules.am306_revises_header_mismatch import RevisesHeaderMismatch
from alembic_ls.rules.am501_undefined_name import UndefinedName
from alembic_ls.rules.base import Rule

_ALL: list[Rule] = [
    SyntaxErrorRule(),
    UnusedSuppression(),
    UnknownCode(),
    HandWrittenRevision(),
    EmptyRevision(),
    UnexplainedManualEdit(),
    UncommentedManualSql(),
    MissingDowngrade(),
    MultipleHeads(),
    MissingDownRevision(),
    DuplicateRevisionId(),
    RevisionCycle(),
    OutsideVersionLocations(),
    RevisesHeaderMismatch(),
    UndefinedName(),
]

RULES: dict[str, Rule] = {rule.code: rule for rule in _ALL}
BY_NAME: dict[str, Rule] = {rule.name: rule for rule in _ALL}


def lookup(code_or_name: str) -> Rule | None:
    return RULES.get(code_or_name.upper()) or BY_NAME.get(code_or_name.lower())
