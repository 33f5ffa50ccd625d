"""AM104 uncommented-manual-sql: hand-written SQL with no comment saying why.

One reason often covers more than the statement under it, and the rule reads it where a reviewer
would: a comment heading the paragraph, the step or the block it sits in (the parser's `explained`);
the revision's own message, when the revision exists for its SQL (its upgrade() changes no schema:
a data migration, the one hand edit the rule book allows), or for an UPDATE or DELETE that is a
step of the schema change the message names (on a table the same function's ops change); a helper
function's descriptive name (`clear_duplicate_values`); for downgrade(), the upgrade's reason,
when the downgrade undoes SQL the upgrade ran; and the evident one of a bulk_insert (or an
INSERT ... VALUES) that seeds a table the same function creates. A call running a name bound to a
`text(...)` is judged with that text, as one statement.
"""

from __future__ import annotations

from collections.abc import Iterator

from alembic_ls.analysis.op_args import arg, table_of
from alembic_ls.analysis.revision_file import RevisionFile, SqlCall
from alembic_ls.analysis.sql_kind import SqlKind, classify, classify_construct
from alembic_ls.analysis.sql_statements import parsed_sql
from alembic_ls.fixes.comments import ExplainComment
from alembic_ls.rules.base import CheckContext, Finding, Fix, Rule, Severity, call_head_span
from alembic_ls.rules.data_revision import (
    message_accounts_for_every_step,
    message_explains,
    name_explains,
    prepares_schema_change,
)

# What counts, as analysis.parser.is_meaningful_comment decides it.
EXPLAINING_COMMENT = (
    "A comment explains when it says something beyond a placeholder: `# why: backfill` does; "
    "`# TODO`, `# manual` and the template `# MANUAL: <why>` do not."
)


def what_it_runs(call: SqlCall) -> tuple[SqlKind, str | None]:
    if call.what.endswith("bulk_insert"):
        return SqlKind.DATA, None
    if call.construct is not None:
        return classify_construct(call.construct), None
    if call.sql is not None:
        return classify(call.sql)
    return SqlKind.UNKNOWN, None


def _seeds_new_table(rev: RevisionFile, call: SqlCall) -> bool:
    """`op.bulk_insert(tables.quotatype, [...])` after `op.create_table("quotatype", ...)` in the same
    function: the rows a new lookup table starts with, not a change to data that exists. The table
    may come through a name: `t = table("tagkind", ...)` or `t = op.create_table("tagkind", ...)`,
    then `op.bulk_insert(t, [...])` (quay, neutron). The same rows written as SQL text are the same
    seed (see `_inserts_first_rows`)."""
    if not call.what.endswith("bulk_insert"):
        return _inserts_first_rows(rev, call)
    ops = rev.ops_in(call.function)
    inserted = next((o for o in ops if o.name == "bulk_insert" and o.span == call.span), None)
    target = arg(inserted, "table") if inserted is not None else None
    if target is None:
        return False
    name = _inserted_table(rev, call, target.source.strip())
    return name is not None and any(o.name == "create_table" and table_of(o) == name for o in ops)


def _inserts_first_rows(rev: RevisionFile, call: SqlCall) -> bool:
    """`INSERT INTO ConfigOptions (...) VALUES (:name, ...)` after `op.create_table("ConfigOptions",
    ...)` in the same function (pepys a7f75ead6204): rows the statement writes out, into a table
    created above it. INSERT ... SELECT copies rows that exist and is not a seed. Read with
    PostgreSQL's parser, which folds an unquoted name to lower case: the names are compared without
    case, as the databases that accept both spellings for one table do."""
    created = {
        name.casefold()
        for op in rev.ops_in(call.function)
        if op.name == "create_table" and op.span.line < call.span.line and (name := table_of(op))
    }
    if not created:
        return False
    actions = [action for parsed in parsed_sql(rev) if parsed.call is call for action in parsed.actions]
    return bool(actions) and all(
        action.kind == "insert" and action.seeds and (action.table or "").casefold() in created
        for action in actions
    )


def _inserted_table(rev: RevisionFile, call: SqlCall, source: str) -> str | None:
    """The table a bulk_insert's table argument names: the table assigned to the variable, else the
    argument's last name (quay's `tables.quotatype`: a registry of tables by their names)."""
    variable = rev.table_variable(source, call.function, call.span.line) if source.isidentifier() else None
    if variable is not None:
        return variable.table
    return source.split(".")[-1]


