"""The change history of leads, through the service verbs on a fresh demo database: each
successful action adds exactly one entry, in its own transaction, listing every field it
changed with its old and new value as typed JSON; a refused action adds none; and replaying
a lead's entries from nothing gives its current fields.

Values are written out as history holds them: a reference `{"id", <natural key>}`, a date
ISO 8601 in UTC, money a decimal string with its cents, a set's change `{"added": [...],
"removed": [...]}` of items `{"id": <set row id>, <level>: {ref}}`. The order in which an
entry lists its changes is not a contract: they are compared by field.
"""

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.domain.enums import Action, LeadSourceType, LifeCycleState, TimeUnit
from app.domain.identifiers import Ref
from app.domain.leads.commands import (
    LeadAction,
    PeriodInput,
    SourceChoice,
)
from app.domain.leads.service import (
    cancel_lead,
    create_lead,
    lose_lead,
    start_lead_progress,
    win_lead,
)
from app.domain.leads.sets import set_rows
from app.domain.models import (
    AccountsReceivable,
    Competitor,
    Contact,
    Entity,
    Group,
    LeadStatus,
    PrivacyLevel,
    Product,
    ProductBrand,
    ProductFamily,
    ProductType,
    SubscriptionPackage,
    Unit,
    User,
)
from tests.factories import (
    actor,
    existing_account,
    existing_contact,
    lead_in_state,
    lead_ref,
    new_account,
    new_lead,
)
from tests.history_support import (
    AOA,
    COMPETITORS_REASON,
    DUE_TEXT,
    KOKOS,
    KOKOS_ACCOUNT,
    LATER,
    LATER_TEXT,
    MODEM_A_PLUS,
    NEW_ACCOUNT,
    NEW_CUSTOMER,
    NEW_CUSTOMER_TYPE,
    NOW,
    SOFA,
    SOFTWARE_PURCHASE,
    Names,
    add,
    by_field,
    change,
    entries,
    item_ref,
    product,
    remove,
    set_change,
    stamp,
    update,
)


@pytest.fixture
def names(session: AsyncSession) -> Names:
    return Names(session)


# --- CREATE --------------------------------------------------------------------------------


async def test_create_lists_every_field_given_or_defaulted_with_old_values_null(
    session: AsyncSession, names: Names
) -> None:
    # Given a sales user of CSR Group who gives every field but the status, category, start
    # and owning group, which default, and the expected date, which follows from the period
    who = await actor(session, "sales.csr")
    changes = new_lead(
        estimated_completion_time=PeriodInput(2, TimeUnit.WEEKS),
        accounts_receivable=new_account("Andreas at work"),
        source=SourceChoice(LeadSourceType.RECOMMENDEDBYCONTACT, ref=Ref("id_number", "593664")),
        probability_to_win=40,
        target_amount=Decimal("1234.5"),
        description="Fibre for the office",
        contact_email="andreas@example.com",
        contact_phone="99123456",
        assigned_user=Ref("username", "Smanager"),
        assigned_unit=Ref("alternative_code", "U"),
        privacy_level=Ref("name", "Public"),
        lead_owner=Ref("username", "x_poulli"),
        subscription_package=Ref("name", "Simple Package"),
        users=[add(Ref("username", "salesagent"))],
        competitors=[add(Ref("name", "Competitor 2"))],
        services=[add(product("SOFA")), add(item_ref("product_type", "alternative_code", "SP"))],
        physical_goods=[add(product("MA"))],
        products=[
            add(item_ref("product_family", "name", "Channels")),
            add(item_ref("product_brand", "name", "Corso Shoes")),
        ],
        udf={"udf_string_1": "north", "udf_float_2": 2.5, "udf_date_3": datetime(2027, 1, 1)},
    )

    # When they create the lead
    lead = await create_lead(session, changes, who, NOW)

    # Then its one entry is a CREATE by them at NOW, listing each field from null
    (entry,) = await entries(session, lead.id)
    assert stamp(entry) == (Action.CREATE, NOW, who.user_id, who.unit_id)
    users, competitors, sofa, packages, modem, channels, corso = await set_rows(session, lead.id)
    assert by_field(entry.changes) == by_field(
        [
            change("life_cycle_state", None, "PENDING"),
            change("status", None, await names(LeadStatus, "Reach")),
            change("type", None, NEW_CUSTOMER_TYPE),
            change("category", None, NEW_CUSTOMER),
            change("contact_information", None, await names(Contact, "112233")),
            change("accounts_receivable", None, await names(AccountsReceivable, NEW_ACCOUNT)),
            change(
                "lead_source",
                None,
                {"type": "RECOMMENDEDBYCONTACT", "contact": await names(Contact, "593664")},
            ),
            change("importance", None, "IMPORTANCE2"),
            change("priority", None, 3),
            change("probability_to_win", None, 40),
            change("target_amount", None, "1234.50"),
            change("description", None, "Fibre for the office"),
            change("contact_email", None, "andreas@example.com"),
            change("contact_phone", None, "99123456"),
            change("assigned_user", None, await names(User, "Smanager")),
            change("assigned_unit", None, await names(Unit, "Main Unit")),
            change("owned_by_group", None, await names(Group, "CSR Group")),
            change("privacy_level", None, await names(PrivacyLevel, "Public")),
            change("lead_owner", None, await names(User, "x_poulli")),
            change(
                "subscription_package", None, await names(SubscriptionPackage, "Simple Package")
            ),
            change("start_date", None, "2026-11-25T12:00:00+00:00"),
            change("expected_completion_date", None, "2026-12-09T12:00:00+00:00"),
            change("estimated_completion_time", None, {"value": 2.0, "unit": "WEEKS"}),
            change("udf_string_1", None, "north"),
            change("udf_float_2", None, 2.5),
            change("udf_date_3", None, "2027-01-01T00:00:00+00:00"),
            set_change("users_set", [await names.item(users, User, "salesagent")]),
            set_change(
                "competitors_set", [await names.item(competitors, Competitor, "Competitor 2")]
            ),
            set_change(
                "services_set",
                [
                    await names.item(sofa, Product, SOFA),
                    await names.item(packages, ProductType, "Subscription Packages"),
                ],
            ),
            set_change("physical_goods_set", [await names.item(modem, Product, MODEM_A_PLUS)]),
            set_change(
                "products_set",
                [
                    await names.item(channels, ProductFamily, "Channels"),
                    await names.item(corso, ProductBrand, "Corso Shoes"),
                ],
            ),
        ]
    )


