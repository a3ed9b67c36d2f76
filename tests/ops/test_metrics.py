"""`GET /metrics`: requests, latency and errors by operation and code, the facade's methods,
database connections in use; exact across four worker processes."""

import asyncio
from pathlib import Path

import httpx2
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text

from app.db import Database
from app.graphql import http as graphql_http
from tests.conftest import GraphQLClient
from tests.databases import Template
from tests.graphql.lead_operations import CREATE, MINIMAL_INPUT
from tests.ops.conftest import Serve, failing
from tests.ops.servers import LiveServer

WORKERS = 4
REQUESTS = "leads_requests_total"


def sample(exposition: str, name: str, **labels: str) -> float:
    """The value of one sample of an exposition; 0 when it is not there (yet)."""
    for family in text_string_to_metric_families(exposition):
        for found in family.samples:
            if found.name == name and found.labels == labels:
                return float(found.value)
    return 0.0


async def _metrics(http: httpx2.AsyncClient) -> str:
    response = await http.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=")
    return response.text


async def test_an_operation_shows_with_its_count_and_latency_after_it_runs(
    gql: GraphQLClient, http: httpx2.AsyncClient
) -> None:
    labels = {"interface": "graphql", "operation": "CountedLead"}
    before = await _metrics(http)

    for _ in range(3):
        await gql.data('query CountedLead { lead(ref: {number: "41"}) { number } }')

    after = await _metrics(http)
    latency = "leads_request_duration_seconds_count"
    assert (
        sample(after, REQUESTS, **labels, outcome="ok")
        - sample(before, REQUESTS, **labels, outcome="ok")
        == 3
    )
    assert sample(after, latency, **labels) - sample(before, latency, **labels) == 3


async def test_errors_count_by_code_from_graphql_errors_and_mutation_payloads(
    gql: GraphQLClient, http: httpx2.AsyncClient
) -> None:
    codes = (
        "NOT_FOUND",
        "INVALID_TRANSITION",
        "INVALID",
        "UNAUTHENTICATED",
        "GRAPHQL_VALIDATION_FAILED",
        "GRAPHQL_PARSE_FAILED",
    )

    def errors(exposition: str) -> dict[str, float]:
        return {
            code: sample(exposition, "leads_errors_total", interface="graphql", code=code)
            for code in codes
        }

    two_unknowns = {
        **MINIMAL_INPUT,
        "contactInformation": {"existing": {"idNumber": "000000"}},
        "type": {"name": "No Such Type"},
    }
    before = errors(await _metrics(http))

    await gql.post(CREATE, {"input": two_unknowns})  # a payload with two NOT_FOUND
    await gql.post('mutation { winLead(ref: {number: "40"}) { errors { code } } }')
    await gql.post("{ leads(first: -1) { totalCount } }")  # extensions.code INVALID
    await gql.post("{ me { username } }", anonymous=True)
    await gql.post("{ lead { number } }")  # the required ref is missing
    await gql.post("{ lead(")

    after = errors(await _metrics(http))
    assert {code: after[code] - before[code] for code in codes} == {
        "NOT_FOUND": 2,
        "INVALID_TRANSITION": 1,
        "INVALID": 1,
        "UNAUTHENTICATED": 1,
        "GRAPHQL_VALIDATION_FAILED": 1,
        "GRAPHQL_PARSE_FAILED": 1,
    }


async def test_the_facade_counts_by_method(http: httpx2.AsyncClient, template: Template) -> None:
    def rest(exposition: str) -> tuple[float, ...]:
        return (
            sample(exposition, REQUESTS, interface="rest", operation="leads/show", outcome="ok"),
            sample(
                exposition,
                REQUESTS,
                interface="rest",
                operation="leads/win",
                outcome="client_error",
            ),
            sample(
                exposition, REQUESTS, interface="rest", operation="unknown", outcome="client_error"
            ),
            sample(exposition, "leads_errors_total", interface="rest", code="INVALID_TRANSITION"),
        )

    before = rest(await _metrics(http))

    for _ in range(2):
        shown = await http.get(
            "/crmapi/rest/v2/leads/show",
            params={"token": template.token, "lead_identifier": "number=41"},
        )
        assert shown.status_code == 200
    refused = await http.post(
        "/crmapi/rest/v2/leads/win",
        json={"token": template.token, "lead_identifier": {"number": "40"}},
    )
    assert refused.json()["status"]["code"] == "INVALID_TRANSITION"
    unknown = await http.get("/crmapi/rest/v2/leads/no_such_method", params={"token": "x"})
    assert unknown.status_code == 404

    after = rest(await _metrics(http))
    assert [now - then for now, then in zip(after, before, strict=True)] == [2, 1, 1, 1]


async def test_connections_in_use_show_while_they_are_used(
    database: Database, http: httpx2.AsyncClient
) -> None:
    pool = "reads" if database.is_sqlite else "shared"
    in_use = "leads_database_connections_checked_out"

    async with database.read_engine.connect() as connection:
        await connection.execute(text("SELECT 1"))
        held = sample(await _metrics(http), in_use, pool=pool)
    released = sample(await _metrics(http), in_use, pool=pool)

    assert (held, released) == (1, 0)


@pytest.fixture
def workers(serve: Serve, tmp_path: Path) -> LiveServer:
    """Four worker processes that keep their metrics in one directory."""
    directory = tmp_path / "metrics"
    directory.mkdir()
    return serve(workers=WORKERS, PROMETHEUS_MULTIPROC_DIR=str(directory))


async def test_counts_are_exact_across_four_workers(
    workers: LiveServer, template: Template
) -> None:
    server = workers
    sent = 60
    # No kept-alive connections: each request is accepted anew, by whichever worker is free.
    limits = httpx2.Limits(max_connections=20, max_keepalive_connections=0)
    async with httpx2.AsyncClient(base_url=server.url, limits=limits, timeout=60) as client:
        answers = await asyncio.gather(
            *(
                client.post(
                    "/graphql",
                    json={"query": "query CountedAcrossWorkers { me { username } }"},
                    headers={"authorization": f"Bearer {template.token}"},
                )
                for _ in range(sent)
            )
        )
        assert {answer.json()["data"]["me"]["username"] for answer in answers} == {
            "MPAdministrator"
        }
        # Each scrape is answered by one worker or another, and each adds up all of them.
        scrapes = [await _metrics(client) for _ in range(2 * WORKERS)]

    labels = {"interface": "graphql", "operation": "CountedAcrossWorkers"}
    assert [sample(scrape, REQUESTS, **labels, outcome="ok") for scrape in scrapes] == [sent] * len(
        scrapes
    )
    assert [
        sample(scrape, "leads_request_duration_seconds_count", **labels) for scrape in scrapes
    ] == [sent] * len(scrapes)


async def test_a_failure_before_the_schema_runs_counts_and_the_explorer_page_does_not(
    gql: GraphQLClient, http: httpx2.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def graphql(exposition: str) -> tuple[float, float]:
        labels = {"interface": "graphql", "operation": "unknown"}
        return (
            sample(exposition, REQUESTS, **labels, outcome="unexpected_error"),
            sample(exposition, REQUESTS, **labels, outcome="ok"),
        )

    before = graphql(await _metrics(http))

    explorer = await http.get("/graphql", headers={"accept": "text/html"})
    assert explorer.headers["content-type"].startswith("text/html")
    monkeypatch.setattr(graphql_http, "authenticate", failing("the token table is gone"))
    assert (await gql.post("query Me { me { username } }")).status_code == 500

    after = graphql(await _metrics(http))
    assert (after[0] - before[0], after[1] - before[1]) == (1, 0)
