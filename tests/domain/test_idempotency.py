"""Idempotency keys of creates: the same key again, by the same user, gives the lead the first
create made and writes nothing; keys are each user's own; a refused create leaves its key
unused; a key never reaches a lead its user may no longer see."""

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.domain.enums import Role
from app.domain.errors import DomainError, ErrorCode
from app.domain.identifiers import Ref
from app.domain.leads.commands import LeadAction, LeadChanges
from app.domain.leads.service import create_lead, create_lead_once, update_lead
from app.domain.leads.validation import ChangeCheck
from app.domain.leads.writes import insert_lead
from app.domain.models import IdempotencyKey, Lead, LeadChange
from tests.databases import DEMO_NOW
from tests.factories import actor, count, existing_contact, explained, lead_ref, new_lead

KEY = "import:3f1d"


async def _counts(session: AsyncSession) -> tuple[int, int, int]:
    return (
        await count(session, Lead),
        await count(session, LeadChange),
        await count(session, IdempotencyKey),
    )


async def test_a_key_used_again_gives_the_first_lead_and_writes_nothing(
    session: AsyncSession,
) -> None:
    who = await actor(session, "mariosmtest")
    first = await create_lead_once(session, new_lead(description="first"), who, DEMO_NOW, KEY)
    before = await _counts(session)

    again = await create_lead_once(session, new_lead(description="first"), who, DEMO_NOW, KEY)

    assert (first.replayed, again.replayed) == (False, True)
    assert (again.lead.id, again.lead.number, again.lead.description) == (
        first.lead.id,
        300,
        "first",
    )
    assert await _counts(session) == before


async def test_the_first_lead_comes_back_whatever_the_second_create_asks(
    session: AsyncSession,
) -> None:
    who = await actor(session)
    first = await create_lead(session, new_lead(priority=2), who, DEMO_NOW, KEY)
    before = await _counts(session)

    # Not checked again: a contact that does not exist does not matter to a replay.
    again = await create_lead(
        session, new_lead(priority=5, contact=existing_contact("000000")), who, DEMO_NOW, KEY
    )

    assert (again.id, again.priority) == (first.id, 2)
    assert await _counts(session) == before


async def test_keys_are_each_users_own(session: AsyncSession) -> None:
    mine = await create_lead(
        session, new_lead(), await actor(session, "mariosmtest"), DEMO_NOW, KEY
    )
    theirs = await create_lead(
        session, new_lead(), await actor(session, "salesagent"), DEMO_NOW, KEY
    )

    assert (mine.number, theirs.number) == (300, 301)


async def test_without_a_key_every_create_makes_a_lead(session: AsyncSession) -> None:
    who = await actor(session)
    numbers = [(await create_lead(session, new_lead(), who, DEMO_NOW)).number for _ in range(2)]

    assert numbers == [300, 301]
    assert await count(session, IdempotencyKey) == 0


async def test_a_refused_create_leaves_its_key_unused(session: AsyncSession) -> None:
    who = await actor(session)
    with pytest.raises(DomainError):
        await create_lead(session, new_lead(contact=existing_contact("000000")), who, DEMO_NOW, KEY)
    assert await count(session, IdempotencyKey) == 0

    made = await create_lead_once(session, new_lead(), who, DEMO_NOW, KEY)

    assert (made.replayed, made.lead.number) == (False, 300)


@pytest.mark.parametrize("key", ["", "k" * 201])
async def test_a_key_is_from_1_to_200_characters(session: AsyncSession, key: str) -> None:
    with pytest.raises(DomainError) as refused:
        await create_lead(session, new_lead(), await actor(session), DEMO_NOW, key)

    assert explained(refused.value.problems) == [
        (
            ("idempotency_key",),
            key,
            ErrorCode.INVALID,
            "An idempotency key has from 1 to 200 characters.",
        )
    ]


async def test_a_read_only_user_is_refused_before_the_key_is_looked_at(
    session: AsyncSession,
) -> None:
    viewer = await actor(session, "viewer.main")
    assert viewer.role is Role.READ_ONLY

    with pytest.raises(DomainError) as refused:
        await create_lead(session, new_lead(), viewer, DEMO_NOW, KEY)

    assert [problem.code for problem in refused.value.problems] == [ErrorCode.FORBIDDEN]


async def test_a_key_never_reaches_a_lead_its_user_may_no_longer_see(
    session: AsyncSession,
) -> None:
    seller = await actor(session, "sales.main")
    lead = await create_lead(session, new_lead(), seller, DEMO_NOW, KEY)
    # The administrator gives the lead to the CSR group: sales.main sees it no more.
    action = LeadAction(lead_ref(lead), await actor(session), DEMO_NOW)
    await update_lead(session, action, LeadChanges(owned_by_group=Ref("name", "CSR Group")))

    with pytest.raises(DomainError) as refused:
        await create_lead(session, new_lead(), seller, DEMO_NOW, KEY)

    assert explained(refused.value.problems) == [
        (
            ("idempotency_key",),
            KEY,
            ErrorCode.CONFLICT,
            "This idempotency key made a lead you may no longer see; use another key.",
        )
    ]


async def test_of_two_creates_that_both_missed_the_key_only_the_first_records_it(
    session: AsyncSession,
) -> None:
    """What two racing creates do: both look the key up before either has recorded it, then
    both write; the second is refused (and its transaction, rolled back, writes nothing)."""
    who = await actor(session)
    changes = new_lead()
    plans = [await ChangeCheck(session, who, None, changes, DEMO_NOW, []).run() for _ in "ab"]
    await insert_lead(session, plans[0], who, DEMO_NOW, KEY)

    with pytest.raises(DomainError) as refused:
        await insert_lead(session, plans[1], who, DEMO_NOW, KEY)

    assert explained(refused.value.problems) == [
        (
            ("idempotency_key",),
            KEY,
            ErrorCode.CONFLICT,
            "Another create under this idempotency key was applied meanwhile; send it again "
            "to get its lead.",
        )
    ]
