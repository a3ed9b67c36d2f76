"""Leads as the seeds' JSON: snake_case keys, the records around a lead nested in full, dates
in UTC without an offset (`2015-02-13T09:52:09`), time periods as `{"time_period_value",
"time_period_uot"}`.

Every lead of a call is written at once, so each kind of nested record comes through the
request's loaders in one batch, whatever the number of leads. `status`, `type`, `category`,
`assigned_to`, `log_information` and the time periods are objects even when empty (their keys
null), as the seeds show them; the other references are null when a lead has none.
"""

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from datetime import UTC, datetime
from typing import Any, TypeVar

import orjson

from app.domain import models
from app.domain.enums import LeadSourceType, ProductSet
from app.domain.models import UDF_DATE_FIELDS, UDF_FLOAT_FIELDS, UDF_STRING_FIELDS
from app.domain.periods import TimePeriod, lead_time_overdue, lead_time_to_completion
from app.loaders import Loaders, RecordByIdLoader

JSON = dict[str, Any]
Row = TypeVar("Row", bound=models.Entity)

_NAMED_KEYS = ("id", "name", "alternative_code", "description")
_CATEGORY_KEYS = ("id", "name", "code", "description")
_STATUS_KEYS = (*_NAMED_KEYS, "life_cycle_state")
_PERIOD_KEYS = ("time_period_value", "time_period_uot")
_ASSIGNED_KEYS = ("user", "unit")
_LOG_KEYS = (
    "created_date",
    "updated_date",
    "created_by_user",
    "created_by_unit",
    "updated_by_user",
    "updated_by_unit",
)


def moment(value: datetime | None) -> str | None:
    """A date as the seeds write it: UTC, to the second, without an offset."""
    return None if value is None else value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


def _number(value: float) -> int | float:
    """A whole value as an integer (`3`, as the seeds write it), any other as it is."""
    return int(value) if value.is_integer() else value


def _period(period: TimePeriod | None) -> JSON:
    if period is None:
        return dict.fromkeys(_PERIOD_KEYS)
    return {"time_period_value": _number(period.value), "time_period_uot": period.unit}


def _pick(row: models.Entity, keys: Iterable[str]) -> JSON:
    return {key: getattr(row, key) for key in keys}


