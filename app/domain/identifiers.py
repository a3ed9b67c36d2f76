"""References to records by id or by a natural key: exactly one row, or a problem that says why."""

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, TypeVar

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel

from app.domain.columns import INTEGER_RANGE
from app.domain.errors import DomainError, ErrorCode, Path, Problems, echoed

Row = TypeVar("Row", bound=SQLModel)

# Keys people type in more than one case (the seeds write both "MPAdministrator" and
# "mpadministrator" for one user).
CASE_INSENSITIVE_KEYS = frozenset({"username"})


def words(name: str) -> str:
    """A snake_case name as the domain's messages write it (`id_number` -> `id number`)."""
    return name.replace("_", " ")


@dataclass(frozen=True)
class Ref:
    """A reference: one key (a column of the record) and the value it must have."""

    key: str
    value: str

    def path(self, field: Path) -> Path:
        """The input path of this reference's key below `field`."""
        return (*field, self.key)


def _column_value(model: type[SQLModel], ref: Ref) -> Any:
    column = model.__table__.c[ref.key]  # type: ignore[attr-defined]
    if column.type.python_type is int:
        number = int(ref.value)
        if number not in INTEGER_RANGE:
            raise ValueError(f"{number} does not fit an INTEGER column")
        return number
    return ref.value


# A record to read with the one found, in the same statement (`find_one_along`): its model
# and the column of the found row that holds its id.
Along = tuple[type[SQLModel], str]


@lru_cache(maxsize=128)
def _lookup(model: type[SQLModel], key: str, along: Along | None) -> Select[Any]:
    """The statement that reads the (at most two) `model` rows whose `key` is `key_value`,
    each with the record `along` names, if any; built once for each model, key and `along`, since
    building one costs more than running it."""
    column = getattr(model, key)
    compared = func.lower(column) if key in CASE_INSENSITIVE_KEYS else column
    statement: Select[Any] = select(model)
    if along is not None:
        other, reference = along
        statement = statement.add_columns(other).outerjoin(
            other,
            other.id == getattr(model, reference),  # type: ignore[attr-defined]
        )
    return statement.where(compared == bindparam("key_value")).limit(2)


async def _find(
    session: AsyncSession,
    model: type[Row],
    ref: Ref,
    field: Path,
    label: str,
    *,
    condition: Any = None,
    for_update: bool = False,
    along: Along | None = None,
) -> Any:
    """The one row (the record, then what `along` names) of `find_one_or_raise`."""
    try:
        value = _column_value(model, ref)
    except ValueError:
        raise DomainError.single(
            ref.path(field),
            ref.value,
            ErrorCode.INVALID,
            f"{echoed(ref.value)!r} is not a valid {label}.",
        ) from None
    statement = _lookup(model, ref.key, along)
    if condition is not None:
        statement = statement.where(condition)
    if for_update:
        statement = statement.with_for_update()
    given = value.lower() if ref.key in CASE_INSENSITIVE_KEYS else value
    rows: Sequence[Any] = (await session.execute(statement, {"key_value": given})).all()
    if not rows:
        raise DomainError.single(
            ref.path(field),
            ref.value,
            ErrorCode.NOT_FOUND,
            f"No {label} has {words(ref.key)} {echoed(ref.value)!r}.",
        )
    if len(rows) > 1:
        raise DomainError.single(
            ref.path(field),
            ref.value,
            ErrorCode.AMBIGUOUS,
            f"More than one {label} has {words(ref.key)} {echoed(ref.value)!r}; name it by id.",
        )
    return rows[0]


async def find_one_or_raise(
    session: AsyncSession,
    model: type[Row],
    ref: Ref,
    field: Path,
    label: str,
    *,
    condition: Any = None,
    for_update: bool = False,
) -> Row:
    """The one `model` row that `ref` names (among those meeting `condition`, when given);
    NOT_FOUND or AMBIGUOUS otherwise. `for_update` locks it until the transaction ends
    (PostgreSQL; a SQLite writer holds the whole file)."""
    found = await _find(
        session, model, ref, field, label, condition=condition, for_update=for_update
    )
    row: Row = found[0]
    return row


async def find_one(
    session: AsyncSession,
    model: type[Row],
    ref: Ref | None,
    field: Path,
    label: str,
    problems: Problems,
) -> Row | None:
    """Like `find_one_or_raise`, but records the problem and goes on; None when not given."""
    if ref is None:
        return None
    try:
        return await find_one_or_raise(session, model, ref, field, label)
    except DomainError as error:
        problems.extend(error)
        return None


async def find_one_along(
    session: AsyncSession,
    model: type[Row],
    ref: Ref,
    field: Path,
    label: str,
    problems: Problems,
    along: Along | None,
) -> tuple[Row | None, Any]:
    """Like `find_one`, with the record `along` names read in the same statement (None when
    the row names none, or `along` is None); (None, None) when there is no one row."""
    try:
        found = await _find(session, model, ref, field, label, along=along)
    except DomainError as error:
        problems.extend(error)
        return None, None
    return found[0], None if along is None else found[1]
