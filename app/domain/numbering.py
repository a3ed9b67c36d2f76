"""Sequential numbers that stay unique when many workers create records at once.

PostgreSQL hands them out from sequences; SQLite, which has none, from a counter row that
the writer's `BEGIN IMMEDIATE` transaction already holds exclusively.
"""

from enum import StrEnum

from sqlalchemy import Sequence, bindparam, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.domain.models import Counter


class NumberSeries(StrEnum):
    """The numbered records, by the name of their sequence."""

    LEAD = "lead_number_seq"
    ACCOUNTS_RECEIVABLE = "accounts_receivable_number_seq"


SEQUENCES = {series: Sequence(series.value) for series in NumberSeries}
# The statements that hand out the next number, built once: every create runs one.
_NEXT_FROM_SEQUENCE = {series: select(SEQUENCES[series].next_value()) for series in NumberSeries}
_NEXT_FROM_COUNTER = (
    update(Counter)
    .where(col(Counter.name) == bindparam("series"))
    .values(value=Counter.value + 1)
    .returning(col(Counter.value))
)


async def next_number(session: AsyncSession, series: NumberSeries) -> int:
    """The next number of `series`, never handed out before."""
    connection = await session.connection()
    if connection.dialect.name == "postgresql":
        value = await connection.scalar(_NEXT_FROM_SEQUENCE[series])
    else:
        value = await connection.scalar(_NEXT_FROM_COUNTER, {"series": series.value})
    if value is None:
        raise LookupError(f"the number series {series.value} is missing; run the migrations")
    return int(value)


async def advance_past(session: AsyncSession, series: NumberSeries, used: int) -> None:
    """Make sure `series` hands out numbers above `used` (after loading numbered records)."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(
            text(f"SELECT setval(:name, GREATEST(:used, (SELECT last_value FROM {series.value})))"),
            {"name": series.value, "used": used},
        )
    else:
        await session.execute(
            update(Counter)
            .where(col(Counter.name) == series.value)
            .where(col(Counter.value) < used)
            .values(value=used)
        )