class LeadWriter:
    """Writes the leads of one call with that call's loaders, as of `now`, with the keys of
    `fields` (every key when not given; `id` always)."""

    def __init__(
        self, loaders: Loaders, now: datetime, fields: Iterable[str] | None = None
    ) -> None:
        self.loaders = loaders
        self.now = now
        chosen = set(fields or LEAD_KEYS) | {"id"}
        self.fields = [key for key in LEAD_KEYS if key in chosen]

    async def many(self, leads: Iterable[models.Lead]) -> list[JSON]:
        """The leads, in order."""
        return list(await asyncio.gather(*(self.one(lead) for lead in leads)))

    async def one(self, lead: models.Lead) -> JSON:
        """One lead."""
        nested = [key for key in self.fields if key in _NESTED]
        loaded = await asyncio.gather(*(_NESTED[key](self, lead) for key in nested))
        written = dict(zip(nested, loaded, strict=True))
        return {
            key: written[key] if key in written else _PLAIN[key](lead, self.now)
            for key in self.fields
        }

    async def _load(self, loader: RecordByIdLoader[Row], key: str | None) -> Row | None:
        return None if key is None else await loader.load(key)

    # the records around a lead ----------------------------------------------------------

    async def named(self, loader: RecordByIdLoader[Any], key: str | None) -> JSON | None:
        """A record with a name, an alternative code and a description."""
        row = await self._load(loader, key)
        return None if row is None else _pick(row, _NAMED_KEYS)

    async def status(self, lead: models.Lead) -> JSON:
        """The status, and the life cycle state it belongs to, as the newer seeds show it."""
        row = await self._load(self.loaders.status, lead.status_id)
        return dict.fromkeys(_STATUS_KEYS) if row is None else _pick(row, _STATUS_KEYS)

    async def category(self, lead: models.Lead) -> JSON:
        row = await self._load(self.loaders.category, lead.category_id)
        return dict.fromkeys(_CATEGORY_KEYS) if row is None else _pick(row, _CATEGORY_KEYS)

    async def user(self, key: str | None) -> JSON | None:
        row = await self._load(self.loaders.user, key)
        return None if row is None else _pick(row, ("id", "username", "person_name", "email"))

    async def unit(self, key: str | None) -> JSON | None:
        row = await self._load(self.loaders.unit, key)
        if row is None:
            return None
        group = await self._load(self.loaders.group, row.group_id)
        return {**_pick(row, _NAMED_KEYS), "group_name": None if group is None else group.name}

    async def contact(self, key: str | None) -> JSON | None:
        row = await self._load(self.loaders.contact, key)
        if row is None:
            return None
        return {
            **_pick(row, ("id", "type", "life_cycle_state", "title", "first_name")),
            **_pick(row, ("middle_name", "last_name", "company_name", "name")),
            # The seeds' companies have a profile (turnover, registration...) the domain does
            # not hold.
            "company_profile": None,
            "demographics": {
                **_pick(row, ("gender", "id_number", "passport_number", "social_security_number")),
                **_pick(row, ("passport_issued_by_country", "id_issued_by_country")),
                **_pick(row, ("industry", "industry_sector")),
                "date_of_birth": {
                    "day": row.birth_day,
                    "month": row.birth_month,
                    "year": row.birth_year,
                },
                "name_day": {"day": row.name_day_day, "month": row.name_day_month},
            },
        }

    async def accounts_receivable(self, key: str | None) -> JSON | None:
        row = await self._load(self.loaders.accounts_receivable, key)
        if row is None:
            return None
        owner = await self.contact(row.owner_id)
        return {**_pick(row, ("id", "number", "name", "life_cycle_state")), "account_owner": owner}

    async def correspondence(self, loader: RecordByIdLoader[Any], key: str | None) -> JSON | None:
        """A communication or a notification, with the contact it concerns."""
        row = await self._load(loader, key)
        if row is None:
            return None
        contact = await self.contact(row.contact_id)
        return {**_pick(row, ("id", "number", "life_cycle_state")), "contact_information": contact}

    async def lead_source(self, lead: models.Lead) -> JSON:
        kind = lead.source_type
        if kind is LeadSourceType.COMMUNICATIONS:
            communication = self.correspondence(
                self.loaders.communication, lead.source_communication_id
            )
            return {"type": kind, "communication": await communication}
        if kind is LeadSourceType.NOTIFICATIONS:
            notification = self.correspondence(
                self.loaders.notification, lead.source_notification_id
            )
            return {"type": kind, "notification": await notification}
        if kind is LeadSourceType.RECOMMENDEDBYEMPLOYEE:
            return {"type": kind, "recommended_by_employee": await self.user(lead.source_user_id)}
        if kind is LeadSourceType.RECOMMENDEDBYCONTACT:
            recommended = await self.contact(lead.source_contact_id)
            return {"type": kind, "recommended_by_contact": recommended}
        return {"type": kind, "name": lead.source_name}

    async def product_type(self, key: str | None) -> JSON | None:
        row = await self._load(self.loaders.product_type, key)
        if row is None:
            return None
        return {
            **_pick(row, _NAMED_KEYS),
            **_pick(row, ("classification", "service_type", "physical_good_type")),
            **_pick(row, ("used_for_provisioning", "composition_method")),
        }

    async def product(self, key: str | None) -> JSON | None:
        row = await self._load(self.loaders.product, key)
        if row is None:
            return None
        product_type = await self.product_type(row.product_type_id)
        return {
            **_pick(row, ("id", "code", "alternative_code", "description")),
            "product_type": product_type,
        }

    async def product_family(self, key: str | None) -> JSON | None:
        row = await self._load(self.loaders.product_family, key)
        return None if row is None else _pick(row, _CATEGORY_KEYS)

    async def product_brand(self, key: str | None) -> JSON | None:
        row = await self._load(self.loaders.product_brand, key)
        return None if row is None else _pick(row, ("id", "name", "description"))

    # the sets ---------------------------------------------------------------------------

    async def users_set(self, lead: models.Lead) -> list[JSON]:
        items = await self.loaders.lead_users.load(lead.id)
        users = await asyncio.gather(*(self.user(item.user_id) for item in items))
        return [{"id": item.id, "user": user} for item, user in zip(items, users, strict=True)]

    async def competitors_set(self, lead: models.Lead) -> list[JSON]:
        items = await self.loaders.lead_competitors.load(lead.id)
        rows = await asyncio.gather(
            *(self._load(self.loaders.competitor, item.competitor_id) for item in items)
        )
        keys = ("id", "name", "website", "description")
        return [
            {"id": item.id, "competitor": None if row is None else _pick(row, keys)}
            for item, row in zip(items, rows, strict=True)
        ]

    async def products(self, lead: models.Lead, product_set: ProductSet) -> list[JSON]:
        """The items of one product set: services and physical goods name a product or a
        product type; the products set a product, type, family or brand."""
        items = await self.loaders.lead_products.load(lead.id)
        chosen = [item for item in items if item.product_set is product_set]
        return list(await asyncio.gather(*(self.product_item(item) for item in chosen)))

    async def product_item(self, item: models.LeadProduct) -> JSON:
        product, product_type, family, brand = await asyncio.gather(
            self.product(item.product_id),
            self.product_type(item.product_type_id),
            self.product_family(item.product_family_id),
            self.product_brand(item.product_brand_id),
        )
        written = {"id": item.id, "product": product, "product_type": product_type}
        if item.product_set is ProductSet.PRODUCTS:
            written |= {"product_family": family, "product_brand": brand}
        return written

    # the rest of a lead -----------------------------------------------------------------

    async def assigned_to(self, lead: models.Lead) -> JSON:
        user, unit = await asyncio.gather(
            self.user(lead.assigned_user_id), self.unit(lead.assigned_unit_id)
        )
        return dict(zip(_ASSIGNED_KEYS, (user, unit), strict=True))

    async def subscription_package(self, lead: models.Lead) -> JSON | None:
        # The seeds' newer update example nests the package in an object of its own.
        package = await self.named(self.loaders.subscription_package, lead.subscription_package_id)
        return None if package is None else {"subscription_package": package}

    async def log_information(self, lead: models.Lead) -> JSON:
        who = await asyncio.gather(
            self.user(lead.created_by_user_id),
            self.unit(lead.created_by_unit_id),
            self.user(lead.updated_by_user_id),
            self.unit(lead.updated_by_unit_id),
        )
        dates = (moment(lead.created_at), moment(lead.updated_at))
        return dict(zip(_LOG_KEYS, (*dates, *who), strict=True))


