"""Who sees and changes which lead, over HTTP: roles, row-level visibility, the owning group.

First the demo data: each user's role and groups, the administrator seeing every lead, and
sales.main reaching no CSR Group lead unrelated to them by any path. Then fresh leads related
to a subject in each way, made by MPAdministrator through the services
(tests/visibility_cases.py), are read and acted on as the subject, signed in with `login`:
`lead` by number and by id, every list and its `totalCount`, each filter, a contact's `leads`,
`Lead.history`, and every mutation, as that module's tables say. Whole lists are compared with
the leads the rows say the subject sees (SQL, not the read path).
"""

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import text

from app.db import Database
from app.domain.enums import Role
from app.settings import Settings
from tests.conftest import Clock, GraphQLClient
from tests.databases import Template
from tests.visibility_cases import (
    DEMO_USERS,
    FILTERS,
    LIST_SHAPES,
    MISSING,
    MISSING_ID,
    OTHER_GROUP,
    OUTCOME,
    PASSWORD,
    PENDING,
    SUBJECTS,
    VERBS,
    VIEWS,
    VISIBLE,
    Made,
    Outcome,
    Relation,
    Verb,
    after_outcome,
    committed_related_leads,
    counted,
    csr_leads_unrelated_to,
    expected_by_rows,
    expected_fresh,
    fresh_among,
    having,
    in_view,
    not_found_reason,
    numbers_and_counts,
    read_only_reason,
    role_of,
    rows_of,
    seen_numbers,
    states_of,
)

LOGIN = """
mutation ($username: String!, $password: String!) {
  login(username: $username, password: $password) { token errors { field code message } }
}
"""
PAYLOAD = (
    "{ lead { number version lifeCycleState ownedByGroup { name } } "
    "errors { field value code message } }"
)
NEW_LEAD = (
    'contactInformation: {existing: {idNumber: "101010"}}, source: {website: "www.crm.com"}, '
    'type: {name: "New Customer"}, importance: IMPORTANCE3, priority: 4, '
    "estimatedCompletionTime: {value: 2, unit: WEEKS}"
)
OWN_GROUP_ONLY = "User 'sales.main' may give leads only to their own group."


@pytest.fixture
def settings(database_url: str) -> Settings:
    # Whole lists read to their end, a contact's leads with their histories: far more points
    # than one request, or one user's budget, holds. These tests check who sees what.
    return Settings(
        database_url=database_url, max_query_cost=10_000_000, rate_limit_points=10_000_000
    )


def error(field: str | None, value: str | None, code: str, message: str) -> dict[str, Any]:
    return {"field": field, "value": value, "code": code, "message": message}


def refused(*errors: dict[str, Any]) -> dict[str, Any]:
    return {"lead": None, "errors": list(errors)}


def not_found(field: str, value: object) -> dict[str, Any]:
    """The payload of a mutation on a lead reference that names no lead."""
    key = field.removeprefix("ref.")
    return refused(error(field, str(value), "NOT_FOUND", not_found_reason(key, value)))


def forbidden(username: str) -> dict[str, Any]:
    """The payload of a mutation by a read-only user."""
    return refused(error(None, username, "FORBIDDEN", read_only_reason(username)))


def number_ref(number: object) -> str:
    return f'{{number: "{number}"}}'


def id_ref(lead_id: str) -> str:
    return f'{{id: "{lead_id}"}}'


def mutation(verb: Verb, ref: str) -> str:
    arguments = f"ref: {ref}" + (f", {verb.arguments}" if verb.arguments else "")
    return f"{verb.mutation}({arguments}) {PAYLOAD}"


def create(fields: str) -> str:
    return f"createLead(input: {{{NEW_LEAD}{fields}}}) {PAYLOAD}"


@pytest.fixture(scope="module")
def database_url(template: Template) -> Iterator[str]:
    """One database for the module: every test makes leads of its own and judges what it reads
    against the rows as they are then, so that the tests can share it and its sign-ins."""
    with template.copy() as url:
        yield url


