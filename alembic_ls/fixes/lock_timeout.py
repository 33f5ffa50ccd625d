"""AM412's fix: `SET LOCAL lock_timeout` in the revision, before its first ACCESS EXCLUSIVE lock.

    # MANUAL: fail fast (and retry) instead of queueing every query behind this lock
    op.execute("SET LOCAL lock_timeout = '5s'")
    op.add_column('account', ...)

`SET LOCAL` lasts until the migration's transaction ends, so nothing else run on the connection is
changed. Inserted above the comment lines that head the op (its own explanation stays with it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from alembic_ls.analysis.revision_file import RevisionFile
from alembic_ls.fixes.edits import FixRefused, TextEdit
from alembic_ls.fixes.op_edits import block_start, ensure_parses, indent_of, insert_before, outer_receiver
from alembic_ls.fixes.recipe import Recipe, recipe

TIMEOUT = "5s"


@recipe
@dataclass(frozen=True)
class SetLockTimeout(Recipe):
    """`SET LOCAL lock_timeout` before the upgrade() op on `line` (0-based)."""

    kind: ClassVar[str] = "set-lock-timeout"
    line: int

    def edits(self, rev: RevisionFile, lines: list[str]) -> list[TextEdit]:
        op = next((o for o in rev.ops_in("upgrade") if o.span.line == self.line), None)
        if op is None:
            raise FixRefused(f"the operation is no longer on line {self.line + 1}; re-run the check")
        start = block_start(op)
        indent = indent_of(lines, start)
        while (
            start > 0
            and lines[start - 1].startswith(indent + "#")
            and not lines[start - 1].startswith(indent + "# ###")
        ):
            start -= 1  # keep the op's own comment right above it
        receiver = outer_receiver(rev, lines, op)
        new = [
            f"{indent}# MANUAL: fail fast (and retry) instead of queueing every query behind this lock",
            f"{indent}{receiver}.execute(\"SET LOCAL lock_timeout = '{TIMEOUT}'\")",
        ]
        return ensure_parses(lines, [insert_before(start, new)], "the lock_timeout line")
