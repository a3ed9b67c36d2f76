"""A hand-written endpoint over the product's tables, for the bench to measure the gateway
against: test equipment, never part of the product (app/main.py does not import it).

It answers what the requests workload (app/bench/requests_workload.py) asks the product, with
JSON equal to the GraphQL `data`: a page of leads with about 25 fields each (`GET
/baseline/leads?first=N`), one lead by number (`/baseline/leads/N`), the signed-in user's
username (`/baseline/me`) and `{ __typename }` (`/baseline/typename`). It does so the way one
would by hand: its own SQL (the leads joined to every to-one reference in one statement, their
set items in another), the bearer token checked in one statement, the same visibility rule as
every read (`visible_to`), the periods computed by `app.domain.periods`, and orjson.
`create_app` serves it beside the product, in one process.
"""

import hashlib
from collections import defaultdict
from datetime import datetime
from functools import lru_cache
from typing import Any, cast

import orjson
from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Row,
    Select,
    String,
    Table,
    bindparam,
    case,
    func,
    literal,
    null,
    select,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.selectable import FromClause, NamedFromClause
from sqlmodel import SQLModel
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from app.db import Database
from app.domain.auth import Actor
from app.domain.enums import ContactType, LeadSourceType, ProductSet
from app.domain.leads.queries import encode_cursor
from app.domain.leads.visibility import visible_to
from app.domain.models import Lead
from app.domain.periods import TimePeriod, reference_time, time_overdue, time_to_completion
from app.graphql.context import Clock
from app.graphql.http import bearer_token, system_clock
from app.main import create_app as create_product_app
from app.settings import Settings

PREFIX = "/baseline/"
ME_PATH = f"{PREFIX}me"
TYPENAME_PATH = f"{PREFIX}typename"

_TABLES = SQLModel.metadata.tables
lead = _TABLES["lead"]

# Every to-one reference the page shows, joined into the page's one statement: its alias, its
# table, the column pointing to it (the lead's or an earlier reference's) and the columns the
# row takes of it, each labelled `<alias>_<column>` (a contact's `name` is computed).
_REFERENCES = (
    ("status", "lead_status", "lead.status_id", ("name", "life_cycle_state")),
    ("lead_type", "lead_type", "lead.type_id", ("name",)),
    ("default_category", "lead_category", "lead_type.default_category_id", ("name",)),
    ("category", "lead_category", "lead.category_id", ("name",)),
    ("contact", "contact", "lead.contact_id", ("name", "id_number")),
    ("account", "accounts_receivable", "lead.accounts_receivable_id", ("number",)),
    ("account_owner", "contact", "account.owner_id", ("name",)),
    ("communication", "communication", "lead.source_communication_id", ("number",)),
    ("communication_contact", "contact", "communication.contact_id", ("name",)),
    ("notification", "notification", "lead.source_notification_id", ("number",)),
    ("notification_contact", "contact", "notification.contact_id", ("name",)),
    ("source_user", "user", "lead.source_user_id", ("username",)),
    ("source_contact", "contact", "lead.source_contact_id", ("name",)),
    ("assigned_user", "user", "lead.assigned_user_id", ("username",)),
    ("assigned_user_unit", "unit", "assigned_user.unit_id", ("name",)),
    ("assigned_unit", "unit", "lead.assigned_unit_id", ("name",)),
    ("owned_by_group", "group", "lead.owned_by_group_id", ("name",)),
    ("privacy_level", "privacy_level", "lead.privacy_level_id", ("name",)),
    ("lead_owner", "user", "lead.lead_owner_id", ("username",)),
    ("subscription_package", "subscription_package", "lead.subscription_package_id", ("name",)),
    ("lost_reason", "lost_reason", "lead.lost_reason_id", ("name",)),
    ("created_by_user", "user", "lead.created_by_user_id", ("username",)),
    ("created_by_unit", "unit", "lead.created_by_unit_id", ("name",)),
    ("updated_by_user", "user", "lead.updated_by_user_id", ("username",)),
    ("updated_by_unit", "unit", "lead.updated_by_unit_id", ("name",)),
)
_LEAD_COLUMNS = [
    "id",
    "number",
    "life_cycle_state",
    "target_amount",
    "source_type",
    "source_name",
    "estimated_value",
    "estimated_unit",
    "expected_completion_date",
    "actual_completion_date",
    "created_at",
    "updated_at",
]
_SOURCE_TYPENAMES = {
    LeadSourceType.WEBSITE: "WebsiteSource",
    LeadSourceType.ADVERTISEMENT: "AdvertisementSource",
    LeadSourceType.COMMUNICATIONS: "CommunicationSource",
    LeadSourceType.NOTIFICATIONS: "NotificationSource",
    LeadSourceType.RECOMMENDEDBYEMPLOYEE: "EmployeeRecommendation",
    LeadSourceType.RECOMMENDEDBYCONTACT: "ContactRecommendation",
}


