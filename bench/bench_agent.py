"""Generate a migration and upgrade through the language server vs the plain `alembic` CLI.

    .venv/bin/python bench/bench_agent.py [--rounds 5] [--database sqlite|postgresql]

Two copies of examples/blog (AM501 fixed, database at head) on the same kind of database. Each round
adds one column to a model in both copies, then times, interleaved so both see the same machine load:
  cli     `python -m alembic revision --autogenerate -m ...`, then `python -m alembic upgrade head`
          (a fresh interpreter per command, as a person or a script runs them)
  server  executeCommand alembic-ls.generateMigration, then alembic-ls.upgrade, sent by an LSP client
          to a running `alembic-ls serve` (its agent stays up between commands; generate also lints
          the new file and applies AM501's fix)
Printed: median seconds of each, and server/cli. The first round is reported apart ("cold"); the
medians use the later rounds.

Then the drift check (issue 5), on the server's copy at head with one model change pending:
  cli     `python -m alembic check`            server  executeCommand alembic-ls.checkDrift
and, while drift checks run back to back, the latency of hover requests on a revision file (p50/p99).
"""

from __future__ import annotations

import argparse
import asyncio
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.client import LanguageClient

REPO = Path(__file__).resolve().parent.parent
DEMO = REPO / "examples" / "blog"
PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"


def prepare(folder: Path, url: str | None) -> Path:
    root = folder / "blog"
    shutil.copytree(DEMO, root, ignore=shutil.ignore_patterns("*.db", "__pycache__"))
    if url is not None:
        ini = root / "alembic.ini"
        ini.write_text(re.sub(r"(?m)^sqlalchemy\.url = .*$", f"sqlalchemy.url = {url}", ini.read_text()))
    run([sys.executable, "-m", "alembic_ls", "check", "--fix", "--select", "AM501", "--no-cache", str(root)])
    run([sys.executable, "-m", "alembic", "upgrade", "head"], root)
    return root


def run(argv: list[str], cwd: Path | None = None, ok: tuple[int, ...] = ()) -> float:
    """Seconds the command took; `ok` lists non-zero exit codes that are expected (alembic check: 255)."""
    start = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, capture_output=True, check=False)
    if done.returncode and done.returncode not in ok:
        raise SystemExit(f"{argv} failed: {done.stderr.decode()[-2000:]}")
    return time.perf_counter() - start


def add_column(root: Path, number: int) -> None:
    models = root / "app" / "models.py"
    anchor = "class Post(SQLModel, table=True):\n"
    text = models.read_text()
    models.write_text(
        text.replace(anchor, anchor + f"    metric_{number}: float | None = Field(default=None)\n")
    )


def _ignore(_params: Any) -> None:
    return None


class Server:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.client = LanguageClient("bench", "1")
        for method in (
            types.WINDOW_LOG_MESSAGE,
            types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS,
            "alembic-ls/status",
        ):
            self.client.feature(method)(_ignore)

    async def start(self) -> None:
        await self.client.start_io(sys.executable, "-m", "alembic_ls", "serve")
        await self.client.initialize_async(
            types.InitializeParams(
                capabilities=types.ClientCapabilities(),
                root_uri=self.root.as_uri(),
                workspace_folders=[types.WorkspaceFolder(uri=self.root.as_uri(), name="blog")],
                initialization_options={"interpreter": [sys.executable]},
            )
        )
        self.client.initialized(types.InitializedParams())

    async def command(self, name: str, **args: Any) -> float:
        start = time.perf_counter()
        result = await self.client.workspace_execute_command_async(
            types.ExecuteCommandParams(command=name, arguments=[args])
        )
        elapsed = time.perf_counter() - start
        ok = result.get("ok") if isinstance(result, dict) else getattr(result, "ok", None)
        if not ok:
            raise SystemExit(f"{name} failed: {result}")
        return elapsed

    async def open(self, path: Path) -> None:
        self.document = path.as_uri()
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(
                    uri=self.document, language_id="python", version=1, text=path.read_text()
                )
            )
        )

    async def hover_latencies_during_drift(self, checks: int) -> list[float]:
        """Hover on `down_revision` again and again while drift checks run back to back."""

        async def drifts() -> None:
            for _ in range(checks):
                await self.command("alembic-ls.checkDrift")

        background = asyncio.ensure_future(drifts())
        latencies: list[float] = []
        params = types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=self.document),
            position=types.Position(line=16, character=52),
        )
        while not background.done():
            start = time.perf_counter()
            await self.client.text_document_hover_async(params)
            latencies.append(time.perf_counter() - start)
        await background
        return latencies

    async def stop(self) -> None:
        await self.client.shutdown_async(None)
        self.client.exit(None)
        await self.client.stop()