@pytest.fixture(scope="module")
def tokens() -> dict[str, str]:
    """The module's sign-ins, by username."""
    return {}


async def data(gql: GraphQLClient, query: str, token: str, **variables: Any) -> Any:
    """The data of an operation that must answer without errors."""
    body = await gql(query, variables, token=token)
    assert "errors" not in body, body["errors"]
    return body["data"]


async def log_in(gql: GraphQLClient, username: str) -> str:
    body = await gql(LOGIN, {"username": username, "password": PASSWORD}, anonymous=True)
    assert body["data"]["login"]["errors"] == []
    token: str = body["data"]["login"]["token"]
    return token


async def signed_in(gql: GraphQLClient, tokens: dict[str, str], username: str) -> str:
    """A token of `username` from `login`, once per module."""
    if username not in tokens:
        tokens[username] = await log_in(gql, username)
    return tokens[username]


async def aliased(
    gql: GraphQLClient, token: str, fields: list[str], operation: str = "query"
) -> list[Any]:
    """The answers of many top-level fields, asked for 15 at a time (MAX_ALIASES) under
    aliases."""
    answers: list[Any] = []
    for start in range(0, len(fields), 15):
        part = fields[start : start + 15]
        selection = " ".join(f"a{index}: {field}" for index, field in enumerate(part))
        answered = await data(gql, f"{operation} {{ {selection} }}", token)
        answers.extend(answered[f"a{index}"] for index in range(len(part)))
    return answers


async def walk(gql: GraphQLClient, token: str, field: str, arguments: str) -> tuple[list[int], int]:
    """Every lead number of a list, page by page (100 a page) along the cursors, and its
    `totalCount` (the same on every page)."""
    query = (
        f"query ($after: String) {{ {field}({arguments} first: 100, after: $after) "
        "{ totalCount pageInfo { hasNextPage endCursor } nodes { number } } }"
    )
    numbers: list[int] = []
    counts = set()
    after = None
    while True:
        page = (await data(gql, query, token, after=after))[field]
        counts.add(page["totalCount"])
        numbers.extend(int(node["number"]) for node in page["nodes"])
        if not page["pageInfo"]["hasNextPage"]:
            (total,) = counts
            return numbers, total
        after = page["pageInfo"]["endCursor"]


async def sql(database: Database, statement: str) -> list[Any]:
    async with database.reader() as session:
        return list((await session.execute(text(statement))).all())


# the demo data ------------------------------------------------------------------------------


async def test_me_shows_each_demo_users_role_and_groups(
    gql: GraphQLClient, tokens: dict[str, str]
) -> None:
    # When each demo user signs in and asks who they are
    seen = {}
    for username in DEMO_USERS:
        token = await signed_in(gql, tokens, username)
        me = await data(gql, "{ me { username role unit { name } groups { name } } }", token)
        seen[username] = me["me"]

    # Then each has their role, unit and the unit's group
    assert seen == {
        user.username: {
            "username": user.username,
            "role": user.role.value,
            "unit": {"name": user.unit},
            "groups": [{"name": user.group}],
        }
        for user in DEMO_USERS.values()
    }


async def test_an_administrator_sees_every_lead(
    gql: GraphQLClient, database: Database, tokens: dict[str, str]
) -> None:
    # Given every lead, and how many there are in each state, by SQL
    numbers = [number for (number,) in await sql(database, "select number from lead")]
    by_state = await sql(database, "select life_cycle_state, count(*) from lead group by 1")
    lists: dict[str | None, str] = {
        None: "leads",
        **{next(iter(view.domain.states)): view.field for view in VIEWS if view.domain.states},
    }

    # When MPAdministrator counts them in every state's list and walks them all
    token = await signed_in(gql, tokens, "MPAdministrator")
    selection = " ".join(f"{field} {{ totalCount }}" for field in lists.values())
    counts = await data(gql, f"{{ {selection} }}", token)
    listed, _ = await walk(gql, token, "leads", "")

    # Then every one is there
    assert {field: count["totalCount"] for field, count in counts.items()} == {
        "leads": len(numbers),
        **{lists[state]: count for state, count in by_state},
    }
    assert listed == sorted(numbers)


