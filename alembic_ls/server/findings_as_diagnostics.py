"""Findings as LSP diagnostics: range in the client's position encoding, severity, the rule's docs
link, related places, the "unnecessary" tag a rule asks for, and the fix recipe in `data` (the
code action sends it back)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lsprotocol import types

from alembic_ls.docs import doc_uri
from alembic_ls.rules.base import Finding, Fix, Severity
from alembic_ls.rules.registry import RULES
from alembic_ls.server.positions import to_range

SOURCE = "alembic-ls"
SEVERITIES = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
    Severity.HINT: types.DiagnosticSeverity.Hint,
}


def _marks_dead_text(code: str) -> bool:
    rule = RULES.get(code)
    return rule is not None and rule.unnecessary


def fix_payload(fix: Fix | None) -> dict[str, Any] | None:
    if fix is None:
        return None
    return {"kind": fix.kind, "params": fix.params, "title": fix.title, "safe": fix.safe}


def to_diagnostic(
    finding: Finding,
    lines: list[str],
    encoding: str,
    lines_of: Callable[[str], list[str]],
    uri_for: Callable[[str], str],
) -> types.Diagnostic:
    related = [
        types.DiagnosticRelatedInformation(
            location=types.Location(uri=uri_for(path), range=to_range(span, lines_of(path), encoding)),
            message=message,
        )
        for path, span, message in finding.related
    ]
    return types.Diagnostic(
        range=to_range(finding.span, lines, encoding),
        message=finding.message,
        severity=SEVERITIES[finding.severity],
        code=finding.code,
        code_description=types.CodeDescription(href=doc_uri(finding.code)),
        source=SOURCE,
        related_information=related or None,
        tags=[types.DiagnosticTag.Unnecessary] if _marks_dead_text(finding.code) else None,
        data={"fix": fix_payload(finding.fix)},
    )
