"""Every table of the leads domain.

All tables live in one module (SQLModel's advice when relationships cross concepts); the
behaviour lives per concept beside it. No ORM relationships are declared: reads go through
explicit queries and per-request loaders, so nothing loads lazily.
"""

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import JSON, BigInteger, Index, Integer, UniqueConstraint
from sqlalchemy.orm import configure_mappers
from sqlmodel import Field, SQLModel

from app.domain import enums
from app.domain.columns import (
    Money,
    enum_type,
    new_id,
    reference_field,
    time_field,
)


class Entity(SQLModel):
    """A record with an opaque identifier."""

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)


Record = TypeVar("Record", bound=SQLModel)


def as_loaded(model: type[Record], values: Mapping[str, Any]) -> Record:
    """An object of the table `model` holding `values`, made as the ORM makes one of a row
    it reads: created without `__init__`, whose validation costs more than a write's own
    statement, and given the values in place. For a row a Core statement wrote or read, whose
    values are those the database holds."""
    # The ORM sets up its attributes on first use; a query would have done it.
    configure_mappers()
    record: Record = model.__mapper__.class_manager.new_instance()  # type: ignore[attr-defined]
    record.__dict__.update(values)
    return record


class NamedRecord(Entity):
    """The shape the seeds give most catalog records: a name, an alternative code, a text."""

    name: str = Field(max_length=200, index=True)
    alternative_code: str | None = Field(default=None, max_length=100, index=True)
    description: str | None = None


class Group(NamedRecord, table=True):
    """A group of units that can own leads."""


class Unit(NamedRecord, table=True):
    """A unit of the organisation; users act on behalf of one."""

    group_id: str | None = reference_field("group")


class User(Entity, table=True):
    """Someone who signs in and works leads."""

    username: str = Field(max_length=100, unique=True)
    person_name: str = Field(max_length=200)
    email: str | None = None
    password_hash: str
    unit_id: str | None = reference_field("unit")
    # Until an administrator gives them a role, new users may only look.
    role: enums.Role = Field(
        default=enums.Role.READ_ONLY,
        sa_type=enum_type(enums.Role),
        sa_column_kwargs={"server_default": enums.Role.READ_ONLY.value},
    )


class AccessToken(Entity, table=True):
    """A session token; only the SHA-256 of the token is stored."""

    __tablename__ = "access_token"

    token_hash: str = Field(max_length=64, unique=True)
    user_id: str = reference_field("user", nullable=False)
    created_at: datetime = time_field(nullable=False)
    expires_at: datetime = time_field(nullable=False)
    revoked_at: datetime | None = time_field()


class PrivacyLevel(NamedRecord, table=True):
    """Who may see a lead, as a level."""

    __tablename__ = "privacy_level"


class LeadCategory(Entity, table=True):
    """A category of leads, named by name or code."""

    __tablename__ = "lead_category"

    name: str = Field(max_length=200, index=True)
    code: str | None = Field(default=None, max_length=100, index=True)
    description: str | None = None


class LeadStatus(NamedRecord, table=True):
    """A configured status; it places a lead in one life cycle state."""

    __tablename__ = "lead_status"

    life_cycle_state: enums.LifeCycleState = Field(sa_type=enum_type(enums.LifeCycleState))


class LeadType(NamedRecord, table=True):
    """A kind of lead, with the defaults its actions use."""

    __tablename__ = "lead_type"

    default_category_id: str | None = reference_field("lead_category")
    create_status_id: str = reference_field("lead_status", nullable=False)
    start_status_id: str = reference_field("lead_status", nullable=False)
    win_status_id: str = reference_field("lead_status", nullable=False)
    lose_status_id: str = reference_field("lead_status", nullable=False)
    cancel_status_id: str = reference_field("lead_status", nullable=False)
    email_on_create: bool = False
    sms_on_create: bool = False


class LostReason(NamedRecord, table=True):
    """Why a lead was lost."""

    __tablename__ = "lost_reason"


