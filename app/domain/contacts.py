"""Contacts and their accounts receivable: who a lead is with, and how they pay."""

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel, col

from app.domain.enums import ContactLifeCycleState, ContactType
from app.domain.errors import ErrorCode, Problems
from app.domain.identifiers import camel, find_one
from app.domain.leads.commands import ContactChoice, NewAccountsReceivable, NewContact
from app.domain.models import AccountsReceivable, Contact
from app.domain.numbering import NumberSeries, next_number

# The fields of a new contact that the API takes under `demographics`.
_DEMOGRAPHICS = frozenset({"gender", "id_number", "passport_number", "social_security_number"})


def _length(model: type[SQLModel], column: str) -> int | None:
    """The most characters a text column holds; None when it is unbounded."""
    length: int | None = model.__table__.c[column].type.length  # type: ignore[attr-defined]
    return length


def _check_length(
    model: type[SQLModel], column: str, value: str | None, path: str, problems: Problems
) -> None:
    """A text must fit its column (PostgreSQL refuses what is longer)."""
    limit = _length(model, column)
    if value is not None and limit is not None and len(value) > limit:
        problems.add(
            path,
            value,
            ErrorCode.INVALID,
            f"Too long: {camel(column)} holds at most {limit} characters.",
        )


def check_new_contact(new: NewContact, field: str, problems: Problems) -> None:
    """A new person needs a first and a last name, a new company its name; every text fits
    its column."""
    for name, value in vars(new).items():
        parent = f"{field}.demographics" if name in _DEMOGRAPHICS else field
        if isinstance(value, str):
            _check_length(Contact, name, value, f"{parent}.{camel(name)}", problems)
    if new.type is ContactType.PERSON:
        for name in ("first_name", "last_name"):
            if not getattr(new, name):
                problems.add(
                    f"{field}.{camel(name)}",
                    None,
                    ErrorCode.REQUIRED,
                    "A new PERSON contact needs a first and a last name.",
                )
    elif not new.company_name:
        problems.add(
            f"{field}.companyName",
            None,
            ErrorCode.REQUIRED,
            "A new COMPANY contact needs a company name.",
        )


async def contact_for(
    session: AsyncSession, choice: ContactChoice, field: str, problems: Problems
) -> Contact | None:
    """The contact a choice names, or an unsaved new one; None when it is wrong."""
    if choice.new is not None:
        check_new_contact(choice.new, f"{field}.new", problems)
        return Contact(**vars(choice.new))
    return await find_one(
        session, Contact, choice.existing, f"{field}.existing", "contact", problems
    )


def check_new_accounts_receivable(
    new: NewAccountsReceivable, field: str, problems: Problems
) -> None:
    """A new accounts receivable's name fits its column."""
    _check_length(AccountsReceivable, "name", new.name, f"{field}.name", problems)


async def owns_accounts_receivable(session: AsyncSession, contact_id: str) -> bool:
    """Whether a contact owns any accounts receivable."""
    count = await session.scalar(
        select(func.count()).where(col(AccountsReceivable.owner_id) == contact_id)
    )
    return bool(count)


async def open_accounts_receivable(
    session: AsyncSession, owner: Contact, new: NewAccountsReceivable
) -> AccountsReceivable:
    """A new accounts receivable for `owner`, who becomes FINANCIAL."""
    number = await next_number(session, NumberSeries.ACCOUNTS_RECEIVABLE)
    account = AccountsReceivable(
        number=f"ACR{number:010d}",
        name=new.name or owner.name[: _length(AccountsReceivable, "name")],
        owner_id=owner.id,
    )
    session.add(account)
    await session.execute(
        update(Contact)
        .where(col(Contact.id) == owner.id)
        .values(life_cycle_state=ContactLifeCycleState.FINANCIAL)
    )
    owner.life_cycle_state = ContactLifeCycleState.FINANCIAL
    await session.flush()
    return account
