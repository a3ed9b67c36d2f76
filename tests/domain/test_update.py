"""update_lead on the demo leads: absent keeps, None clears, a status of the same state, sets,
dates, versions, and refusals that change nothing (an update across life cycle states:
test_update_status.py).

Demo lead 69 (PENDING "Reach", "Software Purchase", contact Filippos Constantinou 121212 without
accounts receivable) starts 2015-02-20T17:28:30Z and is expected 3 weeks later; it has
probability 58, competitors 4 and 1, users mariosmtest and salesagent, services SOFA and AOA.
"""

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import Database
from app.domain.auth import Actor
from app.domain.enums import Action, Importance, TimeUnit
from app.domain.errors import ErrorCode
from app.domain.identifiers import Ref
from app.domain.leads.commands import (
    LeadAction,
    LeadChanges,
    PeriodInput,
    ProductItemRef,
    SetChange,
)
from app.domain.leads.history import entries_of
from app.domain.leads.service import update_lead
from app.domain.models import Contact, Lead
from tests.databases import DEMO_NOW
from tests.factories import (
    actor,
    committed_lead_row,
    existing_contact,
    explained,
    lead_by_number,
    lead_ref,
    lead_row,
    refused_update,
    set_members,
    status_id,
    update_problems,
)

NOW = DEMO_NOW
PENDING_LEAD = 69
IN_PROGRESS_LEAD = 56  # "Interest", Marios Lannister, billed to his account "4"
INTEREST_ID = "B738753EE56D01FC6CD964D14FBBCC7A"
CANCELLED_LEAD = 4
JOHNS_PENDING_LEAD = 5  # "Reach", John Ioannou, billed to ACR0000000011
SOFTWARE_PURCHASE_CATEGORY_ID = "C60F332D0B4CB8DD22A0159413951434"
LEAD_69_START = datetime(2015, 2, 20, 17, 28, 30, tzinfo=UTC)
LEAD_69_EXPECTED = datetime(2015, 3, 13, 17, 28, 30, tzinfo=UTC)


async def update(
    session: AsyncSession, number: int, who: Actor | None = None, **fields: Any
) -> Lead:
    """update_lead on lead `number` at NOW with `LeadChanges(**fields)`."""
    lead = await lead_by_number(session, number)
    who = who or await actor(session)
    return await update_lead(session, LeadAction(lead_ref(lead), who, NOW), LeadChanges(**fields))


def logged(before: dict[str, Any], who: Actor, **changed: Any) -> dict[str, Any]:
    """The row `before` after one successful update by `who` at NOW that changed `changed`."""
    return {
        **before,
        **changed,
        "version": before["version"] + 1,
        "updated_at": NOW,
        "updated_by_user_id": who.user_id,
        "updated_by_unit_id": who.unit_id,
    }


def add(item: Any) -> SetChange[Any]:
    return SetChange("add", item)


def remove(item: Any) -> SetChange[Any]:
    return SetChange("remove", item)


def product(alternative_code: str) -> ProductItemRef:
    return ProductItemRef("product", Ref("alternative_code", alternative_code))


# --- absent keeps, None clears ------------------------------------------------------------


async def test_fields_not_given_are_kept(session: AsyncSession, database: Database) -> None:
    lead = await lead_by_number(session, PENDING_LEAD)
    before = await lead_row(session, lead.id)
    sets_before = await set_members(session, lead.id)
    who = await actor(session, "mariosmtest", unit="U")

    await update(session, PENDING_LEAD, who, description="Offer sent")
    await session.commit()

    assert await committed_lead_row(database, lead.id) == logged(
        before, who, description="Offer sent"
    )
    assert await set_members(session, lead.id) == sets_before


