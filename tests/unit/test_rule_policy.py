"""What editors do with a rule's findings is said by the rule itself (issue 14): whether it can be
disabled inline, whether it marks dead text, which imports a project's template must carry."""

from __future__ import annotations

from lsprotocol import types

from alembic_ls.analysis.revision_file import Span
from alembic_ls.rules.base import Finding, Severity
from alembic_ls.rules.registry import RULES
from alembic_ls.server.findings_as_diagnostics import to_diagnostic


def test_a_syntax_error_and_the_suppressions_themselves_cannot_be_disabled_inline() -> None:
    assert {rule.code for rule in RULES.values() if not rule.suppressible} == {"AM000", "AM001", "AM002"}


def test_only_an_unused_suppression_is_faded_as_dead_text() -> None:
    assert {rule.code for rule in RULES.values() if rule.unnecessary} == {"AM001"}
    lines = ["# alembic-ls: ignore[AM101]"]

    def diagnostic(code: str) -> types.Diagnostic:
        finding = Finding(code, "m", "/p.py", Span(0, 0, 0, 5), Severity.WARNING)
        return to_diagnostic(finding, lines, "utf-16", lambda _p: lines, lambda p: "file://" + p)

    assert diagnostic("AM001").tags == [types.DiagnosticTag.Unnecessary]
    assert diagnostic("AM101").tags is None


def test_the_template_must_import_sqlmodel_for_am501_only() -> None:
    assert {code: rule.template_imports for code, rule in RULES.items() if rule.template_imports} == {
        "AM501": frozenset({"sqlmodel"})
    }
