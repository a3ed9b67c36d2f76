"""Commands that run the service: prepare the database, load the demo data, say how to reach
the server, export the GraphQL schema."""

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer

from app.cli.running import settings, with_database
from app.db import Database, in_transaction, refresh_statistics
from app.demo import DEMO_ADMINISTRATOR, DEMO_PASSWORD, load_demo_data
from app.domain.auth import log_in


def migrate() -> None:
    """Bring the database to the newest schema, and refresh the planner's statistics."""
    # Alembic takes a good part of a second to import; only this command needs it.
    from app.migrations import upgrade

    upgrade(settings().database_url)
    with_database(refresh_statistics)


def seed_demo() -> None:
    """Load the demo data into a database without leads; one with leads is left as it is."""

    async def load(database: Database) -> bool:
        now = datetime.now(UTC)
        loaded = await in_transaction(database.writer, lambda s: load_demo_data(s, now))
        await refresh_statistics(database)
        return loaded

    loaded = with_database(load)
    typer.echo("demo data loaded" if loaded else "the database has leads already; left as it is")


def welcome(url: Annotated[str, typer.Option(help="Where the server listens.")]) -> None:
    """Print how to reach the server, with a fresh token of the demo administrator."""
    lifetime = timedelta(hours=settings().token_lifetime_hours)

    async def sign_in(database: Database) -> str:
        session = await in_transaction(
            database.writer,
            lambda s: log_in(s, DEMO_ADMINISTRATOR, DEMO_PASSWORD, datetime.now(UTC), lifetime),
        )
        return session.token

    token = with_database(sign_in)
    typer.echo(f"GraphiQL:      {url}/graphql")
    typer.echo(f"Demo login:    username {DEMO_ADMINISTRATOR}, password {DEMO_PASSWORD}")
    typer.echo(f'Header:        {{"Authorization": "Bearer {token}"}}')


def export_schema(
    output: Annotated[Path, typer.Option(help="Where to write the schema.")] = Path(
        "schema.graphql"
    ),
) -> None:
    """Write the GraphQL schema in SDL."""
    from app.graphql.schema import schema

    output.write_text(schema.as_str() + "\n")
