"""What the editor's "Trace locks" recorded, per revision file, for as long as the file reads as it
did when traced: an edit makes the records stale (their lines no longer point at the same ops), and
they are then neither shown nor judged until the next trace."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

Record = Mapping[str, Any]


class Traces(Mapping[str, Sequence[Record]]):
    def __init__(self, text_of: Callable[[str], str | None]) -> None:
        self._text_of = text_of
        self._by_path: dict[str, tuple[str | None, list[Record]]] = {}

    def store(self, records: Sequence[Record], texts: Mapping[str, str | None]) -> list[str]:
        """Replace the records of the files traced (`texts`: each file's text when it was traced);
        the files whose records changed."""
        grouped: dict[str, list[Record]] = {os.path.realpath(path): [] for path in texts}
        for record in records:
            grouped.setdefault(os.path.realpath(str(record["file"])), []).append(record)
        for path, found in grouped.items():
            text = next((t for p, t in texts.items() if os.path.realpath(p) == path), self._text_of(path))
            self._by_path[path] = (text, found)
        return sorted(grouped)

    def get(self, path: str, default: Sequence[Record] | None = None) -> Sequence[Record] | None:  # type: ignore[override]
        found = self._by_path.get(os.path.realpath(path))
        if found is None or not found[1] or self._text_of(path) != found[0]:
            return default
        return found[1]

    def __getitem__(self, path: str) -> Sequence[Record]:
        found = self.get(path)
        if found is None:
            raise KeyError(path)
        return found

    def __iter__(self) -> Iterator[str]:
        return (path for path in list(self._by_path) if self.get(path) is not None)

    def __len__(self) -> int:
        return sum(1 for _ in self)


def hint_label(record: Record) -> str:
    """`AccessExclusiveLock account · rewrite account · 3 ms`, as the CLI's text report says it."""
    if "not_traced" in record:
        return "not traced: runs outside a transaction"
    locks = (
        ", ".join(f"{lock['mode']} {lock['relation']}" for lock in record.get("locks") or ()) or "no new lock"
    )
    rewritten = record.get("rewritten") or ()
    rewrite = f" · rewrite {', '.join(rewritten)}" if rewritten else ""
    return f"{locks}{rewrite} · {float(record.get('ms', 0)):.0f} ms"
