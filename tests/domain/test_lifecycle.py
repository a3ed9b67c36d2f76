"""The life cycle of a lead, driven through the real services on a fresh demo database.

The expected table below is docs/domain.md's ("Life cycle"), written out here rather than read
from the code under test. A refused action changes nothing: not the lead's row (so not its
version) and not its history.
"""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import Database
from app.domain.contacts import AccountsReceivableChoice
from app.domain.enums import Action, ContactLifeCycleState, LifeCycleState
from app.domain.errors import DomainError, ErrorCode
from app.domain.identifiers import Ref
from app.domain.leads.commands import LeadAction, LeadChanges
from app.domain.leads.history import entries_of
from app.domain.leads.service import (
    lose_lead,
    update_lead,
    win_lead,
)
from app.domain.models import AccountsReceivable, Contact, Lead, LostReason
from tests.databases import DEMO_NOW
from tests.factories import (
    actor,
    assert_unchanged,
    committed_lead_row,
    count,
    existing_account,
    existing_contact,
    history_length,
    lead_by_number,
    lead_in_state,
    lead_ref,
    lead_row,
    new_account,
    only_problem,
    perform,
    status_id,
)

PENDING = LifeCycleState.PENDING
IN_PROGRESS = LifeCycleState.IN_PROGRESS
WON = LifeCycleState.WON
LOST = LifeCycleState.LOST
CANCELLED = LifeCycleState.CANCELLED
STATES = (PENDING, IN_PROGRESS, WON, LOST, CANCELLED)

CREATED = DEMO_NOW - timedelta(days=3)
NOW = DEMO_NOW
COMPETITORS_REASON_ID = "D4CB03A3D05A457AAC0854FFFAB0D20E"

# The lifecycle leads belong to John Ioannou, billed to his own ACR0000000011, so that winning
# them needs no accounts receivable argument.
JOHN = "774411"
JOHNS_ACCOUNT = "ACR0000000011"
KOKOS_ACCOUNT = "ACR0000000201"


@dataclass(frozen=True)
class Rule:
    """An action as docs/domain.md describes it."""

    allowed_from: frozenset[LifeCycleState]
    target: LifeCycleState | None  # None: the state does not change
    default_status: str | None  # the "New Customer" type's status for the target
    only: str  # how a refusal from another state ends: "only ... leads can ..."
    recorded_as: Action  # the action of its history entry


RULES: dict[str, Rule] = {
    "update": Rule(
        frozenset({PENDING, IN_PROGRESS, CANCELLED}),
        None,
        None,
        "CANCELLED, IN_PROGRESS or PENDING leads can be updated",
        Action.UPDATE,
    ),
    "start_progress": Rule(
        frozenset({PENDING}),
        IN_PROGRESS,
        "Learn",
        "PENDING leads can have their progress started",
        Action.START_PROGRESS,
    ),
    "win": Rule(frozenset({IN_PROGRESS}), WON, "Won", "IN_PROGRESS leads can be won", Action.WIN),
    "lose": Rule(
        frozenset({PENDING, IN_PROGRESS}),
        LOST,
        "Lost",
        "IN_PROGRESS or PENDING leads can be lost",
        Action.LOSE,
    ),
    "cancel": Rule(
        frozenset({PENDING, IN_PROGRESS}),
        CANCELLED,
        "Cancelled",
        "IN_PROGRESS or PENDING leads can be cancelled",
        Action.CANCEL,
    ),
}
PAIRS = [
    pytest.param(action, state, id=f"{action}-from-{state}") for action in RULES for state in STATES
]
# One state each action is allowed from.
ALLOWED_FROM = {
    "update": PENDING,
    "start_progress": PENDING,
    "win": IN_PROGRESS,
    "lose": IN_PROGRESS,
    "cancel": PENDING,
}


