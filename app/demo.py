"""Demo data: the records the seeds' examples name, so that each example replays as a GraphQL
operation, and about 200 generated leads over every state, type, source and date range.

Loaded only into a database without leads, so running it twice changes nothing. Every demo
user's password is `demo`.
"""

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.domain import enums, models
from app.domain.auth import hash_password
from app.domain.numbering import NumberSeries, advance_past
from app.domain.periods import add_period, period_between

DEMO_PASSWORD = "demo"
GENERATED_LEADS = 200
FIRST_GENERATED_NUMBER = 100


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@dataclass
class _Catalog:
    """The records created so far, by a short name, for wiring leads to them."""

    rows: dict[str, models.Entity] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Any:
        return self.rows[key]

    def add(self, session: AsyncSession, key: str, row: models.Entity) -> Any:
        self.rows[key] = row
        session.add(row)
        return row


async def has_leads(session: AsyncSession) -> bool:
    """Whether any lead exists (then the demo data is not loaded)."""
    return bool(await session.scalar(select(func.count()).select_from(models.Lead)))


async def load_demo_data(session: AsyncSession, now: datetime) -> bool:
    """Load the demo data into a database without leads; whether anything was loaded."""
    if await has_leads(session):
        return False
    catalog = _Catalog()
    password_hash = hash_password(DEMO_PASSWORD)
    await _organisation(session, catalog, password_hash)
    await _lead_catalog(session, catalog)
    await _products(session, catalog)
    await _contacts(session, catalog)
    await session.flush()
    for number, spec in _SEED_LEADS.items():
        await _seed_lead(session, catalog, number, spec)
    await session.flush()
    highest = await _generated_leads(session, catalog, now)
    await session.flush()
    await advance_past(session, NumberSeries.LEAD, highest)
    await advance_past(session, NumberSeries.ACCOUNTS_RECEIVABLE, 1000)
    return True


async def _organisation(session: AsyncSession, catalog: _Catalog, password_hash: str) -> None:
    main = catalog.add(
        session,
        "MG",
        models.Group(name="Main Group", alternative_code="MG", description="Main Group"),
    )
    catalog.add(
        session,
        "CSR",
        models.Group(name="CSR Group", alternative_code="CSR", description="Customer service"),
    )
    await session.flush()
    admin_unit = catalog.add(
        session,
        "adminunit",
        models.Unit(
            name="Admin Unit",
            alternative_code="adminunit",
            description="admin unit",
            group_id=main.id,
        ),
    )
    catalog.add(
        session,
        "U",
        models.Unit(
            name="Main Unit", alternative_code="U", description="main unit", group_id=main.id
        ),
    )
    await session.flush()
    users = (
        ("MPAdministrator", "1", "CRM COM", "mp@ministrator.com"),
        ("mariosmtest", None, "Marios Test", None),
        ("Smanager", "DCA93D75753E5CC5AD1E69556368E616", "Smanager", None),
        ("x_poulli", "D0B5657F42ED3331694BAE21DF971807", "x_poulli", "s@s.s2"),
        ("salesagent", "018CA08BC267612F6206D85011FFC5D1", "Sales Agent", None),
    )
    for username, user_id, person_name, email in users:
        user = models.User(
            username=username,
            person_name=person_name,
            email=email,
            password_hash=password_hash,
            unit_id=admin_unit.id,
        )
        if user_id is not None:
            user.id = user_id
        catalog.add(session, username, user)
    catalog.add(session, "public", models.PrivacyLevel(name="Public", alternative_code="PUB"))


