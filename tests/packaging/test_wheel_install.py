"""The built distribution works on its own: sdist -> wheel with `python -m build`, `twine check --strict`,
then the wheel installed into a fresh virtualenv (dependencies from the package index) runs `check`, `explain`
(rule pages are package data) and `serve` (initialize and diagnostics over stdio), far from this checkout.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest
from stdio_client import demo_session

from alembic_ls import __version__

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "examples" / "blog"
TIMEOUT_S = 600


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """sdist and wheel, the wheel built from the sdist (so the sdist is shown complete)."""
    out = tmp_path_factory.mktemp("dist")
    # The isolated build environment needs hatchling from the package index.
    probe = subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--dest", str(out / "probe"), "hatchling"],
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
    )
    if probe.returncode != 0:
        pytest.skip(f"no package index reachable, so no isolated build: {probe.stderr.strip()[-300:]}")
    shutil.rmtree(out / "probe")
    subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=TIMEOUT_S,
    )
    return out


@pytest.fixture(scope="module")
def installed(dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtualenv with the wheel installed; returns its bin (Scripts) folder."""
    env_dir = tmp_path_factory.mktemp("venv")
    venv.create(env_dir, with_pip=True)
    bin_dir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    (wheel,) = dist.glob("*.whl")
    subprocess.run(
        [str(bin_dir / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check", str(wheel)],
        check=True,
        timeout=TIMEOUT_S,
    )
    return bin_dir


def run(bin_dir: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    # No PYTHONPATH or cache settings of the test run leak in; the checkout is not the working directory.
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTHON", "ALEMBIC_LS"))}
    env["ALEMBIC_LS_CACHE_DIR"] = str(cwd / ".cache")
    return subprocess.run(
        [str(bin_dir / "alembic-ls"), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


def test_distributions_are_named_and_pass_twine_strict(dist: Path) -> None:
    names = sorted(p.name for p in dist.iterdir())
    assert names == [f"alembic_ls-{__version__}-py3-none-any.whl", f"alembic_ls-{__version__}.tar.gz"]
    result = subprocess.run(
        [sys.executable, "-m", "twine", "check", "--strict", *map(str, dist.iterdir())],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_installed_package_is_the_wheel_not_this_checkout(installed: Path, tmp_path: Path) -> None:
    where = subprocess.run(
        [str(installed / "python"), "-c", "import alembic_ls, sys; print(alembic_ls.__file__)"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert Path(where).is_relative_to(installed.parent), where
    assert run(installed, "--version", cwd=tmp_path).stdout.strip() == f"alembic-ls {__version__}"


def test_check_from_the_wheel_finds_the_demo_problems(installed: Path, tmp_path: Path) -> None:
    demo = tmp_path / "blog"
    shutil.copytree(DEMO, demo, ignore=shutil.ignore_patterns("*.db", "__pycache__"))
    result = run(installed, "check", "blog", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    lines = [line for line in result.stdout.splitlines() if line.startswith("blog/")]
    codes = [line.split(": ")[1].split()[0] for line in lines]
    assert codes == ["AM101", "AM306", "AM104", "AM201", "AM501"], result.stdout
    # The fixes (libcst among them) work from the installed package too.
    fixed = run(installed, "check", "blog", "--fix", cwd=tmp_path)
    assert "AM306" not in fixed.stdout and "AM201" not in fixed.stdout, fixed.stdout + fixed.stderr


def test_explain_reads_the_rule_page_shipped_in_the_wheel(installed: Path, tmp_path: Path) -> None:
    result = run(installed, "explain", "AM201", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    page = (ROOT / "alembic_ls" / "rules" / "docs" / "AM201.md").read_text(encoding="utf-8")
    assert result.stdout.rstrip("\n") == page.rstrip("\n")


def test_serve_from_the_wheel_initializes_and_diagnoses(installed: Path, tmp_path: Path) -> None:
    demo = tmp_path / "blog"
    shutil.copytree(DEMO, demo, ignore=shutil.ignore_patterns("*.db", "__pycache__"))
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTHON", "ALEMBIC_LS"))}
    env["ALEMBIC_LS_CACHE_DIR"] = str(tmp_path / ".cache")
    session = demo_session([str(installed / "alembic-ls"), "serve"], demo, env)
    assert session.server_info == {"name": "alembic-ls", "version": __version__}
    assert session.codes == ["AM201"]
    assert session.exit_code == 0
