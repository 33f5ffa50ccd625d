"""AM604: the rule book's "Commit together" — a model change and its migration travel in one commit.

Reported on the model file (the language server's publisher for model files), from git's view:
- the model file has changes (staged or not) and no revision file is new (untracked or added);
- the model file is staged while the new revision file is still untracked (it would miss the commit).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from alembic_ls.analysis.revision_file import Span
from alembic_ls.drift.git_state import GitChanges
from alembic_ls.project import Project
from alembic_ls.rules.base import Finding, Severity

NOT_COMMITTED = "AM604"


def commit_findings(project: Project, git: GitChanges, model_files: Iterable[str]) -> list[Finding]:
    new_revisions = sorted(
        p
        for p in git.untracked | git.staged
        if p.endswith(".py") and project.owns(Path(p)) and p not in git.modified
    )
    untracked_revisions = [p for p in new_revisions if p in git.untracked]
    top = Span(0, 0, 0, 0)
    findings: list[Finding] = []
    for model in sorted(os.path.realpath(m) for m in model_files):
        if not git.changed(model):
            continue
        name = os.path.relpath(model, git.top)
        if not new_revisions:
            message = (
                f"{name} has uncommitted changes but no new revision file goes with them. Generate the "
                "migration (autogenerate) and commit model and migration together."
            )
        elif model in git.staged and untracked_revisions:
            listed = " ".join(os.path.relpath(p, git.top) for p in untracked_revisions)
            message = (
                f"{name} is staged but its migration is not: `git add {listed}` so model and migration "
                "are committed together."
            )
        else:
            continue
        findings.append(Finding(NOT_COMMITTED, message, model, top, Severity.INFO))
    return findings
