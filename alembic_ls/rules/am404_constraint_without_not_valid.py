from __future__ import annotations

from collections.abc import Iterator

from alembic_ls.analysis.op_args import (
    arg,
    existing_table,
    kwarg_is_true,
    name_text,
    named_object,
    strings,
    table_of,
)
from alembic_ls.analysis.revision_file import OpCall, RevisionFile
from alembic_ls.analysis.schema_history import (
    UpgradeTimeline,
    postgresql_ops,
    targets_postgresql,
    timeline_for,
    upgrade_sql_actions,
)
from alembic_ls.fixes.not_valid_constraint import NotValidConstraint
from alembic_ls.rules.base import CheckContext, Finding, Fix, Rule, Severity, call_head_span
from alembic_ls.rules.sql_findings import listed, named, per_call

# What PostgreSQL locks while it checks every existing row against the new constraint.
_LOCKS = {
    "create_foreign_key": "a SHARE ROW EXCLUSIVE lock on both tables (writes to either wait)",
    "create_check_constraint": "an ACCESS EXCLUSIVE lock on the table (reads and writes wait)",
}

# The same locks, by the kind of constraint SQL text adds.
_SQL_LOCKS = {"foreign key": _LOCKS["create_foreign_key"], "check": _LOCKS["create_check_constraint"]}


class ConstraintWithoutNotValid(Rule):
    code = "AM404"
    name = "constraint-without-not-valid"
    severity = Severity.WARNING
    summary = "A foreign key or check constraint on an existing PostgreSQL table is validated under lock."
    about_live_traffic = True
    fix_summary = "`NOT VALID` + `VALIDATE CONSTRAINT` (not auto)"
    fixable = True

    def check(self, rev: RevisionFile, ctx: CheckContext) -> Iterator[Finding]:
        if not rev.is_revision or not targets_postgresql(ctx, rev):
            return
        timeline = timeline_for(rev)
        for op in postgresql_ops(timeline):
            if op.name not in _LOCKS or kwarg_is_true(op, "postgresql_not_valid"):
                continue
            if timeline.table_is_new(op) or _references_only_null_columns(op, timeline):
                continue
            kind = "foreign key" if op.name == "create_foreign_key" else "check constraint"
            constraint = name_text(arg(op, "constraint_name"))
            fix = None
            if constraint is not None and table_of(op) is not None:
                fix = Fix(
                    "Add it NOT VALID, then VALIDATE CONSTRAINT in an autocommit block",
                    NotValidConstraint(op.span.line, constraint),
                    safe=False,  # the autocommit block commits everything the migration did before it
                )
            yield self.finding(
                rev,
                call_head_span(op.span, f"{op.receiver}.{op.name}"),
                f"Adds {named_object(kind, arg(op, 'constraint_name'))} to {existing_table(op)} without "
                f"`postgresql_not_valid=True`: PostgreSQL checks every row while holding {_LOCKS[op.name]}. "
                "Add it NOT VALID (new rows are checked at once) and VALIDATE CONSTRAINT afterwards, "
                "which takes a lock that lets reads and writes continue.",
                fix,
            )
        validated = [
            (call, action)
            for call, action in upgrade_sql_actions(rev)
            if action.kind == "add_constraint" and action.constraint in _SQL_LOCKS and not action.not_valid
        ]
        for call, actions in per_call(validated):
            first = actions[0]
            assert first.constraint is not None
            if len(actions) == 1:
                what = f"{named(first.constraint, first.name)} to existing table `{first.table}`"
                lock = _SQL_LOCKS[first.constraint]
            else:
                what = f"{len(actions)} constraints ({listed([a.name or '?' for a in actions])})"
                what += f" to existing tables {listed([str(a.table) for a in actions])}"
                lock = "a lock on each table that stops its writes (ACCESS EXCLUSIVE for a CHECK)"
            yield self.finding(
                rev,
                call_head_span(call.span, call.what),
                f"`{call.what}` adds {what} without NOT VALID: PostgreSQL checks every row while holding "
                f"{lock}. Add them NOT VALID (new rows are checked at once) and VALIDATE CONSTRAINT "
                "afterwards, which takes a lock that lets reads and writes continue.",
            )


def _references_only_null_columns(op: OpCall, timeline: UpgradeTimeline) -> bool:
    """A foreign key on columns this upgrade just added, NULL in every row: no row can violate it.

    PostgreSQL still reads the table once to validate, under the ACCESS EXCLUSIVE lock the
    add_column already holds until commit; adding it NOT VALID would save only that read.
    """
    if op.name != "create_foreign_key":
        return False
    columns = strings(arg(op, "local_cols"))
    return bool(columns) and all(timeline.column_is_null(op, column) for column in columns)
