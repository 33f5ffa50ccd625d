"""Starting the server, or `check`, without compiling the same generated methods again.

lsprotocol describes LSP in some 570 attrs classes, and attrs writes each class's `__init__`,
`__repr__`, `__eq__`... as source text and compiles it: about 560 `compile` calls at every server
start, 0.18 s of the 0.49 s that importing lsprotocol's types took (cProfile, 2026-12-06), the
largest single part of the time before the server can answer `initialize`. The dataclasses of
alembic-ls and of the standard library add 470 more (45 ms); `check` defines 353 of them, about
20 ms of a run that takes every finding from its cache (0.18 s on 1,000 revisions). For the same
library and the same Python the texts are the same at every start, so the code objects are kept
(marshal) in the cache directory, keyed by each text's file name, digest and `__future__` flags,
and the library evaluates the kept code instead of compiling the text again: the code is exactly
what compiling would give, since it was compiled from the same text, under the same name, with
the same flags.

Only while the command's own modules are imported (both hooks are undone after; see `entry`), one
file per command (each imports other classes, and a file holds what one start used), and only where
the library still has the hook this relies on: attrs' `_compile_and_eval(script, globs, locs,
filename)`, and dataclasses' calls of the built-in `exec`, which a module-level `exec` in
`dataclasses` answers first. Anywhere else, or with a cache file that cannot be read, the library
compiles as usual. The file holds the code of the last start that missed enough texts to be
worth writing (a frozen attrs class's `__hash__` carries a salt of its own process, so one text
misses at every start).
"""

from __future__ import annotations
import __future__

import builtins
import contextlib
import dataclasses
import hashlib
import importlib.util
import inspect
import linecache
import marshal
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from types import CodeType, ModuleType
from typing import Any

Key = tuple[str, bytes]  # the text's file name, and the digest of its flags and text

_ATTRS_PARAMETERS = ["script", "globs", "locs", "filename"]
_FUTURE_FLAGS = 0
for _feature in __future__.all_feature_names:
    _FUTURE_FLAGS |= getattr(__future__, _feature).compiler_flag
# Below this many misses, compiling them again at the next start is cheaper than rewriting the file.
REWRITE_AFTER_MISSES = 8


def cache_file(cache_dir: Path, command: str) -> Path:
    """Code objects are only valid for the Python that compiled them (its magic number)."""
    return cache_dir / "generated-code" / f"{command}-python-{importlib.util.MAGIC_NUMBER.hex()}.marshal"


class KeptCode:
    """The code objects read from one cache file, and those used since."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.kept = _load(path)
        self.used: dict[Key, CodeType] = {}
        self.hits = self.misses = 0

    def code(self, text: str, filename: str, flags: int) -> CodeType:
        digest = hashlib.blake2b(f"{flags:x}\n{text}".encode(), digest_size=16).digest()
        key = (filename, digest)
        code = self.kept.get(key)
        if code is None:
            code = compile(text, filename, "exec", flags=flags, dont_inherit=True)
            self.misses += 1
        else:
            self.hits += 1
        self.used[key] = code
        return code

    def save(self) -> None:
        if self.misses >= REWRITE_AFTER_MISSES:
            _save(self.path, self.used)


@contextlib.contextmanager
def generated_code_kept(cache_dir: Path, command: str, attrs: bool = True) -> Iterator[KeptCode]:
    """While the block runs (it imports the modules defining attrs classes and dataclasses),
    attrs and dataclasses take the code of each generated method from `cache_dir` when `command`
    compiled it there before. `attrs=False`: the block defines no attrs class, and attrs is not
    imported to be hooked (18 ms)."""
    kept = KeptCode(cache_file(cache_dir, command))
    with contextlib.ExitStack() as hooks:
        if attrs:
            hooks.enter_context(_attrs_hooked(kept))
        hooks.enter_context(_dataclasses_hooked(kept))
        yield kept
    kept.save()


@contextlib.contextmanager
def _attrs_hooked(kept: KeptCode) -> Iterator[None]:
    try:
        import attr._make as attrs_make
    except ImportError:
        yield
        return
    original = getattr(attrs_make, "_compile_and_eval", None)
    if original is None or not _has_parameters(original, _ATTRS_PARAMETERS):
        yield
        return
    flags = _future_flags(original)  # what `compile` inherits in attrs' module

    def compile_and_eval(
        script: str, globs: dict[str, Any] | None, locs: Any = None, filename: str = ""
    ) -> None:
        eval(kept.code(script, filename, flags), globs, locs)  # what attrs does with its compiled text

    with _replaced(attrs_make, "_compile_and_eval", compile_and_eval):
        yield


@contextlib.contextmanager
def _dataclasses_hooked(kept: KeptCode) -> Iterator[None]:
    if "exec" in vars(dataclasses):
        yield  # someone else's hook: leave it alone
        return
    flags = _future_flags(dataclasses.dataclass)  # what `exec` of a text inherits there

    def exec_in_dataclasses(source: Any, globals: Any = None, locals: Any = None) -> None:
        if type(source) is str:
            source = kept.code(source, "<string>", flags)
        builtins.exec(source, globals, locals)  # what dataclasses does with its text

    with _replaced(dataclasses, "exec", exec_in_dataclasses, existed=False):
        yield


@contextlib.contextmanager
def _replaced(module: ModuleType, name: str, value: object, existed: bool = True) -> Iterator[None]:
    original = getattr(module, name, None)
    setattr(module, name, value)
    try:
        yield
    finally:
        if existed:
            setattr(module, name, original)
        else:
            delattr(module, name)


def _future_flags(function: Callable[..., Any]) -> int:
    code: CodeType = function.__code__
    return code.co_flags & _FUTURE_FLAGS


def _has_parameters(function: Callable[..., Any], names: list[str]) -> bool:
    if not hasattr(function, "__code__"):
        return False
    try:
        return list(inspect.signature(function).parameters) == names
    except (TypeError, ValueError):
        return False


# attrs registers each class's generated source under this name prefix in `linecache`.
_ATTRS_SOURCE_PREFIX = "<attrs generated "


def forget_generated_sources() -> int:
    """Drop the generated methods' source lines that attrs keeps in `linecache` for debuggers
    (some 1.4 MB for lsprotocol's classes, held for the life of a server); returns how many.

    Only a traceback or debugger stepping through a generated `__init__` or `__eq__` is affected:
    it shows the line number without the line."""
    generated = [name for name in linecache.cache if name.startswith(_ATTRS_SOURCE_PREFIX)]
    for name in generated:
        linecache.cache.pop(name, None)
    return len(generated)


def _load(path: Path) -> dict[Key, CodeType]:
    try:
        # One read, then `loads`: `marshal.load` of the open file took six times as long.
        loaded = marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return {}
    if not isinstance(loaded, dict):
        return {}
    return {
        key: code
        for key, code in loaded.items()
        if isinstance(key, tuple)
        and len(key) == 2
        and isinstance(key[0], str)
        and isinstance(key[1], bytes)
        and isinstance(code, CodeType)
    }


def _save(path: Path, codes: dict[Key, CodeType]) -> None:
    """Atomically: two servers starting at once each write a whole file, and the last one stays."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".marshal")
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(marshal.dumps(codes))
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
    except OSError:
        pass  # a read-only or full cache directory: the next start compiles again
