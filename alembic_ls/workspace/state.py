"""What the server knows about the workspace: projects, their indexes, settings and last findings.

Nothing here speaks LSP. Every method runs on the server's single analysis thread, one at a time,
so the indexes are never read half-updated; the event loop only ever sees the results.

Incremental checking: an edit re-checks the edited file. Other files are re-checked only when the
edit changed facts their findings can depend on — the revision graph (ids, parents, labels,
dependencies) affects every file of the project; the file's operations affect its descendants
(schema history rules look at what earlier revisions did).
"""

from __future__ import annotations

import contextlib
import operator
import threading
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field, replace
from pathlib import Path

from alembic_ls.analysis.collector import collector_paused, keep_out_of_collections
from alembic_ls.analysis.incremental import IncrementalParser
from alembic_ls.analysis.index import IndexCache, ProjectIndex
from alembic_ls.analysis.op_args import table_of
from alembic_ls.analysis.parser import parse_revision
from alembic_ls.analysis.revision_file import RevisionFile
from alembic_ls.analysis.source_text import read_text, split_lines
from alembic_ls.checker import Checker
from alembic_ls.project import Project, discover_projects, project_for_path
from alembic_ls.rules.base import Finding
from alembic_ls.settings import ConfigError, Settings
from alembic_ls.vcs.git_process import refuse_git_in
from alembic_ls.vcs.live_edits import EditsSinceBase
from alembic_ls.wording import CLI, Wording
from alembic_ls.workspace.client_settings import ClientSettings, effective_settings
from alembic_ls.workspace.first_check import FirstCheck
from alembic_ls.workspace.traces import Traces

GraphFacts = tuple[object, ...]


@dataclass
class ProjectState:
    project: Project
    index: ProjectIndex
    client: ClientSettings
    settings: Settings
    checker: Checker
    folder: str | None  # the workspace folder URI the project belongs to
    # Bumped whenever an edit changes facts other files' findings depend on; a result computed
    # against an older generation may be stale for reasons outside its own document.
    generation: int = 0
    published: dict[str, list[Finding]] = field(default_factory=dict)
    # The database's current revisions as the agent last read them (None: unknown, or no database yet).
    database: tuple[str, ...] | None = None
    # From indexing to the end of the first check: the findings cache it reads and writes.
    first_check: FirstCheck | None = None

    @property
    def name(self) -> str:
        return str(self.project.script_location)

    def paths(self) -> list[str]:
        return [*self.index.files, *self.index.stray]


@dataclass
class DocumentOutcome:
    project: ProjectState
    findings: list[Finding] | None  # None: the file is not a revision file of the project
    generation: int
    affected: list[str]  # other files of the project to re-check


@dataclass
class Folder:
    uri: str | None
    path: Path