async def test_sales_main_reads_counts_and_filters_to_no_unrelated_csr_lead(
    gql: GraphQLClient, database: Database, tokens: dict[str, str], clock: Clock
) -> None:
    # Given the CSR Group leads unrelated to sales.main, and what they see, by SQL
    hidden, visible = await csr_leads_unrelated_to(database, "sales.main")
    viewer, facts = await rows_of(database, "sales.main")
    hidden_facts = [lead for lead in facts if lead.number in hidden]
    token = await signed_in(gql, tokens, "sales.main")

    # When they read every list to its end, and the leads by each filter set to each value
    # the hidden leads have
    listed = {view.field: await walk(gql, token, view.field, view.arguments) for view in VIEWS}
    expected = {view.field: seen_numbers(facts, viewer, in_view(view, clock.now)) for view in VIEWS}
    for spec in FILTERS:
        for value in sorted({lead.row[spec.column] for lead in hidden_facts} - {None}, key=str):
            key = f"{spec.name} {value}"
            listed[key] = await walk(gql, token, "leads", f"filter: {{{spec.graphql(value)}}}, ")
            expected[key] = seen_numbers(facts, viewer, having(spec.column, value))
    # and the leads by offset, 100 at a time
    by_offset: list[int] = []
    for offset in range(0, visible, 100):
        page = f"{{ leads(first: 100, offset: {offset}) {{ nodes {{ number }} }} }}"
        by_offset += [
            int(lead["number"]) for lead in (await data(gql, page, token))["leads"]["nodes"]
        ]
    # and ask for each hidden lead by number and by id, and for the leads of its contact
    lookups = await aliased(
        gql,
        token,
        [f"lead(ref: {number_ref(number)}) {{ number }}" for number in hidden]
        + [f"lead(ref: {id_ref(lead_id)}) {{ number }}" for lead_id in hidden.values()],
    )
    id_numbers = dict(await sql(database, "select id, id_number from contact"))
    contact_ids = sorted({lead.row["contact_id"] for lead in hidden_facts})
    contacts = await aliased(
        gql,
        token,
        [
            f'contacts(search: "{id_numbers[cid]}") {{ id leads(first: 100) {{ number }} }}'
            for cid in contact_ids
        ],
    )

    # Then none of them comes anywhere, and every list and filter holds exactly what they see
    assert {name: sorted(set(numbers) & set(hidden)) for name, (numbers, _) in listed.items()} == {
        name: [] for name in listed
    }
    assert numbers_and_counts(listed) == counted(expected)
    assert listed["leads"][1] == visible
    assert by_offset == listed["leads"][0]
    assert lookups == [None] * (2 * len(hidden))
    assert {
        contact["id"]: [int(lead["number"]) for lead in contact["leads"]]
        for found in contacts
        for contact in found
        if contact["id"] in contact_ids
    } == {cid: seen_numbers(facts, viewer, having("contact_id", cid))[:100] for cid in contact_ids}


async def test_sales_main_updates_or_transitions_no_unrelated_csr_lead(
    gql: GraphQLClient, database: Database, tokens: dict[str, str]
) -> None:
    # Given the CSR Group leads unrelated to sales.main, by SQL
    hidden, _ = await csr_leads_unrelated_to(database, "sales.main")
    token = await signed_in(gql, tokens, "sales.main")
    before = await states_of(database)

    # When they send every mutation for each, and for a lead that does not exist: as is, and
    # with a stale version and inputs that are wrong besides
    wrong = (
        "updateLead(ref: {}, input: {{priority: 99}}, expectedVersion: 0) ",
        'loseLead(ref: {}, lostReason: {{name: "Nope"}}, status: {{name: "Won"}}, '
        "expectedVersion: 0) ",
    )
    numbers = [*hidden, MISSING]
    asked = len(VERBS) + len(wrong)
    fields = [
        field
        for number in numbers
        for field in (
            *(mutation(verb, number_ref(number)) for verb in VERBS),
            *(call.format(number_ref(number)) + PAYLOAD for call in wrong),
        )
    ]
    sent = iter(await aliased(gql, token, fields, "mutation"))
    answers = {number: [next(sent) for _ in range(asked)] for number in numbers}

    # Then each answers NOT_FOUND at the reference alone, exactly as for the missing lead, and
    # no lead changed
    assert answers == {number: [not_found("ref.number", number)] * asked for number in numbers}
    assert await states_of(database) == before


