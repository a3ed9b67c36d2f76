"""create_lead on a fresh demo database: contacts, defaults, dates, conditional fields, sets,
numbering, and refusals that report every problem and write nothing."""

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.domain.enums import (
    ContactLifeCycleState,
    ContactType,
    Importance,
    LeadSourceType,
    LifeCycleState,
    TimeUnit,
)
from app.domain.errors import DomainError, ErrorCode
from app.domain.identifiers import Ref
from app.domain.leads.commands import (
    UNSET,
    ContactChoice,
    LeadChanges,
    NewContact,
    PeriodInput,
    ProductItemRef,
    SetChange,
    SourceChoice,
)
from app.domain.leads.service import create_lead
from app.domain.models import (
    AccountsReceivable,
    Contact,
    Lead,
)
from tests.databases import DEMO_NOW
from tests.factories import (
    actor,
    count,
    existing_account,
    existing_contact,
    new_account,
    new_lead,
    set_members,
    status_id,
)

NOW = DEMO_NOW
NEW_CUSTOMER_CATEGORY_ID = "35EB799C52F14A8984FE2F397A852A78"
SOFTWARE_PURCHASE_CATEGORY_ID = "C60F332D0B4CB8DD22A0159413951434"
KOKOS = "21312312"  # owns ACR0000000201
JOHNS_ACCOUNT = "ACR0000000011"


def problems_of(error: pytest.ExceptionInfo[DomainError]) -> list[tuple[Any, ...]]:
    """Every (field, value, code) of a refusal, sorted (the order found is not the point)."""
    return sorted(
        ((p.field, p.value, p.code) for p in error.value.problems),
        key=lambda problem: (problem[0] or "", problem[2]),
    )


async def refused_create(session: AsyncSession, changes: LeadChanges) -> list[tuple[Any, ...]]:
    """The problems of a create that must be refused; no lead, contact or account is written."""
    before = [await count(session, model) for model in (Lead, Contact, AccountsReceivable)]
    with pytest.raises(DomainError) as refused:
        await create_lead(session, changes, await actor(session), NOW)
    after = [await count(session, model) for model in (Lead, Contact, AccountsReceivable)]
    assert after == before
    return problems_of(refused)


def person(**names: Any) -> ContactChoice:
    return ContactChoice(new=NewContact(type=ContactType.PERSON, **names))


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

    assert problems == [("input.contactInformation.existing.idNumber", "000", ErrorCode.NOT_FOUND)]


async def test_create_with_a_new_person_contact_writes_the_contact(session: AsyncSession) -> None:
    contacts_before = await count(session, Contact)
    choice = person(first_name="Eleni", last_name="Savva", id_number="445566", email="e@s.cy")

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
    problems = await refused_create(session, new_lead(contact=person(middle_name="M")))

    assert problems == [
        ("input.contactInformation.new.firstName", None, ErrorCode.REQUIRED),
        ("input.contactInformation.new.lastName", None, ErrorCode.REQUIRED),
    ]


async def test_a_new_person_contact_without_a_last_name_is_refused(session: AsyncSession) -> None:
    problems = await refused_create(session, new_lead(contact=person(first_name="Eleni")))

    assert problems == [("input.contactInformation.new.lastName", None, ErrorCode.REQUIRED)]


async def test_a_new_company_contact_needs_a_company_name(session: AsyncSession) -> None:
    company = ContactChoice(new=NewContact(type=ContactType.COMPANY, first_name="Eleni"))

    problems = await refused_create(session, new_lead(contact=company))

    assert problems == [("input.contactInformation.new.companyName", None, ErrorCode.REQUIRED)]


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

    problems = await refused_create(session, changes)

    assert problems == [
        ("input.category.code", "XX", ErrorCode.NOT_FOUND),
        ("input.priority", "9", ErrorCode.INVALID),
        ("input.probabilityToWin", "101", ErrorCode.INVALID),
        ("input.type.name", "Hardware Purchase", ErrorCode.NOT_FOUND),
    ]
    # The refused create took no number either.
    lead = await create_lead(session, new_lead(), await actor(session), NOW)
    assert lead.number == 300


