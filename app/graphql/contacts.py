"""Contacts, their accounts receivable, and the communications and notifications they get."""

from typing import TYPE_CHECKING, Annotated

import strawberry

from app.domain import models
from app.domain.enums import AccountsReceivableState, ContactLifeCycleState, ContactType, Gender
from app.domain.errors import DomainError
from app.domain.leads.queries import MAX_PAGE_SIZE
from app.graphql.catalog import ID
from app.graphql.context import Info
from app.graphql.errors import query_error
from app.graphql.records import described, resolved, to_one

if TYPE_CHECKING:
    from app.graphql.leads.types import Lead

# The lead type, resolved once the schema is assembled (it nests contacts itself).
LazyLead = Annotated["Lead", strawberry.lazy("app.graphql.leads.types")]


@strawberry.type(description="A day of the year, with the year when it is known.")
class CalendarDay:
    day: int | None = described("The day of the month.")
    month: int | None = described("The month, 1 to 12.")
    year: int | None = described("The year, when known.")


@strawberry.type(description="Who a person or company is.")
class Demographics:
    gender: Gender | None = described("A person's gender.")
    id_number: str | None = described("The identity card number.")
    passport_number: str | None = described("The passport number.")
    social_security_number: str | None = described("The social security number.")
    passport_issued_by_country: str | None = described("The country that issued the passport.")
    id_issued_by_country: str | None = described("The country that issued the identity card.")
    industry: str | None = described("A company's industry.")
    industry_sector: str | None = described("A company's industry sector.")
    date_of_birth: CalendarDay = described("A person's date of birth.")
    name_day: CalendarDay = described("A person's name day (day and month).")


@strawberry.type(description="A person or a company that leads are with.")
class ContactInformation:
    id: strawberry.ID = described(ID)
    type: ContactType = described("Person or company.")
    life_cycle_state: ContactLifeCycleState = described(
        "MARKETING until the contact owns an accounts receivable, FINANCIAL after."
    )
    title: str | None = described("A person's title (Mr, Ms...).")
    first_name: str | None = described("A person's first name.")
    middle_name: str | None = described("A person's middle name.")
    last_name: str | None = described("A person's last name.")
    company_name: str | None = described("A company's name.")
    name: str = described("The name people read: the company's, or the person's names.")
    email: str | None = described("The contact's email address.")
    phone: str | None = described("The contact's phone number.")
    row: strawberry.Private[models.Contact]

    @resolved(description="Identity documents, birth date and other demographics.")
    def demographics(self) -> Demographics:
        row = self.row
        copied = {
            name: getattr(row, name)
            for name in Demographics.__dataclass_fields__
            if name not in {"date_of_birth", "name_day"}
        }
        return Demographics(
            **copied,
            date_of_birth=CalendarDay(
                day=row.birth_day, month=row.birth_month, year=row.birth_year
            ),
            name_day=CalendarDay(day=row.name_day_day, month=row.name_day_month, year=None),
        )

    @resolved(
        description="The contact's leads that the signed-in user may see, by number (the first "
        "`first` of them)."
    )
    async def leads(
        self,
        info: Info,
        first: Annotated[
            int,
            strawberry.argument(
                description=f"How many leads, at most {MAX_PAGE_SIZE} (default 20)."
            ),
        ] = 20,
    ) -> list[LazyLead]:
        # Imported here: the lead type nests contacts, so it loads after this module.
        from app.graphql.leads.types import Lead

        try:
            rows = await info.context.loaders.contact_leads.load((self.row.id, first))
        except DomainError as error:
            raise query_error(error) from None
        return [Lead.of(row) for row in rows]


@strawberry.type(description="A billing account, owned by one contact.")
class AccountsReceivable:
    id: strawberry.ID = described(ID)
    number: str = described("The account's number, e.g. ACR0000000201.")
    name: str = described("The account's name.")
    life_cycle_state: AccountsReceivableState = described("Whether the account is active.")
    row: strawberry.Private[models.AccountsReceivable]
    account_owner: ContactInformation | None = to_one(
        ContactInformation, models.Contact, "owner_id", "The contact who owns the account."
    )


@strawberry.type(description="Something sent to or exchanged with a contact.")
class _Correspondence:
    id: strawberry.ID = described(ID)
    number: str = described("Its number.")
    life_cycle_state: str = described("Its state (e.g. DRAFT, DELIVERED).")
    subject: str | None = described("What it is about.")
    row: strawberry.Private[models.Communication | models.Notification]
    contact_information: ContactInformation | None = to_one(
        ContactInformation, models.Contact, "contact_id", "The contact it concerns."
    )


@strawberry.type(description="A communication with a contact.")
class Communication(_Correspondence):
    pass


@strawberry.type(description="A notification sent to a contact.")
class Notification(_Correspondence):
    pass
