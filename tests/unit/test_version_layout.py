"""The graph as the project's own tooling loads it: version locations set in env.py, per-release and
per-database sub-folders of versions/, branch labels that are expressions (real shapes: neutron's
`versions/<release>/expand/` with `branch_labels = (cli.EXPAND_BRANCH,)`, pepys-import's env.py picking
`postgres_versions/` or `sqlite_versions/`)."""

from __future__ import annotations

from pathlib import Path

from alembic_ls.env_locations import read_env_locations, url_override_line
from alembic_ls.version_layout import default_layout
from alembic_ls.workspace_check import run_check

PEPYS_ENV = """\
import os
from alembic import context

DIR_PATH = os.path.dirname(__file__)
config = context.config
db_type = config.attributes.get("database_type", "postgres")

version_path = os.path.join(DIR_PATH, "versions")
if db_type == "postgres":
    version_path = os.path.join(DIR_PATH, "postgres_versions")
elif db_type == "sqlite":
    version_path = os.path.join(DIR_PATH, "sqlite_versions")

context.script.version_locations = [version_path]
context.script.__dict__.pop("_version_locations", None)
"""


def _write(history, folder: str, rid: str, down: str | None, **kw: object) -> Path:
    """A revision in `folder` (relative to migrations/versions; `..` reaches beside it)."""
    path: Path = history.add(rid, down, filename=f"{folder}/{rid}_change.py", **kw)
    return path.resolve()


def test_env_py_picking_one_folder_per_database_gives_separate_histories(write_history) -> None:
    history = write_history()
    migrations = history.root / "migrations"
    (migrations / "env.py").write_text(PEPYS_ENV, encoding="utf-8")
    for folder in ("postgres_versions", "sqlite_versions"):
        _write(history, f"../{folder}", f"{folder[:2]}1", None)
        _write(history, f"../{folder}", f"{folder[:2]}2", f"{folder[:2]}1")
    project = history.project()
    assert set(project.version_locations) == {
        (migrations / "postgres_versions").resolve(),
        (migrations / "sqlite_versions").resolve(),
    }
    assert len(project.histories) == 2
    assert "env.py (line 14) picks one of 2 histories" in project.assumed[0]
    graph = history.index().graph
    assert sorted(graph.heads) == ["po2", "sq2"]
    # Two histories, one head each: nothing to merge, nothing outside the locations.
    assert history.findings(codes=["AM301", "AM305"]) == []


def test_two_heads_in_one_of_the_histories_are_still_reported(write_history) -> None:
    history = write_history()
    migrations = history.root / "migrations"
    (migrations / "env.py").write_text(PEPYS_ENV, encoding="utf-8")
    _write(history, "../postgres_versions", "p1", None)
    _write(history, "../postgres_versions", "p2", "p1")
    _write(history, "../postgres_versions", "p3", "p1")
    _write(history, "../sqlite_versions", "s1", None)
    found = sorted(Path(f.path).name for f in history.findings(codes=["AM301"]))
    assert found == ["p2_change.py", "p3_change.py"]


def test_env_py_setting_one_location(write_history) -> None:
    history = write_history()
    migrations = history.root / "migrations"
    (migrations / "env.py").write_text(
        "from pathlib import Path\nfrom alembic import context\n"
        'context.config.set_main_option("version_locations", str(Path(__file__).parent / "revisions"))\n',
        encoding="utf-8",
    )
    _write(history, "../revisions", "a1", None)
    _write(history, "../revisions", "b2", "a1")
    project = history.project()
    assert project.version_locations == ((migrations / "revisions").resolve(),)
    assert project.histories == ()
    assert history.index().graph.heads == ("b2",)
    assert history.findings(codes=["AM305"]) == []


def test_env_py_computing_locations_at_run_time_is_not_guessed(tmp_path: Path) -> None:
    env = tmp_path / "env.py"
    env.write_text(
        "import os\nfrom alembic import context\n"
        "for key in TARGETS:\n"
        "    context.script.version_locations.append(os.path.join(os.getcwd(), 'versions', key))\n",
        encoding="utf-8",
    )
    assert read_env_locations(env, tmp_path) is None
    env.write_text("from alembic import context\ncontext.script.version_locations = [settings.dir]\n")
    assert read_env_locations(env, tmp_path) is None
    env.write_text("from alembic import context\nconfig = context.config\n")
    assert read_env_locations(env, tmp_path) == []


def test_a_whole_history_outside_the_locations_is_one_finding_not_one_per_file(write_history) -> None:
    history = write_history()
    migrations = history.root / "migrations"
    (migrations / "env.py").write_text(
        "from alembic import context\nfrom myapp import settings\n"
        "context.script.version_locations = [settings.MIGRATIONS_DIR]\n",
        encoding="utf-8",
    )
    for n in range(1, 6):
        _write(history, "../elsewhere", f"r{n}", f"r{n - 1}" if n > 1 else None)
    (finding,) = history.findings(codes=["AM305"])
    assert Path(finding.path).name == "r1_change.py"
    assert "None of the 5 revision files under migrations" in finding.message


