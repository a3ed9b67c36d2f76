"""Clients racing on real server processes over HTTP: two worker processes on one SQLite file,
or four on PostgreSQL, so that writers really contend across processes."""

import asyncio
import os
import signal
import socket
import subprocess
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx2
import pytest

from app.bench.servers import server_command
from tests.databases import Template, backend

WORKERS = 4 if backend() == "postgresql" else 2
ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Server:
    """A uvicorn process tree serving one database."""

    database_url: str
    port: int
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        environment = {**os.environ, "DATABASE_URL": self.database_url}
        self.process = subprocess.Popen(
            [*server_command(self.port, WORKERS), "--log-level", "warning"],
            cwd=ROOT,
            env=environment,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx2.get(f"{self.url}/health", timeout=1).status_code == 200:
                    return
            except httpx2.TransportError:
                pass
            time.sleep(0.1)
        raise RuntimeError("the server did not come up within 60 s")

    def stop(self, sig: signal.Signals = signal.SIGTERM) -> None:
        if self.process is None:
            return
        os.killpg(self.process.pid, sig)
        self.process.wait(timeout=30)
        self.process = None


@pytest.fixture
def server(template: Template) -> Iterator[Server]:
    with template.copy() as url:
        running = Server(url, _free_port())
        running.start()
        try:
            yield running
        finally:
            running.stop()


@pytest.fixture
async def client(server: Server, template: Template) -> AsyncIterator[httpx2.AsyncClient]:
    limits = httpx2.Limits(max_connections=100, max_keepalive_connections=100)
    async with httpx2.AsyncClient(
        base_url=server.url,
        headers={"authorization": f"Bearer {template.token}"},
        timeout=60,
        limits=limits,
    ) as http:
        yield http


async def _graphql(http: httpx2.AsyncClient, query: str, **variables: Any) -> dict[str, Any]:
    response = await http.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    return body["data"]  # type: ignore[no-any-return]


def _outcome(payload: dict[str, Any]) -> str:
    """`OK`, or the error codes of a refused mutation (each once, joined by `+`)."""
    if not payload["errors"]:
        return "OK"
    return "+".join(sorted({str(error["code"]) for error in payload["errors"]}))


WIN = """mutation ($n: String!) {
  winLead(ref: {number: $n}) { lead { lifeCycleState version } errors { code } }
}"""
CANCEL = """mutation ($n: String!) {
  cancelLead(ref: {number: $n}) { lead { lifeCycleState } errors { code } }
}"""
LOSE = """mutation ($n: String!) {
  loseLead(ref: {number: $n}, lostReason: {name: "Competitors"}) {
    lead { lifeCycleState } errors { code }
  }
}"""
READ = """query ($n: String!) {
  lead(ref: {number: $n}) {
    lifeCycleState version description contactEmail contactPhone probabilityToWin
    targetAmount udfString1 udfString2 udfString3
  }
}"""
HISTORY = """query ($n: String!) {
  lead(ref: {number: $n}) { history(first: 100) { nodes { action } } }
}"""


async def _actions(http: httpx2.AsyncClient, number: str) -> list[str]:
    """The actions of a lead's history, oldest first."""
    lead = (await _graphql(http, HISTORY, n=number))["lead"]
    return [node["action"] for node in lead["history"]["nodes"]]


UPDATE = """mutation ($n: String!, $input: UpdateLeadInput!) {
  updateLead(ref: {number: $n}, input: $input) { lead { version } errors { code message } }
}"""
CREATE = """mutation ($i: Int!) {
  createLead(input: {
    contactInformation: {new: {type: PERSON, firstName: "Race", lastName: "Runner"}},
    source: {website: "www.crm.com"}, type: {name: "New Customer"},
    importance: IMPORTANCE3, priority: $i,
    estimatedCompletionTime: {value: 2, unit: WEEKS}
  }) { lead { number } errors { code message } }
}"""


async def test_fifty_concurrent_wins_of_one_lead_succeed_once(
    client: httpx2.AsyncClient,
) -> None:
    history = await _actions(client, "41")
    results = await asyncio.gather(*(_graphql(client, WIN, n="41") for _ in range(50)))
    outcomes = Counter(_outcome(result["winLead"]) for result in results)
    assert outcomes["OK"] == 1
    assert outcomes["INVALID_TRANSITION"] + outcomes["CONFLICT"] == 49
    lead = (await _graphql(client, READ, n="41"))["lead"]
    assert (lead["lifeCycleState"], lead["version"]) == ("WON", 2)
    # one history entry for the one win; the refused ones wrote none
    assert await _actions(client, "41") == [*history, "WIN"]


async def test_cancel_racing_lose_lets_exactly_one_through(client: httpx2.AsyncClient) -> None:
    history = await _actions(client, "44")
    requests = [_graphql(client, CANCEL if i % 2 else LOSE, n="44") for i in range(50)]
    results = await asyncio.gather(*requests)
    outcomes = Counter(
        _outcome(result.get("cancelLead") or result["loseLead"]) for result in results
    )
    assert outcomes["OK"] == 1
    assert outcomes["INVALID_TRANSITION"] + outcomes["CONFLICT"] == 49
    lead = (await _graphql(client, READ, n="44"))["lead"]
    winner = next(
        result
        for result in results
        if not (result.get("cancelLead") or result["loseLead"])["errors"]
    )
    expected_state = "CANCELLED" if "cancelLead" in winner else "LOST"
    assert (lead["lifeCycleState"], lead["version"]) == (expected_state, 2)
    assert await _actions(client, "44") == [
        *history,
        "CANCEL" if expected_state == "CANCELLED" else "LOSE",
    ]


FIELDS: dict[str, Callable[[int], str | int]] = {
    "description": lambda i: f"description {i}",
    "contactEmail": lambda i: f"buyer{i}@example.com",
    "contactPhone": lambda i: f"+357 99 {i:06d}",
    "probabilityToWin": lambda i: i,
    "targetAmount": lambda i: f"{1000 + i}.50",
    "udfString1": lambda i: f"one {i}",
    "udfString2": lambda i: f"two {i}",
    "udfString3": lambda i: f"three {i}",
}


async def test_eight_clients_updating_different_fields_lose_no_write(
    client: httpx2.AsyncClient,
) -> None:
    before = (await _graphql(client, READ, n="56"))["lead"]

    async def one_client(field: str) -> int:
        successes = 0
        for i in range(50):
            result = await _graphql(client, UPDATE, n="56", input={field: FIELDS[field](i)})
            successes += _outcome(result["updateLead"]) == "OK"
        return successes

    successes = await asyncio.gather(*(one_client(field) for field in FIELDS))
    after = (await _graphql(client, READ, n="56"))["lead"]
    assert {field: after[field] for field in FIELDS} == {
        field: value(49) for field, value in FIELDS.items()
    }
    assert sum(successes) == 400
    assert after["version"] == before["version"] + sum(successes)


SETS = """query ($n: String!) {
  lead(ref: {number: $n}) {
    competitorsSet { competitor { name } }
    productsSet { productFamily { name } }
  }
}"""


async def test_concurrent_adds_of_one_set_item_add_it_once(client: httpx2.AsyncClient) -> None:
    additions = {
        "competitors": [{"add": {"name": "Competitor 2"}}],
        "products": [{"add": {"productFamily": {"code": "CH"}}}],
    }
    results = await asyncio.gather(
        *(_graphql(client, UPDATE, n="69", input=additions) for _ in range(20))
    )
    outcomes = Counter(_outcome(result["updateLead"]) for result in results)
    assert outcomes == {"OK": 1, "INVALID": 19}
    lead = (await _graphql(client, SETS, n="69"))["lead"]
    assert lead == {
        "competitorsSet": [
            {"competitor": {"name": "Competitor 4"}},
            {"competitor": {"name": "Competitor 1"}},
            {"competitor": {"name": "Competitor 2"}},
        ],
        "productsSet": [{"productFamily": {"name": "Channels"}}],
    }


async def test_a_hundred_concurrent_creates_get_distinct_numbers(
    client: httpx2.AsyncClient,
) -> None:
    results = await asyncio.gather(*(_graphql(client, CREATE, i=1 + i % 6) for i in range(100)))
    assert [result["createLead"]["errors"] for result in results] == [[]] * 100
    numbers = {int(result["createLead"]["lead"]["number"]) for result in results}
    assert numbers == set(range(300, 400))


async def test_acknowledged_writes_survive_a_killed_server(
    server: Server, client: httpx2.AsyncClient, template: Template
) -> None:
    acknowledged: list[str] = []
    enough = asyncio.Event()

    async def stream() -> None:
        for i in range(1000):
            try:
                result = await _graphql(client, CREATE, i=1 + i % 6)
            except (httpx2.TransportError, AssertionError):
                return
            acknowledged.append(result["createLead"]["lead"]["number"])
            if len(acknowledged) == 30:
                enough.set()

    writer = asyncio.create_task(stream())
    await asyncio.wait_for(enough.wait(), timeout=60)
    server.stop(signal.SIGKILL)
    await writer
    server.start()
    headers = {"authorization": f"Bearer {template.token}"}
    async with httpx2.AsyncClient(base_url=server.url, headers=headers) as fresh:
        missing = [
            number
            for number in acknowledged
            if (await _graphql(fresh, READ, n=number))["lead"] is None
        ]
    assert len(acknowledged) >= 30
    assert missing == []
