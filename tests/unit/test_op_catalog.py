"""The catalog's entries against the installed Alembic's own signatures, so they cannot drift."""

from __future__ import annotations

import inspect
from collections.abc import Callable

import pytest
from alembic.operations import BatchOperations, Operations

from alembic_ls.analysis.op_catalog import HELPERS, OPERATIONS, SCHEMA_OPS, Effect, Operation, Target

# Registered by projects (a documented recipe), absent from Alembic itself.
_NOT_ALEMBICS = {"create_sequence", "drop_sequence"}
_ENTRIES = [entry for name, entry in OPERATIONS.items() if name not in _NOT_ALEMBICS]
# Keywords newer Alembic releases added: the lowest supported one (1.13.0, .ci/lowest) lacks them.
_ADDED_SINCE_1_13 = {"if_exists", "if_not_exists", "inline_references", "inline_primary_key"}


def _signature(function: Callable[..., object]) -> tuple[tuple[str, ...], tuple[str, ...], str | None]:
    positional: list[str] = []
    keywords: list[str] = []
    variadic: str | None = None
    for parameter in list(inspect.signature(function).parameters.values())[1:]:  # self
        if parameter.kind is parameter.POSITIONAL_OR_KEYWORD:
            positional.append(parameter.name)
        elif parameter.kind is parameter.KEYWORD_ONLY:
            keywords.append(parameter.name)
        elif parameter.kind is parameter.VAR_POSITIONAL:
            variadic = parameter.name
    return tuple(positional), tuple(keywords), variadic


@pytest.mark.parametrize("entry", _ENTRIES, ids=lambda e: e.name)
def test_the_plain_form_is_alembics(entry: Operation) -> None:
    positional, keywords, variadic = _signature(getattr(Operations, entry.name))
    assert entry.parameters == positional
    assert set(entry.keywords) - set(keywords) <= _ADDED_SINCE_1_13
    assert entry.variadic == variadic


@pytest.mark.parametrize("entry", _ENTRIES, ids=lambda e: e.name)
def test_the_batch_form_drops_the_table(entry: Operation) -> None:
    has_batch = entry.name != "batch_alter_table" and hasattr(BatchOperations, entry.name)
    if entry.name == "batch_alter_table":  # the block itself, not an op inside one
        return
    assert entry.has_batch_form == has_batch
    if has_batch:
        positional, _, _ = _signature(getattr(BatchOperations, entry.name))
        assert entry.batch_parameters == positional


def test_every_reverse_is_an_entry_and_says_why_when_it_cannot_be_written() -> None:
    for entry in OPERATIONS.values():
        assert entry.reverse is None or entry.reverse in OPERATIONS
        if entry.effect is Effect.DROP or entry.target in (Target.SQL, Target.DATA):
            assert entry.not_reversible, entry.name


def test_schema_ops_are_the_schema_changing_entries() -> None:
    assert "batch_alter_table" in SCHEMA_OPS
    assert "execute" not in SCHEMA_OPS and "bulk_insert" not in SCHEMA_OPS
    assert "create_index" in SCHEMA_OPS


def test_the_table_parameter_sits_where_the_table_is() -> None:
    assert OPERATIONS["create_index"].table_index == 1
    assert OPERATIONS["create_foreign_key"].table_index == 1
    assert OPERATIONS["rename_table"].table_index == 0
    assert OPERATIONS["execute"].table_index is None


def test_helpers_are_alembics_and_not_operations() -> None:
    assert all(hasattr(Operations, name) for name in HELPERS)
    assert not HELPERS & set(OPERATIONS)
