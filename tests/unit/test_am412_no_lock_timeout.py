"""AM412: a head that locks an existing table ACCESS EXCLUSIVE with no lock_timeout (issue 17)."""

from __future__ import annotations

from collections.abc import Callable

from alembic_ls.settings import Settings

PG = Settings(dialect="postgresql", select=("ALL",))  # AM412 is opt-in
ADD = "    op.add_column('user', sa.Column('bio', sa.String(), nullable=True))"


def _am412(write_history: Callable[..., object], *revisions: tuple[object, ...], env: str = "") -> list:
    history = write_history(*revisions)
    if env:
        env_py = history.root / "migrations" / "env.py"  # type: ignore[attr-defined]
        env_py.write_text(env_py.read_text() + env, encoding="utf-8")
    return history.findings(PG, codes=["AM412"])  # type: ignore[attr-defined,no-any-return]


def test_fires_once_on_the_head_only(write_history) -> None:
    found = _am412(
        write_history,
        ("a1", None, {"upgrade": ADD}),
        ("b2", "a1", {"upgrade": ADD.replace("bio", "age") + "\n" + ADD.replace("bio", "nick")}),
    )
    assert len(found) == 1
    assert found[0].path.endswith("b2_change.py") and "`op.add_column`" in found[0].message


def test_quiet_when_the_revision_sets_it(write_history) -> None:
    up = "    op.execute(\"SET LOCAL lock_timeout = '5s'\")\n" + ADD
    assert _am412(write_history, ("a1", None, {"upgrade": up})) == []


def test_quiet_when_env_py_sets_it(write_history) -> None:
    env = "\n\nTIMEOUT = \"SET lock_timeout = '5s'\"\n"
    assert _am412(write_history, ("a1", None, {"upgrade": ADD}), env=env) == []


def test_quiet_on_a_table_this_head_creates(write_history) -> None:
    up = "    op.create_table('user', sa.Column('id', sa.Integer()))\n" + ADD
    assert _am412(write_history, ("a1", None, {"upgrade": up})) == []


def test_quiet_for_a_concurrent_index_drop(write_history) -> None:
    up = (
        "    with op.get_context().autocommit_block():\n"
        "        op.drop_index('ix_a', table_name='user', postgresql_concurrently=True)"
    )
    assert _am412(write_history, ("a1", None, {"upgrade": up})) == []


def test_quiet_on_sqlite(write_history) -> None:
    history = write_history(("a1", None, {"upgrade": ADD}))
    assert history.findings(Settings(select=("ALL",)), codes=["AM412"]) == []


def test_off_unless_selected(write_history) -> None:
    history = write_history(("a1", None, {"upgrade": ADD}))
    assert history.findings(Settings(dialect="postgresql"), codes=["AM412"]) == []
    assert len(history.findings(Settings(dialect="postgresql", select=("AM4",)), codes=["AM412"])) == 1
