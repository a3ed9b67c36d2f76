"""The write path of leads: the one module that writes a lead (create, update, every
transition). It checks who acts, the lead's state and its version once, writes the row with
what the change brings along (a new contact or accounts receivable, set items, the
idempotency key of a create), and records the change set in the lead's history, all in the
caller's transaction.

A write to an existing lead is one conditional UPDATE, on the state it was read in and, when
the caller names one, its version: two clients racing on one lead can never both succeed.
"""

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import CursorResult, Float, Update, bindparam, delete, insert, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import col

from app.domain.auth import Actor
from app.domain.contacts import open_accounts_receivable
from app.domain.enums import Action
from app.domain.errors import DomainError, ErrorCode
from app.domain.leads import history
from app.domain.leads.commands import LeadAction
from app.domain.leads.idempotency import KEY_PATH
from app.domain.leads.lifecycle import ensure_allowed
from app.domain.leads.queries import find_lead_or_raise
from app.domain.leads.sets import SetPlan, SetRow, set_rows
from app.domain.leads.validation import Plan
from app.domain.leads.visibility import ensure_may_change
from app.domain.models import Contact, IdempotencyKey, Lead, LeadChange, as_loaded
from app.domain.numbering import NumberSeries, next_number


@dataclass(frozen=True)
class Written:
    """A lead as written, and the history entry that records the change."""

    lead: Lead
    change: LeadChange


def _check_version(lead: Lead, expected_version: int | None) -> None:
    if expected_version is not None and lead.version != expected_version:
        raise DomainError.single(
            ("expected_version",),
            expected_version,
            ErrorCode.CONFLICT,
            f"Lead {lead.number} is at version {lead.version}, not {expected_version}; "
            "read it again and retry.",
        )


async def lead_for_change(session: AsyncSession, action: LeadAction, kind: Action) -> Lead:
    """The lead an action names, locked, once the actor may change it and the life cycle
    allows `kind` from its state: what the action checks (its sets, its contact's accounts)
    cannot change under it before it writes."""
    ensure_may_change(action.actor)
    lead = await find_lead_or_raise(session, action.actor, action.ref, for_update=True)
    ensure_allowed(kind, lead.life_cycle_state, path=("lead",), value=str(lead.number))
    _check_version(lead, action.expected_version)
    return lead


def _logged(values: dict[str, Any], actor: Actor, now: datetime) -> dict[str, Any]:
    return {
        **values,
        "updated_at": now,
        "updated_by_user_id": actor.user_id,
        "updated_by_unit_id": actor.unit_id,
    }


# SQLite's RETURNING hands out a REAL column holding a whole number as an integer (a SELECT
# reads it back as a float): these columns are made floats again, as any read gives them.
_FLOAT_COLUMNS = tuple(
    column.name
    for column in Lead.__table__.c  # type: ignore[attr-defined]
    if isinstance(column.type, Float)
)

# A new lead's INSERT, which gives the row back as stored. A Core statement: the ORM's bulk
# INSERT of one row took 0.61 ms where this one and the object made of its row take 0.37.
_LEAD_TABLE = Lead.__table__  # type: ignore[attr-defined]
_INSERT_LEAD = insert(_LEAD_TABLE).returning(*_LEAD_TABLE.c)


def _as_read(lead: Lead) -> Lead:
    """`lead` as a RETURNING clause gave it, with its values as a SELECT gives them."""
    for name in _FLOAT_COLUMNS:
        value = getattr(lead, name)
        if isinstance(value, int):
            set_committed_value(lead, name, float(value))
    return lead


async def _save_new_records(session: AsyncSession, plan: Plan, contact_id: str | None) -> None:
    """Insert the contact and open the accounts receivable that the plan asks for.

    They are written before the lead; should the lead's write then be refused, the whole
    transaction rolls back with it.
    """
    if plan.new_contact is not None:
        session.add(plan.new_contact)
        await session.flush()
        plan.values["contact_id"] = plan.new_contact.id
    if plan.new_account is None or plan.new_account.new is None:
        return
    owner = plan.new_contact or await session.get(Contact, contact_id)
    assert owner is not None
    account = await open_accounts_receivable(session, owner, plan.new_account.new)
    plan.values["accounts_receivable_id"] = account.id


async def _save_sets(session: AsyncSession, lead_id: str, sets: SetPlan) -> None:
    for row in sets.removed:
        await session.execute(delete(type(row)).where(col(type(row).id) == row.id))
    for row in sets.added:
        row.lead_id = lead_id
        session.add(row)
    await session.flush()


# The key's INSERT, which does nothing when the user has recorded the key already.
_KEY_TABLE = IdempotencyKey.__table__  # type: ignore[attr-defined]
_RECORD_KEY = {
    dialect.dialect.name: dialect.insert(_KEY_TABLE).on_conflict_do_nothing()
    for dialect in (sqlite, postgresql)
}