async def test_a_read_only_user_changes_nothing_but_still_logs_in_and_out(
    gql: GraphQLClient, database: Database
) -> None:
    # Given viewer.main signed in; demo leads 40 (PENDING) and 41 (IN_PROGRESS) of Main Group,
    # which they see, 69 of CSR Group, which they do not, and a number that names no lead
    token = await log_in(gql, "viewer.main")
    before = await states_of(database)
    seen = await aliased(
        gql, token, [f"lead(ref: {number_ref(n)}) {{ number }}" for n in (40, 41, 69)]
    )
    assert seen == [{"number": "40"}, {"number": "41"}, None]

    # When they send every mutation, then log out
    fields = [
        create(""),
        create(', ownedByGroup: {name: "CSR Group"}, probabilityToWin: 500'),
        *(
            mutation(verb, number_ref(number))
            for verb in VERBS
            for number in (40 if verb.shape is PENDING else 41, 69, MISSING)
        ),
    ]
    answers = await aliased(gql, token, fields, "mutation")
    logout = await gql("mutation { logout }", token=token)

    # Then each mutation answers one FORBIDDEN error about no input, and nothing changed; the
    # logout works, and the token opens nothing any more
    assert answers == [forbidden("viewer.main")] * len(fields)
    assert await states_of(database) == before
    assert logout == {"data": {"logout": True}}
    after = await gql("{ me { username } }", token=token)
    assert [e["extensions"]["code"] for e in after["errors"]] == ["UNAUTHENTICATED"]


# reading fresh leads ------------------------------------------------------------------------


@pytest.mark.parametrize("subject", SUBJECTS)
async def test_lead_by_number_or_id_its_history_and_a_contacts_leads_only_when_visible(
    gql: GraphQLClient, database: Database, tokens: dict[str, str], subject: str
) -> None:
    # Given one pending lead of each relation to the subject, signed in as them
    made = await committed_related_leads(database, [subject], [PENDING])
    token = await signed_in(gql, tokens, subject)
    seen = [VISIBLE[role_of(subject)][lead.relation] for lead in made]
    history = "history(first: 100) { nodes { action by { username } } }"

    # When each is asked for by number (with its history) and by id, as is a missing lead,
    # and the leads of their contact (with their history)
    answers = await aliased(
        gql,
        token,
        [
            *(f"lead(ref: {number_ref(lead.number)}) {{ number {history} }}" for lead in made),
            *(f"lead(ref: {id_ref(lead.id)}) {{ number }}" for lead in made),
            f"lead(ref: {number_ref(MISSING)}) {{ number }}",
            f"lead(ref: {id_ref(MISSING_ID)}) {{ number }}",
            f'contacts(search: "{made[0].contact}") {{ leads(first: 100) {{ number {history} }} }}',
        ],
    )

    # Then the visible ones come with their history, the others are null like a missing one,
    # and the contact's leads are the visible ones alone
    created = {"nodes": [{"action": "CREATE", "by": {"username": "MPAdministrator"}}]}
    with_history = [
        {"number": str(lead.number), "history": created} if visible else None
        for lead, visible in zip(made, seen, strict=True)
    ]
    assert answers == [
        *with_history,
        *(
            {"number": str(lead.number)} if visible else None
            for lead, visible in zip(made, seen, strict=True)
        ),
        None,
        None,
        [{"leads": [lead for lead in with_history if lead is not None]}],
    ]


