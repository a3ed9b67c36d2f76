"""create_lead on a fresh demo database: what each value may be: the sets' items, the sources,
and what the columns and the calendar hold. Refusals write nothing (`refused_create`)."""

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.domain.enums import Importance, LeadSourceType, TimeUnit
from app.domain.errors import ErrorCode
from app.domain.identifiers import Ref
from app.domain.leads.commands import UNSET, PeriodInput, ProductItemRef, SetChange, SourceChoice
from app.domain.leads.service import create_lead
from app.domain.models import AccountsReceivable
from tests.databases import DEMO_NOW
from tests.factories import (
    actor,
    create_problems,
    explained,
    new_account,
    new_lead,
    new_person,
    refused_create,
    set_members,
)

NOW = DEMO_NOW


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
    problems = await create_problems(session, new_lead(physical_goods=[add(product("SOFA"))]))

    assert problems == [
        (
            ("changes", "physical_goods", 0, "add", "product", "alternative_code"),
            "SOFA",
            ErrorCode.INVALID,
        )
    ]


async def test_a_physical_good_is_not_a_service(session: AsyncSession) -> None:
    problems = await create_problems(session, new_lead(services=[add(product("MA"))]))

    assert problems == [
        (("changes", "services", 0, "add", "product", "alternative_code"), "MA", ErrorCode.INVALID)
    ]


async def test_the_same_competitor_twice_in_one_set_is_invalid(session: AsyncSession) -> None:
    changes = new_lead(
        competitors=[add(Ref("name", "Competitor 1")), add(Ref("name", "Competitor 1"))]
    )

    problems = await create_problems(session, changes)

    # Named like every other problem of a set item: the path of the key given, and its value.
    assert problems == [
        (("changes", "competitors", 1, "add", "name"), "Competitor 1", ErrorCode.INVALID)
    ]


async def test_the_same_product_twice_in_one_set_is_invalid(session: AsyncSession) -> None:
    problems = await create_problems(
        session, new_lead(services=[add(product("SOFA")), add(product("SOFA"))])
    )

    assert problems == [
        (
            ("changes", "services", 1, "add", "product", "alternative_code"),
            "SOFA",
            ErrorCode.INVALID,
        )
    ]


async def test_an_unknown_set_item_is_not_found(session: AsyncSession) -> None:
    problems = await create_problems(session, new_lead(users=[add(Ref("username", "nobody"))]))

    assert problems == [(("changes", "users", 0, "add", "username"), "nobody", ErrorCode.NOT_FOUND)]


# --- sources ------------------------------------------------------------------------------


async def test_create_with_a_source_that_names_a_record(session: AsyncSession) -> None:
    source = SourceChoice(LeadSourceType.RECOMMENDEDBYEMPLOYEE, ref=Ref("username", "smanager"))

    lead = await create_lead(session, new_lead(source=source), await actor(session), NOW)

    assert (lead.source_type, lead.source_user_id, lead.source_name) == (
        LeadSourceType.RECOMMENDEDBYEMPLOYEE,
        "DCA93D75753E5CC5AD1E69556368E616",
        None,
    )


@pytest.mark.parametrize(
    ("kind", "path"),
    [
        pytest.param(LeadSourceType.ADVERTISEMENT, ("changes", "source", "advertisement")),
        pytest.param(LeadSourceType.CUSTOM2, ("changes", "source", "custom", "name")),
    ],
)
async def test_a_named_source_without_a_name_is_required(
    session: AsyncSession, kind: LeadSourceType, path: tuple[str, ...]
) -> None:
    problems = await refused_create(session, new_lead(source=SourceChoice(kind)))

    assert explained(problems) == [
        (path, None, ErrorCode.REQUIRED, f"A {kind} source needs a name.")
    ]


async def test_a_source_of_a_record_without_the_record_is_required(
    session: AsyncSession,
) -> None:
    problems = await create_problems(
        session, new_lead(source=SourceChoice(LeadSourceType.COMMUNICATIONS, name="c"))
    )

    assert problems == [(("changes", "source", "communication"), None, ErrorCode.REQUIRED)]


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
    problems = await refused_create(session, new_lead(target_amount=Decimal(amount)))

    assert explained(problems) == [
        (("changes", "target_amount"), amount, ErrorCode.INVALID, message)
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
    problems = await create_problems(
        session,
        new_lead(
            start_date=datetime(9999, 12, 31, tzinfo=UTC),
            udf={"udf_date_1": datetime.fromisoformat("0001-01-01T00:00:00+05:00")},
        ),
    )

    assert problems == [
        (("changes", "start_date"), "9999-12-31T00:00:00+00:00", ErrorCode.INVALID),
        (("changes", "udf_date_1"), "0001-01-01T00:00:00+05:00", ErrorCode.INVALID),
    ]


async def test_an_expected_date_past_the_limit_once_in_utc_is_invalid(
    session: AsyncSession,
) -> None:
    expected = datetime.fromisoformat("9998-12-31T23:00:00-05:00")

    problems = await create_problems(
        session, new_lead(estimated_completion_time=UNSET, expected_completion_date=expected)
    )

    assert problems == [
        (("changes", "expected_completion_date"), "9998-12-31T23:00:00-05:00", ErrorCode.INVALID)
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
    problems = await create_problems(
        session, new_lead(start_date=start, estimated_completion_time=period)
    )

    assert problems == [
        (
            ("changes", "estimated_completion_time"),
            f"{period.value} {period.unit}",
            ErrorCode.INVALID,
        )
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
    choice = new_person(first_name="Eleni", last_name="Savva", id_number=long_id)

    problems = await refused_create(
        session, new_lead(contact=choice, accounts_receivable=new_account(long_name))
    )

    assert sorted(explained(problems)) == [
        (
            ("changes", "accounts_receivable", "new", "name"),
            long_name,
            ErrorCode.INVALID,
            "Too long: the name holds at most 200 characters.",
        ),
        (
            ("changes", "contact", "new", "id_number"),
            long_id,
            ErrorCode.INVALID,
            "Too long: the id number holds at most 100 characters.",
        ),
    ]


async def test_a_default_account_name_is_cut_to_its_column(session: AsyncSession) -> None:
    first, last = "F" * 150, "L" * 150

    lead = await create_lead(
        session,
        new_lead(
            contact=new_person(first_name=first, last_name=last), accounts_receivable=new_account()
        ),
        await actor(session),
        NOW,
    )

    account = await session.get(AccountsReceivable, lead.accounts_receivable_id)
    assert account is not None
    assert account.name == f"{first} {last}"[:200]
