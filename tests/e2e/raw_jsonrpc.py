"""A bare JSON-RPC client over a real server's stdio: it sends exactly the bytes a test writes.

pytest-lsp's client builds messages from lsprotocol types, so it cannot send params that do not
fit them; this one sends plain JSON and hands back plain JSON."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

from e2e_support import SERVER_COMMAND, TIMEOUT_S

Message = dict[str, Any]


class RawClient:
    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.ids = itertools.count(1)
        self.pending: dict[int | str | None, asyncio.Future[Message]] = {}
        self.unmatched: list[Message] = []  # responses to no request of ours (e.g. id null)
        self.unmatched_arrived = asyncio.Event()
        self.notifications: list[Message] = []
        self.notified = asyncio.Event()
        # How to answer the server's requests, by method (default: as a client without the feature).
        self.answers: dict[str, object] = {}
        self.requests: list[Message] = []  # the server's requests, in the order they arrived
        self.requested = asyncio.Event()
        # Methods whose requests are answered only once released (`release`), and those waiting.
        self.held: dict[str, list[Message]] = {}
        self.reader = asyncio.ensure_future(self._read())

    async def send(self, message: Message) -> None:
        assert self.process.stdin is not None
        body = json.dumps(message).encode("utf-8")
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        await self.process.stdin.drain()

    async def request(self, method: str, params: object, msg_id: int | str | None = None) -> Message:
        """Send a request and wait for its response (the whole message: `result` or `error`)."""
        msg_id = next(self.ids) if msg_id is None else msg_id
        answer = asyncio.get_running_loop().create_future()
        self.pending[msg_id] = answer
        await self.send({"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params})
        return await asyncio.wait_for(answer, TIMEOUT_S)

    async def notify(self, method: str, params: object) -> None:
        await self.send({"jsonrpc": "2.0", "method": method, "params": params})

    async def next_unmatched(self) -> Message:
        async def wait() -> Message:
            while not self.unmatched:
                self.unmatched_arrived.clear()
                await self.unmatched_arrived.wait()
            return self.unmatched.pop(0)

        return await asyncio.wait_for(wait(), TIMEOUT_S)

    def notifications_of(self, method: str) -> list[Message]:
        return [message for message in self.notifications if message["method"] == method]

    async def notification(self, method: str, where: Callable[[Any], bool]) -> Message:
        """The first notification of `method` (already received or to come) whose params satisfy `where`."""

        async def wait() -> Message:
            seen = 0
            while True:
                for message in self.notifications[seen:]:
                    if message["method"] == method and where(message.get("params")):
                        return message
                seen = len(self.notifications)
                self.notified.clear()
                await self.notified.wait()

        return await asyncio.wait_for(wait(), TIMEOUT_S)

    async def _read(self) -> None:
        stdout = self.process.stdout
        assert stdout is not None
        while True:
            length = 0
            while (header := await stdout.readline()) not in (b"\r\n", b""):
                name, _, value = header.decode("ascii").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            if not header:
                return
            message: Message = json.loads(await stdout.readexactly(length))
            if "method" in message:
                if "id" in message:  # the server asks
                    self.requests.append(message)
                    self.requested.set()
                    if message["method"] in self.held:
                        self.held[message["method"]].append(message)
                    else:
                        await self._answer(message)
                else:
                    self.notifications.append(message)
                    self.notified.set()
                continue
            answer = self.pending.pop(message.get("id"), None)
            if answer is None:
                self.unmatched.append(message)
                self.unmatched_arrived.set()
            elif not answer.done():
                answer.set_result(message)

    async def _answer(self, request: Message) -> None:
        answer = self.answers.get(request["method"], _answer_for(request))
        await self.send({"jsonrpc": "2.0", "id": request["id"], "result": answer})

    def hold(self, method: str) -> None:
        """Leave the server's requests of `method` unanswered until `release`."""
        self.held.setdefault(method, [])

    async def release(self, method: str) -> None:
        for request in self.held.pop(method, []):
            await self._answer(request)

    async def requests_of(self, method: str, count: int) -> list[Message]:
        """Once the server has sent `count` requests of `method`: those requests."""

        async def wait() -> list[Message]:
            while len(found := [r for r in self.requests if r["method"] == method]) < count:
                self.requested.clear()
                await self.requested.wait()
            return found

        return await asyncio.wait_for(wait(), TIMEOUT_S)


def _answer_for(request: Message) -> object:
    if request["method"] == "workspace/configuration":
        return [None for _item in request["params"]["items"]]
    return None


@contextlib.asynccontextmanager
async def raw_server(cwd: Path) -> AsyncIterator[RawClient]:
    process = await asyncio.create_subprocess_exec(
        *SERVER_COMMAND,
        cwd=cwd,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    client = RawClient(process)
    try:
        yield client
    finally:
        client.reader.cancel()
        if process.returncode is None:
            process.kill()
        await process.wait()
