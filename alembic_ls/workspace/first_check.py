"""A project's first check in the language server, through the findings cache `check` keeps
(alembic_ls.findings_cache): on a start where nothing changed, every file's findings come back from
one pickle, no rule runs and no summary is unpickled (a file nobody opens never needs its own).

The server's findings differ from the CLI's (messages name the editor's actions; AM105 compares with
the git base; AM602 reads the database's position), so its cache is a file of its own, keyed by
those too. The findings of open documents are never taken from or written to it: the editor's
text is what they are about.

The server's analysis thread runs the first check in chunks, between the analyses of open
documents, so what the findings are computed from may move while it runs:
- an open document whose text is not its file's (unsaved edits) is what the rules read, while the
  facts name the file: the first check gives up (`abandoned`: nothing is written);
- a new graph (an edit or a file on disk changed ids or parents): the facts' values, each computed
  once, may describe the old one: given up too;
- a new checker (settings, or the database's position the agent read, both in the key): the files
  checked since are not recorded; the entries written before it still match the key.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from alembic_ls.analysis.index import ProjectIndex
from alembic_ls.analysis.read_facts import RecordingGraph
from alembic_ls.analysis.revision_file import RevisionFile
from alembic_ls.analysis.source_text import read_text
from alembic_ls.checker import Checker
from alembic_ls.findings_cache import CachedFile, FactValues, FindingsCache, project_key
from alembic_ls.rules.base import Finding
from alembic_ls.settings import Settings
from alembic_ls.vcs.live_edits import EditsSinceBase
from alembic_ls.workspace.client_settings import ClientSettings

FLAVOUR = "editor"


class FirstCheck:
    def __init__(self, index: ProjectIndex, checker: Checker, cache: FindingsCache, opened: dict[str, str]):
        self.index = index
        self.checker = checker
        self.cache = cache
        self.graph = index.graph  # what the facts are about
        self.values = FactValues(index, checker.context.shared_revisions)
        self.opened = opened  # open documents whose text is their file's: path -> text
        self._recorded: RecordingGraph | None = None
        self.abandoned = False
        self.reused = 0

    @classmethod
    def begin(
        cls,
        cache_dir: Path | None,
        index: ProjectIndex,
        checker: Checker,
        settings: Settings,
        client: ClientSettings,
        edits: EditsSinceBase | None,
        documents: Mapping[str, str],
    ) -> FirstCheck | None:
        """None where the cache cannot be used: no cache directory, a cycle in the graph (its effect
        on a history is not a fact), lock traces (not in the key), or an open document of the
        project with unsaved edits (`documents`: path -> text of every open document)."""
        if cache_dir is None or index.graph.cycles or checker.traced:
            return None
        opened: dict[str, str] = {}
        for path, text in documents.items():
            if index.get(path) is not None:
                if text != read_text(path):
                    return None
                opened[path] = text
        extra = (
            FLAVOUR,
            client.wording,
            checker.database,
            None if edits is None else (edits.ref, edits.commit),
        )
        key = project_key(index.project, repr(settings), checker.skipped, checker.context.dialect, extra)
        return cls(index, checker, FindingsCache(cache_dir, index.project, key, FLAVOUR), opened)

    def reusable(self, paths: Iterable[str]) -> dict[str, list[Finding]]:
        """The findings of `paths` (closed files) that the cache holds and still hold."""
        wanted = [path for path in paths if path not in self.opened]
        reused = self.cache.reusable(self.index, self.values, wanted)
        self.reused += len(reused)
        return {path: list(entry.findings) for path, entry in reused.items()}

    def check(self, checker: Checker, rev: RevisionFile) -> list[Finding]:
        """`checker`'s findings for `rev`, recorded and kept for the cache while that can be exact."""
        index = self.index
        if index.graph is not self.graph:
            self.abandoned = True
        if self.abandoned or checker is not self.checker or rev.path in self.opened:
            return checker.check_file(rev)
        if self._recorded is None:
            self._recorded = RecordingGraph(self.graph)
        index.graph = self._recorded
        try:
            entry = CachedFile.recorded(checker.check_file, rev, index.identity(rev.path))
        finally:
            index.graph = self.graph
        self.cache.store(rev.path, entry, self.values)
        return list(entry.findings)

    def saw_document(self, path: str, text: str) -> None:
        """An open document of the project was analysed with `text`."""
        if self.abandoned or self.opened.get(path) == text:
            return
        if text != read_text(path):
            self.abandoned = True
            return
        self.opened[path] = text
        # The graph's maps now hold the editor's summary of this file (the same text): the rules
        # read it through a recording graph made from them again.
        self._recorded = None

    def finish(self) -> None:
        if not self.abandoned:
            self.cache.save()
