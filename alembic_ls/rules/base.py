"""What a rule is, what it reports, and what it hands to the fix machinery.

A rule finds; a fix (in `alembic_ls.fixes`) renders. Findings carry their fix as a typed recipe
(`alembic_ls.fixes.recipe`), JSON-able as `Fix.kind` + `Fix.params`, so the language server can
ship it in `Diagnostic.data` and build the edit only when the user asks for it.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from alembic_ls.analysis.read_facts import PATH, note
from alembic_ls.analysis.revision_file import RevisionFile, Span
from alembic_ls.fixes.recipe import Recipe
from alembic_ls.wording import CLI, Wording

if TYPE_CHECKING:
    from alembic_ls.analysis.graph import RevisionGraph
    from alembic_ls.analysis.index import ProjectIndex


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"
    HINT = "hint"


@dataclass(frozen=True)
class Fix:
    title: str
    recipe: Recipe
    safe: bool  # may be applied by `check --fix` / source.fixAll without a person looking

    @property
    def kind(self) -> str:
        return self.recipe.kind

    @property
    def params(self) -> dict[str, Any]:
        return self.recipe.params()


@dataclass(frozen=True)
class Finding:
    code: str
    message: str
    path: str
    span: Span
    severity: Severity
    fix: Fix | None = None
    # Other places the finding concerns (e.g. the other file of a duplicate id).
    related: tuple[tuple[str, Span, str], ...] = ()

    @property
    def name(self) -> str:
        from alembic_ls.rules.registry import RULES

        rule = RULES.get(self.code)
        return rule.name if rule else self.code


@dataclass
class CheckContext:
    """What a rule may look at beyond the file itself."""

    index: ProjectIndex
    dialect: str | None = None
    # The revisions in the configured database's alembic_version, when the language server has read
    # them through the agent (AM602); None everywhere else: static checks never connect to a database.
    database_current: tuple[str, ...] | None = None
    wording: Wording = CLI  # how a message names the next step (alembic_ls.wording)
    # Revision files that exist at a git base and differ now, with their first changed line
    # (0-based), when the check was given a base (`check --diff-base REF`); None: no base known.
    edited_since_base: Mapping[str, int] | None = None
    base_name: str | None = None  # the base as the user named it (`origin/main`)
    # What `alembic-ls trace` recorded per revision file (its records, alembic_ls.operations.trace),
    # when a trace ran for this check (`check --database scratch --trace`, the editor's "Trace locks").
    traced: Mapping[str, Sequence[Mapping[str, Any]]] | None = None
    _applied: tuple[RevisionGraph, frozenset[str]] | None = field(default=None, init=False, repr=False)
    # What git's base already has, asked once per graph and set of ids (alembic_ls.git_base).
    _shared: tuple[RevisionGraph, dict[frozenset[str], frozenset[str] | None]] | None = field(
        default=None, init=False, repr=False
    )

    @property
    def graph(self) -> RevisionGraph:
        return self.index.graph

    def applied_revisions(self) -> frozenset[str] | None:
        """The revisions the database has applied (current ones and their ancestors); None: unknown."""
        if self.database_current is None:
            return None
        graph = self.graph
        if self._applied is None or self._applied[0] is not graph:  # computed once per graph
            applied = set(self.database_current)
            for rid in self.database_current:
                applied |= graph.ancestors(rid)
            self._applied = (graph, frozenset(applied))
        return self._applied[1]

    def shared_revisions(self, ids: Iterable[str]) -> frozenset[str] | None:
        """Which of `ids` others already have (written at the git base); None: not in git."""
        from alembic_ls.git_base import shared_ids

        wanted = frozenset(ids)
        note("shared", ",".join(sorted(wanted)))  # git's answer can change with no file changing
        if self._shared is None or self._shared[0] is not self.graph:  # a new graph: files moved on
            self._shared = (self.graph, {})
        answers = self._shared[1]
        if wanted not in answers:
            answers[wanted] = shared_ids(self.index.project.version_locations, wanted)
        return answers[wanted]

    def is_loaded(self, rev: RevisionFile) -> bool:
        note(PATH, rev.path)
        return self.index.is_loaded(rev.path)

    def relpath(self, path: str) -> str:
        try:
            return str(Path(path).relative_to(self.index.project.root))
        except ValueError:
            return path


class Rule:
    code: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[Severity]
    summary: ClassVar[str]
    fixable: ClassVar[bool] = False
    fix_summary: ClassVar[str] = (
        ""  # what the fix does, for the rules table (README, `rules --output-format markdown`)
    )
    # Off unless `select` names it (by code, prefix or "ALL"): right, but a choice not every team makes.
    opt_in: ClassVar[bool] = False
    # A boolean setting that also turns an opt-in rule on ("linear": the team wants a straight line).
    enabled_by: ClassVar[str | None] = None
    # Runs in revisions the baseline covers too: the baseline accepts history as it was, not edits to it.
    ignores_baseline: ClassVar[bool] = False
    # Judges what a migration does to an application serving traffic (locks it takes, code still
    # running against what it drops): moot in a revision run with the application stopped
    # (analysis.deploy_phase: the contract branch of expand/contract).
    about_live_traffic: ClassVar[bool] = False
    # Editors offer "Disable CODE for this line / file": not for a syntax error or a suppression itself.
    suppressible: ClassVar[bool] = True
    # The finding marks dead text (an unused suppression): editors fade it instead of underlining it.
    unnecessary: ClassVar[bool] = False
    # Names a project's script.py.mako must import: when the finding's import fix adds one of them,
    # editors also offer to add it to the template, so the next generated revision has it too.
    template_imports: ClassVar[frozenset[str]] = frozenset()

    def check(self, rev: RevisionFile, ctx: CheckContext) -> Iterable[Finding]:
        raise NotImplementedError

    def finding(
        self,
        rev: RevisionFile,
        span: Span,
        message: str,
        fix: Fix | None = None,
        related: tuple[tuple[str, Span, str], ...] = (),
    ) -> Finding:
        return Finding(self.code, message, rev.path, span, self.severity, fix, related)


def call_head_span(span: Span, callee: str) -> Span:
    """`op.create_table` of a multi-line call: underline the callee, not ten lines of columns."""
    if span.line == span.end_line:
        return span
    return Span(span.line, span.col, span.line, span.col + len(callee))
