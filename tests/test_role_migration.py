"""The migration that brings roles: users who exist keep doing everything (ADMINISTRATOR); a
user created afterwards may only look (READ_ONLY) until given a role."""

import asyncio

from alembic import command
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from app.migrations import alembic_config

INSERT_USER = (
    'INSERT INTO "user" (id, username, person_name, password_hash) '
    "VALUES (:id, :username, :username, 'x')"
)


async def _run(url: str, *statements: tuple[str, dict[str, str]]) -> None:
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            for statement, values in statements:
                await connection.execute(text(statement), values)
    finally:
        await engine.dispose()


async def _roles(url: str) -> dict[str, str]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            rows = await connection.execute(text('SELECT username, role FROM "user"'))
            return {str(username): str(role) for username, role in rows}
    finally:
        await engine.dispose()


def test_existing_users_become_administrators_and_later_ones_read_only(
    empty_database: str,
) -> None:
    config = alembic_config(empty_database)
    command.upgrade(config, "0002")
    asyncio.run(_run(empty_database, (INSERT_USER, {"id": "A" * 32, "username": "before"})))

    command.upgrade(config, "head")
    asyncio.run(_run(empty_database, (INSERT_USER, {"id": "B" * 32, "username": "after"})))

    assert asyncio.run(_roles(empty_database)) == {"before": "ADMINISTRATOR", "after": "READ_ONLY"}
