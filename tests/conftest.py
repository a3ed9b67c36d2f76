"""Fixtures: a fresh demo database per test, the app over it with a settable clock, a GraphQL
client, and a counter of SQL statements."""

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx2
import pytest
from graphql import GraphQLSyntaxError, OperationType, parse
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from starlette.applications import Starlette

from app.db import Database
from app.main import create_app
from app.settings import Settings
from tests.databases import DEMO_NOW, POSTGRES_ADMIN_URL, Template, _admin, backend


@dataclass
class Clock:
    """A clock that tests set."""

    now: datetime = DEMO_NOW

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Template]:
    built = Template(tmp_path_factory.mktemp("databases"))
    yield built
    built.remove()


@pytest.fixture
def database_url(template: Template) -> Iterator[str]:
    with template.copy() as url:
        yield url


@pytest.fixture
def empty_database(tmp_path: Path) -> Iterator[str]:
    """A database without any table, removed afterwards."""
    if backend() != "postgresql":
        yield f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}"
        return
    name = f"leads_empty_{uuid.uuid4().hex[:10]}"
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(False)
    finally:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def app(settings: Settings, clock: Clock) -> AsyncIterator[Starlette]:
    application = create_app(settings, clock=clock)
    yield application
    await application.state.database.dispose()


@pytest.fixture
async def database(app: Starlette) -> Database:
    database: Database = app.state.database
    return database


@pytest.fixture
async def session(database: Database) -> AsyncIterator[AsyncSession]:
    """A session for domain tests; each test commits or rolls back as it needs."""
    async with database.writer() as opened:
        yield opened


@dataclass
class Connections:
    """The connections engines hand out while a request runs."""

    checked_out: int = 0
    in_use: int = 0
    most_in_use: int = 0

    def checkout(self, *_: Any) -> None:
        self.checked_out += 1
        self.in_use += 1
        self.most_in_use = max(self.most_in_use, self.in_use)

    def checkin(self, *_: Any) -> None:
        self.in_use -= 1


def _counting(engines: list[AsyncEngine]) -> Iterator[Connections]:
    """The connections the pools of `engines` hand out, counted while the test runs."""
    counted = Connections()
    pools = {engine.sync_engine.pool for engine in engines}
    for pool in pools:
        event.listen(pool, "checkout", counted.checkout)
        event.listen(pool, "checkin", counted.checkin)
    yield counted
    for pool in pools:
        event.remove(pool, "checkout", counted.checkout)
        event.remove(pool, "checkin", counted.checkin)


@pytest.fixture
def connections(database: Database) -> Iterator[Connections]:
    yield from _counting(database.engines)


@pytest.fixture
def readers_checkouts(database: Database) -> Iterator[Connections]:
    """The connections the readers' engine hands out (on PostgreSQL, the one shared pool)."""
    yield from _counting([database.read_engine])


@dataclass
class StatementCounter:
    """Counts the SQL statements the app sends while `counting` is on."""

    statements: list[str] = field(default_factory=list)
    counting: bool = False

    def record(self, *args: Any) -> None:
        if self.counting:
            self.statements.append(args[2])


@pytest.fixture
def statements(database: Database) -> Iterator[StatementCounter]:
    counter = StatementCounter()
    engines = {engine.sync_engine for engine in database.engines}
    for engine in engines:
        event.listen(engine, "before_cursor_execute", counter.record)
    yield counter
    for engine in engines:
        event.remove(engine, "before_cursor_execute", counter.record)


# With COMPARE_EXECUTORS=1, every query a test sends through `gql` is also answered by the
# same app with the standard executor only (planned_execution off), over the same database and
# clock, and the two answers must be equal (their cost extensions aside: budgets are per app).
COMPARE_EXECUTORS = os.environ.get("COMPARE_EXECUTORS") == "1"


def reads_only(query: str) -> bool:
    """Whether a document holds no mutation, so that sending it twice changes nothing."""
    try:
        document = parse(query)
    except GraphQLSyntaxError:
        return True
    return all(
        getattr(definition, "operation", OperationType.QUERY) is OperationType.QUERY
        for definition in document.definitions
    )


