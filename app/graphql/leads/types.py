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
from app.graphql.records import described, from_row, items, resolved, to_one

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
    communication: Communication | None = to_one(
        Communication, models.Communication, "source_communication_id", "The communication."
    )


@strawberry.type(description="A lead that came from a notification sent to the contact.")
class NotificationSource:
    type: LeadSourceType = described(SOURCE_TYPE)
    row: strawberry.Private[models.Lead]
    notification: Notification | None = to_one(
        Notification, models.Notification, "source_notification_id", "The notification."
    )


@strawberry.type(description="A lead recommended by one of our users.")
class EmployeeRecommendation:
    type: LeadSourceType = described(SOURCE_TYPE)
    row: strawberry.Private[models.Lead]
    user: catalog.User | None = to_one(
        catalog.User, models.User, "source_user_id", "The user who recommended it."
    )


@strawberry.type(description="A lead recommended by another contact.")
class ContactRecommendation:
    type: LeadSourceType = described(SOURCE_TYPE)
    row: strawberry.Private[models.Lead]
    contact: ContactInformation | None = to_one(
        ContactInformation, models.Contact, "source_contact_id", "The contact who recommended it."
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
    user: catalog.User | None = to_one(
        catalog.User, models.User, "assigned_user_id", "The user working the lead."
    )
    unit: catalog.Unit | None = to_one(
        catalog.Unit, models.Unit, "assigned_unit_id", "The unit working the lead."
    )


@strawberry.type(description="Who created and last changed a lead, and when.")
class LogInformation:
    created_date: datetime = described("When the lead was created.")
    updated_date: datetime = described("When the lead was last changed.")
    row: strawberry.Private[models.Lead]
    created_by_user: catalog.User | None = to_one(
        catalog.User, models.User, "created_by_user_id", "The user who created the lead."
    )
    created_by_unit: catalog.Unit | None = to_one(
        catalog.Unit, models.Unit, "created_by_unit_id", "The unit the creator acted for."
    )
    updated_by_user: catalog.User | None = to_one(
        catalog.User, models.User, "updated_by_user_id", "The user who last changed the lead."
    )
    updated_by_unit: catalog.Unit | None = to_one(
        catalog.Unit, models.Unit, "updated_by_unit_id", "The unit the last changer acted for."
    )


@strawberry.type(description="A user in a lead's team.")
class UsersSetItem:
    id: strawberry.ID = described("The set item's identifier.")
    row: strawberry.Private[models.LeadUser]
    user: catalog.User | None = to_one(catalog.User, models.User, "user_id", "The user.")


@strawberry.type(description="A competitor chasing a lead.")
class CompetitorsSetItem:
    id: strawberry.ID = described("The set item's identifier.")
    row: strawberry.Private[models.LeadCompetitor]
    competitor: catalog.Competitor | None = to_one(
        catalog.Competitor, models.Competitor, "competitor_id", "The competitor."
    )


@strawberry.type(
    description="An item of a product set: a product, or a whole type, family or brand of them."
)
class ProductsSetItem:
    id: strawberry.ID = described("The set item's identifier.")
    row: strawberry.Private[models.LeadProduct]
    product: catalog.Product | None = to_one(
        catalog.Product, models.Product, "product_id", "The product, when the item is one product."
    )
    product_type: catalog.ProductType | None = to_one(
        catalog.ProductType,
        models.ProductType,
        "product_type_id",
        "The product type, when the item is a whole type.",
    )
    product_family: catalog.ProductFamily | None = to_one(
        catalog.ProductFamily,
        models.ProductFamily,
        "product_family_id",
        "The product family, when the item is a whole family.",
    )
    product_brand: catalog.ProductBrand | None = to_one(
        catalog.ProductBrand,
        models.ProductBrand,
        "product_brand_id",
        "The product brand, when the item is a whole brand.",
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

    status: catalog.LeadStatus | None = to_one(
        catalog.LeadStatus, models.LeadStatus, "status_id", "The lead's status."
    )
    type: catalog.LeadType | None = to_one(
        catalog.LeadType, models.LeadType, "type_id", "The lead's type."
    )
    category: catalog.LeadCategory | None = to_one(
        catalog.LeadCategory, models.LeadCategory, "category_id", "The lead's category."
    )
    contact_information: ContactInformation = to_one(
        ContactInformation,
        models.Contact,
        "contact_id",
        "The contact the lead is with.",
        required=True,
    )
    accounts_receivable: AccountsReceivable | None = to_one(
        AccountsReceivable,
        models.AccountsReceivable,
        "accounts_receivable_id",
        "The accounts receivable the lead is billed to.",
    )

    @resolved(description="Where the lead came from.")
    def lead_source(self) -> LeadSource:
        return lead_source(self.row)

    @resolved(description="Who the lead is assigned to.")
    def assigned_to(self) -> AssignedTo:
        return AssignedTo(row=self.row)

    owned_by_group: catalog.Group | None = to_one(
        catalog.Group, models.Group, "owned_by_group_id", "The group that owns the lead."
    )
    privacy_level: catalog.PrivacyLevel | None = to_one(
        catalog.PrivacyLevel, models.PrivacyLevel, "privacy_level_id", "Who may see the lead."
    )
    lead_owner: catalog.User | None = to_one(
        catalog.User, models.User, "lead_owner_id", "The user who owns the lead."
    )
    subscription_package: catalog.SubscriptionPackage | None = to_one(
        catalog.SubscriptionPackage,
        models.SubscriptionPackage,
        "subscription_package_id",
        "The subscription package the lead is about.",
    )
    lost_reason: catalog.LostReason | None = to_one(
        catalog.LostReason, models.LostReason, "lost_reason_id", "Why the lead was lost."
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

    users_set: list[UsersSetItem] = items(
        UsersSetItem, models.LeadUser, "The users in the lead's team."
    )
    competitors_set: list[CompetitorsSetItem] = items(
        CompetitorsSetItem, models.LeadCompetitor, "The competitors chasing the lead."
    )
    services_set: list[ProductsSetItem] = items(
        ProductsSetItem,
        models.LeadProduct,
        "The services the lead is about.",
        only=("product_set", ProductSet.SERVICES),
    )
    physical_goods_set: list[ProductsSetItem] = items(
        ProductsSetItem,
        models.LeadProduct,
        "The physical goods the lead is about.",
        only=("product_set", ProductSet.PHYSICAL_GOODS),
    )
    products_set: list[ProductsSetItem] = items(
        ProductsSetItem,
        models.LeadProduct,
        "The products, product types, families and brands the lead is about.",
        only=("product_set", ProductSet.PRODUCTS),
    )

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
    def total_count(self) -> int:
        # Counted with the page whenever the selection asks for it (`queries.asks_total`).
        assert self.page.total is not None
        return self.page.total
