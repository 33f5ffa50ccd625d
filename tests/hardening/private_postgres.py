"""A throwaway PostgreSQL cluster for one test: initdb, pg_ctl start/stop, on a free loopback port.

The cluster's data directory lives in the test's tmp_path. initdb refuses to run as root, so as root the
cluster runs as the `postgres` system user; pytest's tmp_path is private to root (mode 0700), so in that
case the data directory goes into a fresh folder under the system temp dir owned by that user instead,
removed afterwards. Skips (saying why) when the server binaries or that user are missing.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

BIN_CANDIDATES = (
    Path("/usr/lib/postgresql/15/bin"),
    Path("/usr/lib/postgresql/16/bin"),
    Path("/usr/local/pgsql/bin"),
)
SERVICE_USER = "postgres"


def server_binaries() -> Path | None:
    for candidate in BIN_CANDIDATES:
        if (candidate / "initdb").is_file() and (candidate / "pg_ctl").is_file():
            return candidate
    found = shutil.which("initdb")
    return Path(found).parent if found and shutil.which("pg_ctl") else None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Cluster:
    bin: Path
    data: Path
    port: int
    run_as: tuple[str, ...]  # a command prefix: () or ("runuser", "-u", "postgres", "--")

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*self.run_as, *args],
            capture_output=True,
            text=True,
            check=check,
            timeout=120,
            cwd=self.data.parent,
        )

    def url(self, database: str, driver: str = "postgresql+psycopg") -> str:
        return f"{driver}://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        options = f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.data / "server.log"),
            "-o",
            options,
            "-w",
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        """`immediate` is a crash: the postmaster and every backend quit at once, without a checkpoint."""
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def running(self) -> bool:
        return (
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "status", check=False).returncode == 0
        )

    def execute(self, sql: str, database: str = "postgres") -> list[tuple[object, ...]]:
        psycopg = pytest.importorskip("psycopg")
        with psycopg.connect(
            f"host=127.0.0.1 port={self.port} user=postgres dbname={database}",
            autocommit=True,
            connect_timeout=10,
        ) as connection:
            cursor = connection.execute(sql)
            return list(cursor.fetchall()) if cursor.description else []


@contextlib.contextmanager
def private_cluster(tmp_path: Path) -> Iterator[Cluster]:
    binaries = server_binaries()
    if binaries is None:
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    run_as: tuple[str, ...] = ()
    owned_dir: Path | None = None
    if os.geteuid() == 0:
        try:
            user = pwd.getpwnam(SERVICE_USER)
        except KeyError:
            pytest.skip(f"initdb refuses root and there is no {SERVICE_USER!r} user to run it as")
        if shutil.which("runuser") is None:
            pytest.skip("initdb refuses root and `runuser` is not available to run it as another user")
        run_as = ("runuser", "-u", SERVICE_USER, "--")
        owned_dir = Path(tempfile.mkdtemp(prefix="alembic-ls-pg-"))
        os.chown(owned_dir, user.pw_uid, user.pw_gid)
        data = owned_dir / "data"
    else:
        data = tmp_path / "pgdata"
    cluster = Cluster(binaries, data, free_port(), run_as)
    try:
        cluster._run(
            str(binaries / "initdb"),
            "-D",
            str(data),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-sync",
        )
        cluster.start()
        yield cluster
    finally:
        if cluster.running():
            cluster.stop("immediate")
        if owned_dir is not None:
            shutil.rmtree(owned_dir, ignore_errors=True)
        else:
            shutil.rmtree(data, ignore_errors=True)
