"""The tables the visibility tests share (tests/domain/test_visibility.py and
tests/graphql/test_visibility.py): the demo users, the relations a user can have to a lead, who
sees a lead so related and what each action on it then answers, the lists and the filters,
fresh related leads made through the services, and an account of who sees which lead computed
from the database rows alone (SQL, never the app's read path)."""

import uuid
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import Database, in_transaction
from app.domain.contacts import NewAccountsReceivable, open_accounts_receivable
from app.domain.enums import (
    Action,
    ContactType,
    Importance,
    LeadSourceType,
    LifeCycleState,
    Role,
    TimeUnit,
)
from app.domain.identifiers import Ref
from app.domain.leads import service
from app.domain.leads.commands import LeadAction, LeadChanges, PeriodInput, SetChange, SourceChoice
from app.domain.leads.queries import LeadFilter, LeadView
from app.domain.models import Contact, Lead, LeadUser
from tests.databases import DEMO_NOW
from tests.factories import LEAD_TABLE, actor, existing_account, existing_contact, new_lead

# users --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoUser:
    """A user of the demo data: role, unit (name and alternative code) and the unit's group."""

    username: str
    role: Role
    unit: str
    unit_code: str
    group: str


DEMO_USERS = {
    user.username: user
    for user in (
        DemoUser("MPAdministrator", Role.ADMINISTRATOR, "Admin Unit", "adminunit", "Main Group"),
        DemoUser("mariosmtest", Role.SALES, "Admin Unit", "adminunit", "Main Group"),
        DemoUser("Smanager", Role.ADMINISTRATOR, "Admin Unit", "adminunit", "Main Group"),
        DemoUser("x_poulli", Role.SALES, "Admin Unit", "adminunit", "Main Group"),
        DemoUser("salesagent", Role.SALES, "Admin Unit", "adminunit", "Main Group"),
        DemoUser("sales.main", Role.SALES, "Main Unit", "U", "Main Group"),
        DemoUser("sales.csr", Role.SALES, "CSR Unit", "CSRU", "CSR Group"),
        DemoUser("viewer.main", Role.READ_ONLY, "Main Unit", "U", "Main Group"),
    )
}
# Whose view of leads the tables spell out: each role, and a sales user of each group.
SUBJECTS = ("MPAdministrator", "sales.main", "sales.csr", "viewer.main")
OTHER_GROUP = {"Main Group": "CSR Group", "CSR Group": "Main Group"}
PASSWORD = "demo"
# A lead number that names no lead.
MISSING = 999999
MISSING_ID = "0" * 32


def role_of(username: str) -> Role:
    return DEMO_USERS[username].role


# relations ----------------------------------------------------------------------------------


class Relation(StrEnum):
    """How a lead relates to a user."""

    GROUP = "owned by their group"
    USER = "assigned to them"
    UNIT = "assigned to their unit"
    OWNER = "them as lead owner"
    TEAM = "them in the users set"
    NONE = "none of these"


def relation_fields(relation: Relation, user: DemoUser) -> dict[str, Any]:
    """The `LeadChanges` fields that relate a lead to `user` so, and to nobody else of theirs:
    every lead but the group's own belongs to the other group."""
    if relation is Relation.GROUP:
        return {"owned_by_group": Ref("name", user.group)}
    me = Ref("username", user.username)
    fields: dict[str, Any] = {"owned_by_group": Ref("name", OTHER_GROUP[user.group])}
    if relation is Relation.USER:
        fields["assigned_user"] = me
    elif relation is Relation.UNIT:
        fields["assigned_unit"] = Ref("alternative_code", user.unit_code)
    elif relation is Relation.OWNER:
        fields["lead_owner"] = me
    elif relation is Relation.TEAM:
        fields["users"] = [SetChange("add", me)]
    return fields


class Outcome(StrEnum):
    """What an action on an existing lead answers."""

    DONE = "done"
    NOT_FOUND = "not found, as a missing lead"
    FORBIDDEN = "forbidden"


