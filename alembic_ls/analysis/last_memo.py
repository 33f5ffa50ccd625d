"""A pure function of one immutable value, remembered for the last value it was asked about.

The rules check a revision one after another, and several of them ask the same question of it
(its parsed SQL, its upgrade timeline, the SQL actions on existing tables, its ops per function):
the first rule pays, the others read the answer. Only the last value is kept: a check moves on
to the next file and never comes back, so a bigger table would only hold memory. Identity, not
equality: a new version of a document is a new summary, however alike.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

_K = TypeVar("_K")
_V = TypeVar("_V")


class LastMemo(Generic[_K, _V]):
    __slots__ = ("_compute", "_last")

    def __init__(self, compute: Callable[[_K], _V]) -> None:
        self._compute = compute
        # One tuple, replaced whole: a reader on another thread sees an old pair or a new one.
        self._last: tuple[_K, _V] | None = None

    def __call__(self, key: _K) -> _V:
        last = self._last
        if last is not None and last[0] is key:
            return last[1]
        value = self._compute(key)
        self._last = (key, value)
        return value


class RecentByKey(Generic[_K, _V]):
    """What was built last for each of the last few keys (a file, a file's function), so the next
    version of an edited document can start from its own: `take` hands the value over, `keep`
    stores the new one and drops the key used longest ago beyond `size`. The documents being
    edited are few; a check of a whole history moves through them once."""

    __slots__ = ("_size", "_values")

    def __init__(self, size: int = 16) -> None:
        self._size = size
        self._values: dict[_K, _V] = {}

    def take(self, key: _K) -> _V | None:
        return self._values.pop(key, None)

    def keep(self, key: _K, value: _V) -> None:
        values = self._values
        values.pop(key, None)
        if len(values) >= self._size:
            del values[next(iter(values))]  # the one kept longest ago
        values[key] = value
