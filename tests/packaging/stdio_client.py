"""Just enough JSON-RPC over stdio to talk to an installed or bundled alembic-ls server."""

from __future__ import annotations

import json
import queue
import subprocess
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

Message = dict[str, Any]
# A revision of the demo whose only finding is AM201 (it has a downgrade() that does nothing).
DEMO_REVISION = Path("migrations") / "versions" / "5e6f708192a3_add_bio_to_user.py"


class StdioClient:
    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        self.process = process
        self.messages: queue.Queue[Message] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def send(self, message: Message) -> None:
        assert self.process.stdin is not None
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def wait_for(self, wanted: Callable[[Message], bool]) -> Message:
        while True:
            message = self.messages.get(timeout=60)
            if wanted(message):
                return message

    def _read(self) -> None:
        stdout = self.process.stdout
        assert stdout is not None
        while True:
            length = 0
            while (line := stdout.readline()) not in (b"\r\n", b""):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            if not line:
                return
            self.messages.put(json.loads(stdout.read(length)))


@dataclass
class Session:
    server_info: Message
    codes: list[str]  # the codes published for DEMO_REVISION
    exit_code: int


def demo_session(command: list[str], demo: Path, env: dict[str, str]) -> Session:
    """Start the server, initialize on the demo project, open DEMO_REVISION, wait for its diagnostics, then
    shut the server down the LSP way."""
    process = subprocess.Popen(
        command,
        cwd=demo.parent,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    try:
        client = StdioClient(process)
        params = {"processId": None, "rootUri": demo.as_uri(), "capabilities": {}}
        client.send({"id": 1, "method": "initialize", "params": params})
        server_info = client.wait_for(lambda m: m.get("id") == 1)["result"]["serverInfo"]
        client.send({"method": "initialized", "params": {}})
        revision = demo / DEMO_REVISION
        uri = revision.as_uri()
        document = {
            "uri": uri,
            "languageId": "python",
            "version": 1,
            "text": revision.read_text(encoding="utf-8"),
        }
        client.send({"method": "textDocument/didOpen", "params": {"textDocument": document}})
        published = client.wait_for(
            lambda m: (
                m.get("method") == "textDocument/publishDiagnostics"
                and m["params"]["uri"] == uri
                and bool(m["params"]["diagnostics"])
            )
        )
        client.send({"id": 2, "method": "shutdown", "params": None})
        client.wait_for(lambda m: m.get("id") == 2)
        client.send({"method": "exit", "params": None})
        # Generous: the server first stops the agent it may still be starting, which on a machine busy
        # with other suites took over 30 s once (.ci/lowest).
        exit_code = process.wait(timeout=120)
        return Session(server_info, [d["code"] for d in published["params"]["diagnostics"]], exit_code)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=30)