async def johns_lead(session: AsyncSession, state: LifeCycleState) -> Lead:
    """A committed lead of John's in `state`, made at CREATED."""
    lead = await lead_in_state(
        session,
        state,
        now=CREATED,
        contact=existing_contact(JOHN),
        accounts_receivable=existing_account(JOHNS_ACCOUNT),
    )
    await session.commit()
    return lead


# --- the table ----------------------------------------------------------------------------


@pytest.mark.parametrize(("action", "state"), PAIRS)
async def test_every_action_from_every_state_follows_the_table(
    session: AsyncSession, database: Database, action: str, state: LifeCycleState
) -> None:
    lead = await johns_lead(session, state)
    before = await lead_row(session, lead.id)
    entries = await history_length(session, lead.id)
    rule = RULES[action]
    updater = await actor(session, "mariosmtest", unit="U")

    if state not in rule.allowed_from:
        with pytest.raises(DomainError) as refused:
            await perform(session, action, lead, updater)
        assert only_problem(refused) == (
            ("lead",),
            str(lead.number),
            ErrorCode.INVALID_TRANSITION,
            f"Lead {lead.number} is {state}; only {rule.only}.",
        )
        await assert_unchanged(session, database, lead.id, before, entries)
        return

    done = await perform(session, action, lead, updater)
    await session.commit()

    expected = {
        **before,
        "version": before["version"] + 1,
        "updated_at": NOW,
        "updated_by_user_id": updater.user_id,
        "updated_by_unit_id": updater.unit_id,
    }
    if rule.target is None:
        expected["description"] = "Called back"
    else:
        assert rule.default_status is not None
        expected["life_cycle_state"] = rule.target
        expected["status_id"] = await status_id(session, rule.default_status)
        if rule.target in {WON, LOST, CANCELLED}:
            expected["actual_completion_date"] = NOW
        if rule.target is LOST:
            expected["lost_reason_id"] = COMPETITORS_REASON_ID
    assert await committed_lead_row(database, lead.id) == expected
    assert done.life_cycle_state is (rule.target or state)
    assert done.version == before["version"] + 1
    recorded = await entries_of(session, lead.id)
    assert len(recorded) == entries + 1
    assert (recorded[-1].action, recorded[-1].by_user_id) == (rule.recorded_as, updater.user_id)


# --- statuses named by an update ----------------------------------------------------------

# An update keeps a lead in its life cycle state (moving a lead into a won or lost status by an
# update is deprecated since CRM.COM R11.1.0); a status of another state is refused with the
# actions that lead there instead, when there are any. An update of a WON or LOST lead is
# refused whatever it names (the table above).
STATUS_OF = {
    PENDING: "Reach",
    IN_PROGRESS: "Interest",
    WON: "Won",
    LOST: "Lost",
    CANCELLED: "Cancelled",
}
NO_ACTION = "; no action does that."
INSTEAD: dict[tuple[LifeCycleState, LifeCycleState], str] = {
    (PENDING, IN_PROGRESS): ": start progress on the lead instead.",
    (PENDING, WON): ": start progress on the lead, then win the lead instead.",
    (PENDING, LOST): ": lose the lead instead.",
    (PENDING, CANCELLED): ": cancel the lead instead.",
    (IN_PROGRESS, PENDING): NO_ACTION,
    (IN_PROGRESS, WON): ": win the lead instead.",
    (IN_PROGRESS, LOST): ": lose the lead instead.",
    (IN_PROGRESS, CANCELLED): ": cancel the lead instead.",
    **{(CANCELLED, target): NO_ACTION for target in (PENDING, IN_PROGRESS, WON, LOST)},
}
MOVES = [
    pytest.param(current, target, id=f"{current}-to-{STATUS_OF[target]}")
    for current in (PENDING, IN_PROGRESS, CANCELLED)
    for target in STATES
]