def test_release_and_branch_sub_folders_are_read_recursively(write_history) -> None:
    """neutron: kilo at the top of versions/, then versions/<release>/{expand,contract}/ whose first
    revisions carry `branch_labels = (cli.EXPAND_BRANCH,)`; its own CLI lists every sub-folder."""
    history = write_history()
    versions = history.versions
    cli = "from alembic import op\nfrom neutron.db.migration import cli\n"
    _write(history, ".", "kilo", None)
    _write(history, "liberty/expand", "e1", "kilo", imports=cli)
    _write(history, "liberty/contract", "c1", "kilo", imports=cli)
    _write(history, "mitaka/expand", "e2", "e1")
    _write(history, "mitaka/contract", "c2", "c1")
    for rid in ("e1", "c1"):
        path = next(versions.glob(f"liberty/*/{rid}_change.py"))
        branch = "EXPAND_BRANCH" if rid == "e1" else "CONTRACT_BRANCH"
        labelled = path.read_text().replace("branch_labels = None", f"branch_labels = (cli.{branch},)")
        path.write_text(labelled, encoding="utf-8")
    project = history.project()
    assert project.recursive_version_locations
    assert "4 revision files in sub-folders of migrations/versions" in project.assumed[0]
    graph = history.index().graph
    assert sorted(graph.heads) == ["c2", "e2"]
    assert graph.labels["e2"] == {"cli.EXPAND_BRANCH"}
    assert history.findings(codes=["AM301", "AM305"]) == []


def test_one_stray_in_a_sub_folder_beside_the_history_stays_a_stray(write_history) -> None:
    history = write_history(("a1", None), ("b2", "a1"))
    history.add("c3", "b2", filename="2024/c3_change.py")
    assert not history.project().recursive_version_locations
    (finding,) = history.findings(codes=["AM305"])
    assert finding.path.endswith("2024/c3_change.py")


def test_two_misplaced_files_and_no_history_are_one_finding(write_history) -> None:
    """A new project's first revisions in a sub-folder: too few to be a layout; one finding says so."""
    history = write_history()
    history.add("a1", None, filename="2024/a1_change.py")
    history.add("b2", "a1", filename="2024/b2_change.py")
    assert not history.project().recursive_version_locations
    findings = history.findings(codes=["AM305"])
    assert len(findings) == 1  # one for the project
    assert "None of the 2 revision files" in findings[0].message


def test_one_folder_per_database_under_versions(write_history) -> None:
    history = write_history()
    for folder in ("postgresql", "sqlite"):
        _write(history, folder, f"{folder[:2]}1", None)
        _write(history, folder, f"{folder[:2]}2", f"{folder[:2]}1")
    layout = default_layout(history.root / "migrations", history.root)
    assert len(layout.histories) == 2
    assert history.findings(codes=["AM301", "AM305"]) == []


def test_check_says_what_it_assumed(write_history) -> None:
    history = write_history()
    _write(history, "2024/expand", "a1", None)
    _write(history, "2024/expand", "b2", "a1")
    _write(history, "2025/expand", "c3", "b2")
    result = run_check([history.root], use_cache=False)
    assert any("read recursively" in note for note in result.notes)
    assert not any("PostgreSQL" in note for note in result.notes)  # the ini's URL says SQLite


def test_a_history_named_after_a_database_is_checked_for_that_database(write_history) -> None:
    """pepys-import: 96 PostgreSQL lock findings were on revisions in `sqlite_versions/`."""
    history = write_history()
    migrations = history.root / "migrations"
    (migrations / "env.py").write_text(PEPYS_ENV, encoding="utf-8")
    # A PostgreSQL-only finding (type change rewrites the table) in each history; the ini says nothing.
    (history.root / "alembic.ini").write_text("[alembic]\nscript_location = %(here)s/migrations\n")
    change = "    op.alter_column('t', 'c', existing_type=sa.Integer(), type_=sa.String())"
    for folder in ("postgres_versions", "sqlite_versions"):
        _write(history, f"../{folder}", f"{folder[:2]}1", None, upgrade=change)
    found = [Path(f.path).parent.name for f in history.findings(codes=["AM405"])]
    assert found == ["postgres_versions"]
    assert history.project().history_dialect(migrations / "sqlite_versions" / "x.py") == "sqlite"


QUAY_ENV = """\
from alembic import context
from app import app

config = context.config


def get_db_url():
    return app.config.get("DB_URI", "sqlite:///test/data/test.db")


def run_migrations_online():
    config.set_main_option("sqlalchemy.url", get_db_url())
"""


def test_a_url_env_py_replaces_is_no_evidence_of_the_database(write_history) -> None:
    """quay: `sqlalchemy.url = sqlite:///will/be/overridden`; env.py sets the real one at run time."""
    change = "    op.alter_column('t', 'c', existing_type=sa.Integer(), type_=sa.String())"
    history = write_history(("a1", None, {"upgrade": change}))
    assert history.findings(codes=["AM405"]) == []  # the ini says SQLite
    (history.root / "migrations" / "env.py").write_text(QUAY_ENV, encoding="utf-8")
    project = history.project()
    assert project.dialect is None
    assert "env.py sets it at run time (line 12)" in project.assumed[0]
    assert [f.code for f in history.findings(codes=["AM405"])] == ["AM405"]


def test_an_engine_env_py_creates_itself_replaces_the_url(tmp_path: Path) -> None:
    env = tmp_path / "env.py"
    env.write_text("from sqlalchemy import create_engine\nengine = create_engine(settings.DB)\n")
    assert url_override_line(env) == 2
    env.write_text("from sqlalchemy import engine_from_config\nengine = engine_from_config(cfg)\n")
    assert url_override_line(env) is None
