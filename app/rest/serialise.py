"""Leads as the seeds' JSON: snake_case keys, the records around a lead nested in full, dates
in UTC without an offset (`2015-02-13T09:52:09`), time periods as `{"time_period_value",
"time_period_uot"}`.

Every lead of a call is written at once, from what the domain's fetch of related records
(`app/domain/related.py`) reads around them in two statements, whatever the number of leads:
every record they name at any depth in one joined statement, the items of their sets with
what those name in one more. `status`, `type`, `category`, `assigned_to`, `log_information`
and the time periods are objects even when empty (their keys null), as the seeds show them;
the other references are null when a lead has none.
"""

from collections.abc import Callable, Collection, Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from app.domain import models
from app.domain.enums import LeadSourceType, ProductSet
from app.domain.models import UDF_DATE_FIELDS, UDF_FLOAT_FIELDS, UDF_STRING_FIELDS, Entity
from app.domain.periods import TimePeriod, lead_time_overdue, lead_time_to_completion
from app.domain.related import ALL_COLUMNS, Follow, Related, RowRecord, fetch_related

JSON = dict[str, Any]

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

# What a lead's JSON nests: for each foreign key, the table it names and the foreign keys to
# follow from there; then, for each set's item table, what its items name.
References = dict[str, tuple[type[Entity], "References"]]
_UNIT: References = {"group_id": (models.Group, {})}
_LEAD_REFERENCES: References = {
    "status_id": (models.LeadStatus, {}),
    "type_id": (models.LeadType, {}),
    "category_id": (models.LeadCategory, {}),
    "contact_id": (models.Contact, {}),
    "accounts_receivable_id": (models.AccountsReceivable, {"owner_id": (models.Contact, {})}),
    "source_communication_id": (models.Communication, {"contact_id": (models.Contact, {})}),
    "source_notification_id": (models.Notification, {"contact_id": (models.Contact, {})}),
    "source_user_id": (models.User, {}),
    "source_contact_id": (models.Contact, {}),
    "assigned_user_id": (models.User, {}),
    "assigned_unit_id": (models.Unit, _UNIT),
    "owned_by_group_id": (models.Group, {}),
    "privacy_level_id": (models.PrivacyLevel, {}),
    "lead_owner_id": (models.User, {}),
    "subscription_package_id": (models.SubscriptionPackage, {}),
    "lost_reason_id": (models.LostReason, {}),
    "created_by_user_id": (models.User, {}),
    "created_by_unit_id": (models.Unit, _UNIT),
    "updated_by_user_id": (models.User, {}),
    "updated_by_unit_id": (models.Unit, _UNIT),
}
_ITEM_REFERENCES: dict[type[Entity], References] = {
    models.LeadUser: {"user_id": (models.User, {})},
    models.LeadCompetitor: {"competitor_id": (models.Competitor, {})},
    models.LeadProduct: {
        "product_id": (models.Product, {"product_type_id": (models.ProductType, {})}),
        "product_type_id": (models.ProductType, {}),
        "product_family_id": (models.ProductFamily, {}),
        "product_brand_id": (models.ProductBrand, {}),
    },
}


def _follow(follow: Follow, references: References) -> Follow:
    for foreign_key, (model, deeper) in references.items():
        _follow(follow.follow(foreign_key, model), deeper)
    return follow


def _lead_follow() -> Follow:
    lead = _follow(Follow(models.Lead), _LEAD_REFERENCES)
    for model, references in _ITEM_REFERENCES.items():
        _follow(lead.items_of(model, "lead_id"), references)
    return lead


# Built once: its statements are made on first use and kept.
_LEAD_FOLLOW = _lead_follow()


async def read_around(
    session: AsyncSession, leads: Sequence[models.Lead], fields: Collection[str] | None = None
) -> Related:
    """Everything the JSON of `leads` with the keys of `fields` (every key when none is
    given) nests, in two statements; nothing when none of those keys nests a record."""
    if fields and _NESTING.isdisjoint(fields):
        return Related()
    return await fetch_related(session, _LEAD_FOLLOW, [lead.id for lead in leads], ALL_COLUMNS)


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


def _pick(row: RowRecord, keys: Iterable[str]) -> JSON:
    return {key: getattr(row, key) for key in keys}


