"""The lead as GraphQL shows it, with everything around it loaded in batches."""

from datetime import datetime
from decimal import Decimal
from typing import Annotated

import strawberry

from app.domain import models
from app.domain.enums import (
    CustomSourceKind,
    Importance,
    LeadSourceType,
    LifeCycleState,
    ProductSet,
    TimeUnit,
)
from app.domain.errors import DomainError
from app.domain.leads.queries import LeadPage, encode_cursor
from app.domain.periods import TimePeriod as DomainTimePeriod
from app.domain.periods import lead_time_overdue, lead_time_to_completion
from app.graphql import catalog
from app.graphql.contacts import (
    AccountsReceivable,
    Communication,
    ContactInformation,
    Notification,
)
from app.graphql.context import Info
from app.graphql.errors import query_error
from app.graphql.leads.history import LeadChangeConnection
from app.graphql.paging import Connection, connection_fields
from app.graphql.records import described, from_row, load_one, resolved

SOURCE_TYPE = "The kind of source."


@strawberry.type(description="A span of time in one unit.")
class TimePeriod:
    value: float = described("How many units.")
    unit: TimeUnit = described("The unit.")

    @classmethod
    def of(cls, period: DomainTimePeriod | None) -> "TimePeriod | None":
        """The API's form of a domain period."""
        return None if period is None else cls(value=period.value, unit=period.unit)


@strawberry.type(description="A lead that came from a website.")
class WebsiteSource:
    type: LeadSourceType = described(SOURCE_TYPE)
    name: str | None = described("The website.")


@strawberry.type(description="A lead that came from an advertisement.")
class AdvertisementSource:
    type: LeadSourceType = described(SOURCE_TYPE)
    name: str | None = described("The advertisement.")


@strawberry.type(description="A lead of a custom kind of source.")
class CustomSource:
    type: LeadSourceType = described(SOURCE_TYPE)
    kind: CustomSourceKind = described("Which custom kind.")
    name: str | None = described("The source's name.")


@strawberry.type(description="A lead that came from a communication with the contact.")
class CommunicationSource:
    type: LeadSourceType = described(SOURCE_TYPE)
    row: strawberry.Private[models.Lead]

    @resolved(description="The communication.")
    async def communication(self, info: Info) -> Communication | None:
        return await load_one(
            Communication, info.context.loaders.communication, self.row.source_communication_id
        )


@strawberry.type(description="A lead that came from a notification sent to the contact.")
class NotificationSource:
    type: LeadSourceType = described(SOURCE_TYPE)
    row: strawberry.Private[models.Lead]

    @resolved(description="The notification.")
    async def notification(self, info: Info) -> Notification | None:
        return await load_one(
            Notification, info.context.loaders.notification, self.row.source_notification_id
        )


@strawberry.type(description="A lead recommended by one of our users.")
class EmployeeRecommendation:
    type: LeadSourceType = described(SOURCE_TYPE)
    row: strawberry.Private[models.Lead]

    @resolved(description="The user who recommended it.")
    async def user(self, info: Info) -> catalog.User | None:
        return await load_one(catalog.User, info.context.loaders.user, self.row.source_user_id)


@strawberry.type(description="A lead recommended by another contact.")
class ContactRecommendation:
    type: LeadSourceType = described(SOURCE_TYPE)
    row: strawberry.Private[models.Lead]

    @resolved(description="The contact who recommended it.")
    async def contact(self, info: Info) -> ContactInformation | None:
        return await load_one(
            ContactInformation, info.context.loaders.contact, self.row.source_contact_id
        )


LeadSource = Annotated[
    WebsiteSource
    | AdvertisementSource
    | CommunicationSource
    | NotificationSource
    | EmployeeRecommendation
    | ContactRecommendation
    | CustomSource,
    strawberry.union("LeadSource", description="Where a lead came from, with its details."),
]


