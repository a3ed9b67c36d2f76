"""What every resolver of one request shares: the database, loaders, one clock, the user."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeAlias

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.types import Info as StrawberryInfo

from app.db import Database
from app.domain.auth import Actor
from app.domain.models import User
from app.graphql.loaders import Loaders
from app.settings import Settings

Clock = Callable[[], datetime]


@dataclass
class Context:
    """The context of one GraphQL request."""

    request: Request | WebSocket
    response: Response | WebSocket
    database: Database
    settings: Settings
    now: datetime
    loaders: Loaders
    user: User | None = None
    token: str | None = None

    @property
    def actor(self) -> Actor:
        """The signed-in user as the author of a change (only called once authenticated)."""
        assert self.user is not None
        return Actor(user_id=self.user.id, unit_id=self.user.unit_id)


Info: TypeAlias = StrawberryInfo[Context, None]
