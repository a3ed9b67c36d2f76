"""Who sees and changes which lead, through the domain.

For each role (a subject of each: MPAdministrator, sales.main, sales.csr, viewer.main) and each
relation of the subject to a lead, fresh leads made by MPAdministrator through the services
are read and acted on as the subject: one lead by number and by id, its history, a contact's
leads, each list and its count, each filter, and each action. What should happen is the table
of tests/visibility_cases.py; whole lists are compared with the leads the rows say the subject
sees (SQL, not the read path).
"""

from collections.abc import Awaitable, Iterator
from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.domain.auth import Actor
from app.domain.enums import Action, Role
from app.domain.errors import DomainError, ErrorCode
from app.domain.identifiers import Ref
from app.domain.leads.commands import LeadAction, LeadChanges, SetChange
from app.domain.leads.history import entries_of
from app.domain.leads.queries import (
    LeadFilter,
    LeadView,
    PageRequest,
    encode_cursor,
    find_lead,
    find_lead_or_raise,
    find_leads,
    leads_of_contacts,
)
from app.domain.leads.service import create_lead, update_lead
from app.domain.models import Group, Lead
from tests.databases import DEMO_NOW, Template
from tests.factories import actor, lead_row, new_lead
from tests.visibility_cases import (
    DEMO_USERS,
    FILTERS,
    LIST_SHAPES,
    MISSING,
    MISSING_ID,
    OUTCOME,
    PENDING,
    SUBJECTS,
    VERBS,
    VIEWS,
    VISIBLE,
    Outcome,
    Relation,
    Verb,
    after_outcome,
    counted,
    expected_by_rows,
    expected_fresh,
    fresh_among,
    lead_facts,
    lead_states,
    make_related_leads,
    not_found_reason,
    numbers_and_counts,
    read_only_reason,
    role_of,
    viewer_named,
)

NOW = DEMO_NOW


@pytest.fixture(scope="module")
def database_url(template: Template) -> Iterator[str]:
    """One database for the module: every test works in its session's transaction, which is
    never committed, so each starts from the demo data all the same."""
    with template.copy() as url:
        yield url


async def walk(
    session: AsyncSession, who: Actor, view: LeadView, lead_filter: LeadFilter | None = None
) -> tuple[list[int], int]:
    """Every lead number of a list, page by page (100 a page) along the cursors, and the
    list's count."""
    numbers: list[int] = []
    total = None
    after = None
    while True:
        page = await find_leads(
            session,
            who,
            view,
            lead_filter or LeadFilter(),
            PageRequest(100, after),
            NOW,
            with_total=total is None,
        )
        total = page.total if total is None else total
        numbers.extend(lead.number for lead in page.leads)
        if not page.has_next_page:
            assert total is not None  # the first page was asked for its count
            return numbers, total
        after = encode_cursor(page.leads[-1].number)


async def problems_of(work: Awaitable[Any]) -> list[tuple[Any, ...]] | None:
    """The problems of a refused call, as (path, value, code, message); None when it passed."""
    try:
        await work
    except DomainError as error:
        return [(p.path, p.value, p.code, p.message) for p in error.problems]
    return None


def not_found(key: str, value: object) -> list[tuple[Any, ...]]:
    """The one problem of a lead reference that names no lead."""
    return [(("lead", key), str(value), ErrorCode.NOT_FOUND, not_found_reason(key, value))]


def forbidden(username: str) -> list[tuple[Any, ...]]:
    """The one problem of a change by a read-only user."""
    return [(None, username, ErrorCode.FORBIDDEN, read_only_reason(username))]


def number_ref(number: int) -> Ref:
    return Ref("number", str(number))


# reading ------------------------------------------------------------------------------------


