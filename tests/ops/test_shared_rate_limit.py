"""Two worker processes spend one budget per user, kept in Redis: the 429 comes after as many
points as one worker would allow, whichever worker answers."""

import asyncio
import json
import time
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import coredis
import httpx2
import pytest
from prometheus_client.mmap_dict import MmapedDict

from tests.databases import Template
from tests.ops.conftest import Serve
from tests.ops.servers import START_TIMEOUT_SECONDS, LiveServer

# A database of its own on the Redis of these machines; the test removes its keys.
REDIS = "redis://127.0.0.1:6379/11"
# 101 points: the user, and the groups catalog counted as a page of 100.
QUERY = "query SpentAcrossWorkers { me { id } groups { name } }"
# Sixty such requests. The window is as many seconds as there are points, so that nothing
# comes back while the test runs and the count is exact.
ANSWERED = 60
POINTS = ANSWERED * 101
SENT = 80
WORKERS = 2


@pytest.fixture
async def budgets() -> AsyncIterator[None]:
    """The test's Redis database without users' budgets, before the test and after it."""
    client: coredis.Redis[bytes] = coredis.Redis.from_url(REDIS)

    async def forget() -> None:
        async for key in client.scan_iter(match=b"*points/user:*"):
            await client.delete([key])

    await forget()
    yield
    await forget()
    client.connection_pool.disconnect()


@pytest.fixture
def workers(serve: Serve, tmp_path: Path) -> tuple[LiveServer, Path]:
    """Two workers sharing their counters in Redis, with a budget of 60 requests' points, and
    the directory where they keep their metrics."""
    metrics = tmp_path / "metrics"
    metrics.mkdir()
    server = serve(
        workers=WORKERS,
        RATE_LIMIT_STORAGE=REDIS,
        RATE_LIMIT_POINTS=str(POINTS),
        RATE_LIMIT_RESTORE_RATE="1",
        PROMETHEUS_MULTIPROC_DIR=str(metrics),
    )
    # `/health` answers as soon as one worker serves: wait until each has said it does.
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while sum("Application startup complete" in line for line in server.log_lines()) < WORKERS:
        assert time.monotonic() < deadline, "the workers did not all start"
        time.sleep(0.1)
    return server, metrics


def answered_by_worker(metrics: Path) -> dict[str, Counter[str]]:
    """How each worker process answered the test's requests (by outcome), from the counter
    files prometheus-client keeps per process id."""
    answered: dict[str, Counter[str]] = {}
    for path in metrics.glob("counter_*.db"):
        pid = path.stem.removeprefix("counter_")
        for key, value, _, _ in MmapedDict.read_all_values_from_file(str(path)):  # type: ignore[no-untyped-call]
            _, sample, labels, _ = json.loads(key)
            if sample == "leads_requests_total" and labels["operation"] == "SpentAcrossWorkers":
                answered.setdefault(pid, Counter())[labels["outcome"]] += int(value)
    return answered


async def test_two_workers_spend_one_budget(
    budgets: None, workers: tuple[LiveServer, Path], template: Template
) -> None:
    # Given two workers sharing one budget of 60 requests' points
    server, metrics = workers

    # When one user sends 80 such requests, each on a new connection so that either worker
    # may take it
    limits = httpx2.Limits(max_connections=10, max_keepalive_connections=0)
    async with httpx2.AsyncClient(base_url=server.url, limits=limits, timeout=60) as client:
        answers = await asyncio.gather(
            *(
                client.post(
                    "/graphql",
                    json={"query": QUERY},
                    headers={"authorization": f"Bearer {template.token}"},
                )
                for _ in range(SENT)
            )
        )

    # Then both workers ran some, and between them 60 ran, as on one worker; 20 were throttled
    by_worker = answered_by_worker(metrics)
    assert len(by_worker) == WORKERS
    assert all(outcomes["ok"] > 0 for outcomes in by_worker.values()), by_worker
    assert sum(by_worker.values(), Counter()) == {"ok": ANSWERED, "client_error": SENT - ANSWERED}
    assert Counter(answer.status_code for answer in answers) == {
        200: ANSWERED,
        429: SENT - ANSWERED,
    }
    # with nothing left, whichever worker answered
    assert {
        answer.headers["ratelimit"].partition(";t=")[0]
        for answer in answers
        if answer.status_code == 429
    } == {'"points";r=0'}
