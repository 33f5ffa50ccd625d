"""The database commands on the demo, on SQLite and on a fresh PostgreSQL database each.

The demo's head revision 6f708192a3b4 fails to upgrade (NameError: `sqlmodel`) until AM501 is fixed;
several tests start from that, as a new user would.
"""

from __future__ import annotations

import re
import sqlite3
import tempfile
from pathlib import Path

import pytest
from agent_support import (  # noqa: F401  (fixtures)
    Blog,
    blog_fixture,
    postgres_admin,
    scratch_databases,
    session_for,
    sqlite_blog_fixture,
)

from alembic_ls import operations
from alembic_ls.agent.payload.alembic_ls_agent import protocol
from alembic_ls.operations import ProjectSession
from alembic_ls.runner.errors import AgentError

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


def database_contents(blog: Blog) -> list[tuple[str, list[tuple[object, ...]]]]:
    """Every table of the configured database with all its rows (alembic_version included), sorted."""
    if blog.dialect == "sqlite":
        path = blog.root / "blog.db"
        with sqlite3.connect(path) as conn:
            names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
            return [
                (n, sorted(conn.execute(f'SELECT * FROM "{n}"').fetchall(), key=repr)) for n in sorted(names)
            ]
    import psycopg

    with psycopg.connect(f"host=127.0.0.1 user=postgres dbname={blog.database}") as db:
        names = [r[0] for r in db.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
        return [(n, sorted(db.execute(f'SELECT * FROM "{n}"').fetchall(), key=repr)) for n in sorted(names)]


def scratch_left_behind(blog: Blog, message: str) -> bool:
    """Whether the scratch database a message names still exists (by name: other tests make their own)."""
    found = re.search(r"alembic[-_]ls[-_]scratch[-_][A-Za-z0-9_]+", message)
    assert found, message
    if blog.dialect == "postgresql":
        return found.group(0) in scratch_databases()
    return (Path(tempfile.gettempdir()) / found.group(0)).exists()


async def upgraded_with_a_subtitle(blog: Blog, session: ProjectSession) -> None:
    """The demo at head, with a post whose subtitle the user wrote (what the old cycle lost)."""
    assert (await operations.upgrade(session, "head")).ok
    if blog.dialect == "sqlite":
        with sqlite3.connect(blog.root / "blog.db") as conn:
            conn.execute("INSERT INTO user (id, email, name) VALUES (1, 'a@b.c', 'Ann')")
            conn.execute(
                "INSERT INTO post (id, title, slug, body, published, author_id, subtitle, created_at) "
                "VALUES (1, 'Hello', 'hello', '...', 1, 1, 'written by the user', '2026-01-01 00:00:00')"
            )
        return
    import psycopg

    with psycopg.connect(f"host=127.0.0.1 user=postgres dbname={blog.database}") as db:
        db.execute("""INSERT INTO "user" (id, email, name) VALUES (1, 'a@b.c', 'Ann')""")
        db.execute(
            "INSERT INTO post (id, title, slug, body, published, author_id, subtitle, created_at) "
            "VALUES (1, 'Hello', 'hello', '...', true, 1, 'written by the user', '2026-01-01 00:00:00+00')"
        )


async def test_test_cycle_runs_on_a_scratch_database_and_leaves_the_configured_one_untouched(
    blog: Blog,
) -> None:
    blog.fix_undefined_names()
    async with session_for(blog) as session:
        await upgraded_with_a_subtitle(blog, session)
        before = database_contents(blog)
        passed = await operations.run_test_cycle(session)
        assert passed.ok, passed.message
        assert database_contents(blog) == before
        assert "written by the user" in repr(before)
        assert (await operations.current(session)).data["current"] == [HEAD]
    assert passed.message.startswith("Test cycle passed on a scratch database ")
    assert passed.message.endswith(
        f"(brought to {BEFORE_HEAD} first): upgraded {HEAD}, downgraded {HEAD}, upgraded {HEAD}; "
        "scratch database dropped."
    )
    assert passed.steps[-3:] == [
        f'upgrade {HEAD}: applied {HEAD} "add subtitle to post"',
        f'downgrade {BEFORE_HEAD}: reverted {HEAD} "add subtitle to post"',
        f'upgrade {HEAD}: applied {HEAD} "add subtitle to post"',
    ]
    assert not scratch_left_behind(blog, passed.message)


async def test_test_cycle_on_the_configured_database_needs_confirmed(blog: Blog) -> None:
    blog.fix_undefined_names()
    async with session_for(blog) as session:
        await upgraded_with_a_subtitle(blog, session)
        before = database_contents(blog)
        refused = await operations.run_test_cycle(session, "configured")
        assert not refused.ok and refused.data["error"] == "not-confirmed"
        assert '"confirmed": true' in refused.message
        assert database_contents(blog) == before
        passed = await operations.run_test_cycle(session, "configured", confirmed=True)
    assert passed.ok, passed.message
    assert passed.message.startswith("Test cycle passed on your database")
    assert passed.steps == [
        f'downgrade -1: reverted {HEAD} "add subtitle to post"',
        f'upgrade head: applied {HEAD} "add subtitle to post"',
    ]
    assert "written by the user" not in repr(database_contents(blog))  # what a confirmed run costs


async def test_the_agent_itself_refuses_an_unconfirmed_downgrade_of_a_real_database(blog: Blog) -> None:
    blog.fix_undefined_names()
    async with session_for(blog) as session:
        assert (await operations.upgrade(session, "head")).ok
        # Straight to the agent, as a buggy caller would: a downgrade and a cycle-like batch.
        with pytest.raises(AgentError) as caught:
            await session.call("downgrade", {"target": "-1"})
        assert caught.value.kind == protocol.NOT_CONFIRMED
        answer = await session.call(
            "batch", {"steps": [{"method": "downgrade", "params": {"target": "-1"}}, {"method": "upgrade"}]}
        )
        assert answer["results"][0]["error"]["kind"] == protocol.NOT_CONFIRMED
        # A project that merely claims to be a scratch one is not: the URL must name a scratch database.
        fake = ProjectSession(blog.project, session.agent, url=blog.url, scratch=True)
        with pytest.raises(AgentError) as claimed:
            await fake.call("downgrade", {"target": "-1"})
        assert claimed.value.kind == protocol.NOT_CONFIRMED
        assert (await operations.current(session)).data["current"] == [HEAD]


async def test_test_cycle_on_scratch_catches_a_downgrade_that_does_not_undo_its_upgrade(blog: Blog) -> None:
    blog.fix_undefined_names()
    head_file = blog.versions / f"{HEAD}_add_subtitle_to_post.py"
    text = head_file.read_text(encoding="utf-8")
    head_file.write_text(text.replace("batch_op.drop_column('subtitle')", "pass"), encoding="utf-8")
    async with session_for(blog) as session:
        assert (await operations.upgrade(session, BEFORE_HEAD)).ok
        before = database_contents(blog)
        result = await operations.run_test_cycle(session)
        assert database_contents(blog) == before
    assert not result.ok
    assert result.message.startswith("Test cycle failed on a scratch database ")
    assert f"after downgrading {HEAD}" in result.message and "does not undo its upgrade" in result.message
    assert result.data["error"] == protocol.MIGRATION_FAILED
    assert "subtitle" in result.message
    assert result.message.endswith("Your database was not touched; scratch database dropped.")
    assert result.steps[-1] == f"upgrade {HEAD}: failed"
    assert not scratch_left_behind(blog, result.message)


async def test_test_cycle_on_scratch_cycles_each_head(sqlite_blog: Blog) -> None:
    sqlite_blog.fix_undefined_names()
    head_file = sqlite_blog.versions / f"{HEAD}_add_subtitle_to_post.py"
    second = sqlite_blog.versions / "0a1b2c3d4e5f_add_teaser_to_post.py"
    second.write_text(
        head_file.read_text(encoding="utf-8").replace(HEAD, "0a1b2c3d4e5f").replace("subtitle", "teaser"),
        encoding="utf-8",
    )
    async with session_for(sqlite_blog) as session:
        result = await operations.run_test_cycle(session)
    assert result.ok, result.message
    assert sorted(result.data["heads"]) == sorted(["0a1b2c3d4e5f", HEAD])
    assert result.message.count("Test cycle passed on a scratch database") == 2
    assert not (sqlite_blog.root / "blog.db").exists()


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


async def test_regenerate_does_not_upgrade_the_database_unless_confirmed(sqlite_blog: Blog) -> None:
    sqlite_blog.fix_undefined_names()
    head_file = sqlite_blog.versions / f"{HEAD}_add_subtitle_to_post.py"
    original = head_file.read_bytes()
    async with session_for(sqlite_blog) as session:
        assert (
            await operations.upgrade(session, "3c4d5e6f7081")
        ).ok  # two revisions behind the head's parent
        refused = await operations.regenerate(session, HEAD)
        assert not refused.ok and refused.data["error"] == "not-confirmed", refused.message
        assert (
            f"needs the database at {BEFORE_HEAD}" in refused.message
            and '"confirmed": true' in refused.message
        )
        assert head_file.read_bytes() == original
        assert (await operations.current(session)).data["current"] == ["3c4d5e6f7081"]
        done = await operations.regenerate(session, HEAD, confirmed=True)
        assert done.ok, done.message
        assert done.steps[1].startswith(f"Upgraded to {BEFORE_HEAD}: applied 2 revisions")


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