@pytest.mark.parametrize("subject", SUBJECTS)
async def test_one_lead_its_history_and_a_contacts_leads_are_only_the_visible_ones(
    session: AsyncSession, subject: str
) -> None:
    # Given one pending lead of each relation to the subject
    made = await make_related_leads(session, [subject], [PENDING])
    who = await actor(session, subject)
    role = role_of(subject)

    # When each is looked up and required by number and by id, with its history when found
    found = {}
    for lead in made:
        by_number = await find_lead(session, who, number_ref(lead.number))
        by_id = await find_lead(session, who, Ref("id", lead.id))
        history = None
        if by_number is not None:
            history = [entry.action for entry in await entries_of(session, by_number.id)]
        found[lead.relation] = (
            None if by_number is None else by_number.number,
            None if by_id is None else by_id.number,
            history,
            await problems_of(find_lead_or_raise(session, who, number_ref(lead.number))),
            await problems_of(find_lead_or_raise(session, who, Ref("id", lead.id))),
        )
    missing = (
        await find_lead(session, who, number_ref(MISSING)),
        await problems_of(find_lead_or_raise(session, who, number_ref(MISSING))),
        await problems_of(find_lead_or_raise(session, who, Ref("id", MISSING_ID))),
    )

    # Then the subject finds exactly the leads the table lets their role see, and is refused
    # the others in the very words of a lead that does not exist
    assert missing == (None, not_found("number", MISSING), not_found("id", MISSING_ID))
    assert found == {
        lead.relation: (lead.number, lead.number, [Action.CREATE], None, None)
        if VISIBLE[role][lead.relation]
        else (None, None, None, not_found("number", lead.number), not_found("id", lead.id))
        for lead in made
    }
    # and the contact's leads are the ones they see, in order
    contact_id = (await lead_row(session, made[0].id))["contact_id"]
    of_contact = await leads_of_contacts(session, who, [contact_id], 100)
    assert [lead.number for lead in of_contact.get(contact_id, [])] == sorted(
        lead.number for lead in made if VISIBLE[role][lead.relation]
    )


@pytest.mark.parametrize("subject", SUBJECTS)
async def test_each_list_and_filter_and_its_count_hold_exactly_the_visible_leads(
    session: AsyncSession, subject: str
) -> None:
    # Given leads of each relation to the subject in each shape the lists tell apart, all
    # with the same values of every filter
    made = await make_related_leads(session, [subject], LIST_SHAPES)
    who = await actor(session, subject)
    viewer = await viewer_named(session, subject)
    facts = await lead_facts(session)
    model = next(lead for lead in facts if lead.number == made[0].number)

    # When each list is read to its end with its count, and the leads by each filter
    listed = {view.field: await walk(session, who, view.domain) for view in VIEWS}
    for spec in FILTERS:
        value = model.row[spec.column]
        listed[spec.name] = await walk(session, who, LeadView(), spec.domain(value))

    # Then of the fresh leads, each list holds those of its shapes the role sees, and each
    # filter all those the role sees
    assert {
        name: fresh_among(made, numbers) for name, (numbers, _) in listed.items()
    } == expected_fresh(role_of(subject))
    # and as a whole exactly the leads the rows say the subject sees there, as many as counted
    assert numbers_and_counts(listed) == counted(expected_by_rows(facts, viewer, NOW, model))


async def test_a_read_only_user_sees_what_a_sales_user_of_their_unit_sees(
    session: AsyncSession,
) -> None:
    # Given viewer.main, and the same user as if their role were SALES
    viewer = await actor(session, "viewer.main")
    as_sales = replace(viewer, role=Role.SALES)

    # When each list of the demo leads is read as both
    seen = {view.field: await walk(session, viewer, view.domain) for view in VIEWS}
    seen_as_sales = {view.field: await walk(session, as_sales, view.domain) for view in VIEWS}

    # Then they are the same, and some but not all of the leads
    assert seen == seen_as_sales
    everything, _ = await walk(session, await actor(session), LeadView())
    assert 0 < len(seen["leads"][0]) < len(everything)


# acting -------------------------------------------------------------------------------------


def expected_answers(outcome: Outcome, subject: str, number: int, lead_id: str) -> Any:
    """What an action answers by number and then by id, as (problems, problems)."""
    if outcome is Outcome.FORBIDDEN:
        return (forbidden(subject), forbidden(subject))
    if outcome is Outcome.NOT_FOUND:
        return (not_found("number", number), not_found("id", lead_id))
    return (None, None)


