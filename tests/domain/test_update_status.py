"""update_lead and the life cycle on the demo leads: an update keeps a lead in its life cycle
state. A status of another state, or a lost reason (the update into a won or lost status is
deprecated since CRM.COM R11.1.0), is refused as INVALID_TRANSITION with the action to take
instead, and nothing changes: not the lead's row (so not its version), its sets or its history
(`refused_update`). A status of the same state is taken (test_update.py).

Demo lead 69 is PENDING "Reach" for Filippos Constantinou, who owns no accounts receivable;
56 is IN_PROGRESS "Interest"; 4 is CANCELLED; 48 is WON; 33 is LOST.
"""

from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import Database
from app.domain.enums import ContactLifeCycleState
from app.domain.errors import ErrorCode
from app.domain.identifiers import Ref
from app.domain.models import AccountsReceivable, Contact
from tests.factories import (
    actor,
    count,
    explained,
    lead_by_number,
    new_account,
    refused_update,
)

PENDING_LEAD = 69
IN_PROGRESS_LEAD = 56
CANCELLED_LEAD = 4
STATUS_PATH = ("changes", "status", "name")
LOST_REASON_PATH = ("changes", "lost_reason")
NO_LOST_REASON = (
    "Only losing a lead sets its lost reason (the update that did, deprecated since CRM.COM "
    "R11.1.0, is not offered): lose the lead instead."
)


def move(status: str, current: str, target: str, then: str) -> str:
    """The reason an update naming `status` is refused, followed by `then`."""
    return (
        f"An update keeps a lead in its life cycle state, and status {status!r} would move this "
        f"{current} lead to {target}{then}"
    )


async def refused(
    session: AsyncSession, database: Database, number: int, **fields: Any
) -> list[tuple[Any, ...]]:
    """The (path, value, code, message) of each problem of a refused update, sorted."""
    return sorted(explained(await refused_update(session, database, number, **fields)))


# --- into another life cycle state --------------------------------------------------------


async def test_a_pending_lead_is_not_moved_in_progress_by_status(
    session: AsyncSession, database: Database
) -> None:
    problems = await refused(session, database, PENDING_LEAD, status=Ref("name", "Interest"))

    assert problems == [
        (
            STATUS_PATH,
            "Interest",
            ErrorCode.INVALID_TRANSITION,
            move("Interest", "PENDING", "IN_PROGRESS", ": start progress on the lead instead."),
        )
    ]


async def test_a_pending_lead_is_not_won_by_status_even_with_a_new_accounts_receivable(
    session: AsyncSession, database: Database
) -> None:
    lead = await lead_by_number(session, PENDING_LEAD)
    contact_id = lead.contact_id
    accounts_before = await count(session, AccountsReceivable)

    problems = await refused(
        session,
        database,
        PENDING_LEAD,
        status=Ref("name", "Won"),
        accounts_receivable=new_account(),
    )

    assert problems == [
        (
            STATUS_PATH,
            "Won",
            ErrorCode.INVALID_TRANSITION,
            move(
                "Won", "PENDING", "WON", ": start progress on the lead, then win the lead instead."
            ),
        )
    ]
    # No accounts receivable was opened, so the contact did not become FINANCIAL either.
    async with database.reader() as fresh:
        assert await count(fresh, AccountsReceivable) == accounts_before
        contact = await fresh.get(Contact, contact_id)
        assert contact is not None
        assert contact.life_cycle_state is ContactLifeCycleState.MARKETING


async def test_an_update_to_a_won_status_asks_for_no_accounts_receivable(
    session: AsyncSession, database: Database
) -> None:
    # The one problem is the move: an update no longer needs what winning needs.
    problems = await refused(session, database, PENDING_LEAD, status=Ref("name", "Won"))

    assert problems == [
        (
            STATUS_PATH,
            "Won",
            ErrorCode.INVALID_TRANSITION,
            move(
                "Won", "PENDING", "WON", ": start progress on the lead, then win the lead instead."
            ),
        )
    ]


async def test_an_in_progress_lead_is_not_won_by_status(
    session: AsyncSession, database: Database
) -> None:
    problems = await refused(
        session, database, IN_PROGRESS_LEAD, status=Ref("alternative_code", "WN")
    )

    assert problems == [
        (
            ("changes", "status", "alternative_code"),
            "WN",
            ErrorCode.INVALID_TRANSITION,
            move("Won", "IN_PROGRESS", "WON", ": win the lead instead."),
        )
    ]


