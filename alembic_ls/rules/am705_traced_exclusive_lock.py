from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from alembic_ls.analysis.revision_file import RevisionFile
from alembic_ls.rules.base import CheckContext, Finding, Rule, Severity
from alembic_ls.rules.traced import statements

NO_TIMEOUT = ("0", "0ms", "0s")


class TracedExclusiveLock(Rule):
    """From `alembic-ls trace` (or `check --database scratch --trace`): PostgreSQL's own account."""

    code = "AM705"
    name = "traced-exclusive-lock"
    severity = Severity.WARNING
    summary = "Traced on PostgreSQL: ACCESS EXCLUSIVE on an existing table with no lock_timeout set."
    about_live_traffic = True
    needs_trace: ClassVar[bool] = True  # its docs examples cannot show it without a database

    def check(self, rev: RevisionFile, ctx: CheckContext) -> Iterator[Finding]:
        seen: set[str] = set()
        for record, span in statements(rev, ctx):
            if str(record.get("lockTimeout", "0")) not in NO_TIMEOUT:
                continue
            tables = [
                str(lock.get("relation"))
                for lock in record.get("locks") or ()
                if lock.get("mode") == "AccessExclusiveLock" and lock.get("existing")
            ]
            fresh = [t for t in tables if t not in seen]
            seen.update(tables)
            if not fresh:
                continue  # one finding per table and revision: the first statement that locks it
            listed = ", ".join(f"`{t}`" for t in fresh)
            yield self.finding(
                rev,
                span,
                f"Traced on PostgreSQL: `{record.get('op')}` takes ACCESS EXCLUSIVE on {listed} with no "
                "lock_timeout: behind a long-running transaction it waits, and every query on the table "
                "queues behind it. Set `lock_timeout` (e.g. `op.execute(\"SET lock_timeout = '5s'\")` "
                "first, or once in env.py) so it fails fast and can be retried.",
            )
