"""`alembic-ls trace` on the real PostgreSQL server: the locks PostgreSQL documents for each kind of
op, read from pg_locks per statement, at the op's own line; the scratch database is dropped and the
project's own database is never touched."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic_env import MINIMAL_ENV_PY

psycopg = pytest.importorskip("psycopg")

SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
REVISIONS = [
    (
        "a1",
        None,
        """\
op.create_table('account', sa.Column('id', sa.Integer(), primary_key=True), sa.Column('n', sa.Integer()))
op.create_table(
    'item', sa.Column('id', sa.Integer(), primary_key=True), sa.Column('account_id', sa.Integer())
)
""",
    ),
    (
        "b2",
        "a1",
        "op.add_column('account', sa.Column('flag', sa.Boolean(), nullable=False, server_default='f'))\n",
    ),
    ("c3", "b2", "op.alter_column('account', 'n', type_=sa.BigInteger(), existing_type=sa.Integer())\n"),
    ("d4", "c3", "op.create_index('ix_account_n', 'account', ['n'])\n"),
    (
        "e5",
        "d4",
        """\
with op.get_context().autocommit_block():
    op.create_index('ix_item_account', 'item', ['account_id'], postgresql_concurrently=True)
""",
    ),
    (
        "f6",
        "e5",
        """\
op.create_foreign_key('fk_item_account', 'item', 'account', ['account_id'], ['id'], postgresql_not_valid=True)
op.create_check_constraint('ck_account_n', 'account', 'n >= 0', postgresql_not_valid=True)
""",
    ),
    (
        "g7",
        "f6",
        """op.create_foreign_key('fk_item_account_checked', 'item', 'account', ['account_id'], ['id'])
op.create_check_constraint('ck_account_n_checked', 'account', 'n < 1000000')
""",
    ),
]


def _admin() -> Any:
    try:
        return psycopg.connect(
            "host=127.0.0.1 port=5432 user=postgres dbname=postgres", autocommit=True, connect_timeout=3
        )
    except psycopg.OperationalError as exc:
        pytest.skip(f"PostgreSQL is not reachable on 127.0.0.1:5432 as user postgres: {exc}".strip())


def _databases() -> set[str]:
    with _admin() as admin:
        return {row[0] for row in admin.execute("SELECT datname FROM pg_database")}


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Path]:
    """The history above, pointing at a database of its own (created empty: trace must leave it so)."""
    name = f"alembic_ls_trace_own_{uuid.uuid4().hex[:10]}"
    with _admin() as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    root = tmp_path / "project"
    versions = root / "migrations" / "versions"
    versions.mkdir(parents=True)
    (root / "migrations" / "env.py").write_text(MINIMAL_ENV_PY)
    (root / "alembic.ini").write_text(
        f"[alembic]\nscript_location = %(here)s/migrations\nsqlalchemy.url = {SERVER}/{name}\n"
    )
    for rid, down, upgrade in REVISIONS:
        body = textwrap.indent(upgrade, "    ")
        (versions / f"{rid}_step.py").write_text(
            f'"""step {rid}\n\nRevision ID: {rid}\nRevises: {down or ""}\n'
            'Create Date: 2026-01-01 00:00:00\n\n"""\n'
            "from alembic import op\nimport sqlalchemy as sa\n\n"
            f"revision = {rid!r}\ndown_revision = {down!r}\nbranch_labels = None\ndepends_on = None\n\n\n"
            f"def upgrade() -> None:\n{body}\n\ndef downgrade() -> None:\n    pass\n"
        )
    try:
        yield root
    finally:
        with _admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def trace(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "alembic_ls", "trace", ".", "--interpreter", sys.executable, *args],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_each_op_gets_the_locks_postgresql_documents(project: Path) -> None:
    done = trace(project, "--output-format", "json")
    assert done.returncode == 0, done.stderr
    records = json.loads(done.stdout)
    by_revision: dict[str, list[dict[str, Any]]] = {}
    for record in records:
        by_revision.setdefault(record["revision"], []).append(record)

    def locks(rid: str, index: int = 0) -> set[tuple[str, str]]:
        return {(lock["relation"], lock["mode"]) for lock in by_revision[rid][index]["locks"]}

    # ADD COLUMN ... NOT NULL DEFAULT (PostgreSQL 11+): ACCESS EXCLUSIVE, no rewrite.
    [add] = by_revision["b2"]
    assert ("account", "AccessExclusiveLock") in locks("b2") and not add["rewrite"]
    assert add["op"] == "op.add_column" and add["line"] == 18 and add["file"].endswith("b2_step.py")
    # int -> bigint: ACCESS EXCLUSIVE and the table rewritten.
    [alter] = by_revision["c3"]
    assert ("account", "AccessExclusiveLock") in locks("c3") and alter["rewritten"] == ["account"]
    # CREATE INDEX without CONCURRENTLY: SHARE on the table (writes wait), no rewrite.
    assert ("account", "ShareLock") in locks("d4") and not by_revision["d4"][0]["rewrite"]
    # CONCURRENTLY runs outside a transaction: not traced, said so at its line.
    [concurrent] = by_revision["e5"]
    assert "not traced" in concurrent["not_traced"] and concurrent["line"] == 19
    # FOREIGN KEY ... NOT VALID: SHARE ROW EXCLUSIVE on both tables; CHECK NOT VALID: ACCESS EXCLUSIVE.
    assert {("item", "ShareRowExclusiveLock"), ("account", "ShareRowExclusiveLock")} <= locks("f6", 0)
    assert ("account", "AccessExclusiveLock") in locks("f6", 1)
    assert by_revision["f6"][1]["line"] == 19
    # Without NOT VALID: the same modes, now held while every existing row is checked.
    assert {("item", "ShareRowExclusiveLock"), ("account", "ShareRowExclusiveLock")} <= locks("g7", 0)
    assert ("account", "AccessExclusiveLock") in locks("g7", 1)
    # The scratch database is gone; the project's own database is still empty.
    scratch = re.search(r"scratch database \S*/(alembic_ls_scratch_\w+)", done.stderr)
    assert scratch is not None and "dropped" in done.stderr
    assert scratch.group(1) not in _databases()
    own = next(
        line for line in (project / "alembic.ini").read_text().splitlines() if "sqlalchemy.url" in line
    )
    with psycopg.connect(f"host=127.0.0.1 port=5432 user=postgres dbname={own.rsplit('/', 1)[1]}") as conn:
        assert conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone() == (0,)


