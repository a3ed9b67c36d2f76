"""Contacts and their accounts receivable: who a lead is with, and how they pay; and the
commands that name or create them."""

from dataclasses import dataclass

from sqlalchemy import bindparam, exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel, col

from app.domain.enums import ContactLifeCycleState, ContactType, Gender
from app.domain.errors import ErrorCode, Path, Problems
from app.domain.identifiers import Ref, find_one, words
from app.domain.models import AccountsReceivable, Contact
from app.domain.numbering import NumberSeries, next_number


@dataclass(frozen=True)
class NewContact:
    """A contact to create with the lead."""

    type: ContactType
    first_name: str | None = None
    middle_name: str | None = None
    last_name: str | None = None
    title: str | None = None
    company_name: str | None = None
    gender: Gender | None = None
    id_number: str | None = None
    passport_number: str | None = None
    social_security_number: str | None = None
    email: str | None = None
    phone: str | None = None


@dataclass(frozen=True)
class ContactChoice:
    """An existing contact by reference, or a new one."""

    existing: Ref | None = None
    new: NewContact | None = None


@dataclass(frozen=True)
class NewAccountsReceivable:
    """An accounts receivable to open for the lead's contact (its name defaults to theirs)."""

    name: str | None = None


@dataclass(frozen=True)
class AccountsReceivableChoice:
    """An existing accounts receivable by reference, or a new one for the lead's contact."""

    existing: Ref | None = None
    new: NewAccountsReceivable | None = None


def _length(model: type[SQLModel], column: str) -> int | None:
    """The most characters a text column holds; None when it is unbounded."""
    length: int | None = model.__table__.c[column].type.length  # type: ignore[attr-defined]
    return length


def _check_length(
    model: type[SQLModel], column: str, value: str | None, path: Path, problems: Problems
) -> None:
    """A text must fit its column (PostgreSQL refuses what is longer)."""
    limit = _length(model, column)
    if value is not None and limit is not None and len(value) > limit:
        problems.add(
            path,
            value,
            ErrorCode.INVALID,
            f"Too long: the {words(column)} holds at most {limit} characters.",
        )


def check_new_contact(new: NewContact, field: Path, problems: Problems) -> None:
    """A new person needs a first and a last name, a new company its name; every text fits
    its column."""
    for name, value in vars(new).items():
        if isinstance(value, str):
            _check_length(Contact, name, value, (*field, name), problems)
    if new.type is ContactType.PERSON:
        for name in ("first_name", "last_name"):
            if not getattr(new, name):
                problems.add(
                    (*field, name),
                    None,
                    ErrorCode.REQUIRED,
                    "A new PERSON contact needs a first and a last name.",
                )
    elif not new.company_name:
        problems.add(
            (*field, "company_name"),
            None,
            ErrorCode.REQUIRED,
            "A new COMPANY contact needs a company name.",
        )


async def contact_for(
    session: AsyncSession, choice: ContactChoice, field: Path, problems: Problems
) -> Contact | None:
    """The contact a choice names, or an unsaved new one; None when it is wrong."""
    if choice.new is not None:
        check_new_contact(choice.new, (*field, "new"), problems)
        return Contact(**vars(choice.new))
    return await find_one(
        session, Contact, choice.existing, (*field, "existing"), "contact", problems
    )


def check_new_accounts_receivable(
    new: NewAccountsReceivable, field: Path, problems: Problems
) -> None:
    """A new accounts receivable's name fits its column."""
    _check_length(AccountsReceivable, "name", new.name, (*field, "name"), problems)


# Built once: every create and every change of contact asks it.
_OWNS_ACCOUNTS_RECEIVABLE = select(
    exists().where(col(AccountsReceivable.owner_id) == bindparam("contact_id"))
)


async def owns_accounts_receivable(session: AsyncSession, contact_id: str) -> bool:
    """Whether a contact owns any accounts receivable."""
    return bool(await session.scalar(_OWNS_ACCOUNTS_RECEIVABLE, {"contact_id": contact_id}))


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
