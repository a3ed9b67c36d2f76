"""What the workloads run against: a fresh database with the demo data, and a real server over
it in a process of its own."""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx2

from app.bench.figures import WorkloadFailedError

START_TIMEOUT_SECONDS = 60
PRODUCT_FACTORY = "app.main:create_app"
# The product with the hand-written baseline beside it (app/bench/baseline.py).
BASELINE_FACTORY = "app.bench.baseline:create_app"
# Points of a budget, and per second, that no run of the bench spends: every request is still
# priced, but the workloads measure speed, not throttling.
UNLIMITED = 10**9


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


def _status_bytes(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) * 1024
    raise WorkloadFailedError(f"no {field} for process {pid}")


@dataclass(frozen=True)
class Server:
    """A running uvicorn: of one worker, its own process; of several, their supervisor."""

    url: str
    pid: int

    def rss_bytes(self) -> int:
        """The worker's resident memory now."""
        return _status_bytes(self.pid, "VmRSS")

    def peak_rss_bytes(self) -> int:
        """The most resident memory the worker has held so far."""
        return _status_bytes(self.pid, "VmHWM")

    def worker_pids(self) -> list[int]:
        """The worker processes of a server of several: the supervisor's children, but for
        multiprocessing's resource tracker."""
        children = Path(f"/proc/{self.pid}/task/{self.pid}/children").read_text().split()
        return sorted(
            int(pid)
            for pid in children
            if b"resource_tracker" not in Path(f"/proc/{pid}/cmdline").read_bytes()
        )

    def workers_peak_rss_bytes(self) -> list[int]:
        """The most resident memory each worker of a server of several has held so far."""
        return [_status_bytes(pid, "VmHWM") for pid in self.worker_pids()]


@contextmanager
def serving(
    database_url: str,
    log: Path,
    factory: str = PRODUCT_FACTORY,
    workers: int = 1,
    **settings: str,
) -> Iterator[Server]:
    """A server of `workers` processes of the app `factory` makes over `database_url` with
    `settings`, until the block ends; its output to `log`."""
    port = _free_port()
    with log.open("wb") as output:
        process = subprocess.Popen(
            server_command(port, workers, factory),
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
        while workers > 1 and len(server.worker_pids()) < workers:
            if process.poll() is not None or time.monotonic() > deadline:
                raise WorkloadFailedError(f"the workers did not start:\n{log.read_text()}")
            time.sleep(0.1)
        yield server
    finally:
        process.terminate()
        process.wait(timeout=30)


def serving_with_baseline(
    database_url: str, log: Path, workers: int = 1
) -> AbstractContextManager[Server]:
    """A server of the product with the baseline beside it, budgets out of reach."""
    return serving(
        database_url,
        log,
        BASELINE_FACTORY,
        workers,
        RATE_LIMIT_POINTS=str(UNLIMITED),
        RATE_LIMIT_RESTORE_RATE=str(UNLIMITED),
    )
