"""Output formats: ruff-like text, JSON, GitHub annotations (escaped) and SARIF 2.1.0."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from alembic_ls.analysis.revision_file import Span
from alembic_ls.fixes.comments import ExplainComment
from alembic_ls.fixes.downgrade import DeriveDowngrade
from alembic_ls.reporting import display_path, render
from alembic_ls.rules.base import Finding, Fix, Severity
from alembic_ls.rules.registry import RULES


@pytest.fixture
def findings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[Finding]:
    monkeypatch.chdir(tmp_path)
    path = str(tmp_path / "migrations" / "versions" / "a1_x.py")
    return [
        Finding(
            "AM201",
            "no downgrade",
            path,
            Span(9, 4, 9, 13),
            Severity.ERROR,
            Fix("Derive", DeriveDowngrade(), safe=True),
        ),
        Finding(
            "AM104",
            "100% manual, see: a, b\nsecond line",
            path,
            Span(19, 4, 21, 5),
            Severity.WARNING,
            Fix("Explain", ExplainComment(19), safe=False),
        ),
        Finding("AM306", "header", path, Span(3, 9, 3, 11), Severity.HINT),
    ]


def test_text(findings: list[Finding]) -> None:
    out = render(findings, "text").splitlines()
    path = os.path.join("migrations", "versions", "a1_x.py")
    assert out[0] == f"{path}:10:5: AM201 [*] no downgrade"
    assert out[1] == f"{path}:20:5: AM104 100% manual, see: a, b"
    assert out[-2:] == ["Found 3 problems.", "[*] 1 fixable with `alembic-ls check --fix`."]


def test_text_after_fixing(findings: list[Finding]) -> None:
    assert (
        render(findings[1:2], "text", fixed=2).splitlines()[-1] == "Found 3 problems (2 fixed, 1 remaining)."
    )
    assert render([], "text", fixed=1, files=4) == "Fixed 1 problem. All checks passed (4 revision files)."
    assert render([], "text", files=1) == "All checks passed (1 revision file)."


def test_json(findings: list[Finding]) -> None:
    data = json.loads(render(findings, "json"))
    assert [d["code"] for d in data] == ["AM201", "AM104", "AM306"]
    first = data[0]
    assert first["name"] == "missing-downgrade" and first["severity"] == "error"
    assert first["location"] == {"row": 10, "column": 5}
    assert first["end_location"] == {"row": 10, "column": 14}
    assert first["fix"] == {"title": "Derive", "kind": "derive-downgrade", "safe": True, "params": {}}
    assert data[2]["fix"] is None
    assert json.loads(render([], "json")) == []


def test_github_escapes_messages_and_properties(findings: list[Finding]) -> None:
    lines = render(findings, "github").splitlines()
    assert len(lines) == 3
    assert lines[0].startswith(
        "::error file=migrations/versions/a1_x.py,line=10,col=5,endLine=10,endColumn=14,"
    )
    assert lines[0].endswith("title=alembic-ls (AM201 missing-downgrade)::no downgrade")
    assert lines[1].startswith("::warning ")
    assert lines[1].endswith("::100%25 manual, see: a, b%0Asecond line")
    assert lines[2].startswith("::notice ")
    assert render([], "github") == ""


def test_github_escapes_commas_and_colons_in_the_file_property(tmp_path: Path) -> None:
    finding = Finding("AM101", "m", str(tmp_path / "a,b:c.py"), Span(0, 0, 0, 1), Severity.WARNING)
    line = render([finding], "github")
    assert "a%2Cb%3Ac.py,line=1" in line


def test_sarif(findings: list[Finding]) -> None:
    sarif = json.loads(render(findings, "sarif"))
    assert sarif["version"] == "2.1.0"
    driver = sarif["runs"][0]["tool"]["driver"]
    assert [r["id"] for r in driver["rules"]] == list(RULES)
    results = sarif["runs"][0]["results"]
    assert [(r["ruleId"], r["level"]) for r in results] == [
        ("AM201", "error"),
        ("AM104", "warning"),
        ("AM306", "note"),
    ]
    region = results[1]["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 20, "startColumn": 5, "endLine": 22, "endColumn": 6}
    assert results[1]["message"]["text"] == "100% manual, see: a, b\nsecond line"


def test_display_path_is_relative_inside_the_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path / "..")
    inside = str(tmp_path / "x.py")
    assert display_path(inside) == os.path.join(tmp_path.name, "x.py")
    monkeypatch.chdir(tmp_path)
    outside = str(tmp_path.parent / "y.py")
    assert display_path(outside) == outside
