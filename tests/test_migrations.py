"""The migrations are the schema: applied to an empty database they give exactly the models."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

from app.db import Database


def _differences(connection: Connection) -> list[object]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, SQLModel.metadata))


async def test_models_and_migrations_agree(database: Database) -> None:
    async with database.read_engine.connect() as connection:
        differences = await connection.run_sync(_differences)
    assert differences == []


async def test_number_series_start_after_the_demo_data(database: Database) -> None:
    async with database.read_engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            last = await connection.scalar(text("SELECT last_value FROM lead_number_seq"))
        else:
            last = await connection.scalar(
                text("SELECT value FROM counter WHERE name = 'lead_number_seq'")
            )
    assert last == 299
