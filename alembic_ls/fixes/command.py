"""A fix that runs a command of the language server instead of editing text: AM601's "Generate
migration…" on a model file, AM602's "Upgrade the database to here". The server turns it into a
code action with that command; `check --fix` never runs it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from alembic_ls.fixes.recipe import Json, Recipe, recipe


@recipe
@dataclass(frozen=True)
class RunCommand(Recipe):
    kind: ClassVar[str] = "command"
    runs_command: ClassVar[bool] = True
    command: str
    arguments: tuple[Json, ...] = ()
