"""The `baseline` setting: its three shapes, and which revisions it names for one project.

    baseline = "3f2a9c1d7e4b"                  one revision (the original form)
    baseline = ["3f2a9c1d7e4b", "9b8a7c6d5e4f"]  several heads of one history
    [tool.alembic-ls.baseline]                 per project, keyed by script location relative to
    "services/a/migrations" = ["3f2a9c1d7e4b"] the pyproject's folder (a value may be a string too)

A string or list applies to every project the settings reach; a project with no entry in the
table is checked in full. Each revision named, and everything before it, is left unchecked.
"""

from __future__ import annotations

import json
import os
import posixpath
from pathlib import Path

# str: the original single-revision form, kept as written so old settings compare equal.
BaselineSetting = str | tuple[str, ...] | dict[str, tuple[str, ...]]

SHAPES = "a revision id, a list of revision ids, or a table of script location = revision id(s)"


class BaselineError(ValueError):
    """A `baseline` value of the wrong shape; the message is a phrase to follow `where: `."""


def parse_baseline(value: object) -> BaselineSetting:
    """Validate a `baseline` value from TOML or an LSP client (JSON)."""
    if isinstance(value, dict):
        table: dict[str, tuple[str, ...]] = {}
        for raw_key, revisions in value.items():
            key = location_key(str(raw_key))
            if key in table:
                raise BaselineError(f"`baseline` names the script location {key!r} twice")
            table[key] = _revisions(revisions, f"`baseline.{toml_string(str(raw_key))}`")
        return table
    if isinstance(value, str):
        (revision,) = _revisions(value, "`baseline`")
        return revision
    return _revisions(value, "`baseline`")


def _revisions(value: object, name: str) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list | tuple) or not all(isinstance(v, str) and v.strip() for v in items):
        shape = SHAPES if name == "`baseline`" else "a revision id or a list of revision ids"
        raise BaselineError(f"{name} must be {shape}, got {value!r}")
    if not items:
        raise BaselineError(f"{name} is an empty list: name a revision, or remove the key")
    return tuple(dict.fromkeys(v.strip() for v in items))


def location_key(location: str) -> str:
    """A script location as the table keys spell it: `/` separators, no `./`, no trailing `/`."""
    return posixpath.normpath(location.replace("\\", "/"))


def relative_location(script_location: Path, root: Path) -> str:
    """The key of a project's entry: its script location relative to `root` (the pyproject's folder)."""
    try:
        relative = os.path.relpath(script_location, root)
    except ValueError:  # another drive on Windows: only the absolute path can name it
        return location_key(str(script_location))
    return location_key(relative)


def revisions_for(
    setting: BaselineSetting | None, script_location: Path, root: Path
) -> tuple[str, tuple[str, ...]]:
    """(the setting's name for messages, the revisions it names for the project at `script_location`)."""
    if setting is None:
        return "`baseline`", ()
    if isinstance(setting, str):
        return "`baseline`", (setting,)
    if isinstance(setting, tuple):
        return "`baseline`", setting
    relative = relative_location(script_location, root)
    for key in (relative, location_key(str(script_location))):
        if key in setting:
            return f"`baseline.{toml_string(key)}`", setting[key]
    return "`baseline`", ()


def toml_string(text: str) -> str:
    """`text` as a TOML basic string (for keys and values alembic-ls writes or names)."""
    # JSON's escapes are a subset of TOML's; DEL is the one character TOML wants escaped and JSON not.
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")
