"""Op arguments written alike share one string across files: a history repeats `sa.Integer()`,
`nullable=False` and its tables' names thousands of times, and the server keeps every summary."""

from __future__ import annotations

from alembic_ls.analysis.parser import parse_revision
from tests.conftest import revision_source

UPGRADE = "    op.add_column('account', sa.Column('owner_id', sa.Integer(), nullable=False))"


def test_equal_argument_texts_and_names_are_one_object_across_summaries() -> None:
    first = parse_revision("a.py", revision_source("a1", None, upgrade=UPGRADE))
    second = parse_revision("b.py", revision_source("b2", "a1", upgrade="    x = 1\n" + UPGRADE))
    one, two = first.ops[0], second.ops[0]
    assert one.args[0].source is two.args[0].source  # 'account'
    assert one.args[0].value is two.args[0].value  # account
    column_one, column_two = one.args[1], two.args[1]
    assert column_one.call_name is column_two.call_name  # sa.Column
    assert column_one.source is column_two.source
    assert column_one.call_args[1].source is column_two.call_args[1].source  # sa.Integer()
    assert column_one.call_args[0].value is column_two.call_args[0].value  # owner_id


def test_a_statement_and_the_op_it_is_share_one_span() -> None:
    summary = parse_revision(
        "a.py",
        revision_source("a1", None, upgrade=UPGRADE + "\n    x = 1\n    (op.drop_table('t'))"),
    )
    add, drop = [o for o in summary.ops if o.function == "upgrade"]
    statements = summary.functions["upgrade"].statements
    assert add.span is add.stmt_span is statements[0].span
    assert drop.stmt_span is statements[2].span
    assert drop.span != drop.stmt_span  # the statement holds the parentheses too
