"""create_lead on a fresh demo database: contacts, defaults, dates, conditional fields, the
owning group, numbering, and refusals that report every problem and write nothing (sets,
sources and the limits of each value: test_create_values.py)."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.domain.contacts import ContactChoice, NewContact
from app.domain.enums import ContactLifeCycleState, ContactType, LifeCycleState, TimeUnit
from app.domain.errors import ErrorCode
from app.domain.identifiers import Ref
from app.domain.leads.commands import UNSET, LeadChanges, PeriodInput
from app.domain.leads.service import create_lead
from app.domain.models import AccountsReceivable, Contact, Group
from tests.databases import DEMO_NOW
from tests.factories import (
    actor,
    count,
    create_problems,
    existing_account,
    existing_contact,
    explained,
    new_lead,
    new_person,
    refused_create,
    status_id,
)

NOW = DEMO_NOW
NEW_CUSTOMER_CATEGORY_ID = "35EB799C52F14A8984FE2F397A852A78"
SOFTWARE_PURCHASE_CATEGORY_ID = "C60F332D0B4CB8DD22A0159413951434"
KOKOS = "21312312"  # owns ACR0000000201
JOHNS_ACCOUNT = "ACR0000000011"


# --- contacts -----------------------------------------------------------------------------


async def test_create_with_an_existing_contact_named_by_id_number(session: AsyncSession) -> None:
    lead = await create_lead(
        session, new_lead(contact=existing_contact("112233")), await actor(session), NOW
    )

    contact = await session.get(Contact, lead.contact_id)
    assert contact is not None
    assert (contact.first_name, contact.last_name, contact.id_number) == (
        "Andreas",
        "Georgiou",
        "112233",
    )
    assert lead.accounts_receivable_id is None


async def test_create_with_an_unknown_contact_is_not_found(session: AsyncSession) -> None:
    problems = await refused_create(session, new_lead(contact=existing_contact("000")))

    assert explained(problems) == [
        (
            ("changes", "contact", "existing", "id_number"),
            "000",
            ErrorCode.NOT_FOUND,
            "No contact has id number '000'.",
        )
    ]


async def test_create_with_a_new_person_contact_writes_the_contact(session: AsyncSession) -> None:
    contacts_before = await count(session, Contact)
    choice = new_person(first_name="Eleni", last_name="Savva", id_number="445566", email="e@s.cy")

    lead = await create_lead(session, new_lead(contact=choice), await actor(session), NOW)
    await session.commit()

    assert await count(session, Contact) == contacts_before + 1
    contact = await session.get(Contact, lead.contact_id)
    assert contact is not None
    assert (
        contact.type,
        contact.first_name,
        contact.last_name,
        contact.id_number,
        contact.email,
        contact.life_cycle_state,
    ) == (ContactType.PERSON, "Eleni", "Savva", "445566", "e@s.cy", ContactLifeCycleState.MARKETING)


async def test_a_new_person_contact_needs_a_first_and_a_last_name(session: AsyncSession) -> None:
    problems = await create_problems(session, new_lead(contact=new_person(middle_name="M")))

    assert problems == [
        (("changes", "contact", "new", "first_name"), None, ErrorCode.REQUIRED),
        (("changes", "contact", "new", "last_name"), None, ErrorCode.REQUIRED),
    ]


async def test_a_new_person_contact_without_a_last_name_is_refused(session: AsyncSession) -> None:
    problems = await create_problems(session, new_lead(contact=new_person(first_name="Eleni")))

    assert problems == [(("changes", "contact", "new", "last_name"), None, ErrorCode.REQUIRED)]


async def test_a_new_company_contact_needs_a_company_name(session: AsyncSession) -> None:
    company = ContactChoice(new=NewContact(type=ContactType.COMPANY, first_name="Eleni"))

    problems = await create_problems(session, new_lead(contact=company))

    assert problems == [(("changes", "contact", "new", "company_name"), None, ErrorCode.REQUIRED)]


async def test_create_with_a_new_company_contact(session: AsyncSession) -> None:
    company = ContactChoice(new=NewContact(type=ContactType.COMPANY, company_name="Savva Ltd"))

    lead = await create_lead(session, new_lead(contact=company), await actor(session), NOW)

    contact = await session.get(Contact, lead.contact_id)
    assert contact is not None
    assert (contact.type, contact.company_name, contact.name) == (
        ContactType.COMPANY,
        "Savva Ltd",
        "Savva Ltd",
    )


# --- every problem at once ----------------------------------------------------------------


async def test_create_reports_every_problem_at_once_and_writes_nothing(
    session: AsyncSession,
) -> None:
    changes = new_lead(
        type=Ref("name", "Hardware Purchase"),
        category=Ref("code", "XX"),
        priority=9,
        probability_to_win=101,
    )

    problems = await create_problems(session, changes)

    assert problems == [
        (("changes", "category", "code"), "XX", ErrorCode.NOT_FOUND),
        (("changes", "priority"), "9", ErrorCode.INVALID),
        (("changes", "probability_to_win"), "101", ErrorCode.INVALID),
        (("changes", "type", "name"), "Hardware Purchase", ErrorCode.NOT_FOUND),
    ]
    # The refused create took no number either.
    lead = await create_lead(session, new_lead(), await actor(session), NOW)
    assert lead.number == 300


async def test_create_without_its_mandatory_fields_names_each_one(session: AsyncSession) -> None:
    problems = await create_problems(session, LeadChanges())

    assert problems == [
        (("changes", "contact"), None, ErrorCode.REQUIRED),
        (("changes", "expected_completion_date"), None, ErrorCode.REQUIRED),
        (("changes", "importance"), None, ErrorCode.REQUIRED),
        (("changes", "priority"), None, ErrorCode.REQUIRED),
        (("changes", "source"), None, ErrorCode.REQUIRED),
        (("changes", "type"), None, ErrorCode.REQUIRED),
    ]


# --- defaults -----------------------------------------------------------------------------


async def test_create_takes_the_type_defaults_and_starts_now(session: AsyncSession) -> None:
    lead = await create_lead(session, new_lead(), await actor(session), NOW)

    assert lead.status_id == await status_id(session, "Reach")
    assert lead.life_cycle_state is LifeCycleState.PENDING
    assert lead.category_id == NEW_CUSTOMER_CATEGORY_ID
    assert lead.start_date == NOW
    assert lead.expected_completion_date == datetime(2026, 12, 25, 12, 0, tzinfo=UTC)
    assert (lead.estimated_value, lead.estimated_unit) == (1.0, TimeUnit.MONTHS)
    assert lead.actual_completion_date is None
    assert lead.version == 1


async def test_create_with_a_named_in_progress_status_starts_in_progress(
    session: AsyncSession,
) -> None:
    lead = await create_lead(
        session, new_lead(status=Ref("name", "Interest")), await actor(session), NOW
    )

    assert (lead.life_cycle_state, lead.status_id) == (
        LifeCycleState.IN_PROGRESS,
        "B738753EE56D01FC6CD964D14FBBCC7A",
    )


@pytest.mark.parametrize(
    ("status", "state"),
    [("Won", "WON"), ("Lost", "LOST"), ("Cancelled", "CANCELLED")],
)
async def test_create_refuses_a_status_of_a_completed_state(
    session: AsyncSession, status: str, state: str
) -> None:
    problems = await refused_create(session, new_lead(status=Ref("name", status)))

    assert explained(problems) == [
        (
            ("changes", "status", "name"),
            status,
            ErrorCode.INVALID_TRANSITION,
            f"A lead is created PENDING or IN_PROGRESS; status {status!r} is {state}.",
        )
    ]


async def test_create_keeps_a_category_given_instead_of_the_default(session: AsyncSession) -> None:
    lead = await create_lead(
        session, new_lead(category=Ref("code", "SP")), await actor(session), NOW
    )

    assert lead.category_id == SOFTWARE_PURCHASE_CATEGORY_ID


# --- dates --------------------------------------------------------------------------------


async def test_estimated_time_gives_the_expected_date_by_calendar_arithmetic(
    session: AsyncSession,
) -> None:
    changes = new_lead(
        start_date=datetime(2016, 1, 31, 10, 0, tzinfo=UTC),
        estimated_completion_time=PeriodInput(1, TimeUnit.MONTHS),
    )

    lead = await create_lead(session, changes, await actor(session), NOW)

    assert lead.expected_completion_date == datetime(2016, 2, 29, 10, 0, tzinfo=UTC)
    assert (lead.estimated_value, lead.estimated_unit) == (1.0, TimeUnit.MONTHS)


async def test_an_expected_date_gives_the_estimated_time(session: AsyncSession) -> None:
    changes = new_lead(
        start_date=datetime(2016, 11, 1, 14, 57, 21, tzinfo=UTC),
        estimated_completion_time=UNSET,
        expected_completion_date=datetime(2016, 12, 1, 14, 57, 21, tzinfo=UTC),
    )

    lead = await create_lead(session, changes, await actor(session), NOW)

    assert lead.expected_completion_date == datetime(2016, 12, 1, 14, 57, 21, tzinfo=UTC)
    assert (lead.estimated_value, lead.estimated_unit) == (1.0, TimeUnit.MONTHS)


async def test_an_expected_date_of_29_days_gives_weeks(session: AsyncSession) -> None:
    changes = new_lead(
        start_date=datetime(2016, 11, 2, 9, 55, 51, tzinfo=UTC),
        estimated_completion_time=UNSET,
        expected_completion_date=datetime(2016, 12, 1, 9, 0, tzinfo=UTC),
    )

    lead = await create_lead(session, changes, await actor(session), NOW)

    assert (lead.estimated_value, lead.estimated_unit) == (29 / 7, TimeUnit.WEEKS)


async def test_neither_expected_date_nor_estimated_time_is_required(session: AsyncSession) -> None:
    problems = await create_problems(session, new_lead(estimated_completion_time=UNSET))

    assert problems == [(("changes", "expected_completion_date"), None, ErrorCode.REQUIRED)]


async def test_both_expected_date_and_estimated_time_is_invalid(session: AsyncSession) -> None:
    changes = new_lead(
        expected_completion_date=datetime(2027, 1, 1, tzinfo=UTC),
        estimated_completion_time=PeriodInput(1, TimeUnit.MONTHS),
    )

    problems = await create_problems(session, changes)

    assert problems == [(("changes", "estimated_completion_time"), "1 MONTHS", ErrorCode.INVALID)]


async def test_an_expected_date_not_after_the_start_is_invalid(session: AsyncSession) -> None:
    changes = new_lead(
        start_date=datetime(2016, 11, 1, 12, 0, tzinfo=UTC),
        estimated_completion_time=UNSET,
        expected_completion_date=datetime(2016, 10, 1, 12, 0, tzinfo=UTC),
    )

    problems = await create_problems(session, changes)

    assert problems == [
        (("changes", "expected_completion_date"), "2016-10-01T12:00:00+00:00", ErrorCode.INVALID)
    ]


@pytest.mark.parametrize("value", [0, -1])
async def test_an_estimated_time_must_be_positive(session: AsyncSession, value: int) -> None:
    changes = new_lead(estimated_completion_time=PeriodInput(value, TimeUnit.DAYS))

    problems = await create_problems(session, changes)

    assert problems == [
        (("changes", "estimated_completion_time", "value"), str(value), ErrorCode.INVALID)
    ]


# --- accounts receivable ------------------------------------------------------------------


async def test_the_accounts_receivable_is_required_when_the_contact_owns_one(
    session: AsyncSession,
) -> None:
    problems = await create_problems(session, new_lead(contact=existing_contact(KOKOS)))

    assert problems == [(("changes", "accounts_receivable"), None, ErrorCode.REQUIRED)]


async def test_an_explicit_null_accounts_receivable_is_still_required_when_the_contact_owns_one(
    session: AsyncSession,
) -> None:
    # None means "no accounts receivable"; the rule still asks for the contact's one.
    changes = new_lead(contact=existing_contact(KOKOS), accounts_receivable=None)

    problems = await create_problems(session, changes)

    assert problems == [(("changes", "accounts_receivable"), None, ErrorCode.REQUIRED)]


async def test_the_accounts_receivable_must_belong_to_the_contact(session: AsyncSession) -> None:
    changes = new_lead(
        contact=existing_contact(KOKOS), accounts_receivable=existing_account(JOHNS_ACCOUNT)
    )

    problems = await create_problems(session, changes)

    assert problems == [
        (("changes", "accounts_receivable", "existing", "number"), JOHNS_ACCOUNT, ErrorCode.INVALID)
    ]


async def test_create_bills_the_contacts_own_accounts_receivable(session: AsyncSession) -> None:
    changes = new_lead(
        contact=existing_contact(KOKOS), accounts_receivable=existing_account("ACR0000000201")
    )

    lead = await create_lead(session, changes, await actor(session), NOW)

    account = await session.get(AccountsReceivable, lead.accounts_receivable_id)
    assert account is not None
    assert (account.number, account.owner_id) == ("ACR0000000201", lead.contact_id)


# --- messages on creation -----------------------------------------------------------------


async def test_a_type_that_emails_on_creation_requires_the_contact_email(
    session: AsyncSession,
) -> None:
    changes = new_lead(type=Ref("name", "Software Purchase"))

    problems = await refused_create(session, changes)

    assert explained(problems) == [
        (
            ("changes", "contact_email"),
            None,
            ErrorCode.REQUIRED,
            "Lead type 'Software Purchase' sends an email on creation: give the contact email.",
        )
    ]


async def test_a_type_that_emails_on_creation_takes_the_contact_email(
    session: AsyncSession,
) -> None:
    changes = new_lead(type=Ref("alternative_code", "SP"), contact_email="andreas@crm.com")

    lead = await create_lead(session, changes, await actor(session), NOW)

    assert (lead.contact_email, lead.category_id) == (
        "andreas@crm.com",
        SOFTWARE_PURCHASE_CATEGORY_ID,
    )


# --- numbers and log information ----------------------------------------------------------


async def test_creates_take_consecutive_numbers_after_the_demo_leads(
    session: AsyncSession,
) -> None:
    who = await actor(session)

    first = await create_lead(session, new_lead(), who, NOW)
    second = await create_lead(session, new_lead(), who, NOW)

    assert (first.number, second.number) == (300, 301)


async def test_create_logs_the_actor_and_the_time(session: AsyncSession) -> None:
    who = await actor(session, "salesagent", unit="U")

    lead = await create_lead(session, new_lead(), who, NOW)

    assert (lead.created_by_user_id, lead.created_by_unit_id, lead.created_at) == (
        "018CA08BC267612F6206D85011FFC5D1",
        who.unit_id,
        NOW,
    )
    assert (lead.updated_by_user_id, lead.updated_by_unit_id, lead.updated_at) == (
        "018CA08BC267612F6206D85011FFC5D1",
        who.unit_id,
        NOW,
    )


# --- the owning group and the roles -------------------------------------------------------


async def group_id(session: AsyncSession, name: str) -> str:
    group = await session.scalar(select(Group).where(col(Group.name) == name))
    assert group is not None, name
    return group.id


@pytest.mark.parametrize(
    ("username", "unit", "group"),
    [
        pytest.param("MPAdministrator", None, "Main Group", id="administrator"),
        pytest.param("sales.csr", None, "CSR Group", id="sales"),
        pytest.param("MPAdministrator", "CSRU", "CSR Group", id="acting-for-another-unit"),
    ],
)
async def test_a_new_lead_belongs_to_the_group_its_creator_acts_for(
    session: AsyncSession, username: str, unit: str | None, group: str
) -> None:
    who = await actor(session, username, unit=unit)

    lead = await create_lead(session, new_lead(), who, NOW)

    assert lead.owned_by_group_id == await group_id(session, group)


async def test_an_administrator_may_give_a_new_lead_to_another_group(
    session: AsyncSession,
) -> None:
    changes = new_lead(owned_by_group=Ref("alternative_code", "CSR"))

    lead = await create_lead(session, changes, await actor(session), NOW)

    assert lead.owned_by_group_id == await group_id(session, "CSR Group")


async def test_a_sales_user_cannot_give_a_new_lead_to_another_group(
    session: AsyncSession,
) -> None:
    changes = new_lead(owned_by_group=Ref("name", "Main Group"))

    problems = await refused_create(session, changes, await actor(session, "sales.csr"))

    assert explained(problems) == [
        (
            ("changes", "owned_by_group"),
            "Main Group",
            ErrorCode.FORBIDDEN,
            "User 'sales.csr' may give leads only to their own group.",
        )
    ]


async def test_a_read_only_user_cannot_create_a_lead(session: AsyncSession) -> None:
    problems = await refused_create(session, new_lead(), await actor(session, "viewer.main"))

    assert explained(problems) == [
        (
            None,
            "viewer.main",
            ErrorCode.FORBIDDEN,
            "User 'viewer.main' has the READ_ONLY role: they may read leads, not change them.",
        )
    ]
    # The refused create took no number either.
    lead = await create_lead(session, new_lead(), await actor(session), NOW)
    assert lead.number == 300
