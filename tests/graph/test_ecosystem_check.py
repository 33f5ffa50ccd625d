"""bench/ecosystem.py's comparison with Alembic, on revision files shaped like the corpus's hard cases.

The ecosystem check is only as good as its two sides: Alembic's loader must execute files whose
application is not installed (stand-in imports), and a real difference must be reported.
"""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

from ecosystem import alembic_graph, graph_disagreements

from alembic_ls.analysis.index import IndexCache, ProjectIndex
from alembic_ls.project import load_ini


def _project(tmp_path: Path, files: dict[str, str]) -> Path:
    (tmp_path / "alembic.ini").write_text("[alembic]\nscript_location = %(here)s/migrations\n")
    versions = tmp_path / "migrations" / "versions"
    versions.mkdir(parents=True)
    (tmp_path / "migrations" / "env.py").write_text("raise RuntimeError('never executed')\n")
    for name, text in files.items():
        (versions / name).write_text(dedent(text))
    return tmp_path / "alembic.ini"


def _revision(rid: str, parent: str | None, preamble: str = "") -> str:
    return (
        f"from alembic import op\n{preamble}\n"
        f"revision = {rid!r}\ndown_revision = {parent!r}\nbranch_labels = None\ndepends_on = None\n\n"
        "def upgrade():\n    pass\n\ndef downgrade():\n    pass\n"
    )


HARD_CASES = {
    # the application is not installed here
    "a_base.py": _revision("a1", None, "from myapp.core.db import PyIntEnum\nfrom myapp import cli\n"),
    # a star import from it, then a class body using a name it would have given
    "b_star.py": _revision(
        "b2", "a1", "from peewee import *\nclass Build(Model):\n    config = TextField()\n"
    ),
    # module-level work that only the real application could do
    "c_logging.py": _revision(
        "c3",
        "b2",
        "import logging\nfrom flask import current_app\n"
        "logging.getLogger(__name__).setLevel(current_app.config.get('LOG_LEVEL'))\n",
    ),
}


def test_alembic_executes_files_whose_application_is_missing(tmp_path: Path) -> None:
    project = load_ini(_project(tmp_path, HARD_CASES))
    assert project is not None
    alembic = alembic_graph(project)
    assert "error" not in alembic and not alembic["failed"]
    assert set(alembic["revisions"]) == {"a1", "b2", "c3"}
    assert list(alembic["partly"]) == [str(project.version_locations[0] / "c_logging.py")]
    assert alembic["heads"] == ["c3"] and alembic["bases"] == ["a1"]
    disagreements, not_executed = graph_disagreements(project, alembic)
    assert not_executed == 0
    assert disagreements == []


def test_a_different_parent_is_reported(tmp_path: Path) -> None:
    project = load_ini(_project(tmp_path, {"a.py": _revision("a1", None), "b.py": _revision("b2", "a1")}))
    assert project is not None
    alembic = alembic_graph(project)
    alembic["revisions"]["b2"]["parents"] = ["zz"]  # as if Alembic had read another parent
    alembic["heads"] = ["a1", "b2"]
    disagreements, _ = graph_disagreements(project, alembic)
    assert any("b2 parents ['a1'] vs Alembic's ['zz']" in line for line in disagreements)
    assert any(line.endswith("heads ['b2'] vs Alembic's ['a1', 'b2']") for line in disagreements)


def test_a_label_alembic_sees_and_alembic_ls_does_not_is_reported(tmp_path: Path) -> None:
    """`branch_labels = (cli.EXPAND_BRANCH,)`: Alembic labels the branch with whatever the expression is."""
    labelled = _revision("b2", "a1", "from myapp import cli\n").replace(
        "branch_labels = None", "branch_labels = (cli.EXPAND_BRANCH,)"
    )
    project = load_ini(_project(tmp_path, {"a.py": _revision("a1", None), "b.py": labelled}))
    assert project is not None
    alembic = alembic_graph(project)
    assert alembic["revisions"]["b2"]["labels"] == 1
    ours = ProjectIndex.build(project, IndexCache(None), save=False).graph
    disagreements, _ = graph_disagreements(project, alembic)
    if ours.labels["b2"]:  # alembic-ls resolved or kept the label: the two agree
        assert disagreements == []
    else:
        assert any("b2 labelled False vs Alembic's True" in line for line in disagreements)