def _spaced(part: ColumnElement[Any]) -> ColumnElement[Any]:
    return func.coalesce(literal(" ", String) + func.nullif(part, ""), "")


def _contact_name(alias: NamedFromClause) -> ColumnElement[Any]:
    """The contact's name as `Contact.name` gives it, in SQL: the company's name, or the
    person's names that are not empty, one space apart; null when there is no contact."""
    c = alias.c
    names = _spaced(c.first_name) + _spaced(c.middle_name) + _spaced(c.last_name)
    return case(
        (c.type == ContactType.COMPANY, func.coalesce(c.company_name, "")),
        (c.id.is_not(None), func.substr(names, 2)),
    )


def _leads_with_references() -> tuple[FromClause, list[ColumnElement[Any]]]:
    """The lead table joined to every reference, and the columns a row takes of them."""
    aliases: dict[str, FromClause] = {"lead": lead}
    joined: FromClause = lead
    columns: list[ColumnElement[Any]] = [lead.c[name] for name in _LEAD_COLUMNS]
    for name, table, pointer, taken in _REFERENCES:
        alias = _TABLES[table].alias(name)
        referrer, key = pointer.split(".")
        # An outer join throughout: a reference the schema requires is there anyway.
        joined = joined.outerjoin(alias, alias.c.id == aliases[referrer].c[key])
        aliases[name] = alias
        for column in taken:
            value = (
                _contact_name(alias) if (table, column) == ("contact", "name") else alias.c[column]
            )
            columns.append(value.label(f"{name}_{column}"))
    return joined, columns


_JOINED, _COLUMNS = _leads_with_references()


def _leads_statement(actor: Actor) -> Select[Any]:
    """The leads `actor` may see, each in one row with everything it references."""
    return select(*_COLUMNS).select_from(_JOINED).where(visible_to(actor))


# The statements of a reader are built once, as a hand-written endpoint prepares its own.
@lru_cache(maxsize=256)
def page_statement(actor: Actor, first: int) -> Select[Any]:
    """The first `first` + 1 leads by number (the one more says whether a page follows), each
    with how many there are in all."""
    total = (
        select(func.count())
        .select_from(lead)
        .where(visible_to(actor))
        .correlate(None)
        .scalar_subquery()
    )
    return (
        _leads_statement(actor)
        .add_columns(total.label("total_count"))
        .order_by(lead.c.number)
        .limit(first + 1)
    )


@lru_cache(maxsize=256)
def lead_statement(actor: Actor) -> Select[Any]:
    """The lead numbered `:number`, when `actor` may see it."""
    return _leads_statement(actor).where(lead.c.number == bindparam("number"))


# The columns every kind of set item has in the union of them, null where a kind has none.
_SET_ITEM_COLUMNS = [
    "lead_id",
    "id",
    "kind",
    "username",
    "competitor_name",
    "product_code",
    "product_product_type_name",
    "product_type_name",
    "product_family_name",
    "product_brand_name",
]


def _set_items(
    item: Table, joined: FromClause, kind: ColumnElement[Any], **values: Any
) -> Select[Any]:
    columns = {"lead_id": item.c.lead_id, "id": item.c.id, "kind": kind, **values}
    return (
        select(*(columns.get(name, null()).label(name) for name in _SET_ITEM_COLUMNS))
        .select_from(joined)
        .where(item.c.lead_id.in_(bindparam("lead_ids", expanding=True)))
    )