@pytest.mark.parametrize("subject", SUBJECTS)
async def test_every_list_filter_and_total_count_hold_exactly_the_visible_leads(
    gql: GraphQLClient, database: Database, tokens: dict[str, str], clock: Clock, subject: str
) -> None:
    # Given leads of each relation to the subject in each shape the lists tell apart, all
    # with the same values of every filter; signed in as the subject
    made = await committed_related_leads(database, [subject], LIST_SHAPES)
    token = await signed_in(gql, tokens, subject)
    viewer, facts = await rows_of(database, subject)
    model = next(lead for lead in facts if lead.number == made[0].number)

    # When each list is read to its end, and the leads by each filter
    listed = {view.field: await walk(gql, token, view.field, view.arguments) for view in VIEWS}
    for spec in FILTERS:
        argument = f"filter: {{{spec.graphql(model.row[spec.column])}}}, "
        listed[spec.name] = await walk(gql, token, "leads", argument)

    # Then of the fresh leads, each list holds those of its shapes the role sees, and each
    # filter all those the role sees
    assert {
        name: fresh_among(made, numbers) for name, (numbers, _) in listed.items()
    } == expected_fresh(role_of(subject))
    # and as a whole exactly the leads the rows say the subject sees there, as many as counted
    assert numbers_and_counts(listed) == counted(expected_by_rows(facts, viewer, clock.now, model))


# acting on fresh leads ----------------------------------------------------------------------


async def admin_view(gql: GraphQLClient, numbers: list[int]) -> dict[int, Any]:
    """Each lead's version, state and history actions, as MPAdministrator reads them."""
    selection = "{ version lifeCycleState history(first: 100) { nodes { action } } }"
    answers = await aliased(
        gql, gql.token or "", [f"lead(ref: {number_ref(n)}) {selection}" for n in numbers]
    )
    return {
        number: (
            lead["version"],
            lead["lifeCycleState"],
            tuple(node["action"] for node in lead["history"]["nodes"]),
        )
        for number, lead in zip(numbers, answers, strict=True)
    }


def expected_payloads(outcome: Outcome, lead: Made, verb: Verb, version: int) -> Any:
    """What a mutation answers by number, then by id (asked only when refused)."""
    if outcome is Outcome.FORBIDDEN:
        return (forbidden(lead.subject), forbidden(lead.subject))
    if outcome is Outcome.NOT_FOUND:
        return (not_found("ref.number", lead.number), not_found("ref.id", lead.id))
    group = DEMO_USERS[lead.subject].group
    group = group if lead.relation is Relation.GROUP else OTHER_GROUP[group]
    done = {
        "number": str(lead.number),
        "version": version + 1,
        "lifeCycleState": verb.after.value,
        "ownedByGroup": {"name": group},
    }
    return ({"lead": done, "errors": []}, None)


@pytest.mark.parametrize("verb", VERBS, ids=lambda verb: verb.mutation)
async def test_each_mutation_by_each_role_on_each_relation(
    gql: GraphQLClient, database: Database, tokens: dict[str, str], verb: Verb
) -> None:
    # Given, for each subject, one lead of each relation to them that the mutation applies to
    made = await committed_related_leads(database, SUBJECTS, [verb.shape])
    numbers = [lead.number for lead in made]
    before = await admin_view(gql, numbers)
    everything = await states_of(database)

    # When each subject sends it for each of their leads by number, then by id for the ones
    # refused, and for a number and an id that name no lead
    answers, missing = {}, {}
    for subject in SUBJECTS:
        token = await signed_in(gql, tokens, subject)
        theirs = [lead for lead in made if lead.subject == subject]
        *by_number, no_number, no_id = await aliased(
            gql,
            token,
            [
                *(mutation(verb, number_ref(lead.number)) for lead in theirs),
                mutation(verb, number_ref(MISSING)),
                mutation(verb, id_ref(MISSING_ID)),
            ],
            "mutation",
        )
        again = [lead for lead, answer in zip(theirs, by_number, strict=True) if answer["errors"]]
        by_id = await aliased(
            gql, token, [mutation(verb, id_ref(lead.id)) for lead in again], "mutation"
        )
        by_id_of = {lead.number: answer for lead, answer in zip(again, by_id, strict=True)}
        for lead, answer in zip(theirs, by_number, strict=True):
            answers[(subject, lead.relation)] = (answer, by_id_of.get(lead.number))
        missing[subject] = (no_number, no_id)

    # Then each answers as the table says: done, NOT_FOUND at the reference exactly like a
    # missing lead, or FORBIDDEN
    assert answers == {
        (lead.subject, lead.relation): expected_payloads(
            OUTCOME[role_of(lead.subject)][lead.relation], lead, verb, before[lead.number][0]
        )
        for lead in made
    }
    assert missing == {
        subject: (forbidden(subject), forbidden(subject))
        if role_of(subject) is Role.READ_ONLY
        else (not_found("ref.number", MISSING), not_found("ref.id", MISSING_ID))
        for subject in SUBJECTS
    }
    # and, as the administrator reads them, only the leads it was done on changed
    assert await admin_view(gql, numbers) == {
        lead.number: after_outcome(
            before[lead.number], OUTCOME[role_of(lead.subject)][lead.relation], verb
        )
        for lead in made
    }
    after = await states_of(database)
    assert {n: after[n] for n in everything if n not in numbers} == {
        n: state for n, state in everything.items() if n not in numbers
    }