class LeadWriter:
    """Writes the leads of one call from what was read around them (`read_around`), as of
    `now`, with the keys of `fields` (every key when not given; `id` always)."""

    def __init__(
        self, related: Related, now: datetime, fields: Iterable[str] | None = None
    ) -> None:
        self.related = related
        self.now = now
        chosen = set(fields or LEAD_KEYS) | {"id"}
        self.writers = [(key, _WRITERS[key]) for key in LEAD_KEYS if key in chosen]

    def many(self, leads: Iterable[models.Lead]) -> list[JSON]:
        """The leads, in order."""
        return [self.one(lead) for lead in leads]

    def one(self, lead: models.Lead) -> JSON:
        """One lead."""
        return {key: write(self, lead) for key, write in self.writers}

    def _record(self, model: type[Entity], key: str | None) -> RowRecord | None:
        return None if key is None else self.related.record(model, key)

    # the records around a lead ----------------------------------------------------------

    def named(self, model: type[Entity], key: str | None) -> JSON | None:
        """A record with a name, an alternative code and a description."""
        row = self._record(model, key)
        return None if row is None else _pick(row, _NAMED_KEYS)

    def status(self, lead: models.Lead) -> JSON:
        """The status, and the life cycle state it belongs to, as the newer seeds show it."""
        row = self._record(models.LeadStatus, lead.status_id)
        return dict.fromkeys(_STATUS_KEYS) if row is None else _pick(row, _STATUS_KEYS)

    def category(self, lead: models.Lead) -> JSON:
        row = self._record(models.LeadCategory, lead.category_id)
        return dict.fromkeys(_CATEGORY_KEYS) if row is None else _pick(row, _CATEGORY_KEYS)

    def user(self, key: str | None) -> JSON | None:
        row = self._record(models.User, key)
        return None if row is None else _pick(row, ("id", "username", "person_name", "email"))

    def unit(self, key: str | None) -> JSON | None:
        row = self._record(models.Unit, key)
        if row is None:
            return None
        group = self._record(models.Group, row.group_id)
        return {**_pick(row, _NAMED_KEYS), "group_name": None if group is None else group.name}

    def contact(self, key: str | None) -> JSON | None:
        row = self._record(models.Contact, key)
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

    def accounts_receivable(self, key: str | None) -> JSON | None:
        row = self._record(models.AccountsReceivable, key)
        if row is None:
            return None
        owner = self.contact(row.owner_id)
        return {**_pick(row, ("id", "number", "name", "life_cycle_state")), "account_owner": owner}

    def correspondence(self, model: type[Entity], key: str | None) -> JSON | None:
        """A communication or a notification, with the contact it concerns."""
        row = self._record(model, key)
        if row is None:
            return None
        contact = self.contact(row.contact_id)
        return {**_pick(row, ("id", "number", "life_cycle_state")), "contact_information": contact}

    def lead_source(self, lead: models.Lead) -> JSON:
        kind = lead.source_type
        if kind is LeadSourceType.COMMUNICATIONS:
            communication = self.correspondence(models.Communication, lead.source_communication_id)
            return {"type": kind, "communication": communication}
        if kind is LeadSourceType.NOTIFICATIONS:
            notification = self.correspondence(models.Notification, lead.source_notification_id)
            return {"type": kind, "notification": notification}
        if kind is LeadSourceType.RECOMMENDEDBYEMPLOYEE:
            return {"type": kind, "recommended_by_employee": self.user(lead.source_user_id)}
        if kind is LeadSourceType.RECOMMENDEDBYCONTACT:
            return {"type": kind, "recommended_by_contact": self.contact(lead.source_contact_id)}
        return {"type": kind, "name": lead.source_name}

    def product_type(self, key: str | None) -> JSON | None:
        row = self._record(models.ProductType, key)
        if row is None:
            return None
        return {
            **_pick(row, _NAMED_KEYS),
            **_pick(row, ("classification", "service_type", "physical_good_type")),
            **_pick(row, ("used_for_provisioning", "composition_method")),
        }

    def product(self, key: str | None) -> JSON | None:
        row = self._record(models.Product, key)
        if row is None:
            return None
        return {
            **_pick(row, ("id", "code", "alternative_code", "description")),
            "product_type": self.product_type(row.product_type_id),
        }

    def product_family(self, key: str | None) -> JSON | None:
        row = self._record(models.ProductFamily, key)
        return None if row is None else _pick(row, _CATEGORY_KEYS)

    def product_brand(self, key: str | None) -> JSON | None:
        row = self._record(models.ProductBrand, key)
        return None if row is None else _pick(row, ("id", "name", "description"))

    # the sets ---------------------------------------------------------------------------

    def _items(self, model: type[Entity], lead: models.Lead) -> list[RowRecord]:
        return self.related.items_of(model, "lead_id", lead.id) or []

    def users_set(self, lead: models.Lead) -> list[JSON]:
        return [
            {"id": item.id, "user": self.user(item.user_id)}
            for item in self._items(models.LeadUser, lead)
        ]

    def competitors_set(self, lead: models.Lead) -> list[JSON]:
        keys = ("id", "name", "website", "description")
        written = []
        for item in self._items(models.LeadCompetitor, lead):
            row = self._record(models.Competitor, item.competitor_id)
            written.append({"id": item.id, "competitor": None if row is None else _pick(row, keys)})
        return written

    def products(self, lead: models.Lead, product_set: ProductSet) -> list[JSON]:
        """The items of one product set: services and physical goods name a product or a
        product type; the products set a product, type, family or brand."""
        items = self._items(models.LeadProduct, lead)
        return [self.product_item(item) for item in items if item.product_set is product_set]

    def product_item(self, item: RowRecord) -> JSON:
        written = {
            "id": item.id,
            "product": self.product(item.product_id),
            "product_type": self.product_type(item.product_type_id),
        }
        if item.product_set is ProductSet.PRODUCTS:
            written |= {
                "product_family": self.product_family(item.product_family_id),
                "product_brand": self.product_brand(item.product_brand_id),
            }
        return written

    # the rest of a lead -----------------------------------------------------------------

    def assigned_to(self, lead: models.Lead) -> JSON:
        user, unit = self.user(lead.assigned_user_id), self.unit(lead.assigned_unit_id)
        return dict(zip(_ASSIGNED_KEYS, (user, unit), strict=True))

    def subscription_package(self, lead: models.Lead) -> JSON | None:
        # The seeds' newer update example nests the package in an object of its own.
        package = self.named(models.SubscriptionPackage, lead.subscription_package_id)
        return None if package is None else {"subscription_package": package}

    def log_information(self, lead: models.Lead) -> JSON:
        who = (
            self.user(lead.created_by_user_id),
            self.unit(lead.created_by_unit_id),
            self.user(lead.updated_by_user_id),
            self.unit(lead.updated_by_unit_id),
        )
        dates = (moment(lead.created_at), moment(lead.updated_at))
        return dict(zip(_LOG_KEYS, (*dates, *who), strict=True))