class Competitor(Entity, table=True):
    """Someone else chasing the same sale."""

    name: str = Field(max_length=200, index=True)
    website: str | None = None
    description: str | None = None


class ProductType(NamedRecord, table=True):
    """A type of product: a service or a physical good."""

    __tablename__ = "product_type"

    classification: enums.ProductClassification = Field(
        sa_type=enum_type(enums.ProductClassification)
    )
    service_type: str | None = None
    physical_good_type: str | None = None
    used_for_provisioning: bool = False
    composition_method: str | None = None


class ProductFamily(Entity, table=True):
    """A family of products."""

    __tablename__ = "product_family"

    name: str = Field(max_length=200, index=True)
    code: str | None = Field(default=None, max_length=100)
    description: str | None = None


class ProductBrand(Entity, table=True):
    """A brand of products."""

    __tablename__ = "product_brand"

    name: str = Field(max_length=200, index=True)
    description: str | None = None


class Product(Entity, table=True):
    """Something a lead may be about, named by code or alternative code."""

    code: str = Field(max_length=200, index=True)
    alternative_code: str | None = Field(default=None, max_length=100, index=True)
    description: str | None = None
    product_type_id: str = reference_field("product_type", nullable=False)
    product_family_id: str | None = reference_field("product_family")
    product_brand_id: str | None = reference_field("product_brand")


class SubscriptionPackage(NamedRecord, table=True):
    """A subscription package a lead may be about."""

    __tablename__ = "subscription_package"


class Contact(Entity, table=True):
    """A person or a company; MARKETING until it owns an accounts receivable."""

    type: enums.ContactType = Field(sa_type=enum_type(enums.ContactType))
    life_cycle_state: enums.ContactLifeCycleState = Field(
        default=enums.ContactLifeCycleState.MARKETING,
        sa_type=enum_type(enums.ContactLifeCycleState),
    )
    title: str | None = None
    first_name: str | None = None
    middle_name: str | None = None
    last_name: str | None = None
    company_name: str | None = None
    gender: enums.Gender | None = Field(default=None, sa_type=enum_type(enums.Gender))
    id_number: str | None = Field(default=None, max_length=100, index=True)
    passport_number: str | None = Field(default=None, max_length=100, index=True)
    social_security_number: str | None = None
    passport_issued_by_country: str | None = None
    id_issued_by_country: str | None = None
    industry: str | None = None
    industry_sector: str | None = None
    birth_year: int | None = None
    birth_month: int | None = None
    birth_day: int | None = None
    name_day_month: int | None = None
    name_day_day: int | None = None
    email: str | None = None
    phone: str | None = None

    @property
    def name(self) -> str:
        """The name people read: the company's, or the person's first and last names."""
        if self.type is enums.ContactType.COMPANY:
            return self.company_name or ""
        parts = (self.first_name, self.middle_name, self.last_name)
        return " ".join(part for part in parts if part)


class AccountsReceivable(Entity, table=True):
    """A billing account owned by one contact."""

    __tablename__ = "accounts_receivable"

    number: str = Field(max_length=100, unique=True)
    name: str = Field(max_length=200, index=True)
    owner_id: str = reference_field("contact", index=True, nullable=False)
    life_cycle_state: enums.AccountsReceivableState = Field(
        default=enums.AccountsReceivableState.ACTIVE,
        sa_type=enum_type(enums.AccountsReceivableState),
    )


class Communication(Entity, table=True):
    """A communication with a contact; it can be where a lead came from."""

    number: str = Field(max_length=100, unique=True)
    life_cycle_state: str = Field(default="DRAFT", max_length=32)
    subject: str | None = None
    contact_id: str | None = reference_field("contact")


class Notification(Entity, table=True):
    """A notification sent to a contact; it can be where a lead came from."""

    number: str = Field(max_length=100, unique=True)
    life_cycle_state: str = Field(default="DELIVERED", max_length=32)
    subject: str | None = None
    contact_id: str | None = reference_field("contact")