@pytest.mark.parametrize(("current", "target"), MOVES)
async def test_an_update_takes_a_status_of_the_leads_state_and_refuses_any_other(
    session: AsyncSession,
    database: Database,
    current: LifeCycleState,
    target: LifeCycleState,
) -> None:
    lead = await johns_lead(session, current)
    before = await lead_row(session, lead.id)
    entries = await history_length(session, lead.id)
    status = STATUS_OF[target]
    changes = LeadChanges(status=Ref("name", status))
    who = await actor(session)

    if target is not current:
        with pytest.raises(DomainError) as refused:
            await update_lead(session, LeadAction(lead_ref(lead), who, NOW), changes)
        assert only_problem(refused) == (
            ("changes", "status", "name"),
            status,
            ErrorCode.INVALID_TRANSITION,
            f"An update keeps a lead in its life cycle state, and status {status!r} would move "
            f"this {current} lead to {target}{INSTEAD[current, target]}",
        )
        await assert_unchanged(session, database, lead.id, before, entries)
        return

    await update_lead(session, LeadAction(lead_ref(lead), who, NOW), changes)
    await session.commit()

    assert await committed_lead_row(database, lead.id) == {
        **before,
        "version": before["version"] + 1,
        "updated_at": NOW,
        "updated_by_user_id": who.user_id,
        "updated_by_unit_id": who.unit_id,
        "status_id": await status_id(session, status),
    }
    assert await history_length(session, lead.id) == entries + 1


# --- statuses named by an action ----------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "state", "status", "its_state"),
    [
        pytest.param("start_progress", PENDING, "Reach", PENDING, id="start-with-a-pending-status"),
        pytest.param("start_progress", PENDING, "Won", WON, id="start-with-a-won-status"),
        pytest.param("win", IN_PROGRESS, "Learn", IN_PROGRESS, id="win-with-an-in-progress-status"),
        pytest.param("win", IN_PROGRESS, "Lost", LOST, id="win-with-a-lost-status"),
        pytest.param("lose", PENDING, "Cancelled", CANCELLED, id="lose-with-a-cancelled-status"),
        pytest.param("lose", IN_PROGRESS, "Won", WON, id="lose-with-a-won-status"),
        pytest.param("cancel", PENDING, "Reach", PENDING, id="cancel-with-a-pending-status"),
        pytest.param("cancel", IN_PROGRESS, "Lost", LOST, id="cancel-with-a-lost-status"),
    ],
)
async def test_a_status_named_by_an_action_must_belong_to_its_target_state(
    session: AsyncSession,
    database: Database,
    action: str,
    state: LifeCycleState,
    status: str,
    its_state: LifeCycleState,
) -> None:
    lead = await johns_lead(session, state)
    before = await lead_row(session, lead.id)
    entries = await history_length(session, lead.id)

    with pytest.raises(DomainError) as refused:
        await perform(session, action, lead, await actor(session), status=Ref("name", status))

    assert only_problem(refused) == (
        ("status", "name"),
        status,
        ErrorCode.INVALID,
        f"Status {status!r} belongs to {its_state}, not {RULES[action].target}.",
    )
    await assert_unchanged(session, database, lead.id, before, entries)


async def test_start_progress_takes_a_named_in_progress_status_instead_of_the_default(
    session: AsyncSession,
) -> None:
    lead = await johns_lead(session, PENDING)

    started = await perform(
        session, "start_progress", lead, await actor(session), status=Ref("alternative_code", "I")
    )

    assert started.life_cycle_state is IN_PROGRESS
    assert started.status_id == "B738753EE56D01FC6CD964D14FBBCC7A"  # Interest


async def test_an_unknown_status_named_by_an_action_is_not_found(
    session: AsyncSession, database: Database
) -> None:
    lead = await johns_lead(session, PENDING)
    before = await lead_row(session, lead.id)
    entries = await history_length(session, lead.id)

    with pytest.raises(DomainError) as refused:
        await perform(session, "cancel", lead, await actor(session), status=Ref("name", "Gone"))

    assert only_problem(refused) == (
        ("status", "name"),
        "Gone",
        ErrorCode.NOT_FOUND,
        "No lead status has name 'Gone'.",
    )
    await assert_unchanged(session, database, lead.id, before, entries)