async def test_create_without_its_mandatory_fields_names_each_one(session: AsyncSession) -> None:
    problems = await refused_create(session, LeadChanges())

    assert problems == [
        ("input.contactInformation", None, ErrorCode.REQUIRED),
        ("input.expectedCompletionDate", None, ErrorCode.REQUIRED),
        ("input.importance", None, ErrorCode.REQUIRED),
        ("input.priority", None, ErrorCode.REQUIRED),
        ("input.source", None, ErrorCode.REQUIRED),
        ("input.type", None, ErrorCode.REQUIRED),
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


@pytest.mark.parametrize("status", ["Won", "Lost", "Cancelled"])
async def test_create_refuses_a_status_of_a_completed_state(
    session: AsyncSession, status: str
) -> None:
    problems = await refused_create(session, new_lead(status=Ref("name", status)))

    assert problems == [("input.status.name", status, ErrorCode.INVALID_TRANSITION)]


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
    problems = await refused_create(session, new_lead(estimated_completion_time=UNSET))

    assert problems == [("input.expectedCompletionDate", None, ErrorCode.REQUIRED)]


async def test_both_expected_date_and_estimated_time_is_invalid(session: AsyncSession) -> None:
    changes = new_lead(
        expected_completion_date=datetime(2027, 1, 1, tzinfo=UTC),
        estimated_completion_time=PeriodInput(1, TimeUnit.MONTHS),
    )

    problems = await refused_create(session, changes)

    assert problems == [("input.estimatedCompletionTime", "1 MONTHS", ErrorCode.INVALID)]


async def test_an_expected_date_not_after_the_start_is_invalid(session: AsyncSession) -> None:
    changes = new_lead(
        start_date=datetime(2016, 11, 1, 12, 0, tzinfo=UTC),
        estimated_completion_time=UNSET,
        expected_completion_date=datetime(2016, 10, 1, 12, 0, tzinfo=UTC),
    )

    problems = await refused_create(session, changes)

    assert problems == [
        ("input.expectedCompletionDate", "2016-10-01T12:00:00+00:00", ErrorCode.INVALID)
    ]


@pytest.mark.parametrize("value", [0, -1])
async def test_an_estimated_time_must_be_positive(session: AsyncSession, value: int) -> None:
    changes = new_lead(estimated_completion_time=PeriodInput(value, TimeUnit.DAYS))

    problems = await refused_create(session, changes)

    assert problems == [("input.estimatedCompletionTime.value", str(value), ErrorCode.INVALID)]


# --- accounts receivable ------------------------------------------------------------------


async def test_the_accounts_receivable_is_required_when_the_contact_owns_one(
    session: AsyncSession,
) -> None:
    problems = await refused_create(session, new_lead(contact=existing_contact(KOKOS)))

    assert problems == [("input.accountsReceivable", None, ErrorCode.REQUIRED)]


async def test_an_explicit_null_accounts_receivable_is_still_required_when_the_contact_owns_one(
    session: AsyncSession,
) -> None:
    # None means "no accounts receivable"; the rule still asks for the contact's one.
    changes = new_lead(contact=existing_contact(KOKOS), accounts_receivable=None)

    problems = await refused_create(session, changes)

    assert problems == [("input.accountsReceivable", None, ErrorCode.REQUIRED)]


async def test_the_accounts_receivable_must_belong_to_the_contact(session: AsyncSession) -> None:
    changes = new_lead(
        contact=existing_contact(KOKOS), accounts_receivable=existing_account(JOHNS_ACCOUNT)
    )

    problems = await refused_create(session, changes)

    assert problems == [
        ("input.accountsReceivable.existing.number", JOHNS_ACCOUNT, ErrorCode.INVALID)
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

    assert problems == [("input.contactEmail", None, ErrorCode.REQUIRED)]


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


# --- sets ---------------------------------------------------------------------------------


def add(item: Any) -> SetChange[Any]:
    return SetChange("add", item)


def product(alternative_code: str) -> ProductItemRef:
    return ProductItemRef("product", Ref("alternative_code", alternative_code))


async def test_create_fills_every_set(session: AsyncSession) -> None:
    changes = new_lead(
        users=[add(Ref("username", "x_poulli")), add(Ref("username", "mariosmtest"))],
        competitors=[add(Ref("name", "Competitor 2"))],
        services=[
            add(product("SOFA")),
            add(ProductItemRef("product_type", Ref("name", "Subscription Packages"))),
        ],
        physical_goods=[
            add(product("MA")),
            add(ProductItemRef("product_type", Ref("alternative_code", "MO"))),
        ],
        products=[
            add(ProductItemRef("product_family", Ref("code", "DS"))),
            add(ProductItemRef("product_brand", Ref("name", "Corso Shoes"))),
        ],
    )

    lead = await create_lead(session, changes, await actor(session), NOW)
    await session.commit()

    assert await set_members(session, lead.id) == {
        "users": ["mariosmtest", "x_poulli"],
        "competitors": ["Competitor 2"],
        "products": [
            ("PHYSICAL_GOODS", "MA"),
            ("PHYSICAL_GOODS", "Monitors"),
            ("PRODUCTS", "Corso Shoes"),
            ("PRODUCTS", "Dry Stock"),
            ("SERVICES", "SOFA"),
            ("SERVICES", "Subscription Packages"),
        ],
    }


async def test_a_service_is_not_a_physical_good(session: AsyncSession) -> None:
    problems = await refused_create(session, new_lead(physical_goods=[add(product("SOFA"))]))

    assert problems == [
        ("input.physicalGoods[0].add.product.alternativeCode", "SOFA", ErrorCode.INVALID)
    ]


async def test_a_physical_good_is_not_a_service(session: AsyncSession) -> None:
    problems = await refused_create(session, new_lead(services=[add(product("MA"))]))

    assert problems == [("input.services[0].add.product.alternativeCode", "MA", ErrorCode.INVALID)]


async def test_the_same_competitor_twice_in_one_set_is_invalid(session: AsyncSession) -> None:
    changes = new_lead(
        competitors=[add(Ref("name", "Competitor 1")), add(Ref("name", "Competitor 1"))]
    )

    problems = await refused_create(session, changes)

    # Named like every other problem of a set item: the path of the key given, and its value.
    assert problems == [("input.competitors[1].add.name", "Competitor 1", ErrorCode.INVALID)]


async def test_the_same_product_twice_in_one_set_is_invalid(session: AsyncSession) -> None:
    problems = await refused_create(
        session, new_lead(services=[add(product("SOFA")), add(product("SOFA"))])
    )

    assert problems == [
        ("input.services[1].add.product.alternativeCode", "SOFA", ErrorCode.INVALID)
    ]


async def test_an_unknown_set_item_is_not_found(session: AsyncSession) -> None:
    problems = await refused_create(session, new_lead(users=[add(Ref("username", "nobody"))]))

    assert problems == [("input.users[0].add.username", "nobody", ErrorCode.NOT_FOUND)]


# --- sources ------------------------------------------------------------------------------


async def test_create_with_a_source_that_names_a_record(session: AsyncSession) -> None:
    source = SourceChoice(LeadSourceType.RECOMMENDEDBYEMPLOYEE, ref=Ref("username", "smanager"))

    lead = await create_lead(session, new_lead(source=source), await actor(session), NOW)

    assert (lead.source_type, lead.source_user_id, lead.source_name) == (
        LeadSourceType.RECOMMENDEDBYEMPLOYEE,
        "DCA93D75753E5CC5AD1E69556368E616",
        None,
    )


async def test_a_named_source_without_a_name_is_required(session: AsyncSession) -> None:
    problems = await refused_create(
        session, new_lead(source=SourceChoice(LeadSourceType.ADVERTISEMENT))
    )

    assert problems == [("input.source.advertisement", None, ErrorCode.REQUIRED)]


async def test_a_source_of_a_record_without_the_record_is_required(
    session: AsyncSession,
) -> None:
    problems = await refused_create(
        session, new_lead(source=SourceChoice(LeadSourceType.COMMUNICATIONS, name="c"))
    )

    assert problems == [("input.source.communication", None, ErrorCode.REQUIRED)]


async def test_importance_is_stored_as_given(session: AsyncSession) -> None:
    lead = await create_lead(
        session, new_lead(importance=Importance.CUSTOM2), await actor(session), NOW
    )

    assert (lead.importance, lead.priority) == (Importance.CUSTOM2, 3)


# --- what the columns and the calendar hold -----------------------------------------------


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        pytest.param("NaN", "The target amount must be a number.", id="nan"),
        pytest.param("Infinity", "The target amount must be a number.", id="infinity"),
        pytest.param(
            "1E+16", "The target amount must be below 10,000,000,000,000,000.", id="too-large"
        ),
        pytest.param("1.005", "The target amount has at most two decimal places.", id="cents"),
        pytest.param("-0.01", "The target amount cannot be negative.", id="negative"),
    ],
)
async def test_a_target_amount_its_column_cannot_hold_is_invalid(
    session: AsyncSession, amount: str, message: str
) -> None:
    with pytest.raises(DomainError) as refused:
        await create_lead(
            session, new_lead(target_amount=Decimal(amount)), await actor(session), NOW
        )

    assert [(p.field, p.value, p.code, p.message) for p in refused.value.problems] == [
        ("input.targetAmount", amount, ErrorCode.INVALID, message)
    ]