def sets_statement() -> CompoundSelect[Any]:
    """The set items of the leads `:lead_ids`: team members, competitors and product set
    items, each in the order it was added."""
    lead_user, user = _TABLES["lead_user"], _TABLES["user"]
    lead_competitor, competitor = _TABLES["lead_competitor"], _TABLES["competitor"]
    lead_product, product = _TABLES["lead_product"], _TABLES["product"]
    product_product_type = _TABLES["product_type"].alias("product_product_type")
    product_type = _TABLES["product_type"]
    family, brand = _TABLES["product_family"], _TABLES["product_brand"]
    users = _set_items(
        lead_user,
        lead_user.outerjoin(user, user.c.id == lead_user.c.user_id),
        literal("USERS", String),
        username=user.c.username,
    )
    competitors = _set_items(
        lead_competitor,
        lead_competitor.outerjoin(competitor, competitor.c.id == lead_competitor.c.competitor_id),
        literal("COMPETITORS", String),
        competitor_name=competitor.c.name,
    )
    products = _set_items(
        lead_product,
        lead_product.outerjoin(product, product.c.id == lead_product.c.product_id)
        .outerjoin(product_product_type, product_product_type.c.id == product.c.product_type_id)
        .outerjoin(product_type, product_type.c.id == lead_product.c.product_type_id)
        .outerjoin(family, family.c.id == lead_product.c.product_family_id)
        .outerjoin(brand, brand.c.id == lead_product.c.product_brand_id),
        lead_product.c.product_set,
        product_code=product.c.code,
        product_product_type_name=product_product_type.c.name,
        product_type_name=product_type.c.name,
        product_family_name=family.c.name,
        product_brand_name=brand.c.name,
    )
    items = union_all(users, competitors, products)
    return items.order_by(items.selected_columns.lead_id, items.selected_columns.id)


SETS = sets_statement()


def token_statement() -> Select[Any]:
    """The user whose live token hashes to `:token_hash` at `:now`, with their unit's group
    (what visibility needs)."""
    access_token, user, unit = _TABLES["access_token"], _TABLES["user"], _TABLES["unit"]
    return (
        select(user.c.id, user.c.username, user.c.role, user.c.unit_id, unit.c.group_id)
        .select_from(
            access_token.join(user, user.c.id == access_token.c.user_id).outerjoin(
                unit, unit.c.id == user.c.unit_id
            )
        )
        .where(
            access_token.c.token_hash == bindparam("token_hash"),
            access_token.c.revoked_at.is_(None),
            access_token.c.expires_at > bindparam("now"),
        )
    )


TOKEN = token_statement()


# The set items of a page, by lead id and then by kind (USERS, COMPETITORS or a product set).
SetItems = dict[str, dict[str, list[Row[Any]]]]


def _named(name: str | None) -> dict[str, Any] | None:
    return None if name is None else {"name": name}


def _user(username: str | None) -> dict[str, Any] | None:
    return None if username is None else {"username": username}


def _period(period: TimePeriod | None) -> dict[str, Any] | None:
    return None if period is None else {"value": period.value, "unit": period.unit}


def _correspondence(number: str | None, contact_name: str | None) -> dict[str, Any] | None:
    if number is None:
        return None
    return {"number": number, "contactInformation": _named(contact_name)}


def _source(row: Row[Any]) -> dict[str, Any]:
    kind: LeadSourceType = row.source_type
    typename = _SOURCE_TYPENAMES.get(kind, "CustomSource")
    source: dict[str, Any] = {"__typename": typename, "type": kind}
    if kind is LeadSourceType.COMMUNICATIONS:
        source["communication"] = _correspondence(
            row.communication_number, row.communication_contact_name
        )
    elif kind is LeadSourceType.NOTIFICATIONS:
        source["notification"] = _correspondence(
            row.notification_number, row.notification_contact_name
        )
    elif kind is LeadSourceType.RECOMMENDEDBYEMPLOYEE:
        source["user"] = _user(row.source_user_username)
    elif kind is LeadSourceType.RECOMMENDEDBYCONTACT:
        source["contact"] = _named(row.source_contact_name)
    elif typename == "CustomSource":
        source |= {"kind": kind, "name": row.source_name}
    else:
        source["name"] = row.source_name
    return source