@pytest.mark.parametrize("verb", VERBS, ids=lambda verb: verb.mutation)
async def test_each_action_by_each_role_on_each_relation(session: AsyncSession, verb: Verb) -> None:
    # Given, for each subject, one lead of each relation to them that the action applies to
    made = await make_related_leads(session, SUBJECTS, [verb.shape])
    actors = {subject: await actor(session, subject) for subject in SUBJECTS}
    before = await lead_states(session)

    # When each subject takes the action on each of their leads by number, then by id the
    # ones it was refused on, and on a lead that does not exist
    answers = {}
    for lead in made:
        action = LeadAction(number_ref(lead.number), actors[lead.subject], NOW)
        by_number = await problems_of(verb.run(session, action))
        by_id = None
        if by_number is not None:
            action = replace(action, ref=Ref("id", lead.id))
            by_id = await problems_of(verb.run(session, action))
        answers[(lead.subject, lead.relation)] = (by_number, by_id)
    missing = {
        subject: await problems_of(
            verb.run(session, LeadAction(number_ref(MISSING), actors[subject], NOW))
        )
        for subject in SUBJECTS
    }

    # Then each answers as the table says: done, or refused as a missing lead, or forbidden
    assert answers == {
        (lead.subject, lead.relation): expected_answers(
            OUTCOME[role_of(lead.subject)][lead.relation], lead.subject, lead.number, lead.id
        )
        for lead in made
    }
    assert missing == {
        subject: forbidden(subject)
        if role_of(subject) is Role.READ_ONLY
        else not_found("number", MISSING)
        for subject in SUBJECTS
    }
    # and only the leads it was done on changed: one version and one history entry more
    after = await lead_states(session)
    assert {lead.number: after[lead.number] for lead in made} == {
        lead.number: after_outcome(
            before[lead.number], OUTCOME[role_of(lead.subject)][lead.relation], verb
        )
        for lead in made
    }
    untouched = set(before) - {lead.number for lead in made}
    assert {number: after[number] for number in untouched} == {
        number: before[number] for number in untouched
    }


# owning group -------------------------------------------------------------------------------


async def group_name(session: AsyncSession, lead: Lead) -> str:
    row = await lead_row(session, lead.id)
    group = await session.get(Group, row["owned_by_group_id"])
    assert group is not None
    return group.name


async def test_a_new_lead_belongs_to_its_creators_group(session: AsyncSession) -> None:
    creators = ("MPAdministrator", "sales.main", "sales.csr")

    # When each creates a lead without naming its group
    groups = {}
    for username in creators:
        creator = await actor(session, username)
        lead = await create_lead(session, new_lead(), creator, NOW)
        seen = await find_lead(session, creator, number_ref(lead.number))
        groups[username] = (await group_name(session, lead), seen is not None)

    # Then it belongs to the group of their unit, and they see it
    assert groups == {username: (DEMO_USERS[username].group, True) for username in creators}


async def test_a_sales_user_creates_leads_for_their_own_group_only(
    session: AsyncSession,
) -> None:
    # Given a sales user of Main Group
    seller = await actor(session, "sales.main")
    before = await lead_states(session)

    # When they create a lead for CSR Group, for no group, for a group that does not exist,
    # and for Main Group
    other = await problems_of(
        create_lead(session, new_lead(owned_by_group=Ref("name", "CSR Group")), seller, NOW)
    )
    nobody = await problems_of(create_lead(session, new_lead(owned_by_group=None), seller, NOW))
    unknown = await problems_of(
        create_lead(session, new_lead(owned_by_group=Ref("name", "Nope")), seller, NOW)
    )
    created = await lead_states(session)
    own = await create_lead(
        session, new_lead(owned_by_group=Ref("name", "Main Group")), seller, NOW
    )

    # Then only their own group is allowed (a group that does not exist is just not found)
    reason = "User 'sales.main' may give leads only to their own group."
    assert other == [(("changes", "owned_by_group"), "CSR Group", ErrorCode.FORBIDDEN, reason)]
    assert nobody == [(("changes", "owned_by_group"), None, ErrorCode.FORBIDDEN, reason)]
    assert unknown == [
        (
            ("changes", "owned_by_group", "name"),
            "Nope",
            ErrorCode.NOT_FOUND,
            "No group has name 'Nope'.",
        )
    ]
    assert created == before
    assert await group_name(session, own) == "Main Group"


