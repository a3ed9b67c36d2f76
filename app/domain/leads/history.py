"""The change history of leads: what a lead's fields are, as typed JSON, before and after each
action, and the entries that record the difference.

A field's value is JSON a client can use as it is: a reference is an object with its id and
its natural key (`{"id": "...", "name": "Won"}`), a date is ISO 8601 in UTC, money is a
decimal string, a set is the list of its items. An entry lists each field an action changed
with its old and new value; a set's change lists the items added and removed.
"""

import base64
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

from sqlalchemy import Select, bindparam, func, insert, literal_column, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlmodel import col

from app.domain.auth import Actor
from app.domain.enums import Action
from app.domain.errors import DomainError, ErrorCode
from app.domain.leads.queries import MAX_PAGE_SIZE
from app.domain.leads.sets import SET_ITEMS, SETS, SetRow, item_level, set_rows
from app.domain.leads.validation import REFERENCES, SOURCE_REFERENCES
from app.domain.models import (
    UDF_DATE_FIELDS,
    UDF_FLOAT_FIELDS,
    UDF_STRING_FIELDS,
    AccountsReceivable,
    Communication,
    Contact,
    Entity,
    Lead,
    LeadCategory,
    LeadChange,
    LeadStatus,
    LeadType,
    LostReason,
    Notification,
    Product,
    ProductBrand,
    ProductFamily,
    ProductType,
    User,
    as_loaded,
)

Snapshot = dict[str, Any]

# The natural key that names each kind of record in a value, beside its id.
NATURAL_KEYS: dict[type[Entity], str] = {
    LeadStatus: "name",
    LeadType: "name",
    LeadCategory: "name",
    LostReason: "name",
    Contact: "id_number",
    AccountsReceivable: "number",
    Communication: "number",
    Notification: "number",
    Product: "code",
    ProductType: "name",
    ProductFamily: "name",
    ProductBrand: "name",
    User: "username",
}

# Fields that name a record: (field, column, model). The lead's own references first, then
# those the validation tables know.
_REFERENCE_FIELDS: tuple[tuple[str, str, type[Entity]], ...] = (
    ("status", "status_id", LeadStatus),
    ("type", "type_id", LeadType),
    ("contact_information", "contact_id", Contact),
    ("accounts_receivable", "accounts_receivable_id", AccountsReceivable),
    ("lost_reason", "lost_reason_id", LostReason),
    *((name, column, model) for name, (model, _, column) in REFERENCES.items()),
)
_PLAIN_FIELDS = (
    "life_cycle_state",
    "importance",
    "priority",
    "probability_to_win",
    "description",
    "contact_email",
    "contact_phone",
    *UDF_STRING_FIELDS,
    *UDF_FLOAT_FIELDS,
)
_DATE_FIELDS = (
    "start_date",
    "expected_completion_date",
    "actual_completion_date",
    *UDF_DATE_FIELDS,
)
SET_FIELDS = {f"{name}_set": kind for name, kind in SETS.items()}
# The order in which an entry lists its changes: the lead's own order, state first.
FIELD_ORDER = (
    "life_cycle_state",
    "status",
    "type",
    "category",
    "contact_information",
    "accounts_receivable",
    "lead_source",
    "importance",
    "priority",
    "probability_to_win",
    "target_amount",
    "description",
    "contact_email",
    "contact_phone",
    "assigned_user",
    "assigned_unit",
    "owned_by_group",
    "privacy_level",
    "lead_owner",
    "subscription_package",
    "lost_reason",
    "start_date",
    "expected_completion_date",
    "estimated_completion_time",
    "actual_completion_date",
    *UDF_STRING_FIELDS,
    *UDF_FLOAT_FIELDS,
    *UDF_DATE_FIELDS,
    *SET_FIELDS,
)
_CURSOR_PREFIX = "change:"
# What the sequence column holds (a BIGINT on PostgreSQL, SQLite's INTEGER alike).
SEQUENCE_LIMIT = 2**63


def date_value(moment: datetime | None) -> str | None:
    """A date as history holds it: ISO 8601 in UTC."""
    return None if moment is None else moment.isoformat()


def money_value(amount: Decimal | None) -> str | None:
    """Money as history holds it: a decimal string with its cents."""
    return None if amount is None else f"{amount:.2f}"


Reference = tuple[type[Entity], str | None]

# The column of a lead that names a record, and the record's model: the reference fields,
# then the sources' records.
_REFERENCE_COLUMNS: dict[str, type[Entity]] = {
    **{column: model for _, column, model in _REFERENCE_FIELDS},
    **{column: model for model, _, column in SOURCE_REFERENCES.values()},
}


