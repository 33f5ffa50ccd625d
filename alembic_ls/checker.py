"""Run the rules on a project index: selection, baseline, severities and inline suppressions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from alembic_ls.analysis.deploy_phase import runs_offline
from alembic_ls.analysis.index import ProjectIndex
from alembic_ls.analysis.revision_file import RevisionFile, Span
from alembic_ls.baseline import revisions_for
from alembic_ls.fixes.suppressions import RemoveSuppression
from alembic_ls.rules.base import CheckContext, Finding, Fix, Rule
from alembic_ls.rules.registry import RULES
from alembic_ls.settings import ConfigError, Settings
from alembic_ls.wording import CLI, Wording

UNUSED_SUPPRESSION = "AM001"
UNKNOWN_CODE = "AM002"


def _matches(code: str, patterns: Iterable[str]) -> bool:
    return any(p == "ALL" or code.startswith(p) for p in patterns)


def enabled_rules(settings: Settings) -> list[Rule]:
    """The rules `select` names (by default every rule that is not opt-in) and those a setting turns
    on (`linear`), less `ignore`, less the rules about live traffic where `deploy` is offline."""
    if settings.select is None:
        chosen = [rule for rule in RULES.values() if not rule.opt_in or _turned_on(rule, settings)]
    else:
        chosen = [
            rule
            for code, rule in RULES.items()
            if _matches(code, settings.select) or _turned_on(rule, settings)
        ]
    if settings.deploy == "offline":  # no traffic meets the locks or the dropped columns
        chosen = [rule for rule in chosen if not rule.about_live_traffic]
    return [rule for rule in chosen if not _matches(rule.code, settings.ignore)]


def _turned_on(rule: Rule, settings: Settings) -> bool:
    return rule.enabled_by is not None and getattr(settings, rule.enabled_by, False) is True


@dataclass
class Checker:
    index: ProjectIndex
    settings: Settings
    database: tuple[str, ...] | None = None  # the database's current revisions, when known (AM602)
    wording: Wording = CLI  # how messages name the next step (the editor's actions or the CLI's)
    edited_since_base: Mapping[str, int] | None = None  # AM105: see CheckContext
    base_name: str | None = None
    traced: Mapping[str, Sequence[Mapping[str, Any]]] | None = None  # AM704, AM705: see CheckContext

    def __post_init__(self) -> None:
        self.rules = enabled_rules(self.settings)
        self.enabled_codes = {rule.code for rule in self.rules}
        dialect = self.settings.dialect or self.index.project.dialect
        self.context = CheckContext(
            self.index,
            dialect=dialect,
            database_current=self.database,
            wording=self.wording,
            edited_since_base=self.edited_since_base,
            base_name=self.base_name,
            traced=self.traced,
        )
        self.skipped = self._baseline_revisions()

    def _baseline_revisions(self) -> set[str]:
        """Every revision at or before one the baseline names for this project: never checked.

        Only the files are skipped: graph rules still see the whole history, so a new revision's
        findings about its parents stay right."""
        project = self.index.project
        root = self.settings.baseline_root or project.root
        name, named = revisions_for(self.settings.baseline, project.script_location, root)
        graph = self.index.graph
        skipped: set[str] = set()
        for revision in named:
            if revision not in graph.revisions:
                matches = [rid for rid in graph.revisions if rid.startswith(revision)]
                if len(matches) != 1:
                    where = self.settings.source or "settings"
                    raise ConfigError(
                        f"{where}: {name} names revision '{revision}', which is not in "
                        f"{project.script_location}"
                    )
                revision = matches[0]
            skipped |= graph.ancestors(revision) | {revision}
        return skipped

    def check_file(self, rev: RevisionFile) -> list[Finding]:
        baselined = rev.revision_id is not None and rev.revision_id in self.skipped
        # The baseline accepts the history as it was; a rule about changes made to it since (AM105)
        # still runs there.
        rules = [r for r in self.rules if r.ignores_baseline] if baselined else self.rules
        if any(r.about_live_traffic for r in rules) and runs_offline(rev, self.index.graph):
            rules = [r for r in rules if not r.about_live_traffic]
        if not rules:
            return []
        raw: list[Finding] = []
        for rule in rules:
            try:
                raw.extend(rule.check(rev, self.context))
            except Exception as exc:  # a rule bug must not take the whole check down
                raw.append(
                    Finding(
                        "AM000",
                        f"internal error in {rule.code} ({type(exc).__name__}: {exc}); please report it",
                        rev.path,
                        rev.parse_error.span if rev.parse_error else _top(rev),
                        rule.severity,
                    )
                )
        findings = self._apply_suppressions(rev, raw, judge_unused=not baselined)
        return sorted(
            (self._with_severity(f) for f in findings),
            key=lambda f: (f.span.line, f.span.col, f.code),
        )

    def check_all(self) -> dict[str, list[Finding]]:
        return {rev.path: self.check_file(rev) for rev in self.index.all_files()}

    def _with_severity(self, finding: Finding) -> Finding:
        override = self.settings.severity.get(finding.code)
        return replace(finding, severity=override) if override else finding

    def _apply_suppressions(
        self, rev: RevisionFile, findings: list[Finding], judge_unused: bool = True
    ) -> list[Finding]:
        """`findings` without the suppressed ones, plus a finding per suppression that names an
        unknown code or (`judge_unused`: every rule ran on the file) suppresses nothing."""
        if not rev.suppressions:
            return findings
        used: set[tuple[int, str]] = set()
        kept: list[Finding] = []
        for finding in findings:
            suppressor = next(
                (
                    s
                    for s in rev.suppressions
                    if finding.code in s.codes
                    and (s.file_level or finding.span.line <= s.line <= finding.span.end_line)
                ),
                None,
            )
            if suppressor is None:
                kept.append(finding)
            else:
                used.add((suppressor.line, finding.code))
        for suppression in rev.suppressions:
            for code in suppression.codes:
                if code not in RULES:
                    if UNKNOWN_CODE in self.enabled_codes:
                        kept.append(
                            Finding(
                                UNKNOWN_CODE,
                                f"Unknown rule code `{code}` in suppression comment "
                                "(`alembic-ls rules` lists them).",
                                rev.path,
                                suppression.span,
                                RULES[UNKNOWN_CODE].severity,
                            )
                        )
                elif (
                    judge_unused
                    and (suppression.line, code) not in used
                    and code in self.enabled_codes
                    and UNUSED_SUPPRESSION in self.enabled_codes
                ):
                    kept.append(
                        Finding(
                            UNUSED_SUPPRESSION,
                            f"Unused suppression: {code} reports nothing "
                            f"{'in this file' if suppression.file_level else 'on this line'}.",
                            rev.path,
                            suppression.span,
                            RULES[UNUSED_SUPPRESSION].severity,
                            Fix(
                                f"Remove the unused {code} suppression",
                                RemoveSuppression(suppression.line, code),
                                safe=True,
                            ),
                        )
                    )
        return kept


def _top(rev: RevisionFile) -> Span:
    return rev.revision.span if rev.revision else Span(0, 0, 0, 0)