Plain = Callable[[models.Lead, datetime], Any]
Nested = Callable[[LeadWriter, models.Lead], Awaitable[Any]]


def _column(name: str) -> Plain:
    return lambda lead, _: getattr(lead, name)


def _date(name: str) -> Plain:
    return lambda lead, _: moment(getattr(lead, name))


def _amount(lead: models.Lead, _: datetime) -> orjson.Fragment | None:
    # Exact, as a JSON number with the two decimals it is kept with (58.00), never a float.
    amount = lead.target_amount
    return None if amount is None else orjson.Fragment(format(amount, "f"))


def _estimated(lead: models.Lead, _: datetime) -> JSON:
    return _period(TimePeriod(lead.estimated_value, lead.estimated_unit))


def _named(loader: Callable[[Loaders], RecordByIdLoader[Any]], column: str) -> Nested:
    def write(writer: LeadWriter, lead: models.Lead) -> Awaitable[JSON | None]:
        return writer.named(loader(writer.loaders), getattr(lead, column))

    return write


def _products(product_set: ProductSet) -> Nested:
    def write(writer: LeadWriter, lead: models.Lead) -> Awaitable[list[JSON]]:
        return writer.products(lead, product_set)

    return write


# The keys of a lead computed from its row alone.
_PLAIN: dict[str, Plain] = {
    "id": _column("id"),
    "number": lambda lead, _: str(lead.number),
    "life_cycle_state": _column("life_cycle_state"),
    "importance": _column("importance"),
    "priority": _column("priority"),
    "probability_to_win": _column("probability_to_win"),
    "target_amount": _amount,
    "description": _column("description"),
    "contact_email": _column("contact_email"),
    "contact_phone": _column("contact_phone"),
    "start_date": _date("start_date"),
    "expected_completion_date": _date("expected_completion_date"),
    "estimated_completion_time": _estimated,
    "actual_completion_date": _date("actual_completion_date"),
    "time_to_completion": lambda lead, now: _period(lead_time_to_completion(lead, now)),
    "time_overdue": lambda lead, now: _period(lead_time_overdue(lead, now)),
    **{name: _column(name) for name in (*UDF_STRING_FIELDS, *UDF_FLOAT_FIELDS)},
    **{name: _date(name) for name in UDF_DATE_FIELDS},
}
# The keys of a lead that nest the records around it.
_NESTED: dict[str, Nested] = {
    "status": LeadWriter.status,
    "type": _named(lambda loaders: loaders.lead_type, "type_id"),
    "category": LeadWriter.category,
    "contact_information": lambda writer, lead: writer.contact(lead.contact_id),
    "accounts_receivable": (
        lambda writer, lead: writer.accounts_receivable(lead.accounts_receivable_id)
    ),
    "lead_source": LeadWriter.lead_source,
    "assigned_to": LeadWriter.assigned_to,
    "owned_by_group": _named(lambda loaders: loaders.group, "owned_by_group_id"),
    "privacy_level": _named(lambda loaders: loaders.privacy_level, "privacy_level_id"),
    "lead_owner": lambda writer, lead: writer.user(lead.lead_owner_id),
    "subscription_package": LeadWriter.subscription_package,
    "lost_reason": _named(lambda loaders: loaders.lost_reason, "lost_reason_id"),
    "users_set": LeadWriter.users_set,
    "competitors_set": LeadWriter.competitors_set,
    "services_set": _products(ProductSet.SERVICES),
    "physical_goods_set": _products(ProductSet.PHYSICAL_GOODS),
    "products_set": _products(ProductSet.PRODUCTS),
    "log_information": LeadWriter.log_information,
}
# Every key of a lead, in the order written.
LEAD_KEYS = (
    "id", "number", "life_cycle_state", "status", "type", "category", "importance", "priority",
    "probability_to_win", "target_amount", "description", "contact_email", "contact_phone",
    "contact_information", "accounts_receivable", "lead_source", "assigned_to",
    "owned_by_group", "privacy_level", "lead_owner", "subscription_package", "lost_reason",
    "start_date", "expected_completion_date", "estimated_completion_time",
    "actual_completion_date", "time_to_completion", "time_overdue", "users_set",
    "competitors_set", "services_set", "physical_goods_set", "products_set",
    *UDF_STRING_FIELDS, *UDF_FLOAT_FIELDS, *UDF_DATE_FIELDS, "log_information",
)  # fmt: skip