# --- UPDATE, for each kind of field -------------------------------------------------------


@pytest.mark.parametrize(
    ("created_with", "updated_with", "expected"),
    [
        pytest.param({"priority": 3}, {"priority": 5}, [change("priority", 3, 5)], id="scalar"),
        pytest.param(
            {"target_amount": Decimal("10")},
            {"target_amount": Decimal("20.5")},
            [change("target_amount", "10.00", "20.50")],
            id="money",
        ),
        pytest.param(
            {"description": "Offer sent"},
            {"description": None},
            [change("description", "Offer sent", None)],
            id="cleared",
        ),
        pytest.param(
            {},
            {"expected_completion_date": datetime(2026, 12, 9, 12, 0, tzinfo=UTC)},
            [
                change("expected_completion_date", DUE_TEXT, "2026-12-09T12:00:00+00:00"),
                change(
                    "estimated_completion_time",
                    {"value": 1.0, "unit": "MONTHS"},
                    {"value": 2.0, "unit": "WEEKS"},
                ),
            ],
            id="date-and-its-period",
        ),
        pytest.param({"priority": 3}, {}, [], id="nothing-given"),
        pytest.param({"priority": 3}, {"priority": 3, "description": None}, [], id="no-change"),
    ],
)
async def test_an_update_lists_the_old_and_new_value_of_what_it_changed(
    session: AsyncSession,
    names: Names,
    created_with: dict[str, Any],
    updated_with: dict[str, Any],
    expected: list[dict[str, Any]],
) -> None:
    # Given a lead created at NOW
    lead = await create_lead(session, new_lead(**created_with), await actor(session), NOW)
    who = await actor(session, "mariosmtest", unit="U")

    # When a sales user acting for Main Unit updates it at LATER
    entry = await update(session, lead, who, **updated_with)

    # Then its one new entry says so, and lists each field changed (none when none was)
    main_unit = (await names(Unit, "Main Unit"))["id"]
    assert stamp(entry) == (Action.UPDATE, LATER, who.user_id, main_unit)
    assert by_field(entry.changes) == by_field(expected)


async def test_an_update_of_references_lists_each_old_and_new_record(
    session: AsyncSession, names: Names
) -> None:
    lead = await create_lead(session, new_lead(), await actor(session), NOW)

    entry = await update(
        session,
        lead,
        category=Ref("name", "Software Purchase"),
        assigned_user=Ref("username", "Smanager"),
        owned_by_group=Ref("name", "CSR Group"),
    )

    main_group, csr_group = await names(Group, "Main Group"), await names(Group, "CSR Group")
    assert by_field(entry.changes) == by_field(
        [
            change("category", NEW_CUSTOMER, SOFTWARE_PURCHASE),
            change("assigned_user", None, await names(User, "Smanager")),
            change("owned_by_group", main_group, csr_group),
        ]
    )


# Each set: the item a lead starts with, the item an update swaps it for, and what each names.
SWAPS: dict[str, tuple[Any, Any, tuple[type[Entity], str], tuple[type[Entity], str]]] = {
    "users": (
        Ref("username", "salesagent"),
        Ref("username", "x_poulli"),
        (User, "salesagent"),
        (User, "x_poulli"),
    ),
    "competitors": (
        Ref("name", "Competitor 1"),
        Ref("name", "Competitor 2"),
        (Competitor, "Competitor 1"),
        (Competitor, "Competitor 2"),
    ),
    "services": (product("SOFA"), product("AOA"), (Product, SOFA), (Product, AOA)),
    "physical_goods": (
        product("MA"),
        item_ref("product_type", "name", "Modem"),
        (Product, MODEM_A_PLUS),
        (ProductType, "Modem"),
    ),
    "products": (
        item_ref("product_brand", "name", "Corso Shoes"),
        item_ref("product_family", "name", "Channels"),
        (ProductBrand, "Corso Shoes"),
        (ProductFamily, "Channels"),
    ),
}


