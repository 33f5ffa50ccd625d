"""The schema-safety fixes on a real PostgreSQL: each fixed migration upgrades with rows present,
downgrades, and upgrades again.

Every test gets its own database (CREATE DATABASE on 127.0.0.1:5432 as postgres, dropped after) and a
temporary Alembic project pointing at it; alembic runs in this process, so a SQLAlchemy event hook
sees the SQL it sends. Skipped, saying why, when the server is not reachable.
"""

from __future__ import annotations

import textwrap
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic_env import MINIMAL_ENV_PY

from alembic_ls.analysis.index import IndexCache, ProjectIndex
from alembic_ls.checker import Checker
from alembic_ls.fixes import apply_edits, build_edits
from alembic_ls.fixes.nullable_first import BACKFILL_PLACEHOLDER
from alembic_ls.project import discover_projects
from alembic_ls.rules.base import Finding
from alembic_ls.settings import Settings

psycopg = pytest.importorskip("psycopg")

SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
# The base revision: two tables that already hold rows when the revision under test runs.
BASE_UPGRADE = """\
op.create_table('user', sa.Column('id', sa.Integer(), primary_key=True), sa.Column('name', sa.String()))
op.create_table(
    'post',
    sa.Column('id', sa.Integer(), primary_key=True),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(), nullable=False),
)
# MANUAL: rows the revision under test must cope with
op.execute("INSERT INTO \\"user\\" (id, name) VALUES (1, 'ada'), (2, 'grace')")
# MANUAL: rows the revision under test must cope with
op.execute("INSERT INTO post (id, author_id, title) VALUES (1, 1, 'a'), (2, 2, 'b'), (3, 1, 'c')")
"""
BASE_DOWNGRADE = "op.drop_table('post')\nop.drop_table('user')\n"


def _admin() -> Any:
    try:
        return psycopg.connect(
            "host=127.0.0.1 port=5432 user=postgres dbname=postgres", autocommit=True, connect_timeout=3
        )
    except psycopg.OperationalError as exc:
        pytest.skip(f"PostgreSQL is not reachable on 127.0.0.1:5432 as user postgres: {exc}".strip())


@pytest.fixture
def database() -> Iterator[str]:
    """A fresh, uniquely named database; its SQLAlchemy URL."""
    name = f"alembic_ls_safety_{uuid.uuid4().hex[:12]}"
    with _admin() as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{SERVER}/{name}"
    finally:
        with _admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class Project:
    root: Path
    url: str
    statements: list[str] = field(default_factory=list)

    @property
    def revision(self) -> Path:
        return self.root / "migrations" / "versions" / "b2_change.py"

    def config(self) -> Config:
        return Config(str(self.root / "alembic.ini"))

    def upgrade(self, target: str = "head") -> None:
        command.upgrade(self.config(), target)

    def downgrade(self, target: str) -> None:
        command.downgrade(self.config(), target)

    def findings(self, code: str) -> list[Finding]:
        projects, errors = discover_projects([self.root])
        assert not errors and len(projects) == 1
        index = ProjectIndex.build(projects[0], IndexCache(None))
        rev = index.get(str(self.revision.resolve()))
        assert rev is not None
        return [f for f in Checker(index, Settings()).check_file(rev) if f.code == code]

    def fix(self, code: str) -> str:
        """Apply the revision's one `code` fix; the result must re-check clean of `code`."""
        (finding,) = self.findings(code)
        assert finding.fix is not None
        text = self.revision.read_text()
        fixed = apply_edits(text, build_edits(str(self.revision), text, finding.fix.kind, finding.fix.params))
        self.revision.write_text(fixed)
        assert self.findings(code) == []
        return fixed

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        engine = sa.create_engine(self.url, poolclass=sa.pool.NullPool)
        try:
            with engine.connect() as connection:
                return [tuple(row) for row in connection.execute(sa.text(sql))]
        finally:
            engine.dispose()

    def columns(self, table: str) -> dict[str, str]:
        rows = self.query(
            f"SELECT column_name, is_nullable FROM information_schema.columns WHERE table_name = '{table}'"
        )
        return {name: nullable for name, nullable in rows}


def _revision(rid: str, down: str | None, upgrade: str, downgrade: str) -> str:
    def body(code: str) -> str:
        return textwrap.indent(textwrap.dedent(code).strip("\n"), "    ") + "\n"

    return (
        f'"""change {rid}\n\nRevision ID: {rid}\nRevises: {down or ""}\n'
        'Create Date: 2026-01-01 00:00:00\n\n"""\n'
        "from alembic import op\nimport sqlalchemy as sa\n\n"
        f"revision = {rid!r}\ndown_revision = {down!r}\nbranch_labels = None\ndepends_on = None\n\n\n"
        f"def upgrade() -> None:\n{body(upgrade)}\n\ndef downgrade() -> None:\n{body(downgrade)}"
    )


