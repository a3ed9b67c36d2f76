"""The demo leads: the seeds' example leads, at their numbers and dates, and about 200
generated ones around now, over every state, type, source and date range, spread over both
groups, assignments and users sets. Each is made through the domain's actions, at the moments
of the story it tells, so that it has its history.
"""

import random
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.demo.records import Catalog, at
from app.domain import enums, models
from app.domain.auth import Actor
from app.domain.contacts import AccountsReceivableChoice, ContactChoice
from app.domain.enums import LifeCycleState
from app.domain.identifiers import Ref
from app.domain.leads import service
from app.domain.leads.commands import (
    LeadAction,
    LeadChanges,
    PeriodInput,
    ProductItemRef,
    ProductLevel,
    SetChange,
    SourceChoice,
)
from app.domain.numbering import NumberSeries, advance_past

GENERATED_LEADS = 200
FIRST_GENERATED_NUMBER = 100


@dataclass(frozen=True)
class _SeedLead:
    """A lead as a seed example shows it before the example's action."""

    state: str
    type: str
    contact: str
    start: str
    estimated: tuple[int, enums.TimeUnit]
    source: tuple[enums.LeadSourceType, str | None] = (enums.LeadSourceType.WEBSITE, "www.crm.com")
    account: bool = True
    priority: int = 2
    completed: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    competitors: tuple[str, ...] = ()
    users: tuple[str, ...] = ()
    services: tuple[tuple[ProductLevel, str], ...] = ()
    physical_goods: tuple[tuple[ProductLevel, str], ...] = ()
    products: tuple[tuple[ProductLevel, str], ...] = ()


_MONTHS3 = (3, enums.TimeUnit.MONTHS)
_MONTH1 = (1, enums.TimeUnit.MONTHS)
_NOTIFIED = (enums.LeadSourceType.NOTIFICATIONS, "N1")

_SEED_LEADS: dict[int, _SeedLead] = {
    5: _SeedLead(
        "Reach",
        "NC",
        "john",
        "2016-02-24T17:30:12",
        _MONTH1,
        source=(enums.LeadSourceType.ADVERTISEMENT, "5"),
        extra={"assigned_unit": "U"},
    ),
    19: _SeedLead(
        "Interest",
        "SP",
        "marios",
        "2015-02-13T09:52:09",
        _MONTHS3,
        source=(enums.LeadSourceType.RECOMMENDEDBYEMPLOYEE, "MPAdministrator"),
        extra={"contact_email": "photos.panayi@crm.com", "assigned_user": "Smanager"},
        users=("x_poulli",),
        services=(
            ("product_type", "product type SP"),
            ("product", "LDS"),
            ("product", "LDI"),
            ("product", "C-AAC"),
        ),
        physical_goods=(
            ("product_type", "product type MO"),
            ("product_type", "product type MODEM"),
            ("product", "MA"),
        ),
    ),
    36: _SeedLead(
        "Reach",
        "SP",
        "pending",
        "2015-02-16T12:14:52",
        _MONTHS3,
        source=(enums.LeadSourceType.RECOMMENDEDBYCONTACT, "marios"),
        account=False,
    ),
    40: _SeedLead("Reach", "NC", "kokos", "2016-11-01T13:14:39", _MONTH1),
    41: _SeedLead("Learn", "NC", "kokos", "2016-11-01T14:57:21", _MONTH1),
    44: _SeedLead(
        "Learn",
        "NC",
        "kokos",
        "2016-11-02T09:55:51",
        _MONTH1,
        priority=1,
        extra={"contact_email": "kokos@crm.com"},
    ),
    48: _SeedLead(
        "Won", "NC", "kokos", "2016-11-01T13:14:39", _MONTH1, completed="2016-11-01T13:17:00"
    ),
    33: _SeedLead(
        "Lost",
        "NC",
        "loukia",
        "2016-08-04T12:51:48",
        _MONTH1,
        source=(enums.LeadSourceType.ADVERTISEMENT, "Radio"),
        completed="2016-08-04T13:06:27",
    ),
    4: _SeedLead(
        "Cancelled",
        "NC",
        "joe",
        "2016-02-24T17:19:11",
        _MONTH1,
        source=(enums.LeadSourceType.ADVERTISEMENT, "Radio"),
        completed="2016-11-01T12:43:13",
    ),
    45: _SeedLead(
        "Won",
        "SP",
        "marios",
        "2015-02-17T12:21:18",
        _MONTHS3,
        source=_NOTIFIED,
        completed="2015-02-17T12:26:35",
    ),
    56: _SeedLead("Interest", "SP", "marios", "2015-02-17T16:52:50", _MONTHS3, source=_NOTIFIED),
    58: _SeedLead("Interest", "SP", "marios", "2015-02-17T17:00:08", _MONTHS3, source=_NOTIFIED),
    67: _SeedLead(
        "Reach",
        "SP",
        "marios",
        "2015-03-11T11:16:28",
        (10, enums.TimeUnit.DAYS),
        source=_NOTIFIED,
        priority=1,
    ),
    68: _SeedLead("Reach", "SP", "marios", "2015-03-11T13:06:10", _MONTHS3, source=_NOTIFIED),
    69: _SeedLead(
        "Reach",
        "SP",
        "filippos",
        "2015-02-20T17:28:30",
        (3, enums.TimeUnit.WEEKS),
        source=(enums.LeadSourceType.COMMUNICATIONS, "204"),
        account=False,
        extra={
            "contact_email": "webapi2@test.com",
            "owned_by_group": "CSR",
            "assigned_user": "MPAdministrator",
            "probability_to_win": 58,
            "udf_string_5": "udf_string_5",
        },
        competitors=("Competitor 4", "Competitor 1"),
        users=("mariosmtest", "salesagent"),
        services=(("product", "SOFA"), ("product", "AOA")),
    ),
    **{
        number: _SeedLead(
            "Interest", "SP", "marios", f"2015-02-{12 + index // 4:02d}T15:10:44", _MONTHS3
        )
        for index, number in enumerate((11, 12, 13, 14, 24, 27, 28, 29, 30, 31, 32))
    },
}


