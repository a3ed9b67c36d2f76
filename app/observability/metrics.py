"""Prometheus metrics, exact across worker processes.

With `PROMETHEUS_MULTIPROC_DIR` set (as `scripts/serve` does), every worker writes its values
to files in that directory and `/metrics` adds up the files of all of them, whichever worker
answers; without it the values live in this process alone (one worker, or tests).
"""

import os
from pathlib import Path

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import QueuePool
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from app.observability.requests import Outcome, RequestRecord

REQUESTS = Counter(
    "leads_requests",
    "Requests to the API, by front door (graphql, rest), operation and outcome.",
    ["interface", "operation", "outcome"],
)
LATENCY = Histogram(
    "leads_request_duration_seconds",
    "How long requests to the API took, by front door and operation.",
    ["interface", "operation"],
)
ERRORS = Counter(
    "leads_errors",
    "Errors answered to clients, by front door and code (a GraphQL error's extensions.code, a"
    " mutation payload's UserError code, a REST envelope's status code).",
    ["interface", "code"],
)
CONNECTIONS = Gauge(
    "leads_database_connections_checked_out",
    "Database connections in use, by pool, summed over the live workers.",
    ["pool"],
    multiprocess_mode="livesum",
)

# Operation names come from clients: past this many in one process, new ones count as "other".
MAX_OPERATIONS = 500
OTHER_OPERATION = "other"
_operations: set[str] = set()


def _operation_label(operation: str | None) -> str:
    if operation is None:
        return "unknown"
    if operation not in _operations:
        if len(_operations) >= MAX_OPERATIONS:
            return OTHER_OPERATION
        _operations.add(operation)
    return operation


def observe_request(record: RequestRecord, seconds: float, outcome: Outcome) -> None:
    """Count a request to the API (probes, metrics and static files are not counted)."""
    if record.interface is None:
        return
    operation = _operation_label(record.operation)
    REQUESTS.labels(record.interface, operation, outcome).inc()
    LATENCY.labels(record.interface, operation).observe(seconds)
    for code in record.error_codes:
        ERRORS.labels(record.interface, code).inc()


def watch_pool(engine: AsyncEngine, name: str) -> None:
    """Keep the checked-out connections gauge of `engine`'s pool up to date."""
    gauge = CONNECTIONS.labels(name)
    sync_engine = engine.sync_engine

    def checked_out(*_: object) -> None:
        pool = sync_engine.pool  # looked up each time: `dispose()` replaces it
        if isinstance(pool, QueuePool):
            gauge.set(pool.checkedout())

    def checked_in(*_: object) -> None:
        pool = sync_engine.pool
        if isinstance(pool, QueuePool):
            # The pool fires `checkin` before it takes the connection back, so it still counts it.
            gauge.set(pool.checkedout() - 1)

    event.listen(sync_engine, "checkout", checked_out)
    event.listen(sync_engine, "checkin", checked_in)


def _forget_dead_workers(directory: str) -> None:
    """Drop the live gauges of workers that died, so a restarted worker is not counted twice."""
    for path in Path(directory).glob("gauge_live*_*.db"):
        pid = int(path.stem.rsplit("_", 1)[1])
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            multiprocess.mark_process_dead(pid, directory)  # type: ignore[no-untyped-call]
        except PermissionError:
            pass  # alive, under another user


def exposition() -> bytes:
    """Every metric in Prometheus' text format: of all workers when they share a directory."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not directory:
        return generate_latest(REGISTRY)
    _forget_dead_workers(directory)
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry, path=directory)  # type: ignore[no-untyped-call]
    return generate_latest(registry)


async def metrics(_: Request) -> Response:
    """`GET /metrics`."""
    # Reading every worker's files is blocking I/O: off the event loop.
    return Response(await run_in_threadpool(exposition), media_type=CONTENT_TYPE_LATEST)