async def test_fields_given_as_none_are_cleared(session: AsyncSession, database: Database) -> None:
    lead = await lead_by_number(session, PENDING_LEAD)
    before = await lead_row(session, lead.id)
    assert (before["probability_to_win"], before["category_id"]) == (
        58,
        SOFTWARE_PURCHASE_CATEGORY_ID,
    )
    who = await actor(session)

    await update(
        session,
        PENDING_LEAD,
        who,
        probability_to_win=None,
        category=None,
        contact_email=None,
        assigned_user=None,
        owned_by_group=None,
        udf={"udf_string_5": None},
    )
    await session.commit()

    assert await committed_lead_row(database, lead.id) == logged(
        before,
        who,
        probability_to_win=None,
        category_id=None,
        contact_email=None,
        assigned_user_id=None,
        owned_by_group_id=None,
        udf_string_5=None,
    )


async def test_a_description_set_then_given_as_none_is_cleared(
    session: AsyncSession, database: Database
) -> None:
    lead = await update(session, PENDING_LEAD, description="Offer sent")
    assert lead.description == "Offer sent"

    cleared = await update(session, PENDING_LEAD, description=None)
    await session.commit()

    assert (cleared.description, cleared.version) == (None, 3)
    assert (await committed_lead_row(database, lead.id))["description"] is None


@pytest.mark.parametrize(
    ("name", "path"),
    [
        pytest.param("importance", ("changes", "importance"), id="importance"),
        pytest.param("priority", ("changes", "priority"), id="priority"),
        pytest.param("status", ("changes", "status"), id="status"),
    ],
)
async def test_a_mandatory_field_cannot_be_cleared(
    session: AsyncSession, database: Database, name: str, path: tuple[str, ...]
) -> None:
    problems = await update_problems(session, database, PENDING_LEAD, **{name: None})

    assert problems == [(path, None, ErrorCode.REQUIRED)]


async def test_mandatory_fields_can_be_changed(session: AsyncSession) -> None:
    lead = await update(session, PENDING_LEAD, importance=Importance.IMPORTANCE5, priority=6)

    assert (lead.importance, lead.priority) == (Importance.IMPORTANCE5, 6)


# --- status within and across life cycle states -------------------------------------------


async def test_a_status_of_the_same_state_is_taken(
    session: AsyncSession, database: Database
) -> None:
    lead = await lead_by_number(session, IN_PROGRESS_LEAD)
    before = await lead_row(session, lead.id)
    who = await actor(session)

    entries_before = len(await entries_of(session, lead.id))

    await update(session, IN_PROGRESS_LEAD, who, status=Ref("name", "Learn"))
    await session.commit()

    learn = await status_id(session, "Learn")
    assert await committed_lead_row(database, lead.id) == logged(before, who, status_id=learn)
    entries = await entries_of(session, lead.id)
    assert len(entries) == entries_before + 1
    assert (entries[-1].action, entries[-1].changes) == (
        Action.UPDATE,
        [
            {
                "field": "status",
                "old": {"id": INTEREST_ID, "name": "Interest"},
                "new": {"id": learn, "name": "Learn"},
            }
        ],
    )


async def test_a_cancelled_lead_can_still_be_updated(
    session: AsyncSession, database: Database
) -> None:
    lead = await lead_by_number(session, CANCELLED_LEAD)
    before = await lead_row(session, lead.id)
    who = await actor(session)

    await update(
        session, CANCELLED_LEAD, who, description="Closed", status=Ref("name", "Cancelled")
    )
    await session.commit()

    assert await committed_lead_row(database, lead.id) == logged(before, who, description="Closed")


async def test_a_sales_user_cannot_give_a_lead_to_another_group(
    session: AsyncSession, database: Database
) -> None:
    who = await actor(session, "mariosmtest")
    assert (await lead_by_number(session, JOHNS_PENDING_LEAD)).owned_by_group_id == who.group_id
    csr = Ref("alternative_code", "CSR")

    problems = await refused_update(session, database, JOHNS_PENDING_LEAD, who, owned_by_group=csr)

    assert explained(problems) == [
        (
            ("changes", "owned_by_group"),
            "CSR",
            ErrorCode.FORBIDDEN,
            "User 'mariosmtest' may give leads only to their own group.",
        )
    ]


# --- contact and accounts receivable -----------------------------------------------------


