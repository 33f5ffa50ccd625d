"""Results of a pure function of an immutable value, remembered by the value's identity.

Between two versions of an open document the parser hands back the very same op calls and
argument values for every statement the edit did not touch (alembic_ls.analysis.incremental), so
what the rules derive from them — the changes an op makes, the column an argument declares — is
derived once per value instead of once per keystroke. Identity, not equality: hashing a nested
frozen value costs about as much as deriving from it again. The table is bounded (a few MB): it
serves the ops of the documents being edited, not every op a full check of a big history reads.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

_K = TypeVar("_K")
_V = TypeVar("_V")


class IdentityMemo(Generic[_K, _V]):
    def __init__(self, compute: Callable[[_K], _V], limit: int = 20_000) -> None:
        self._compute = compute
        self._limit = limit
        # The value is kept with its result: while it is remembered its id cannot be reused.
        self._results: dict[int, tuple[_K, _V]] = {}

    def __call__(self, key: _K) -> _V:
        found = self._results.get(id(key))
        if found is not None and found[0] is key:
            return found[1]
        if len(self._results) >= self._limit:  # values of documents long gone: start over
            self._results.clear()
        result = self._compute(key)
        self._results[id(key)] = (key, result)
        return result
