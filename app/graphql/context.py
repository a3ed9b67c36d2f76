"""What every resolver of one request shares: the database, loaders, one clock, the user."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeAlias

from limits.aio.storage import Storage
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.types import Info as StrawberryInfo

from app.db import Database
from app.domain.auth import Actor
from app.domain.models import User
from app.loaders import Loaders
from app.reads import RequestReads
from app.settings import Settings

Clock = Callable[[], datetime]


@dataclass
class Context:
    """The context of one GraphQL request."""

    request: Request | WebSocket
    response: Response | WebSocket
    database: Database
    settings: Settings
    # The counters every worker shares (rate limits, sign-in throttling).
    counters: Storage
    now: datetime
    loaders: Loaders
    # The request's read sessions (one for a whole query): every read of the request opens here.
    reads: RequestReads
    user: User | None = None
    signed_in_as: Actor | None = None
    token: str | None = None

    @property
    def actor(self) -> Actor:
        """The signed-in user as the reader and author of changes (only called once
        authenticated)."""
        assert self.signed_in_as is not None
        return self.signed_in_as


Info: TypeAlias = StrawberryInfo[Context, None]
