"""The rows of the bench's data set, drawn from one seeded random generator: the organisation
beyond the demo's (regional groups, their units and sales users), contacts with accounts
receivable, communications and notifications, and the leads with their set items.

Every id is made from the table's tag and the row's index, so that two builds of one size
hold the same rows (the demo catalog's own ids aside) and ids sort in the order rows were
made, as `new_id` makes them sort. Leads are numbered 1 to `size` in the order they were
started: the older a lead, the likelier it is completed or overdue.
"""

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlmodel import SQLModel

from app.domain import enums, models  # noqa: F401  (the lead table on the metadata)
from app.domain.enums import LeadSourceType, LifeCycleState, ProductSet, Role

# The moment the data set is drawn around: leads started over the two years before it, and
# are due from a week to eighteen months after they started.
ANCHOR = datetime(2026, 12, 1, tzinfo=UTC)
HISTORY_DAYS = 730
SEED = 2026
REGIONS = 6
# Leads per contact, and contacts per communication (and per notification).
LEADS_PER_CONTACT = 20
CONTACTS_PER_MESSAGE = 50


def record_id(tag: int, index: int) -> str:
    """The id of row `index` of the table tagged `tag`: 32 hex digits like `new_id`'s."""
    return f"{tag:04X}{index:028X}"


class Tag:
    """The tag of each table's ids."""

    GROUP, UNIT, USER = 0xB001, 0xB002, 0xB003
    CONTACT, ACCOUNT = 0xB010, 0xB011
    COMMUNICATION, NOTIFICATION = 0xB012, 0xB013
    LEAD, LEAD_USER, LEAD_COMPETITOR, LEAD_PRODUCT = 0xB020, 0xB021, 0xB022, 0xB023


@dataclass(frozen=True)
class CatalogIds:
    """The ids of the demo catalog's records the rows point to, by their names."""

    statuses: dict[str, tuple[str, LifeCycleState]]
    types: dict[str, tuple[str, str | None]]
    categories: list[str]
    users: dict[str, str]
    units: dict[str, str]
    groups: dict[str, str]
    privacy_levels: list[str]
    lost_reasons: list[str]
    competitors: list[str]
    subscription_packages: list[str]
    # Product set items by the set they fit: (level, id) pairs.
    items: dict[ProductSet, list[tuple[str, str]]] = field(default_factory=dict)


def region_rows(password_hash: str) -> dict[str, list[dict[str, Any]]]:
    """The regional groups, a unit in each and a sales user in each unit."""
    groups, units, users = [], [], []
    for index in range(REGIONS):
        name = f"Region {index + 1}"
        group_id, unit_id = record_id(Tag.GROUP, index), record_id(Tag.UNIT, index)
        groups.append(
            {"id": group_id, "name": name, "alternative_code": f"R{index + 1}", "description": name}
        )
        units.append(
            {
                "id": unit_id,
                "name": f"{name} Unit",
                "alternative_code": f"R{index + 1}U",
                "description": f"{name} sales unit",
                "group_id": group_id,
            }
        )
        users.append(
            {
                "id": record_id(Tag.USER, index),
                "username": f"sales.region{index + 1}",
                "person_name": f"Sales of {name}",
                "email": f"sales.region{index + 1}@example.com",
                "password_hash": password_hash,
                "unit_id": unit_id,
                "role": Role.SALES,
            }
        )
    return {"group": groups, "unit": units, "user": users}


_FIRST_NAMES = ("Maria", "Andreas", "Eleni", "Nikos", "Sofia", "Giorgos", "Anna", "Christos")
_MIDDLE_NAMES = ("", "", "", "K.", "M.")
_LAST_NAMES = ("Christou", "Ioannou", "Georgiou", "Charalambous", "Demetriou", "Savva", "Pavlou")
_COMPANIES = ("Logistics", "Telecom", "Foods", "Shipping", "Media", "Software", "Energy")


