"""A hand-written endpoint over the product's tables, for the bench to measure the gateway
against: test equipment, never part of the product (app/main.py does not import it).

It answers what the requests workload (app/bench/requests_workload.py) asks the product, with
JSON equal to the GraphQL `data`: a page of leads with about 25 fields each (`GET
/baseline/leads?first=N`, and `&after=CURSOR` deeper into the list), the overdue leads of a
type (`/baseline/overdue?first=N&type=NAME`), one lead by number (`/baseline/leads/N`), the
signed-in user's username (`/baseline/me`) and `{ __typename }` (`/baseline/typename`). It
does so the way one would by hand: its own SQL (app/bench/baseline_sql.py: the leads joined
to every to-one reference in one statement, their set items in another), the bearer token
checked in one statement, the same visibility rule as every read (`visible_to`), the periods
computed by `app.domain.periods` (app/bench/baseline_json.py), and orjson. `create_app`
serves it beside the product, in one process.
"""

import hashlib
from collections import defaultdict
from dataclasses import replace
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncConnection
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from app.bench.baseline_json import SetItems, lead_json
from app.bench.baseline_sql import SETS, TOKEN, PageKind, lead_statement, page_statement
from app.db import Database
from app.domain.auth import Actor
from app.domain.leads.queries import decode_cursor, encode_cursor
from app.graphql.context import Clock
from app.graphql.http import bearer_token, system_clock
from app.main import create_app as create_product_app
from app.settings import Settings

PREFIX = "/baseline/"
ME_PATH = f"{PREFIX}me"
TYPENAME_PATH = f"{PREFIX}typename"


def _json(data: dict[str, Any], status_code: int = 200) -> Response:
    return Response(orjson.dumps(data), status_code=status_code, media_type="application/json")


UNAUTHENTICATED = _json({"errors": [{"message": "Sign in first."}]}, 401)
TYPENAME = _json({"__typename": "Query"})


class Baseline:
    """The baseline's endpoints over the product's database."""

    def __init__(self, database: Database, clock: Clock) -> None:
        self.database = database
        self.clock = clock

    async def _actor(
        self, connection: AsyncConnection, request: Request, now: datetime
    ) -> Actor | None:
        token = bearer_token(request)
        if token is None:
            return None
        token_hash = hashlib.sha256(token.encode()).hexdigest()
        row = (await connection.execute(TOKEN, {"token_hash": token_hash, "now": now})).first()
        if row is None:
            return None
        return Actor(
            user_id=row.id,
            username=row.username,
            role=row.role,
            unit_id=row.unit_id,
            group_id=row.group_id,
        )

    async def _leads_json(
        self, connection: AsyncConnection, rows: list[Row[Any]], now: datetime
    ) -> list[dict[str, Any]]:
        items: SetItems = defaultdict(lambda: defaultdict(list))
        if rows:
            lead_ids = [row.id for row in rows]
            for item in await connection.execute(SETS, {"lead_ids": lead_ids}):
                items[item.lead_id][item.kind].append(item)
        return [lead_json(row, items[row.id], now) for row in rows]

    async def _page(
        self, request: Request, field: str, kind: PageKind, parameters: dict[str, Any]
    ) -> Response:
        """The first `first` leads of a list the signed-in user may see, with their count
        and cursors, as the GraphQL `data` holds the list under `field`."""
        first, now = int(request.query_params["first"]), self.clock()
        # `total=0`: a page without its list's count, as a client walking the cursors asks.
        kind = replace(kind, counted=request.query_params.get("total") != "0")
        async with self.database.read_engine.connect() as connection:
            actor = await self._actor(connection, request, now)
            if actor is None:
                return UNAUTHENTICATED
            statement = page_statement(actor, first, kind)
            rows = list(await connection.execute(statement, {"now": now, **parameters}))
            nodes = await self._leads_json(connection, rows[:first], now)
        cursors = [encode_cursor(row.number) for row in rows[:first]]
        listed: dict[str, Any] = {
            "pageInfo": {
                "hasNextPage": len(rows) > first,
                "endCursor": cursors[-1] if cursors else None,
            },
            "edges": [{"cursor": cursor} for cursor in cursors],
            "nodes": nodes,
        }
        if kind.counted:
            listed["totalCount"] = rows[0].total_count if rows else 0
        return _json({field: listed})

    async def page(self, request: Request) -> Response:
        """A page of all leads, from the first or after the cursor `after`."""
        after = request.query_params.get("after")
        if after is None:
            return await self._page(request, "leads", PageKind(), {})
        number = decode_cursor(after)
        return await self._page(request, "leads", PageKind(after=True), {"after": number})

    async def overdue(self, request: Request) -> Response:
        """A page of the overdue leads, of the lead type named `type` when given."""
        type_name = request.query_params.get("type")
        if type_name is None:
            return await self._page(request, "overdueLeads", PageKind(overdue=True), {})
        kind = PageKind(overdue=True, by_type=True)
        return await self._page(request, "overdueLeads", kind, {"type_name": type_name})

    async def lead(self, request: Request) -> Response:
        """The lead of this number, or null when the signed-in user may not see it."""
        number: int = request.path_params["number"]
        now = self.clock()
        async with self.database.read_engine.connect() as connection:
            actor = await self._actor(connection, request, now)
            if actor is None:
                return UNAUTHENTICATED
            rows = list(await connection.execute(lead_statement(actor), {"number": number}))
            nodes = await self._leads_json(connection, rows, now)
        return _json({"lead": nodes[0] if nodes else None})

    async def me(self, request: Request) -> Response:
        """The signed-in user's username."""
        async with self.database.read_engine.connect() as connection:
            actor = await self._actor(connection, request, self.clock())
        if actor is None:
            return UNAUTHENTICATED
        return _json({"me": {"username": actor.username}})

    async def typename(self, _: Request) -> Response:
        """The query type's name: a constant."""
        return TYPENAME

    def app(self) -> Starlette:
        """The baseline's routes, as an app of their own."""
        return Starlette(
            routes=[
                Route(f"{PREFIX}leads", self.page, methods=["GET"]),
                Route(f"{PREFIX}overdue", self.overdue, methods=["GET"]),
                Route(f"{PREFIX}leads/{{number:int}}", self.lead, methods=["GET"]),
                Route(ME_PATH, self.me, methods=["GET"]),
                Route(TYPENAME_PATH, self.typename, methods=["GET"]),
            ]
        )


class WithBaseline:
    """The product's app with the baseline in front: paths under `PREFIX` go to the baseline,
    past none of the product's middleware; everything else (and the lifespan) to the product."""

    def __init__(self, product: Starlette, baseline: Starlette) -> None:
        self.product = product
        self.baseline = baseline
        self.state = product.state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(PREFIX):
            await self.baseline(scope, receive, send)
        else:
            await self.product(scope, receive, send)


def _frozen(moment: datetime) -> Clock:
    return lambda: moment


def create_app(settings: Settings | None = None, clock: Clock | None = None) -> WithBaseline:
    """The product for `settings` (from the environment when omitted) with the baseline beside
    it. Unless given a clock, both read one that stands still at start-up: the bench compares
    the two answers taken moments apart, and a period shorter than a day would differ."""
    clock = clock or _frozen(system_clock())
    product = create_product_app(settings, clock)
    return WithBaseline(product, Baseline(product.state.database, clock).app())