Y, N = True, False
D, NF, F = Outcome.DONE, Outcome.NOT_FOUND, Outcome.FORBIDDEN
# fmt: off
# Whether a user of each role sees a lead related to them so (columns in `Relation` order).
VISIBLE: dict[Role, dict[Relation, bool]] = {
    role: dict(zip(Relation, row, strict=True))
    for role, row in (
        #                     group user unit owner team none
        (Role.ADMINISTRATOR, (Y,    Y,   Y,   Y,    Y,   Y)),
        (Role.SALES,         (Y,    Y,   Y,   Y,    Y,   N)),
        (Role.READ_ONLY,     (Y,    Y,   Y,   Y,    Y,   N)),
    )
}
# What each action (update, start progress, win, lose, cancel) answers.
OUTCOME: dict[Role, dict[Relation, Outcome]] = {
    role: dict(zip(Relation, row, strict=True))
    for role, row in (
        #                     group user unit owner team none
        (Role.ADMINISTRATOR, (D,    D,   D,   D,    D,   D)),
        (Role.SALES,         (D,    D,   D,   D,    D,   NF)),
        (Role.READ_ONLY,     (F,    F,   F,   F,    F,   F)),
    )
}
# fmt: on


def read_only_reason(username: str) -> str:
    return f"User {username!r} has the READ_ONLY role: they may read leads, not change them."


def not_found_reason(key: str, value: object) -> str:
    return f"No lead has {key} {str(value)!r}."


# fresh leads --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Shape:
    """A lead's schedule (start from now, estimated time), the status it is created in (its
    type's default when None), and the action that then completes it, if any."""

    name: str
    state: LifeCycleState
    start: timedelta
    estimate: PeriodInput
    status: str | None = None
    then: Action | None = None


MONTH = PeriodInput(1, TimeUnit.MONTHS)
AT_ONCE = timedelta(0)
PENDING = Shape("pending", LifeCycleState.PENDING, AT_ONCE, MONTH)
IN_PROGRESS = Shape("in progress", LifeCycleState.IN_PROGRESS, AT_ONCE, MONTH, "Learn")
OVERDUE = Shape("overdue", LifeCycleState.PENDING, timedelta(days=-60), MONTH)
DUE_SOON = Shape(
    "due in 3 days",
    LifeCycleState.IN_PROGRESS,
    timedelta(days=-4),
    PeriodInput(1, TimeUnit.WEEKS),
    "Learn",
)
WON = Shape("won", LifeCycleState.WON, AT_ONCE, MONTH, "Learn", Action.WIN)
LOST = Shape("lost", LifeCycleState.LOST, AT_ONCE, MONTH, then=Action.LOSE)
CANCELLED = Shape("cancelled", LifeCycleState.CANCELLED, AT_ONCE, MONTH, then=Action.CANCEL)
_COMPLETE = {
    Action.WIN: lambda session, action: service.win_lead(session, action),
    Action.LOSE: lambda session, action: service.lose_lead(
        session, action, Ref("name", "Competitors")
    ),
    Action.CANCEL: service.cancel_lead,
}
# One lead in each list of its own: every list holds some of these and not others.
LIST_SHAPES = (OVERDUE, DUE_SOON, WON, LOST, CANCELLED)

# The fresh leads of one set-up are for a contact of their own, billed to one account opened
# for it, from a source kind no demo lead has: so these filters match them (and earlier
# set-ups' leads, for the source) alone.
SOURCE = SourceChoice(LeadSourceType.CUSTOM3, name="Visibility fair")


@dataclass(frozen=True)
class Made:
    """A fresh lead: for whom, related how, in which shape."""

    number: int
    id: str
    subject: str
    relation: Relation
    shape: Shape
    contact: str  # the contact's id number


async def make_related_leads(
    session: AsyncSession,
    subjects: Iterable[str],
    shapes: Iterable[Shape],
    now: datetime = DEMO_NOW,
) -> list[Made]:
    """For each subject, one lead of each relation in each shape, made by MPAdministrator
    through the services, for a new contact."""
    admin = await actor(session)
    mark = uuid.uuid4().hex[:12]
    contact = Contact(
        type=ContactType.PERSON, first_name="Seen", last_name=f"By {mark}", id_number=mark
    )
    session.add(contact)
    await session.flush()
    account = await open_accounts_receivable(session, contact, NewAccountsReceivable(name="Seen"))
    made = []
    for subject in subjects:
        for relation in Relation:
            for shape in shapes:
                changes = new_lead(
                    contact=existing_contact(mark),
                    accounts_receivable=existing_account(account.number),
                    source=SOURCE,
                    start_date=now + shape.start,
                    estimated_completion_time=shape.estimate,
                    **({} if shape.status is None else {"status": Ref("name", shape.status)}),
                    **relation_fields(relation, DEMO_USERS[subject]),
                )
                lead = await service.create_lead(session, changes, admin, now)
                if shape.then is not None:
                    action = LeadAction(Ref("id", lead.id), admin, now)
                    lead = await _COMPLETE[shape.then](session, action)
                assert lead.life_cycle_state is shape.state
                made.append(Made(lead.number, lead.id, subject, relation, shape, mark))
    return made


