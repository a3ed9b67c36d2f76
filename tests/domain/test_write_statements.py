"""What each write sends to the database: the lead's statement, its sets in one read, the
records its history names in one read, the write, and its history entry. No record is read
twice, and the row the write returns is the lead as stored."""

import re
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from app.domain.enums import LifeCycleState
from app.domain.identifiers import Ref
from app.domain.leads.commands import LeadAction, LeadChanges
from app.domain.leads.service import create_lead, start_lead_progress, update_lead, win_lead
from app.domain.models import Lead, LeadStatus, LeadType
from tests.conftest import StatementCounter
from tests.databases import DEMO_NOW
from tests.factories import actor, existing_account, existing_contact, lead_ref, new_lead

TRANSACTION_CONTROL = frozenset({"BEGIN", "BEGIN IMMEDIATE", "COMMIT", "ROLLBACK"})
_TABLE = re.compile(r"\b(?:FROM|INTO|UPDATE)\s+\"?(\w+)")

# A lead's sets come in one UNION over the three link tables, whose first is lead_user.
SETS = "SELECT lead_user"
# The records a lead's history names (its status, type, category, contact, accounts
# receivable, group, ...) come in one UNION over their tables, whose first is lead_status.
RECORDS = "SELECT lead_status"


def _kinds(statements: StatementCounter) -> list[str]:
    """Each query sent (transaction control left out) as its verb and first table."""
    kinds = []
    for sql in statements.statements:
        if sql.strip().upper() in TRANSACTION_CONTROL:
            continue
        table = _TABLE.search(sql)
        kinds.append(f"{sql.split()[0].upper()} {table.group(1) if table else ''}".strip())
    return kinds


async def _with_account(session: AsyncSession) -> Lead:
    """A lead of Kokos Panagi billed to his accounts receivable, made before counting."""
    changes = new_lead(
        contact=existing_contact("21312312"), accounts_receivable=existing_account("ACR0000000201")
    )
    return await create_lead(session, changes, await actor(session), DEMO_NOW)


async def test_a_create_reads_each_reference_once(
    session: AsyncSession, statements: StatementCounter
) -> None:
    who = await actor(session)
    changes = new_lead(
        contact=existing_contact("21312312"), accounts_receivable=existing_account("ACR0000000201")
    )
    new_customer = await session.scalar(
        select(LeadType).where(col(LeadType.name) == "New Customer")
    )
    assert new_customer is not None
    status = await session.get(LeadStatus, new_customer.create_status_id)
    assert status is not None

    statements.counting = True
    lead = await create_lead(session, changes, who, DEMO_NOW)
    statements.counting = False

    # The type's create status comes with the type, in its statement.
    assert _kinds(statements) == [
        "SELECT contact",
        "SELECT lead_type",
        "SELECT accounts_receivable",
        "UPDATE counter" if session.get_bind().dialect.name == "sqlite" else "SELECT",
        "INSERT lead",
        RECORDS,
        "INSERT lead_change",
    ]
    assert isinstance(lead.estimated_value, float)
    assert (lead.status_id, lead.life_cycle_state) == (status.id, LifeCycleState.PENDING)


async def test_a_create_gives_back_the_lead_as_a_read_finds_it(session: AsyncSession) -> None:
    who = await actor(session)
    changes = new_lead(target_amount=Decimal("1250.5"), probability_to_win=40)

    lead = await create_lead(session, changes, who, DEMO_NOW)

    table = Lead.__table__  # type: ignore[attr-defined]
    read = select(table).where(table.c.id == lead.id)
    stored = (await session.execute(read)).mappings().one()
    assert {name: getattr(lead, name) for name in stored} == dict(stored)
    assert (lead.version, lead.target_amount, lead.probability_to_win) == (
        1,
        Decimal("1250.50"),
        40,
    )


async def test_a_create_that_names_its_status_reads_it_by_its_reference(
    session: AsyncSession, statements: StatementCounter
) -> None:
    who = await actor(session)
    changes = new_lead(status=Ref("name", "Learn"))

    statements.counting = True
    lead = await create_lead(session, changes, who, DEMO_NOW)
    statements.counting = False

    assert _kinds(statements)[:3] == ["SELECT contact", "SELECT lead_type", "SELECT lead_status"]
    assert "JOIN" not in statements.statements[1]
    learn = await session.scalar(select(LeadStatus).where(col(LeadStatus.name) == "Learn"))
    assert learn is not None
    assert (lead.status_id, lead.life_cycle_state) == (learn.id, LifeCycleState.IN_PROGRESS)


async def test_an_update_reads_the_lead_its_sets_and_its_records_once(
    session: AsyncSession, statements: StatementCounter
) -> None:
    lead = await _with_account(session)
    action = LeadAction(lead_ref(lead), await actor(session), DEMO_NOW)

    statements.counting = True
    updated = await update_lead(session, action, LeadChanges(description="Called back", priority=2))
    statements.counting = False

    assert _kinds(statements) == [
        "SELECT lead",
        SETS,
        RECORDS,
        "UPDATE lead",
        "INSERT lead_change",
    ]
    assert (updated.version, updated.description, updated.priority) == (2, "Called back", 2)
    # The row as stored: a whole estimated value is the float a read gives.
    assert isinstance(updated.estimated_value, float)
    assert updated.estimated_value == 1.0


async def test_a_transition_reads_its_default_status_with_the_lead_type(
    session: AsyncSession, statements: StatementCounter
) -> None:
    lead = await _with_account(session)
    who = await actor(session)

    statements.counting = True
    started = await start_lead_progress(session, LeadAction(lead_ref(lead), who, DEMO_NOW))
    started_kinds, started_version = _kinds(statements), started.version
    statements.statements.clear()
    won = await win_lead(session, LeadAction(Ref("id", lead.id), who, DEMO_NOW))
    statements.counting = False

    transition = [
        "SELECT lead",
        "SELECT lead_status",
        SETS,
        RECORDS,
        "UPDATE lead",
        "INSERT lead_change",
    ]
    assert started_kinds == transition
    assert _kinds(statements) == transition
    assert (started_version, won.version, won.life_cycle_state.value) == (2, 3, "WON")
    assert isinstance(won.estimated_value, float)
