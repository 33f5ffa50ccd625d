"""Pauses of the cyclic collector overlap (the server's event loop and its analysis thread)."""

from __future__ import annotations

import gc
import threading
import weakref
from collections.abc import Iterator

import pytest

from alembic_ls.analysis.collector import collector_paused, settle_after_opening


@pytest.fixture(autouse=True)
def collector_running() -> Iterator[None]:
    gc.enable()
    yield
    gc.enable()


def test_the_collector_resumes_when_the_last_of_overlapping_pauses_ends() -> None:
    first, second = collector_paused(), collector_paused()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)  # the one that began first ends first
    assert not gc.isenabled()
    second.__exit__(None, None, None)
    assert gc.isenabled()


def test_pauses_taken_on_two_threads_hold_until_both_end() -> None:
    entered, release = threading.Event(), threading.Event()
    seen: list[bool] = []

    def analysis_thread() -> None:
        with collector_paused():
            entered.set()
            release.wait(5)
        seen.append(gc.isenabled())

    with collector_paused():
        thread = threading.Thread(target=analysis_thread)
        thread.start()
        entered.wait(5)
    assert not gc.isenabled()  # the other thread's pause still holds
    release.set()
    thread.join(5)
    assert seen == [True]
    assert gc.isenabled()


def test_a_collector_disabled_before_the_pause_stays_disabled() -> None:
    gc.disable()
    with collector_paused(), collector_paused():
        pass
    assert not gc.isenabled()


def test_a_failure_inside_the_pause_still_resumes_the_collector() -> None:
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError("analysis failed")
    assert gc.isenabled()


def test_settling_after_an_opening_frees_garbage_cycles_before_freezing_the_rest() -> None:
    class Node:
        partner: object = None

    garbage, kept = Node(), Node()
    garbage.partner = garbage  # a reference cycle nobody holds: only the collector frees it
    kept.partner = kept
    gone = weakref.ref(garbage)
    del garbage
    frozen_before = gc.get_freeze_count()
    try:
        settle_after_opening()
        assert gone() is None  # collected, not frozen for good
        assert gc.get_freeze_count() > frozen_before
        assert not any(obj is kept for obj in gc.get_objects())  # out of every generation
    finally:
        gc.unfreeze()