async def test_a_new_contact_needs_its_own_accounts_receivable_or_none(
    session: AsyncSession, database: Database
) -> None:
    problems = await update_problems(
        session, database, JOHNS_PENDING_LEAD, contact=existing_contact("112233")
    )

    assert problems == [(("changes", "accounts_receivable"), None, ErrorCode.REQUIRED)]


async def test_changing_the_contact_and_clearing_the_accounts_receivable(
    session: AsyncSession,
) -> None:
    lead = await update(
        session,
        JOHNS_PENDING_LEAD,
        contact=existing_contact("112233"),
        accounts_receivable=None,
    )

    contact = await session.get(Contact, lead.contact_id)
    assert contact is not None
    assert (contact.id_number, lead.accounts_receivable_id) == ("112233", None)


# --- sets ---------------------------------------------------------------------------------


async def test_sets_change_by_add_and_remove(session: AsyncSession) -> None:
    lead = await update(
        session,
        PENDING_LEAD,
        competitors=[remove(Ref("name", "Competitor 1")), add(Ref("name", "Competitor 2"))],
        users=[add(Ref("username", "x_poulli")), remove(Ref("username", "salesagent"))],
        services=[
            remove(product("AOA")),
            add(ProductItemRef("product_type", Ref("alternative_code", "SP"))),
        ],
        physical_goods=[add(product("MA"))],
    )
    await session.commit()

    assert await set_members(session, lead.id) == {
        "users": ["mariosmtest", "x_poulli"],
        "competitors": ["Competitor 2", "Competitor 4"],
        "products": [
            ("PHYSICAL_GOODS", "MA"),
            ("SERVICES", "SOFA"),
            ("SERVICES", "Subscription Packages"),
        ],
    }


async def test_removing_an_item_not_in_the_set_is_not_found(
    session: AsyncSession, database: Database
) -> None:
    problems = await update_problems(
        session, database, PENDING_LEAD, competitors=[remove(Ref("name", "Competitor 2"))]
    )

    # Named like every other problem of a set item: the path of the key given, and its value.
    assert problems == [
        (("changes", "competitors", 0, "remove", "name"), "Competitor 2", ErrorCode.NOT_FOUND)
    ]


async def test_adding_an_item_already_in_the_set_is_invalid(
    session: AsyncSession, database: Database
) -> None:
    problems = await update_problems(
        session, database, PENDING_LEAD, users=[add(Ref("username", "salesagent"))]
    )

    assert problems == [
        (("changes", "users", 0, "add", "username"), "salesagent", ErrorCode.INVALID)
    ]


async def test_adding_a_product_already_in_the_set_is_invalid(
    session: AsyncSession, database: Database
) -> None:
    problems = await update_problems(
        session, database, PENDING_LEAD, services=[add(product("AOA"))]
    )

    assert problems == [
        (("changes", "services", 0, "add", "product", "alternative_code"), "AOA", ErrorCode.INVALID)
    ]


async def test_the_same_product_added_twice_in_one_update_is_invalid(
    session: AsyncSession, database: Database
) -> None:
    problems = await update_problems(
        session, database, PENDING_LEAD, services=[add(product("LDS")), add(product("LDS"))]
    )

    assert problems == [
        (("changes", "services", 1, "add", "product", "alternative_code"), "LDS", ErrorCode.INVALID)
    ]


async def test_an_item_added_then_removed_in_one_update_is_not_in_the_set(
    session: AsyncSession,
) -> None:
    x_poulli = Ref("username", "x_poulli")

    lead = await update(session, PENDING_LEAD, users=[add(x_poulli), remove(x_poulli)])
    await session.commit()

    assert (await set_members(session, lead.id))["users"] == ["mariosmtest", "salesagent"]


async def test_an_item_removed_then_added_in_one_update_stays_in_the_set(
    session: AsyncSession,
) -> None:
    salesagent = Ref("username", "salesagent")

    lead = await update(session, PENDING_LEAD, users=[remove(salesagent), add(salesagent)])
    await session.commit()

    assert (await set_members(session, lead.id))["users"] == ["mariosmtest", "salesagent"]


# --- dates --------------------------------------------------------------------------------


