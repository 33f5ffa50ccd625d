"""The reference for `bench_server.py`'s keystrokes: ruff's own language server (`ruff server`) given
the same document and the same edits, didChange -> publishDiagnostics of that version.

A bare JSON-RPC client over stdio: pygls's client cannot read ruff's initialize reply (lsprotocol
has no structure hook for the notebook selector ruff announces), and a reference should not depend
on the client under test anyway. The client declares no pull diagnostics, so ruff pushes them after
every change, as it does for Helix or Zed.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lsprotocol import types

TIMEOUT_S = 60.0


def ruff_executable() -> str | None:
    """The ruff installed beside this interpreter (the dev install has it), else one on PATH."""
    beside = Path(sys.executable).parent / "ruff"
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which("ruff")


@dataclass
class RuffServer:
    process: asyncio.subprocess.Process
    next_id: int = 1

    @classmethod
    async def start(cls, executable: str, root_uri: str) -> RuffServer:
        process = await asyncio.create_subprocess_exec(
            executable,
            "server",
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
        )
        server = cls(process)
        capabilities = {"textDocument": {"publishDiagnostics": {"versionSupport": True}}}
        await server.request(
            "initialize",
            {
                "processId": os.getpid(),
                "rootUri": root_uri,
                "workspaceFolders": [{"uri": root_uri, "name": "workspace"}],
                "capabilities": capabilities,
            },
        )
        server.notify("initialized", {})
        return server

    def notify(self, method: str, params: Any) -> None:
        self._send({"jsonrpc": "2.0", "method": method, "params": params})

    async def request(self, method: str, params: Any) -> Any:
        request_id = self.next_id
        self.next_id += 1
        self._send({"jsonrpc": "2.0", "id": request_id, "method": method, "params": params})
        while True:
            message = await self._receive()
            if message.get("id") == request_id and "method" not in message:
                return message.get("result")
            self._answer(message)

    async def diagnostics_for(self, uri: str, version: int) -> float:
        """The arrival time of the diagnostics published for `uri` at `version`."""
        while True:
            message = await self._receive()
            arrived = time.perf_counter()
            if message.get("method") == "textDocument/publishDiagnostics":
                params = message.get("params", {})
                if params.get("uri") == uri and params.get("version") == version:
                    return arrived
            self._answer(message)

    async def stop(self) -> None:
        try:
            await asyncio.wait_for(self.request("shutdown", None), TIMEOUT_S)
            self.notify("exit", None)
            await asyncio.wait_for(self.process.wait(), TIMEOUT_S)
        finally:
            if self.process.returncode is None:
                self.process.kill()
                await self.process.wait()

    def _answer(self, message: dict[str, Any]) -> None:
        """Requests from the server (configuration, registrations, progress) get an empty answer."""
        if "method" in message and "id" in message:
            result: Any = (
                [None for _ in message["params"]["items"]]
                if message["method"] == ("workspace/configuration")
                else None
            )
            self._send({"jsonrpc": "2.0", "id": message["id"], "result": result})

    def _send(self, message: dict[str, Any]) -> None:
        body = json.dumps(message).encode()
        assert self.process.stdin is not None
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    async def _receive(self) -> dict[str, Any]:
        stdout = self.process.stdout
        assert stdout is not None
        length = 0
        while True:
            line = await asyncio.wait_for(stdout.readline(), TIMEOUT_S)
            if not line:
                raise RuntimeError("ruff server closed its output")
            if line in (b"\r\n", b"\n"):
                break
            name, _, value = line.decode("ascii").partition(":")
            if name.strip().lower() == "content-length":
                length = int(value)
        message: dict[str, Any] = json.loads(await asyncio.wait_for(stdout.readexactly(length), TIMEOUT_S))
        return message


async def ruff_edit_latencies(
    executable: str, root_uri: str, uri: str, text: str, edits: list[tuple[types.Range, str]]
) -> list[float]:
    """didChange -> publishDiagnostics of that version, in ms, for each edit in turn."""
    server = await RuffServer.start(executable, root_uri)
    try:
        server.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}},
        )
        await server.diagnostics_for(uri, 1)
        latencies = []
        for version, (rng, new_text) in enumerate(edits, start=2):
            sent = time.perf_counter()
            server.notify(
                "textDocument/didChange",
                {
                    "textDocument": {"uri": uri, "version": version},
                    "contentChanges": [{"range": _range_json(rng), "text": new_text}],
                },
            )
            latencies.append((await server.diagnostics_for(uri, version) - sent) * 1000)
        return latencies
    finally:
        await server.stop()


def _range_json(rng: types.Range) -> dict[str, dict[str, int]]:
    return {
        "start": {"line": rng.start.line, "character": rng.start.character},
        "end": {"line": rng.end.line, "character": rng.end.character},
    }