def contact_count(size: int) -> int:
    """How many contacts a data set of `size` leads has."""
    return max(50, size // LEADS_PER_CONTACT)


def message_count(size: int) -> int:
    """How many communications (and as many notifications) it has."""
    return max(5, contact_count(size) // CONTACTS_PER_MESSAGE)


def has_account(contact: int) -> bool:
    """Every third contact owns an accounts receivable (and is FINANCIAL)."""
    return contact % 3 == 0


def contact_rows(size: int) -> Iterator[tuple[dict[str, Any], dict[str, Any] | None]]:
    """Each contact, with the accounts receivable it owns, if any: one in ten a company."""
    for index in range(contact_count(size)):
        company = index % 10 == 9
        first = _FIRST_NAMES[index % len(_FIRST_NAMES)]
        last = _LAST_NAMES[index % len(_LAST_NAMES)]
        contact_id = record_id(Tag.CONTACT, index)
        name = f"{last} {_COMPANIES[index % len(_COMPANIES)]}" if company else f"{first} {last}"
        contact = {
            "id": contact_id,
            "type": enums.ContactType.COMPANY if company else enums.ContactType.PERSON,
            "life_cycle_state": enums.ContactLifeCycleState.FINANCIAL
            if has_account(index)
            else enums.ContactLifeCycleState.MARKETING,
            "first_name": None if company else first,
            "middle_name": None if company else _MIDDLE_NAMES[index % len(_MIDDLE_NAMES)],
            "last_name": None if company else last,
            "company_name": name if company else None,
            "gender": None
            if company
            else (enums.Gender.FEMALE if index % 2 else enums.Gender.MALE),
            "id_number": f"7{index:07d}",
            "email": f"contact{index}@example.com",
        }
        account = None
        if has_account(index):
            number = f"BNC{index:010d}"
            account = {
                "id": record_id(Tag.ACCOUNT, index),
                "number": number,
                "name": f"{number} {name}",
                "owner_id": contact_id,
                "life_cycle_state": enums.AccountsReceivableState.ACTIVE,
            }
        yield contact, account


def message_rows(size: int, tag: int, prefix: str) -> list[dict[str, Any]]:
    """The communications (or notifications) leads name as their source, each to a contact."""
    contacts = contact_count(size)
    return [
        {
            "id": record_id(tag, index),
            "number": f"{prefix}{index + 1:06d}",
            "subject": "Offer" if index % 2 else "Campaign",
            "contact_id": record_id(Tag.CONTACT, (index * 37) % contacts),
        }
        for index in range(message_count(size))
    ]


# Shares of the statuses among leads: a third open and started, a quarter pending.
_STATUS_WEIGHTS = {"Reach": 25, "Interest": 20, "Learn": 15, "Won": 15, "Lost": 15, "Cancelled": 10}
_WEBSITES = ("www.crm.com", "www.crm.com/offers", "shop.example.com")
_ADVERTISEMENTS = ("Radio", "Newspaper", "Billboard", "Television")
_CUSTOM_NAMES = ("Trade fair", "Partner", "Walk-in")
_UNITS = (enums.TimeUnit.DAYS, enums.TimeUnit.WEEKS, enums.TimeUnit.MONTHS)
# Every column of a lead, so that each row gives them all and one executemany takes them.
LEAD_COLUMNS = tuple(SQLModel.metadata.tables["lead"].c.keys())


@dataclass
class LeadRows:
    """One batch of leads and their set items, ready for executemany."""

    leads: list[dict[str, Any]] = field(default_factory=list)
    users: list[dict[str, Any]] = field(default_factory=list)
    competitors: list[dict[str, Any]] = field(default_factory=list)
    products: list[dict[str, Any]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.leads)


class LeadDrawer:
    """Draws the leads of a data set in number order, each from the generator's next values."""

    def __init__(self, size: int, catalog: CatalogIds) -> None:
        self.size = size
        self.catalog = catalog
        self.chance = random.Random(SEED)
        self.contacts = contact_count(size)
        self.messages = message_count(size)
        self.user_ids = [catalog.users[name] for name in sorted(catalog.users)]
        self.unit_ids = [catalog.units[name] for name in sorted(catalog.units)]
        self.regions = [catalog.groups[f"Region {n + 1}"] for n in range(REGIONS)]
        self.status_names = list(_STATUS_WEIGHTS)
        self.status_weights = list(_STATUS_WEIGHTS.values())
        self.set_items = {"users": 0, "competitors": 0, "products": 0}

    def batches(self, batch_size: int) -> Iterator[LeadRows]:
        """The leads in batches of `batch_size`, with their set items."""
        rows = LeadRows()
        for index in range(self.size):
            self._lead(index, rows)
            if len(rows) == batch_size:
                yield rows
                rows = LeadRows()
        if rows.leads:
            yield rows

    def _owner_group(self) -> str:
        # Main Group owns a fifth of the leads, CSR Group a sixth, the regions the rest.
        draw = self.chance.random()
        if draw < 0.2:
            return self.catalog.groups["Main Group"]
        if draw < 0.37:
            return self.catalog.groups["CSR Group"]
        return self.chance.choice(self.regions)

    def _source(self, row: dict[str, Any]) -> None:
        kind = self.chance.choice(list(LeadSourceType))
        row["source_type"] = kind
        if kind is LeadSourceType.WEBSITE:
            row["source_name"] = self.chance.choice(_WEBSITES)
        elif kind is LeadSourceType.ADVERTISEMENT:
            row["source_name"] = self.chance.choice(_ADVERTISEMENTS)
        elif kind is LeadSourceType.COMMUNICATIONS:
            row["source_communication_id"] = record_id(
                Tag.COMMUNICATION, self.chance.randrange(self.messages)
            )
        elif kind is LeadSourceType.NOTIFICATIONS:
            row["source_notification_id"] = record_id(
                Tag.NOTIFICATION, self.chance.randrange(self.messages)
            )
        elif kind is LeadSourceType.RECOMMENDEDBYEMPLOYEE:
            row["source_user_id"] = self.chance.choice(self.user_ids)
        elif kind is LeadSourceType.RECOMMENDEDBYCONTACT:
            row["source_contact_id"] = record_id(Tag.CONTACT, self.chance.randrange(self.contacts))
        else:
            row["source_name"] = self.chance.choice(_CUSTOM_NAMES)

    def _reach(self, row: dict[str, Any]) -> None:
        """Who the lead reaches besides its group: some are assigned to a user or a unit,
        some have a lead owner, some are public."""
        chance, catalog = self.chance, self.catalog
        row["owned_by_group_id"] = self._owner_group()
        draw = chance.random()
        if draw < 0.25:
            row["assigned_user_id"] = chance.choice(self.user_ids)
        elif draw < 0.45:
            row["assigned_unit_id"] = chance.choice(self.unit_ids)
        if chance.random() < 0.15:
            row["lead_owner_id"] = chance.choice(self.user_ids)
        if chance.random() < 0.3:
            row["privacy_level_id"] = chance.choice(catalog.privacy_levels)

    def _dates(self, row: dict[str, Any], index: int, state: LifeCycleState) -> None:
        chance = self.chance
        age = HISTORY_DAYS * (1 - index / self.size)
        start = ANCHOR - timedelta(days=age, minutes=chance.randint(0, 1440))
        expected = start + timedelta(days=chance.randint(7, 540), hours=chance.randint(0, 23))
        row["start_date"], row["expected_completion_date"] = start, expected
        row["created_at"] = row["updated_at"] = start
        if state in enums.COMPLETED_STATES:
            completed = min(ANCHOR, start + timedelta(days=chance.randint(1, 90)))
            row["actual_completion_date"] = row["updated_at"] = completed
            row["version"] = 2

    def _lead(self, index: int, rows: LeadRows) -> None:
        chance, catalog = self.chance, self.catalog
        lead_id = record_id(Tag.LEAD, index)
        row: dict[str, Any] = dict.fromkeys(LEAD_COLUMNS)
        status = chance.choices(self.status_names, self.status_weights)[0]
        contact = chance.randrange(self.contacts)
        if status == "Won":
            contact -= contact % 3  # a lead is won only with an account to bill
        status_id, state = catalog.statuses[status]
        type_name = "Software Purchase" if chance.random() < 0.5 else "New Customer"
        type_id, default_category = catalog.types[type_name]
        category = default_category if chance.random() < 0.85 else chance.choice(catalog.categories)
        admin, admin_unit = catalog.users["MPAdministrator"], catalog.units["Admin Unit"]
        row |= {
            "id": lead_id,
            "number": index + 1,
            "version": 1,
            "life_cycle_state": state,
            "status_id": status_id,
            "type_id": type_id,
            "category_id": category,
            "importance": chance.choice(list(enums.Importance)),
            "priority": chance.randint(1, 6),
            "probability_to_win": chance.randint(0, 100) if chance.random() < 0.7 else None,
            "target_amount": Decimal(chance.randint(10_000, 5_000_000)).scaleb(-2)
            if chance.random() < 0.7
            else None,
            "contact_email": f"contact{contact}@example.com",
            "contact_id": record_id(Tag.CONTACT, contact),
            "accounts_receivable_id": record_id(Tag.ACCOUNT, contact)
            if has_account(contact)
            else None,
            "estimated_value": float(chance.randint(1, 12)),
            "estimated_unit": chance.choice(_UNITS),
            "udf_string_1": f"batch {index // 1000}" if chance.random() < 0.1 else None,
            "created_by_user_id": admin,
            "created_by_unit_id": admin_unit,
            "updated_by_user_id": admin,
            "updated_by_unit_id": admin_unit,
        }
        if chance.random() < 0.1:
            row["subscription_package_id"] = chance.choice(catalog.subscription_packages)
        if state is LifeCycleState.LOST:
            row["lost_reason_id"] = chance.choice(catalog.lost_reasons)
        self._source(row)
        self._reach(row)
        self._dates(row, index, state)
        rows.leads.append(row)
        self._sets(lead_id, rows)

    def _next_id(self, tag: int, kind: str) -> str:
        number = self.set_items[kind]
        self.set_items[kind] = number + 1
        return record_id(tag, number)

    def _sets(self, lead_id: str, rows: LeadRows) -> None:
        """A users set on one lead in twelve, competitors on one in seven, services on one in
        ten, physical goods on one in twenty, a products set on one in thirty."""
        chance = self.chance
        if chance.random() < 1 / 12:
            for user_id in chance.sample(self.user_ids, chance.randint(1, 3)):
                rows.users.append(
                    {
                        "id": self._next_id(Tag.LEAD_USER, "users"),
                        "lead_id": lead_id,
                        "user_id": user_id,
                    }
                )
        if chance.random() < 1 / 7:
            for competitor_id in chance.sample(self.catalog.competitors, chance.randint(1, 2)):
                rows.competitors.append(
                    {
                        "id": self._next_id(Tag.LEAD_COMPETITOR, "competitors"),
                        "lead_id": lead_id,
                        "competitor_id": competitor_id,
                    }
                )
        for product_set, share in (
            (ProductSet.SERVICES, 1 / 10),
            (ProductSet.PHYSICAL_GOODS, 1 / 20),
            (ProductSet.PRODUCTS, 1 / 30),
        ):
            if chance.random() >= share:
                continue
            choices = self.catalog.items[product_set]
            for level, item_id in chance.sample(choices, min(len(choices), chance.randint(1, 3))):
                rows.products.append(
                    {
                        "id": self._next_id(Tag.LEAD_PRODUCT, "products"),
                        "lead_id": lead_id,
                        "product_set": product_set,
                        "product_id": item_id if level == "product" else None,
                        "product_type_id": item_id if level == "product_type" else None,
                        "product_family_id": item_id if level == "product_family" else None,
                        "product_brand_id": item_id if level == "product_brand" else None,
                    }
                )