async def _lead_catalog(session: AsyncSession, catalog: _Catalog) -> None:
    statuses = (
        ("Reach", "R", enums.LifeCycleState.PENDING, None),
        ("Interest", "I", enums.LifeCycleState.IN_PROGRESS, "B738753EE56D01FC6CD964D14FBBCC7A"),
        ("Learn", "LRN", enums.LifeCycleState.IN_PROGRESS, None),
        ("Won", "WN", enums.LifeCycleState.WON, None),
        ("Lost", "LT", enums.LifeCycleState.LOST, "0409F011C88E479EBA7DDA61FB6BB89E"),
        ("Cancelled", "C", enums.LifeCycleState.CANCELLED, None),
    )
    for name, code, state, status_id in statuses:
        status = models.LeadStatus(name=name, alternative_code=code, life_cycle_state=state)
        if status_id is not None:
            status.id = status_id
        catalog.add(session, name, status)
    categories = (
        ("SP", "Software Purchase", "C60F332D0B4CB8DD22A0159413951434"),
        ("NC", "New Customer", "35EB799C52F14A8984FE2F397A852A78"),
    )
    for code, name, category_id in categories:
        catalog.add(
            session, f"category {code}", models.LeadCategory(id=category_id, name=name, code=code)
        )
    await session.flush()
    types = (
        ("SP", "Software Purchase", "F60FFE7AAD3F5B9B6E66A42266FA37C4", "Interest", True),
        ("NC", "New Customer", "696C0E5F273B4D548F875F63F9DE77C2", "Learn", False),
    )
    for code, name, type_id, start_status, email_on_create in types:
        catalog.add(
            session,
            f"type {code}",
            models.LeadType(
                id=type_id,
                name=name,
                alternative_code=code,
                default_category_id=catalog[f"category {code}"].id,
                create_status_id=catalog["Reach"].id,
                start_status_id=catalog[start_status].id,
                win_status_id=catalog["Won"].id,
                lose_status_id=catalog["Lost"].id,
                cancel_status_id=catalog["Cancelled"].id,
                email_on_create=email_on_create,
            ),
        )
    catalog.add(
        session,
        "Competitors",
        models.LostReason(
            id="D4CB03A3D05A457AAC0854FFFAB0D20E", name="Competitors", alternative_code="C"
        ),
    )
    catalog.add(session, "Price", models.LostReason(name="Price", alternative_code="P"))
    competitors = (
        ("Competitor 1", "C671ED66046243565DE5B6B4A1AB5835"),
        ("Competitor 2", "F868B1EFFFB42A5232186348362A5C91"),
        ("Competitor 4", "4DC59EB406F3C3DFDFAD46AF213BFC97"),
    )
    for name, competitor_id in competitors:
        website = f"www.{name.lower().replace(' ', '')}.com"
        catalog.add(session, name, models.Competitor(id=competitor_id, name=name, website=website))


async def _products(session: AsyncSession, catalog: _Catalog) -> None:
    services, goods = (
        enums.ProductClassification.SERVICES,
        enums.ProductClassification.PHYSICALGOODS,
    )
    product_types = (
        ("SP", "Subscription Packages", services, "BC954969D3172372D498D3BB2BA590A0"),
        ("AS", "Additional Services", services, "C8321F0BCA8A4051857BC35CEEE41555"),
        ("MO", "Monitors", goods, "A1508BD642EC10858A54266C6945A8C2"),
        ("MODEM", "Modem", goods, "249F5EA21B317E4B7BB6F696E7496F03"),
    )
    for code, name, classification, type_id in product_types:
        catalog.add(
            session,
            f"product type {code}",
            models.ProductType(
                id=type_id,
                name=name,
                alternative_code=code,
                classification=classification,
                service_type="TERMED" if classification is services else None,
                physical_good_type="TRACEABLE" if classification is goods else None,
                used_for_provisioning=code != "MO",
                composition_method="FLAT",
            ),
        )
    channels = catalog.add(session, "Channels", models.ProductFamily(name="Channels", code="CH"))
    catalog.add(session, "Dry Stock", models.ProductFamily(name="Dry Stock", code="DS"))
    catalog.add(session, "Corso Shoes", models.ProductBrand(name="Corso Shoes"))
    await session.flush()
    products = (
        ("LDS", "Local + Documentaries + Sport", "SP", "3FACF409E7E091F96C52318BAD1AEF1C"),
        ("LDI", "Local + Documentaries + Int.", "SP", "EFE959954792C2CA46A9147311DE6C94"),
        ("C-AAC", "Combo - All available channels", "SP", "9A345FDBF378829368733CCB7472E301"),
        ("SOFA", "Sports On Full Access", "AS", None),
        ("AOA", "Adult- Only for Additional", "AS", None),
        ("MA", "Modem A+", "MODEM", "6F55D5C056F35939CC503AD7ACFB9CD5"),
    )
    for alternative_code, code, type_code, product_id in products:
        product = models.Product(
            code=code,
            alternative_code=alternative_code,
            description=code,
            product_type_id=catalog[f"product type {type_code}"].id,
            product_family_id=channels.id if type_code == "SP" else None,
        )
        if product_id is not None:
            product.id = product_id
        catalog.add(session, alternative_code, product)
    catalog.add(
        session,
        "Simple Package",
        models.SubscriptionPackage(name="Simple Package", alternative_code="SP"),
    )


