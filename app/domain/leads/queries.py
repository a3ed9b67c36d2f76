"""The read path of leads: every lead anyone reads is found here, by reference, in lists and
counts, or in a loader's batch, and only among the leads the reader may see (`visible_to`).

Every condition is SQL; nothing is filtered in Python. Leads come ordered by number, so paging
is stable: a cursor is the last number seen, an offset skips that many.
"""

import base64
from collections import defaultdict
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlmodel import col

from app.domain.auth import Actor
from app.domain.columns import INTEGER_RANGE
from app.domain.enums import OPEN_STATES, Importance, LeadSourceType, LifeCycleState, TimeUnit
from app.domain.errors import DomainError, ErrorCode, Problems
from app.domain.identifiers import Ref, find_one, find_one_or_raise
from app.domain.leads.visibility import visible_to
from app.domain.models import (
    AccountsReceivable,
    Contact,
    Entity,
    Lead,
    LeadCategory,
    LeadType,
)
from app.domain.periods import OutOfRangeError, add_period

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
_CURSOR_PREFIX = "lead:"


@dataclass(frozen=True)
class LeadFilter:
    """The list filters of the seeds; the ones given all apply."""

    contact: Ref | None = None
    accounts_receivable: Ref | None = None
    type: Ref | None = None
    category: Ref | None = None
    source: LeadSourceType | None = None
    importance: Importance | None = None
    priority: int | None = None


@dataclass(frozen=True)
class LeadView:
    """Which leads a list shows before its filter: a life cycle state, overdue, or due soon."""

    states: frozenset[LifeCycleState] | None = None
    overdue: bool = False
    due_within: tuple[int, TimeUnit] | None = None


@dataclass(frozen=True)
class PageRequest:
    """`first` leads after a cursor, or after skipping `offset` of them."""

    first: int = DEFAULT_PAGE_SIZE
    after: str | None = None
    offset: int | None = None


@dataclass(frozen=True)
class LeadPage:
    """One page of leads and what a client needs to ask for the next one."""

    leads: list[Lead]
    has_next_page: bool
    has_previous_page: bool
    # How many leads match over all pages, when it was asked for.
    total: int | None = None


def encode_cursor(number: int) -> str:
    """The opaque cursor of the lead numbered `number`."""
    return base64.urlsafe_b64encode(f"{_CURSOR_PREFIX}{number}".encode()).decode()


def decode_cursor(cursor: str) -> int:
    """The lead number inside a cursor; INVALID when it is not one of ours."""
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
        number = int(text.removeprefix(_CURSOR_PREFIX))
        if text.startswith(_CURSOR_PREFIX) and number in INTEGER_RANGE:
            return number
    except (ValueError, UnicodeDecodeError):
        pass
    raise DomainError.single(("after",), cursor, ErrorCode.INVALID, "This is not a cursor of ours.")


_FILTER_REFERENCES: dict[str, tuple[type[Entity], str, str]] = {
    "contact": (Contact, "contact", "contact_id"),
    "accounts_receivable": (AccountsReceivable, "accounts receivable", "accounts_receivable_id"),
    "type": (LeadType, "lead type", "type_id"),
    "category": (LeadCategory, "lead category", "category_id"),
}


async def _filter_conditions(
    session: AsyncSession, lead_filter: LeadFilter
) -> list[ColumnElement[bool]]:
    problems = Problems()
    conditions: list[ColumnElement[bool]] = []
    for name, (model, label, column) in _FILTER_REFERENCES.items():
        ref = getattr(lead_filter, name)
        row = await find_one(session, model, ref, ("filter", name), label, problems)
        if row is not None:
            conditions.append(getattr(Lead, column) == row.id)
    problems.raise_if_any()
    if lead_filter.source is not None:
        conditions.append(col(Lead.source_type) == lead_filter.source)
    if lead_filter.importance is not None:
        conditions.append(col(Lead.importance) == lead_filter.importance)
    if lead_filter.priority is not None:
        conditions.append(col(Lead.priority) == lead_filter.priority)
    return conditions


def _view_conditions(view: LeadView, now: datetime) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    states = view.states
    if view.overdue or view.due_within is not None:
        states = OPEN_STATES
    if states is not None:
        conditions.append(col(Lead.life_cycle_state).in_(sorted(states)))
    if view.overdue:
        conditions.append(col(Lead.expected_completion_date) < now)
    if view.due_within is not None:
        value, unit = view.due_within
        if value <= 0:
            raise DomainError.single(
                ("period",), value, ErrorCode.INVALID, "The period must be a positive number."
            )
        conditions.append(col(Lead.expected_completion_date) >= now)
        # A period past the calendar's end takes in every lead still ahead.
        with suppress(OutOfRangeError):
            conditions.append(col(Lead.expected_completion_date) <= add_period(now, value, unit))
    return conditions


