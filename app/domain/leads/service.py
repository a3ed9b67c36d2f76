"""The actions on leads: create, update, start progress, win, lose, cancel.

Each action checks everything first and reports every problem at once; it writes, through
the write path (`app/domain/leads/writes.py`), only when nothing is wrong.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.domain.auth import Actor
from app.domain.contacts import AccountsReceivableChoice, check_new_accounts_receivable
from app.domain.enums import COMPLETED_STATES, Action, LifeCycleState
from app.domain.errors import ErrorCode, Path, Problems
from app.domain.identifiers import Ref, find_one
from app.domain.leads import writes
from app.domain.leads.commands import LeadAction, LeadChanges
from app.domain.leads.idempotency import check_key, lead_created_under
from app.domain.leads.lifecycle import TRANSITIONS
from app.domain.leads.sets import set_rows
from app.domain.leads.validation import ChangeCheck, Plan
from app.domain.leads.visibility import ensure_may_change
from app.domain.models import AccountsReceivable, Lead, LeadStatus, LeadType, LostReason

# What a transition needs besides its status: it adds to the plan, or records problems.
Check = Callable[[Lead, Plan, Problems], Awaitable[None]]

# The lead type's status that each transition uses when none is named.
_DEFAULT_STATUS = {
    Action.START_PROGRESS: "start_status_id",
    Action.WIN: "win_status_id",
    Action.LOSE: "lose_status_id",
    Action.CANCEL: "cancel_status_id",
}

# The default status of each transition, read through the lead type in one statement.
_DEFAULT_STATUS_OF_TYPE = {
    kind: select(LeadStatus)
    .join(LeadType, getattr(LeadType, column) == col(LeadStatus.id))
    .where(col(LeadType.id) == bindparam("type_id"))
    for kind, column in _DEFAULT_STATUS.items()
}


@dataclass(frozen=True)
class Creation:
    """The lead a create gives, and whether an earlier create under the same idempotency key
    made it (then this one wrote nothing)."""

    lead: Lead
    replayed: bool


async def create_lead(
    session: AsyncSession,
    changes: LeadChanges,
    actor: Actor,
    now: datetime,
    idempotency_key: str | None = None,
) -> Lead:
    """A new lead, numbered in sequence, with the lead type's defaults for what is not given;
    under an idempotency key the actor used before, the lead that key made."""
    return (await create_lead_once(session, changes, actor, now, idempotency_key)).lead


async def create_lead_once(
    session: AsyncSession,
    changes: LeadChanges,
    actor: Actor,
    now: datetime,
    idempotency_key: str | None,
) -> Creation:
    """`create_lead`, telling whether the lead was made now or by an earlier create under
    the same key. The earlier lead comes back as it is: the changes are not checked again."""
    ensure_may_change(actor)
    if idempotency_key is not None:
        check_key(idempotency_key)
        earlier = await lead_created_under(session, actor, idempotency_key)
        if earlier is not None:
            return Creation(earlier, replayed=True)
    plan = await ChangeCheck(session, actor, None, changes, now, []).run()
    written = await writes.insert_lead(session, plan, actor, now, idempotency_key)
    return Creation(written.lead, replayed=False)


async def update_lead(session: AsyncSession, action: LeadAction, changes: LeadChanges) -> Lead:
    """Change the given fields of a lead that is not WON or LOST; the rest stays as it was."""
    lead = await writes.lead_for_change(session, action, Action.UPDATE)
    items = await set_rows(session, lead.id)
    plan = await ChangeCheck(session, action.actor, lead, changes, action.now, items).run()
    return (await writes.write_lead(session, lead, plan, Action.UPDATE, action, items)).lead


async def _status_in_state(
    session: AsyncSession,
    ref: Ref | None,
    lead: Lead,
    kind: Action,
    state: LifeCycleState,
    problems: Problems,
) -> LeadStatus | None:
    """The status named (or the lead type's default for `kind`), which must belong to
    `state`."""
    if ref is None:
        return await session.scalar(_DEFAULT_STATUS_OF_TYPE[kind], {"type_id": lead.type_id})
    path: Path = ("status",)
    status = await find_one(session, LeadStatus, ref, path, "lead status", problems)
    if status is not None and status.life_cycle_state is not state:
        problems.add(
            ref.path(path),
            ref.value,
            ErrorCode.INVALID,
            f"Status {status.name!r} belongs to {status.life_cycle_state}, not {state}.",
        )
    return status


async def _transition(
    session: AsyncSession, kind: Action, action: LeadAction, check: Check | None = None
) -> Lead:
    """Move a lead along the life cycle table: into the status named (or the lead type's
    default for `kind`), after `check` has found no problem with what the action needs."""
    lead = await writes.lead_for_change(session, action, kind)
    target = TRANSITIONS[kind].target
    assert target is not None
    problems = Problems()
    status = await _status_in_state(session, action.status, lead, kind, target, problems)
    plan = Plan()
    if check is not None:
        await check(lead, plan, problems)
    problems.raise_if_any()
    assert status is not None
    plan.values |= {"status_id": status.id, "life_cycle_state": target}
    if target in COMPLETED_STATES:
        plan.values["actual_completion_date"] = action.now
    return (await writes.write_lead(session, lead, plan, kind, action)).lead


async def start_lead_progress(session: AsyncSession, action: LeadAction) -> Lead:
    """Move a PENDING lead to IN_PROGRESS (the lead type's start status unless one is named)."""
    return await _transition(session, Action.START_PROGRESS, action)


async def cancel_lead(session: AsyncSession, action: LeadAction) -> Lead:
    """Cancel an open lead."""
    return await _transition(session, Action.CANCEL, action)


async def lose_lead(session: AsyncSession, action: LeadAction, lost_reason: Ref) -> Lead:
    """Mark an open lead LOST, for a reason."""

    async def check(_: Lead, plan: Plan, problems: Problems) -> None:
        reason = await find_one(
            session, LostReason, lost_reason, ("lost_reason",), "lost reason", problems
        )
        if reason is not None:
            plan.values["lost_reason_id"] = reason.id

    return await _transition(session, Action.LOSE, action, check)


async def win_lead(
    session: AsyncSession,
    action: LeadAction,
    accounts_receivable: AccountsReceivableChoice | None = None,
) -> Lead:
    """Mark an IN_PROGRESS lead WON, billed to an existing or a new accounts receivable (the
    lead's own when none is named)."""

    async def check(lead: Lead, plan: Plan, problems: Problems) -> None:
        path: Path = ("accounts_receivable",)
        if accounts_receivable is None:
            if lead.accounts_receivable_id is None:
                problems.add(
                    path,
                    None,
                    ErrorCode.REQUIRED,
                    f"Lead {lead.number} has no accounts receivable: name an existing one or "
                    "open a new one.",
                )
            return
        existing = accounts_receivable.existing
        if existing is None:
            assert accounts_receivable.new is not None
            check_new_accounts_receivable(accounts_receivable.new, (*path, "new"), problems)
            plan.new_account = accounts_receivable
            return
        account = await find_one(
            session,
            AccountsReceivable,
            existing,
            (*path, "existing"),
            "accounts receivable",
            problems,
        )
        if account is None:
            return
        if account.owner_id != lead.contact_id:
            problems.add(
                existing.path((*path, "existing")),
                existing.value,
                ErrorCode.INVALID,
                f"Accounts receivable {account.number} belongs to another contact.",
            )
        plan.values["accounts_receivable_id"] = account.id

    return await _transition(session, Action.WIN, action, check)