# owning group -------------------------------------------------------------------------------


async def test_a_sales_users_new_lead_belongs_to_their_group(
    gql: GraphQLClient, tokens: dict[str, str]
) -> None:
    sellers = ("sales.main", "sales.csr")

    # When each sales user creates a lead without naming its group, with null for it (on
    # create: take the default), and naming their own
    made = {}
    for username in sellers:
        token = await signed_in(gql, tokens, username)
        group = f'{{name: "{DEMO_USERS[username].group}"}}'
        created = await aliased(
            gql,
            token,
            [create(""), create(", ownedByGroup: null"), create(f", ownedByGroup: {group}")],
            "mutation",
        )
        seen = await aliased(
            gql,
            token,
            [f"lead(ref: {number_ref(c['lead']['number'])}) {{ number }}" for c in created],
        )
        made[username] = [
            (c["errors"], c["lead"]["ownedByGroup"], s is not None)
            for c, s in zip(created, seen, strict=True)
        ]

    # Then each lead belongs to the creator's group, and the creator sees it
    assert made == {
        username: [([], {"name": DEMO_USERS[username].group}, True)] * 3 for username in sellers
    }


async def test_a_sales_user_gives_no_lead_to_another_group(
    gql: GraphQLClient, database: Database, tokens: dict[str, str]
) -> None:
    # Given a Main Group lead, and a CSR Group lead assigned to sales.main: both visible to them
    own, assigned = [
        lead
        for lead in await committed_related_leads(database, ["sales.main"], [PENDING])
        if lead.relation in (Relation.GROUP, Relation.USER)
    ]
    token = await signed_in(gql, tokens, "sales.main")
    before = await states_of(database)

    # When they create a lead for CSR Group, give the first lead to CSR Group or to no group,
    # and the second to no group
    def give(number: int, group: str) -> str:
        return f"updateLead(ref: {number_ref(number)}, input: {{ownedByGroup: {group}}}) {PAYLOAD}"

    answers = await aliased(
        gql,
        token,
        [
            create(', ownedByGroup: {name: "CSR Group"}'),
            give(own.number, '{name: "CSR Group"}'),
            give(own.number, "null"),
            give(assigned.number, "null"),
        ],
        "mutation",
    )

    # Then each is FORBIDDEN at the owning group, and nothing changed
    assert answers == [
        refused(error("input.ownedByGroup", "CSR Group", "FORBIDDEN", OWN_GROUP_ONLY)),
        refused(error("input.ownedByGroup", "CSR Group", "FORBIDDEN", OWN_GROUP_ONLY)),
        refused(error("input.ownedByGroup", None, "FORBIDDEN", OWN_GROUP_ONLY)),
        refused(error("input.ownedByGroup", None, "FORBIDDEN", OWN_GROUP_ONLY)),
    ]
    assert await states_of(database) == before
