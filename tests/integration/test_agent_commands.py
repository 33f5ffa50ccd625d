"""The database commands on the demo, on SQLite and on a fresh PostgreSQL database each.

The demo's head revision 6f708192a3b4 fails to upgrade (NameError: `sqlmodel`) until AM501 is fixed;
several tests start from that, as a new user would.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from agent_support import Blog, blog_fixture, postgres_admin, session_for  # noqa: F401  (fixtures)

from alembic_ls import operations
from alembic_ls.agent.payload.alembic_ls_agent import protocol

HEAD = "6f708192a3b4"
BEFORE_HEAD = "5e6f708192a3"


def tables(blog: Blog) -> set[str]:
    if blog.dialect == "sqlite":
        path = blog.root / "blog.db"
        if not path.exists():
            return set()
        with sqlite3.connect(path) as conn:
            return {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    conn = postgres_admin()
    conn.close()  # type: ignore[attr-defined]
    import psycopg

    with psycopg.connect(f"host=127.0.0.1 user=postgres dbname={blog.database}") as db:
        rows = db.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'").fetchall()
    return {row[0] for row in rows}


async def test_current_on_an_empty_database_reads_without_writing(blog: Blog) -> None:
    async with session_for(blog) as session:
        result = await operations.current(session)
    assert result.ok and result.data["current"] == []
    assert len(result.data["pending"]) == 6
    assert "6 revisions not applied" in result.message
    assert tables(blog) == set()  # not even alembic_version
    assert not (blog.root / "blog.db").exists()


async def test_upgrade_stops_at_the_planted_name_error_with_file_line_and_next_step(blog: Blog) -> None:
    async with session_for(blog) as session:
        result = await operations.upgrade(session, "head")
    assert not result.ok
    assert result.data["error"] == protocol.USER_CODE
    assert result.data["file"].endswith(f"{HEAD}_add_subtitle_to_post.py") and result.data["line"] == 25
    assert "NameError: name 'sqlmodel' is not defined" in result.message
    assert f"migrations/versions/{HEAD}_add_subtitle_to_post.py:25" in result.message
    assert "`alembic-ls check --fix` adds it" in result.message
    # PostgreSQL rolls the whole upgrade back (transactional DDL); SQLite keeps what ran before the error.
    expected = "no revision applied" if blog.dialect == "postgresql" else BEFORE_HEAD
    assert f"The database is now at {expected}" in result.message


async def test_upgrade_current_and_history_after_the_fix(blog: Blog) -> None:
    blog.fix_undefined_names()
    async with session_for(blog) as session:
        upgraded = await operations.upgrade(session, "head")
        assert upgraded.ok, upgraded.message
        assert upgraded.data["applied"][-1] == HEAD and len(upgraded.data["applied"]) == 6
        assert upgraded.message.startswith(f"Upgraded to {HEAD}: applied 6 revisions")
        now = await operations.current(session)
        assert now.ok and now.data["current"] == [HEAD] and now.data["pending"] == []
        assert f'{HEAD} (head) "add subtitle to post"' in now.message and "Nothing to upgrade" in now.message
        again = await operations.upgrade(session, "head")
        assert again.ok and again.data["applied"] == [] and "Nothing to upgrade" in again.message
        history = await operations.history(session)
        assert history.ok and len(history.data["revisions"]) == 6
        assert all(rev["applied"] for rev in history.data["revisions"])
        assert f"{BEFORE_HEAD} -> {HEAD} (head, current), add subtitle to post" in history.data["text"]
        heads = await operations.heads(session)
        assert heads.ok and heads.message == f'One head: {HEAD} "add subtitle to post".'
    assert {"user", "post", "tag", "alembic_version"} <= tables(blog)


async def test_downgrade_is_refused_unless_confirmed_then_reverts_one(blog: Blog) -> None:
    blog.fix_undefined_names()
    async with session_for(blog) as session:
        assert (await operations.upgrade(session, "head")).ok
        refused = await operations.downgrade(session, "-1", confirmed=False)
        assert not refused.ok and refused.data["error"] == "not-confirmed"
        assert '"confirmed": true' in refused.message
        assert (await operations.current(session)).data["current"] == [HEAD]
        done = await operations.downgrade(session, "-1", confirmed=True)
        assert done.ok and done.data["reverted"] == [HEAD]
        assert f"The database is now at {BEFORE_HEAD}" in done.message


async def test_test_cycle_reports_each_step(blog: Blog) -> None:
    blog.fix_undefined_names()
    async with session_for(blog) as session:
        empty = await operations.run_test_cycle(session)
        assert not empty.ok and "run Upgrade first" in empty.message
        assert (await operations.upgrade(session, "head")).ok
        passed = await operations.run_test_cycle(session)
    assert passed.ok, passed.message
    assert passed.steps == [
        f'downgrade -1: reverted {HEAD} "add subtitle to post"',
        f'upgrade head: applied {HEAD} "add subtitle to post"',
    ]


async def test_test_cycle_fails_on_a_downgrade_that_does_not_undo_its_upgrade(blog: Blog) -> None:
    # 5e6f708192a3's downgrade is `pass` (AM201): re-upgrading it finds the column still there.
    blog.fix_undefined_names()
    async with session_for(blog) as session:
        assert (await operations.upgrade(session, BEFORE_HEAD)).ok
        result = await operations.run_test_cycle(session)
    assert not result.ok
    assert result.message.startswith("Test cycle failed at `upgrade head`")
    assert result.data["error"] == protocol.MIGRATION_FAILED
    assert (
        "bio" in result.message and "already exists" in result.message
    ) or "duplicate column" in result.message
    assert result.steps[0].startswith(f"downgrade -1: reverted {BEFORE_HEAD}")


async def test_generate_says_no_changes_plainly_and_writes_nothing(blog: Blog) -> None:
    blog.fix_undefined_names()
    async with session_for(blog) as session:
        assert (await operations.upgrade(session, "head")).ok
        before = blog.revision_files()
        result = await operations.generate(session, "nothing changed")
    assert result.ok and result.data["noChanges"] is True
    assert result.message.startswith("No changes detected")
    assert blog.revision_files() == before and not result.show


async def test_generate_on_a_database_behind_head_says_upgrade_first(blog: Blog) -> None:
    blog.fix_undefined_names()
    async with session_for(blog) as session:
        assert (await operations.upgrade(session, BEFORE_HEAD)).ok
        result = await operations.generate(session, "add score")
    assert not result.ok and result.data["error"] == protocol.NOT_UP_TO_DATE
    assert f"it is at {BEFORE_HEAD}; the head is {HEAD}" in result.message
    assert "`alembic upgrade head`" in result.message


async def test_generated_sqlmodel_migration_gets_its_import_and_upgrades(blog: Blog) -> None:
    """The AutoString case: the default template lacks `import sqlmodel`; the result must upgrade."""
    blog.fix_undefined_names()
    async with session_for(blog) as session:
        assert (await operations.upgrade(session, "head")).ok
        blog.add_model_field("summary: str | None = Field(default=None)")
        generated = await operations.generate(session, "add summary to post")
        assert generated.ok, generated.message
        path = Path(generated.data["path"])
        assert generated.show == [path] and path.parent == blog.versions
        text = path.read_text(encoding="utf-8")
        assert "sqlmodel.sql.sqltypes.AutoString()" in text and "\nimport sqlmodel\n" in text
        assert generated.data["importsAdded"] == ["import sqlmodel"]
        assert generated.data["findings"] == [] and "It lints clean." in generated.message
        assert "(new column `post.summary`)" in generated.message
        upgraded = await operations.upgrade(session, "head")
        assert upgraded.ok and upgraded.data["applied"] == [generated.data["revision"]]


async def test_multiple_heads_are_explained_then_merged(blog: Blog) -> None:
    blog.fix_undefined_names()
    source = (blog.versions / f"{HEAD}_add_subtitle_to_post.py").read_text(encoding="utf-8")
    second = source.replace(HEAD, "7a0b1c2d3e4f").replace("subtitle", "teaser")
    (blog.versions / "7a0b1c2d3e4f_add_teaser_to_post.py").write_text(second, encoding="utf-8")
    async with session_for(blog) as session:
        stuck = await operations.upgrade(session, "head")
        assert not stuck.ok and stuck.data["error"] == protocol.MULTIPLE_HEADS
        assert f"several heads ({HEAD}, 7a0b1c2d3e4f)" in stuck.message and "Merge heads" in stuck.message
        merged = await operations.merge_heads(session, "merge subtitle and teaser")
        assert merged.ok, merged.message
        assert merged.data["heads"] == [merged.data["revision"]] and "now has 1 head" in merged.message
        assert merged.show and merged.show[0].exists()
        assert (await operations.merge_heads(session, "again")).message.startswith("Nothing to merge")
        upgraded = await operations.upgrade(session, "head")
        assert upgraded.ok and upgraded.data["applied"][-1] == merged.data["revision"]


async def test_import_error_in_env_py_names_the_file_and_line(blog: Blog) -> None:
    env = blog.root / "migrations" / "env.py"
    text = env.read_text(encoding="utf-8")
    env.write_text(text.replace("import app.models  #", "import app.modelz  #"), encoding="utf-8")
    line = 1 + next(i for i, row in enumerate(env.read_text().splitlines()) if "app.modelz" in row)
    async with session_for(blog) as session:
        result = await operations.current(session)
    assert not result.ok and result.data["error"] == protocol.USER_CODE
    assert result.data["file"] == str(env.resolve()) and result.data["line"] == line
    assert "ModuleNotFoundError: No module named 'app.modelz'" in result.message
    assert f"migrations/env.py:{line} (the Alembic environment)" in result.message
    assert "Make sure that module is installed" in result.message


async def test_show_sql_writes_the_offline_script_of_one_revision(blog: Blog) -> None:
    async with session_for(blog) as session:
        result = await operations.show_sql(session, BEFORE_HEAD)
    assert result.ok, result.message
    sql = result.show[0].read_text(encoding="utf-8")
    assert sql.startswith(f"-- alembic-ls: offline SQL of revision {BEFORE_HEAD} (upgrade from 4d5e6f708192)")
    assert "ADD COLUMN bio VARCHAR" in sql
    assert "CREATE TABLE post" not in sql  # only this revision, not the history before it
    assert tables(blog) == set()  # offline: nothing ran


async def test_regenerate_refuses_applied_and_older_revisions_and_redoes_the_newest(blog: Blog) -> None:
    blog.fix_undefined_names()
    async with session_for(blog) as session:
        assert (await operations.upgrade(session, "head")).ok
        older = await operations.regenerate(session, BEFORE_HEAD)
        assert not older.ok and older.data["error"] == "not-newest"
        applied = await operations.regenerate(session, HEAD)
        assert (
            not applied.ok and applied.data["error"] == "applied" and "Downgrade it first" in applied.message
        )
        blog.add_model_field("score: float | None = Field(default=None)")
        generated = await operations.generate(session, "add score to post")
        assert generated.ok
        old = Path(generated.data["path"])
        blog.add_model_field("rating: int | None = Field(default=None)")
        redone = await operations.regenerate(session, generated.data["revision"][:6])
        assert redone.ok, redone.message
        new = Path(redone.data["path"])
        assert not old.exists() and new.exists() and new != old
        text = new.read_text(encoding="utf-8")
        assert "'score'" in text and "'rating'" in text and '"""add score to post' in text
        assert redone.steps[0] == f"removed {old.name}"


async def test_regenerate_puts_the_file_back_when_nothing_would_be_generated(blog: Blog) -> None:
    blog.fix_undefined_names()
    async with session_for(blog) as session:
        assert (await operations.upgrade(session, BEFORE_HEAD)).ok
        head_file = blog.versions / f"{HEAD}_add_subtitle_to_post.py"
        original = head_file.read_bytes()
        blog.models.write_text(
            blog.models.read_text().replace("    subtitle: str | None = Field(default=None)\n", "")
        )
        result = await operations.regenerate(session, HEAD)
    assert not result.ok and "autogenerate found no changes" in result.message
    assert head_file.read_bytes() == original


async def test_status_reads_current_heads_and_pending(blog: Blog) -> None:
    blog.fix_undefined_names()
    async with session_for(blog) as session:
        assert (await operations.upgrade(session, "2b3c4d5e6f70")).ok
        entry = await operations.status(session)
    assert entry == {
        "scriptLocation": str(blog.project.script_location),
        "current": ["2b3c4d5e6f70"],
        "heads": [HEAD],
        "pending": 4,
        "drift": 0,
        "databaseError": None,
        "driftNotCompared": None,
    }
