"""action.yml's steps, run here as GitHub would run them: each `run:` script in bash with the
environment its `env:` gives it, `${{ }}` expressions evaluated for a pull request event."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from test_cli_diff_base import NEW, NEW_REVISION, git

ACTION = Path(__file__).resolve().parents[2] / "action.yml"


def steps() -> list[dict[str, Any]]:
    loaded = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
    assert loaded["runs"]["using"] == "composite"
    return list(loaded["runs"]["steps"])


def step(name: str) -> dict[str, Any]:
    return next(s for s in steps() if s.get("name") == name)


def evaluate(expression: str, context: dict[str, str]) -> str:
    """The few expressions action.yml uses, as GitHub evaluates them for `context`."""
    known = {
        "${{ inputs.version }}": context.get("inputs.version", ""),
        "${{ github.action_path }}": str(ACTION.parent),
        "${{ inputs.args }}": context.get("inputs.args", ""),
        "${{ inputs.path }}": context.get("inputs.path", "."),
        "${{ inputs.diff-base || (github.base_ref && format('origin/{0}', github.base_ref)) || '' }}": (
            context.get("inputs.diff-base")
            or (f"origin/{context['github.base_ref']}" if context.get("github.base_ref") else "")
        ),
    }
    assert expression in known, f"action.yml uses an expression this test does not know: {expression}"
    return known[expression]


def run_step(
    name: str, context: dict[str, str], cwd: Path, extra_env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    found = step(name)
    assert found["shell"] == "bash"
    env = {**os.environ, **extra_env}
    env.update({key: evaluate(value, context) for key, value in (found.get("env") or {}).items()})
    directory = cwd / evaluate(found["working-directory"], context) if "working-directory" in found else cwd
    return subprocess.run(
        ["bash", "-e", "-o", "pipefail", "-c", found["run"]],  # GitHub's `shell: bash` options
        cwd=directory,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_action_sets_up_python_then_installs_then_checks() -> None:
    names = [s.get("uses") or s.get("name") for s in steps()]
    assert names == ["actions/setup-python@v5", "Install alembic-ls", "Check the migrations"]


@pytest.mark.parametrize(("version", "installs"), [("", str(ACTION.parent)), ("0.1.0", "alembic-ls==0.1.0")])
def test_install_takes_the_actions_own_checkout_or_a_pypi_version(
    tmp_path: Path, version: str, installs: str
) -> None:
    # A `python` that records what pip was asked for, instead of installing.
    shim = tmp_path / "bin"
    shim.mkdir()
    fake = shim / "python"
    fake.write_text(f'#!/bin/sh\necho "$@" > {tmp_path / "asked"}\n')
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    done = run_step(
        "Install alembic-ls",
        {"inputs.version": version},
        tmp_path,
        {"PATH": f"{shim}{os.pathsep}{os.environ['PATH']}"},
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "asked").read_text().split()[-1] == installs


@pytest.fixture
def pull_request(demo_copy: Path) -> Path:
    """The demo on `main` (also as `origin/main`), and a branch `feature` checked out."""
    git("init", "-q", cwd=demo_copy)
    git("add", "-A", cwd=demo_copy)
    git("commit", "-qm", "demo", cwd=demo_copy)
    git("update-ref", "refs/remotes/origin/main", "main", cwd=demo_copy)
    git("checkout", "-qb", "feature", cwd=demo_copy)
    return demo_copy


def check_step(root: Path, summary: Path) -> subprocess.CompletedProcess[str]:
    tools = Path(sys.executable).parent  # where this environment's `alembic-ls` is
    return run_step(
        "Check the migrations",
        {"github.base_ref": "main"},
        root,
        {"PATH": f"{tools}{os.pathsep}{os.environ['PATH']}", "GITHUB_STEP_SUMMARY": str(summary)},
    )


def test_a_pull_request_with_a_clean_diff_passes(pull_request: Path, tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    done = check_step(pull_request, summary)
    assert done.returncode == 0, done.stdout + done.stderr
    assert summary.read_text() == "### alembic-ls: all checks passed\n\n0 revision files checked.\n"


def test_a_new_revision_with_a_problem_is_annotated_and_summarised(
    pull_request: Path, tmp_path: Path
) -> None:
    (pull_request / NEW).write_text(NEW_REVISION)
    summary = tmp_path / "summary.md"
    done = check_step(pull_request, summary)
    assert done.returncode == 1
    annotations = [line for line in done.stdout.splitlines() if line.startswith("::")]
    assert len(annotations) == 1 and annotations[0].startswith(f"::error file={NEW},line=19,")
    report = summary.read_text()
    assert report.startswith("### alembic-ls: 1 problem\n") and f"`{NEW}`" in report


def test_a_shallow_checkout_fetches_the_base_branch_itself(pull_request: Path, tmp_path: Path) -> None:
    """actions/checkout fetches one commit of the pull request by default, not the base branch."""
    (pull_request / NEW).write_text(NEW_REVISION)
    git("add", "-A", cwd=pull_request)
    git("commit", "-qm", "score", cwd=pull_request)
    clone = tmp_path / "checkout"
    git(
        "clone",
        "-q",
        "--depth",
        "1",
        "--single-branch",
        "--branch",
        "feature",
        f"file://{pull_request}",
        str(clone),
        cwd=tmp_path,
    )
    assert "origin/main" not in git("branch", "-r", cwd=clone)
    done = check_step(clone, tmp_path / "summary.md")
    assert done.returncode == 1, done.stderr
    assert [line.split(",")[0] for line in done.stdout.splitlines() if line.startswith("::")] == [
        f"::error file={NEW}"
    ]