def _check_page(page: PageRequest) -> None:
    problems = Problems()
    if not 0 <= page.first <= MAX_PAGE_SIZE:
        problems.add(
            ("first",),
            page.first,
            ErrorCode.INVALID,
            f"A page holds from 0 to {MAX_PAGE_SIZE} leads.",
        )
    if page.offset is not None and page.offset < 0:
        problems.add(("offset",), page.offset, ErrorCode.INVALID, "The offset cannot be negative.")
    if page.offset is not None and page.after is not None:
        problems.add(
            ("offset",),
            page.offset,
            ErrorCode.INVALID,
            "Page by cursor (after) or by offset, not both.",
        )
    problems.raise_if_any()


async def find_leads(
    session: AsyncSession,
    actor: Actor,
    view: LeadView,
    lead_filter: LeadFilter,
    page: PageRequest,
    now: datetime,
    *,
    with_total: bool = False,
) -> LeadPage:
    """One page of the leads `actor` may see in `view` that match `lead_filter`, by number;
    `with_total` counts them all too, in the same statement."""
    _check_page(page)
    conditions = [
        visible_to(actor),
        *_view_conditions(view, now),
        *await _filter_conditions(session, lead_filter),
    ]
    counting = select(func.count()).select_from(Lead).where(*conditions)
    columns: list[Any] = [Lead, counting.scalar_subquery()] if with_total else [Lead]
    statement = select(*columns).where(*conditions).order_by(col(Lead.number))
    if page.after is not None:
        statement = statement.where(col(Lead.number) > decode_cursor(page.after))
    if page.offset:
        statement = statement.offset(page.offset)
    rows = list((await session.execute(statement.limit(page.first + 1))).all())
    total = None
    if with_total:
        # A page past the end has no row to carry the count.
        total = rows[0][1] if rows else int(await session.scalar(counting) or 0)
    return LeadPage(
        leads=[row[0] for row in rows[: page.first]],
        has_next_page=len(rows) > page.first,
        has_previous_page=bool(page.offset) or page.after is not None,
        total=total,
    )


async def find_lead_or_raise(
    session: AsyncSession, actor: Actor, ref: Ref, *, for_update: bool = False
) -> Lead:
    """The lead `ref` names among those `actor` may see; NOT_FOUND otherwise, exactly as for
    a lead that does not exist. `for_update` locks it until the transaction ends."""
    return await find_one_or_raise(
        session,
        Lead,
        ref,
        ("lead",),
        "lead",
        condition=visible_to(actor),
        for_update=for_update,
    )


async def find_lead(session: AsyncSession, actor: Actor, ref: Ref) -> Lead | None:
    """The lead a reference names among those `actor` may see, or None when none does."""
    try:
        return await find_lead_or_raise(session, actor, ref)
    except DomainError as error:
        if all(problem.code is ErrorCode.NOT_FOUND for problem in error.problems):
            return None
        raise


async def leads_of_contacts(
    session: AsyncSession, actor: Actor, contact_ids: Sequence[str], first: int
) -> dict[str, list[Lead]]:
    """The first `first` leads by number of each contact, among those `actor` may see: one
    statement for any number of contacts."""
    _check_page(PageRequest(first=first))
    rank = (
        func.row_number()
        .over(partition_by=col(Lead.contact_id), order_by=col(Lead.number))
        .label("rank")
    )
    ranked = (
        select(Lead, rank)
        .where(col(Lead.contact_id).in_(contact_ids), visible_to(actor))
        .subquery()
    )
    ranked_lead = aliased(Lead, ranked)
    statement = select(ranked_lead).where(ranked.c.rank <= first).order_by(ranked.c.number)
    leads: dict[str, list[Lead]] = defaultdict(list)
    for lead in (await session.scalars(statement)).all():
        leads[lead.contact_id].append(lead)
    return leads


async def any_lead_exists(session: AsyncSession) -> bool:
    """Whether the database holds any lead at all (the demo data loads only into one without)."""
    return bool(await session.scalar(select(exists().where(col(Lead.id).is_not(None)))))
