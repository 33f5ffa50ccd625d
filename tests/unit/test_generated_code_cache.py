"""The modules of `serve` and `check`, imported with kept generated code, are the modules compiled
from scratch; `alembic-ls check` keeps and reads its file, and `--no-cache` writes none."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import attr._make
import attrs
import pytest

from alembic_ls import generated_code_cache
from alembic_ls.generated_code_cache import REWRITE_AFTER_MISSES, cache_file, generated_code_kept
from tests.conftest import History

# Every generated method of every attrs class and dataclass the server's modules define, as the
# code Python would run: compared between a process that compiled them and one that did not.
DESCRIBE_GENERATED = r"""
import contextlib, dataclasses, json, sys, types
from pathlib import Path

def constant(c):
    if isinstance(c, types.CodeType):
        return described(c)
    if isinstance(c, frozenset):  # `name in {...}` (3.12's frozen dataclasses): marshal keeps the
        return repr(sorted(c, key=repr))  # elements, not the order a set happens to iterate them in
    return repr(c)

def described(code):
    consts = [constant(c) for c in code.co_consts]
    return [code.co_code.hex(), consts, list(code.co_names), list(code.co_varnames),
            code.co_flags, code.co_filename, code.co_name, code.co_firstlineno]

import importlib
from alembic_ls.entry import MODULES_OF

cache, command = sys.argv[1:3]
if cache == "-":
    kept = contextlib.nullcontext()
else:
    from alembic_ls.generated_code_cache import generated_code_kept
    kept = generated_code_kept(Path(cache), command)
with kept as counts:
    for module in MODULES_OF[command]:
        importlib.import_module(module)
methods = {}
for name, module in list(sys.modules.items()):
    if not (name.startswith(("alembic_ls", "lsprotocol", "pygls", "cattrs")) and module):
        continue
    for value in list(vars(module).values()):
        if not isinstance(value, type) or getattr(value, "__module__", None) != name:
            continue
        if not (hasattr(value, "__attrs_attrs__") or dataclasses.is_dataclass(value)):
            continue
        for method, function in vars(value).items():
            code = getattr(function, "__code__", None)
            generated = code is not None and code.co_filename.startswith(("<string>", "<attrs generated"))
            if generated:
                methods[f"{value.__module__}.{value.__qualname__}.{method}"] = [
                    described(code), repr(getattr(function, "__annotations__", None))
                ]
