"""The column types and field shapes every table of the leads domain shares: identifiers,
times in UTC, money, enums as text and references to other tables (`app/domain/models.py`)."""

import secrets
import time
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import BigInteger, DateTime, Numeric, TypeDecorator
from sqlalchemy import Enum as SAEnum
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeEngine
from sqlmodel import Field

# What an INTEGER column holds on PostgreSQL (SQLite's hold more): a number outside it names
# nothing stored.
INTEGER_RANGE = range(-(2**31), 2**31)


def new_id() -> str:
    """An opaque identifier in the seeds' form: 32 upper-case hex digits.

    The first 16 are the creation time in nanoseconds, so ids sort in the order records were
    made (set items list in the order they were added) and index pages fill in order.
    """
    return f"{time.time_ns():016X}{secrets.randbits(64):016X}"


class UTCDateTime(TypeDecorator[datetime]):
    """Stores naive UTC, hands out aware UTC: the same on SQLite and PostgreSQL."""

    impl = DateTime(timezone=False)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is not None:
            value = value.astimezone(UTC)
        return value.replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class Money(TypeDecorator[Decimal]):
    """Exact money with two decimals: NUMERIC(18, 2), or whole cents in an INTEGER on SQLite,
    whose NUMERIC is a float that would round large sums."""

    impl = Numeric(18, 2)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(BigInteger())
        return dialect.type_descriptor(Numeric(18, 2))

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> Decimal | int | None:
        if value is None or dialect.name != "sqlite":
            return value
        return int(value.scaleb(2))

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        if dialect.name == "sqlite":
            return Decimal(value).scaleb(-2)
        return Decimal(value)


def enum_type(enum_class: type[StrEnum]) -> Any:
    """A VARCHAR column type holding an enum's values (no database enum types to migrate)."""
    return SAEnum(
        enum_class,
        native_enum=False,
        create_constraint=False,
        length=32,
        values_callable=lambda members: [member.value for member in members],
    )


def reference_field(table: str, *, index: bool = False, nullable: bool = True) -> Any:
    """A foreign key column to `table.id`."""
    if nullable:
        return Field(default=None, foreign_key=f"{table}.id", max_length=32, index=index)
    return Field(foreign_key=f"{table}.id", max_length=32, index=index)


def time_field(*, nullable: bool = True, index: bool = False) -> Any:
    """A time column in UTC."""
    if nullable:
        return Field(default=None, sa_type=UTCDateTime, index=index)
    return Field(sa_type=UTCDateTime, index=index)