# Seed leads whose numbers fall among the generated ones: each takes its number's place.
# Lead 127 is the newer update page's: a PENDING New Customer lead of Kokos Panagi whose
# products set holds what that update removes, owned by CSR Group as the lead it replaces.
_SEED_LEADS_AMONG_GENERATED: dict[int, _SeedLead] = {
    127: _SeedLead(
        "Reach",
        "NC",
        "kokos",
        "2016-11-09T10:08:07",
        _MONTH1,
        extra={"owned_by_group": "CSR"},
        products=(
            ("product", "MAD MAX"),
            ("product_type", "product type AO"),
            ("product_brand", "API's Check Update"),
            ("product_family", "Dry Stock"),
        ),
    ),
}


def _source(catalog: Catalog, kind: enums.LeadSourceType, payload: str | None) -> SourceChoice:
    if kind in _SOURCE_RECORDS:
        return SourceChoice(kind, ref=Ref("id", catalog[payload or ""].id))
    return SourceChoice(kind, name=payload)


_SOURCE_RECORDS = frozenset(
    {
        enums.LeadSourceType.COMMUNICATIONS,
        enums.LeadSourceType.NOTIFICATIONS,
        enums.LeadSourceType.RECOMMENDEDBYEMPLOYEE,
        enums.LeadSourceType.RECOMMENDEDBYCONTACT,
    }
)
_REFERENCES = frozenset({"assigned_user", "assigned_unit", "owned_by_group", "lead_owner"})


def _by_id(catalog: Catalog, key: str) -> Ref:
    return Ref("id", catalog[key].id)


def _set_adds(catalog: Catalog, keys: tuple[str, ...]) -> list[SetChange[Ref]]:
    return [SetChange("add", _by_id(catalog, key)) for key in keys]


def _product_adds(
    catalog: Catalog, items: tuple[tuple[ProductLevel, str], ...]
) -> list[SetChange[ProductItemRef]]:
    return [SetChange("add", ProductItemRef(level, _by_id(catalog, key))) for level, key in items]


@dataclass(frozen=True)
class _Story:
    """How a demo lead came to be: created at `start` (in `open_status`, or its type's default
    when None), then at `completed` won (billed to its account), lost (to competitors) or
    cancelled, as `state` says."""

    open_status: str | None
    start: datetime
    state: LifeCycleState
    completed: datetime | None