def drop_after(url: str | None) -> None:
    if url is None:
        return
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect("host=127.0.0.1 user=postgres dbname=postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def create(url: str | None) -> None:
    if url is None:
        return
    import psycopg

    with psycopg.connect("host=127.0.0.1 user=postgres dbname=postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{url.rsplit("/", 1)[1]}"')


async def bench(rounds: int, database: str) -> None:
    urls: list[str | None] = [None, None]
    if database == "postgresql":
        urls = [f"{PG_SERVER}/bench_agent_{secrets.token_hex(4)}" for _ in range(2)]
    for url in urls:
        create(url)
    try:
        with tempfile.TemporaryDirectory() as cli_dir, tempfile.TemporaryDirectory() as server_dir:
            cli_root = prepare(Path(cli_dir), urls[0])
            server_root = prepare(Path(server_dir), urls[1])
            server = Server(server_root)
            await server.start()
            times: dict[str, list[float]] = {k: [] for k in ("cli gen", "cli up", "srv gen", "srv up")}
            try:
                await server.open(server_root / "migrations" / "versions" / "5e6f708192a3_add_bio_to_user.py")
                for number in range(rounds + 1):
                    add_column(cli_root, number)
                    add_column(server_root, number)
                    message = f"add metric {number}"
                    times["cli gen"].append(
                        run(
                            [sys.executable, "-m", "alembic", "revision", "--autogenerate", "-m", message],
                            cli_root,
                        )
                    )
                    times["cli up"].append(
                        run([sys.executable, "-m", "alembic", "upgrade", "head"], cli_root)
                    )
                    times["srv gen"].append(
                        await server.command("alembic-ls.generateMigration", message=message)
                    )
                    times["srv up"].append(await server.command("alembic-ls.upgrade", target="head"))
                add_column(cli_root, rounds + 1)
                add_column(server_root, rounds + 1)
                times["cli check"] = []
                times["srv check"] = []
                for _ in range(rounds + 1):
                    times["cli check"].append(
                        run([sys.executable, "-m", "alembic", "check"], cli_root, ok=(1, 255))
                    )
                    times["srv check"].append(await server.command("alembic-ls.checkDrift"))
                latencies = await server.hover_latencies_during_drift(rounds)
            finally:
                await server.stop()
    finally:
        for url in urls:
            drop_after(url)
    report(times, database, latencies)


def report(times: dict[str, list[float]], database: str, latencies: list[float]) -> None:
    def median(key: str) -> float:
        return statistics.median(times[key][1:])

    print(f"database: {database}; rounds: {len(times['cli gen']) - 1} (+1 cold); median seconds")
    for op, cli, srv in (("generate", "cli gen", "srv gen"), ("upgrade", "cli up", "srv up")):
        ratio = median(srv) / median(cli)
        print(
            f"  {op:<9} cli {median(cli):.3f}  server {median(srv):.3f}  server/cli {ratio:.2f}x"
            f"   (cold: cli {times[cli][0]:.3f}, server {times[srv][0]:.3f})"
        )
    both_cli = median("cli gen") + median("cli up")
    both_srv = median("srv gen") + median("srv up")
    ratio = both_srv / both_cli
    print(f"  generate+upgrade  cli {both_cli:.3f}  server {both_srv:.3f}  server/cli {ratio:.2f}x")
    cli, srv = median("cli check"), median("srv check")
    print(f"  drift     cli {cli:.3f}  server {srv:.3f}  server/cli {srv / cli:.2f}x   (target <= 1.2x)")
    ordered = sorted(latencies)
    p50 = ordered[len(ordered) // 2] * 1000
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000
    count = len(ordered)
    print(f"  hover during drift checks: {count} requests, p50 {p50:.1f} ms, p99 {p99:.1f} ms (target <= 50)")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    args = parser.parse_args()
    asyncio.run(bench(args.rounds, args.database))


if __name__ == "__main__":
    main()