def lead_source(row: models.Lead) -> LeadSource:
    """The union member for a lead's source."""
    kind = row.source_type
    if kind is LeadSourceType.WEBSITE:
        return WebsiteSource(type=kind, name=row.source_name)
    if kind is LeadSourceType.ADVERTISEMENT:
        return AdvertisementSource(type=kind, name=row.source_name)
    if kind is LeadSourceType.COMMUNICATIONS:
        return CommunicationSource(type=kind, row=row)
    if kind is LeadSourceType.NOTIFICATIONS:
        return NotificationSource(type=kind, row=row)
    if kind is LeadSourceType.RECOMMENDEDBYEMPLOYEE:
        return EmployeeRecommendation(type=kind, row=row)
    if kind is LeadSourceType.RECOMMENDEDBYCONTACT:
        return ContactRecommendation(type=kind, row=row)
    return CustomSource(type=kind, kind=CustomSourceKind(kind), name=row.source_name)


@strawberry.type(description="Who a lead is assigned to.")
class AssignedTo:
    row: strawberry.Private[models.Lead]

    @resolved(description="The user working the lead.")
    async def user(self, info: Info) -> catalog.User | None:
        return await load_one(catalog.User, info.context.loaders.user, self.row.assigned_user_id)

    @resolved(description="The unit working the lead.")
    async def unit(self, info: Info) -> catalog.Unit | None:
        return await load_one(catalog.Unit, info.context.loaders.unit, self.row.assigned_unit_id)


@strawberry.type(description="Who created and last changed a lead, and when.")
class LogInformation:
    created_date: datetime = described("When the lead was created.")
    updated_date: datetime = described("When the lead was last changed.")
    row: strawberry.Private[models.Lead]

    @resolved(description="The user who created the lead.")
    async def created_by_user(self, info: Info) -> catalog.User | None:
        return await load_one(catalog.User, info.context.loaders.user, self.row.created_by_user_id)

    @resolved(description="The unit the creator acted for.")
    async def created_by_unit(self, info: Info) -> catalog.Unit | None:
        return await load_one(catalog.Unit, info.context.loaders.unit, self.row.created_by_unit_id)

    @resolved(description="The user who last changed the lead.")
    async def updated_by_user(self, info: Info) -> catalog.User | None:
        return await load_one(catalog.User, info.context.loaders.user, self.row.updated_by_user_id)

    @resolved(description="The unit the last changer acted for.")
    async def updated_by_unit(self, info: Info) -> catalog.Unit | None:
        return await load_one(catalog.Unit, info.context.loaders.unit, self.row.updated_by_unit_id)


@strawberry.type(description="A user in a lead's team.")
class UsersSetItem:
    id: strawberry.ID = described("The set item's identifier.")
    row: strawberry.Private[models.LeadUser]

    @resolved(description="The user.")
    async def user(self, info: Info) -> catalog.User | None:
        return await load_one(catalog.User, info.context.loaders.user, self.row.user_id)


@strawberry.type(description="A competitor chasing a lead.")
class CompetitorsSetItem:
    id: strawberry.ID = described("The set item's identifier.")
    row: strawberry.Private[models.LeadCompetitor]

    @resolved(description="The competitor.")
    async def competitor(self, info: Info) -> catalog.Competitor | None:
        return await load_one(
            catalog.Competitor, info.context.loaders.competitor, self.row.competitor_id
        )


@strawberry.type(
    description="An item of a product set: a product, or a whole type, family or brand of them."
)
class ProductsSetItem:
    id: strawberry.ID = described("The set item's identifier.")
    row: strawberry.Private[models.LeadProduct]

    @resolved(description="The product, when the item is one product.")
    async def product(self, info: Info) -> catalog.Product | None:
        return await load_one(catalog.Product, info.context.loaders.product, self.row.product_id)

    @resolved(description="The product type, when the item is a whole type.")
    async def product_type(self, info: Info) -> catalog.ProductType | None:
        return await load_one(
            catalog.ProductType, info.context.loaders.product_type, self.row.product_type_id
        )

    @resolved(description="The product family, when the item is a whole family.")
    async def product_family(self, info: Info) -> catalog.ProductFamily | None:
        return await load_one(
            catalog.ProductFamily, info.context.loaders.product_family, self.row.product_family_id
        )

    @resolved(description="The product brand, when the item is a whole brand.")
    async def product_brand(self, info: Info) -> catalog.ProductBrand | None:
        return await load_one(
            catalog.ProductBrand, info.context.loaders.product_brand, self.row.product_brand_id
        )


