"""AM105 in the editor: the revision files the team already has (at the git base: where this
checkout left the default branch, see alembic_ls.git_base) whose text the editor now holds
differently, with the first line that differs.

Asked per file when its rules run, from the text the editor holds at that moment (unsaved edits
count). What the base holds is read once — one `git ls-tree` for the version folders — and looked
up by blob id: the editor's text hashed as git hashes a file says "unchanged" without reading the
base; only a file that differs has its base text read (once). The base is read again after
REFRESH_S, so a commit, pull or checkout is seen soon without a git call per keystroke.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

from alembic_ls.git_base import GitFailed, base_ref, blob_text, blobs_at, repository_top
from alembic_ls.vcs.edits import first_changed_line

REFRESH_S = 30.0


class EditsSinceBase(Mapping[str, int]):
    def __init__(self, top: Path, folders: Sequence[Path], text_of: Callable[[str], str | None]) -> None:
        self._top, self._folders, self._text_of = top, folders, text_of
        self.ref: str | None = None
        self._commit: str | None = None
        self._blobs: dict[str, str] = {}
        self._texts: dict[str, str | None] = {}  # blob id -> its text, read when first needed
        self._read_at = float("-inf")

    @classmethod
    def for_folders(
        cls, folders: Sequence[Path], text_of: Callable[[str], str | None]
    ) -> EditsSinceBase | None:
        """None when the folders are not in a git repository (nothing to compare with)."""
        existing = [f for f in folders if f.is_dir()]
        top = repository_top(existing[0]) if existing else None
        if top is None:
            return None
        edits = cls(top, existing, text_of)
        edits._refresh()  # the base's name is in the messages from the first check on
        return edits

    @property
    def commit(self) -> str | None:
        """The base's commit as last read (None: no base); what the findings' AM105 compared with."""
        return self._commit

    def _refresh(self) -> None:
        if time.monotonic() - self._read_at < REFRESH_S:
            return
        self._read_at = time.monotonic()
        try:
            found = base_ref(self._top)
            self._blobs = blobs_at(self._top, found[1], self._folders) if found else {}
        except GitFailed:
            found, self._blobs = None, {}
        self.ref, self._commit = (found[0], found[1]) if found else (None, None)

    def get(self, path: str, default: int | None = None) -> int | None:  # type: ignore[override]
        self._refresh()
        blob = self._blobs.get(os.path.realpath(path))
        if blob is None:
            return default  # new since the base: the author's own to finish
        text = self._text_of(path)
        if text is None or _blob_id(text) == blob:
            return default
        if blob not in self._texts:
            self._texts[blob] = blob_text(self._top, blob)
        before = self._texts[blob]
        line = first_changed_line(before, text) if before is not None else None
        return default if line is None else line

    def __getitem__(self, path: str) -> int:
        line = self.get(path)
        if line is None:
            raise KeyError(path)
        return line

    def __iter__(self) -> Iterator[str]:
        self._refresh()
        return (path for path in list(self._blobs) if self.get(path) is not None)

    def __len__(self) -> int:
        return sum(1 for _ in self)


def _blob_id(text: str) -> str:
    data = text.encode("utf-8")
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()