@pytest.fixture
def project(tmp_path: Path, database: str) -> Iterator[Any]:
    """`project(upgrade, downgrade)`: a base revision with rows, plus revision b2 under test."""
    captured: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        captured.append(" ".join(statement.split()))

    sa.event.listen(sa.engine.Engine, "before_cursor_execute", record)

    def make(upgrade: str, downgrade: str) -> Project:
        root = tmp_path / "project"
        versions = root / "migrations" / "versions"
        versions.mkdir(parents=True)
        (root / "migrations" / "env.py").write_text(MINIMAL_ENV_PY)
        (root / "alembic.ini").write_text(
            "[alembic]\nscript_location = %(here)s/migrations\npath_separator = os\n"
            f"sqlalchemy.url = {database}\n"
        )
        (versions / "a1_base.py").write_text(_revision("a1", None, BASE_UPGRADE, BASE_DOWNGRADE))
        (versions / "b2_change.py").write_text(_revision("b2", "a1", upgrade, downgrade))
        return Project(root, database, captured)

    try:
        yield make
    finally:
        sa.event.remove(sa.engine.Engine, "before_cursor_execute", record)


# -- AM401 ---------------------------------------------------------------------------------------

ADD_NOT_NULL = "op.add_column('post', sa.Column('status', sa.String(), nullable=False))"
BATCH_ADD_NOT_NULL = """\
with op.batch_alter_table('post', schema=None) as batch_op:
    batch_op.add_column(sa.Column('status', sa.String(), nullable=False))
"""
DROP_STATUS = "op.drop_column('post', 'status')"
BATCH_DROP_STATUS = """\
with op.batch_alter_table('post', schema=None) as batch_op:
    batch_op.drop_column('status')
"""


@pytest.mark.parametrize(
    ("upgrade", "downgrade"),
    [(ADD_NOT_NULL, DROP_STATUS), (BATCH_ADD_NOT_NULL, BATCH_DROP_STATUS)],
    ids=["plain", "batch"],
)
def test_am401_three_steps_upgrade_with_rows_present_and_downgrade(
    project: Any, upgrade: str, downgrade: str
) -> None:
    lab: Project = project(upgrade, downgrade)
    lab.upgrade("a1")
    with pytest.raises(sa.exc.IntegrityError, match="contains null values"):
        lab.upgrade()  # what AM401 warns about: the rows already there have no value
    assert lab.query("SELECT version_num FROM alembic_version") == [("a1",)]

    fixed = lab.fix("AM401")
    assert lab.findings("AM406") == []  # the lock-safe form: the CHECK spares SET NOT NULL its scan
    lab.revision.write_text(fixed.replace(BACKFILL_PLACEHOLDER, "'draft'"))  # the person's choice
    lab.statements.clear()
    lab.upgrade()
    assert lab.columns("post")["status"] == "NO"
    assert lab.query("SELECT DISTINCT status FROM post") == [("draft",)]
    ran = [s for s in lab.statements if "ck_post_status_not_null" in s]
    assert [s.split(" CONSTRAINT")[0] for s in ran] == [
        "ALTER TABLE post ADD",
        "ALTER TABLE post VALIDATE",
        "ALTER TABLE post DROP",
    ]
    assert "NOT VALID" in ran[0]
    # Only the CHECK's job was to prove it: it is gone, and the column itself is NOT NULL.
    assert lab.query("SELECT conname FROM pg_constraint WHERE conname = 'ck_post_status_not_null'") == []
    lab.downgrade("-1")
    assert "status" not in lab.columns("post")
    lab.upgrade()
    assert lab.query("SELECT count(*) FROM post WHERE status = 'draft'") == [(3,)]


def test_am401_placeholder_left_in_fails_loudly_and_changes_nothing(project: Any) -> None:
    lab: Project = project(ADD_NOT_NULL, DROP_STATUS)
    lab.upgrade("a1")
    lab.fix("AM401")
    with pytest.raises(sa.exc.ProgrammingError, match="syntax error"):
        lab.upgrade()
    # PostgreSQL's transactional DDL rolled the half-done revision back.
    assert "status" not in lab.columns("post")
    assert lab.query("SELECT version_num FROM alembic_version") == [("a1",)]


# -- AM402 ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("batch", [False, True], ids=["plain", "batch"])
def test_am402_rename_keeps_the_data_both_ways(project: Any, batch: bool) -> None:
    if batch:
        upgrade = """\
with op.batch_alter_table('user', schema=None) as batch_op:
    batch_op.add_column(sa.Column('full_name', sa.String(), nullable=True))
    batch_op.drop_column('name')
"""
        downgrade = """\
with op.batch_alter_table('user', schema=None) as batch_op:
    batch_op.add_column(sa.Column('name', sa.VARCHAR(), autoincrement=False, nullable=True))
    batch_op.drop_column('full_name')
"""
    else:
        upgrade = (
            "op.add_column('user', sa.Column('full_name', sa.String(), nullable=True))\n"
            "op.drop_column('user', 'name')"
        )
        downgrade = (
            "op.add_column('user', sa.Column('name', sa.VARCHAR(), autoincrement=False, nullable=True))\n"
            "op.drop_column('user', 'full_name')"
        )
    lab: Project = project(upgrade, downgrade)
    lab.fix("AM402")
    lab.upgrade()
    assert lab.query('SELECT full_name FROM "user" ORDER BY id') == [("ada",), ("grace",)]
    assert "name" not in lab.columns("user")
    lab.downgrade("-1")
    assert lab.query('SELECT name FROM "user" ORDER BY id') == [("ada",), ("grace",)]
    assert "full_name" not in lab.columns("user")