def references(values: Mapping[str, Any], items: Sequence[SetRow] = ()) -> list[Reference]:
    """The records that lead column values (a lead's, or those a change will write) and set
    items name."""
    found: list[Reference] = [
        (model, values[column]) for column, model in _REFERENCE_COLUMNS.items() if column in values
    ]
    for row in items:
        level = item_level(row)
        found.append((SET_ITEMS[level][0], getattr(row, f"{level}_id")))
    return found


def lead_references(lead: Lead, items: Sequence[SetRow] = ()) -> list[Reference]:
    """The records a lead and its set items name."""
    return references({column: getattr(lead, column) for column in _REFERENCE_COLUMNS}, items)


@lru_cache(maxsize=256)
def _natural_keys_of(models: tuple[type[Entity], ...]) -> Select[Any]:
    """The statement that reads the natural keys of the records of `models` whose ids are
    given as `ids_<index of the model>`; built once for each tuple of models."""
    parts = [
        select(
            literal_column(str(index)),
            col(model.id),
            getattr(model, NATURAL_KEYS.get(model, "name")),
        ).where(col(model.id).in_(bindparam(f"ids_{index}", expanding=True)))
        for index, model in enumerate(models)
    ]
    return parts[0] if len(parts) == 1 else union_all(*parts)  # type: ignore[return-value]


class Records:
    """The natural keys of the records snapshots name: one statement for all of them (a
    UNION over their tables), and known from then on for the next snapshot of the same
    write, whose before and after name mostly the same records."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.keys: dict[tuple[type[Entity], str], str | None] = {}

    async def load(self, wanted: Iterable[Reference]) -> None:
        """Know the natural key of every record in `wanted` (None for an id naming nothing)."""
        missing: dict[type[Entity], set[str]] = defaultdict(set)
        for model, record_id in wanted:
            if record_id is not None and (model, record_id) not in self.keys:
                missing[model].add(record_id)
        if not missing:
            return
        models = tuple(missing)
        given = {f"ids_{index}": sorted(missing[model]) for index, model in enumerate(models)}
        statement = _natural_keys_of(models)
        connection = await self.session.connection()
        for index, record_id, key in (await connection.execute(statement, given)).all():
            self.keys[models[index], record_id] = key
        for model, ids in missing.items():
            for record_id in ids:
                self.keys.setdefault((model, record_id), None)

    def value(self, model: type[Entity], record_id: str | None) -> dict[str, Any] | None:
        """A reference as history holds it: its id and natural key (`load` it first)."""
        if record_id is None:
            return None
        return {"id": record_id, NATURAL_KEYS.get(model, "name"): self.keys[model, record_id]}


def _source(records: Records, lead: Lead) -> dict[str, Any]:
    if lead.source_type in SOURCE_REFERENCES:
        model, label, column = SOURCE_REFERENCES[lead.source_type]
        return {"type": lead.source_type.value, label: records.value(model, getattr(lead, column))}
    return {"type": lead.source_type.value, "name": lead.source_name}


def _set_item(records: Records, row: SetRow) -> dict[str, Any]:
    level = item_level(row)
    model, _ = SET_ITEMS[level]
    return {"id": row.id, level: records.value(model, getattr(row, f"{level}_id"))}


async def snapshot(
    session: AsyncSession,
    lead: Lead,
    items: Sequence[SetRow] | None = None,
    records: Records | None = None,
) -> Snapshot:
    """Every field of a lead that history records, as typed JSON (`items`: its set rows,
    when the caller has them already; `records`: what an earlier snapshot of the same write
    knows)."""
    records = records or Records(session)
    rows = await set_rows(session, lead.id) if items is None else items
    await records.load(lead_references(lead, rows))
    fields: Snapshot = {name: _plain(getattr(lead, name)) for name in _PLAIN_FIELDS}
    fields["target_amount"] = money_value(lead.target_amount)
    fields |= {name: date_value(getattr(lead, name)) for name in _DATE_FIELDS}
    for name, column, model in _REFERENCE_FIELDS:
        fields[name] = records.value(model, getattr(lead, column))
    fields["lead_source"] = _source(records, lead)
    fields["estimated_completion_time"] = {
        "value": lead.estimated_value,
        "unit": lead.estimated_unit.value,
    }
    for name, kind in SET_FIELDS.items():
        fields[name] = [_set_item(records, row) for row in rows if kind.holds(row)]
    return {name: fields[name] for name in FIELD_ORDER}


def _plain(value: Any) -> Any:
    return getattr(value, "value", value)


def differences(before: Snapshot, after: Snapshot) -> list[dict[str, Any]]:
    """Each field that differs, with its old and new value; a set's new value lists the items
    added and removed, its old value is null."""
    found: list[dict[str, Any]] = []
    for name, new in after.items():
        old = before.get(name)
        if name in SET_FIELDS:
            old_items = old or []
            added = [item for item in new if item not in old_items]
            removed = [item for item in old_items if item not in new]
            if added or removed:
                found.append(
                    {"field": name, "old": None, "new": {"added": added, "removed": removed}}
                )
        elif old != new:
            found.append({"field": name, "old": old, "new": new})
    return found


def replay(entries: Sequence[LeadChange]) -> Snapshot:
    """The fields a lead has after `entries`, applied in order from nothing."""
    fields: Snapshot = {}
    for entry in entries:
        for change in entry.changes:
            name = change["field"]
            if name in SET_FIELDS:
                removed = change["new"]["removed"]
                kept = [item for item in fields.get(name, []) if item not in removed]
                fields[name] = kept + change["new"]["added"]
            else:
                fields[name] = change["new"]
    return fields


async def record(
    session: AsyncSession,
    lead_id: str,
    action: Action,
    actor: Actor,
    now: datetime,
    changes: list[dict[str, Any]],
) -> LeadChange:
    """Add the history entry of one action, in the transaction of the action itself."""
    values: dict[str, Any] = {
        "lead_id": lead_id,
        "at": now,
        "action": action,
        "by_user_id": actor.user_id,
        "by_unit_id": actor.unit_id,
        "changes": changes,
    }
    connection = await session.connection()
    sequence = (await connection.execute(_INSERT_CHANGE, values)).scalar_one()
    return as_loaded(LeadChange, {"sequence": sequence, **values})


# An entry's INSERT, which gives back its sequence number. Every write records an entry, and
# the ORM's bulk INSERT of one row costs more than SQLite takes to run it: the entry is made
# from the values it was given instead.
_CHANGE_TABLE = LeadChange.__table__  # type: ignore[attr-defined]
_INSERT_CHANGE = insert(_CHANGE_TABLE).returning(_CHANGE_TABLE.c.sequence)


def encode_cursor(sequence: int) -> str:
    """The opaque cursor of the history entry with this sequence number."""
    return base64.urlsafe_b64encode(f"{_CURSOR_PREFIX}{sequence}".encode()).decode()


def decode_cursor(cursor: str) -> int:
    """The sequence number inside a history cursor; INVALID when it is not one of ours."""
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
        sequence = int(text.removeprefix(_CURSOR_PREFIX))
        if text.startswith(_CURSOR_PREFIX) and 0 <= sequence < SEQUENCE_LIMIT:
            return sequence
    except (ValueError, UnicodeDecodeError):
        pass
    raise DomainError.single(
        ("after",), cursor, ErrorCode.INVALID, "This is not a history cursor of ours."
    )


@dataclass(frozen=True)
class HistoryPage:
    """A page of one lead's history, oldest first."""

    entries: list[LeadChange]
    has_next_page: bool
    has_previous_page: bool


