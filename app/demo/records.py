"""The demo catalog: the organisation (groups, units, users and their roles), the lead
catalog (types, statuses, categories, lost reasons, competitors), products, and contacts with
their accounts receivable, as the seeds' examples name them. Written as rows: none of it is a
lead.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.domain import enums, models
from app.domain.enums import Role


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@dataclass
class Catalog:
    """The records created so far, by a short name, for wiring leads to them."""

    rows: dict[str, models.Entity] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Any:
        return self.rows[key]

    def add(self, session: AsyncSession, key: str, row: models.Entity) -> Any:
        self.rows[key] = row
        session.add(row)
        return row

    def by_id(self, record_id: str) -> Any:
        return next(row for row in self.rows.values() if row.id == record_id)


_USERS = (
    ("MPAdministrator", "1", "CRM COM", "mp@ministrator.com", Role.ADMINISTRATOR, "adminunit"),
    ("mariosmtest", None, "Marios Test", None, Role.SALES, "adminunit"),
    (
        "Smanager",
        "DCA93D75753E5CC5AD1E69556368E616",
        "Smanager",
        None,
        Role.ADMINISTRATOR,
        "adminunit",
    ),
    ("x_poulli", "D0B5657F42ED3331694BAE21DF971807", "x_poulli", "s@s.s2", Role.SALES, "adminunit"),
    (
        "salesagent",
        "018CA08BC267612F6206D85011FFC5D1",
        "Sales Agent",
        None,
        Role.SALES,
        "adminunit",
    ),
    ("sales.main", None, "Sales of Main Group", None, Role.SALES, "U"),
    ("sales.csr", None, "Sales of CSR Group", None, Role.SALES, "CSRU"),
    ("viewer.main", None, "Viewer of Main Group", None, Role.READ_ONLY, "U"),
)


async def _organisation(session: AsyncSession, catalog: Catalog, password_hash: str) -> None:
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
    catalog.add(
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
    catalog.add(
        session,
        "CSRU",
        models.Unit(
            name="CSR Unit",
            alternative_code="CSRU",
            description="customer service unit",
            group_id=catalog["CSR"].id,
        ),
    )
    await session.flush()
    for username, user_id, person_name, email, role, unit in _USERS:
        user = models.User(
            username=username,
            person_name=person_name,
            email=email,
            password_hash=password_hash,
            unit_id=catalog[unit].id,
            role=role,
        )
        if user_id is not None:
            user.id = user_id
        catalog.add(session, username, user)
    catalog.add(session, "public", models.PrivacyLevel(name="Public", alternative_code="PUB"))


async def _lead_catalog(session: AsyncSession, catalog: Catalog) -> None:
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
    # The competitor the newer update example adds, as its response shows it (no website).
    catalog.add(
        session,
        "MagnaQuest",
        models.Competitor(id="640A12797E964BFC99F8AF0EA538EEEA", name="MagnaQuest"),
    )


async def _products(session: AsyncSession, catalog: Catalog) -> None:
    services, goods = (
        enums.ProductClassification.SERVICES,
        enums.ProductClassification.PHYSICALGOODS,
    )
    product_types = (
        ("SP", "Subscription Packages", services, "BC954969D3172372D498D3BB2BA590A0"),
        ("AS", "Additional Services", services, "C8321F0BCA8A4051857BC35CEEE41555"),
        ("MO", "Monitors", goods, "A1508BD642EC10858A54266C6945A8C2"),
        ("MODEM", "Modem", goods, "249F5EA21B317E4B7BB6F696E7496F03"),
        ("STB", "SET TOP BOX", goods, "E8BA9A6F34A24019A89892D5B3ACD9DF"),
        ("AO", "Add-ons", services, None),
    )
    for code, name, classification, type_id in product_types:
        product_type = models.ProductType(
            name=name,
            alternative_code=code,
            classification=classification,
            service_type="TERMED" if classification is services else None,
            physical_good_type="TRACEABLE" if classification is goods else None,
            used_for_provisioning=code != "MO",
            composition_method="FLAT",
        )
        if type_id is not None:
            product_type.id = type_id
        catalog.add(session, f"product type {code}", product_type)
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
    await _products_of_the_newer_update(session, catalog)


async def _products_of_the_newer_update(session: AsyncSession, catalog: Catalog) -> None:
    """What the newer update example adds to and removes from a products set besides the
    types above: the set top box product 123 as its response shows it, and the product MAD MAX
    and the brand API's Check Update that it removes."""
    catalog.add(session, "API's Check Update", models.ProductBrand(name="API's Check Update"))
    await session.flush()
    catalog.add(
        session,
        "1_13",
        models.Product(
            id="99E46901A95B4E31A60BBE67280F2522",
            code="123",
            alternative_code="1_13",
            description="desc",
            product_type_id=catalog["product type STB"].id,
        ),
    )
    catalog.add(
        session,
        "MAD MAX",
        models.Product(
            code="MAD MAX", description="MAD MAX", product_type_id=catalog["product type AO"].id
        ),
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


async def _contacts(session: AsyncSession, catalog: Catalog) -> None:
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


async def load_catalog(session: AsyncSession, password_hash: str) -> Catalog:
    """Every record of the demo catalog, by a short name for wiring leads to them."""
    catalog = Catalog()
    await _organisation(session, catalog, password_hash)
    await _lead_catalog(session, catalog)
    await _products(session, catalog)
    await _contacts(session, catalog)
    await session.flush()
    return catalog