class Counter(SQLModel, table=True):
    """A named counter, for sequential numbers on databases without sequences."""

    name: str = Field(primary_key=True, max_length=50)
    value: int = 0


class Lead(Entity, table=True):
    """A sales opportunity with a contact."""

    # Every list pages by number under its condition: the column of a view or filter, then
    # the number, so that "condition ORDER BY number LIMIT n" reads the index in order and
    # stops after n rows (a cursor, number > n, starts inside the same range). Overdue and
    # close to completion range over dates within the open states. The columns that make a
    # lead visible to a user (app/domain/leads/visibility.py) are indexed too: a count of
    # what a sales user may see reads each branch's index instead of every lead.
    __table_args__ = (
        Index("ix_lead_state_number", "life_cycle_state", "number"),
        Index("ix_lead_state_expected", "life_cycle_state", "expected_completion_date"),
        Index("ix_lead_type_number", "type_id", "number"),
        Index("ix_lead_category_number", "category_id", "number"),
        Index("ix_lead_contact_number", "contact_id", "number"),
        Index("ix_lead_accounts_receivable_number", "accounts_receivable_id", "number"),
        Index("ix_lead_source_number", "source_type", "number"),
        Index("ix_lead_importance_number", "importance", "number"),
        Index("ix_lead_priority_number", "priority", "number"),
        Index("ix_lead_assigned_user_number", "assigned_user_id", "number"),
        Index("ix_lead_assigned_unit_number", "assigned_unit_id", "number"),
        Index("ix_lead_owning_group_number", "owned_by_group_id", "number"),
        Index("ix_lead_owner_number", "lead_owner_id", "number"),
    )

    number: int = Field(unique=True)
    version: int = 1
    life_cycle_state: enums.LifeCycleState = Field(sa_type=enum_type(enums.LifeCycleState))
    status_id: str = reference_field("lead_status", nullable=False)
    type_id: str = reference_field("lead_type", nullable=False)
    category_id: str | None = reference_field("lead_category")
    importance: enums.Importance = Field(sa_type=enum_type(enums.Importance))
    priority: int
    probability_to_win: int | None = None
    target_amount: Decimal | None = Field(default=None, sa_type=Money)
    description: str | None = None
    contact_email: str | None = None
    contact_phone: str | None = None
    contact_id: str = reference_field("contact", nullable=False)
    accounts_receivable_id: str | None = reference_field("accounts_receivable")
    source_type: enums.LeadSourceType = Field(sa_type=enum_type(enums.LeadSourceType))
    source_name: str | None = None
    source_communication_id: str | None = reference_field("communication")
    source_notification_id: str | None = reference_field("notification")
    source_user_id: str | None = reference_field("user")
    source_contact_id: str | None = reference_field("contact")
    assigned_user_id: str | None = reference_field("user")
    assigned_unit_id: str | None = reference_field("unit")
    owned_by_group_id: str | None = reference_field("group")
    privacy_level_id: str | None = reference_field("privacy_level")
    lead_owner_id: str | None = reference_field("user")
    subscription_package_id: str | None = reference_field("subscription_package")
    lost_reason_id: str | None = reference_field("lost_reason")
    start_date: datetime = time_field(nullable=False)
    expected_completion_date: datetime = time_field(nullable=False, index=True)
    estimated_value: float
    estimated_unit: enums.TimeUnit = Field(sa_type=enum_type(enums.TimeUnit))
    actual_completion_date: datetime | None = time_field()
    udf_string_1: str | None = None
    udf_string_2: str | None = None
    udf_string_3: str | None = None
    udf_string_4: str | None = None
    udf_string_5: str | None = None
    udf_string_6: str | None = None
    udf_string_7: str | None = None
    udf_string_8: str | None = None
    udf_float_1: float | None = None
    udf_float_2: float | None = None
    udf_float_3: float | None = None
    udf_float_4: float | None = None
    udf_date_1: datetime | None = time_field()
    udf_date_2: datetime | None = time_field()
    udf_date_3: datetime | None = time_field()
    udf_date_4: datetime | None = time_field()
    created_at: datetime = time_field(nullable=False)
    updated_at: datetime = time_field(nullable=False)
    created_by_user_id: str | None = reference_field("user")
    created_by_unit_id: str | None = reference_field("unit")
    updated_by_user_id: str | None = reference_field("user")
    updated_by_unit_id: str | None = reference_field("unit")


