"""`alembic-ls check --database scratch` on the demo: findings on the revision's line, scratch dropped."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
from agent_support import PG_SERVER, Blog, blog_fixture, scratch_databases, sqlite_blog_fixture  # noqa: F401  (fixtures)

from alembic_ls.cli import main

SCRATCH_ONLY = ["--select", "AM6,AM7", "--no-cache", "--interpreter", "python"]


def sqlite_scratch_dirs() -> set[str]:
    return {p.name for p in Path(tempfile.gettempdir()).glob("alembic-ls-scratch-*")}


def run_check(
    root: Path, capsys: pytest.CaptureFixture[str], *extra: str
) -> tuple[int, list[dict[str, Any]]]:
    """Exit code and findings as {code, path, line, message}."""
    args = [sys.executable if a == "python" else a for a in SCRATCH_ONLY]
    code = main(["check", "--database", "scratch", "--output-format", "json", *args, *extra, str(root)])
    out = capsys.readouterr().out
    findings = json.loads(out) if out.strip() else []
    return code, [
        {"code": f["code"], "path": f["filename"], "line": f["location"]["row"], "message": f["message"]}
        for f in findings
    ]


@pytest.fixture(autouse=True)
def _scratch_is_dropped(blog_dialect: str) -> object:
    before = scratch_databases() if blog_dialect == "postgresql" else sqlite_scratch_dirs()
    yield
    after = scratch_databases() if blog_dialect == "postgresql" else sqlite_scratch_dirs()
    assert after <= before, f"scratch databases left behind: {after - before}"


@pytest.fixture
def blog_dialect(blog: Blog) -> str:
    return blog.dialect


def test_the_planted_name_error_is_found_on_its_line(blog: Blog, capsys: pytest.CaptureFixture[str]) -> None:
    code, findings = run_check(blog.root, capsys)
    assert code == 1
    assert [(f["code"], Path(str(f["path"])).name, f["line"]) for f in findings] == [
        ("AM701", "6f708192a3b4_add_subtitle_to_post.py", 25)
    ]
    assert "NameError: name 'sqlmodel' is not defined" in str(findings[0]["message"])


def test_the_round_trip_finds_the_downgrade_that_undoes_nothing(
    blog: Blog, capsys: pytest.CaptureFixture[str]
) -> None:
    blog.fix_undefined_names()
    capsys.readouterr()
    code, findings = run_check(blog.root, capsys)
    assert code == 1
    assert [(f["code"], Path(str(f["path"])).name, f["line"]) for f in findings] == [
        ("AM703", "5e6f708192a3_add_bio_to_user.py", 31)
    ]
    message = str(findings[0]["message"])
    assert "After downgrading 5e6f708192a3, upgrading it again fails" in message and "bio" in message


def test_after_check_fix_the_demo_passes(blog: Blog, capsys: pytest.CaptureFixture[str]) -> None:
    main(["check", "--fix", "--no-cache", str(blog.root)])  # AM501 import, AM201 derived downgrade, ...
    capsys.readouterr()
    code, findings = run_check(blog.root, capsys)
    assert (code, findings) == (0, [])


def test_a_model_change_without_migration_is_drift(blog: Blog, capsys: pytest.CaptureFixture[str]) -> None:
    main(["check", "--fix", "--no-cache", str(blog.root)])
    blog.add_model_field("score: float | None = Field(default=None)")
    capsys.readouterr()
    code, findings = run_check(blog.root, capsys)
    assert code == 1
    assert [f["code"] for f in findings] == ["AM601"]
    assert "new column `post.score`" in str(findings[0]["message"])


def test_an_unreachable_server_is_am603_on_the_url_line(
    blog: Blog, capsys: pytest.CaptureFixture[str]
) -> None:
    blog.set_url("postgresql+psycopg://postgres:s3cret@127.0.0.1:1/blog")
    code, findings = run_check(blog.root, capsys)
    assert code == 1 and [f["code"] for f in findings] == ["AM603"]
    assert Path(str(findings[0]["path"])).name == "alembic.ini"
    message = str(findings[0]["message"])
    assert "postgresql+psycopg://postgres:***@127.0.0.1:1/blog" in message and "s3cret" not in message


def test_env_py_ignoring_the_config_url_is_stopped_before_touching_the_real_database(
    blog: Blog, capsys: pytest.CaptureFixture[str]
) -> None:
    blog.fix_undefined_names()
    env = blog.root / "migrations" / "env.py"
    text = env.read_text(encoding="utf-8")
    hardcoded = text.replace(
        "config.get_section(config.config_ini_section, {}),",
        f'{{"sqlalchemy.url": {blog.url!r}}},',
    )
    assert hardcoded != text
    env.write_text(hardcoded, encoding="utf-8")
    capsys.readouterr()
    code, findings = run_check(blog.root, capsys)
    assert code == 1 and [f["code"] for f in findings] == ["AM605"]
    assert "instead of the scratch database" in str(findings[0]["message"])
    assert not (blog.root / "blog.db").exists() or blog.dialect != "sqlite"


def test_pg_scratch_uses_the_named_server(sqlite_blog: Blog, capsys: pytest.CaptureFixture[str]) -> None:
    """--database-url puts the scratch database on another server than sqlalchemy.url names."""
    scratch_databases()  # skips without PostgreSQL
    sqlite_blog.fix_undefined_names()
    capsys.readouterr()
    code, findings = run_check(sqlite_blog.root, capsys, "--database-url", f"{PG_SERVER}/postgres")
    assert code == 1 and [f["code"] for f in findings] == ["AM703"]
    assert 'column "bio" of relation "user" already exists' in str(findings[0]["message"])
