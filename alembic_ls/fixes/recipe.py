"""Fix recipes: what a finding's fix will change, as a typed value the rule builds.

A recipe is a frozen dataclass with a `kind` (its name on the wire) and one method, `edits`, that
builds the text edits against the file's *current* text. The language server ships a recipe in
`Diagnostic.data` as `{"kind", "params"}` and rebuilds it from there when the user picks the fix:
`from_wire` is the one way back, and since the data comes from the client it checks every field's
type (a hand-made or stale payload is refused, never half-applied).

A new fix is one recipe class in its fix module, registered with `@recipe`; the rule that offers it
constructs it with typed fields.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from alembic_ls.fixes.edits import FixRefused

if TYPE_CHECKING:
    from alembic_ls.analysis.revision_file import RevisionFile
    from alembic_ls.fixes.edits import TextEdit

Json = dict[str, Any]  # a JSON object as the client sends it back: checked field by field


@dataclasses.dataclass(frozen=True)
class Recipe:
    kind: ClassVar[str]
    # A fix that runs a command instead of editing text (the server turns it into a command).
    runs_command: ClassVar[bool] = False

    def edits(self, rev: RevisionFile, lines: list[str]) -> list[TextEdit]:
        raise NotImplementedError

    def params(self) -> Json:
        """The fields as JSON (tuples become lists)."""
        return {f.name: _to_json(getattr(self, f.name)) for f in dataclasses.fields(self)}

    @classmethod
    def from_params(cls: type[R], params: Mapping[str, object]) -> R:
        hints = typing.get_type_hints(cls)
        values: dict[str, object] = {}
        for f in dataclasses.fields(cls):
            if f.name not in params:
                if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                    raise FixRefused(f"the {cls.kind} fix is missing `{f.name}`")
                continue
            values[f.name] = _conform(params[f.name], hints[f.name], f"{cls.kind}.{f.name}")
        return cls(**values)


R = TypeVar("R", bound=Recipe)
RECIPES: dict[str, type[Recipe]] = {}


def recipe(cls: type[R]) -> type[R]:
    """Register a recipe class under its kind."""
    if cls.kind in RECIPES:
        raise ValueError(f"two recipes of kind {cls.kind!r}")
    RECIPES[cls.kind] = cls
    return cls


def from_wire(kind: object, params: object) -> Recipe:
    """The recipe a client sent back (`Diagnostic.data["fix"]`), its fields checked."""
    cls = RECIPES.get(kind) if isinstance(kind, str) else None
    if cls is None:
        raise FixRefused(f"unknown fix {kind!r}")
    if not isinstance(params, Mapping):
        raise FixRefused(f"the {kind} fix's parameters are not an object")
    return cls.from_params(params)


def _is(value: object, hint: object) -> bool:
    if hint is int:  # True is an int to Python, not to a line number
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(hint, type) and isinstance(value, hint)


def _to_json(value: object) -> object:
    if isinstance(value, tuple | list):
        return [_to_json(item) for item in value]
    return value


def _conform(value: object, hint: object, where: str) -> object:
    """`value` as `hint` says (a JSON list becomes a tuple), or FixRefused."""
    origin = typing.get_origin(hint)
    if origin in (types.UnionType, typing.Union):
        for option in typing.get_args(hint):
            try:
                return _conform(value, option, where)
            except FixRefused:
                continue
        raise FixRefused(f"{where} is {value!r}, not a {hint}")
    if hint is type(None):
        if value is None:
            return None
    elif origin is tuple:
        item_hint = typing.get_args(hint)[0]
        if isinstance(value, list | tuple):
            return tuple(_conform(item, item_hint, where) for item in value)
    elif origin is dict or hint is dict:
        if isinstance(value, dict) and all(isinstance(key, str) for key in value):
            return value
    elif hint in (bool, int, str) and _is(value, hint):
        return value
    raise FixRefused(f"{where} is {value!r}, not a {getattr(hint, '__name__', hint)}")