class LeadUser(Entity, table=True):
    """A user in a lead's team (`users_set`)."""

    __tablename__ = "lead_user"
    # A lead's team by lead (the unique pair), and a user's leads by user: what a sales
    # user may see.
    __table_args__ = (
        UniqueConstraint("lead_id", "user_id"),
        Index("ix_lead_user_user_lead", "user_id", "lead_id"),
    )

    lead_id: str = reference_field("lead", nullable=False)
    user_id: str = reference_field("user", nullable=False)


class LeadCompetitor(Entity, table=True):
    """A competitor chasing a lead (`competitors_set`)."""

    __tablename__ = "lead_competitor"
    # The unique pair finds a lead's competitors by lead.
    __table_args__ = (UniqueConstraint("lead_id", "competitor_id"),)

    lead_id: str = reference_field("lead", nullable=False)
    competitor_id: str = reference_field("competitor", nullable=False)


class LeadProduct(Entity, table=True):
    """An item of one of a lead's product sets: a product, or a type, family or brand of them."""

    __tablename__ = "lead_product"

    lead_id: str = reference_field("lead", index=True, nullable=False)
    product_set: enums.ProductSet = Field(sa_type=enum_type(enums.ProductSet))
    product_id: str | None = reference_field("product")
    product_type_id: str | None = reference_field("product_type")
    product_family_id: str | None = reference_field("product_family")
    product_brand_id: str | None = reference_field("product_brand")


class LeadChange(SQLModel, table=True):
    """One entry of a lead's history: who did which action when, and each field it changed.

    `sequence` only grows, across every worker (a PostgreSQL sequence; SQLite's rowid, never
    reused with AUTOINCREMENT), so that a reader can resume after the last entry it saw.
    `changes` holds `{"field", "old", "new"}` objects with typed JSON values.
    """

    __tablename__ = "lead_change"
    __table_args__ = (
        Index("ix_lead_change_lead_sequence", "lead_id", "sequence"),
        {"sqlite_autoincrement": True},
    )

    sequence: int | None = Field(
        default=None,
        primary_key=True,
        sa_type=BigInteger().with_variant(Integer, "sqlite"),
    )
    lead_id: str = reference_field("lead", nullable=False)
    at: datetime = time_field(nullable=False)
    action: enums.Action = Field(sa_type=enum_type(enums.Action))
    by_user_id: str | None = reference_field("user")
    by_unit_id: str | None = reference_field("unit")
    changes: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)


class IdempotencyKey(SQLModel, table=True):
    """A key a user gave with a create, and the lead that create made: the same key again
    gives that lead back instead of a second one. Keys are the user's own (two users may
    pick the same), so a key never reaches another user's lead."""

    __tablename__ = "idempotency_key"

    user_id: str = Field(foreign_key="user.id", primary_key=True, max_length=32)
    key: str = Field(primary_key=True, max_length=200)
    lead_id: str = reference_field("lead", nullable=False)
    created_at: datetime = time_field(nullable=False)


UDF_STRING_FIELDS = tuple(f"udf_string_{n}" for n in range(1, 9))
UDF_FLOAT_FIELDS = tuple(f"udf_float_{n}" for n in range(1, 5))
UDF_DATE_FIELDS = tuple(f"udf_date_{n}" for n in range(1, 5))
