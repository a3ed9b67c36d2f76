"""Real uvicorn processes for the tests that need one: what they log, what several workers
count, how they stop."""

import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx2

from app.bench.servers import server_command

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_SECONDS = 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class LiveServer:
    """`uvicorn app.main:create_app --factory` over one database, with its stdout and stderr
    kept in files of `directory`."""

    database_url: str
    directory: Path
    workers: int = 1
    environment: dict[str, str] = field(default_factory=dict)
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def stdout(self) -> Path:
        return self.directory / "stdout.log"

    @property
    def stderr(self) -> Path:
        return self.directory / "stderr.log"

    def command(self) -> list[str]:
        return server_command(self.port, self.workers)

    def launch(self) -> subprocess.Popen[bytes]:
        """Start the process, without waiting for it to serve."""
        environment = {**os.environ, "DATABASE_URL": self.database_url, **self.environment}
        with self.stdout.open("wb") as out, self.stderr.open("wb") as err:
            self.process = subprocess.Popen(
                self.command(),
                cwd=ROOT,
                env=environment,
                stdout=out,
                stderr=err,
                start_new_session=True,
            )
        return self.process

    def start(self) -> None:
        """Start the process and wait until it answers `/health`."""
        process = self.launch()
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"the server exited: {self.stderr.read_text()}")
            try:
                if httpx2.get(f"{self.url}/health", timeout=1).status_code == 200:
                    return
            except httpx2.TransportError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"the server did not come up within {START_TIMEOUT_SECONDS} s")

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=30)
        self.process = None

    def log_lines(self) -> list[str]:
        """The lines the server wrote to stdout so far."""
        return self.stdout.read_text().splitlines()
