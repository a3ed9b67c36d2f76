"""`GET /health` answers while the process runs; `GET /ready` only while the database answers,
quickly, at the newest migration, and again as soon as it does."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx2
import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from app.main import create_app
from app.migrations import alembic_config
from app.settings import Settings
from tests.databases import Template, backend
from tests.ops.proxy import TcpProxy

NEWEST = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


@asynccontextmanager
async def _client(settings: Settings) -> AsyncIterator[httpx2.AsyncClient]:
    app = create_app(settings)
    transport = httpx2.ASGITransport(app=app)
    try:
        async with httpx2.AsyncClient(
            transport=transport, base_url="http://test", timeout=10
        ) as client:
            yield client
    finally:
        await app.state.database.dispose()
        await app.state.probes.dispose()


async def _probe(client: httpx2.AsyncClient, path: str) -> tuple[int, object]:
    response = await client.get(path)
    return response.status_code, response.json()


async def test_ready_while_the_database_answers_at_the_newest_migration(
    http: httpx2.AsyncClient,
) -> None:
    assert await _probe(http, "/ready") == (200, {"status": "ready"})
    assert await _probe(http, "/health") == (200, {"status": "ok"})


async def test_alive_but_not_ready_while_the_database_cannot_be_reached() -> None:
    # Nothing listens on port 1: every connection is refused at once.
    unreachable = "postgresql+asyncpg://postgres@127.0.0.1:1/leads"

    async with _client(Settings(database_url=unreachable)) as client:
        assert await _probe(client, "/health") == (200, {"status": "ok"})
        assert await _probe(client, "/ready") == (
            503,
            {
                "status": "unavailable",
                "reason": "the database cannot be reached (ConnectionRefusedError)",
            },
        )


@pytest.fixture
def behind(tmp_path: Path) -> str:
    """A SQLite file migrated to 0002 only."""
    path = tmp_path / "behind.db"
    # Through the standard library's driver, on a connection handed to alembic: no event
    # loop, so no driver thread outliving one.
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        config = alembic_config(f"sqlite:///{path}")
        config.attributes["connection"] = connection
        command.upgrade(config, "0002")
    engine.dispose()
    return f"sqlite+aiosqlite:///{path}"


async def test_not_ready_while_the_migrations_are_behind(
    behind: str, capsys: pytest.CaptureFixture[str]
) -> None:
    reason = f"the database schema is at 0002; the code needs {NEWEST}"

    async with _client(Settings(database_url=behind)) as client:
        capsys.readouterr()
        assert await _probe(client, "/ready") == (
            503,
            {"status": "unavailable", "reason": reason},
        )

    (line,) = [line for line in capsys.readouterr().out.splitlines() if "[leads.request]" in line]
    assert "[warning  ] request" in line
    assert f"detail={reason!r}" in line
    assert "outcome=server_error" in line


@pytest.mark.skipif(backend() != "postgresql", reason="a proxy in front of PostgreSQL")
async def test_ready_follows_the_database_through_a_cut_line(
    database_url: str, template: Template
) -> None:
    upstream = make_url(database_url)
    proxy = TcpProxy(upstream.host or "127.0.0.1", upstream.port or 5432)
    await proxy.open()
    proxied = upstream.set(port=proxy.port).render_as_string(hide_password=False)
    settings = Settings(database_url=proxied, ready_timeout_seconds=1)
    me = {"query": "{ me { username } }"}
    signed_in = {"authorization": f"Bearer {template.token}"}
    try:
        async with _client(settings) as client:
            assert await _probe(client, "/ready") == (200, {"status": "ready"})
            assert (await client.post("/graphql", json=me, headers=signed_in)).status_code == 200

            await proxy.cut()
            status, body = await _probe(client, "/ready")
            assert (status, body) == (
                503,
                {"status": "unavailable", "reason": body["reason"]},  # type: ignore[index]
            )
            assert body["reason"].startswith("the database cannot be reached (")  # type: ignore[index]

            await proxy.silence()
            assert await _probe(client, "/ready") == (
                503,
                {"status": "unavailable", "reason": "the database did not answer within 1 s"},
            )

            await proxy.restore()
            assert await _probe(client, "/ready") == (200, {"status": "ready"})
            answer = await client.post("/graphql", json=me, headers=signed_in)
            assert answer.json()["data"] == {"me": {"username": "MPAdministrator"}}
    finally:
        await proxy.cut()
