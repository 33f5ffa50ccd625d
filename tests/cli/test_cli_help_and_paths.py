"""`check --help` says what PATH and --output-format take and what the exit codes mean; `check` and
`graph` answer a missing path alike; the text graph explains its marks."""

from __future__ import annotations

from pathlib import Path

from test_cli_errors import alembic_ls


def test_check_help_documents_path_output_format_and_exit_codes(tmp_path: Path) -> None:
    run = alembic_ls("check", "--help", cwd=tmp_path)
    assert run.returncode == 0
    help_text = " ".join(run.stdout.split())  # argparse wraps to the terminal's width
    assert "PATH a folder holding Alembic projects" in help_text
    assert "or revision files to check alone (default: .)" in help_text
    for fmt in ("text:", "json:", "github: GitHub Actions annotations", "sarif: SARIF 2.1.0"):
        assert fmt in help_text, fmt
    assert "exit codes: 0 no findings 1 findings remain" in help_text
    assert "2 usage or configuration error: a bad flag, a PATH that does not exist" in help_text


def test_check_and_graph_say_the_same_for_a_missing_path(tmp_path: Path) -> None:
    check = alembic_ls("check", "no/such/dir", cwd=tmp_path)
    graph = alembic_ls("graph", "no/such/dir", cwd=tmp_path)
    assert check.returncode == graph.returncode == 2
    assert check.stderr == graph.stderr == "alembic-ls: error: no such file or directory: no/such/dir\n"
    assert check.stdout == graph.stdout == ""


def test_the_text_graph_has_a_legend_for_the_marks_it_uses(write_history) -> None:
    # Two heads off a1 (AM301, an error: `!`, and a lane passing by: `|`) on a long linear run (`…`).
    chain = [(f"r{i}", f"r{i - 1}" if i else None) for i in range(8)]
    history = write_history(*chain, ("x1", "r7"), ("y1", "r7"))
    run = alembic_ls("graph", "--format", "text", cwd=history.root)
    assert run.returncode == 0, run.stderr
    drawing, legend = run.stdout.rstrip("\n").split("\n\n")
    assert "!" in drawing and "|" in drawing and "…" in drawing
    assert legend == (
        "Legend: o revision; ! revision with an error finding; | a parent link passing by; "
        "… linear run folded into one line (--full draws every revision)."
    )


def test_the_legend_names_only_the_marks_drawn(write_history) -> None:
    history = write_history(("a1", None), ("b2", "a1"))
    run = alembic_ls("graph", "--format", "text", cwd=history.root)
    assert run.stdout.rstrip("\n").splitlines()[-1] == "Legend: o revision."
