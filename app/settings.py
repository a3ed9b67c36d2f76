"""Settings read from the environment (and a `.env` file when present), validated at start.

`python -m app.settings` checks them and names each variable that is wrong, so that a start
script can stop before any server process comes up.
"""

import os
import sys
from enum import StrEnum
from functools import lru_cache
from typing import Any

from pydantic import DirectoryPath, Field, ValidationError, field_validator
from pydantic_core import PydanticCustomError
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

# The async drivers the gateway is built and tested on.
SUPPORTED_DRIVERS = ("sqlite+aiosqlite", "postgresql+asyncpg")
# Where the counters that every worker shares may live (`limits` storage schemes).
SUPPORTED_STORAGES = ("memory", "redis", "rediss")
# Settings whose value may hold a password: an error names them without echoing the value.
_SECRET_SETTINGS = frozenset({"database_url", "rate_limit_storage"})
_EXAMPLES = "sqlite+aiosqlite:///PATH or postgresql+asyncpg://USER@HOST:5432/DATABASE"


class Profile(StrEnum):
    """How the gateway presents itself: development helps explorers, production hides."""

    DEVELOPMENT = "development"
    PRODUCTION = "production"


class LogLevel(StrEnum):
    """The least severe log line written."""

    DEBUG = "debug"
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


class Settings(BaseSettings):
    """Every knob of the gateway, named as its environment variable."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///./leads.db"
    profile: Profile = Profile.DEVELOPMENT
    token_lifetime_hours: float = Field(12.0, gt=0)
    database_pool_size: int = Field(5, ge=1)
    database_max_overflow: int = Field(10, ge=0)
    sqlite_busy_timeout_ms: int = Field(30_000, ge=0)
    host: str = Field("127.0.0.1", min_length=1)
    port: int = Field(8000, ge=1, le=65535)
    log_level: LogLevel = LogLevel.INFO
    ready_timeout_seconds: float = Field(2.0, gt=0, le=60)
    prometheus_multiproc_dir: DirectoryPath | None = None
    # How long a request waits for a pooled database connection before it is answered 503.
    database_pool_timeout_seconds: float = Field(5.0, gt=0, le=300)
    # Whether responses are built by plans fetched up front (app/graphql/planned/); off, every
    # field goes through graphql-core's standard executor and the per-request loaders.
    planned_execution: bool = True

    # Limits checked before any work: the request body, then the document before it is parsed,
    # then its shape before it is validated.
    max_body_bytes: int = Field(1_048_576, ge=1_024)
    max_document_bytes: int = Field(65_536, ge=1_024)
    max_anonymous_document_bytes: int = Field(8_192, ge=1_024)
    max_tokens: int = Field(2_000, ge=100)
    max_depth: int = Field(10, ge=2)
    max_aliases: int = Field(15, ge=0)
    max_directives_per_field: int = Field(4, ge=0)
    max_selections: int = Field(2_000, ge=100)
    max_merge_checks: int = Field(2_000, ge=100)
    max_variable_depth: int = Field(32, ge=2)
    # Bytes of parsed and validated documents kept per process (signed-in requests only).
    document_cache_bytes: int = Field(16_777_216, ge=0)

    # The cost model: the most one request may cost, and each user's budget of points shared
    # by every worker, refilled at a steady rate.
    max_query_cost: int = Field(10_000, ge=1)
    rate_limit_points: int = Field(100_000, ge=1)
    rate_limit_restore_rate: int = Field(2_000, ge=1)
    rate_limit_storage: str = Field("memory://", min_length=1)

    # Failed sign-ins: after `login_slowdown_after` failures in the window each further try
    # waits `login_slowdown_seconds`; past the limits the name, or the client address, is
    # refused until the window passes. The address limit is well above the username's, so
    # that one person's lockout spares colleagues behind the same address.
    login_failure_window_seconds: int = Field(900, ge=1)
    login_failures_per_username: int = Field(10, ge=1)
    login_failures_per_address: int = Field(100, ge=1)
    login_slowdown_after: int = Field(3, ge=1)
    login_slowdown_seconds: float = Field(1.0, ge=0, le=30)

    @field_validator("database_url")
    @classmethod
    def _supported_database(cls, url: str) -> str:
        try:
            parsed = make_url(url)
        except ArgumentError:
            raise PydanticCustomError(
                "database_url", "not a database URL; use {examples}", {"examples": _EXAMPLES}
            ) from None
        if parsed.drivername not in SUPPORTED_DRIVERS:
            raise PydanticCustomError(
                "database_url",
                "{url} names the driver '{driver}', which is not supported; use {examples}",
                {
                    "url": parsed.render_as_string(hide_password=True),
                    "driver": parsed.drivername,
                    "examples": _EXAMPLES,
                },
            )
        return url

    @field_validator("rate_limit_storage")
    @classmethod
    def _supported_storage(cls, url: str) -> str:
        scheme = url.partition("://")[0]
        if scheme not in SUPPORTED_STORAGES:
            raise PydanticCustomError(
                "rate_limit_storage",
                "the scheme '{scheme}' is not supported; use memory:// or redis://HOST:6379/0",
                {"scheme": scheme},
            )
        return url

    @field_validator("prometheus_multiproc_dir")
    @classmethod
    def _in_the_environment(cls, directory: DirectoryPath | None) -> DirectoryPath | None:
        # prometheus-client reads the variable itself, when it is imported, and never sees .env.
        if directory is not None and os.environ.get("PROMETHEUS_MULTIPROC_DIR") != str(directory):
            raise PydanticCustomError(
                "multiproc_dir",
                "set it in the environment, not in .env: prometheus-client reads it there",
            )
        return directory

    @property
    def serves_explorer(self) -> bool:
        """GraphiQL is served for people to explore the API, except in production."""
        return self.profile is Profile.DEVELOPMENT

    @property
    def introspection_is_public(self) -> bool:
        """Explorers may read the schema before they log in, except in production."""
        return self.profile is Profile.DEVELOPMENT


class SettingsError(TypeError):
    """Settings that cannot be used, with one line per variable saying what is wrong.

    A `TypeError` because uvicorn answers an app factory's `TypeError` with its message and a
    start-up failure that stops every worker, instead of restarting workers that would fail
    the same way forever.
    """


def _problem(error: Any) -> str:
    name = ".".join(str(part) for part in error["loc"]).upper()
    if error["loc"] and error["loc"][0] in _SECRET_SETTINGS:
        return f"{name}: {error['msg']}"
    return f"{name}={error['input']!r}: {error['msg']}"


def load_settings(**overrides: Any) -> Settings:
    """Settings from the environment, with `overrides` over it; `SettingsError` when invalid."""
    try:
        return Settings(**overrides)
    except ValidationError as error:
        lines = "\n".join(f"  {_problem(problem)}" for problem in error.errors())
        raise SettingsError(f"Invalid settings (environment or .env):\n{lines}") from None


@lru_cache
def get_settings() -> Settings:
    """The settings of this process, read once."""
    return load_settings()


if __name__ == "__main__":
    try:
        get_settings()
    except SettingsError as invalid:
        print(invalid, file=sys.stderr)
        sys.exit(2)