def comparable(response: httpx2.Response) -> bool:
    """Whether an answer says something of the executor: not a spent budget (budgets are
    per app), nor a failure a test provoked on purpose (the other app would log it again)."""
    return (
        response.status_code < 500
        and response.status_code != 429
        and not any(
            code in response.text for code in ("INTERNAL_SERVER_ERROR", "SERVICE_UNAVAILABLE")
        )
    )


def compared(response: httpx2.Response) -> tuple[int, Any]:
    """What two executors must agree on: the status and the body without its cost."""
    try:
        body = response.json()
    except ValueError:
        return response.status_code, response.text
    if isinstance(body, dict):
        extensions = dict(body.get("extensions") or {})
        extensions.pop("cost", None)
        body = {key: value for key, value in body.items() if key != "extensions"}
        if extensions:
            body["extensions"] = extensions
    return response.status_code, body


class GraphQLClient:
    """Posts GraphQL to the app in process, signed in as the demo administrator by default."""

    def __init__(
        self,
        http: httpx2.AsyncClient,
        token: str | None,
        standard: httpx2.AsyncClient | None = None,
    ) -> None:
        self.http = http
        self.token = token
        self.standard = standard

    async def post(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        token: str | None = None,
        anonymous: bool = False,
        headers: dict[str, str] | None = None,
    ) -> httpx2.Response:
        sent = dict(headers or {})
        bearer = token or (None if anonymous else self.token)
        if bearer is not None:
            sent["authorization"] = f"Bearer {bearer}"
        body = {"query": query, "variables": variables or {}}
        response = await self.http.post("/graphql", json=body, headers=sent)
        if self.standard is not None and comparable(response) and reads_only(query):
            again = await self.standard.post("/graphql", json=body, headers=sent)
            if comparable(again):
                assert compared(response) == compared(again), query
        return response

    async def __call__(
        self, query: str, variables: dict[str, Any] | None = None, **options: Any
    ) -> dict[str, Any]:
        """The response body of a query that must succeed at the HTTP level, without the
        cost every answer carries (checked here; tests of the cost read `post`'s answers)."""
        response = await self.post(query, variables, **options)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        extensions = body.get("extensions", {})
        assert self.is_cost(extensions.pop("cost", None)), body
        if not extensions:
            del body["extensions"]
        return body

    @staticmethod
    def is_cost(cost: Any) -> bool:
        """Whether `extensions.cost` is there and well-formed: whole points, and what the
        caller has left of their budget."""
        if not isinstance(cost, dict) or set(cost) != {
            "requestedQueryCost",
            "maximumAvailable",
            "throttleStatus",
        }:
            return False
        throttle = cost["throttleStatus"]
        return (
            isinstance(cost["requestedQueryCost"], int)
            and isinstance(cost["maximumAvailable"], int)
            and isinstance(throttle, dict)
            and set(throttle) == {"currentlyAvailable", "restoreRate"}
            and isinstance(throttle["currentlyAvailable"], int)
            and throttle["restoreRate"] > 0
        )

    async def data(self, query: str, variables: dict[str, Any] | None = None) -> Any:
        """The `data` of a query that must answer without errors."""
        body = await self(query, variables)
        assert "errors" not in body, body["errors"]
        return body["data"]


@pytest.fixture
async def http(app: Starlette) -> AsyncIterator[httpx2.AsyncClient]:
    transport = httpx2.ASGITransport(app=app)
    async with httpx2.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


@pytest.fixture
async def standard_http(
    settings: Settings, clock: Clock
) -> AsyncIterator[httpx2.AsyncClient | None]:
    """When comparing executors: a client of the app with the standard executor only."""
    if not COMPARE_EXECUTORS:
        yield None
        return
    standard = settings.model_copy(update={"planned_execution": False})
    application = create_app(standard, clock=clock)
    transport = httpx2.ASGITransport(app=application)
    async with httpx2.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client
    await application.state.database.dispose()


@pytest.fixture
def gql(
    http: httpx2.AsyncClient, template: Template, standard_http: httpx2.AsyncClient | None
) -> GraphQLClient:
    return GraphQLClient(http, template.token, standard_http)


@pytest.fixture(scope="session")
def repository_root() -> Path:
    return Path(__file__).resolve().parent.parent