async def test_an_administrator_creates_leads_for_any_group(session: AsyncSession) -> None:
    admin = await actor(session)

    lead = await create_lead(session, new_lead(owned_by_group=Ref("name", "CSR Group")), admin, NOW)

    assert await group_name(session, lead) == "CSR Group"


async def test_a_sales_user_cannot_give_a_visible_lead_to_another_group(
    session: AsyncSession,
) -> None:
    # Given a Main Group lead, and a CSR Group lead assigned to sales.main: both visible to them
    (own, assigned) = [
        lead
        for lead in await make_related_leads(session, ["sales.main"], [PENDING])
        if lead.relation in (Relation.GROUP, Relation.USER)
    ]
    seller = await actor(session, "sales.main")
    before = await lead_states(session)

    # When they give each to the other group, or to no group
    refused = {
        (lead.relation, group): await problems_of(
            update_lead(
                session,
                LeadAction(number_ref(lead.number), seller, NOW),
                LeadChanges(owned_by_group=None if group is None else Ref("name", group)),
            )
        )
        for lead, group in ((own, "CSR Group"), (own, None), (assigned, None))
    }

    # Then each is forbidden, and nothing changed
    reason = "User 'sales.main' may give leads only to their own group."
    assert refused == {
        (Relation.GROUP, "CSR Group"): [
            (("changes", "owned_by_group"), "CSR Group", ErrorCode.FORBIDDEN, reason)
        ],
        (Relation.GROUP, None): [
            (("changes", "owned_by_group"), None, ErrorCode.FORBIDDEN, reason)
        ],
        (Relation.USER, None): [(("changes", "owned_by_group"), None, ErrorCode.FORBIDDEN, reason)],
    }
    assert await lead_states(session) == before


async def test_a_read_only_user_creates_nothing(session: AsyncSession) -> None:
    viewer = await actor(session, "viewer.main")
    before = await lead_states(session)

    refused = await problems_of(create_lead(session, new_lead(), viewer, NOW))
    for_another = await problems_of(
        create_lead(session, new_lead(owned_by_group=Ref("name", "CSR Group")), viewer, NOW)
    )

    assert refused == forbidden("viewer.main")
    assert for_another == forbidden("viewer.main")
    assert await lead_states(session) == before


# visibility follows the relation ------------------------------------------------------------


async def test_a_lead_is_visible_while_a_relation_lasts(session: AsyncSession) -> None:
    # Given a lead of CSR Group that sales.main has no relation to
    (lead,) = [
        made
        for made in await make_related_leads(session, ["sales.main"], [PENDING])
        if made.relation is Relation.NONE
    ]
    admin = await actor(session)
    seller = await actor(session, "sales.main")
    me = Ref("username", "sales.main")

    async def change(**fields: Any) -> bool:
        """Whether sales.main sees the lead after the administrator changed it so."""
        await update_lead(
            session, LeadAction(number_ref(lead.number), admin, NOW), LeadChanges(**fields)
        )
        return await find_lead(session, seller, number_ref(lead.number)) is not None

    # When the administrator relates the lead to them in turn, and undoes each relation
    seen = [
        await find_lead(session, seller, number_ref(lead.number)) is not None,
        await change(users=[SetChange("add", me)]),
        await change(users=[SetChange("remove", me)]),
        await change(lead_owner=me),
        await change(lead_owner=None),
        await change(assigned_user=me),
        await change(assigned_user=None),
        await change(assigned_unit=Ref("alternative_code", "U")),
        await change(assigned_unit=None),
        await change(owned_by_group=Ref("name", "Main Group")),
        await change(owned_by_group=Ref("name", "CSR Group")),
    ]

    # Then they see it exactly while one of the relations holds
    assert seen == [False, True, False, True, False, True, False, True, False, True, False]