def test_one_revision_and_the_text_report(project: Path) -> None:
    done = trace(project, "--revision", "c3")
    assert done.returncode == 0, done.stderr
    [line] = done.stdout.splitlines()
    assert line.startswith("migrations/versions/c3_step.py:18: op.alter_column  ")
    assert "AccessExclusiveLock account" in line and "· rewrite account ·" in line


def test_a_database_that_is_not_postgresql_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "lite"
    (root / "migrations" / "versions").mkdir(parents=True)
    (root / "migrations" / "env.py").write_text(MINIMAL_ENV_PY)
    (root / "alembic.ini").write_text(
        "[alembic]\nscript_location = %(here)s/migrations\nsqlalchemy.url = sqlite:///x.db\n"
    )
    done = trace(root)
    assert (
        done.returncode == 2 and "trace reads PostgreSQL's locks, and the database is sqlite" in done.stderr
    )


def test_check_with_trace_reports_the_rewrite_and_the_locks_without_timeout(project: Path) -> None:
    done = subprocess.run(
        [
            *(sys.executable, "-m", "alembic_ls", "check", ".", "--no-cache", "--database", "scratch"),
            *("--trace", "--interpreter", sys.executable, "--select", "AM704,AM705"),
        ],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
    )
    found = {
        (line.split(":")[0], int(line.split(":")[1]), line.split()[1])
        for line in done.stdout.splitlines()
        if ": AM7" in line
    }
    versions = "migrations/versions"
    assert (f"{versions}/c3_step.py", 18, "AM704") in found, done.stdout + done.stderr
    # ACCESS EXCLUSIVE on the existing `account` (b2, c3, f6's CHECK); the index takes SHARE only.
    assert {(path, code) for path, _line, code in found if code == "AM705"} == {
        (f"{versions}/b2_step.py", "AM705"),
        (f"{versions}/c3_step.py", "AM705"),
        (f"{versions}/f6_step.py", "AM705"),
        (f"{versions}/g7_step.py", "AM705"),
    }
    assert not any(path.endswith("d4_step.py") for path, _line, _code in found)
    assert done.returncode == 1


def test_trace_needs_the_scratch_database(project: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "alembic_ls", "check", ".", "--trace"],
        cwd=project,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2 and "--trace needs --database scratch" in done.stderr
