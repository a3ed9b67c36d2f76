"""The commands that run the service, as `scripts/` call them: `migrate` and `seed-demo` on an
empty database, `welcome` with a token that works, `export-schema` to a file."""

import asyncio
import re
from pathlib import Path

from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

from app.cli import DEMO_USERNAME
from app.db import Database
from app.domain.auth import authenticate
from app.domain.leads.queries import any_lead_exists
from app.graphql.schema import schema
from app.migrations import alembic_config
from app.settings import Settings
from tests.cli.conftest import Leads, run_leads
from tests.databases import DEMO_NOW


def _revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


async def _state(url: str) -> tuple[str | None, bool]:
    """The database's migration and whether it holds leads."""
    database = Database.connect(Settings(database_url=url))
    try:
        async with database.read_engine.connect() as connection:
            revision = await connection.run_sync(_revision)
        async with database.reader() as session:
            return revision, await any_lead_exists(session)
    finally:
        await database.dispose()


def test_migrate_then_seed_demo_on_an_empty_database(empty_database: str) -> None:
    head = ScriptDirectory.from_config(alembic_config(empty_database)).get_current_head()

    migrated = run_leads(empty_database, "migrate")
    state_after_migrate = asyncio.run(_state(empty_database))
    seeded = run_leads(empty_database, "seed-demo")
    seeded_again = run_leads(empty_database, "seed-demo")

    assert (migrated.exit_code, state_after_migrate) == (0, (head, False))
    assert (seeded.exit_code, seeded.stdout) == (0, "demo data loaded\n")
    assert (seeded_again.exit_code, seeded_again.stdout) == (
        0,
        "the database has leads already; left as it is\n",
    )
    assert asyncio.run(_state(empty_database)) == (head, True)


def test_welcome_prints_a_header_with_a_live_token(leads: Leads, database_url: str) -> None:
    result = leads("welcome", "--url", "http://127.0.0.1:8000")

    lines = result.stdout.splitlines()
    assert lines[:2] == [
        "GraphiQL:      http://127.0.0.1:8000/graphql",
        f"Demo login:    username {DEMO_USERNAME}, password demo",
    ]
    token = re.fullmatch(r'Header:        \{"Authorization": "Bearer (.+)"\}', lines[2])
    assert token is not None

    async def signed_in() -> str | None:
        database = Database.connect(Settings(database_url=database_url))
        try:
            async with database.reader() as session:
                found = await authenticate(session, token.group(1), DEMO_NOW)
                return None if found is None else found.actor.username
        finally:
            await database.dispose()

    assert asyncio.run(signed_in()) == DEMO_USERNAME


def test_export_schema_writes_the_schema(leads: Leads, tmp_path: Path) -> None:
    output = tmp_path / "schema.graphql"

    result = leads("export-schema", "--output", str(output))

    assert result.exit_code == 0
    assert output.read_text() == schema.as_str() + "\n"
