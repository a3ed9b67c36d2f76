"""Small builders for domain tests: actors, create requests, leads driven into a life cycle
state by the real services, and snapshots of a lead's row.

Nothing here restates a rule of the domain: a lead reaches a state only through the services.
"""

from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.db import Database
from app.domain.auth import Actor
from app.domain.enums import Importance, LeadSourceType, LifeCycleState, TimeUnit
from app.domain.identifiers import Ref
from app.domain.leads.commands import (
    AccountsReceivableChoice,
    ContactChoice,
    LeadAction,
    LeadChanges,
    NewAccountsReceivable,
    PeriodInput,
    SourceChoice,
)
from app.domain.leads.service import (
    cancel_lead,
    create_lead,
    lose_lead,
    start_lead_progress,
    win_lead,
)
from app.domain.models import (
    Competitor,
    Entity,
    Lead,
    LeadCompetitor,
    LeadProduct,
    LeadStatus,
    LeadUser,
    Product,
    ProductBrand,
    ProductFamily,
    ProductType,
    Unit,
    User,
)
from tests.databases import DEMO_NOW

# A contact of the demo data without accounts receivable (Andreas Georgiou).
PLAIN_CONTACT = "112233"
LEAD_TABLE = Lead.__table__  # type: ignore[attr-defined]


async def actor(
    session: AsyncSession, username: str = "MPAdministrator", unit: str | None = None
) -> Actor:
    """A demo user acting for their own unit, or for the unit with alternative code `unit`."""
    user = await session.scalar(select(User).where(col(User.username) == username))
    assert user is not None, username
    if unit is None:
        return Actor(user_id=user.id, unit_id=user.unit_id)
    unit_row = await session.scalar(select(Unit).where(col(Unit.alternative_code) == unit))
    assert unit_row is not None, unit
    return Actor(user_id=user.id, unit_id=unit_row.id)


def existing_contact(id_number: str) -> ContactChoice:
    """An existing contact, by identity card number."""
    return ContactChoice(existing=Ref("id_number", id_number))


def existing_account(number: str) -> AccountsReceivableChoice:
    """An existing accounts receivable, by number."""
    return AccountsReceivableChoice(existing=Ref("number", number))


def new_account(name: str | None = None) -> AccountsReceivableChoice:
    """An accounts receivable to open for the lead's contact."""
    return AccountsReceivableChoice(new=NewAccountsReceivable(name=name))


def lead_ref(lead: Lead) -> Ref:
    """A reference to `lead` by its number."""
    return Ref("number", str(lead.number))


def new_lead(**fields: Any) -> LeadChanges:
    """A valid create request (a "New Customer" lead for a contact without accounts, due in one
    month), with `fields` given on top."""
    base = LeadChanges(
        contact=existing_contact(PLAIN_CONTACT),
        type=Ref("name", "New Customer"),
        source=SourceChoice(LeadSourceType.WEBSITE, name="www.crm.com"),
        importance=Importance.IMPORTANCE2,
        priority=3,
        estimated_completion_time=PeriodInput(1, TimeUnit.MONTHS),
    )
    return replace(base, **fields)


async def lead_in_state(
    session: AsyncSession,
    state: LifeCycleState,
    *,
    by: Actor | None = None,
    now: datetime = DEMO_NOW,
    **fields: Any,
) -> Lead:
    """A lead made by `create_lead(new_lead(**fields))`, then moved into `state` by the
    services (won with a new accounts receivable when it has none; lost for "Competitors")."""
    who = by or await actor(session)
    lead = await create_lead(session, new_lead(**fields), who, now)
    ref = lead_ref(lead)
    if state is LifeCycleState.LOST:
        return await lose_lead(session, LeadAction(ref, who, now), Ref("name", "Competitors"))
    if state is LifeCycleState.CANCELLED:
        return await cancel_lead(session, LeadAction(ref, who, now))
    if state is not LifeCycleState.PENDING:
        lead = await start_lead_progress(session, LeadAction(ref, who, now))
    if state is LifeCycleState.WON:
        account = new_account() if lead.accounts_receivable_id is None else None
        return await win_lead(session, LeadAction(ref, who, now), account)
    assert lead.life_cycle_state is state
    return lead


async def lead_by_number(session: AsyncSession, number: int) -> Lead:
    """A lead of the database, by number."""
    lead = await session.scalar(select(Lead).where(col(Lead.number) == number))
    assert lead is not None, number
    return lead


async def lead_row(session: AsyncSession, lead_id: str) -> dict[str, Any]:
    """Every column of a lead's row as the session's transaction sees it (not the ORM's copy)."""
    row = (await session.execute(select(LEAD_TABLE).where(LEAD_TABLE.c.id == lead_id))).one()
    return dict(row._mapping)


async def committed_lead_row(database: Database, lead_id: str) -> dict[str, Any]:
    """Every column of a lead's row as a new session reads it."""
    async with database.reader() as fresh:
        return await lead_row(fresh, lead_id)


async def set_members(session: AsyncSession, lead_id: str) -> dict[str, list[Any]]:
    """A lead's sets by readable names: usernames, competitor names, and (set, name) of each
    product item (a product's alternative code, else its type's, family's or brand's name)."""
    users = await session.scalars(
        select(col(User.username))
        .join(LeadUser, col(LeadUser.user_id) == col(User.id))
        .where(col(LeadUser.lead_id) == lead_id)
    )
    competitors = await session.scalars(
        select(col(Competitor.name))
        .join(LeadCompetitor, col(LeadCompetitor.competitor_id) == col(Competitor.id))
        .where(col(LeadCompetitor.lead_id) == lead_id)
    )
    products = await session.execute(
        select(
            col(LeadProduct.product_set),
            col(Product.alternative_code),
            col(ProductType.name),
            col(ProductFamily.name),
            col(ProductBrand.name),
        )
        .outerjoin(Product, col(Product.id) == col(LeadProduct.product_id))
        .outerjoin(ProductType, col(ProductType.id) == col(LeadProduct.product_type_id))
        .outerjoin(ProductFamily, col(ProductFamily.id) == col(LeadProduct.product_family_id))
        .outerjoin(ProductBrand, col(ProductBrand.id) == col(LeadProduct.product_brand_id))
        .where(col(LeadProduct.lead_id) == lead_id)
    )
    return {
        "users": sorted(users),
        "competitors": sorted(competitors),
        "products": sorted((str(kind), next(n for n in names if n)) for kind, *names in products),
    }


async def status_id(session: AsyncSession, name: str) -> str:
    """The id of the lead status named `name`."""
    status = await session.scalar(select(LeadStatus).where(col(LeadStatus.name) == name))
    assert status is not None, name
    return status.id


async def count(session: AsyncSession, model: type[Entity]) -> int:
    """How many rows `model`'s table holds."""
    return int(await session.scalar(select(func.count()).select_from(model)) or 0)
