"""The bench's data set at a small size: built through the product's schema with exact counts
of every kind of row, reused rather than built again, the same in every build, and read the
same by the gateway and by the hand-written baseline for every read the workloads time, for
the administrator and for a sales user (who sees a share of the leads)."""

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx2
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import create_async_engine
from sqlmodel import SQLModel

from app.bench import baseline, dataset, probes
from app.bench.dataset import DataSet
from app.settings import Settings
from tests.conftest import Clock
from tests.databases import POSTGRES_ADMIN_URL, _admin, backend

SIZE = 500
NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
FIRST_LEAD = '{ lead(ref: {number: "1"}) { ' + probes.LEAD_SELECTION + " } }"


def _build(directory: Path) -> Iterator[DataSet]:
    """A data set of `SIZE` leads on the test run's database kind, removed afterwards."""
    if backend() != "postgresql":
        yield dataset.sqlite_data_set(SIZE, directory)
        return
    name = f"leads_bench_{uuid.uuid4().hex[:10]}"
    try:
        yield dataset.postgresql_data_set(POSTGRES_ADMIN_URL, SIZE, name)
    finally:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="module")
def data_set(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DataSet]:
    yield from _build(tmp_path_factory.mktemp("cache"))


@pytest.fixture
async def http(data_set: DataSet) -> AsyncIterator[httpx2.AsyncClient]:
    """A client of the product with the baseline beside it, over the data set, at `NOW`."""
    app = baseline.create_app(Settings(database_url=data_set.url), clock=Clock(NOW))
    transport = httpx2.ASGITransport(app=app)
    async with httpx2.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client
    await app.state.database.dispose()


async def _sign_in(http: httpx2.AsyncClient, username: str) -> str:
    variables = {"u": username, "p": probes.PASSWORD}
    response = await http.post("/graphql", json={"query": probes.LOGIN, "variables": variables})
    token: str = probes.product_data(response)["login"]["token"]
    return token


async def _row_counts(url: str) -> dict[str, int]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            return {
                name: int(await connection.scalar(select(func.count()).select_from(table)) or 0)
                for name, table in sorted(SQLModel.metadata.tables.items())
            }
    finally:
        await engine.dispose()


async def _first_lead(url: str) -> Any:
    app = baseline.create_app(Settings(database_url=url), clock=Clock(NOW))
    transport = httpx2.ASGITransport(app=app)
    try:
        async with httpx2.AsyncClient(transport=transport, base_url="http://test") as client:
            token = await _sign_in(client, probes.ADMINISTRATOR)
            headers = probes.bearer(token)
            response = await client.post("/graphql", json={"query": FIRST_LEAD}, headers=headers)
            return probes.product_data(response)["lead"]
    finally:
        await app.state.database.dispose()


async def test_the_data_set_holds_exact_counts_of_every_row(data_set: DataSet) -> None:
    # When the rows of each table of a data set of 500 leads are counted
    counts = await _row_counts(data_set.url)

    # Then they are the demo catalog's, six regions with a unit and a sales user each, 50
    # contacts (every third with an account), five communications and five notifications,
    # and the leads with their set items; the numbers go on after the last lead
    assert counts == {
        "access_token": 0,
        "accounts_receivable": 22,
        "communication": 6,
        "competitor": 4,
        "contact": 58,
        "counter": 2,
        "group": 8,
        "idempotency_key": 0,
        "lead": 500,
        "lead_category": 2,
        "lead_change": 0,
        "lead_competitor": 106,
        "lead_product": 187,
        "lead_status": 6,
        "lead_type": 2,
        "lead_user": 114,
        "lost_reason": 2,
        "notification": 10,
        "privacy_level": 1,
        "product": 8,
        "product_brand": 2,
        "product_family": 2,
        "product_type": 6,
        "subscription_package": 1,
        "unit": 9,
        "user": 14,
    }


def test_a_second_run_finds_the_data_set_built(data_set: DataSet) -> None:
    # When the same size is asked for again
    again = (
        dataset.postgresql_data_set(POSTGRES_ADMIN_URL, SIZE, data_set.url.rsplit("/", 1)[1])
        if backend() == "postgresql"
        else dataset.sqlite_data_set(SIZE, Path(data_set.url.split("///", 1)[1]).parent)
    )

    # Then the one built is used as it is
    assert again.url == data_set.url
    assert not again.built_now
    assert data_set.built_now


@pytest.fixture
def other_build(tmp_path: Path) -> DataSet:
    """A second build of the same size, on SQLite."""
    return dataset.sqlite_data_set(SIZE, tmp_path)


async def test_every_build_holds_the_same_first_lead(
    data_set: DataSet, other_build: DataSet
) -> None:
    # Given a second build of the same size (`other_build`)
    other = other_build

    # When the first lead of each is read through the gateway
    first, second = await _first_lead(data_set.url), await _first_lead(other.url)

    # Then both are the same lead
    assert first == second
    shown = ("number", "lifeCycleState", "targetAmount", "status", "type", "leadSource")
    assert {name: first[name] for name in shown} == {
        "number": "1",
        "lifeCycleState": "PENDING",
        "targetAmount": "35383.73",
        "status": {"name": "Reach", "lifeCycleState": "PENDING"},
        "type": {"name": "New Customer", "defaultCategory": {"name": "New Customer"}},
        "leadSource": {
            "__typename": "CustomSource",
            "type": "CUSTOM2",
            "kind": "CUSTOM2",
            "name": "Walk-in",
        },
    }
    assert first["contactInformation"] == {
        "name": "Maria Demetriou",
        "demographics": {"idNumber": "70000032"},
    }
    assert first["ownedByGroup"] == {"name": "Region 1"}


@pytest.mark.parametrize("username", [probes.ADMINISTRATOR, probes.SALES_USER])
async def test_the_baseline_reads_what_the_gateway_reads(
    data_set: DataSet, http: httpx2.AsyncClient, username: str
) -> None:
    # Given the reads the workloads time, each sent by `username`
    token = await _sign_in(http, username)
    first_page = probes.product_data(await http.send(probes.page(100).product(http, token)))
    kinds = [
        replace(probe, user=username)
        for probe in probes.read_probes(probes.richest_lead(first_page), data_set.deep_number)
    ]

    totals = {}
    for probe in kinds:
        # When each is asked of the gateway and of the baseline
        product = probes.product_data(await http.send(probe.product(http, token)))
        found = probes.baseline_data(await http.send(probe.baseline(http, token)))

        # Then both answer the same whole document
        assert found == product, probe.name
        (answer,) = found.values()
        if isinstance(answer, dict) and "totalCount" in answer:
            totals[probe.name] = (answer["totalCount"], len(answer["nodes"]))

    # And the lists hold the leads the user may see
    # (all of them, those past the deep cursor at 450, the overdue New Customer ones)
    seen, past_cursor, overdue = {
        probes.ADMINISTRATOR: (500, 50, 103),
        probes.SALES_USER: (121, 9, 32),
    }[username]
    assert totals == {
        "page of 10": (seen, 10),
        "page of 100": (seen, 100),
        "page of 100 after a deep cursor": (seen, past_cursor),
        "overdue New Customer leads, page of 100": (overdue, min(100, overdue)),
        "sales user's page of 100": (seen, 100),
    }
