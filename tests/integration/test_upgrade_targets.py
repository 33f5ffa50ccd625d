"""`upgrade` to a target behind the database says what is wrong with the target (not env.py, not "done")."""

from __future__ import annotations

from agent_support import Blog, session_for, sqlite_blog_fixture  # noqa: F401  (fixtures)

from alembic_ls import operations
from alembic_ls.agent.payload.alembic_ls_agent import protocol

HEAD = "6f708192a3b4"
BEFORE_HEAD = "5e6f708192a3"


async def test_an_upgrade_backwards_names_the_target_and_changes_nothing(sqlite_blog: Blog) -> None:
    sqlite_blog.fix_undefined_names()
    async with session_for(sqlite_blog) as session:
        assert (await operations.upgrade(session, "head")).ok
        relative = await operations.upgrade(session, "-1")
        base = await operations.upgrade(session, "base")
        ancestor = await operations.upgrade(session, BEFORE_HEAD)
        same = await operations.upgrade(session, HEAD)
        unknown = await operations.upgrade(session, "zzz")
        assert (await operations.current(session)).data["current"] == [HEAD]
    for refused in (relative, base, ancestor):
        assert not refused.ok and refused.data["error"] == protocol.BAD_TARGET, refused.message
        assert "code" not in refused.data and "env.py" not in refused.message  # not AM605
        assert "upgrade only moves forward" in refused.message and "already at" not in refused.message
    assert relative.message.startswith("upgrade -1 was not run: `-1` is a step back")
    assert "use downgrade -1 (it asks first" in relative.message
    assert base.message.startswith("upgrade base was not run: base is below every revision")
    assert ancestor.message.startswith(
        f"upgrade {BEFORE_HEAD} was not run: {BEFORE_HEAD} is older than the database's revision ({HEAD})"
    )
    assert same.ok and same.message == f"Nothing to upgrade: the database is already at {HEAD}."
    # Alembic's own refusal of an unknown target is Alembic's, not env.py's.
    assert not unknown.ok and unknown.data["error"] == protocol.COMMAND_ERROR, unknown.message
    assert "code" not in unknown.data and "zzz" in unknown.message


async def test_upgrade_base_of_an_empty_database_is_nothing_to_do(sqlite_blog: Blog) -> None:
    async with session_for(sqlite_blog) as session:
        result = await operations.upgrade(session, "base")
    assert result.ok and result.message == "Nothing to upgrade: the database is already at base."
