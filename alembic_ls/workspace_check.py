"""`alembic-ls check`: find projects, load settings, index, check, and optionally fix."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from alembic_ls.analysis.collector import collector_paused
from alembic_ls.analysis.index import IndexCache, ProjectIndex, default_cache_dir
from alembic_ls.analysis.parse_workers import SharedWorkers
from alembic_ls.analysis.read_facts import RecordingGraph
from alembic_ls.analysis.revision_file import RevisionFile
from alembic_ls.analysis.source_text import decode_source, source_encoding
from alembic_ls.analysis.sql_statements import sql_reader_installed
from alembic_ls.checker import Checker
from alembic_ls.drift.commit_together import NOT_COMMITTED
from alembic_ls.findings_cache import CachedFile, FactValues, FindingsCache, project_key
from alembic_ls.fix_loop import apply_safe_fixes
from alembic_ls.fixes.write_boundary import refusal
from alembic_ls.project import Project, discover_projects
from alembic_ls.rules.base import Finding
from alembic_ls.settings import ConfigError, Settings, load_settings
from alembic_ls.vcs.diff_base import DiffBase
from alembic_ls.vcs.edits import edited_since_base
from alembic_ls.vcs.model_changes import model_change_findings


@dataclass
class CheckResult:
    findings: list[Finding] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # configuration problems (exit code 2)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what was assumed where the configuration is silent
    fixed: int = 0
    projects: list[Project] = field(default_factory=list)
    files_checked: int = 0
    files_reused: int = 0  # of those, the files whose findings came from the findings cache


def assumptions(project: Project, settings: Settings) -> list[str]:
    """What was inferred for a project because its configuration did not say, and from where."""
    where = project.config_file or project.script_location
    notes = [f"{where}: assumed {sentence}" for sentence in project.assumed]
    if settings.dialect is None and project.dialect is None:
        notes.append(
            f"{where}: assumed the database may be PostgreSQL (no usable sqlalchemy.url or `dialect`)"
        )
    return notes


def project_settings(project: Project, overrides: Settings | None) -> Settings:
    settings = load_settings(project.root)
    if overrides is None:
        return settings
    # --ignore adds to the team's ignore list (as ruff's --extend-ignore does); --select replaces.
    extra_ignore = tuple(c for c in overrides.ignore if c not in settings.ignore)
    return settings.merged(
        select=overrides.select,
        ignore=settings.ignore + extra_ignore if extra_ignore else None,
        baseline=overrides.baseline,
    )


def run_check(
    paths: Sequence[Path],
    overrides: Settings | None = None,
    fix: bool = False,
    use_cache: bool = True,
    base: DiffBase | None = None,
    traced: Mapping[str, Sequence[Mapping[str, Any]]] | None = None,
) -> CheckResult:
    """Check (and with `fix`, fix) the projects under `paths`. With a `base` (`--diff-base`), only
    the revision files added or changed since it are checked and fixed — graph rules still see the
    whole graph — and the ones that existed there are judged as edits (AM105)."""
    result = CheckResult()
    projects, errors = discover_projects(paths)
    result.errors.extend(errors)
    result.projects = projects
    if not projects and not errors:
        result.errors.append(
            "no Alembic project found under "
            + ", ".join(str(p) for p in paths)
            + " (looked for alembic.ini, pyproject.toml [tool.alembic], migrations/env.py)"
        )
    cache = IndexCache(default_cache_dir() if use_cache else None)
    files = [p.resolve() for p in paths if p.is_file()]
    # A check builds every summary and keeps them to the end: collector passes over that growing
    # heap would cost more than the analysis (see analysis/collector.py).
    # One set of worker processes for every project: a repository of several (ckan's four) forked
    # a new pair for each.
    workers = SharedWorkers()
    try:
        with collector_paused():
            for project in projects:
                _check_project(project, overrides, fix, cache, files, result, base, traced, workers)
    finally:
        workers.close()
    result.findings.sort(key=lambda f: (f.path, f.span.line, f.span.col, f.code))
    return result


def _check_project(
    project: Project,
    overrides: Settings | None,
    fix: bool,
    cache: IndexCache,
    files: list[Path],
    result: CheckResult,
    base: DiffBase | None = None,
    traced: Mapping[str, Sequence[Mapping[str, Any]]] | None = None,
    workers: SharedWorkers | None = None,
) -> None:
    """Check one project's files into `result`."""
    try:
        settings = project_settings(project, overrides)
        index = ProjectIndex.build(project, cache)
        checker = _checker(index, settings, base, traced)
    except ConfigError as exc:
        result.errors.append(str(exc))
        return
    result.notes.extend(assumptions(project, settings))
    targets = [
        rev
        for rev in index.all_files()
        if (not files or Path(rev.path) in files) and (base is None or base.touches(rev.path))
    ]
    if fix:
        if not files and base is None:
            index.analyse_all()
        result.fixed += _fix_files(index, settings, [t.path for t in targets], result.warnings)
        checker = _checker(index, settings, base, traced)
        targets = [index.get(t.path) or t for t in targets]
    # Findings are cached only for a plain check: a base, a trace or fixes bring in what the
    # cache's key does not hold.
    cached = _findings_cache(index, settings, checker, cache) if not (fix or base or traced) else None
    analyse = not files and base is None
    checked, reused = _check_targets(index, checker, targets, cached, analyse, workers)
    result.files_reused += reused
    for rev in targets:
        entry = checked[rev.path]
        findings = list(entry.findings)
        if any(f.fix for f in findings) and refusal(project, rev.path) is not None:
            # no fix will write there: none is offered
            findings = [replace(f, fix=None) for f in findings]
        result.findings.extend(findings)
    result.files_checked += len(targets)
    if base is not None and NOT_COMMITTED in checker.enabled_codes:
        revisions = [rev.path for rev in index.files.values()]
        result.findings.extend(model_change_findings(project, base, revisions))
    unread = sum(entry.unread_sql for entry in checked.values())
    if unread and not sql_reader_installed():
        where = project.config_file or project.script_location
        result.notes.append(
            f"{where}: {unread} SQL text(s) in op.execute not read (the lock rules and AM413 need "
            "pglast: pip install 'alembic-ls[sql]')"
        )
    index.save_cache()


