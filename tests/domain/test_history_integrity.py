"""The change history holds together: a refused action adds no entry, an entry lives and
dies with its action's transaction, sequence numbers only grow, and replaying each lead's
entries from nothing gives its current fields."""

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from decimal import Decimal
from itertools import pairwise
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import Database
from app.domain.enums import Action, LeadSourceType, LifeCycleState
from app.domain.errors import DomainError, ErrorCode
from app.domain.identifiers import Ref
from app.domain.leads import history
from app.domain.leads.commands import (
    LeadAction,
    LeadChanges,
    SourceChoice,
)
from app.domain.leads.service import (
    cancel_lead,
    create_lead,
    lose_lead,
    start_lead_progress,
    update_lead,
    win_lead,
)
from app.domain.models import (
    Lead,
)
from tests.factories import (
    actor,
    lead_by_number,
    lead_in_state,
    lead_ref,
    new_account,
    new_lead,
)
from tests.history_support import (
    DEMO_LEADS,
    LATER,
    NOW,
    add,
    entries,
    item_ref,
    product,
    remove,
    sequences,
    update,
)

# --- refusals add nothing -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "code"),
    [
        ("bad-input", ErrorCode.INVALID),
        ("bad-create", ErrorCode.INVALID),
        ("invalid-transition", ErrorCode.INVALID_TRANSITION),
        ("stale-version", ErrorCode.CONFLICT),
        ("read-only-update", ErrorCode.FORBIDDEN),
        ("read-only-create", ErrorCode.FORBIDDEN),
        ("sales-to-another-group", ErrorCode.FORBIDDEN),
        ("invisible-lead", ErrorCode.NOT_FOUND),
    ],
)
async def test_a_refused_action_adds_no_entry(
    session: AsyncSession, database: Database, kind: str, code: ErrorCode
) -> None:
    # Given a committed PENDING lead of Main Group, and the entries there are
    lead = await lead_in_state(session, LifeCycleState.PENDING)
    await session.commit()
    lead_id, ref, before = lead.id, lead_ref(lead), await sequences(session)
    admin = await actor(session)
    viewer = await actor(session, "viewer.main")  # READ_ONLY, of Main Group
    outsider = await actor(session, "sales.csr")  # SALES, of CSR Group: cannot see the lead
    sales = await actor(session, "mariosmtest")  # SALES, of Main Group
    attempts = {
        "bad-input": lambda: update_lead(
            session, LeadAction(ref, admin, LATER), LeadChanges(priority=0)
        ),
        "bad-create": lambda: create_lead(session, new_lead(priority=7), admin, LATER),
        "invalid-transition": lambda: win_lead(
            session, LeadAction(ref, admin, LATER), new_account()
        ),
        "stale-version": lambda: cancel_lead(
            session, LeadAction(ref, admin, LATER, expected_version=2)
        ),
        "read-only-update": lambda: update_lead(
            session, LeadAction(ref, viewer, LATER), LeadChanges(priority=5)
        ),
        "read-only-create": lambda: create_lead(session, new_lead(), viewer, LATER),
        "invisible-lead": lambda: start_lead_progress(session, LeadAction(ref, outsider, LATER)),
        "sales-to-another-group": lambda: update_lead(
            session,
            LeadAction(ref, sales, LATER),
            LeadChanges(owned_by_group=Ref("name", "CSR Group")),
        ),
    }

    # When the action is refused
    with pytest.raises(DomainError) as refused:
        await attempts[kind]()

    # Then it added no entry, in its transaction nor after it
    assert refused.value.problems[0].code is code
    assert await sequences(session) == before
    await session.rollback()
    async with database.reader() as fresh:
        assert await sequences(fresh) == before
        assert [entry.action for entry in await entries(fresh, lead_id)] == [Action.CREATE]


# --- one transaction -----------------------------------------------------------------------


class AbandonedError(Exception):
    """Raised to roll a transaction back."""


async def update_then_abandon(database: Database, lead: Lead) -> None:
    """Update `lead` in a transaction of its own, see its entry there, and roll it back."""
    async with database.writer() as session, session.begin():
        admin = await actor(session)
        await update_lead(
            session, LeadAction(lead_ref(lead), admin, LATER), LeadChanges(priority=5)
        )
        actions = [entry.action for entry in await entries(session, lead.id)]
        assert actions == [Action.CREATE, Action.UPDATE]
        raise AbandonedError


async def test_an_entry_is_rolled_back_with_its_action(database: Database) -> None:
    # Given a demo lead with its one CREATE entry
    async with database.reader() as reader:
        lead = await lead_by_number(reader, 40)
        before = await sequences(reader)

    # When an update of it adds its entry, and then its transaction is rolled back
    with pytest.raises(AbandonedError):
        await update_then_abandon(database, lead)

    # Then the entry is gone with the change it recorded
    async with database.reader() as reader:
        assert await sequences(reader) == before
        assert [entry.action for entry in await entries(reader, lead.id)] == [Action.CREATE]
        assert (await lead_by_number(reader, 40)).priority == 2


# --- sequence numbers ---------------------------------------------------------------------


