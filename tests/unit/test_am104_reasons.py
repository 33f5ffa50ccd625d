"""AM104 reads a statement's reason where a reviewer reads it: the message of a revision made for
its SQL, a helper's name, and the upgrade's reason for the downgrade that undoes it (indico, quay,
neutron, ckan), and still fires where none of them speaks."""

from __future__ import annotations

from collections.abc import Callable

DROP = "    op.drop_column('users', 'name_format')"
UPDATE = "    op.execute('UPDATE users SET name_format = 1 WHERE name_format IS NULL')"
ADD = "    op.add_column('users', sa.Column('name_format', sa.Integer(), nullable=True))"


def _am104_lines(lab, text: str) -> list[int]:
    return [f.span.line for f in lab.check(text) if f.code == "AM104"]


def test_a_data_migrations_message_is_its_reason(lab, make_revision: Callable[..., str]) -> None:
    # indico 9b3fc740b722 "Fix user name_format values": the revision exists for its UPDATE.
    text = make_revision(
        "b2", None, upgrade=UPDATE, downgrade="    pass", message="Fix user name_format values"
    )
    assert _am104_lines(lab, text) == []


def test_a_message_says_nothing_when_it_is_a_placeholder(lab, make_revision: Callable[..., str]) -> None:
    for message in ("empty message", "Empty message.", "TODO"):
        text = make_revision("b2", None, upgrade=UPDATE, downgrade="    pass", message=message)
        assert _am104_lines(lab, text) == [text.splitlines().index(UPDATE)], message


def test_the_message_does_not_explain_sql_added_beside_schema_changes(
    lab, make_revision: Callable[..., str]
) -> None:
    # ckan 094 "Add metadata_modified to resource table": the UPDATE is a hand edit beside the op.
    up = ADD + "\n" + UPDATE
    text = make_revision(
        "b2",
        None,
        upgrade=up,
        downgrade="    op.drop_column('users', 'name_format')",
        message="Add name_format to users",
    )
    assert _am104_lines(lab, text) == [text.splitlines().index(UPDATE)]


def test_a_helpers_name_is_its_reason(lab, make_revision: Callable[..., str]) -> None:
    helper = (
        "\n\ndef clear_duplicate_values():\n"
        "    op.execute('DELETE FROM t WHERE id NOT IN (SELECT min(id) FROM t GROUP BY v)')\n"
    )
    text = (
        make_revision("b2", None, upgrade=ADD + "\n    clear_duplicate_values()", downgrade="    pass")
        + helper
    )
    assert _am104_lines(lab, text) == []
    # A name that says nothing `upgrade` does not is no reason.
    vague = text.replace("clear_duplicate_values", "run_migration")
    assert len(_am104_lines(lab, vague)) == 1


def test_the_downgrade_undoing_the_upgrades_sql_shares_its_reason(
    lab, make_revision: Callable[..., str]
) -> None:
    # quay: bulk_insert of log entry kinds up, the matching delete down.
    up = (
        ADD
        + "\n    # the new kind must exist before the code logs it"
        + "\n    op.bulk_insert(kinds, [{'name': 'x'}])"
    )
    down = "    op.execute(kinds.delete().where(kinds.c.name == 'x'))\n" + DROP
    text = make_revision("b2", None, upgrade=up, downgrade=down)
    assert _am104_lines(lab, text) == []
    # Unexplained upgrade SQL is reported once, in the upgrade, not again in the downgrade.
    bare = text.replace("    # the new kind must exist before the code logs it\n", "")
    assert _am104_lines(lab, bare) == [bare.splitlines().index("    op.bulk_insert(kinds, [{'name': 'x'}])")]


def test_a_downgrade_with_sql_of_its_own_still_needs_a_reason(lab, make_revision: Callable[..., str]) -> None:
    down = "    op.execute('DELETE FROM users WHERE name_format IS NULL')\n" + DROP
    text = make_revision("b2", None, upgrade=ADD, downgrade=down)
    assert _am104_lines(lab, text) == [text.splitlines().index(down.splitlines()[0])]


def test_seeding_a_table_the_same_function_creates_is_its_content(lab, make_revision) -> None:
    """quay e9f3e4dbb979: `op.create_table("quotatype", ...)` then `op.bulk_insert(tables.quotatype,
    [{"name": "Warning"}, {"name": "Reject"}])`: the rows a new lookup table starts with."""
    create = "    op.create_table('quotatype', sa.Column('id', sa.Integer(), nullable=False))\n"
    seed = "    op.bulk_insert(tables.quotatype, [{'name': 'Warning'}])"
    text = make_revision("b2", None, upgrade=create + seed, downgrade="    op.drop_table('quotatype')")
    assert _am104_lines(lab, text) == []
    # Rows for a table that was already there are a data change like any other.
    existing = text.replace("tables.quotatype", "tables.logentrykind")
    assert _am104_lines(lab, existing) == [
        existing.splitlines().index(seed.replace("quotatype", "logentrykind"))
    ]
