"""A shutdown soon after the first check still writes the caches it filled: the writing was queued
on the analysis thread, and a shutdown cancels that queue (lifecycle.shutdown)."""

from __future__ import annotations

import threading

import pytest
from lsprotocol import types

from alembic_ls.analysis.index import IndexCache
from alembic_ls.server import sql_files
from alembic_ls.server.main import create_server
from alembic_ls.server.server import AlembicLanguageServer


def _server_with_a_busy_analysis_thread() -> tuple[AlembicLanguageServer, threading.Event, list[str]]:
    """A server whose analysis thread is in a job (a keystroke's analysis) until the event is set,
    with the caches' writing queued behind it, as the first check's end queues it."""
    server = create_server(IndexCache(None))
    events: list[str] = []
    release = threading.Event()

    def keystroke() -> None:
        release.wait(timeout=30)
        events.append("keystroke analysed")

    server.state.save_caches = lambda: events.append("caches written")  # type: ignore[method-assign]
    server.analysis_pool.submit(keystroke)
    server.analysis_pool.submit(server.state.save_caches)
    return server, release, events


@pytest.fixture(autouse=True)
def _no_workspace_to_clean(monkeypatch: pytest.MonkeyPatch) -> None:
    # These servers were never initialized: no workspace, no SQL files written into it.
    monkeypatch.setattr(sql_files, "remove_written", lambda server: None)


def _shut_down(server: AlembicLanguageServer) -> list[threading.Thread]:
    before = set(threading.enumerate())
    server.protocol.fm.features[types.SHUTDOWN](None)
    return [thread for thread in threading.enumerate() if thread not in before]


def test_caches_due_are_written_after_the_running_job_though_the_queue_is_cancelled() -> None:
    server, release, events = _server_with_a_busy_analysis_thread()
    server.session.diagnostics.caches_due = True

    started = _shut_down(server)
    release.set()
    for thread in started:
        thread.join(timeout=30)

    assert [thread.daemon for thread in started] == [False]  # the interpreter's exit waits for it
    assert events == ["keystroke analysed", "caches written"]


def test_without_a_finished_first_check_nothing_is_written() -> None:
    server, release, events = _server_with_a_busy_analysis_thread()

    started = _shut_down(server)
    release.set()
    server.analysis_pool.shutdown(wait=True)

    assert started == []
    assert events == ["keystroke analysed"]