# -- AM403 ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("batch", [False, True], ids=["plain", "batch"])
def test_am403_builds_and_drops_the_index_concurrently(project: Any, batch: bool) -> None:
    if batch:
        upgrade = """\
with op.batch_alter_table('post', schema=None) as batch_op:
    batch_op.create_index(batch_op.f('ix_post_author_id'), ['author_id'], unique=False)
"""
        downgrade = """\
with op.batch_alter_table('post', schema=None) as batch_op:
    batch_op.drop_index(batch_op.f('ix_post_author_id'))
"""
    else:
        upgrade = "op.create_index('ix_post_author_id', 'post', ['author_id'], unique=False)"
        downgrade = "op.drop_index('ix_post_author_id', table_name='post')"
    lab: Project = project(upgrade, downgrade)
    lab.fix("AM403")
    lab.upgrade()
    assert "CREATE INDEX CONCURRENTLY ix_post_author_id ON post (author_id)" in lab.statements
    valid = "SELECT indisvalid FROM pg_index WHERE indexrelid = 'ix_post_author_id'::regclass"
    assert lab.query(valid) == [(True,)]
    lab.downgrade("-1")
    assert "DROP INDEX CONCURRENTLY ix_post_author_id" in lab.statements
    assert lab.query("SELECT to_regclass('ix_post_author_id') IS NULL") == [(True,)]
    lab.upgrade()


# -- AM404 ---------------------------------------------------------------------------------------


def test_am404_adds_the_foreign_key_not_valid_then_validates_it(project: Any) -> None:
    upgrade = "op.create_foreign_key('fk_post_author', 'post', 'user', ['author_id'], ['id'])"
    downgrade = "op.drop_constraint('fk_post_author', 'post', type_='foreignkey')"
    lab: Project = project(upgrade, downgrade)
    lab.fix("AM404")
    lab.upgrade()
    added = [s for s in lab.statements if s.startswith("ALTER TABLE post ADD CONSTRAINT fk_post_author")]
    assert added and added[0].endswith("NOT VALID")
    assert "ALTER TABLE post VALIDATE CONSTRAINT fk_post_author" in lab.statements
    assert lab.query("SELECT convalidated FROM pg_constraint WHERE conname = 'fk_post_author'") == [(True,)]
    lab.downgrade("-1")
    assert lab.query("SELECT count(*) FROM pg_constraint WHERE conname = 'fk_post_author'") == [(0,)]
    lab.upgrade()


# -- AM411 ---------------------------------------------------------------------------------------


def test_am411_index_first_then_the_constraint_both_ways(project: Any) -> None:
    lab: Project = project(
        "op.create_unique_constraint('uq_post_title', 'post', ['title'])",
        "op.drop_constraint('uq_post_title', 'post', type_='unique')",
    )
    lab.upgrade("a1")
    lab.fix("AM411")
    lab.statements.clear()
    lab.upgrade()
    ran = [s for s in lab.statements if "uq_post_title" in s]
    assert ran[0].startswith("CREATE UNIQUE INDEX CONCURRENTLY uq_post_title ON post (title)")
    assert ran[1] == "ALTER TABLE post ADD CONSTRAINT uq_post_title UNIQUE USING INDEX uq_post_title"
    assert lab.query("SELECT contype FROM pg_constraint WHERE conname = 'uq_post_title'") == [("u",)]
    lab.downgrade("-1")  # dropping the constraint drops the index it took over
    assert lab.query("SELECT count(*) FROM pg_class WHERE relname = 'uq_post_title'") == [(0,)]
    lab.upgrade()
    assert lab.query("SELECT contype FROM pg_constraint WHERE conname = 'uq_post_title'") == [("u",)]


# -- AM412 ---------------------------------------------------------------------------------------


def test_am412_set_local_lock_timeout_runs_and_ends_with_the_transaction(project: Any) -> None:
    lab: Project = project(
        "op.add_column('post', sa.Column('flag', sa.Boolean(), nullable=True))",
        "op.drop_column('post', 'flag')",
    )
    projects, _ = discover_projects([lab.root])
    index = ProjectIndex.build(projects[0], IndexCache(None))
    rev = index.get(str(lab.revision.resolve()))
    assert rev is not None
    checker = Checker(index, Settings(select=("AM412",)))  # opt-in
    [finding] = [f for f in checker.check_file(rev) if f.code == "AM412"]
    assert finding.fix is not None
    text = lab.revision.read_text()
    lab.revision.write_text(
        apply_edits(text, build_edits(str(lab.revision), text, finding.fix.kind, finding.fix.params))
    )
    lab.upgrade("a1")
    lab.statements.clear()
    lab.upgrade()
    assert "SET LOCAL lock_timeout = '5s'" in lab.statements
    assert "flag" in lab.columns("post")
    lab.downgrade("-1")
    assert "flag" not in lab.columns("post")