counted = {"hits": getattr(counts, "hits", 0), "misses": getattr(counts, "misses", 0)}
print(json.dumps({"methods": methods, **counted}))
"""


def generated_methods(cache: str, command: str) -> dict[str, object]:
    # A fixed hash seed: attrs salts a frozen class's __hash__ with a string's hash.
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    run = subprocess.run(
        [sys.executable, "-c", DESCRIBE_GENERATED, cache, command],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    result: dict[str, object] = json.loads(run.stdout)
    return result


@pytest.mark.parametrize(("command", "at_least"), [("serve", 1000), ("check", 250)])
def test_methods_from_kept_code_are_the_methods_compiled_from_their_text(
    tmp_path: Path, command: str, at_least: int
) -> None:
    compiled = generated_methods("-", command)
    first = generated_methods(str(tmp_path), command)  # compiles, and writes what it compiled
    again = generated_methods(str(tmp_path), command)  # takes every method from the file

    assert len(compiled["methods"]) > at_least  # type: ignore[arg-type]
    # One text per method up to 3.12; from 3.13 on, dataclasses compiles a class's methods together.
    assert first["hits"] == 0 and first["misses"] > at_least // 5  # type: ignore[operator]
    assert again["misses"] == 0 and again["hits"] == first["misses"]
    assert first["methods"] == compiled["methods"]
    assert again["methods"] == compiled["methods"]


def define_classes(count: int) -> list[type]:
    made: list[type] = []
    for n in range(count):
        made.append(attrs.define(type(f"Attrs{n}", (), {"__annotations__": {"x": "int"}})))
        made.append(
            dataclasses.dataclass(frozen=True)(type(f"Data{n}", (), {"__annotations__": {"y": "str"}}))
        )
    return made


def test_kept_code_is_read_back_and_the_classes_work(tmp_path: Path) -> None:
    with generated_code_kept(tmp_path, "serve") as first:
        define_classes(REWRITE_AFTER_MISSES)
    assert first.hits == 0 and first.misses >= REWRITE_AFTER_MISSES
    assert cache_file(tmp_path, "serve").is_file()

    with generated_code_kept(tmp_path, "serve") as again:
        made = define_classes(REWRITE_AFTER_MISSES)
    assert again.misses == 0 and again.hits == first.misses
    attrs_class, data_class = made[0], made[1]
    assert attrs_class(x=1) == attrs_class(x=1) and repr(attrs_class(x=2)) == "Attrs0(x=2)"
    assert data_class(y="a") == data_class(y="a") and hash(data_class(y="a")) == hash(data_class(y="a"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        data_class(y="a").y = "b"  # type: ignore[misc]


def test_a_few_misses_leave_the_file_as_it_is(tmp_path: Path) -> None:
    with generated_code_kept(tmp_path, "serve") as kept:
        for n in range(REWRITE_AFTER_MISSES - 1):  # one generated `__init__` each
            dataclasses.dataclass(repr=False, eq=False)(
                type(f"Few{n}", (), {"__annotations__": {"y": "str"}})
            )
    assert 0 < kept.misses < REWRITE_AFTER_MISSES
    assert not cache_file(tmp_path, "serve").exists()


@pytest.mark.parametrize("content", [b"", b"not marshal", b"\xe9\x01\x02", b"\x00" * 64])
def test_an_unreadable_cache_file_is_compiled_over(tmp_path: Path, content: bytes) -> None:
    path = cache_file(tmp_path, "serve")
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    with generated_code_kept(tmp_path, "serve") as kept:
        made = define_classes(REWRITE_AFTER_MISSES)
    assert kept.hits == 0
    assert made[0](x=3).x == 3
    with generated_code_kept(tmp_path, "serve") as again:  # rewritten whole
        define_classes(REWRITE_AFTER_MISSES)
    assert again.misses == 0


def test_entries_of_the_wrong_shape_are_ignored(tmp_path: Path) -> None:
    import marshal

    path = cache_file(tmp_path, "serve")
    path.parent.mkdir(parents=True)
    path.write_bytes(marshal.dumps({("a", b"b"): "not code", "key": compile("1", "x", "eval"), 1: 2}))
    with generated_code_kept(tmp_path, "serve") as kept:
        define_classes(1)
    assert kept.hits == 0


def test_the_hooks_are_undone_after_the_block_even_when_it_fails(tmp_path: Path) -> None:
    before = attr._make._compile_and_eval
    with pytest.raises(RuntimeError), generated_code_kept(tmp_path, "serve"):
        assert attr._make._compile_and_eval is not before
        assert "exec" in vars(dataclasses)
        raise RuntimeError("import failed")
    assert attr._make._compile_and_eval is before
    assert "exec" not in vars(dataclasses)


def test_an_attrs_without_the_expected_function_is_left_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def other(script: str, globs: dict[str, object]) -> None:  # another signature
        raise AssertionError("not called here")

    monkeypatch.setattr(attr._make, "_compile_and_eval", other)
    with generated_code_kept(tmp_path, "serve"):
        assert attr._make._compile_and_eval is other


def test_a_read_only_cache_directory_only_costs_the_compile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError("read-only")

    monkeypatch.setattr(generated_code_cache.tempfile, "mkstemp", refuse)
    with generated_code_kept(tmp_path, "serve") as kept:
        made = define_classes(REWRITE_AFTER_MISSES)
    assert kept.misses >= REWRITE_AFTER_MISSES and made[0](x=1).x == 1
    assert not cache_file(tmp_path, "serve").exists()


def run_check(project: Path, cache: Path, *options: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ALEMBIC_LS_CACHE_DIR": str(cache)}
    return subprocess.run(
        [sys.executable, "-m", "alembic_ls", "check", *options, str(project)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def test_check_keeps_its_generated_code_and_reports_the_same(
    tmp_path: Path, write_history: Callable[..., History]
) -> None:
    history = write_history(("a1", None), ("b2", "a1"))
    cache = tmp_path / "cache"
    first = run_check(history.root, cache)
    assert cache_file(cache, "check").is_file()
    written = cache_file(cache, "check").read_bytes()
    again = run_check(history.root, cache)
    assert cache_file(cache, "check").read_bytes() == written  # every text found: not rewritten
    assert (again.returncode, again.stdout) == (first.returncode, first.stdout)
    assert first.returncode in (0, 1) and "Traceback" not in first.stderr + again.stderr


def test_check_without_its_cache_writes_no_generated_code(
    tmp_path: Path, write_history: Callable[..., History]
) -> None:
    history = write_history(("a1", None))
    cache = tmp_path / "cache"
    run = run_check(history.root, cache, "--no-cache")
    assert run.returncode in (0, 1), run.stderr
    assert not (cache / "generated-code").exists()


def test_forgetting_generated_sources_leaves_the_classes_and_other_files_sources() -> None:
    probe = r"""
import linecache, attrs
from alembic_ls.generated_code_cache import forget_generated_sources

@attrs.define
class Point:
    x: int
    y: int = 0

generated = [name for name in linecache.cache if name.startswith("<attrs generated") and "Point" in name]
linecache.getlines(attrs.__file__)  # a real file's lines, as a traceback reads them
dropped = forget_generated_sources()
left = [name for name in linecache.cache if name.startswith("<attrs generated")]
print(bool(generated), dropped >= len(generated), left, attrs.__file__ in linecache.cache)
print(Point(1) == Point(1, 0), repr(Point(2, 3)))
"""
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.splitlines() == ["True True [] True", "True Point(x=2, y=3)"]
