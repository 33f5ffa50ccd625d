from __future__ import annotations

from collections.abc import Iterator

from alembic_ls.analysis.revision_file import RevisionFile
from alembic_ls.analysis.revision_file import UndefinedName as Undefined
from alembic_ls.fixes.imports import AddImport, import_line_for
from alembic_ls.rules.base import CheckContext, Finding, Fix, Rule, Severity


class UndefinedName(Rule):
    code = "AM501"
    name = "undefined-name"
    severity = Severity.ERROR
    summary = "A name used in the migration is never imported or defined: `upgrade` will fail with NameError."
    fix_summary = "safe: add the import"
    fixable = True
    template_imports = frozenset({"sqlmodel"})

    def check(self, rev: RevisionFile, ctx: CheckContext) -> Iterator[Finding]:
        # The first use in a function stops it: one finding there, naming the later uses.
        uses: dict[tuple[str | None, str], list[Undefined]] = {}
        for found in rev.undefined_names:
            uses.setdefault((_function_at(rev, found.span.line), found.name), []).append(found)
        for (_function, name), each in uses.items():
            undefined, later = each[0], each[1:]
            statement = import_line_for(name)
            message = f"`{name}` is not defined: {_what_stops(rev, undefined.span.line)} with NameError."
            if later:
                lines = ", ".join(str(u.span.line + 1) for u in later)
                message += f" (It is used again on line{'s' if len(later) > 1 else ''} {lines}.)"
            fix = None
            if statement is not None:
                message += f" Add `{statement}`."
                fix = Fix(f"Add `{statement}`", AddImport(undefined.name), safe=True)
            if undefined.name in self.template_imports:
                message += (
                    " autogenerate writes sqlmodel types but the default script.py.mako does not "
                    "import sqlmodel: add `import sqlmodel` to the template so the next revision is right."
                )
            related = tuple((rev.path, u.span, f"`{name}` used again") for u in later)
            yield self.finding(rev, undefined.span, message, fix, related=related)


def _function_at(rev: RevisionFile, line: int) -> str | None:
    return next((f.name for f in rev.functions.values() if f.span.line <= line <= f.span.end_line), None)


def _what_stops(rev: RevisionFile, line: int) -> str:
    """What fails at this line: the command running the function, or loading the file at all."""
    for function in rev.functions.values():
        if function.span.line <= line <= function.span.end_line:
            if function.name in ("upgrade", "downgrade"):
                return f"`alembic {function.name}` stops here"
            return f"`{function.name}()` stops here when it runs"
    return "every alembic command stops loading this revision here"
