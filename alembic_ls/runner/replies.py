"""The agent's answers checked against protocol.py's TypedDicts as they come off the wire.

A reply of the wrong shape (a field missing, a string where a list belongs) becomes one AgentError that
names the method and the field, where it arrives, instead of a KeyError or TypeError in whichever caller
first touches that field. Extra keys are allowed: an older server may read a newer agent's answer.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable
from typing import Any, Literal, TypeVar, Union, cast, get_args, get_origin, get_type_hints, is_typeddict

from alembic_ls.agent.payload.alembic_ls_agent import protocol
from alembic_ls.runner.errors import BAD_REPLY, AgentError

T = TypeVar("T")

_NAMES: dict[object, str] = {
    str: "a string",
    int: "an integer",
    float: "a number",
    bool: "true or false",
    type(None): "null",
}


def conform(shape: type[T], value: object, what: str) -> T:
    """`value` as a `shape` (a protocol TypedDict), or AgentError(BAD_REPLY) saying what is wrong."""
    problem = mismatch(shape, value, "result")
    if problem is not None:
        raise AgentError(BAD_REPLY, f"{what} is malformed: {problem}")
    return cast(T, value)


def result_of(method: str, answer: protocol.Message) -> protocol.Message:
    """The result of the final message answering `method`; its error, raised as an AgentError."""
    if "error" in answer:
        error = answer["error"]
        problem = mismatch(protocol.ErrorInfo, error, "error")
        if problem is not None:
            raise AgentError(BAD_REPLY, f"the agent's error for `{method}` is malformed: {problem}")
        raise AgentError.from_agent(cast(protocol.ErrorInfo, error))
    result = answer.get("result") or {}
    conform(protocol.Result, result, f"the agent's answer to `{method}`")
    return cast(protocol.Message, result)


def mismatch(expected: object, value: object, path: str) -> str | None:
    """Why `value` (decoded JSON) is not an `expected` (an annotation of protocol.py); None when it is."""
    found = _mismatch(expected, value, path)
    return None if found is None else found[1]


def _mismatch(expected: object, value: object, path: str) -> tuple[int, str] | None:
    """(how deep, why) — of several Union arms, the one that matched furthest explains best."""
    depth = path.count(".") + path.count("[")
    if expected is Any:
        return None
    if is_typeddict(expected):
        return _typeddict(expected, value, path)
    origin, args = get_origin(expected), get_args(expected)
    if origin is Union and all(arm in _NAMES for arm in args):  # Optional[str]: one sentence
        if any(_scalar(arm, value, path, depth) is None for arm in args):
            return None
        wanted = " or ".join(_NAMES[arm] for arm in args)
        return depth, f"`{path}` is {_shown(value)}, not {wanted}"
    if origin is Union:
        arms = [_mismatch(arm, value, path) for arm in args]
        failures = [arm for arm in arms if arm is not None]
        return None if len(failures) < len(arms) else max(failures, key=lambda arm: arm[0])
    if origin is Literal:
        if any(type(value) is type(arg) and value == arg for arg in args):
            return None
        wanted = " or ".join(json.dumps(arg) for arg in args)
        return depth, f"`{path}` is {_shown(value)}, not {wanted}"
    if origin is list:
        if not isinstance(value, list):
            return depth, f"`{path}` is {_shown(value)}, not a list"
        return _first(_mismatch(args[0], item, f"{path}[{number}]") for number, item in enumerate(value))
    if origin is dict:
        if not isinstance(value, dict):
            return depth, f"`{path}` is {_shown(value)}, not an object"
        return _first(_mismatch(args[1], item, f"{path}[{key!r}]") for key, item in value.items())
    return _scalar(expected, value, path, depth)


def _typeddict(expected: Any, value: object, path: str) -> tuple[int, str] | None:
    depth = path.count(".") + path.count("[")
    if not isinstance(value, dict):
        return depth, f"`{path}` is {_shown(value)}, not an object"
    missing = sorted(key for key in expected.__required_keys__ if key not in value)
    if missing:
        return depth + 1, f"`{path}` has no `{missing[0]}`"
    hints = _hints(expected)
    return _first(_mismatch(hints[key], value[key], f"{path}.{key}") for key in hints if key in value)


def _scalar(expected: object, value: object, path: str, depth: int) -> tuple[int, str] | None:
    if expected is float:
        fits = isinstance(value, int | float) and not isinstance(value, bool)
    elif expected is int:
        fits = isinstance(value, int) and not isinstance(value, bool)
    elif expected in (str, bool):
        fits = isinstance(value, cast(type, expected))
    elif expected is type(None):
        fits = value is None
    else:  # an annotation this checker was not taught: a mistake in protocol.py, not in the reply
        raise TypeError(f"cannot check a reply against {expected!r}")
    return None if fits else (depth, f"`{path}` is {_shown(value)}, not {_NAMES[expected]}")


def _first(found: Iterable[tuple[int, str] | None]) -> tuple[int, str] | None:
    return next((problem for problem in found if problem is not None), None)


@functools.cache
def _hints(shape: type) -> dict[str, Any]:
    return get_type_hints(shape)


def _shown(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__
