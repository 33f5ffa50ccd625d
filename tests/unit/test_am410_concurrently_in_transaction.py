"""AM410: CREATE/DROP INDEX CONCURRENTLY where PostgreSQL refuses it (issue 17), and where it runs."""

from __future__ import annotations

from collections.abc import Callable

from alembic_ls.settings import Settings

PG = Settings(dialect="postgresql")
CONCURRENT = "op.create_index('ix_post_author', 'post', ['author_id'], postgresql_concurrently=True)"
DROP = "op.drop_index('ix_post_author', table_name='post', postgresql_concurrently=True)"


def _am410(
    write_history: Callable[..., object], upgrade: str, downgrade: str = "    pass", env: str = ""
) -> list:
    history = write_history(("a1", None, {"upgrade": upgrade, "downgrade": downgrade}))
    if env:
        env_py = history.root / "migrations" / "env.py"  # type: ignore[attr-defined]
        env_py.write_text(env_py.read_text() + env, encoding="utf-8")
    return history.findings(PG, codes=["AM410"])  # type: ignore[attr-defined,no-any-return]


def test_fires_in_the_migration_transaction(write_history) -> None:
    (finding,) = _am410(write_history, "    " + CONCURRENT)
    assert "cannot run inside a transaction block" in finding.message
    assert "`alembic upgrade` fails here" in finding.message


def test_fires_in_downgrade_too(write_history) -> None:
    (finding,) = _am410(write_history, "    pass", downgrade="    " + DROP)
    assert "DROP INDEX CONCURRENTLY" in finding.message and "`alembic downgrade`" in finding.message


def test_quiet_inside_an_autocommit_block(write_history) -> None:
    up = "    with op.get_context().autocommit_block():\n        " + CONCURRENT
    down = "    with op.get_context().autocommit_block():\n        " + DROP
    assert _am410(write_history, up, down) == []


def test_a_nested_block_inside_autocommit_still_counts(write_history) -> None:
    up = "    with op.get_context().autocommit_block():\n        if True:\n            " + CONCURRENT
    assert _am410(write_history, up) == []


def test_quiet_when_env_py_turns_the_transaction_off(write_history) -> None:
    """quay's env.py: `context.configure(..., transactional_ddl=False)`."""
    env = (
        "\n\ndef _configure(context, connection):\n"
        "    context.configure(connection=connection, transactional_ddl=False)\n"
    )
    assert _am410(write_history, "    " + CONCURRENT, env=env) == []


def test_quiet_in_a_branch_for_another_database(write_history) -> None:
    up = "    if op.get_bind().dialect.name == 'mysql':\n        " + CONCURRENT
    assert _am410(write_history, up) == []


def test_quiet_without_the_flag_or_with_a_computed_one(write_history) -> None:
    assert _am410(write_history, "    " + CONCURRENT.replace("True", "False")) == []
    assert _am410(write_history, "    " + CONCURRENT.replace("True", "CONCURRENT")) == []


def test_quiet_on_sqlite(write_history) -> None:
    history = write_history(("a1", None, {"upgrade": "    " + CONCURRENT}))
    assert history.findings(codes=["AM410"]) == []  # the project's URL is SQLite
