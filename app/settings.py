"""Settings read from the environment (and a `.env` file when present)."""

from enum import StrEnum
from functools import lru_cache

from pydantic_settings import BaseSettings, SettingsConfigDict


class Profile(StrEnum):
    """How the gateway presents itself: development helps explorers, production hides."""

    DEVELOPMENT = "development"
    PRODUCTION = "production"


class Settings(BaseSettings):
    """Every knob of the gateway, named as its environment variable."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///./leads.db"
    profile: Profile = Profile.DEVELOPMENT
    token_lifetime_hours: float = 12.0
    database_pool_size: int = 5
    database_max_overflow: int = 10
    sqlite_busy_timeout_ms: int = 30_000

    @property
    def introspection_is_public(self) -> bool:
        """Explorers may read the schema before they log in, except in production."""
        return self.profile is Profile.DEVELOPMENT


@lru_cache
def get_settings() -> Settings:
    """The settings of this process, read once."""
    return Settings()
