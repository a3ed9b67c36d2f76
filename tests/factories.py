"""Small builders for domain tests: actors, create requests, leads driven into a life cycle
state by the real services, and snapshots of a lead's row.

Nothing here restates a rule of the domain: a lead reaches a state only through the services.
"""

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel, col

from app.db import Database
from app.domain.auth import Actor, actor_named
from app.domain.contacts import (
    AccountsReceivableChoice,
    ContactChoice,
    NewAccountsReceivable,
    NewContact,
)
from app.domain.enums import ContactType, Importance, LeadSourceType, LifeCycleState, TimeUnit
from app.domain.errors import DomainError, Problem
from app.domain.identifiers import Ref
from app.domain.leads.commands import LeadAction, LeadChanges, PeriodInput, SourceChoice
from app.domain.leads.history import entries_of
from app.domain.leads.service import (
    cancel_lead,
    create_lead,
    lose_lead,
    start_lead_progress,
    update_lead,
    win_lead,
)
from app.domain.models import (
    AccountsReceivable,
    Competitor,
    Contact,
    Lead,
    LeadChange,
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
    own = await actor_named(session, username)
    if unit is None:
        return own
    unit_row = await session.scalar(select(Unit).where(col(Unit.alternative_code) == unit))
    assert unit_row is not None, unit
    return replace(own, unit_id=unit_row.id, group_id=unit_row.group_id)


def existing_contact(id_number: str) -> ContactChoice:
    """An existing contact, by identity card number."""
    return ContactChoice(existing=Ref("id_number", id_number))


def new_person(**names: Any) -> ContactChoice:
    """A new PERSON contact with `names` (and any other field of `NewContact`)."""
    return ContactChoice(new=NewContact(type=ContactType.PERSON, **names))


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


async def count(session: AsyncSession, model: type[SQLModel]) -> int:
    """How many rows `model`'s table holds."""
    return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def history_length(session: AsyncSession, lead_id: str) -> int:
    """How many entries a lead's history holds."""
    return len(await entries_of(session, lead_id))


def found(problems: Iterable[Problem]) -> list[tuple[Any, ...]]:
    """Each problem as (path, value, code), in the order reported."""
    return [(p.path, p.value, p.code) for p in problems]


def explained(problems: Iterable[Problem]) -> list[tuple[Any, ...]]:
    """Each problem as (path, value, code, message), in the order reported."""
    return [(p.path, p.value, p.code, p.message) for p in problems]


def sorted_found(problems: Iterable[Problem]) -> list[tuple[Any, ...]]:
    """Each problem as (path, value, code), sorted by path and code (the order found is not
    the point)."""
    return sorted(found(problems), key=lambda p: (tuple(map(str, p[0] or ())), p[2]))


async def refused_create(
    session: AsyncSession, changes: LeadChanges, who: Actor | None = None
) -> tuple[Problem, ...]:
    """The problems of a create by `who` (the demo administrator by default) at DEMO_NOW that
    must be refused; no lead, contact, accounts receivable or history entry is written."""
    models = (Lead, Contact, AccountsReceivable, LeadChange)
    before = [await count(session, model) for model in models]
    with pytest.raises(DomainError) as refused:
        await create_lead(session, changes, who or await actor(session), DEMO_NOW)
    assert [await count(session, model) for model in models] == before
    return refused.value.problems


async def create_problems(
    session: AsyncSession, changes: LeadChanges, who: Actor | None = None
) -> list[tuple[Any, ...]]:
    """The sorted (path, value, code) of each problem of a refused create (`refused_create`)."""
    return sorted_found(await refused_create(session, changes, who))


async def _lead_state(session: AsyncSession, lead_id: str) -> tuple[Any, ...]:
    return (
        await lead_row(session, lead_id),
        await set_members(session, lead_id),
        await history_length(session, lead_id),
    )


async def refused_update(
    session: AsyncSession,
    database: Database,
    number: int,
    who: Actor | None = None,
    **fields: Any,
) -> tuple[Problem, ...]:
    """The problems of an update of lead `number` by `who` (the demo administrator by default)
    at DEMO_NOW with `LeadChanges(**fields)` that must be refused; the lead's row (so its
    version), sets and history are checked unchanged, in the refused transaction and after its
    rollback."""
    lead = await lead_by_number(session, number)
    lead_id = lead.id  # the ORM copy expires on rollback
    before = await _lead_state(session, lead_id)
    action = LeadAction(lead_ref(lead), who or await actor(session), DEMO_NOW)
    with pytest.raises(DomainError) as refused:
        await update_lead(session, action, LeadChanges(**fields))
    assert await _lead_state(session, lead_id) == before
    await session.rollback()
    async with database.reader() as fresh:
        assert await _lead_state(fresh, lead_id) == before
    return refused.value.problems


async def update_problems(
    session: AsyncSession,
    database: Database,
    number: int,
    who: Actor | None = None,
    **fields: Any,
) -> list[tuple[Any, ...]]:
    """The (path, value, code) of each problem of a refused update (`refused_update`)."""
    return found(await refused_update(session, database, number, who, **fields))


async def perform(
    session: AsyncSession,
    action: str,
    lead: Lead,
    who: Actor,
    *,
    status: Ref | None = None,
    expected_version: int | None = None,
) -> Lead:
    """Run `action` ("update", "start_progress", "win", "lose" or "cancel") on `lead` at
    DEMO_NOW: an update changes the description only, a win names no accounts receivable, a
    loss is for "Competitors"."""
    action_of = LeadAction(lead_ref(lead), who, DEMO_NOW, status, expected_version)
    if action == "update":
        changes = LeadChanges(description="Called back")
        return await update_lead(session, replace(action_of, status=None), changes)
    if action == "start_progress":
        return await start_lead_progress(session, action_of)
    if action == "win":
        return await win_lead(session, action_of, None)
    if action == "lose":
        return await lose_lead(session, action_of, Ref("name", "Competitors"))
    assert action == "cancel"
    return await cancel_lead(session, action_of)


async def assert_unchanged(
    session: AsyncSession, database: Database, lead_id: str, before: dict[str, Any], entries: int
) -> None:
    """The lead's row is as it was and its history holds `entries` entries still, in the refused
    session's transaction and after rollback."""
    assert (await lead_row(session, lead_id), await history_length(session, lead_id)) == (
        before,
        entries,
    )
    await session.rollback()
    assert await committed_lead_row(database, lead_id) == before
    async with database.reader() as fresh:
        assert await history_length(fresh, lead_id) == entries


def only_problem(error: pytest.ExceptionInfo[DomainError]) -> tuple[Any, ...]:
    """The (path, value, code, message) of a refusal's one problem."""
    assert len(error.value.problems) == 1, error.value.problems
    problem = error.value.problems[0]
    return problem.path, problem.value, problem.code, problem.message
