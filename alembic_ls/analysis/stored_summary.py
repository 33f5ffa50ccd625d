"""Revision summaries as bytes, and back: the form both the disk cache and worker processes use.

Pickling goes through a dispatch table that rebuilds each frozen dataclass with one constructor
call; the default for slotted dataclasses calls `dataclasses.fields()` per object and is about
ten times slower. A summary comes back as a `StoredRevisionFile`: path and graph fields set at
once, everything else unpickled the first time it is read, so a graph over a thousand files is
ready before the 400-odd objects of each summary exist. The index builds the same lazy summaries
from the identifiers alone (`identifiers.scan_graph_fields`); those analyse their file on first
read instead of unpickling.
"""

from __future__ import annotations

import contextlib
import copyreg
import dataclasses
import enum
import io
import operator
import pickle
from collections.abc import Callable
from typing import Any, Protocol

from alembic_ls.analysis import revision_file
from alembic_ls.analysis.collector import collector_paused
from alembic_ls.analysis.identifiers import GraphFields
from alembic_ls.analysis.parser import read_revision_file
from alembic_ls.analysis.revision_file import RevisionFile


def _dispatch_table() -> dict[type, Callable[[Any], Any]]:
    table: dict[type, Callable[[Any], Any]] = dict(copyreg.dispatch_table)
    for value in vars(revision_file).values():
        if not isinstance(value, type) or value.__module__ != revision_file.__name__:
            continue
        if issubclass(value, enum.Enum):
            table[value] = _reduce_enum
        elif dataclasses.is_dataclass(value):
            fields = dataclasses.fields(value)
            if all(f.init and f.kw_only is not True for f in fields):
                table[value] = _positional_reducer(value, [f.name for f in fields])
    return table


def _positional_reducer(cls: type, names: list[str]) -> Callable[[Any], Any]:
    if len(names) == 1:
        name = names[0]
        return lambda obj: (cls, (getattr(obj, name),))
    get_all = operator.attrgetter(*names)
    return lambda obj: (cls, get_all(obj))


def _reduce_enum(member: enum.Enum) -> tuple[object, tuple[object, ...]]:
    return getattr, (type(member), member.name)


DISPATCH = _dispatch_table()


def dumps(obj: object) -> bytes:
    """Pickle with the fast reducers (plain `pickle.loads` reads the result)."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = DISPATCH
    pickler.dump(obj)
    return buffer.getvalue()


_FIELDS = tuple(f.name for f in dataclasses.fields(RevisionFile))


class _Table(Protocol):
    lost: bool  # read, and found not to hold what it should (missing, or from another save)

    def get(self, key: str) -> bytes | None: ...


class StoredLater:
    """A summary's pickled bytes kept in a table that is read the first time any of them is needed
    (the index cache keeps the full analyses in files of their own: a check that reuses every
    cached finding never reads them). None when the table no longer holds them."""

    __slots__ = ("_key", "_table")

    def __init__(self, table: _Table, key: str) -> None:
        self._table = table
        self._key = key

    @property
    def table(self) -> _Table:
        return self._table

    def resolve(self) -> bytes | None:
        return self._table.get(self._key)

    @property
    def lost(self) -> bool:
        return self._table.lost


def _resolved(stored: bytes | StoredLater | None) -> bytes | None:
    return stored.resolve() if isinstance(stored, StoredLater) else stored


class StoredRevisionFile(RevisionFile):
    """A RevisionFile whose path and graph fields are set and whose other fields are filled the
    first time any of them is read: unpickled from `_stored`, or, when that is None, analysed from
    the file on disk (a summary the index built from the identifiers alone). Reads and writes
    behave as on a plain RevisionFile; only the moment the work happens differs."""

    __slots__ = ("_message", "_stored")
    _stored: bytes | StoredLater | None
    _message: str | None  # set when the cache knew it: read without filling anything

    @property
    def message(self) -> str | None:
        try:
            known: str | None = object.__getattribute__(self, "_message")
            return known
        except AttributeError:
            return super().message  # from the fields: filling them first if they are not yet

    def __getattr__(self, name: str) -> Any:
        # Python calls this only when normal lookup fails: here, for a slot not filled yet.
        if name not in _FIELDS:
            raise AttributeError(name)
        try:
            stored = object.__getattribute__(self, "_stored")
        except AttributeError:  # another thread filled every field a moment ago
            return object.__getattribute__(self, name)
        stored = _resolved(stored)
        with collector_paused():
            self.fill(pickle.loads(stored) if stored is not None else read_revision_file(self.path))
        return object.__getattribute__(self, name)

    @property
    def pending(self) -> bool:
        """Are the fields beyond path and graph fields still to be filled?"""
        try:
            object.__getattribute__(self, "_stored")
        except AttributeError:
            return False
        return True

    @property
    def unanalysed(self) -> bool:
        """Will filling the fields mean analysing the file (rather than unpickling)?"""
        return self.pending and self.stored_bytes is None

    @property
    def stored_bytes(self) -> bytes | None:
        """The pickled summary the fields will be filled from (None: from the file, or filled)."""
        try:
            stored: bytes | StoredLater | None = object.__getattribute__(self, "_stored")
        except AttributeError:
            return None
        return _resolved(stored)

    def fill(self, full: RevisionFile) -> None:
        """Take every field not set yet from `full` (a field set by a caller is kept)."""
        for field_name in _FIELDS:
            try:
                object.__getattribute__(self, field_name)
            except AttributeError:
                setattr(self, field_name, getattr(full, field_name))
        with contextlib.suppress(AttributeError):
            del self._stored  # every field is set: the bytes are garbage now

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RevisionFile):
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in _FIELDS)


# A lazy summary pickles as the plain RevisionFile it stands for (reading it fills every field).
DISPATCH[StoredRevisionFile] = DISPATCH[RevisionFile]


def restore(
    path: str, fields: GraphFields, stored: bytes | StoredLater | None, message: str | None = None
) -> StoredRevisionFile:
    """The summary pickled in `stored` (None: the file's own analysis, when first needed);
    `fields` are its graph fields, set right away, and so is `message` when `stored` is there
    (the message of the summary it holds)."""
    summary = StoredRevisionFile.__new__(StoredRevisionFile)
    summary.path = path
    summary.revision, summary.down_revision, summary.branch_labels, summary.depends_on = fields
    summary._stored = stored
    if stored is not None:
        summary._message = message
    return summary


def graph_fields(summary: RevisionFile) -> GraphFields:
    return (summary.revision, summary.down_revision, summary.branch_labels, summary.depends_on)
