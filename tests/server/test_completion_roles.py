"""Completion's argument roles come from the operation catalog, in both call forms."""

from __future__ import annotations

from alembic_ls.server.completion import BATCH_ROLES, COLUMNS, OP_ROLES, TABLE, Role

_TABLE = Role(TABLE)


def test_plain_form_roles_follow_the_signature() -> None:
    assert OP_ROLES["create_index"] == {
        1: _TABLE,
        "table_name": _TABLE,
        2: Role(COLUMNS, 1, "table_name"),
        "columns": Role(COLUMNS, 1, "table_name"),
    }
    assert OP_ROLES["create_foreign_key"][4] == Role(COLUMNS, 2, "referent_table")
    assert OP_ROLES["create_table"] == {}  # the table it creates does not exist yet
    assert OP_ROLES["create_table_comment"][0] == _TABLE


def test_batch_form_columns_belong_to_the_batch_table() -> None:
    batch_columns = Role(COLUMNS, of_batch_table=True)
    assert BATCH_ROLES["alter_column"] == {0: batch_columns, "column_name": batch_columns}
    assert BATCH_ROLES["create_foreign_key"]["remote_cols"] == Role(COLUMNS, 1, "referent_table")
    assert BATCH_ROLES["add_column"] == {}