class WorkspaceState:
    def __init__(self, cache: IndexCache) -> None:
        self.cache = cache
        self.folders: list[Folder] = []
        self.projects: list[ProjectState] = []
        # path -> (version, text) of open documents, as last handed to the index.
        self.documents: dict[str, tuple[int | None, str]] = {}
        # Per project (script location): what its revisions were at the git base (AM105), or None.
        self._edits: dict[Path, EditsSinceBase | None] = {}
        # Per project (script location): what the editor's "Trace locks" recorded (AM704, AM705).
        self.traces: dict[Path, Traces] = {}
        # path -> the parser that re-parses only what each edit of an open document touched.
        self.parsers: dict[str, IncrementalParser] = {}
        # path -> (version, text, summary) of an open document's version analysed before the index
        # took it (a request that came first): the index takes this summary, never a second parse.
        self.ahead: dict[str, tuple[int | None, str, RevisionFile]] = {}
        # path -> the analysis of a big document running on the parse thread (`analyse_elsewhere`);
        # `ahead` and this are shared with that thread, under the lock.
        self.elsewhere: dict[str, Future[None]] = {}
        self._ahead_lock = threading.Lock()
        self.settings_for: Callable[[str | None], ClientSettings] = lambda _folder: ClientSettings()
        self.problems: list[str] = []  # configuration problems found since the caller last looked

    # -- loading ------------------------------------------------------------------------------

    def load(self, folders: Iterable[Folder]) -> None:
        """Discover and index every project under the folders (replacing what was there)."""
        self.folders = list(folders)
        self._refuse_git_where_untrusted()
        previous = {state.project.script_location: state for state in self.projects}
        found: dict[Path, ProjectState] = {}
        for folder in self.folders:
            projects, errors = discover_projects([folder.path])
            self.problems.extend(errors)
            for project in projects:
                if not project.script_location.is_dir():  # a typo here: alembic stops at "Path doesn't exist"
                    self.problems.append(
                        f"{project.config_file or project.root}: script_location {project.script_location} "
                        "is not a folder, so Alembic cannot load this project; correct script_location"
                    )
                if project.script_location not in found:
                    old = previous.get(project.script_location)
                    state = self._project_state(project, folder.uri, old.database if old else None)
                    if old is not None:  # what the client shows, so a finding that went away is cleared
                        state.published = old.published
                    found[project.script_location] = state
        self.projects = sorted(found.values(), key=lambda p: p.name)

    def adopt(self, path: str) -> ProjectState | None:
        """The project of a file opened outside every workspace folder (single-file mode).

        Inside a folder, discovery has already found every project; looking again on each
        keystroke in, say, a model file would only re-read the same configuration files.
        """
        candidate = Path(path)
        if any(folder.path == candidate or folder.path in candidate.parents for folder in self.folders):
            return None
        project = project_for_path(candidate)
        if project is None or any(
            p.project.script_location == project.script_location for p in self.projects
        ):
            return None
        state = self._project_state(project, None)
        self.projects.append(state)
        self._refuse_git_where_untrusted()
        return state

    def _refuse_git_where_untrusted(self) -> None:
        """AM105 and the rebase fix ask git what the team already has; a repository's own
        configuration can name programs for git to run, so git never runs in a folder (or for a
        file opened alone) the editor has not trusted (alembic_ls.git_base refuses it there)."""
        untrusted = [folder.path for folder in self.folders if not self.settings_for(folder.uri).trusted]
        untrusted += [p.project.root for p in self.projects if p.folder is None and not p.client.trusted]
        refuse_git_in(untrusted)

    def _project_state(
        self, project: Project, folder: str | None, database: tuple[str, ...] | None = None
    ) -> ProjectState:
        client = self.settings_for(folder)
        settings = effective_settings(project.root, client, self.problems, self._folder_path(folder))
        index = ProjectIndex.build(project, self.cache, save=False)  # saved once all is checked
        for path, (_version, text) in self.documents.items():
            if _may_belong(project, path):
                index.update(path, text)
        # AM105: git runs only in a trusted workspace (a repository's own config can name programs).
        edits = (
            EditsSinceBase.for_folders(project.version_locations, self.text_of) if client.trusted else None
        )
        self._edits[project.script_location] = edits
        checker = self._checker(index, settings, database, client.wording)
        return ProjectState(project, index, client, settings, checker, folder, database=database)

    def _folder_path(self, uri: str | None) -> Path | None:
        return next((f.path for f in self.folders if uri is not None and f.uri == uri), None)

    def _checker(
        self,
        index: ProjectIndex,
        settings: Settings,
        database: tuple[str, ...] | None = None,
        wording: Wording = CLI,
    ) -> Checker:
        edits = self._edits.get(index.project.script_location)
        base = edits.ref if edits is not None else None
        traced = self.traces.setdefault(index.project.script_location, Traces(self.text_of))
        try:
            return Checker(index, settings, database, wording, edits, base, traced)
        except ConfigError as exc:  # e.g. a baseline naming a revision that is not there
            self.problems.append(str(exc))
            return Checker(index, replace(settings, baseline=None), database, wording, edits, base, traced)

    def set_database(self, state: ProjectState, current: tuple[str, ...] | None) -> list[str]:
        """The agent read the database's position: the files whose AM602 findings may have changed."""
        if state.database == current:
            return []
        before = _unapplied(state)
        state.database = current
        state.checker = self._checker(state.index, state.settings, current, state.client.wording)
        state.generation += 1
        # Every file flagged before or now: a finding that stays names the database's position, which moved.
        return sorted(before | _unapplied(state))

    def refresh_settings(self) -> None:
        """Re-read pyproject and client settings for every project (no re-indexing)."""
        for state in self.projects:
            state.client = self.settings_for(state.folder)
            state.settings = effective_settings(
                state.project.root, state.client, self.problems, self._folder_path(state.folder)
            )
            state.checker = self._checker(state.index, state.settings, state.database, state.client.wording)
            state.generation += 1
        self._refuse_git_where_untrusted()

    # -- lookups ------------------------------------------------------------------------------

    def project_for(self, path: str) -> ProjectState | None:
        candidates = [p for p in self.projects if path in p.index.files or path in p.index.stray]
        if not candidates:
            candidates = [p for p in self.projects if _may_belong(p.project, path)]
        if not candidates:
            return None
        return max(candidates, key=lambda p: len(p.name))

    def revision(self, path: str) -> RevisionFile | None:
        state = self.project_for(path)
        return state.index.get(path) if state else None

    def lines_of(self, path: str) -> list[str]:
        """The text the index holds for `path`: the open document's, else the file on disk."""
        document = self.documents.get(path)
        if document is not None:
            return split_lines(document[1])
        return split_lines(read_text(path) or "")

    def summary_of(self, state: ProjectState, path: str, version: int | None, text: str) -> RevisionFile:
        """The analysis of one version of a document, made once whoever asks first.

        The index's summary when it holds this very version (the diagnostics of that version made
        it); else the one a request made for it ahead of the index; else analysed now and kept
        until the index takes it (`analyse_document`), so diagnostics and every request on one
        version share one analysis.
        """
        held = self.documents.get(path)
        indexed = state.index.get(path)
        if indexed is not None and (held == (version, text) or (held is None and version is None)):
            return indexed
        self._await_elsewhere(path)
        with self._ahead_lock:
            ahead = self.ahead.get(path)
        if ahead is not None and ahead[0] == version and ahead[1] == text:
            return ahead[2]
        if version is None:  # not an open document: nothing to keep it for
            return parse_revision(path, text)
        summary = self._analyse(path, text, self.parsers.setdefault(path, IncrementalParser()))
        with self._ahead_lock:
            self.ahead[path] = (version, text, summary)
        return summary

    def analyse_elsewhere(self, path: str, version: int | None, text: str, pool: Executor) -> Future[None]:
        """Start the analysis of a big document's version on `pool` (the parse thread), for the
        analysis thread to take once done: meanwhile it answers requests on other documents.

        Called from the event loop, between this document's analyses (never during one); a
        request on this document waits for it (`summary_of`), so its parser is used by one
        thread at a time.
        """
        parser = self.parsers.setdefault(path, IncrementalParser())

        def run() -> None:
            summary = self._analyse(path, text, parser)
            with self._ahead_lock:
                self.ahead[path] = (version, text, summary)

        with self._ahead_lock:
            future = self.elsewhere[path] = pool.submit(run)
        return future

    def _await_elsewhere(self, path: str) -> None:
        with self._ahead_lock:
            future = self.elsewhere.get(path)
        if future is None:
            return
        with contextlib.suppress(Exception):  # it failed: whoever needs the analysis makes it
            future.result()
        with self._ahead_lock:
            if self.elsewhere.get(path) is future:
                del self.elsewhere[path]

    @staticmethod
    def _analyse(path: str, text: str, parser: IncrementalParser) -> RevisionFile:
        with collector_paused():
            summary = parse_revision(path, text, parser)
        keep_out_of_collections(len(text))
        return summary

    def text_of(self, path: str) -> str | None:
        document = self.documents.get(path)
        return document[1] if document is not None else read_text(path)

    # -- checking -----------------------------------------------------------------------------

    def begin_first_check(self, state: ProjectState, paths: list[str]) -> dict[str, list[Finding]]:
        """Start the project's first check: the findings of `paths` its cache still holds (the
        rest is checked, and written to the cache, as `check` is asked for each)."""
        documents = {path: text for path, (_version, text) in self.documents.items()}
        edits = self._edits.get(state.project.script_location)
        state.first_check = FirstCheck.begin(
            self.cache.directory, state.index, state.checker, state.settings, state.client, edits, documents
        )
        return state.first_check.reusable(paths) if state.first_check is not None else {}

    def check(self, state: ProjectState, path: str) -> list[Finding] | None:
        rev = state.index.get(path)
        if rev is None:
            return None
        if state.first_check is not None:
            return state.first_check.check(state.checker, rev)
        return state.checker.check_file(rev)

    def save_caches(self) -> None:
        """End the first checks: keep their findings, and the full analyses made since indexing,
        for the next start (see FirstCheck, ProjectIndex.save_cache)."""
        for state in self.projects:
            if state.first_check is not None:
                state.first_check.finish()
                state.first_check = None
            state.index.save_cache()

    def analyse_document(self, path: str, version: int | None, text: str | None) -> DocumentOutcome | None:
        """Hand a document's text to its project's index (None: re-read the file from disk)."""
        self._await_elsewhere(path)
        with self._ahead_lock:
            ahead = self.ahead.get(path)
            stale = ahead is not None and (
                text is None or version is None or ahead[0] is None or ahead[0] <= version
            )
            if stale:
                del self.ahead[path]  # taken, or older than what the index now holds
        parsed = ahead[2] if ahead is not None and text is not None and ahead[:2] == (version, text) else None
        if text is None:
            self.documents.pop(path, None)
            self.parsers.pop(path, None)
        else:
            self.documents[path] = (version, text)
        state = self.project_for(path) or (self.adopt(path) if text is not None else None)
        if state is None:
            return None
        if state.first_check is not None and text is not None:
            state.first_check.saw_document(path, text)
        before = state.index.get(path)
        before_loaded = state.index.is_loaded(path)
        incremental = self.parsers.setdefault(path, IncrementalParser()) if text is not None else None
        after = _update(state.index, path, text, before, before_loaded, incremental, parsed)
        if after is None:
            state.index.forget(path)  # it stopped being a revision file
        affected: list[str] = []
        if _graph_facts(before, before_loaded) != _graph_facts(after, state.index.is_loaded(path)):
            state.checker = self._checker(state.index, state.settings, state.database, state.client.wording)
            state.generation += 1
            # Every file of the project, and those that just left it (their findings must go).
            affected = [p for p in {*state.paths(), *state.published} if p != path]
        elif after is not None and after.revision_id is not None:
            rid = after.revision_id
            # Descendants first: comparing the ops of a big file is the dearer question.
            descendants = (
                state.index.graph.descendants(rid) if state.index.graph.revisions.get(rid) is after else ()
            )
            if descendants and not _same_history_facts(before, after):
                state.generation += 1
                affected = [
                    rev.path for d in descendants if (rev := state.index.graph.revisions.get(d)) is not None
                ]
        findings = state.checker.check_file(after) if after is not None else None
        if text is not None and parsed is None:
            keep_out_of_collections(len(text))
        return DocumentOutcome(state, findings, state.generation, sorted(set(affected)))