# --- optimistic concurrency ---------------------------------------------------------------


@pytest.mark.parametrize("action", list(RULES))
async def test_a_stale_expected_version_is_a_conflict_and_changes_nothing(
    session: AsyncSession, database: Database, action: str
) -> None:
    lead = await johns_lead(session, ALLOWED_FROM[action])
    seen_version = lead.version
    who = await actor(session)
    # Someone else changes the lead after our caller read it.
    await update_lead(session, LeadAction(lead_ref(lead), who, CREATED), LeadChanges(priority=1))
    await session.commit()
    before = await lead_row(session, lead.id)
    entries = await history_length(session, lead.id)
    assert before["version"] == seen_version + 1

    with pytest.raises(DomainError) as refused:
        await perform(session, action, lead, who, expected_version=seen_version)

    assert only_problem(refused) == (
        ("expected_version",),
        str(seen_version),
        ErrorCode.CONFLICT,
        f"Lead {lead.number} is at version {seen_version + 1}, not {seen_version}; read it "
        "again and retry.",
    )
    await assert_unchanged(session, database, lead.id, before, entries)


@pytest.mark.parametrize("action", list(RULES))
async def test_the_current_expected_version_lets_the_action_through(
    session: AsyncSession, action: str
) -> None:
    lead = await johns_lead(session, ALLOWED_FROM[action])
    version = lead.version

    done = await perform(session, action, lead, await actor(session), expected_version=version)

    assert done.version == version + 1


# --- win ----------------------------------------------------------------------------------


async def test_win_refuses_an_existing_accounts_receivable_of_another_contact(
    session: AsyncSession, database: Database
) -> None:
    lead = await johns_lead(session, IN_PROGRESS)
    before = await lead_row(session, lead.id)
    entries = await history_length(session, lead.id)

    with pytest.raises(DomainError) as refused:
        await win_lead(
            session,
            LeadAction(lead_ref(lead), await actor(session), NOW),
            existing_account(KOKOS_ACCOUNT),
        )

    assert only_problem(refused) == (
        ("accounts_receivable", "existing", "number"),
        KOKOS_ACCOUNT,
        ErrorCode.INVALID,
        f"Accounts receivable {KOKOS_ACCOUNT} belongs to another contact.",
    )
    await assert_unchanged(session, database, lead.id, before, entries)


async def test_win_refuses_an_unknown_existing_accounts_receivable(
    session: AsyncSession, database: Database
) -> None:
    lead = await johns_lead(session, IN_PROGRESS)
    before = await lead_row(session, lead.id)
    entries = await history_length(session, lead.id)

    with pytest.raises(DomainError) as refused:
        await win_lead(
            session, LeadAction(lead_ref(lead), await actor(session), NOW), existing_account("ACR9")
        )

    assert only_problem(refused) == (
        ("accounts_receivable", "existing", "number"),
        "ACR9",
        ErrorCode.NOT_FOUND,
        "No accounts receivable has number 'ACR9'.",
    )
    await assert_unchanged(session, database, lead.id, before, entries)


async def test_win_bills_an_existing_accounts_receivable_of_the_contact_named_by_name(
    session: AsyncSession,
) -> None:
    # Demo lead 41 is IN_PROGRESS ("Learn") for Kokos Panagi.
    lead = await lead_by_number(session, 41)
    choice = AccountsReceivableChoice(existing=Ref("name", "ACR0000000201 Kokos Panagi"))

    won = await win_lead(session, LeadAction(lead_ref(lead), await actor(session), NOW), choice)

    account = await session.get(AccountsReceivable, won.accounts_receivable_id)
    assert account is not None
    assert (won.life_cycle_state, account.number) == (WON, KOKOS_ACCOUNT)


