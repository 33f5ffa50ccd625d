"""Print findings as text (ruff-like), JSON, GitHub Actions annotations, SARIF 2.1.0 or Markdown."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from typing import Any

from alembic_ls import __version__
from alembic_ls.docs import doc_uri
from alembic_ls.markdown_report import render_markdown
from alembic_ls.rules.base import Finding, Severity
from alembic_ls.rules.registry import RULES

FORMATS = ("text", "json", "github", "sarif", "markdown")


def display_path(path: str) -> str:
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return path
    return path if rel.startswith("..") else rel


def render(findings: Sequence[Finding], fmt: str, fixed: int = 0, files: int = 0) -> str:
    if fmt == "json":
        return json.dumps([_as_json(f) for f in findings], indent=2)
    if fmt == "github":
        return "\n".join(_github(f) for f in findings)
    if fmt == "sarif":
        return json.dumps(_sarif(findings), indent=2)
    if fmt == "markdown":
        return render_markdown(findings, fixed, files, display_path).rstrip("\n")
    return _text(findings, fixed, files)


def _text(findings: Sequence[Finding], fixed: int, files: int) -> str:
    out = []
    for f in findings:
        marker = " [*]" if f.fix and f.fix.safe else ""
        out.append(f"{display_path(f.path)}:{f.span.line + 1}:{f.span.col + 1}: {f.code}{marker} {f.message}")
    fixable = sum(1 for f in findings if f.fix and f.fix.safe)
    if findings:
        found = len(findings) + fixed  # as ruff counts: what was found, then how much of it is fixed
        summary = f"Found {found} problem{'s' if found != 1 else ''}"
        if fixed:
            summary += f" ({fixed} fixed, {len(findings)} remaining)"
        out.append(summary + ".")
        if fixable:
            out.append(f"[*] {fixable} fixable with `alembic-ls check --fix`.")
    else:
        prefix = f"Fixed {fixed} problem{'s' if fixed != 1 else ''}. " if fixed else ""
        out.append(f"{prefix}All checks passed ({files} revision file{'s' if files != 1 else ''}).")
    return "\n".join(out)


def _as_json(f: Finding) -> dict[str, Any]:
    return {
        "code": f.code,
        "name": f.name,
        "message": f.message,
        "severity": f.severity.value,
        "filename": f.path,
        "location": {"row": f.span.line + 1, "column": f.span.col + 1},
        "end_location": {"row": f.span.end_line + 1, "column": f.span.end_col + 1},
        "fix": None
        if f.fix is None
        else {"title": f.fix.title, "kind": f.fix.kind, "safe": f.fix.safe, "params": f.fix.params},
        "url": doc_uri(f.code),
    }


def _escape(value: str, prop: bool = False) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


def _github(f: Finding) -> str:
    level = {Severity.ERROR: "error", Severity.WARNING: "warning"}.get(f.severity, "notice")
    props = (
        f"file={_escape(display_path(f.path), True)},line={f.span.line + 1},col={f.span.col + 1},"
        f"endLine={f.span.end_line + 1},endColumn={f.span.end_col + 1},"
        f"title={_escape(f'alembic-ls ({f.code} {f.name})', True)}"
    )
    return f"::{level} {props}::{_escape(f.message)}"


def _sarif(findings: Sequence[Finding]) -> dict[str, Any]:
    level = {Severity.ERROR: "error", Severity.WARNING: "warning"}
    rules = [
        {
            "id": rule.code,
            "name": rule.name,
            "shortDescription": {"text": rule.summary},
            "helpUri": doc_uri(rule.code),
            "defaultConfiguration": {"level": level.get(rule.severity, "note")},
        }
        for rule in RULES.values()
    ]
    results = [
        {
            "ruleId": f.code,
            "level": level.get(f.severity, "note"),
            "message": {"text": f.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": display_path(f.path)},
                        "region": {
                            "startLine": f.span.line + 1,
                            "startColumn": f.span.col + 1,
                            "endLine": f.span.end_line + 1,
                            "endColumn": f.span.end_col + 1,
                        },
                    }
                }
            ],
        }
        for f in findings
    ]
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "alembic-ls",
                        "version": __version__,
                        "informationUri": "https://pypi.org/project/alembic-ls/",
                        "rules": rules,
                    }
                },
                "results": results,
            }
        ],
    }