def newest_first(state: ProjectState) -> list[str]:
    """The project's files from the heads back to the bases (breadth first), then the rest."""
    graph = state.index.graph
    order: dict[str, None] = {}
    seen: set[str] = set()
    queue = deque(sorted(graph.heads))
    while queue:
        rid = queue.popleft()
        if rid in seen or rid not in graph.revisions:
            continue
        seen.add(rid)
        order[graph.revisions[rid].path] = None
        queue.extend(graph.parents(rid))
    order.update(dict.fromkeys(sorted(state.paths())))
    return list(order)


def _update(
    index: ProjectIndex,
    path: str,
    text: str | None,
    before: RevisionFile | None,
    loaded: bool,
    incremental: IncrementalParser | None,
    parsed: RevisionFile | None = None,
) -> RevisionFile | None:
    """`index.update(path, text)`, without rebuilding the graph when the edit left it as it was
    (`parsed`: the analysis of `text` a request already made).

    Rebuilding the graph of 1,000 revisions costs about a third of parsing a 500-line revision, on
    every keystroke. When the edited file stays a loaded revision with the same graph facts, the
    graph's structure (children, heads, labels, cycles, missing ids) is unchanged and only its two
    maps from ids to summaries need the new summary. Anything else takes the index's own path.
    """
    if text is None or before is None or not loaded:
        return index.update(path, text, incremental, parsed)
    after = parsed or parse_revision(path, text, incremental)
    if not after.is_revision:
        return index.update(path, text, incremental, after)
    if _graph_facts(before, True) != _graph_facts(after, True):
        return index.update(path, text, incremental, after)
    index.replace_summary(path, before, after)
    return after


