"""A small HTTP/1.1 client for the load workload: `in_flight` keep-alive connections, each
sending one request after another for a fixed time, answers read by their Content-Length and
not parsed. Plain asyncio streams and uvloop, so that the client spends little of the two
cores the servers need; its own CPU time is measured and reported beside the figures.
"""

import asyncio
import resource
import statistics
import time
from dataclasses import dataclass

import uvloop

from app.bench.figures import Figures, WorkloadFailedError


@dataclass(frozen=True)
class Target:
    """Where the requests go and what each is: its method, path, headers and body."""

    host: str
    port: int
    method: str
    path: str
    token: str
    body: bytes = b""

    def request(self) -> bytes:
        """The request's bytes, the same each time."""
        lines = [
            f"{self.method} {self.path} HTTP/1.1",
            f"host: {self.host}:{self.port}",
            f"authorization: Bearer {self.token}",
            "accept: application/json",
        ]
        if self.body:
            lines += ["content-type: application/json", f"content-length: {len(self.body)}"]
        return ("\r\n".join(lines) + "\r\n\r\n").encode() + self.body


async def _read_answer(reader: asyncio.StreamReader) -> int:
    """The status of one answer, its body read and dropped."""
    head = await reader.readuntil(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    length = None
    for line in header_lines:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value)
    if length is None:
        raise WorkloadFailedError(f"an answer without Content-Length: {status_line}")
    await reader.readexactly(length)
    return int(status_line.split()[1])


async def _connection(
    target: Target, deadline: float, measured_from: float, times: list[float], statuses: list[int]
) -> None:
    reader, writer = await asyncio.open_connection(target.host, target.port)
    request = target.request()
    try:
        while (started := time.perf_counter()) < deadline:
            writer.write(request)
            status = await _read_answer(reader)
            if started >= measured_from:
                times.append((time.perf_counter() - started) * 1000)
                statuses.append(status)
    finally:
        writer.close()
        await writer.wait_closed()


async def _run(target: Target, in_flight: int, warm_up: float, seconds: float) -> Figures:
    measured_from = time.perf_counter() + warm_up
    deadline = measured_from + seconds
    times: list[float] = []
    statuses: list[int] = []
    await asyncio.gather(
        *(_connection(target, deadline, measured_from, times, statuses) for _ in range(in_flight))
    )
    failed = sum(1 for status in statuses if status != 200)
    if not times:
        raise WorkloadFailedError("no request finished in the time")
    return {
        "requests": len(times),
        "failed": failed,
        "requests_per_second": round(len(times) / seconds, 1),
        "p50_ms": round(statistics.median(times), 2),
        "p99_ms": round(statistics.quantiles(times, n=100)[98], 2) if len(times) > 1 else None,
    }


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def load(target: Target, in_flight: int, warm_up: float, seconds: float) -> Figures:
    """`in_flight` connections sending to `target` for `warm_up` seconds, then for `seconds`
    measured: requests per second, p50 and p99, failures, and the client's CPU per second of
    the whole run (1.0 is one core)."""
    started, cpu = time.perf_counter(), _cpu_seconds()
    figures = uvloop.run(_run(target, in_flight, warm_up, seconds))
    elapsed = time.perf_counter() - started
    return {**figures, "client_cpu_cores": round((_cpu_seconds() - cpu) / elapsed, 3)}
