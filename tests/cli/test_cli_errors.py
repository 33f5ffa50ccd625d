"""The CLI's other commands, exit codes, configuration errors and garbage input — never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from alembic_ls.docs import doc_text
from alembic_ls.rules.registry import RULES


def alembic_ls(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    run = subprocess.run(
        [sys.executable, "-m", "alembic_ls", *args], cwd=cwd, capture_output=True, text=True, timeout=120
    )
    assert "Traceback" not in run.stderr, run.stderr
    assert "Traceback" not in run.stdout, run.stdout
    return run


def test_rules_lists_every_code(tmp_path: Path) -> None:
    run = alembic_ls("rules", cwd=tmp_path)
    assert run.returncode == 0
    listed = [line.split()[0] for line in run.stdout.splitlines()]
    assert listed == list(RULES)
    am201 = next(line for line in run.stdout.splitlines() if line.startswith("AM201"))
    assert "missing-downgrade" in am201 and "error" in am201 and am201.endswith("(fix)")


def test_explain_prints_the_page(tmp_path: Path) -> None:
    run = alembic_ls("explain", "AM104", cwd=tmp_path)
    assert run.returncode == 0
    assert run.stdout == (doc_text("AM104") or "") + "\n"
    assert run.stdout.startswith("# AM104 uncommented-manual-sql\n")


def test_explain_unknown_code_exits_2(tmp_path: Path) -> None:
    run = alembic_ls("explain", "AM999", cwd=tmp_path)
    assert run.returncode == 2
    assert run.stdout == "" and "unknown rule 'AM999'" in run.stderr


def test_clean_project_exits_0(write_history) -> None:
    history = write_history(("a1", None), ("b2", "a1"))
    run = alembic_ls("check", cwd=history.root)
    assert run.returncode == 0, run.stdout
    assert run.stdout.strip() == "All checks passed (2 revision files)."


def test_nonexistent_path_exits_2(tmp_path: Path) -> None:
    run = alembic_ls("check", "no/such/dir", cwd=tmp_path)
    assert run.returncode == 2
    assert "no such file or directory: no/such/dir" in run.stderr


def test_folder_without_a_project_exits_2(tmp_path: Path) -> None:
    run = alembic_ls("check", cwd=tmp_path)
    assert run.returncode == 2
    assert "no Alembic project found" in run.stderr


def test_bad_output_format_is_a_usage_error(tmp_path: Path) -> None:
    run = alembic_ls("check", "--output-format", "xml", cwd=tmp_path)
    assert run.returncode == 2 and "invalid choice: 'xml'" in run.stderr


def test_unknown_settings_key_exits_2_naming_the_key(write_history) -> None:
    history = write_history(("a1", None))
    (history.root / "pyproject.toml").write_text('[tool.alembic-ls]\nselect = ["AM1"]\nignor = ["AM101"]\n')
    run = alembic_ls("check", cwd=history.root)
    assert run.returncode == 2
    assert "alembic-ls: error:" in run.stderr
    assert "unknown key `ignor`" in run.stderr and "pyproject.toml [tool.alembic-ls]" in run.stderr


def test_bad_severity_value_exits_2(write_history) -> None:
    history = write_history(("a1", None))
    (history.root / "pyproject.toml").write_text('[tool.alembic-ls]\nseverity = {AM104 = "fatal"}\n')
    run = alembic_ls("check", cwd=history.root)
    assert run.returncode == 2 and "`severity.AM104` must be one of" in run.stderr


def test_unknown_baseline_exits_2(write_history) -> None:
    history = write_history(("a1", None))
    run = alembic_ls("check", "--baseline", "nothere", cwd=history.root)
    assert run.returncode == 2 and "`baseline` names revision 'nothere'" in run.stderr


def test_broken_alembic_ini_exits_2_with_the_file_named(tmp_path: Path) -> None:
    (tmp_path / "alembic.ini").write_text("[alembic\nscript_location = m\n")
    run = alembic_ls("check", cwd=tmp_path)
    assert run.returncode == 2 and "alembic.ini: cannot read" in run.stderr


def test_garbage_files_become_findings(write_history) -> None:
    history = write_history(("a1", None), ("b2", "a1"))
    history.write("c3_syntax.py", "revision = 'c3'\ndown_revision = 'b2'\ndef upgrade(:\n    pass\n")
    (history.versions / "d4_latin1.py").write_bytes(b"revision = 'd4'\ndown_revision = 'c3'\n# caf\xe9\n")
    history.write("e5_empty.py", "")
    history.write("f6_cycle.py", "revision = 'f6'\ndown_revision = 'g7'\n")
    history.write("g7_cycle.py", "revision = 'g7'\ndown_revision = 'f6'\n")
    history.write("h8_orphan.py", "revision = 'h8'\ndown_revision = 'zz99'\n")
    history.write(
        "i9_tabs_crlf.py", "revision = 'i9'\r\ndown_revision = 'd4'\r\ndef upgrade():\r\n\tpass\r\n"
    )
    run = alembic_ls("check", "--no-cache", cwd=history.root)
    assert run.returncode == 1
    out = run.stdout
    assert "c3_syntax.py:3:13: AM000 Cannot analyse this file: SyntaxError" in out
    assert (
        "d4_latin1.py:3:6: AM000 Cannot analyse this file: file is not valid UTF-8 (byte 0xe9 on line 3)"
        in out
    )
    assert "e5_empty.py" not in out
    assert "f6_cycle.py:2:1: AM304 Revision cycle: f6 → g7 → f6" in out
    assert "g7_cycle.py:2:1: AM304" in out
    assert "h8_orphan.py:2:17: AM302 down_revision names revision 'zz99'" in out


def test_fix_never_rewrites_undecodable_files(write_history) -> None:
    history = write_history(("a1", None))
    data = b'"""m\n\nRevision ID: d4\nRevises: zz\n"""\nrevision = "d4"\ndown_revision = "a1"\n# caf\xe9\n'
    (history.versions / "d4_latin1.py").write_bytes(data)
    run = alembic_ls("check", "--fix", cwd=history.root)
    assert run.returncode == 1 and "AM306" in run.stdout
    assert (history.versions / "d4_latin1.py").read_bytes() == data


def test_fix_writes_a_file_back_in_its_declared_encoding(write_history) -> None:
    history = write_history(("a1", None))
    latin = (
        b"# -*- coding: latin-1 -*-\n"
        b'"""caf\xe9 migration\n\nRevision ID: d4\nRevises: zz\n"""\n'
        b'revision = "d4"\ndown_revision = "a1"\n# caf\xe9 cr\xe8me\n'
    )
    (history.versions / "d4_latin1.py").write_bytes(latin)
    bom = b'\xef\xbb\xbf"""m\n\nRevision ID: e5\nRevises: zz\n"""\nrevision = "e5"\ndown_revision = "d4"\n'
    (history.versions / "e5_bom.py").write_bytes(bom)
    run = alembic_ls("check", "--fix", "--select", "AM306", cwd=history.root)
    assert "AM000" not in run.stdout, run.stdout  # the coding comment is honoured, as Python does
    fixed_latin = (history.versions / "d4_latin1.py").read_bytes()
    assert b"Revises: a1" in fixed_latin and b"# caf\xe9 cr\xe8me" in fixed_latin  # still Latin-1
    fixed_bom = (history.versions / "e5_bom.py").read_bytes()
    assert fixed_bom.startswith(b"\xef\xbb\xbf") and b"Revises: d4" in fixed_bom