async def test_a_new_start_date_keeps_the_expected_date_and_recomputes_the_period(
    session: AsyncSession,
) -> None:
    lead = await update(
        session, PENDING_LEAD, start_date=datetime(2015, 2, 13, 17, 28, 30, tzinfo=UTC)
    )

    assert lead.start_date == datetime(2015, 2, 13, 17, 28, 30, tzinfo=UTC)
    assert lead.expected_completion_date == LEAD_69_EXPECTED
    assert (lead.estimated_value, lead.estimated_unit) == (1.0, TimeUnit.MONTHS)


async def test_a_new_expected_date_recomputes_the_period(session: AsyncSession) -> None:
    lead = await update(
        session,
        PENDING_LEAD,
        expected_completion_date=datetime(2015, 3, 6, 9, 0, tzinfo=UTC),
    )

    # 2015-02-20 to 2015-03-06: 14 calendar days, under a month.
    assert lead.start_date == LEAD_69_START
    assert lead.expected_completion_date == datetime(2015, 3, 6, 9, 0, tzinfo=UTC)
    assert (lead.estimated_value, lead.estimated_unit) == (2.0, TimeUnit.WEEKS)


async def test_a_new_estimated_time_moves_the_expected_date_from_the_start(
    session: AsyncSession,
) -> None:
    lead = await update(
        session, PENDING_LEAD, estimated_completion_time=PeriodInput(2, TimeUnit.MONTHS)
    )

    assert lead.expected_completion_date == datetime(2015, 4, 20, 17, 28, 30, tzinfo=UTC)
    assert (lead.estimated_value, lead.estimated_unit) == (2.0, TimeUnit.MONTHS)


async def test_an_expected_date_before_the_start_is_invalid(
    session: AsyncSession, database: Database
) -> None:
    problems = await update_problems(
        session,
        database,
        PENDING_LEAD,
        expected_completion_date=datetime(2015, 2, 1, tzinfo=UTC),
    )

    assert problems == [
        (("changes", "expected_completion_date"), "2015-02-01T00:00:00+00:00", ErrorCode.INVALID)
    ]


async def test_a_start_date_after_the_expected_date_is_invalid(
    session: AsyncSession, database: Database
) -> None:
    problems = await update_problems(
        session, database, PENDING_LEAD, start_date=datetime(2015, 4, 1, tzinfo=UTC)
    )

    assert problems == [
        (("changes", "expected_completion_date"), "2015-03-13T17:28:30+00:00", ErrorCode.INVALID)
    ]


# --- versions and refusals ----------------------------------------------------------------


async def test_each_successful_update_adds_exactly_one_to_the_version(
    session: AsyncSession, database: Database
) -> None:
    versions = [
        (await update(session, PENDING_LEAD, priority=priority)).version for priority in (1, 2, 3)
    ]
    await session.commit()

    assert versions == [2, 3, 4]
    lead = await lead_by_number(session, PENDING_LEAD)
    assert (await committed_lead_row(database, lead.id))["version"] == 4


async def test_a_refused_update_changes_nothing_it_was_given(
    session: AsyncSession, database: Database
) -> None:
    problems = await update_problems(
        session,
        database,
        PENDING_LEAD,
        description="Offer sent",
        probability_to_win=None,
        competitors=[add(Ref("name", "Competitor 2"))],
        users=[remove(Ref("username", "salesagent"))],
        priority=0,
    )

    assert problems == [(("changes", "priority"), "0", ErrorCode.INVALID)]


async def test_an_update_refused_for_several_reasons_reports_them_all(
    session: AsyncSession, database: Database
) -> None:
    problems = await update_problems(
        session,
        database,
        PENDING_LEAD,
        category=Ref("code", "XX"),
        probability_to_win=-1,
        lead_owner=Ref("username", "nobody"),
    )

    assert sorted(problems) == [
        (("changes", "category", "code"), "XX", ErrorCode.NOT_FOUND),
        (("changes", "lead_owner", "username"), "nobody", ErrorCode.NOT_FOUND),
        (("changes", "probability_to_win"), "-1", ErrorCode.INVALID),
    ]