def _unexplained(rev: RevisionFile) -> list[SqlCall]:
    if message_explains(rev):
        return []
    upgrade_runs_sql = any(c.function == "upgrade" for c in rev.sql_calls)
    # `session.execute(insert_sql, row)` runs the `insert_sql = text("INSERT ...")` written above:
    # one statement, judged where its SQL is written, and explained by a comment on either line.
    runners: dict[int, list[SqlCall]] = {}
    for call in rev.sql_calls:
        text = rev.text_run_by(call)
        if text is not None:
            runners.setdefault(id(text), []).append(call)
    run_texts = {id(call) for runs in runners.values() for call in runs}
    return [
        call
        for call in rev.sql_calls
        if id(call) not in run_texts
        and not call.explained
        and not any(runner.explained for runner in runners.get(id(call), ()))
        and not (call.function == "downgrade" and upgrade_runs_sql)
        and not (call.function not in ("upgrade", "downgrade") and name_explains(call.function))
        and not _seeds_new_table(rev, call)
        and not prepares_schema_change(rev, call)
    ]


class UncommentedManualSql(Rule):
    code = "AM104"
    name = "uncommented-manual-sql"
    severity = Severity.WARNING
    summary = (
        "Hand-written SQL (op.execute, bulk_insert, connection.execute, text()) with no comment saying why."
    )
    fix_summary = "comment template"
    fixable = True

    def check(self, rev: RevisionFile, ctx: CheckContext) -> Iterator[Finding]:
        if not rev.is_revision:
            return
        reported: list[tuple[SqlCall, str]] = []
        for call in _unexplained(rev):
            kind, words = what_it_runs(call)
            if kind in (SqlKind.READ, SqlKind.SETTING) or (
                kind is SqlKind.DDL and (call.construct is not None or message_accounts_for_every_step(rev))
            ):
                # A query that changes nothing, a session setting (`SET LOCAL lock_timeout`); a
                # schema construct (sa.schema.DropSequence(...)) is an operation in another form, not
                # SQL text (AM103 judges it outside the block); DDL in a revision written by hand,
                # whose message says what it is for, is a step of that change in the only form
                # Alembic has for it (an expression index, an index renamed with its table).
                continue
            what = (
                f"runs hand-written DDL (`{words}`)"
                if kind is SqlKind.DDL and words
                else "is a manual data change"
            )
            reported.append((call, what))
        silenced = {s.line for s in rev.suppressions if not s.file_level and self.code in s.codes}
        for paragraph in _paragraphs(reported, silenced):
            first, what = paragraph[0]
            more = ""
            if len(paragraph) > 1:
                lines = ", ".join(str(call.span.line + 1) for call, _what in paragraph[1:])
                more = f" (and so do the SQL calls on lines {lines} in its paragraph)"
            yield self.finding(
                rev,
                call_head_span(first.span, first.what),
                f"`{first.what}` {what}{more} with no comment saying why. The rule book "
                'allows hand edits only for data migrations: "Add comment explaining manual edit". '
                f"{EXPLAINING_COMMENT}",
                Fix(
                    "Add a `# MANUAL: <why>` comment above",
                    ExplainComment(first.stmt_span.line),
                    safe=False,
                ),
            )


def _paragraphs(calls: list[tuple[SqlCall, str]], silenced: set[int]) -> list[list[tuple[SqlCall, str]]]:
    """The calls in runs of statements on consecutive lines of one function: one comment heading
    the paragraph explains them all (ckan 088: two `conn.execute` one under the other). A call
    whose own line silences AM104 stands alone: the suppression is for that line only."""
    runs: list[list[tuple[SqlCall, str]]] = []
    alone = False
    for call, what in calls:
        was_alone, alone = alone, any(call.span.line <= line <= call.span.end_line for line in silenced)
        if runs and not alone and not was_alone:
            last = runs[-1][-1][0]
            same = last.function == call.function
            if same and (
                call.stmt_span == last.stmt_span or call.stmt_span.line == last.stmt_span.end_line + 1
            ):
                runs[-1].append((call, what))
                continue
        runs.append([(call, what)])
    return runs