async def test_win_with_a_new_accounts_receivable_opens_one_for_the_contact(
    session: AsyncSession, database: Database
) -> None:
    # The factory's contact, Andreas Georgiou (112233), owns no accounts receivable.
    lead = await lead_in_state(session, IN_PROGRESS, now=CREATED)
    await session.commit()
    accounts_before = await count(session, AccountsReceivable)

    won = await win_lead(
        session, LeadAction(lead_ref(lead), await actor(session), NOW), new_account()
    )
    await session.commit()

    assert await count(session, AccountsReceivable) == accounts_before + 1
    account = await session.get(AccountsReceivable, won.accounts_receivable_id)
    assert account is not None
    assert (account.number, account.name, account.owner_id, account.life_cycle_state) == (
        "ACR0000001001",
        "Andreas Georgiou",
        lead.contact_id,
        "ACTIVE",
    )
    async with database.reader() as fresh:
        contact = await fresh.get(Contact, lead.contact_id)
        assert contact is not None
        assert contact.life_cycle_state is ContactLifeCycleState.FINANCIAL
    row = await committed_lead_row(database, lead.id)
    assert (row["life_cycle_state"], row["accounts_receivable_id"]) == (WON, account.id)
    assert row["actual_completion_date"] == NOW


async def test_win_with_a_named_new_accounts_receivable_uses_that_name(
    session: AsyncSession,
) -> None:
    lead = await lead_in_state(session, IN_PROGRESS, now=CREATED)

    won = await win_lead(
        session, LeadAction(lead_ref(lead), await actor(session), NOW), new_account("Georgiou Ltd")
    )

    account = await session.get(AccountsReceivable, won.accounts_receivable_id)
    assert account is not None
    assert (account.name, account.owner_id) == ("Georgiou Ltd", lead.contact_id)


async def test_win_without_an_accounts_receivable_is_required_when_the_lead_has_none(
    session: AsyncSession, database: Database
) -> None:
    lead = await lead_in_state(session, IN_PROGRESS, now=CREATED)
    await session.commit()
    before = await lead_row(session, lead.id)
    entries = await history_length(session, lead.id)
    accounts_before = await count(session, AccountsReceivable)

    with pytest.raises(DomainError) as refused:
        await win_lead(session, LeadAction(lead_ref(lead), await actor(session), NOW), None)

    assert only_problem(refused) == (
        ("accounts_receivable",),
        None,
        ErrorCode.REQUIRED,
        f"Lead {lead.number} has no accounts receivable: name an existing one or open a new one.",
    )
    await assert_unchanged(session, database, lead.id, before, entries)
    assert await count(session, AccountsReceivable) == accounts_before


# --- lose ---------------------------------------------------------------------------------


async def test_lose_needs_an_existing_lost_reason(
    session: AsyncSession, database: Database
) -> None:
    lead = await johns_lead(session, IN_PROGRESS)
    before = await lead_row(session, lead.id)
    entries = await history_length(session, lead.id)

    with pytest.raises(DomainError) as refused:
        await lose_lead(
            session, LeadAction(lead_ref(lead), await actor(session), NOW), Ref("name", "Weather")
        )

    assert only_problem(refused) == (
        ("lost_reason", "name"),
        "Weather",
        ErrorCode.NOT_FOUND,
        "No lost reason has name 'Weather'.",
    )
    await assert_unchanged(session, database, lead.id, before, entries)


async def test_lose_records_the_lost_reason_named_by_alternative_code(
    session: AsyncSession,
) -> None:
    lead = await johns_lead(session, PENDING)

    lost = await lose_lead(
        session, LeadAction(lead_ref(lead), await actor(session), NOW), Ref("alternative_code", "P")
    )

    reason = await session.get(LostReason, lost.lost_reason_id)
    assert reason is not None
    assert (lost.life_cycle_state, reason.name) == (LOST, "Price")
