"""Commands that humans and CI run through `scripts/`: prepare the database, load the demo
data, export the schema, issue a demo token."""

import argparse
import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

from app.db import Database, in_transaction
from app.demo import DEMO_ADMINISTRATOR, DEMO_PASSWORD, load_demo_data
from app.domain.auth import log_in
from app.migrations import upgrade
from app.settings import Settings, get_settings

DEMO_USERNAME = DEMO_ADMINISTRATOR


async def _seed_demo(settings: Settings) -> bool:
    database = Database.connect(settings)
    try:
        now = datetime.now(UTC)
        return await in_transaction(database.writer, lambda s: load_demo_data(s, now))
    finally:
        await database.dispose()


async def _demo_token(settings: Settings) -> str:
    database = Database.connect(settings)
    try:
        lifetime = timedelta(hours=settings.token_lifetime_hours)
        session = await in_transaction(
            database.writer,
            lambda s: log_in(s, DEMO_USERNAME, DEMO_PASSWORD, datetime.now(UTC), lifetime),
        )
        return session.token
    finally:
        await database.dispose()


def export_schema(output: Path) -> None:
    """Write the GraphQL schema in SDL."""
    from app.graphql.schema import schema

    output.write_text(schema.as_str() + "\n")


def main() -> None:
    """Parse the command line and run one command."""
    parser = argparse.ArgumentParser(prog="python -m app.cli", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="bring the database to the newest schema")
    commands.add_parser("seed-demo", help="load the demo data into a database without leads")
    welcome = commands.add_parser("welcome", help="print how to reach the server")
    welcome.add_argument("--url", required=True)
    export = commands.add_parser("export-schema", help="write schema.graphql")
    export.add_argument("--output", type=Path, default=Path("schema.graphql"))
    arguments = parser.parse_args()
    settings = get_settings()
    if arguments.command == "migrate":
        upgrade(settings.database_url)
    elif arguments.command == "seed-demo":
        loaded = asyncio.run(_seed_demo(settings))
        print("demo data loaded" if loaded else "the database has leads already; left as it is")
    elif arguments.command == "welcome":
        token = asyncio.run(_demo_token(settings))
        print(f"GraphiQL:      {arguments.url}/graphql")
        print(f"Demo login:    username {DEMO_USERNAME}, password {DEMO_PASSWORD}")
        print(f'Header:        {{"Authorization": "Bearer {token}"}}')
    else:
        export_schema(arguments.output)


if __name__ == "__main__":
    main()