async def history_pages(
    session: AsyncSession, lead_ids: Sequence[str], first: int, after: str | None
) -> dict[str, HistoryPage]:
    """The first `first` entries after the cursor of each lead's history: one statement for
    any number of leads. The leads are ones their reader may see: they come from the read
    path."""
    if not 0 <= first <= MAX_PAGE_SIZE:
        raise DomainError.single(
            ("first",),
            first,
            ErrorCode.INVALID,
            f"A page holds from 0 to {MAX_PAGE_SIZE} history entries.",
        )
    start = 0 if after is None else decode_cursor(after)
    rank = (
        func.row_number()
        .over(partition_by=col(LeadChange.lead_id), order_by=col(LeadChange.sequence))
        .label("rank")
    )
    ranked = (
        select(LeadChange, rank)
        .where(col(LeadChange.lead_id).in_(lead_ids), col(LeadChange.sequence) > start)
        .subquery()
    )
    entry = aliased(LeadChange, ranked)
    statement = select(entry).where(ranked.c.rank <= first + 1).order_by(ranked.c.sequence)
    found: dict[str, list[LeadChange]] = defaultdict(list)
    for row in (await session.scalars(statement)).all():
        found[row.lead_id].append(row)
    return {
        lead_id: HistoryPage(
            entries=found[lead_id][:first],
            has_next_page=len(found[lead_id]) > first,
            has_previous_page=after is not None,
        )
        for lead_id in lead_ids
    }


async def entries_of(session: AsyncSession, lead_id: str) -> list[LeadChange]:
    """A lead's whole history, oldest first."""
    statement = (
        select(LeadChange)
        .where(col(LeadChange.lead_id) == lead_id)
        .order_by(col(LeadChange.sequence))
    )
    return list((await session.scalars(statement)).all())