@pytest.mark.parametrize(
    ("amount", "stored"),
    [
        pytest.param("9999999999999999.99", Decimal("9999999999999999.99"), id="largest"),
        pytest.param("1.50000", Decimal("1.50"), id="trailing-zeros"),
    ],
)
async def test_a_target_amount_that_fits_is_stored_exactly(
    session: AsyncSession, amount: str, stored: Decimal
) -> None:
    lead = await create_lead(
        session, new_lead(target_amount=Decimal(amount)), await actor(session), NOW
    )

    assert lead.target_amount == stored


async def test_dates_from_the_calendars_last_year_on_are_invalid(session: AsyncSession) -> None:
    problems = await refused_create(
        session,
        new_lead(
            start_date=datetime(9999, 12, 31, tzinfo=UTC),
            udf={"udf_date_1": datetime.fromisoformat("0001-01-01T00:00:00+05:00")},
        ),
    )

    assert problems == [
        ("input.startDate", "9999-12-31T00:00:00+00:00", ErrorCode.INVALID),
        ("input.udfDate1", "0001-01-01T00:00:00+05:00", ErrorCode.INVALID),
    ]


async def test_an_expected_date_past_the_limit_once_in_utc_is_invalid(
    session: AsyncSession,
) -> None:
    expected = datetime.fromisoformat("9998-12-31T23:00:00-05:00")

    problems = await refused_create(
        session, new_lead(estimated_completion_time=UNSET, expected_completion_date=expected)
    )

    assert problems == [
        ("input.expectedCompletionDate", "9998-12-31T23:00:00-05:00", ErrorCode.INVALID)
    ]