@pytest.mark.parametrize(
    ("number", "current"),
    [(PENDING_LEAD, "PENDING"), (IN_PROGRESS_LEAD, "IN_PROGRESS")],
    ids=["pending", "in-progress"],
)
@pytest.mark.parametrize(
    ("status", "state", "remedy"),
    [("Lost", "LOST", "lose"), ("Cancelled", "CANCELLED", "cancel")],
    ids=["lost", "cancelled"],
)
async def test_an_open_lead_is_not_lost_or_cancelled_by_status(
    session: AsyncSession,
    database: Database,
    number: int,
    current: str,
    status: str,
    state: str,
    remedy: str,
) -> None:
    # The one problem is the move: an update no longer asks for a lost reason.
    problems = await refused(session, database, number, status=Ref("name", status))

    assert problems == [
        (
            STATUS_PATH,
            status,
            ErrorCode.INVALID_TRANSITION,
            move(status, current, state, f": {remedy} the lead instead."),
        )
    ]


async def test_an_in_progress_lead_cannot_go_back_to_pending_by_status(
    session: AsyncSession, database: Database
) -> None:
    problems = await refused(session, database, IN_PROGRESS_LEAD, status=Ref("name", "Reach"))

    assert problems == [
        (
            STATUS_PATH,
            "Reach",
            ErrorCode.INVALID_TRANSITION,
            move("Reach", "IN_PROGRESS", "PENDING", "; no action does that."),
        )
    ]


@pytest.mark.parametrize(
    ("status", "target"),
    [("Reach", "PENDING"), ("Interest", "IN_PROGRESS"), ("Won", "WON"), ("Lost", "LOST")],
)
async def test_a_cancelled_lead_keeps_to_cancelled_statuses(
    session: AsyncSession, database: Database, status: str, target: str
) -> None:
    problems = await refused(session, database, CANCELLED_LEAD, status=Ref("name", status))

    assert problems == [
        (
            STATUS_PATH,
            status,
            ErrorCode.INVALID_TRANSITION,
            move(status, "CANCELLED", target, "; no action does that."),
        )
    ]


# --- lost reasons -------------------------------------------------------------------------


async def test_a_lead_is_not_lost_by_status_for_a_reason(
    session: AsyncSession, database: Database
) -> None:
    problems = await refused(
        session,
        database,
        PENDING_LEAD,
        status=Ref("name", "Lost"),
        lost_reason=Ref("name", "Price"),
    )

    assert problems == [
        (LOST_REASON_PATH, "Price", ErrorCode.INVALID_TRANSITION, NO_LOST_REASON),
        (
            STATUS_PATH,
            "Lost",
            ErrorCode.INVALID_TRANSITION,
            move("Lost", "PENDING", "LOST", ": lose the lead instead."),
        ),
    ]


@pytest.mark.parametrize(
    ("reason", "value"),
    [
        pytest.param(Ref("name", "Price"), "Price", id="known"),
        pytest.param(Ref("name", "Weather"), "Weather", id="unknown"),
        pytest.param(Ref("alternative_code", "P"), "P", id="by-alternative-code"),
        pytest.param(None, None, id="none"),
    ],
)
async def test_a_lost_reason_given_on_update_is_refused_whatever_it_names(
    session: AsyncSession, database: Database, reason: Ref | None, value: str | None
) -> None:
    problems = await refused(session, database, PENDING_LEAD, lost_reason=reason)

    assert problems == [(LOST_REASON_PATH, value, ErrorCode.INVALID_TRANSITION, NO_LOST_REASON)]


# --- leads an update may not change -------------------------------------------------------


@pytest.mark.parametrize(("number", "state"), [(48, "WON"), (33, "LOST")], ids=["won", "lost"])
async def test_a_won_or_lost_demo_lead_cannot_be_updated(
    session: AsyncSession, database: Database, number: int, state: str
) -> None:
    problems = await refused(session, database, number, description="Again")

    assert problems == [
        (
            ("lead",),
            str(number),
            ErrorCode.INVALID_TRANSITION,
            f"Lead {number} is {state}; only CANCELLED, IN_PROGRESS or PENDING leads can be "
            "updated.",
        )
    ]


@pytest.mark.parametrize("number", [PENDING_LEAD, 48], ids=["open", "won"])
async def test_a_read_only_user_cannot_update_a_lead_whatever_its_state(
    session: AsyncSession, database: Database, number: int
) -> None:
    viewer = await actor(session, "viewer.main")

    problems = explained(
        await refused_update(session, database, number, viewer, description="Again")
    )

    assert problems == [
        (
            None,
            "viewer.main",
            ErrorCode.FORBIDDEN,
            "User 'viewer.main' has the READ_ONLY role: they may read leads, not change them.",
        )
    ]