def _findings_cache(
    index: ProjectIndex, settings: Settings, checker: Checker, cache: IndexCache
) -> FindingsCache | None:
    if not cache.enabled or index.graph.cycles:  # a cycle's effect on a history is not a fact
        return None
    dialect = checker.context.dialect
    key = project_key(index.project, repr(settings), checker.skipped, dialect)
    return FindingsCache(cache.directory, index.project, key)


def _check_targets(
    index: ProjectIndex,
    checker: Checker,
    targets: list[RevisionFile],
    cached: FindingsCache | None,
    analyse: bool,
    workers: SharedWorkers | None = None,
) -> tuple[dict[str, CachedFile], int]:
    """Each target's findings: reused from the cache where nothing they depend on changed,
    computed (with what they read recorded) for the rest; and how many were reused."""
    ordered = _in_history_order(index, targets)
    if cached is None:
        return {
            path: CachedFile.of(rev, checker.check_file(rev), frozenset(), None)
            for path, rev in _as_analysed(index, ordered, analyse, workers)
        }, 0
    values = FactValues(index, checker.context.shared_revisions)
    reused = cached.reusable(index, values, [rev.path for rev in targets])
    checked: dict[str, CachedFile] = dict(reused)
    stale = [rev for rev in ordered if rev.path not in reused]
    graph = index.graph
    index.graph = RecordingGraph(graph)
    try:
        for path, rev in _as_analysed(index, stale, analyse, workers):
            checked[path] = entry = CachedFile.recorded(checker.check_file, rev, index.identity(path))
            cached.store(path, entry, values)
    finally:
        index.graph = graph
    cached.save()
    return checked, len(reused)


def _as_analysed(
    index: ProjectIndex, revs: list[RevisionFile], analyse: bool, workers: SharedWorkers | None = None
) -> Iterator[tuple[str, RevisionFile]]:
    """Each of `revs` once its full analysis is there: with `analyse`, parsed in worker processes
    and handed over batch by batch, so the rules run on the first files while the rest is parsed."""
    by_path = {rev.path: rev for rev in revs}
    batches = index.analyse_in_batches(list(by_path), shared=workers) if analyse else iter([list(by_path)])
    for batch in batches:
        for path in batch:
            yield path, by_path[path]


def _in_history_order(index: ProjectIndex, revs: list[RevisionFile]) -> list[RevisionFile]:
    """Parents before children (bases first), then what is outside the graph: a check that starts
    while later files are still being parsed finds each file's history already there."""
    graph = index.graph
    wanted = {rev.path: rev for rev in revs}
    waiting = {rid: sum(1 for p in graph.parents(rid) if p in graph.revisions) for rid in graph.revisions}
    queue = deque(sorted(rid for rid, count in waiting.items() if count == 0))
    ordered: list[RevisionFile] = []
    while queue:
        rid = queue.popleft()
        rev = wanted.pop(graph.revisions[rid].path, None)
        if rev is not None:
            ordered.append(rev)
        for child in graph.children.get(rid, ()):
            waiting[child] -= 1
            if waiting[child] == 0:
                queue.append(child)
    return [*ordered, *wanted.values()]  # cycles, duplicated ids, strays


def _checker(
    index: ProjectIndex,
    settings: Settings,
    base: DiffBase | None,
    traced: Mapping[str, Sequence[Mapping[str, Any]]] | None = None,
) -> Checker:
    if base is None:
        return Checker(index, settings, traced=traced)
    edited = edited_since_base(base, [rev.path for rev in index.files.values()])
    return Checker(index, settings, edited_since_base=edited, base_name=base.ref, traced=traced)


def _fix_files(index: ProjectIndex, settings: Settings, paths: list[str], warnings: list[str]) -> int:
    """Apply safe fixes one at a time, re-checking after each; never write a file that no longer parses,
    nor one outside the project (reported in `warnings` instead)."""
    fixed = 0
    for path in paths:
        outside = refusal(index.project, path)
        if outside is not None:
            warnings.append(f"not fixed: {outside}")
            continue
        try:
            data = Path(path).read_bytes()
        except OSError:
            continue
        original, decode_error = decode_source(data)
        if decode_error:
            continue  # rewriting would replace the undecodable bytes: leave the file alone
        text, applied = apply_safe_fixes(index, settings, path, original)
        if text != original:
            try:  # in the encoding the file was read in (coding comment, byte order mark)
                encoded = text.encode(source_encoding(data))
            except UnicodeEncodeError:
                applied = 0  # a fix brought in a character this file's encoding cannot hold
            else:
                Path(path).write_bytes(encoded)
        fixed += applied
        index.update(path, None)
    return fixed