_CONTACTS = (
    # key, first, last, id number, account number, account name
    ("kokos", "Kokos", "Panagi", "21312312", "ACR0000000201", "ACR0000000201 Kokos Panagi"),
    ("marios", "Marios", "Lannister", "593664", "4", "mar"),
    ("john", "John", "Ioannou", "774411", "ACR0000000011", "ACR0000000011 John Ioannou"),
    (
        "loukia",
        "Loukia",
        "Papapavlou",
        "665544",
        "ACR0000000026",
        "ACR0000000026 Loukia Papapavlou",
    ),
    ("joe", "Joe", "Doe", "889900", "ACR0000000014", "ACR0000000014 Joe Doe"),
    ("messi", "Lionel", "Messi", "101010", None, None),
    ("pending", "Andreas", "Georgiou", "112233", None, None),
    ("filippos", "Filippos", "Constantinou", "121212", None, None),
)


async def _contacts(session: AsyncSession, catalog: _Catalog) -> None:
    for key, first, last, id_number, account_number, account_name in _CONTACTS:
        contact = catalog.add(
            session,
            key,
            models.Contact(
                type=enums.ContactType.PERSON,
                first_name=first,
                last_name=last,
                id_number=id_number,
                gender=enums.Gender.MALE if key != "loukia" else enums.Gender.FEMALE,
                life_cycle_state=(
                    enums.ContactLifeCycleState.FINANCIAL
                    if account_number
                    else enums.ContactLifeCycleState.MARKETING
                ),
            ),
        )
        await session.flush()
        if account_number is not None:
            catalog.add(
                session,
                f"account {key}",
                models.AccountsReceivable(
                    number=account_number, name=account_name or "", owner_id=contact.id
                ),
            )
    catalog["marios"].title = "Mr"
    catalog.add(
        session,
        "204",
        models.Communication(
            id="0316F16B0700688BCF97CCC9661F4141",
            number="204",
            life_cycle_state="DRAFT",
            subject="Offer",
            contact_id=catalog["messi"].id,
        ),
    )
    for number in ("N1", "N2", "N3", "N4", "N5"):
        catalog.add(
            session,
            number,
            models.Notification(number=number, subject="Campaign", contact_id=catalog["marios"].id),
        )


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
    services: tuple[tuple[str, str], ...] = ()
    physical_goods: tuple[tuple[str, str], ...] = ()


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

_SOURCE_COLUMNS = {
    enums.LeadSourceType.COMMUNICATIONS: "source_communication_id",
    enums.LeadSourceType.NOTIFICATIONS: "source_notification_id",
    enums.LeadSourceType.RECOMMENDEDBYEMPLOYEE: "source_user_id",
    enums.LeadSourceType.RECOMMENDEDBYCONTACT: "source_contact_id",
}
_REFERENCE_COLUMNS = {
    "assigned_user": "assigned_user_id",
    "assigned_unit": "assigned_unit_id",
    "owned_by_group": "owned_by_group_id",
}


