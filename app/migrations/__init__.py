"""Alembic migrations: the only way the schema is made, on SQLite and on PostgreSQL."""

from pathlib import Path

from alembic import command
from alembic.config import Config

_HERE = Path(__file__).parent


def alembic_config(database_url: str) -> Config:
    """An Alembic configuration for `database_url`, without an ini file."""
    config = Config()
    config.set_main_option("script_location", str(_HERE))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str) -> None:
    """Bring the database at `database_url` to the newest schema."""
    command.upgrade(alembic_config(database_url), "head")
