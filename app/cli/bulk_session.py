"""A session for one batch of an import: it remembers what it read.

Each row of an import reads the same few records again: its lead type and status, the users
and groups it names, its contact and their accounts receivable. Within one batch's
transaction none of them changes (an import writes only leads, their set items, their
history and idempotency keys), so the batch's session answers a read it has made before
from memory, and keeps every record it loaded so that a lookup by id finds it in the
session. Reads of the tables an import writes always go to the database.
"""

from typing import Any

from sqlalchemy import Table, event
from sqlalchemy.engine import FrozenResult, Result
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import ORMExecuteState
from sqlalchemy.sql.util import find_tables

from app.domain.models import (
    IdempotencyKey,
    Lead,
    LeadChange,
    LeadCompetitor,
    LeadProduct,
    LeadUser,
)

_WRITTEN: frozenset[Table] = frozenset(
    model.__table__  # type: ignore[union-attr]
    for model in (Lead, LeadUser, LeadCompetitor, LeadProduct, LeadChange, IdempotencyKey)
)


def _reads_only_what_stays(statement: Any) -> bool:
    tables = [table for table in find_tables(statement, check_columns=True) if table is not None]
    return bool(tables) and not any(table in _WRITTEN for table in tables)


def remember_reads(session: AsyncSession) -> None:
    """Make `session` answer repeated reads of the tables an import does not write from
    memory, and keep every record it loads but leads and history entries."""
    answers: dict[Any, FrozenResult[Any]] = {}
    held: list[Any] = []

    # Whether a statement's shape reads only what stays, by the shape's cache key.
    shapes: dict[Any, bool] = {}

    @event.listens_for(session.sync_session, "do_orm_execute")
    def _answer(state: ORMExecuteState) -> Result[Any] | None:
        if not state.is_select:
            return None
        statement: Any = state.statement
        shape = statement._generate_cache_key()
        if shape is None:
            return None
        if shape.key not in shapes:
            shapes[shape.key] = _reads_only_what_stays(statement)
        if not shapes[shape.key]:
            return None
        key = (
            shape.key,
            tuple(parameter.effective_value for parameter in shape.bindparams),
            repr(state.parameters),
        )
        if key not in answers:
            answers[key] = state.invoke_statement().freeze()
        return answers[key]()

    @event.listens_for(session.sync_session, "loaded_as_persistent")
    def _hold(_: Any, instance: Any) -> None:
        if not isinstance(instance, Lead | LeadChange):
            held.append(instance)