async def test_sequence_numbers_only_grow_in_the_order_actions_are_taken(
    session: AsyncSession,
) -> None:
    # Given the entries of the demo data, and two new leads
    admin = await actor(session)
    seen = await sequences(session)
    first = await create_lead(session, new_lead(), admin, NOW)
    second = await create_lead(session, new_lead(), admin, NOW)
    taken = sorted(await sequences(session) - seen)
    assert len(taken) == 2
    assert taken[0] > max(seen)
    seen |= set(taken)

    def on(lead: Lead) -> LeadAction:
        return LeadAction(lead_ref(lead), admin, NOW)

    # When actions are taken in turn on both leads
    acts: tuple[Callable[[], Awaitable[Lead]], ...] = (
        lambda: update_lead(session, on(first), LeadChanges()),
        lambda: start_lead_progress(session, on(second)),
        lambda: start_lead_progress(session, on(first)),
        lambda: cancel_lead(session, on(second)),
        lambda: update_lead(session, on(second), LeadChanges(priority=1)),
        lambda: lose_lead(session, on(first), Ref("name", "Price")),
    )
    for act in acts:
        await act()
        (added,) = await sequences(session) - seen  # exactly one new entry
        seen.add(added)
        taken.append(added)

    # Then each entry is numbered above every entry before it
    assert all(later > earlier for earlier, later in pairwise(taken))


async def test_the_entry_an_action_records_is_given_back_as_stored(
    session: AsyncSession,
) -> None:
    # Given a demo lead with its one CREATE entry, and an administrator
    admin = await actor(session)
    lead = await lead_by_number(session, 40)
    changes = [{"field": "priority", "old": 2, "new": 1}]

    # When an UPDATE entry is recorded for it
    entry = await history.record(session, lead.id, Action.UPDATE, admin, LATER, changes)

    # Then the entry given back is numbered after the CREATE and holds what a read finds
    create, stored = await entries(session, lead.id)
    assert entry.sequence is not None
    assert create.sequence is not None
    assert entry.sequence == stored.sequence
    assert entry.sequence > create.sequence
    assert (entry.lead_id, entry.action, entry.by_user_id, entry.by_unit_id) == (
        lead.id,
        Action.UPDATE,
        admin.user_id,
        admin.unit_id,
    )
    assert entry.at == stored.at == LATER
    assert entry.changes == stored.changes == changes
    assert entry.model_dump() == stored.model_dump()


# --- replay ------------------------------------------------------------------------------


def filled(fields: dict[str, Any]) -> dict[str, Any]:
    """The fields that hold something (history lists no empty field nor empty set)."""
    return {name: value for name, value in fields.items() if value not in (None, [])}


async def assert_every_lead_replays(session: AsyncSession) -> int:
    """Replaying each lead's history from nothing gives its current fields; how many leads."""
    lead_ids = list((await session.execute(text("SELECT id FROM lead ORDER BY number"))).scalars())
    for lead_id in lead_ids:
        lead = await session.get(Lead, lead_id)
        assert lead is not None
        replayed = filled(history.replay(await entries(session, lead_id)))
        assert replayed == filled(await history.snapshot(session, lead)), lead.number
    return len(lead_ids)


async def test_every_demo_lead_replays_to_its_current_fields(session: AsyncSession) -> None:
    assert await assert_every_lead_replays(session) == DEMO_LEADS


async def test_leads_replay_after_updates_and_transitions(session: AsyncSession) -> None:
    # Given demo leads changed in many ways, and a new lead taken to WON
    admin = await actor(session)
    lead_69 = await lead_by_number(session, 69)
    await update(
        session,
        lead_69,
        description="Offer sent",
        probability_to_win=None,
        target_amount=Decimal("99.99"),
        source=SourceChoice(LeadSourceType.WEBSITE, name="www.crm.com"),
        users=[remove(Ref("username", "salesagent")), add(Ref("username", "x_poulli"))],
        competitors=[remove(Ref("name", "Competitor 4"))],
        services=[remove(product("AOA")), add(product("AOA"))],
        udf={"udf_string_5": None, "udf_date_1": datetime(2027, 2, 1, tzinfo=UTC)},
    )
    await update(session, lead_69, description=None, assigned_user=None)
    await start_lead_progress(session, LeadAction(lead_ref(lead_69), admin, LATER))
    await lose_lead(session, LeadAction(lead_ref(lead_69), admin, LATER), Ref("name", "Price"))
    await cancel_lead(session, LeadAction(Ref("number", "5"), admin, LATER))
    await update(session, await lead_by_number(session, 5), description="Closed")
    await update(
        session,
        await lead_by_number(session, 19),
        expected_completion_date=datetime(2015, 3, 1, tzinfo=UTC),
        physical_goods=[remove(item_ref("product_type", "name", "Monitors"))],
    )
    won = await lead_in_state(session, LifeCycleState.WON)

    # Then every lead still replays to its current fields
    assert await assert_every_lead_replays(session) == DEMO_LEADS + 1
    assert [entry.action for entry in await entries(session, lead_69.id)] == [
        Action.CREATE,
        Action.UPDATE,
        Action.UPDATE,
        Action.START_PROGRESS,
        Action.LOSE,
    ]
    assert [entry.action for entry in await entries(session, won.id)] == [
        Action.CREATE,
        Action.START_PROGRESS,
        Action.WIN,
    ]