def fresh_among(made: Iterable[Made], numbers: Iterable[int]) -> list[tuple[str, str]]:
    """Which fresh leads (relation, shape) are among `numbers`."""
    present = set(numbers)
    return sorted((lead.relation, lead.shape.name) for lead in made if lead.number in present)


def fresh_seen(role: Role, shapes: Iterable[Shape]) -> list[tuple[str, str]]:
    """The (relation, shape) of the fresh leads in `shapes` that `role` sees, by the table."""
    return sorted(
        (relation, shape.name)
        for relation in Relation
        if VISIBLE[role][relation]
        for shape in shapes
    )


# lists and filters --------------------------------------------------------------------------


@dataclass(frozen=True)
class LeadFacts:
    """A lead's row, and the user ids of its users set."""

    row: dict[str, Any]
    team: frozenset[str]

    @property
    def number(self) -> int:
        return int(self.row["number"])


OPEN = frozenset({LifeCycleState.PENDING, LifeCycleState.IN_PROGRESS})
Holds = Callable[[LeadFacts, datetime], bool]


@dataclass(frozen=True)
class View:
    """A list field: its GraphQL arguments besides filter and paging, the domain's view, the
    fresh shapes it holds, and which rows it holds."""

    field: str
    arguments: str
    domain: LeadView
    shapes: tuple[Shape, ...]
    holds: Holds


def _in_state(state: LifeCycleState) -> Holds:
    return lambda facts, now: facts.row["life_cycle_state"] == state


def _overdue(facts: LeadFacts, now: datetime) -> bool:
    return facts.row["life_cycle_state"] in OPEN and facts.row["expected_completion_date"] < now


def _within_a_week(facts: LeadFacts, now: datetime) -> bool:
    expected = facts.row["expected_completion_date"]
    return facts.row["life_cycle_state"] in OPEN and now <= expected <= now + timedelta(days=7)


def _state_view(field: str, state: LifeCycleState, shape: Shape) -> View:
    return View(field, "", LeadView(states=frozenset({state})), (shape,), _in_state(state))


VIEWS = (
    View("leads", "", LeadView(), LIST_SHAPES, lambda facts, now: True),
    _state_view("pendingLeads", LifeCycleState.PENDING, OVERDUE),
    _state_view("inProgressLeads", LifeCycleState.IN_PROGRESS, DUE_SOON),
    _state_view("wonLeads", LifeCycleState.WON, WON),
    _state_view("lostLeads", LifeCycleState.LOST, LOST),
    _state_view("cancelledLeads", LifeCycleState.CANCELLED, CANCELLED),
    View("overdueLeads", "", LeadView(overdue=True), (OVERDUE,), _overdue),
    View(
        "leadsCloseToCompletion",
        "period: 7, unit: DAYS, ",
        LeadView(due_within=(7, TimeUnit.DAYS)),
        (DUE_SOON,),
        _within_a_week,
    ),
)


@dataclass(frozen=True)
class Filter:
    """A field of `LeadFilter`, set to a lead column's value: in GraphQL and in the domain."""

    name: str
    column: str
    graphql: Callable[[Any], str]
    domain: Callable[[Any], LeadFilter]


FILTERS = (
    Filter(
        "contact",
        "contact_id",
        lambda value: f'contact: {{id: "{value}"}}',
        lambda value: LeadFilter(contact=Ref("id", value)),
    ),
    Filter(
        "accountsReceivable",
        "accounts_receivable_id",
        lambda value: f'accountsReceivable: {{id: "{value}"}}',
        lambda value: LeadFilter(accounts_receivable=Ref("id", value)),
    ),
    Filter(
        "type",
        "type_id",
        lambda value: f'type: {{id: "{value}"}}',
        lambda value: LeadFilter(type=Ref("id", value)),
    ),
    Filter(
        "category",
        "category_id",
        lambda value: f'category: {{id: "{value}"}}',
        lambda value: LeadFilter(category=Ref("id", value)),
    ),
    Filter(
        "source",
        "source_type",
        lambda value: f"source: {value}",
        lambda value: LeadFilter(source=LeadSourceType(value)),
    ),
    Filter(
        "importance",
        "importance",
        lambda value: f"importance: {value}",
        lambda value: LeadFilter(importance=Importance(value)),
    ),
    Filter(
        "priority",
        "priority",
        lambda value: f"priority: {value}",
        lambda value: LeadFilter(priority=int(value)),
    ),
)


