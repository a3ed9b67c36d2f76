"""The records that forms pick from: lead types, statuses, categories, users, products..."""

from collections.abc import Sequence
from typing import TypeVar

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.domain.errors import DomainError, ErrorCode
from app.domain.models import Contact, Entity

Record = TypeVar("Record", bound=Entity)

CONTACT_SEARCH_LIMIT = 50
# Longer than any name or number; SQLite refuses LIKE patterns of 50,000 bytes.
CONTACT_SEARCH_LENGTH = 200


async def all_records(
    session: AsyncSession, model: type[Record], order_by: str
) -> Sequence[Record]:
    """Every record of a catalog table, ordered for a picker."""
    return (await session.scalars(select(model).order_by(getattr(model, order_by)))).all()


async def search_contacts(session: AsyncSession, search: str | None) -> Sequence[Contact]:
    """Contacts whose names or identity numbers contain `search` (all when it is empty)."""
    if search is not None and len(search) > CONTACT_SEARCH_LENGTH:
        raise DomainError.single(
            ("search",),
            search,
            ErrorCode.INVALID,
            f"Search for at most {CONTACT_SEARCH_LENGTH} characters.",
        )
    statement = select(Contact).order_by(col(Contact.last_name), col(Contact.company_name))
    if search:
        columns = (
            Contact.first_name,
            Contact.last_name,
            Contact.company_name,
            Contact.id_number,
            Contact.passport_number,
        )
        # Escaped, so that `%` and `_` are searched for as themselves.
        statement = statement.where(
            or_(*(col(column).icontains(search, autoescape=True) for column in columns))
        )
    return (await session.scalars(statement.limit(CONTACT_SEARCH_LIMIT))).all()
