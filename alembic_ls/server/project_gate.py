"""One agent command at a time per project, and a command never waits behind a background read.

The status read and the drift check on save are background reads: a command that wants the project
cancels the one in progress (it is read again after) instead of queueing behind it, so on a hung
database the user gets the answer at `agentTimeout`, not after the background read's timeout as well.
Behind another command, a command waits at most its timeout and then says what is still running.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


class ProjectBusy(Exception):
    """Another command still held the project when the waiting one's time was up."""

    def __init__(self, holder: str) -> None:
        super().__init__(holder)
        self.holder = holder


class ProjectGate:
    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self._reader: asyncio.Task[object] | None = None  # the background read holding the lock
        self._holder = ""  # the command holding the lock, for the "still running" answer

    async def read(self, job: Callable[[], Awaitable[T]]) -> tuple[bool, T | None]:
        """Run a background read holding the lock: (True, result), or (False, None) when a command
        pre-empted it. Errors of `job` are raised."""
        async with self.lock:
            task: asyncio.Task[T] = asyncio.ensure_future(job())
            self._reader = task
            try:
                await asyncio.wait([task])
            finally:
                self._reader = None
                task.cancel()  # nothing when it is done; when this read was itself cancelled, it goes too
        if task.cancelled():
            return False, None
        return True, task.result()

    @contextlib.asynccontextmanager
    async def command(self, title: str, timeout: float) -> AsyncIterator[None]:
        """Hold the project for a command, pre-empting a background read; ProjectBusy after `timeout`."""
        if self._reader is not None:
            self._reader.cancel()
        if not self.lock.locked():
            await self.lock.acquire()  # free: taken at once, whatever time is left
        else:
            try:
                await asyncio.wait_for(self.lock.acquire(), timeout)
            except asyncio.TimeoutError:
                raise ProjectBusy(self._holder or "a background read") from None
        self._holder = title
        try:
            yield
        finally:
            self._holder = ""
            self.lock.release()
