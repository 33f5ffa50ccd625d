"""The agent's request loop.

Where the OS can fork, the long-lived agent keeps Alembic and SQLAlchemy imported and runs every request
in a forked worker: the project's env.py and models are imported fresh each time (an edited model is seen
at once, and declarative registries never see a class twice), and cancelling a request is killing its
worker. Without fork, requests run in-process and the agent exits after each one so the next starts fresh.
"""

from __future__ import annotations

import contextlib
import os
import selectors
import signal
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from . import protocol
from .worker import execute


class Writer:
    def __init__(self, fd: int) -> None:
        self.fd = fd

    def send(self, message: Mapping[str, Any]) -> None:
        data = protocol.encode(message)
        while data:
            written = os.write(self.fd, data)
            data = data[written:]


@dataclass
class Worker:
    request_id: Any  # echoed as the server sent it
    pid: int
    fd: int
    buffer: bytes = b""
    final: protocol.Message | None = None  # the worker's answer: {"result": ...} or {"error": ...}
    cancelled: bool = False


def _lines(buffer: bytes) -> tuple[list[bytes], bytes]:
    *complete, rest = buffer.split(b"\n")
    return [line for line in complete if line.strip()], rest


class Loop:
    def __init__(self, in_fd: int, writer: Writer, alembic_error: str | None) -> None:
        self.in_fd = in_fd
        self.writer = writer
        self.alembic_error = alembic_error
        self.workers: dict[Any, Worker] = {}
        self.can_fork = hasattr(os, "fork")

    def refuse(self, request_id: Any) -> bool:
        if self.alembic_error is None:
            return False
        error: protocol.ErrorInfo = {
            "kind": protocol.ALEMBIC_MISSING,
            "message": self.alembic_error,
            "executable": sys.executable,
            "python": sys.version.split()[0],
        }
        self.writer.send({"id": request_id, "error": error})
        return True

    def run(self) -> None:
        if not self.can_fork:
            self._run_inline()
            return
        selector = selectors.DefaultSelector()
        selector.register(self.in_fd, selectors.EVENT_READ, None)
        pending = b""
        while True:
            for key, _events in selector.select():
                worker: Worker | None = key.data
                chunk = os.read(key.fd, 65536)
                if worker is None:
                    if not chunk:
                        self._stop_all()
                        return
                    lines, pending = _lines(pending + chunk)
                    for line in lines:
                        if not self._handle(protocol.decode(line), selector):
                            self._stop_all()
                            return
                elif chunk:
                    self._feed(worker, chunk)
                else:
                    selector.unregister(key.fd)
                    self._finish(worker)

    def _handle(self, message: protocol.Message, selector: selectors.BaseSelector) -> bool:
        method = message.get("method")
        request_id = message.get("id")
        params = message.get("params") or {}
        if method == protocol.SHUTDOWN:
            return False
        if method == protocol.CANCEL:
            worker = self.workers.get(params.get("id"))
            if worker is not None:
                worker.cancelled = True
                _kill(worker.pid)
            return True
        if self.refuse(request_id):
            return True
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:  # the worker
            os.close(read_fd)
            os.close(self.in_fd)
            os.close(self.writer.fd)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            child = Writer(write_fd)
            try:
                execute(str(method), params, child.send)
            finally:
                sys.stderr.flush()
                os._exit(0)
        os.close(write_fd)
        worker = Worker(request_id, pid, read_fd)
        self.workers[request_id] = worker
        selector.register(read_fd, selectors.EVENT_READ, worker)
        return True

    def _feed(self, worker: Worker, chunk: bytes) -> None:
        lines, worker.buffer = _lines(worker.buffer + chunk)
        for line in lines:
            message = protocol.decode(line)
            if "progress" in message:
                self.writer.send({"id": worker.request_id, "progress": message["progress"]})
            else:
                worker.final = message

    def _finish(self, worker: Worker) -> None:
        os.close(worker.fd)
        _pid, status = os.waitpid(worker.pid, 0)
        self.workers.pop(worker.request_id, None)
        if worker.final is not None and not worker.cancelled:
            self.writer.send({"id": worker.request_id, **worker.final})
            return
        error: protocol.ErrorInfo
        if worker.cancelled:
            error = {"kind": protocol.CANCELLED, "message": "cancelled"}
        else:
            error = {"kind": protocol.CRASHED, "message": _exit_description(status)}
        self.writer.send({"id": worker.request_id, "error": error})

    def _stop_all(self) -> None:
        for worker in list(self.workers.values()):
            _kill(worker.pid)

    def _run_inline(self) -> None:
        pending = b""
        while True:
            chunk = os.read(self.in_fd, 65536)
            if not chunk:
                return
            lines, pending = _lines(pending + chunk)
            for line in lines:
                message = protocol.decode(line)
                method = message.get("method")
                if method == protocol.SHUTDOWN:
                    return
                if method == protocol.CANCEL or self.refuse(message.get("id")):
                    continue
                request_id = message.get("id")

                def reply(answer: protocol.Message, request_id: Any = request_id) -> None:
                    self.writer.send({"id": request_id, **answer})

                execute(str(method), message.get("params") or {}, reply)
                # The project's modules are now imported in this process: start fresh for the next one.
                self.writer.send({"event": "exiting"})
                return


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def _exit_description(status: int) -> str:
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        try:
            name = signal.Signals(number).name
        except ValueError:
            name = str(number)
        return f"the worker process was killed by signal {name} before it answered"
    return f"the worker process exited with code {os.WEXITSTATUS(status)} before it answered"
