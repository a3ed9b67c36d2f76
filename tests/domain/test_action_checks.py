"""Who may act on an existing lead, and the order an action checks in (docs/domain.md): a
READ_ONLY user is FORBIDDEN first; then the lead is looked up among the leads the actor may see
(NOT_FOUND, exactly as for a lead that does not exist); then its state (INVALID_TRANSITION);
then the version the caller expects (CONFLICT). Each refusal changes nothing.

The leads are made by the demo administrator, so they belong to Main Group: `sales.main` (of
Main Group) sees them, `sales.csr` (of CSR Group) does not.
"""

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import Database
from app.domain.enums import LifeCycleState
from app.domain.errors import DomainError, ErrorCode
from tests.factories import (
    actor,
    assert_unchanged,
    history_length,
    lead_in_state,
    lead_row,
    only_problem,
    perform,
)

ACTIONS = ["update", "start_progress", "win", "lose", "cancel"]
# One state each action is allowed from.
ALLOWED_FROM = {
    "update": LifeCycleState.PENDING,
    "start_progress": LifeCycleState.PENDING,
    "win": LifeCycleState.IN_PROGRESS,
    "lose": LifeCycleState.IN_PROGRESS,
    "cancel": LifeCycleState.PENDING,
}
# How a refusal of each action on a LOST lead ends.
ONLY = {
    "update": "CANCELLED, IN_PROGRESS or PENDING leads can be updated",
    "start_progress": "PENDING leads can have their progress started",
    "win": "IN_PROGRESS leads can be won",
    "lose": "IN_PROGRESS or PENDING leads can be lost",
    "cancel": "IN_PROGRESS or PENDING leads can be cancelled",
}
READ_ONLY_REASON = (
    "User 'viewer.main' has the READ_ONLY role: they may read leads, not change them."
)


async def refused_action(
    session: AsyncSession,
    database: Database,
    action: str,
    state: LifeCycleState,
    username: str,
    expected_version: int | None = None,
) -> tuple[object, ...]:
    """The one problem of `action` by `username` on a new committed lead in `state` (lead
    300), which must be refused and change nothing."""
    lead = await lead_in_state(session, state)
    await session.commit()
    before = await lead_row(session, lead.id)
    entries = await history_length(session, lead.id)
    assert (lead.number, before["version"]) == (300, 1 if state is LifeCycleState.PENDING else 2)
    who = await actor(session, username)

    with pytest.raises(DomainError) as refused:
        await perform(session, action, lead, who, expected_version=expected_version)

    await assert_unchanged(session, database, lead.id, before, entries)
    return only_problem(refused)


@pytest.mark.parametrize("action", ACTIONS)
async def test_a_read_only_user_may_take_no_action_on_a_lead(
    session: AsyncSession, database: Database, action: str
) -> None:
    problem = await refused_action(session, database, action, ALLOWED_FROM[action], "viewer.main")

    assert problem == (None, "viewer.main", ErrorCode.FORBIDDEN, READ_ONLY_REASON)


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize(
    ("username", "expected"),
    [
        pytest.param(
            "viewer.main",
            (None, "viewer.main", ErrorCode.FORBIDDEN, READ_ONLY_REASON),
            id="read-only-first",
        ),
        pytest.param(
            "sales.csr",
            (("lead", "number"), "300", ErrorCode.NOT_FOUND, "No lead has number '300'."),
            id="then-not-visible",
        ),
        pytest.param("sales.main", None, id="then-the-state"),
        pytest.param("MPAdministrator", None, id="then-the-state-for-an-administrator"),
    ],
)
async def test_the_checks_of_an_action_come_in_order(
    session: AsyncSession,
    database: Database,
    action: str,
    username: str,
    expected: tuple[object, ...] | None,
) -> None:
    # A LOST lead (version 2) that no action is allowed on, and a stale expected version.
    problem = await refused_action(
        session, database, action, LifeCycleState.LOST, username, expected_version=1
    )

    assert problem == (
        expected
        or (
            ("lead",),
            "300",
            ErrorCode.INVALID_TRANSITION,
            f"Lead 300 is LOST; only {ONLY[action]}.",
        )
    )
