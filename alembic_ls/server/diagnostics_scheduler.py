"""Diagnostics: when to compute and publish them (findings_as_diagnostics: what they say).

Scheduling, per open document: an edit starts an analysis at once when none is running for that
document; edits that arrive while one runs are folded into a single re-run on the newest text when
it returns (a fixed debounce delay would put a floor under the edit-to-diagnostics latency the
benchmark measures, and coalescing already stops a burst of keystrokes from queueing a burst of
analyses). A result is published only if the document is still at the version it was computed
for and no other edit changed the project's graph meanwhile — an older result is never published.

Edits that change what other files' findings depend on (see `state.py`) queue a re-check of those
files; it runs in small chunks on the same analysis thread, so a keystroke never waits behind a
thousand files, and only files whose findings changed are re-published.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from lsprotocol import types

from alembic_ls.analysis.collector import BIG_TEXT, collector_paused, settle_after_opening
from alembic_ls.analysis.parse_workers import PARALLEL_MIN_FILES, SharedWorkers, worker_count
from alembic_ls.rules.base import Finding
from alembic_ls.server.findings_as_diagnostics import to_diagnostic
from alembic_ls.server.paths import uri_to_path
from alembic_ls.server.progress import progress_of
from alembic_ls.server.server import AlembicLanguageServer
from alembic_ls.workspace.state import Folder, ProjectState, newest_first

logger = logging.getLogger("alembic_ls.server")

# Files per analysis-thread job while re-checking a project: a keystroke's own analysis waits for
# at most one chunk (each file's first check includes its full analysis, ~2 ms).
RECHECK_CHUNK = 25
FIRST_CHUNK = 5
# Files to analyse before worker processes pay off in a language server, whose workers start from
# a fresh interpreter (forkserver: a threaded process cannot fork safely); and how many batches
# each worker hands over (~40 files each for 5,000 files on two CPUs: a short wait per batch).
AHEAD_MIN_FILES = 4 * PARALLEL_MIN_FILES
AHEAD_BATCHES = 60


@dataclass
class Publication:
    uri: str
    version: int | None
    diagnostics: list[types.Diagnostic]


class DiagnosticsEngine:
    def __init__(self, server: AlembicLanguageServer) -> None:
        self.server = server
        self._documents: dict[str, Any] = {}  # uri -> running analysis task
        # project -> paths waiting to be re-checked, in the order they should be (a dict as an ordered set)
        self._rechecks: dict[str, dict[str, None]] = {}
        self._recheck_tasks: dict[str, Any] = {}
        # Parse processes for first checks, kept while re-checks of several projects run.
        self._workers = SharedWorkers()
        self._reload_task: Any = None
        self._reload_again = False
        # Versions the client holds, readable from the analysis thread (plain dict reads).
        self.client_versions: dict[str, int] = {}
        # Opened documents whose first diagnostics are not out yet.
        self._opening: set[str] = set()
        # A first check has ended and the caches it filled are not written yet.
        self.caches_due = False

    # -- entry points (event loop) ------------------------------------------------------------

    async def load_workspace(self, folders: list[Folder]) -> None:
        """Index every project and publish what it finds; requests wait for the indexing."""
        server = self.server
        # The first check builds every summary: hundreds of thousands of long-lived objects and
        # no garbage. Resumed between its chunks, the collector walked the growing heap again at
        # each full pass (a third of the time of a 5,000-revision first check); it waits for the
        # end, where those objects are frozen out of its passes. (A reference cycle that became
        # garbage meanwhile is frozen with them, as one at the moment of any freeze would be.)
        with collector_paused():
            try:
                await self._load_and_check(folders)
            finally:
                # The summaries of a thousand revisions are hundreds of thousands of long-lived
                # objects; a full collection walking them costs ~0.4 s, and one falls due every few
                # dozen keystrokes. Frozen objects are skipped by the collector (still freed by
                # refcount).
                gc.freeze()
        # After the progress ends: every file is checked and published by now. Until written, a
        # shutdown writes them itself (lifecycle: it cancels whatever the analysis thread has queued).
        self.caches_due = True
        await server.analyse(server.state.save_caches)
        self.caches_due = False
        await server.notify_projects_changed(server.state.projects)

    async def _load_and_check(self, folders: list[Folder]) -> None:
        server = self.server
        began = time.perf_counter()
        before = {path for project in server.state.projects for path in project.published}
        # The indexing starts while the client creates the progress bar (a round trip away).
        loading = asyncio.ensure_future(server.analyse(lambda: server.state.load(folders)))
        async with progress_of(server, "indexing migrations") as progress:
            try:
                await loading
                server.report_problems()
                after = {path for project in server.state.projects for path in project.paths()}
                for gone in sorted(before - after):
                    self._publish(Publication(server.uri_for(gone), None, []))
            finally:
                server.ready.set()
            indexed = time.perf_counter()
            files = sum(len(p.paths()) for p in server.state.projects)
            progress.report(f"checking {files} revision files")
            reused = 0
            for project in server.state.projects:
                # Newest first: what people are working on gets its diagnostics first.
                order = newest_first(project)
                cached = await server.analyse(partial(server.state.begin_first_check, project, order))
                await self._recheck_in_chunks(project.name, list(cached), cached)
                self.recheck(project, [path for path in order if path not in cached])
                reused += len(cached)
            for uri in list(self.client_versions):
                self.document_changed(uri)
            await self.rechecks_done()
            checked = time.perf_counter()
            projects = server.state.projects
            names = ", ".join(p.name for p in projects) if len(projects) <= 3 else f"{len(projects)} projects"
            logger.info(
                "alembic-ls: %d revision files in %s: indexed in %.2f s, checked in %.2f s%s",
                files,
                names,
                indexed - began,
                checked - indexed,
                f" ({reused} unchanged since the last start)" if reused else "",
            )

    async def rechecks_done(self) -> None:
        """Wait until every queued re-check has been published."""
        while True:
            running = [task for task in self._recheck_tasks.values() if not task.done()]
            if not running:
                return
            await asyncio.wait(running)

    def reload_workspace(self) -> None:
        """Re-discover and re-index every project (a configuration file changed)."""
        if self._reload_task is not None and not self._reload_task.done():
            self._reload_again = True
            return

        async def run() -> None:
            await self.server.ready.wait()
            while True:
                self._reload_again = False
                await self.load_workspace(self.server.workspace_folders())
                if not self._reload_again:
                    return

        self._reload_task = self.server.spawn(run(), "re-indexing the workspace")

    def refresh_settings(self) -> None:
        """Settings changed: re-check everything under the new settings."""

        async def run() -> None:
            await self.server.ready.wait()
            await self.server.analyse(self.server.state.refresh_settings)
            self.server.report_problems()
            for project in self.server.state.projects:
                self.recheck(project, [*project.paths(), *project.published])
            for uri in list(self.client_versions):
                self.document_changed(uri)

        self.server.spawn(run(), "applying new settings")

    def document_opened(self, uri: str, version: int) -> None:
        path = uri_to_path(uri)
        if path is not None:
            self.server.open_uris[path] = uri
        self.client_versions[uri] = version
        self._opening.add(uri)
        self.document_changed(uri)

    def document_changed(self, uri: str) -> None:
        document = self.server.open_document(uri)
        if document is None:
            return
        if document.version is not None:
            self.client_versions[uri] = document.version
        task = self._documents.get(uri)
        if task is None or task.done():
            self._documents[uri] = self.server.spawn(self._analyse_document(uri), f"analysing {uri}")
        # Otherwise the running analysis sees the newer version when it returns and runs again.

    def document_closed(self, uri: str) -> None:
        self.client_versions.pop(uri, None)
        self._opening.discard(uri)
        path = uri_to_path(uri)
        if path is None:
            return
        self.server.open_uris.pop(path, None)
        self.server.spawn(self._reload_from_disk(path, uri), f"closing {uri}")

    def file_changed_on_disk(self, path: str) -> None:
        """A watched revision file was created, changed or deleted outside the editor."""
        if path in self.server.open_uris:
            return  # the editor's text is what counts while the file is open
        self.server.spawn(self._reload_from_disk(path, None), f"re-reading {path}")

    def recheck(self, project: ProjectState, paths: Iterable[str]) -> None:
        pending = self._rechecks.setdefault(project.name, {})
        pending.update(dict.fromkeys(paths))
        task = self._recheck_tasks.get(project.name)
        if task is None or task.done():
            self._recheck_tasks[project.name] = self.server.spawn(
                self._run_rechecks(project.name), f"re-checking {project.name}"
            )

    # -- work ---------------------------------------------------------------------------------

    async def _analyse_document(self, uri: str) -> None:
        server = self.server
        await server.ready.wait()
        path = uri_to_path(uri)
        if path is None:
            return
        while True:
            document = server.open_document(uri)
            if document is None:
                return
            version, text = document.version, document.source
            if len(text) >= BIG_TEXT:
                # Its analysis first, on the parse thread: meanwhile the analysis thread answers
                # requests on other documents; its rules run once it is done.
                elsewhere = server.state.analyse_elsewhere(path, version, text, server.parse_pool)
                with contextlib.suppress(Exception):  # failed: the job below analyses it itself
                    await asyncio.wrap_future(elsewhere)

            def job(version: int | None = version, text: str = text) -> tuple[Any, Publication | None]:
                # Parsing builds tens of thousands of objects and frees them by reference count;
                # collector passes in between would add ~10% to every keystroke's latency.
                with collector_paused():
                    outcome = server.state.analyse_document(path, version, text)
                if outcome is None:
                    return None, None
                publication = None
                if outcome.findings is not None:
                    outcome.project.published[path] = outcome.findings
                    publication = self._publication(path, version, outcome.findings)
                elif outcome.project.published.pop(path, None) is not None:
                    publication = Publication(uri, version, [])
                return outcome, publication

            outcome, publication = await server.analyse(job)
            if outcome is not None and outcome.affected:
                self.recheck(outcome.project, outcome.affected)
            current = server.open_document(uri)
            if current is None:
                return  # closed meanwhile: closing re-reads the file and publishes
            if current.version != version:
                continue
            if outcome is not None and outcome.project.generation != outcome.generation:
                continue  # another edit changed the graph under this result
            if publication is not None:
                self._publish(publication)
            if uri in self._opening:
                self._opening.discard(uri)
                if outcome is not None:  # it belongs to a project: its analysis built a summary
                    settle_after_opening()
            if outcome is not None and outcome.affected:
                await server.notify_projects_changed([outcome.project])
            return

    async def _reload_from_disk(self, path: str, closed_uri: str | None) -> None:
        server = self.server
        await server.ready.wait()

        def job() -> tuple[Any, Publication | None]:
            outcome = server.state.analyse_document(path, None, None)
            if outcome is None:
                return None, Publication(closed_uri, None, []) if closed_uri else None
            project = outcome.project
            if outcome.findings is None or not project.client.diagnose_closed_files:
                had = project.published.pop(path, None) is not None
                return outcome, Publication(server.uri_for(path), None, []) if had or closed_uri else None
            project.published[path] = outcome.findings
            return outcome, self._publication(path, None, outcome.findings)

        outcome, publication = await server.analyse(job)
        if publication is not None and path not in server.open_uris:
            self._publish(publication)
        if outcome is not None and outcome.affected:
            self.recheck(outcome.project, outcome.affected)
            await server.notify_projects_changed([outcome.project])

    async def _run_rechecks(self, project_name: str) -> None:
        server = self.server
        await server.ready.wait()
        while self._rechecks.get(project_name):
            paths = list(self._rechecks.pop(project_name))
            # A small first chunk: the newest files' diagnostics should not wait for 25.
            await self._recheck_in_chunks(project_name, paths[:FIRST_CHUNK])
            rest = paths[FIRST_CHUNK:]
            ahead = await server.analyse(partial(self._analysed_ahead, project_name, rest))
            while (ready := await server.analyse(partial(next, ahead, None))) is not None:
                await self._recheck_in_chunks(project_name, ready)
        others = [t for name, t in self._recheck_tasks.items() if name != project_name and not t.done()]
        if self._workers.running and not others:
            await server.analyse(self._workers.close)  # idle worker processes would hold memory

    async def _recheck_in_chunks(
        self, project_name: str, paths: list[str], known: Mapping[str, list[Finding]] | None = None
    ) -> None:
        for start in range(0, len(paths), RECHECK_CHUNK):
            chunk = paths[start : start + RECHECK_CHUNK]
            publications = await self.server.analyse(partial(self._recheck_job, project_name, chunk, known))
            for publication in publications:
                self._publish(publication)

    def _analysed_ahead(self, project_name: str, paths: list[str]) -> Iterator[list[str]]:
        """Analysis thread: `paths` in runs whose files are analysed, in order. Files no cache holds,
        when there are many (a first start), are parsed by worker processes, as `check` does, while
        this thread checks the runs already parsed; each run waits for one small batch at most (the
        first also for the files its rules read after it), so a keystroke's analysis never waits
        long behind it. Otherwise one run: each file's check analyses it (a chunk at a time)."""
        state = next((p for p in self.server.state.projects if p.name == project_name), None)
        if state is None or state.index.unanalysed_count(paths) < AHEAD_MIN_FILES or worker_count() < 2:
            return iter([paths])
        batches = state.index.analyse_in_batches(
            paths, batches_per_worker=AHEAD_BATCHES, shared=self._workers
        )
        return _covering(paths, batches)

    def _recheck_job(
        self, project_name: str, paths: list[str], known: Mapping[str, list[Finding]] | None = None
    ) -> list[Publication]:
        """Analysis thread: re-check files (`known`: their findings, from the findings cache) and
        return those whose findings changed."""
        with collector_paused():  # first checks fill summaries: long-lived objects, no garbage
            return self._recheck(project_name, paths, known)

    def _recheck(
        self, project_name: str, paths: list[str], known: Mapping[str, list[Finding]] | None = None
    ) -> list[Publication]:
        state = self.server.state
        project = next((p for p in state.projects if p.name == project_name), None)
        if project is None:
            return []
        publications: list[Publication] = []
        for path in paths:
            uri = self.server.uri_for(path)
            document = state.documents.get(path)
            is_open = path in self.server.open_uris
            if is_open and (document is None or self.client_versions.get(uri) != document[0]):
                continue  # a newer edit is on its way; its own analysis publishes
            findings = known[path] if known is not None else state.check(project, path)
            if findings is None or not (is_open or project.client.diagnose_closed_files):
                if project.published.pop(path, None) is not None:
                    publications.append(Publication(uri, document[0] if document else None, []))
                continue
            if project.published.get(path, []) == findings and path in project.published:
                continue
            if not findings and path not in project.published and not is_open:
                project.published[path] = findings
                continue  # nothing was ever shown for it: no need to say "nothing"
            project.published[path] = findings
            publications.append(self._publication(path, document[0] if document else None, findings))
        return publications

    def _publication(self, path: str, version: int | None, findings: list[Finding]) -> Publication:
        """Analysis thread: convert findings with the text they were computed on."""
        state = self.server.state
        lines_cache: dict[str, list[str]] = {}

        def lines_of(other: str) -> list[str]:
            if other not in lines_cache:
                lines_cache[other] = state.lines_of(other)
            return lines_cache[other]

        encoding = self.server.encoding
        lines = lines_of(path) if findings else []
        diagnostics = [to_diagnostic(f, lines, encoding, lines_of, self.server.uri_for) for f in findings]
        return Publication(self.server.uri_for(path), version, diagnostics)

    def _publish(self, publication: Publication) -> None:
        self.server.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(
                uri=publication.uri, diagnostics=publication.diagnostics, version=publication.version
            )
        )


def register(server: AlembicLanguageServer) -> None:
    engine = server.session.diagnostics

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(params: types.DidOpenTextDocumentParams) -> None:
        engine.document_opened(params.text_document.uri, params.text_document.version)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(params: types.DidChangeTextDocumentParams) -> None:
        engine.document_changed(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(params: types.DidSaveTextDocumentParams) -> None:
        engine.document_changed(params.text_document.uri)
        try:  # a saved model file -> the drift check
            server.session.agents.document_saved(params.text_document.uri)
        except Exception:
            logger.exception("the drift check on save failed")

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(params: types.DidCloseTextDocumentParams) -> None:
        engine.document_closed(params.text_document.uri)


def _covering(paths: list[str], ready_runs: Iterator[list[str]]) -> Iterator[list[str]]:
    """Every one of `paths`, in order, in runs that end where each run of `ready_runs` (analysed
    summaries, in the same order, without the paths no longer in the index) ends."""
    position = {path: at for at, path in enumerate(paths)}
    start = 0
    for ready in ready_runs:
        if ready:
            end = position[ready[-1]] + 1
            if end > start:
                yield paths[start:end]
                start = end
    if start < len(paths):
        yield paths[start:]
