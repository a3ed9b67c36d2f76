"""Contacts and their accounts receivable: who a lead is with, and how they pay."""

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.domain.enums import ContactLifeCycleState, ContactType
from app.domain.errors import ErrorCode, Problems
from app.domain.identifiers import camel, find_one
from app.domain.leads.commands import ContactChoice, NewAccountsReceivable, NewContact
from app.domain.models import AccountsReceivable, Contact
from app.domain.numbering import NumberSeries, next_number


def check_new_contact(new: NewContact, field: str, problems: Problems) -> None:
    """A new person needs a first and a last name, a new company its name."""
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
        number=f"ACR{number:010d}", name=new.name or owner.name, owner_id=owner.id
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