def _story(
    catalog: Catalog,
    lead_type: models.LeadType,
    status: models.LeadStatus,
    start: datetime,
    completed: datetime | None,
) -> _Story:
    """The story of a lead that is now in `status`: an IN_PROGRESS one is created in it, a WON
    one in its type's start status, the others in their type's default."""
    state = status.life_cycle_state
    open_status = None
    if state is LifeCycleState.IN_PROGRESS:
        open_status = status.name
    elif state is LifeCycleState.WON:
        start_status: models.LeadStatus = catalog.by_id(lead_type.start_status_id)
        open_status = start_status.name
    return _Story(open_status, start, state, completed)


async def _tell(
    session: AsyncSession,
    catalog: Catalog,
    actor: Actor,
    changes: LeadChanges,
    story: _Story,
) -> None:
    """Create a lead and take it through the action its story ends with."""
    if story.open_status is not None:
        changes = replace(changes, status=Ref("name", story.open_status))
    lead = await service.create_lead(session, changes, actor, story.start)
    if story.completed is None:
        return
    action = LeadAction(Ref("id", lead.id), actor, story.completed)
    if story.state is LifeCycleState.WON:
        await service.win_lead(session, action)
    elif story.state is LifeCycleState.LOST:
        await service.lose_lead(session, action, _by_id(catalog, "Competitors"))
    else:
        await service.cancel_lead(session, action)


async def _seed_lead(
    session: AsyncSession, catalog: Catalog, actor: Actor, spec: _SeedLead
) -> None:
    lead_type: models.LeadType = catalog[f"type {spec.type}"]
    contact: models.Contact = catalog[spec.contact]
    status: models.LeadStatus = catalog[spec.state]
    value, unit = spec.estimated
    extra: dict[str, Any] = {
        name: _by_id(catalog, item) if name in _REFERENCES else item
        for name, item in spec.extra.items()
        if not name.startswith("udf_")
    }
    if lead_type.email_on_create:
        extra.setdefault("contact_email", _email(contact))
    changes = LeadChanges(
        contact=ContactChoice(existing=Ref("id", contact.id)),
        type=Ref("id", lead_type.id),
        source=_source(catalog, *spec.source),
        importance=enums.Importance.IMPORTANCE1,
        priority=spec.priority,
        start_date=at(spec.start),
        estimated_completion_time=PeriodInput(value, unit),
        accounts_receivable=(
            AccountsReceivableChoice(existing=_by_id(catalog, f"account {spec.contact}"))
            if spec.account
            else None
        ),
        competitors=_set_adds(catalog, spec.competitors),
        users=_set_adds(catalog, spec.users),
        services=_product_adds(catalog, spec.services),
        physical_goods=_product_adds(catalog, spec.physical_goods),
        products=_product_adds(catalog, spec.products),
        udf={name: item for name, item in spec.extra.items() if name.startswith("udf_")},
        **extra,
    )
    completed = None if spec.completed is None else at(spec.completed)
    story = _story(catalog, lead_type, status, at(spec.start), completed)
    await _tell(session, catalog, actor, changes, story)


def _email(contact: models.Contact) -> str:
    return contact.email or f"{contact.first_name}.{contact.last_name}@example.com".lower()


_FIRST_NAMES = ("Maria", "Andreas", "Eleni", "Nikos", "Sofia", "Giorgos", "Anna", "Christos")
_LAST_NAMES = ("Christou", "Ioannou", "Georgiou", "Charalambous", "Demetriou", "Savva")
_GENERATED_SOURCES = (
    (enums.LeadSourceType.WEBSITE, "www.crm.com"),
    (enums.LeadSourceType.ADVERTISEMENT, "Newspaper"),
    (enums.LeadSourceType.COMMUNICATIONS, "204"),
    (enums.LeadSourceType.NOTIFICATIONS, "N2"),
    (enums.LeadSourceType.RECOMMENDEDBYEMPLOYEE, "mariosmtest"),
    (enums.LeadSourceType.RECOMMENDEDBYCONTACT, "kokos"),
    (enums.LeadSourceType.CUSTOM1, "Trade fair"),
    (enums.LeadSourceType.CUSTOM2, "test"),
)
_STATUS_NAMES = ("Reach", "Interest", "Learn", "Won", "Lost", "Cancelled")


