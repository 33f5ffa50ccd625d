"""What happens to a revision file alembic-ls just had Alembic write: lint it, and make it upgradeable.

SQLModel projects on the default script.py.mako get `sqlmodel.sql.sqltypes.AutoString()` without
`import sqlmodel`, so the new revision would fail at `upgrade` with NameError. AM501's safe fix (add the
import) is applied here, before anyone sees the file, and reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from alembic_ls.analysis.index import ProjectIndex
from alembic_ls.analysis.python_parse import parse_python
from alembic_ls.checker import Checker
from alembic_ls.fixes import FixRefused, apply_edits, recipe_edits
from alembic_ls.operations.session import ProjectSession
from alembic_ls.rules.base import Finding
from alembic_ls.settings import Settings

UNDEFINED_NAME = "AM501"
MAX_ROUNDS = 10


@dataclass
class Finished:
    findings: list[Finding] = field(default_factory=list)
    imports_added: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    heads: tuple[str, ...] = ()  # the project's heads with the new file


async def finish(session: ProjectSession, path: Path) -> Finished:
    """Lint the new file against the project's other revisions (off the event loop), fixing AM501."""
    done = await session.on_index(lambda index: _finish(_with_new_file(index), session.settings, path))
    if any("sqlmodel" in added for added in done.imports_added):
        template = session.project.script_location / "script.py.mako"
        if template.is_file() and "import sqlmodel" not in template.read_text(encoding="utf-8"):
            done.notes.append(
                f"add `import sqlmodel` to {template.name} (next to `import sqlalchemy as sa`) so future "
                "revisions need no fix"
            )
    return done


def _with_new_file(index: ProjectIndex) -> ProjectIndex:
    """A private copy to add the new file to: the index read may be the language server's own, which
    learns about the file from its file events. The summaries are shared; none is ever changed."""
    return ProjectIndex(index.project, dict(index.files), dict(index.stray), index.graph)


def _finish(index: ProjectIndex, settings: Settings, path: Path) -> Finished:
    done = Finished()
    text = path.read_text(encoding="utf-8")
    original = text
    for _round in range(MAX_ROUNDS):
        rev = index.update(str(path), text)
        if rev is None:
            break
        fixable = [
            f
            for f in Checker(index, settings).check_file(rev)
            if f.code == UNDEFINED_NAME and f.fix is not None and f.fix.safe
        ]
        if not fixable:
            break
        finding = fixable[0]
        assert finding.fix is not None
        try:
            candidate = apply_edits(text, recipe_edits(str(path), text, finding.fix.recipe))
            parse_python(candidate)
        except (FixRefused, SyntaxError):
            break
        if candidate == text:
            break
        text = candidate
        done.imports_added.append(finding.fix.title.removeprefix("Add ").strip("`"))
    if text != original:
        path.write_text(text, encoding="utf-8", newline="")
    rev = index.update(str(path), text)
    if rev is not None:
        done.findings = Checker(index, settings).check_file(rev)
    done.heads = index.graph.heads
    return done


def describe(done: Finished) -> str:
    parts = []
    if done.imports_added:
        added = ", ".join(f"`{line}`" for line in done.imports_added)
        parts.append(f"Added {added} (AM501: autogenerate used a name the template does not import).")
    if done.notes:
        parts.append("Tip: " + "; ".join(done.notes) + ".")
    if done.findings:
        listed = "; ".join(f"{f.code} line {f.span.line + 1}: {f.message}" for f in done.findings[:3])
        parts.append(f"The linter reports {len(done.findings)} finding(s): {listed}")
    else:
        parts.append("It lints clean.")
    return " ".join(parts)


def findings_json(done: Finished) -> list[dict[str, object]]:
    return [
        {"code": f.code, "message": f.message, "line": f.span.line + 1, "severity": f.severity.value}
        for f in done.findings
    ]
