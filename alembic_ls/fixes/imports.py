"""Add a missing import next to the file's existing imports."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from alembic_ls.analysis.revision_file import RevisionFile, Span
from alembic_ls.fixes.edits import FixRefused, TextEdit
from alembic_ls.fixes.recipe import Recipe, recipe

# Names autogenerate and hand-written migrations use, and the import that binds each.
KNOWN_IMPORTS: dict[str, str] = {
    "sa": "import sqlalchemy as sa",
    "sqlalchemy": "import sqlalchemy",
    "sqlmodel": "import sqlmodel",
    "op": "from alembic import op",
    "context": "from alembic import context",
    "postgresql": "from sqlalchemy.dialects import postgresql",
    "mysql": "from sqlalchemy.dialects import mysql",
    "sqlite": "from sqlalchemy.dialects import sqlite",
    "mssql": "from sqlalchemy.dialects import mssql",
    "oracle": "from sqlalchemy.dialects import oracle",
    "Sequence": "from typing import Sequence",
    "Union": "from typing import Union",
    "Optional": "from typing import Optional",
    "sqlalchemy_utils": "import sqlalchemy_utils",
    "geoalchemy2": "import geoalchemy2",
    "pgvector": "import pgvector",
    "datetime": "import datetime",
    "uuid": "import uuid",
}


def import_line_for(name: str) -> str | None:
    return KNOWN_IMPORTS.get(name)


def add_import_fix(rev: RevisionFile, lines: list[str], fix: AddImport) -> list[TextEdit]:
    name = fix.name
    statement = import_line_for(name)
    if statement is None:
        raise FixRefused(f"alembic-ls does not know which import provides `{name}`")
    if any(name in imp.names for imp in rev.imports):
        return []  # already there (another fix added it)
    if rev.imports:
        line = max(i.end_line for i in rev.imports)
    elif rev.header is not None:
        line = rev.header.span.end_line
    else:
        return [TextEdit(Span(0, 0, 0, 0), statement + "\n")]
    end = len(lines[line])
    return [TextEdit(Span(line, end, line, end), "\n" + statement)]


@recipe
@dataclass(frozen=True)
class AddImport(Recipe):
    """The import statement that defines `name` (`import_line_for`)."""

    kind: ClassVar[str] = "add-import"
    name: str

    def edits(self, rev: RevisionFile, lines: list[str]) -> list[TextEdit]:
        return add_import_fix(rev, lines, self)
