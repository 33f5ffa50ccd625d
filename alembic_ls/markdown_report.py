"""`check --output-format markdown`: a comment a reviewer reads on a pull request (or a GitHub job
summary): what was found per rule, then each finding under its file with its line, rule, message
and the fix on offer."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from itertools import groupby

from alembic_ls.rules.base import Finding
from alembic_ls.rules.registry import RULES

SEVERITY_MARK = {"error": "🔴 error", "warning": "🟠 warning", "info": "🔵 info", "hint": "⚪ hint"}


def render_markdown(
    findings: Sequence[Finding], fixed: int, files: int, shown_path: Callable[[str], str]
) -> str:
    checked = f"{files} revision file{'s' if files != 1 else ''} checked"
    if fixed:
        checked += f", {fixed} problem{'s' if fixed != 1 else ''} fixed"
    if not findings:
        return f"### alembic-ls: all checks passed\n\n{checked}.\n"
    count = len(findings)
    out = [f"### alembic-ls: {count} problem{'s' if count != 1 else ''}", "", f"{checked}.", ""]
    out += ["| rule | | findings |", "|---|---|---:|"]
    per_rule = Counter(f.code for f in findings)
    for code in sorted(per_rule):
        rule = RULES.get(code)
        out.append(f"| {code} | {rule.name if rule else ''} | {per_rule[code]} |")
    ordered = sorted(findings, key=lambda f: (shown_path(f.path), f.span.line, f.span.col, f.code))
    for path, in_file in groupby(ordered, key=lambda f: shown_path(f.path)):
        out += ["", f"#### `{path}`", ""]
        for finding in in_file:
            out.append(_item(path, finding))
    fixable = sum(1 for f in findings if f.fix is not None and f.fix.safe)
    fixes = f"{fixable} fixable with `alembic-ls check --fix`. " if fixable else ""
    out += ["", f"{fixes}Each rule's page: `alembic-ls explain CODE`."]
    return "\n".join(out) + "\n"


def _item(path: str, finding: Finding) -> str:
    rule = RULES.get(finding.code)
    severity = SEVERITY_MARK.get(finding.severity.value, finding.severity.value)
    head = f"- **{path}:{finding.span.line + 1}** · {severity} · `{finding.code}` {rule.name if rule else ''}"
    lines = [head, f"  {_one_paragraph(finding.message)}"]
    if finding.fix is not None:
        how = "safe: `alembic-ls check --fix` applies it" if finding.fix.safe else "offered in the editor"
        lines.append(f"  *Fix:* {_one_paragraph(finding.fix.title)} ({how})")
    return "\n".join(lines)


def _one_paragraph(text: str) -> str:
    """Markdown on one list item: no line breaks that would end it, and `<placeholder>` outside code
    spans kept as text (a renderer would take it for an HTML tag and drop it)."""
    parts = " ".join(text.split()).split("`")
    return "`".join(
        part if inside else part.replace("<", "&lt;").replace(">", "&gt;")
        for inside, part in ((index % 2 == 1, part) for index, part in enumerate(parts))
    )