@strawberry.type(description="A sales opportunity with a contact.")
class Lead:
    id: strawberry.ID = described(catalog.ID)
    number: str = described("The lead's sequential number, for people.")
    version: int = described(
        "How many times the lead was written; pass it as `expectedVersion` to change the lead "
        "only if nobody else did meanwhile."
    )
    life_cycle_state: LifeCycleState = described("Where the lead stands; follows its status.")
    importance: Importance = described("How much the lead matters.")
    priority: int = described("The lead's priority, 1 to 6.")
    probability_to_win: int | None = described("The chance of winning, in percent.")
    target_amount: Decimal | None = described("The amount the sale aims at.")
    description: str | None = described("Free text about the lead.")
    contact_email: str | None = described("The email address to reach the contact about it.")
    contact_phone: str | None = described("The phone number to reach the contact about it.")
    start_date: datetime = described("When work on the lead started.")
    expected_completion_date: datetime = described("When the lead is expected to complete.")
    actual_completion_date: datetime | None = described("When the lead was won, lost or cancelled.")
    udf_string_1: str | None = described("User-defined text field 1.")
    udf_string_2: str | None = described("User-defined text field 2.")
    udf_string_3: str | None = described("User-defined text field 3.")
    udf_string_4: str | None = described("User-defined text field 4.")
    udf_string_5: str | None = described("User-defined text field 5.")
    udf_string_6: str | None = described("User-defined text field 6.")
    udf_string_7: str | None = described("User-defined text field 7.")
    udf_string_8: str | None = described("User-defined text field 8.")
    udf_float_1: float | None = described("User-defined number field 1.")
    udf_float_2: float | None = described("User-defined number field 2.")
    udf_float_3: float | None = described("User-defined number field 3.")
    udf_float_4: float | None = described("User-defined number field 4.")
    udf_date_1: datetime | None = described("User-defined date field 1.")
    udf_date_2: datetime | None = described("User-defined date field 2.")
    udf_date_3: datetime | None = described("User-defined date field 3.")
    udf_date_4: datetime | None = described("User-defined date field 4.")
    row: strawberry.Private[models.Lead]

    @classmethod
    def of(cls, row: models.Lead) -> "Lead":
        """The GraphQL lead for a row."""
        lead = from_row(cls, row)
        lead.number = str(row.number)
        return lead

    @resolved(description="The lead's status.")
    async def status(self, info: Info) -> catalog.LeadStatus | None:
        return await load_one(catalog.LeadStatus, info.context.loaders.status, self.row.status_id)

    @resolved(description="The lead's type.")
    async def type(self, info: Info) -> catalog.LeadType | None:
        return await load_one(catalog.LeadType, info.context.loaders.lead_type, self.row.type_id)

    @resolved(description="The lead's category.")
    async def category(self, info: Info) -> catalog.LeadCategory | None:
        return await load_one(
            catalog.LeadCategory, info.context.loaders.category, self.row.category_id
        )

    @resolved(description="The contact the lead is with.")
    async def contact_information(self, info: Info) -> ContactInformation:
        contact = await load_one(
            ContactInformation, info.context.loaders.contact, self.row.contact_id
        )
        assert contact is not None
        return contact

    @resolved(description="The accounts receivable the lead is billed to.")
    async def accounts_receivable(self, info: Info) -> AccountsReceivable | None:
        return await load_one(
            AccountsReceivable,
            info.context.loaders.accounts_receivable,
            self.row.accounts_receivable_id,
        )

    @resolved(description="Where the lead came from.")
    def lead_source(self) -> LeadSource:
        return lead_source(self.row)

    @resolved(description="Who the lead is assigned to.")
    def assigned_to(self) -> AssignedTo:
        return AssignedTo(row=self.row)

    @resolved(description="The group that owns the lead.")
    async def owned_by_group(self, info: Info) -> catalog.Group | None:
        return await load_one(catalog.Group, info.context.loaders.group, self.row.owned_by_group_id)

    @resolved(description="Who may see the lead.")
    async def privacy_level(self, info: Info) -> catalog.PrivacyLevel | None:
        return await load_one(
            catalog.PrivacyLevel, info.context.loaders.privacy_level, self.row.privacy_level_id
        )

    @resolved(description="The user who owns the lead.")
    async def lead_owner(self, info: Info) -> catalog.User | None:
        return await load_one(catalog.User, info.context.loaders.user, self.row.lead_owner_id)

    @resolved(description="The subscription package the lead is about.")
    async def subscription_package(self, info: Info) -> catalog.SubscriptionPackage | None:
        return await load_one(
            catalog.SubscriptionPackage,
            info.context.loaders.subscription_package,
            self.row.subscription_package_id,
        )

    @resolved(description="Why the lead was lost.")
    async def lost_reason(self, info: Info) -> catalog.LostReason | None:
        return await load_one(
            catalog.LostReason, info.context.loaders.lost_reason, self.row.lost_reason_id
        )

    @resolved(description="The time estimated to complete the lead, from its start date.")
    def estimated_completion_time(self) -> TimePeriod:
        return TimePeriod(value=self.row.estimated_value, unit=self.row.estimated_unit)

    @resolved(
        description="From now (or, once completed, from the completion date) to the expected "
        "completion date, while that is ahead; null otherwise."
    )
    def time_to_completion(self, info: Info) -> TimePeriod | None:
        return TimePeriod.of(lead_time_to_completion(self.row, info.context.now))

    @resolved(
        description="From the expected completion date to now (or, once completed, to the "
        "completion date), once it has passed; null otherwise."
    )
    def time_overdue(self, info: Info) -> TimePeriod | None:
        return TimePeriod.of(lead_time_overdue(self.row, info.context.now))

    @resolved(description="The users in the lead's team.")
    async def users_set(self, info: Info) -> list[UsersSetItem]:
        items = await info.context.loaders.lead_users.load(self.row.id)
        return [from_row(UsersSetItem, item) for item in items]

    @resolved(description="The competitors chasing the lead.")
    async def competitors_set(self, info: Info) -> list[CompetitorsSetItem]:
        items = await info.context.loaders.lead_competitors.load(self.row.id)
        return [from_row(CompetitorsSetItem, item) for item in items]

    async def _products(self, info: Info, product_set: ProductSet) -> list[ProductsSetItem]:
        items = await info.context.loaders.lead_products.load(self.row.id)
        return [
            from_row(ProductsSetItem, item) for item in items if item.product_set is product_set
        ]

    @resolved(description="The services the lead is about.")
    async def services_set(self, info: Info) -> list[ProductsSetItem]:
        return await self._products(info, ProductSet.SERVICES)

    @resolved(description="The physical goods the lead is about.")
    async def physical_goods_set(self, info: Info) -> list[ProductsSetItem]:
        return await self._products(info, ProductSet.PHYSICAL_GOODS)

    @resolved(description="The products, product types, families and brands the lead is about.")
    async def products_set(self, info: Info) -> list[ProductsSetItem]:
        return await self._products(info, ProductSet.PRODUCTS)

    @resolved(description="Every change made to the lead, oldest first.")
    async def history(
        self,
        info: Info,
        first: Annotated[
            int, strawberry.argument(description="How many entries, at most 100 (default 20).")
        ] = 20,
        after: Annotated[
            str | None, strawberry.argument(description="Return the entries after this cursor.")
        ] = None,
    ) -> LeadChangeConnection:
        try:
            page = await info.context.loaders.history.load((self.row.id, first, after))
        except DomainError as error:
            raise query_error(error) from None
        return LeadChangeConnection.of(page)

    @resolved(description="Who created and last changed the lead, and when.")
    def log_information(self) -> LogInformation:
        return LogInformation(
            created_date=self.row.created_at, updated_date=self.row.updated_at, row=self.row
        )


@strawberry.type(description="A page of leads, ordered by number.")
class LeadConnection(Connection[Lead]):
    page: strawberry.Private[LeadPage]

    @classmethod
    def of(cls, page: LeadPage) -> "LeadConnection":
        """The connection for a page of lead rows."""
        nodes = [Lead.of(row) for row in page.leads]
        fields = connection_fields(
            nodes,
            lambda lead: encode_cursor(lead.row.number),
            page.has_next_page,
            page.has_previous_page,
        )
        return cls(**fields, page=page)

    @resolved(description="How many leads match, over all pages.")
    async def total_count(self, info: Info) -> int:
        async with info.context.database.reader() as session:
            return await self.page.total_count(session)