# who sees what, from the rows ---------------------------------------------------------------


@dataclass(frozen=True)
class Viewer:
    """A user as the rows have them: id, role, unit and the unit's group."""

    user_id: str
    role: Role
    unit_id: str | None
    group_id: str | None


async def viewer_named(session: AsyncSession, username: str) -> Viewer:
    row = (
        await session.execute(
            text(
                'select u.id, u.role, u.unit_id, n.group_id from "user" u '
                "left join unit n on n.id = u.unit_id where u.username = :username"
            ),
            {"username": username},
        )
    ).one()
    return Viewer(row.id, Role(row.role), row.unit_id, row.group_id)


async def lead_facts(session: AsyncSession) -> list[LeadFacts]:
    """Every lead's row and users set, by number."""
    teams: dict[str, set[str]] = {}
    members = LeadUser.__table__.c  # type: ignore[attr-defined]
    for lead_id, user_id in await session.execute(select(members.lead_id, members.user_id)):
        teams.setdefault(lead_id, set()).add(user_id)
    rows = await session.execute(select(LEAD_TABLE).order_by(LEAD_TABLE.c.number))
    return [LeadFacts(dict(row._mapping), frozenset(teams.get(row.id, ()))) for row in rows.all()]


def sees(viewer: Viewer, facts: LeadFacts) -> bool:
    """Whether the rule of the roles lets `viewer` see the lead."""
    row = facts.row
    return (
        viewer.role is Role.ADMINISTRATOR
        or (viewer.group_id is not None and row["owned_by_group_id"] == viewer.group_id)
        or (viewer.unit_id is not None and row["assigned_unit_id"] == viewer.unit_id)
        or viewer.user_id in (row["assigned_user_id"], row["lead_owner_id"])
        or viewer.user_id in facts.team
    )


def seen_numbers(
    facts: Iterable[LeadFacts], viewer: Viewer, keep: Callable[[LeadFacts], bool]
) -> list[int]:
    """The numbers of the leads `viewer` sees that `keep` keeps, in order."""
    return sorted(lead.number for lead in facts if sees(viewer, lead) and keep(lead))


def in_view(view: View, now: datetime) -> Callable[[LeadFacts], bool]:
    return lambda lead: view.holds(lead, now)


def having(column: str, value: Any) -> Callable[[LeadFacts], bool]:
    return lambda lead: lead.row[column] == value


def expected_by_rows(
    facts: list[LeadFacts], viewer: Viewer, now: datetime, model: LeadFacts
) -> dict[str, list[int]]:
    """What each list, and each filter set to `model`'s values, should hold for `viewer`."""
    return {
        **{view.field: seen_numbers(facts, viewer, in_view(view, now)) for view in VIEWS},
        **{
            spec.name: seen_numbers(facts, viewer, having(spec.column, model.row[spec.column]))
            for spec in FILTERS
        },
    }


def expected_fresh(role: Role) -> dict[str, list[tuple[str, str]]]:
    """Which fresh leads in LIST_SHAPES each list and each filter should hold for `role`."""
    return {
        **{view.field: fresh_seen(role, view.shapes) for view in VIEWS},
        **{spec.name: fresh_seen(role, LIST_SHAPES) for spec in FILTERS},
    }


Listed = dict[str, tuple[list[int], int]]


def numbers_and_counts(listed: Listed) -> tuple[dict[str, list[int]], dict[str, int]]:
    """The lead numbers of each list, and each list's count."""
    return (
        {name: numbers for name, (numbers, _) in listed.items()},
        {name: total for name, (_, total) in listed.items()},
    )


def counted(expected: dict[str, list[int]]) -> tuple[dict[str, list[int]], dict[str, int]]:
    """The lead numbers each list should hold, and as many as each should count."""
    return expected, {name: len(numbers) for name, numbers in expected.items()}


# The CSR Group leads a user of Main Group has no relation to, and the leads they see: their
# group's and those related to them.
_UNRELATED_CSR_LEADS = """
select l.number, l.id from lead l join "group" g on g.id = l.owned_by_group_id
where g.name = 'CSR Group'
  and coalesce(l.assigned_user_id, '') <> :user
  and coalesce(l.assigned_unit_id, '') <> :unit
  and coalesce(l.lead_owner_id, '') <> :user
  and not exists (select 1 from lead_user t where t.lead_id = l.id and t.user_id = :user)
order by l.number
"""
_SEEN_GROUPS = """
select g.name from lead l join "group" g on g.id = l.owned_by_group_id
where g.name = 'Main Group' or l.assigned_user_id = :user or l.assigned_unit_id = :unit
   or l.lead_owner_id = :user
   or exists (select 1 from lead_user t where t.lead_id = l.id and t.user_id = :user)
"""


