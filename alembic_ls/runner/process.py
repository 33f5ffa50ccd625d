"""One agent process: started lazily, one JSON line per message, every call timed out and cancellable.

A call that outlives its timeout is cancelled in the agent; if the agent does not answer that either, the
whole process group is killed and the next call starts a fresh agent. A dead agent fails every pending
call with the last lines it wrote to stderr.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import itertools
import json
import os
import signal
import sys
from collections.abc import Callable, Mapping
from typing import Any, cast

from alembic_ls.agent.payload.alembic_ls_agent import protocol
from alembic_ls.runner.errors import (
    AGENT_DIED,
    AGENT_START_FAILED,
    BAD_REPLY,
    INTERPRETER_MISSING,
    TIMEOUT,
    AgentError,
)
from alembic_ls.runner.launch import Launch
from alembic_ls.runner.replies import mismatch, result_of

Log = Callable[[str], None]
Progress = Callable[[protocol.Progress], None]

CANCEL_GRACE = 3.0  # seconds the agent gets to confirm a cancel before it is killed
STDERR_TAIL = 40
STREAM_LIMIT = 64 * 1024 * 1024  # one answer may carry a long history or SQL script


def _ignore(_message: str) -> None:
    return None


class AgentProcess:
    def __init__(self, launch: Launch, timeout: float = 60.0, log: Log | None = None) -> None:
        self.launch = launch
        self.timeout = timeout
        self.log = log or _ignore
        self.info: protocol.Ready | None = None  # the agent's announcement, once it made it
        self._process: asyncio.subprocess.Process | None = None
        # Each request's final message, decoded by `call`, which knows the method it answers.
        self._pending: dict[int, asyncio.Future[protocol.Message]] = {}
        self._progress: dict[int, Progress] = {}
        self._ids = itertools.count(1)
        self._start_lock = asyncio.Lock()
        self._ready: asyncio.Future[protocol.Ready] | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._stderr: collections.deque[str] = collections.deque(maxlen=STDERR_TAIL)
        self._exiting = False
        self._letting_go: asyncio.Task[None] | None = None  # a timed-out request being cancelled
        self._spawning: asyncio.Task[protocol.Ready] | None = None
        self.starts = 0

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.returncode is None and not self._exiting

    def stderr_tail(self) -> str:
        return "\n".join(self._stderr)

    async def start(self) -> protocol.Ready:
        async with self._start_lock:
            if self._spawning is None or self._spawning.done():
                if self.running and self.info is not None:
                    return self.info
                await self._kill()
                # A task of its own: a caller cancelled half way (a pre-empted status read) must not
                # leave an agent started but never announced, whose requests would look fork-less.
                self._spawning = asyncio.ensure_future(self._spawn())
            spawning = self._spawning
        return await asyncio.shield(spawning)

    async def _spawn(self) -> protocol.Ready:
        self._stderr.clear()
        self._exiting = False
        self.log(
            f"starting agent ({self.launch.reason}): {self.launch.command_line}  [cwd {self.launch.cwd}]"
        )
        loop = asyncio.get_running_loop()
        self._ready = loop.create_future()
        try:
            process = await asyncio.create_subprocess_exec(
                *self.launch.argv,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
                cwd=str(self.launch.cwd),
                env=self.launch.environment(),
                limit=STREAM_LIMIT,
                start_new_session=sys.platform != "win32",
            )
        except FileNotFoundError as exc:
            raise AgentError(
                INTERPRETER_MISSING, f"`{self.launch.prefix[0]}` was not found ({exc.strerror})"
            ) from exc
        except OSError as exc:
            raise AgentError(AGENT_START_FAILED, f"cannot run `{self.launch.command_line}`: {exc}") from exc
        self._process = process
        self.starts += 1
        self._spawn_task(self._read_stdout(process))
        self._spawn_task(self._read_stderr(process))
        try:
            info = await asyncio.wait_for(asyncio.shield(self._ready), self.timeout)
        except AgentError:
            if process.returncode is None:  # announced itself wrongly and still runs
                await self._kill()
            raise
        except asyncio.TimeoutError:
            self._ready.cancel()
            await self._kill()
            raise AgentError(
                AGENT_START_FAILED,
                f"`{self.launch.command_line}` did not start within {self.timeout:g} s",
                extra={"stderr": self.stderr_tail()},
            ) from None
        self.info = info
        self.log(
            f"agent ready: pid {info['pid']}, Python {info['python']} "
            f"({info['executable']}), alembic {info['alembic']}, "
            f"SQLAlchemy {info['sqlalchemy']}"
        )
        return info

    def _spawn_task(self, coro: Any) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _read_stdout(self, process: asyncio.subprocess.Process) -> None:
        assert process.stdout is not None
        while True:
            line = await process.stdout.readline()
            if not line:
                break
            try:
                message = protocol.decode(line)
            except ValueError:
                self.log(f"agent wrote something that is not a protocol message: {line[:200]!r}")
                continue
            self._dispatch(message)
        # No more answers can come: make sure the agent and the workers it forked are gone (a worker
        # still holding stderr would keep `wait()` from returning).
        _kill_group(process)
        returncode = await process.wait()
        if process is self._process:
            self._on_exit(returncode)

    def _dispatch(self, message: protocol.Message) -> None:
        event = message.get("event")
        if event == protocol.READY_EVENT:
            if self._ready is not None and not self._ready.done():
                self._announced(self._ready, message)
            return
        if event == "exiting":
            self._exiting = True
            return
        request_id = message.get("id")
        if not isinstance(request_id, int):
            return
        if "progress" in message:
            callback = self._progress.get(request_id)
            problem = mismatch(protocol.Progress, message["progress"], "progress")
            if problem is not None:  # only a sentence for the user: the answer itself is still checked
                self.log(f"agent sent malformed progress for #{request_id}: {problem}")
            elif callback is not None:
                callback(message["progress"])
            return
        future = self._pending.pop(request_id, None)
        self._progress.pop(request_id, None)
        if future is None or future.done():
            return
        future.set_result(message)

    def _announced(self, ready: asyncio.Future[protocol.Ready], message: protocol.Message) -> None:
        problem = mismatch(protocol.Ready, message, "ready")
        if problem is None:
            ready.set_result(cast(protocol.Ready, message))
            return
        ready.set_exception(
            AgentError(
                AGENT_START_FAILED,
                f"`{self.launch.command_line}` announced itself with a malformed `ready` message: {problem}",
                extra={"stderr": self.stderr_tail()},
            )
        )

    async def _read_stderr(self, process: asyncio.subprocess.Process) -> None:
        assert process.stderr is not None
        while True:
            line = await process.stderr.readline()
            if not line:
                return
            text = line.decode("utf-8", "replace").rstrip()
            self._stderr.append(text)
            self.log(f"[agent] {text}")

    def _on_exit(self, returncode: int) -> None:
        expected = self._exiting
        if self._ready is not None and not self._ready.done():
            self._ready.set_exception(
                AgentError(
                    AGENT_START_FAILED,
                    f"`{self.launch.command_line}` exited with code {returncode} before it was ready",
                    extra={"stderr": self.stderr_tail()},
                )
            )
        if not expected or self._pending:
            self.log(f"agent exited with code {returncode}")
        error = AgentError(
            AGENT_DIED,
            f"the agent process exited (code {returncode}) before it answered",
            extra={"stderr": self.stderr_tail(), "returncode": returncode},
        )
        for future in self._pending.values():
            if not future.done():
                future.set_exception(error)
        self._pending.clear()
        self._progress.clear()

    async def call(
        self,
        method: str,
        params: Mapping[str, object] | None = None,
        timeout: float | None = None,
        progress: Progress | None = None,
    ) -> protocol.Message:
        """Run one request: its result, a JSON object, or its error raised as an AgentError (BAD_REPLY
        when the answer is not one). Cancelling the awaiting task cancels the request in the agent."""
        if self._letting_go is not None and not self._letting_go.done():
            await asyncio.wait([self._letting_go])  # never send a request to an agent about to be killed
        await self.start()
        process = self._process
        assert process is not None and process.stdin is not None
        request_id = next(self._ids)
        future: asyncio.Future[protocol.Message] = asyncio.get_running_loop().create_future()
        self._pending[request_id] = future
        if progress is not None:
            self._progress[request_id] = progress
        limit = self.timeout if timeout is None else timeout
        self.log(f"-> {method} #{request_id} {_short(params)}")
        try:
            process.stdin.write(protocol.encode({"id": request_id, "method": method, "params": params or {}}))
            await process.stdin.drain()
            answer = await asyncio.wait_for(asyncio.shield(future), limit)
        except asyncio.TimeoutError:
            # The answer goes out now, at the bound; the agent is made to let go of the request meanwhile.
            self._letting_go = asyncio.ensure_future(self._give_up(request_id, future))
            self._tasks.add(self._letting_go)
            self._letting_go.add_done_callback(self._tasks.discard)
            raise AgentError(
                TIMEOUT,
                f"`{method}` did not finish within {limit:g} s; the agent was stopped",
                extra={"stderr": self.stderr_tail(), "timeout": limit},
            ) from None
        except asyncio.CancelledError:
            self._send_cancel(request_id)
            raise
        except (BrokenPipeError, ConnectionResetError) as exc:
            self._pending.pop(request_id, None)
            raise AgentError(AGENT_DIED, f"the agent process is gone ({exc})") from exc
        finally:
            self._pending.pop(request_id, None)
            self._progress.pop(request_id, None)
        try:
            return result_of(method, answer)
        except AgentError as error:
            if error.kind == BAD_REPLY:  # the user is told to report it: the log keeps what came
                self.log(f"<- {method} #{request_id} malformed: {_short(answer)}")
            raise

    def _send_cancel(self, request_id: int) -> None:
        process = self._process
        if process is None or process.stdin is None or process.returncode is not None:
            return
        if self.info is None or not self.info["fork"]:
            # Without fork the request runs inside the agent itself: stopping it means stopping the agent.
            self._spawn_task(self._kill())
            return
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            process.stdin.write(protocol.encode({"method": protocol.CANCEL, "params": {"id": request_id}}))

    async def _give_up(self, request_id: int, future: asyncio.Future[protocol.Message]) -> None:
        self._pending[request_id] = future  # the cancel's confirmation comes as the request's answer
        try:
            self._send_cancel(request_id)
            # The answer is the cancel confirmation, another error, or nothing at all: all fine here.
            with contextlib.suppress(Exception):
                await asyncio.wait_for(asyncio.shield(future), CANCEL_GRACE)
            if not future.done():
                self.log(
                    f"agent did not confirm the cancel of #{request_id} within {CANCEL_GRACE:g} s: killing it"
                )
                await self._kill()
        finally:
            self._pending.pop(request_id, None)
            if future.done() and not future.cancelled():
                future.exception()  # seen: an error nobody waits for any more is not "never retrieved"

    async def stop(self) -> None:
        process = self._process
        if process is not None and process.returncode is None and process.stdin is not None:
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                process.stdin.write(protocol.encode({"method": protocol.SHUTDOWN}))
                process.stdin.close()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(process.wait(), 2.0)
        await self._kill()
        for task in list(self._tasks):
            task.cancel()

    async def _kill(self) -> None:
        process = self._process
        if process is None:
            return
        if process.returncode is None:
            _kill_group(process)
            await process.wait()
        # Wait for the readers so pending calls are failed before anyone starts a new agent.
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await asyncio.wait_for(asyncio.shield(task), 1.0)


def _kill_group(process: asyncio.subprocess.Process) -> None:
    """Kill the agent and everything it started (it leads its own process group)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        if sys.platform == "win32":
            if process.returncode is None:
                process.kill()
        else:
            os.killpg(process.pid, signal.SIGKILL)


def _short(params: Mapping[str, object] | None) -> str:
    if not params:
        return ""
    shown = {k: v for k, v in params.items() if k != "project"}
    text = json.dumps(shown, default=str)
    return text if len(text) <= 200 else text[:197] + "..."
