"""`alembic-ls init`: adopt alembic-ls on an existing history, then `check` sees only new work."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

HEAD = "6f708192a3b4"  # examples/blog's last revision
BARE = "    op.create_table('tag2', sa.Column('id', sa.Integer()))"


def alembic_ls(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "alembic_ls", *args], cwd=cwd, capture_output=True, text=True, timeout=120
    )


def _add(make_revision: Callable[..., str], versions: Path, rid: str, down: str, **kw: str) -> Path:
    path = versions / f"{rid}_change.py"
    path.write_text(make_revision(rid, down, **kw), encoding="utf-8")
    return path


def test_init_then_check_passes_and_only_new_work_is_checked(
    demo_copy: Path, make_revision: Callable[..., str]
) -> None:
    assert alembic_ls("check", cwd=demo_copy).returncode == 1
    run = alembic_ls("init", cwd=demo_copy)
    assert run.returncode == 0, run.stderr
    assert run.stdout == (
        f"migrations: baseline head {HEAD}, 6 of 6 revisions covered\n"
        "Wrote the baseline to pyproject.toml [tool.alembic-ls].\n"
    )
    assert run.stderr == ""
    assert (demo_copy / "pyproject.toml").read_text() == f'[tool.alembic-ls]\nbaseline = ["{HEAD}"]\n'
    check = alembic_ls("check", cwd=demo_copy)
    assert (check.returncode, check.stdout.strip()) == (0, "All checks passed (6 revision files)."), (
        check.stderr
    )

    new = _add(
        make_revision,
        demo_copy / "migrations" / "versions",
        "7a8b9c0d1e2f",
        HEAD,
        upgrade=BARE,
        downgrade="    pass",
    )
    check = alembic_ls("check", cwd=demo_copy)
    assert check.returncode == 1
    reported = [line for line in check.stdout.splitlines() if ": AM" in line]
    assert {line.split(": ")[1].split()[0] for line in reported} == {"AM101", "AM201"}
    assert all(line.startswith(str(new.relative_to(demo_copy))) for line in reported)


def test_init_twice_is_harmless_and_follows_new_heads(
    demo_copy: Path, make_revision: Callable[..., str]
) -> None:
    assert alembic_ls("init", cwd=demo_copy).returncode == 0
    written = (demo_copy / "pyproject.toml").read_bytes()
    again = alembic_ls("init", cwd=demo_copy)
    assert again.returncode == 0
    assert "already up to date" in again.stdout and "nothing to change" in again.stdout
    assert (demo_copy / "pyproject.toml").read_bytes() == written

    _add(
        make_revision,
        demo_copy / "migrations" / "versions",
        "7a8b9c0d1e2f",
        HEAD,
        upgrade=BARE,
        downgrade="    pass",
    )
    moved = alembic_ls("init", cwd=demo_copy)
    assert "baseline head 7a8b9c0d1e2f, 7 of 7 revisions covered" in moved.stdout
    assert (demo_copy / "pyproject.toml").read_text() == '[tool.alembic-ls]\nbaseline = ["7a8b9c0d1e2f"]\n'
    assert alembic_ls("check", cwd=demo_copy).returncode == 0


def test_two_projects_each_get_their_heads(write_history, tmp_path: Path) -> None:
    bad = {"upgrade": BARE, "downgrade": "    pass"}
    first = write_history(("a1", None, bad), ("b2", "a1", bad))
    second = write_history(("c3", None, bad), ("d4", "c3", bad), ("e5", "c3"))  # two heads
    assert alembic_ls("check", cwd=tmp_path).returncode == 1
    run = alembic_ls("init", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    one, two = f"{first.root.name}/migrations", f"{second.root.name}/migrations"
    assert run.stdout.splitlines() == [
        f"{one}: baseline head b2, 2 of 2 revisions covered",
        f"{two}: baseline heads d4, e5, 3 of 3 revisions covered",
        "Wrote the baseline to pyproject.toml [tool.alembic-ls].",
    ]
    # Two unlabelled heads are today's state, so they are recorded; AM301 is still worth a word.
    assert f"{two}: heads d4, e5 are on one branch (AM301)" in run.stderr
    assert (tmp_path / "pyproject.toml").read_text() == (
        f'[tool.alembic-ls.baseline]\n"{one}" = ["b2"]\n"{two}" = ["d4", "e5"]\n'
    )
    assert alembic_ls("check", cwd=tmp_path).returncode == 0
    # A new revision in one project is checked; the other project stays quiet.
    second.add("f6", "e5", upgrade=BARE, downgrade="    pass")
    check = alembic_ls("check", cwd=tmp_path)
    assert check.returncode == 1
    assert {line.split(":")[0] for line in check.stdout.splitlines() if ": AM" in line} == {
        str(second.files["f6"].relative_to(tmp_path))
    }


def test_the_rest_of_an_existing_pyproject_is_kept_byte_for_byte(demo_copy: Path) -> None:
    before = (
        "# shop's pyproject\r\n"
        '[project]\r\nname = "shop"  # the name\r\n\r\n'
        "[tool.alembic-ls]\r\n"
        "# agreed in review\r\n"
        'ignore = ["AM103"]\r\n'
        'baseline = "2b3c"  # the old way\r\n'
        'severity = { AM104 = "error" }\r\n'
        "\r\n[tool.ruff]\r\nline-length = 100\r\n"
    )
    (demo_copy / "pyproject.toml").write_bytes(before.encode())
    assert alembic_ls("init", cwd=demo_copy).returncode == 0
    after = (demo_copy / "pyproject.toml").read_bytes().decode()
    assert after == before.replace('baseline = "2b3c"  # the old way', f'baseline = ["{HEAD}"]')
    assert alembic_ls("check", cwd=demo_copy).returncode == 0


def test_init_from_outside_names_the_file_it_wrote(demo_copy: Path) -> None:
    run = alembic_ls("init", "blog", cwd=demo_copy.parent)
    assert run.returncode == 0, run.stderr
    assert f"Wrote the baseline to {Path('blog') / 'pyproject.toml'} [tool.alembic-ls]." in run.stdout
    assert alembic_ls("check", "blog", cwd=demo_copy.parent).returncode == 0


def test_what_no_baseline_can_cover_is_said(demo_copy: Path) -> None:
    broken = demo_copy / "migrations" / "versions" / "9f9f9f9f9f9f_broken.py"
    broken.write_text('"""half written"""\nrevision = \n', encoding="utf-8")
    run = alembic_ls("init", cwd=demo_copy)
    assert run.returncode == 0
    assert f"{broken.relative_to(demo_copy)}: AM000 outside the baseline" in run.stderr
    assert alembic_ls("check", cwd=demo_copy).returncode == 1


def test_init_refuses_when_another_file_holds_the_settings(write_history, tmp_path: Path) -> None:
    history = write_history(("a1", None))
    own = history.root / "pyproject.toml"
    own.write_text('[tool.alembic-ls]\nignore = ["AM103"]\n')
    run = alembic_ls("init", cwd=tmp_path)
    assert run.returncode == 2
    assert f"takes its settings from {own}" in run.stderr and f"alembic-ls init {history.root}" in run.stderr
    assert not (tmp_path / "pyproject.toml").exists()
    assert alembic_ls("init", cwd=history.root).returncode == 0
    assert own.read_text() == '[tool.alembic-ls]\nignore = ["AM103"]\nbaseline = ["a1"]\n'


def test_init_without_a_project_or_with_bad_settings_writes_nothing(demo_copy: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    run = alembic_ls("init", cwd=empty)
    assert run.returncode == 2 and "no Alembic project found" in run.stderr
    assert not (empty / "pyproject.toml").exists()
    (demo_copy / "pyproject.toml").write_text('[tool.alembic-ls]\nselekt = ["AM1"]\n')
    run = alembic_ls("init", cwd=demo_copy)
    assert run.returncode == 2 and "unknown key `selekt`" in run.stderr and "fix it first" in run.stderr
    assert (demo_copy / "pyproject.toml").read_text() == '[tool.alembic-ls]\nselekt = ["AM1"]\n'
