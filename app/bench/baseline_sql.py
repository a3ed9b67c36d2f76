"""The baseline's SQL (app/bench/baseline.py): the leads joined to every to-one reference they
show in one statement, with their count; their set items in another; the bearer token's user
in a third. Built once, as a hand-written endpoint prepares its statements.
"""

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
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
from sqlalchemy.sql.selectable import FromClause, NamedFromClause
from sqlmodel import SQLModel

from app.domain import models  # noqa: F401  (every table on the metadata)
from app.domain.auth import Actor
from app.domain.enums import OPEN_STATES, ContactType
from app.domain.leads.visibility import visible_to

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


def _leads_with_references(
    start: FromClause = lead,
) -> tuple[FromClause, list[ColumnElement[Any]]]:
    """The lead table (or `start`, which holds it) joined to every reference, one join after
    the other, and the columns a row takes of them."""
    aliases: dict[str, FromClause] = {"lead": lead}
    joined: FromClause = start
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


@dataclass(frozen=True)
class PageKind:
    """Which list a page is of: all leads or the overdue ones (open, due before `:now`),
    optionally of the lead type named `:type_name`, optionally after the lead numbered
    `:after`."""

    overdue: bool = False
    by_type: bool = False
    after: bool = False
    # Whether each row says how many leads the list holds in all.
    counted: bool = True


def _list_conditions(actor: Actor, kind: PageKind) -> list[ColumnElement[bool]]:
    """What the list's leads meet, the cursor aside (the count takes them all)."""
    conditions = [visible_to(actor)]
    if kind.overdue:
        conditions.append(lead.c.life_cycle_state.in_(sorted(OPEN_STATES)))
        conditions.append(lead.c.expected_completion_date < bindparam("now"))
    if kind.by_type:
        lead_type = _TABLES["lead_type"]
        named = select(lead_type.c.id).where(lead_type.c.name == bindparam("type_name"))
        conditions.append(lead.c.type_id == named.scalar_subquery())
    return conditions


@lru_cache(maxsize=256)
def page_statement(actor: Actor, first: int, kind: PageKind = PageKind()) -> Select[Any]:
    """The first `first` + 1 leads by number of the list (the one more says whether a page
    follows), each with how many the list holds in all.

    The page's leads are chosen first, in a subquery of the lead table alone, and only they
    are joined to their references, the page first in the join order: the planner then never
    weighs the joins against the list's indexes (PostgreSQL keeps the order as written past
    eight joins)."""
    conditions = _list_conditions(actor, kind)
    total = (
        select(func.count()).select_from(lead).where(*conditions).correlate(None).scalar_subquery()
    )
    chosen = select(lead.c.id, lead.c.number).where(*conditions)
    if kind.after:
        chosen = chosen.where(lead.c.number > bindparam("after"))
    if kind.counted:
        chosen = chosen.add_columns(total.label("total_count"))
    in_page = chosen.order_by(lead.c.number).limit(first + 1).subquery("in_page")
    joined, columns = _leads_with_references(in_page.join(lead, lead.c.id == in_page.c.id))
    if kind.counted:
        columns.append(in_page.c.total_count)
    return select(*columns).select_from(joined).order_by(in_page.c.number)


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
