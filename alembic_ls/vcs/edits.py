"""AM105's evidence: which revision files that existed at the diff base were edited, and where."""

from __future__ import annotations

import os
from collections.abc import Iterable

from alembic_ls.analysis.source_text import decode_source, split_lines
from alembic_ls.vcs.diff_base import DiffBase


def edited_since_base(base: DiffBase, paths: Iterable[str]) -> dict[str, int]:
    """{path: first changed line (0-based)} for the files among `paths` that existed at the base and
    read differently now (line endings aside: a checkout's autocrlf is not an edit)."""
    edited: dict[str, int] = {}
    for path in paths:
        real = os.path.realpath(path)
        if real not in base.changed or real in base.added:
            continue
        before = base.text_at_base(real)
        try:
            with open(real, "rb") as handle:
                now = decode_source(handle.read())[0]
        except OSError:
            continue
        if before is None:
            continue
        line = first_changed_line(before, now)
        if line is not None:
            edited[path] = line
    return edited


def first_changed_line(before: str, after: str) -> int | None:
    """The first line (0-based) of `after` that differs from `before`; None when they read alike."""
    old, new = split_lines(before), split_lines(after)
    for number, (was, now) in enumerate(zip(old, new, strict=False)):
        if was.rstrip("\r") != now.rstrip("\r"):
            return number
    if len(old) == len(new):
        return None
    return min(len(old), len(new)) if len(new) > len(old) else max(len(new) - 1, 0)