def _product_item(item: Row[Any], *, typed_product: bool, whole: bool) -> dict[str, Any]:
    """A product set item; `typed_product` with its product's type, `whole` with the family
    and brand it may name."""
    product: dict[str, Any] | None = None
    if item.product_code is not None:
        product = {"code": item.product_code}
        if typed_product:
            product["productType"] = _named(item.product_product_type_name)
    shown = {"product": product, "productType": _named(item.product_type_name)}
    if whole:
        shown["productFamily"] = _named(item.product_family_name)
        shown["productBrand"] = _named(item.product_brand_name)
    return shown


def lead_json(row: Row[Any], items: dict[str, list[Row[Any]]], now: datetime) -> dict[str, Any]:
    """A lead as the GraphQL `data` holds it for the workload's selection of a lead."""
    # The row holds every column `reference_time` reads of a lead.
    reference = reference_time(cast(Lead, row), now)
    expected = row.expected_completion_date
    target = row.target_amount
    return {
        "number": str(row.number),
        "lifeCycleState": row.life_cycle_state,
        "targetAmount": None if target is None else str(target),
        "status": {"name": row.status_name, "lifeCycleState": row.status_life_cycle_state},
        "type": {"name": row.lead_type_name, "defaultCategory": _named(row.default_category_name)},
        "category": _named(row.category_name),
        "contactInformation": {
            "name": row.contact_name,
            "demographics": {"idNumber": row.contact_id_number},
        },
        "accountsReceivable": None
        if row.account_number is None
        else {"number": row.account_number, "accountOwner": _named(row.account_owner_name)},
        "leadSource": _source(row),
        "assignedTo": {
            "user": None
            if row.assigned_user_username is None
            else {
                "username": row.assigned_user_username,
                "unit": _named(row.assigned_user_unit_name),
            },
            "unit": _named(row.assigned_unit_name),
        },
        "ownedByGroup": _named(row.owned_by_group_name),
        "privacyLevel": _named(row.privacy_level_name),
        "leadOwner": _user(row.lead_owner_username),
        "subscriptionPackage": _named(row.subscription_package_name),
        "lostReason": _named(row.lost_reason_name),
        "usersSet": [{"user": _user(item.username)} for item in items["USERS"]],
        "competitorsSet": [
            {"competitor": _named(item.competitor_name)} for item in items["COMPETITORS"]
        ],
        "servicesSet": [
            _product_item(item, typed_product=True, whole=True)
            for item in items[ProductSet.SERVICES]
        ],
        "physicalGoodsSet": [
            _product_item(item, typed_product=True, whole=False)
            for item in items[ProductSet.PHYSICAL_GOODS]
        ],
        "productsSet": [
            _product_item(item, typed_product=False, whole=True)
            for item in items[ProductSet.PRODUCTS]
        ],
        "logInformation": {
            "createdDate": row.created_at,
            "updatedDate": row.updated_at,
            "createdByUser": _user(row.created_by_user_username),
            "createdByUnit": _named(row.created_by_unit_name),
            "updatedByUser": _user(row.updated_by_user_username),
            "updatedByUnit": _named(row.updated_by_unit_name),
        },
        "estimatedCompletionTime": {
            "value": float(row.estimated_value),
            "unit": row.estimated_unit,
        },
        "timeToCompletion": _period(time_to_completion(reference, expected)),
        "timeOverdue": _period(time_overdue(reference, expected)),
    }


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

    async def page(self, request: Request) -> Response:
        """The first `first` leads the signed-in user may see, with their count and cursors."""
        first, now = int(request.query_params["first"]), self.clock()
        async with self.database.read_engine.connect() as connection:
            actor = await self._actor(connection, request, now)
            if actor is None:
                return UNAUTHENTICATED
            rows = list(await connection.execute(page_statement(actor, first)))
            nodes = await self._leads_json(connection, rows[:first], now)
        cursors = [encode_cursor(row.number) for row in rows[:first]]
        return _json(
            {
                "leads": {
                    "totalCount": rows[0].total_count if rows else 0,
                    "pageInfo": {
                        "hasNextPage": len(rows) > first,
                        "endCursor": cursors[-1] if cursors else None,
                    },
                    "edges": [{"cursor": cursor} for cursor in cursors],
                    "nodes": nodes,
                }
            }
        )

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
