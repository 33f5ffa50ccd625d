"""A second, independent LSP client: headless Neovim with the configuration from docs/editors.md."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
PROBE = Path(__file__).with_name("probe.lua")
DOCS = REPO / "docs" / "editors.md"
CONFIG_MARKER = "-- alembic-ls: Neovim configuration"

pytestmark = pytest.mark.skipif(
    shutil.which("nvim") is None, reason="nvim is not installed (apt-get install neovim gives 0.7.2)"
)


def documented_config() -> str:
    """The Lua block users copy from docs/editors.md — the test runs exactly that."""
    blocks = re.findall(r"```lua\n(.*?)```", DOCS.read_text(encoding="utf-8"), flags=re.S)
    (config,) = [b for b in blocks if b.startswith(CONFIG_MARKER)]
    return config


def lua_string(value: str) -> str:
    return json.dumps(value)  # a JSON string literal is a valid Lua string literal here


def static(diagnostics: list[dict[str, Any]]) -> list[tuple[str, int]]:
    """The static findings: AM602 says the demo's database (not created yet) has applied nothing, and
    arrives whenever the agent's first status does, before or after any of these moments."""
    return [(d["code"], d["line"]) for d in diagnostics if d["code"] != "AM602"]


def test_neovim_shows_diagnostics_jumps_and_applies_a_fix(demo_copy: Path, tmp_path: Path) -> None:
    config = tmp_path / "alembic_ls.lua"
    command = (
        "{" + ", ".join(lua_string(part) for part in [sys.executable, "-m", "alembic_ls", "serve"]) + "}"
    )
    config.write_text(f"vim.g.alembic_ls_cmd = {command}\n" + documented_config(), encoding="utf-8")
    report = tmp_path / "report.json"
    root = demo_copy.resolve()
    setup = (
        f"lua probe_config = {lua_string(str(config))}; probe_root = {lua_string(str(root))};"
        f" probe_out = {lua_string(str(report))}"
    )
    completed = subprocess.run(
        ["nvim", "--headless", "-u", "NONE", "-i", "NONE", "-n", "-c", setup, "-c", f"luafile {PROBE}"],
        cwd=root,
        env={
            **os.environ,
            "XDG_STATE_HOME": str(tmp_path / "state"),
            "XDG_DATA_HOME": str(tmp_path / "data"),
        },
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert report.is_file(), f"nvim wrote no report: {completed.stdout}\n{completed.stderr}"
    result = json.loads(report.read_text(encoding="utf-8"))
    assert result["errors"] == [], result["errors"]
    assert result["attached"] == 1
    assert static(result["slug"]) == [("AM306", 4), ("AM104", 30)]
    assert {d["source"] for d in result["slug"]} == {"alembic-ls"}
    assert static(result["tag_closed"]) == [("AM101", 23)]
    versions = root / "migrations" / "versions"
    assert result["jump"] == {"file": str(versions / "3c4d5e6f7081_create_tag_table.py"), "cursor": [15, 0]}
    assert ("AM301", 15) in [(d["code"], d["line"]) for d in result["typed"]]
    assert static(result["undone"]) == [("AM501", 25)]
    assert result["action"] == "Derive downgrade() from upgrade()"
    assert static(result["after_fix"]) == []
    assert "batch_op.drop_column('bio')" in result["fixed_text"]
    # Every code lens runs a command the server handles and tells what it found (no showDocument in 0.7).
    assert result["notified"] == [], result["notified"]
    assert all(lens["command"] and lens["told"] for lens in result["lenses"]), result["lenses"]
    told = {lens["title"]: lens["told"] for lens in result["lenses"]}
    tag, bio = versions / "3c4d5e6f7081_create_tag_table.py", versions / "5e6f708192a3_add_bio_to_user.py"
    assert told["↑ 3c4d5e6f7081 create tag table"].endswith(f"{tag}:15")
    assert told["↓ 5e6f708192a3 add bio to user"].endswith(f"{bio}:16")
    assert told["↑ 5e6f708192a3 add bio to user"].endswith(f"{bio}:16")
    assert told["head"].startswith("alembic-ls: 6f708192a3b4 — add subtitle to post")
    assert "6f708192a3b4" in result["heads_told"]