async def csr_leads_unrelated_to(database: Database, username: str) -> tuple[dict[int, str], int]:
    """The CSR Group leads unrelated to a user of Main Group (number: id), and how many leads
    they see, by SQL."""
    async with database.reader() as session:
        user = await viewer_named(session, username)
        names = {"user": user.user_id, "unit": user.unit_id}
        found = await session.execute(text(_UNRELATED_CSR_LEADS), names)
        hidden: dict[int, str] = {row[0]: row[1] for row in found}
        seen = list((await session.scalars(text(_SEEN_GROUPS), names)).all())
        total = await session.scalar(text("select count(*) from lead"))
    # (some CSR Group leads are theirs to see and the others not: both kinds are there)
    assert len(hidden) > 50
    assert seen.count("CSR Group") > 10
    assert len(seen) + len(hidden) == total
    return hidden, len(seen)


LeadState = tuple[int, str, tuple[str, ...]]


async def lead_states(session: AsyncSession) -> dict[int, LeadState]:
    """Each lead's version, life cycle state and history actions, by number (SQL)."""
    states: dict[int, tuple[int, str, list[str]]] = {}
    rows = await session.execute(
        text(
            "select l.number, l.version, l.life_cycle_state, c.action from lead l "
            "left join lead_change c on c.lead_id = l.id order by l.number, c.sequence"
        )
    )
    for number, version, state, action in rows:
        entry = states.setdefault(number, (version, state, []))
        if action is not None:
            entry[2].append(action)
    return {number: (v, s, tuple(actions)) for number, (v, s, actions) in states.items()}


# actions ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verb:
    """An action on an existing lead: its mutation and further GraphQL arguments, the shape
    of lead it applies to, the state it leaves, and the service that takes it."""

    mutation: str
    arguments: str
    action: Action
    shape: Shape
    after: LifeCycleState
    run: Callable[[AsyncSession, LeadAction], Awaitable[Lead]]


VERBS = (
    Verb(
        "updateLead",
        'input: {description: "Seen"}',
        Action.UPDATE,
        PENDING,
        LifeCycleState.PENDING,
        lambda session, action: service.update_lead(
            session, action, LeadChanges(description="Seen")
        ),
    ),
    Verb(
        "startLeadProgress",
        "",
        Action.START_PROGRESS,
        PENDING,
        LifeCycleState.IN_PROGRESS,
        service.start_lead_progress,
    ),
    Verb(
        "winLead",
        "",
        Action.WIN,
        IN_PROGRESS,
        LifeCycleState.WON,
        lambda session, action: service.win_lead(session, action),
    ),
    Verb(
        "loseLead",
        'lostReason: {name: "Competitors"}',
        Action.LOSE,
        IN_PROGRESS,
        LifeCycleState.LOST,
        lambda session, action: service.lose_lead(session, action, Ref("name", "Competitors")),
    ),
    Verb(
        "cancelLead",
        "",
        Action.CANCEL,
        PENDING,
        LifeCycleState.CANCELLED,
        service.cancel_lead,
    ),
)


def after_outcome(state: LeadState, outcome: Outcome, verb: Verb) -> LeadState:
    """A lead's state after `verb` answered `outcome`: moved on with one more history entry
    when done, else as it was."""
    if outcome is not Outcome.DONE:
        return state
    version, _, history = state
    return (version + 1, verb.after.value, (*history, verb.action.value))


# the same, over a database (for the HTTP tests) ---------------------------------------------


async def committed_related_leads(
    database: Database, subjects: Iterable[str], shapes: Iterable[Shape]
) -> list[Made]:
    """`make_related_leads`, committed."""
    return await in_transaction(
        database.writer, lambda session: make_related_leads(session, list(subjects), shapes)
    )


async def rows_of(database: Database, username: str) -> tuple[Viewer, list[LeadFacts]]:
    """The user as the rows have them, and every lead's row."""
    async with database.reader() as session:
        return await viewer_named(session, username), await lead_facts(session)


async def states_of(database: Database) -> dict[int, LeadState]:
    """`lead_states`, as committed."""
    async with database.reader() as session:
        return await lead_states(session)