async def _record_key(
    session: AsyncSession, key: str, actor: Actor, lead_id: str, now: datetime
) -> None:
    """Remember which lead `key` made. Two creates racing under one key both miss it at
    first; the primary key lets only the first record it, and the other is refused."""
    statement = _RECORD_KEY[session.get_bind().dialect.name]
    values = {"user_id": actor.user_id, "key": key, "lead_id": lead_id, "created_at": now}
    result: CursorResult[Any] = await session.execute(statement, values)  # type: ignore[assignment]
    if result.rowcount != 1:
        raise DomainError.single(
            KEY_PATH,
            key,
            ErrorCode.CONFLICT,
            "Another create under this idempotency key was applied meanwhile; send it again "
            "to get its lead.",
        )


async def insert_lead(
    session: AsyncSession,
    plan: Plan,
    actor: Actor,
    now: datetime,
    idempotency_key: str | None = None,
) -> Written:
    """Write a new lead, numbered in sequence, and its CREATE entry, and record the
    idempotency key that made it when there is one (`create_lead` checked the actor's role
    and the key before it checked the input)."""
    await _save_new_records(session, plan, plan.values.get("contact_id"))
    number = await next_number(session, NumberSeries.LEAD)
    # The columns' own defaults fill in the rest (the id, the first version).
    values = {
        **_logged(plan.values, actor, now),
        "number": number,
        "created_at": now,
        "created_by_user_id": actor.user_id,
        "created_by_unit_id": actor.unit_id,
    }
    # The row comes back as stored (a Decimal at its column's scale, dates in UTC), in the
    # INSERT's own statement.
    connection = await session.connection()
    stored = (await connection.execute(_INSERT_LEAD, values)).mappings().one()
    lead = _as_read(as_loaded(Lead, dict(stored)))
    if idempotency_key is not None:
        await _record_key(session, idempotency_key, actor, lead.id, now)
    await _save_sets(session, lead.id, plan.sets)
    after = await history.snapshot(session, lead, plan.sets.added)
    changes = history.differences({}, after)
    entry = await history.record(session, lead.id, Action.CREATE, actor, now, changes)
    return Written(lead, entry)


# The prefix of an UPDATE's values among its parameters, apart from the names of its conditions.
_SET = "set_"


@lru_cache(maxsize=256)
def _update_of(columns: tuple[str, ...], *, with_version: bool) -> Update:
    """The conditional UPDATE of a lead's `columns` (and its version), which gives back what
    it wrote; built once for each set of columns, since building one costs more than running
    it. It writes only while the lead is still in the state it was read in (`lead_state`)
    and, `with_version`, at the version the caller names (`lead_version`)."""
    table = _LEAD_TABLE
    statement = (
        update(table)
        .where(table.c.id == bindparam("lead_id"))
        .where(table.c.life_cycle_state == bindparam("lead_state"))
        .values(
            {
                **{name: bindparam(f"{_SET}{name}") for name in columns},
                "version": table.c.version + 1,
            }
        )
        .returning(*(table.c[name] for name in (*columns, "version")))
    )
    if with_version:
        statement = statement.where(table.c.version == bindparam("lead_version"))
    return statement


async def write_lead(
    session: AsyncSession,
    lead: Lead,
    plan: Plan,
    kind: Action,
    action: LeadAction,
    items: list[SetRow] | None = None,
) -> Written:
    """Write what `plan` changes on a lead got from `lead_for_change`, and its entry.

    `items`: the lead's set rows before the change, when the caller read them already.
    """
    before_items = await set_rows(session, lead.id) if items is None else items
    # The records both snapshots name, the lead's and those the plan brings, in one read.
    records = history.Records(session)
    await records.load(
        [
            *history.lead_references(lead, before_items),
            *history.references(plan.values, plan.sets.added),
        ]
    )
    before = await history.snapshot(session, lead, before_items, records)
    await _save_new_records(session, plan, plan.values.get("contact_id", lead.contact_id))
    values = _logged(plan.values, action.actor, action.now)
    statement = _update_of(tuple(values), with_version=action.expected_version is not None)
    parameters = {
        **{f"{_SET}{name}": value for name, value in values.items()},
        "lead_id": lead.id,
        "lead_state": lead.life_cycle_state,
    }
    if action.expected_version is not None:
        parameters["lead_version"] = action.expected_version
    connection = await session.connection()
    written = (await connection.execute(statement, parameters)).mappings().one_or_none()
    if written is None:
        await session.refresh(lead)
        _check_version(lead, action.expected_version)
        ensure_allowed(kind, lead.life_cycle_state, path=("lead",), value=str(lead.number))
        raise DomainError.single(
            ("lead",),
            lead.number,
            ErrorCode.CONFLICT,
            f"Lead {lead.number} changed while this request was applied; read it again and retry.",
        )
    # The lead read before takes the columns as written, from the UPDATE's own statement.
    for name, value in written.items():
        set_committed_value(lead, name, value)
    lead = _as_read(lead)
    await _save_sets(session, lead.id, plan.sets)
    after_items = [row for row in before_items if row not in plan.sets.removed]
    after = await history.snapshot(session, lead, [*after_items, *plan.sets.added], records)
    changes = history.differences(before, after)
    entry = await history.record(session, lead.id, kind, action.actor, action.now, changes)
    return Written(lead, entry)
