"""What the workloads run against: a fresh database with the demo data, and a real server over
it in a process of its own."""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx2

from app.bench.figures import WorkloadFailedError

START_TIMEOUT_SECONDS = 60
PRODUCT_FACTORY = "app.main:create_app"


def environment(url: str, **settings: str) -> dict[str, str]:
    """This process's environment, with the database and any other settings."""
    return {**os.environ, "DATABASE_URL": url, **settings}


def demo_database(scratch: Path) -> str:
    """The URL of a new SQLite database in `scratch`, migrated and holding the demo data."""
    url = f"sqlite+aiosqlite:///{scratch / 'bench.db'}"
    for step in ("migrate", "seed-demo"):
        subprocess.run(
            [sys.executable, "-m", "app.cli", step],
            env=environment(url),
            check=True,
            capture_output=True,
        )
    return url


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def server_command(port: int, workers: int = 1, factory: str = PRODUCT_FACTORY) -> list[str]:
    """The command that serves the app `factory` makes on `port` with `workers` processes."""
    return [
        sys.executable,
        "-m",
        "uvicorn",
        factory,
        "--factory",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--no-access-log",
    ]


@dataclass(frozen=True)
class Server:
    """A running uvicorn of one worker."""

    url: str
    pid: int

    def _status_bytes(self, field: str) -> int:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) * 1024
        raise WorkloadFailedError(f"no {field} for process {self.pid}")

    def rss_bytes(self) -> int:
        """The worker's resident memory now."""
        return self._status_bytes("VmRSS")

    def peak_rss_bytes(self) -> int:
        """The most resident memory the worker has held so far."""
        return self._status_bytes("VmHWM")


@contextmanager
def serving(
    database_url: str, log: Path, factory: str = PRODUCT_FACTORY, **settings: str
) -> Iterator[Server]:
    """A server of the app `factory` makes over `database_url` with `settings`, until the
    block ends; its output to `log`."""
    port = _free_port()
    with log.open("wb") as output:
        process = subprocess.Popen(
            server_command(port, factory=factory),
            env=environment(database_url, **settings),
            stdout=output,
            stderr=output,
        )
    try:
        server = Server(f"http://127.0.0.1:{port}", process.pid)
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while True:
            if process.poll() is not None or time.monotonic() > deadline:
                raise WorkloadFailedError(f"the server did not start:\n{log.read_text()}")
            try:
                if httpx2.get(f"{server.url}/health", timeout=1).status_code == 200:
                    break
            except httpx2.TransportError:
                time.sleep(0.1)
        yield server
    finally:
        process.terminate()
        process.wait(timeout=30)