Write = Callable[[LeadWriter, models.Lead], Any]


def _column(name: str) -> Write:
    return lambda _, lead: getattr(lead, name)


def _date(name: str) -> Write:
    return lambda _, lead: moment(getattr(lead, name))


def _amount(_: LeadWriter, lead: models.Lead) -> orjson.Fragment | None:
    # Exact, as a JSON number with the two decimals it is kept with (58.00), never a float.
    amount = lead.target_amount
    return None if amount is None else orjson.Fragment(format(amount, "f"))


def _estimated(_: LeadWriter, lead: models.Lead) -> JSON:
    return _period(TimePeriod(lead.estimated_value, lead.estimated_unit))


def _named(model: type[Entity], column: str) -> Write:
    return lambda writer, lead: writer.named(model, getattr(lead, column))


def _products(product_set: ProductSet) -> Write:
    return lambda writer, lead: writer.products(lead, product_set)


# How each key of a lead is written from its row alone.
_PLAIN: dict[str, Write] = {
    "id": _column("id"),
    "number": lambda _, lead: str(lead.number),
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
    "time_to_completion": lambda writer, lead: _period(lead_time_to_completion(lead, writer.now)),
    "time_overdue": lambda writer, lead: _period(lead_time_overdue(lead, writer.now)),
    **{name: _column(name) for name in (*UDF_STRING_FIELDS, *UDF_FLOAT_FIELDS)},
    **{name: _date(name) for name in UDF_DATE_FIELDS},
}
# How each key of a lead that nests records is written, from those read around it.
_NESTED: dict[str, Write] = {
    "status": LeadWriter.status,
    "type": _named(models.LeadType, "type_id"),
    "category": LeadWriter.category,
    "contact_information": lambda writer, lead: writer.contact(lead.contact_id),
    "accounts_receivable": (
        lambda writer, lead: writer.accounts_receivable(lead.accounts_receivable_id)
    ),
    "lead_source": LeadWriter.lead_source,
    "assigned_to": LeadWriter.assigned_to,
    "owned_by_group": _named(models.Group, "owned_by_group_id"),
    "privacy_level": _named(models.PrivacyLevel, "privacy_level_id"),
    "lead_owner": lambda writer, lead: writer.user(lead.lead_owner_id),
    "subscription_package": LeadWriter.subscription_package,
    "lost_reason": _named(models.LostReason, "lost_reason_id"),
    "users_set": LeadWriter.users_set,
    "competitors_set": LeadWriter.competitors_set,
    "services_set": _products(ProductSet.SERVICES),
    "physical_goods_set": _products(ProductSet.PHYSICAL_GOODS),
    "products_set": _products(ProductSet.PRODUCTS),
    "log_information": LeadWriter.log_information,
}
_WRITERS = {**_PLAIN, **_NESTED}
_NESTING = frozenset(_NESTED)
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