async def _seed_lead(
    session: AsyncSession, catalog: _Catalog, number: int, spec: _SeedLead
) -> None:
    status: models.LeadStatus = catalog[spec.state]
    start = _at(spec.start)
    value, unit = spec.estimated
    completed = None if spec.completed is None else _at(spec.completed)
    kind, payload = spec.source
    values: dict[str, Any] = {"source_type": kind}
    if kind in _SOURCE_COLUMNS:
        values[_SOURCE_COLUMNS[kind]] = catalog[payload or ""].id
    else:
        values["source_name"] = payload
    for name, value_or_key in spec.extra.items():
        if name in _REFERENCE_COLUMNS:
            values[_REFERENCE_COLUMNS[name]] = catalog[value_or_key].id
        else:
            values[name] = value_or_key
    lead = _lead(
        catalog,
        number,
        status,
        catalog[f"type {spec.type}"],
        catalog[spec.contact],
        start,
        add_period(start, value, unit),
        completed,
        account=catalog[f"account {spec.contact}"] if spec.account else None,
        importance=enums.Importance.IMPORTANCE1,
        priority=spec.priority,
        **values,
    )
    lead.estimated_value, lead.estimated_unit = float(value), unit
    session.add(lead)
    await session.flush()
    for name in spec.competitors:
        session.add(models.LeadCompetitor(lead_id=lead.id, competitor_id=catalog[name].id))
    for name in spec.users:
        session.add(models.LeadUser(lead_id=lead.id, user_id=catalog[name].id))
    for product_set, items in (
        (enums.ProductSet.SERVICES, spec.services),
        (enums.ProductSet.PHYSICAL_GOODS, spec.physical_goods),
    ):
        for level, key in items:
            session.add(
                models.LeadProduct(
                    lead_id=lead.id, product_set=product_set, **{f"{level}_id": catalog[key].id}
                )
            )


def _lead(
    catalog: _Catalog,
    number: int,
    status: models.LeadStatus,
    lead_type: models.LeadType,
    contact: models.Contact,
    start: datetime,
    expected: datetime,
    completed: datetime | None,
    account: models.AccountsReceivable | None,
    **values: Any,
) -> models.Lead:
    administrator, unit = catalog["MPAdministrator"], catalog["adminunit"]
    period = period_between(start, expected)
    if status.life_cycle_state is enums.LifeCycleState.LOST:
        values.setdefault("lost_reason_id", catalog["Competitors"].id)
    return models.Lead(
        number=number,
        life_cycle_state=status.life_cycle_state,
        status_id=status.id,
        type_id=lead_type.id,
        category_id=lead_type.default_category_id,
        contact_id=contact.id,
        accounts_receivable_id=None if account is None else account.id,
        start_date=start,
        expected_completion_date=expected,
        estimated_value=period.value,
        estimated_unit=period.unit,
        actual_completion_date=completed,
        created_at=start,
        updated_at=completed or start,
        created_by_user_id=administrator.id,
        created_by_unit_id=unit.id,
        updated_by_user_id=administrator.id,
        updated_by_unit_id=unit.id,
        owned_by_group_id=values.pop("owned_by_group_id", catalog["MG"].id),
        **values,
    )


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


async def _generated_leads(session: AsyncSession, catalog: _Catalog, now: datetime) -> int:
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
    number = FIRST_GENERATED_NUMBER
    for index in range(GENERATED_LEADS):
        number = FIRST_GENERATED_NUMBER + index
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
        if state in {
            enums.LifeCycleState.WON,
            enums.LifeCycleState.LOST,
            enums.LifeCycleState.CANCELLED,
        }:
            completed = min(now, start + timedelta(days=chance.randint(1, 60)))
        if state is enums.LifeCycleState.WON and account is None:
            status = catalog["Interest"]
            completed = None
        values: dict[str, Any] = {"source_type": kind}
        if kind in _SOURCE_COLUMNS:
            values[_SOURCE_COLUMNS[kind]] = catalog[payload].id
        else:
            values["source_name"] = payload
        lead = _lead(
            catalog,
            number,
            status,
            catalog[f"type {'SP' if index % 2 else 'NC'}"],
            contact,
            start,
            expected,
            completed,
            account,
            importance=list(enums.Importance)[index % len(enums.Importance)],
            priority=1 + index % 6,
            probability_to_win=chance.randint(0, 100),
            contact_email=contact.email,
            **values,
        )
        session.add(lead)
        await session.flush()
        if index % 5 == 0:
            session.add(
                models.LeadCompetitor(
                    lead_id=lead.id, competitor_id=catalog[f"Competitor {1 + index % 2}"].id
                )
            )
    return number