@pytest.mark.parametrize(
    ("start", "period"),
    [
        pytest.param(datetime(9998, 6, 1, tzinfo=UTC), PeriodInput(1, TimeUnit.YEARS), id="year"),
        pytest.param(NOW, PeriodInput(2_000_000_000, TimeUnit.YEARS), id="past-the-calendar"),
        pytest.param(NOW, PeriodInput(2_000_000_000, TimeUnit.DAYS), id="days"),
    ],
)
async def test_an_estimated_time_reaching_past_the_limit_is_invalid(
    session: AsyncSession, start: datetime, period: PeriodInput
) -> None:
    problems = await refused_create(
        session, new_lead(start_date=start, estimated_completion_time=period)
    )

    assert problems == [
        ("input.estimatedCompletionTime", f"{period.value} {period.unit}", ErrorCode.INVALID)
    ]


async def test_dates_are_stored_in_utc_and_read_as_utc_without_an_offset(
    session: AsyncSession,
) -> None:
    lead = await create_lead(
        session,
        new_lead(
            start_date=datetime(2026, 11, 25, 12, 0),
            estimated_completion_time=UNSET,
            expected_completion_date=datetime.fromisoformat("2026-12-25T10:00:00+02:00"),
        ),
        await actor(session),
        NOW,
    )

    assert (lead.start_date, lead.expected_completion_date) == (
        datetime(2026, 11, 25, 12, 0, tzinfo=UTC),
        datetime(2026, 12, 25, 8, 0, tzinfo=UTC),
    )


async def test_texts_longer_than_their_columns_are_invalid(session: AsyncSession) -> None:
    long_id, long_name = "9" * 101, "N" * 201
    choice = person(first_name="Eleni", last_name="Savva", id_number=long_id)

    problems = await refused_create(
        session, new_lead(contact=choice, accounts_receivable=new_account(long_name))
    )

    assert problems == [
        ("input.accountsReceivable.new.name", long_name, ErrorCode.INVALID),
        ("input.contactInformation.new.demographics.idNumber", long_id, ErrorCode.INVALID),
    ]


async def test_a_default_account_name_is_cut_to_its_column(session: AsyncSession) -> None:
    first, last = "F" * 150, "L" * 150

    lead = await create_lead(
        session,
        new_lead(
            contact=person(first_name=first, last_name=last), accounts_receivable=new_account()
        ),
        await actor(session),
        NOW,
    )

    account = await session.get(AccountsReceivable, lead.accounts_receivable_id)
    assert account is not None
    assert account.name == f"{first} {last}"[:200]