async def _generated_leads(
    session: AsyncSession, catalog: Catalog, actor: Actor, now: datetime
) -> None:
    """Leads around `now`: overdue, due within days, due later, and completed ones."""
    chance = random.Random(2016)
    contacts = []
    for index in range(24):
        first, last = _FIRST_NAMES[index % 8], _LAST_NAMES[index % 6]
        contact = models.Contact(
            type=enums.ContactType.PERSON,
            first_name=first,
            last_name=last,
            id_number=f"9{index:05d}",
            email=f"{first}.{last}@example.com".lower(),
        )
        session.add(contact)
        await session.flush()
        account = None
        if index % 3 == 0:
            contact.life_cycle_state = enums.ContactLifeCycleState.FINANCIAL
            account = models.AccountsReceivable(
                number=f"ACR{900 + index:010d}", name=f"{first} {last}", owner_id=contact.id
            )
            session.add(account)
            await session.flush()
        contacts.append((contact, account))
    for index in range(GENERATED_LEADS):
        status: models.LeadStatus = catalog[_STATUS_NAMES[index % len(_STATUS_NAMES)]]
        contact, account = contacts[index % len(contacts)]
        kind, payload = _GENERATED_SOURCES[index % len(_GENERATED_SOURCES)]
        start = now - timedelta(days=chance.randint(1, 400), minutes=chance.randint(0, 1440))
        if index % 4 == 0:
            expected = now + timedelta(days=chance.randint(1, 5), hours=chance.randint(0, 12))
        else:
            expected = start + timedelta(days=chance.randint(7, 500))
        if expected <= start:
            expected = start + timedelta(days=30)
        state = status.life_cycle_state
        completed = None
        if state in enums.COMPLETED_STATES:
            completed = min(now, start + timedelta(days=chance.randint(1, 60)))
        if state is LifeCycleState.WON and account is None:
            status, state, completed = catalog["Interest"], LifeCycleState.IN_PROGRESS, None
        seed = _SEED_LEADS_AMONG_GENERATED.get(FIRST_GENERATED_NUMBER + index)
        if seed is not None:  # after the draws above, so the leads after it stay the same
            await _seed_lead(session, catalog, actor, seed)
            continue
        lead_type: models.LeadType = catalog[f"type {'SP' if index % 2 else 'NC'}"]
        changes = LeadChanges(
            contact=ContactChoice(existing=Ref("id", contact.id)),
            type=Ref("id", lead_type.id),
            source=_source(catalog, kind, payload),
            importance=list(enums.Importance)[index % len(enums.Importance)],
            priority=1 + index % 6,
            probability_to_win=chance.randint(0, 100),
            contact_email=contact.email,
            start_date=start,
            expected_completion_date=expected,
            accounts_receivable=(
                None
                if account is None
                else AccountsReceivableChoice(existing=Ref("id", account.id))
            ),
            competitors=(
                _set_adds(catalog, (f"Competitor {1 + index % 2}",)) if index % 5 == 0 else []
            ),
            **_reach(catalog, index),
        )
        story = _story(catalog, lead_type, status, start, completed)
        await _tell(session, catalog, actor, changes, story)


def _reach(catalog: Catalog, index: int) -> dict[str, Any]:
    """Who a generated lead reaches beyond its group: every other lead belongs to CSR Group;
    some of those are assigned to `sales.main` or to Main Unit, and some Main Group leads have
    `sales.csr` in their users set or as lead owner."""
    if index % 2:
        fields: dict[str, Any] = {"owned_by_group": _by_id(catalog, "CSR")}
        if index % 7 == 1:
            fields["assigned_user"] = _by_id(catalog, "sales.main")
        elif index % 11 == 1:
            fields["assigned_unit"] = _by_id(catalog, "U")
        return fields
    fields = {"owned_by_group": _by_id(catalog, "MG")}
    if index % 13 == 0:
        fields["users"] = _set_adds(catalog, ("sales.csr",))
    elif index % 17 == 2:
        fields["lead_owner"] = _by_id(catalog, "sales.csr")
    return fields


async def load_leads(session: AsyncSession, catalog: Catalog, actor: Actor, now: datetime) -> None:
    """The seed leads at their own numbers, then the generated ones from 100 on."""
    for number in sorted(_SEED_LEADS):
        await advance_past(session, NumberSeries.LEAD, number - 1)
        await _seed_lead(session, catalog, actor, _SEED_LEADS[number])
    await advance_past(session, NumberSeries.LEAD, FIRST_GENERATED_NUMBER - 1)
    await _generated_leads(session, catalog, actor, now)