async def test_an_update_of_every_set_lists_the_items_added_and_removed(
    session: AsyncSession, names: Names
) -> None:
    # Given a lead with one item in each set
    first = {name: [add(old)] for name, (old, _, _, _) in SWAPS.items()}
    lead = await create_lead(session, new_lead(**first), await actor(session), NOW)
    before = await set_rows(session, lead.id)

    # When an update swaps the item of each set for another
    swaps: dict[str, Any] = {
        name: [remove(old), add(new)] for name, (old, new, _, _) in SWAPS.items()
    }
    entry = await update(session, lead, **swaps)

    # Then each set's change holds the new item's row and the old one's
    after = await set_rows(session, lead.id)
    expected = [
        set_change(
            f"{name}_set",
            [await names.item(new_row, *new)],
            [await names.item(old_row, *old)],
        )
        for (name, (_, _, old, new)), old_row, new_row in zip(
            SWAPS.items(), before, after, strict=True
        )
    ]
    assert by_field(entry.changes) == by_field(expected)
    assert not {row.id for row in before} & {row.id for row in after}


# --- transitions ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "state", "old_status", "new_status", "then"),
    [
        (Action.START_PROGRESS, LifeCycleState.PENDING, "Reach", "Learn", "IN_PROGRESS"),
        (Action.WIN, LifeCycleState.IN_PROGRESS, "Learn", "Won", "WON"),
        (Action.LOSE, LifeCycleState.PENDING, "Reach", "Lost", "LOST"),
        (Action.CANCEL, LifeCycleState.IN_PROGRESS, "Learn", "Cancelled", "CANCELLED"),
    ],
    ids=["start-progress", "win", "lose", "cancel"],
)
async def test_each_transition_lists_its_state_status_and_completion(
    session: AsyncSession,
    names: Names,
    kind: Action,
    state: LifeCycleState,
    old_status: str,
    new_status: str,
    then: str,
) -> None:
    # Given a lead of Kokos Panagi, billed to his account, in the state the action starts from
    lead = await lead_in_state(
        session,
        state,
        contact=existing_contact(KOKOS),
        accounts_receivable=existing_account(KOKOS_ACCOUNT),
    )
    who = await actor(session, "mariosmtest")
    before = len(await entries(session, lead.id))

    # When the action is taken at LATER
    action = LeadAction(lead_ref(lead), who, LATER)
    await {
        Action.START_PROGRESS: lambda: start_lead_progress(session, action),
        Action.WIN: lambda: win_lead(session, action),
        Action.LOSE: lambda: lose_lead(session, action, Ref("name", "Competitors")),
        Action.CANCEL: lambda: cancel_lead(session, action),
    }[kind]()

    # Then its one new entry lists what it changed, by whom and when
    *_, entry = found = await entries(session, lead.id)
    assert len(found) == before + 1
    assert stamp(entry) == (kind, LATER, who.user_id, who.unit_id)
    expected = [
        change("life_cycle_state", state.value, then),
        change("status", await names(LeadStatus, old_status), await names(LeadStatus, new_status)),
    ]
    if kind is not Action.START_PROGRESS:
        expected.append(change("actual_completion_date", None, LATER_TEXT))
    if kind is Action.LOSE:
        expected.append(change("lost_reason", None, COMPETITORS_REASON))
    assert by_field(entry.changes) == by_field(expected)


@pytest.mark.parametrize("account", ["new", "named"])
async def test_a_win_lists_the_accounts_receivable_it_opens_or_names(
    session: AsyncSession, names: Names, account: str
) -> None:
    # Given an IN_PROGRESS lead of Andreas, without accounts receivable; for "named", one he
    # owns since another lead of his was won with a new one
    lead = await lead_in_state(session, LifeCycleState.IN_PROGRESS)
    who = await actor(session)
    choice = new_account()
    if account == "named":
        other = await lead_in_state(session, LifeCycleState.IN_PROGRESS)
        await win_lead(session, LeadAction(lead_ref(other), who, NOW), new_account())
        choice = existing_account(NEW_ACCOUNT)

    # When it is won at LATER, billed to that account
    await win_lead(session, LeadAction(lead_ref(lead), who, LATER), choice)

    # Then its WIN entry names the account beside its state, status and completion
    entry = (await entries(session, lead.id))[-1]
    assert stamp(entry) == (Action.WIN, LATER, who.user_id, who.unit_id)
    assert by_field(entry.changes) == by_field(
        [
            change("life_cycle_state", "IN_PROGRESS", "WON"),
            change("status", await names(LeadStatus, "Learn"), await names(LeadStatus, "Won")),
            change("accounts_receivable", None, await names(AccountsReceivable, NEW_ACCOUNT)),
            change("actual_completion_date", None, LATER_TEXT),
        ]
    )