def _unapplied(state: ProjectState) -> set[str]:
    applied = state.checker.context.applied_revisions()
    if applied is None:
        return set()
    return {
        rev.path
        for rev in state.index.revision_files()
        if rev.revision_id is not None and rev.revision_id not in applied
    }


def _may_belong(project: Project, path: str) -> bool:
    """Could `path` be one of the project's revision files (loaded or stray)?"""
    candidate = Path(path)
    return project.owns(candidate) or project.script_location in candidate.parents


def _graph_facts(rev: RevisionFile | None, loaded: bool) -> GraphFacts | None:
    if rev is None or not rev.is_revision:
        return None
    return (
        loaded,
        rev.revision_id,
        rev.parents,
        rev.down_revision.values if rev.down_revision else "absent",
        rev.labels,
        rev.dependencies,
        # Other files' findings point at this line (AM301/AM303 related information).
        rev.revision.span if rev.revision else None,
    )


def _same_history_facts(before: RevisionFile | None, after: RevisionFile | None) -> bool:
    # The parser hands back the same op objects for every statement an edit left alone.
    if (
        before is not None
        and after is not None
        and len(before.ops) == len(after.ops)
        and all(map(operator.is_, before.ops, after.ops))
    ):
        return True
    return _history_facts(before) == _history_facts(after)


def _history_facts(rev: RevisionFile | None) -> tuple[object, ...] | None:
    if rev is None:
        return None
    return tuple(
        (
            op.function,
            op.name,
            table_of(op),
            tuple(arg.source for arg in op.args),
            tuple((key, arg.source) for key, arg in op.kwargs),
        )
        for op in rev.ops
    )
