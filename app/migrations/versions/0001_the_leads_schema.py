"""the leads schema

Revision ID: 0001
Revises:
Create Date: 2026-11-25 11:16:33.493138
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString

from app.domain.columns import Money, UTCDateTime

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LIFE_CYCLE_STATES = ("PENDING", "IN_PROGRESS", "WON", "LOST", "CANCELLED")


def _id() -> sa.Column[Any]:
    """The primary key: an opaque identifier of 32 characters."""
    return sa.Column("id", AutoString(length=32), primary_key=True)


def _ref(name: str, table: str, *, nullable: bool = True) -> sa.Column[Any]:
    """A foreign key column to `table.id`."""
    return sa.Column(name, AutoString(length=32), sa.ForeignKey(f"{table}.id"), nullable=nullable)


def _text(
    name: str, length: int | None = None, *, nullable: bool = True, unique: bool | None = None
) -> sa.Column[Any]:
    """A VARCHAR column, unbounded without `length`."""
    return sa.Column(name, AutoString(length=length), nullable=nullable, unique=unique)


def _optional(type_: type[sa.types.TypeEngine[Any]], *names: str) -> list[sa.Column[Any]]:
    """Nullable columns of one type."""
    return [sa.Column(name, type_(), nullable=True) for name in names]


def _when(name: str, *, nullable: bool = True) -> sa.Column[Any]:
    """A timestamp, stored as naive UTC."""
    return sa.Column(name, UTCDateTime(), nullable=nullable)


def _enum(name: str, *values: str, enum_name: str, nullable: bool = False) -> sa.Column[Any]:
    """A VARCHAR(32) column holding an enum's values (no database enum type, no CHECK)."""
    enum = sa.Enum(*values, name=enum_name, native_enum=False, length=32)
    return sa.Column(name, enum, nullable=nullable)


def _named(code: str | None = "alternative_code") -> list[sa.Column[Any]]:
    """The catalog shape: a required name, an optional short code, and a description."""
    code_column = [] if code is None else [_text(code, 100)]
    return [_text("name", 200, nullable=False), *code_column, _text("description")]


def _indexes(table: str, *columns: str) -> None:
    """A plain `ix_<table>_<column>` index on each column."""
    for column in columns:
        op.create_index(op.f(f"ix_{table}_{column}"), table, [column])


def upgrade() -> None:
    op.create_table(
        "competitor",
        _id(),
        _text("name", 200, nullable=False),
        _text("website"),
        _text("description"),
    )
    _indexes("competitor", "name")

    op.create_table(
        "contact",
        _id(),
        _enum("type", "PERSON", "COMPANY", enum_name="contacttype"),
        _enum("life_cycle_state", "MARKETING", "FINANCIAL", enum_name="contactlifecyclestate"),
        *_optional(AutoString, "title", "first_name", "middle_name", "last_name", "company_name"),
        _enum("gender", "MALE", "FEMALE", enum_name="gender", nullable=True),
        _text("id_number", 100),
        _text("passport_number", 100),
        *_optional(
            AutoString,
            "social_security_number",
            "passport_issued_by_country",
            "id_issued_by_country",
            "industry",
            "industry_sector",
        ),
        *_optional(sa.Integer, "birth_year", "birth_month", "birth_day"),
        *_optional(sa.Integer, "name_day_month", "name_day_day"),
        *_optional(AutoString, "email", "phone"),
    )
    _indexes("contact", "id_number", "passport_number")

    op.create_table(
        "counter",
        _text("name", 50, nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )

    for catalog in ("group", "lost_reason", "privacy_level", "subscription_package"):
        op.create_table(catalog, _id(), *_named())
        _indexes(catalog, "alternative_code", "name")

    op.create_table("lead_category", _id(), *_named(code="code"))
    _indexes("lead_category", "code", "name")

    op.create_table(
        "lead_status",
        _id(),
        *_named(),
        _enum("life_cycle_state", *LIFE_CYCLE_STATES, enum_name="lifecyclestate"),
    )
    _indexes("lead_status", "alternative_code", "name")

    op.create_table("product_brand", _id(), *_named(code=None))
    _indexes("product_brand", "name")

    op.create_table("product_family", _id(), *_named(code="code"))
    _indexes("product_family", "name")

    op.create_table(
        "product_type",
        _id(),
        *_named(),
        _enum("classification", "SERVICES", "PHYSICALGOODS", enum_name="productclassification"),
        *_optional(AutoString, "service_type", "physical_good_type"),
        sa.Column("used_for_provisioning", sa.Boolean(), nullable=False),
        _text("composition_method"),
    )
    _indexes("product_type", "alternative_code", "name")

    op.create_table(
        "accounts_receivable",
        _id(),
        _text("number", 100, nullable=False, unique=True),
        _text("name", 200, nullable=False),
        _ref("owner_id", "contact", nullable=False),
        _enum(
            "life_cycle_state",
            *("ACTIVE", "SUSPENDED", "TERMINATED"),
            enum_name="accountsreceivablestate",
        ),
    )
    _indexes("accounts_receivable", "name", "owner_id")

    for source in ("communication", "notification"):
        op.create_table(
            source,
            _id(),
            _text("number", 100, nullable=False, unique=True),
            _text("life_cycle_state", 32, nullable=False),
            _text("subject"),
            _ref("contact_id", "contact"),
        )

    op.create_table(
        "lead_type",
        _id(),
        *_named(),
        _ref("default_category_id", "lead_category"),
        _ref("create_status_id", "lead_status", nullable=False),
        _ref("start_status_id", "lead_status", nullable=False),
        _ref("win_status_id", "lead_status", nullable=False),
        _ref("lose_status_id", "lead_status", nullable=False),
        _ref("cancel_status_id", "lead_status", nullable=False),
        sa.Column("email_on_create", sa.Boolean(), nullable=False),
        sa.Column("sms_on_create", sa.Boolean(), nullable=False),
    )
    _indexes("lead_type", "alternative_code", "name")

    op.create_table(
        "product",
        _id(),
        _text("code", 200, nullable=False),
        _text("alternative_code", 100),
        _text("description"),
        _ref("product_type_id", "product_type", nullable=False),
        _ref("product_family_id", "product_family"),
        _ref("product_brand_id", "product_brand"),
    )
    _indexes("product", "alternative_code", "code")

    op.create_table("unit", _id(), *_named(), _ref("group_id", "group"))
    _indexes("unit", "alternative_code", "name")

    op.create_table(
        "user",
        _id(),
        _text("username", 100, nullable=False, unique=True),
        _text("person_name", 200, nullable=False),
        _text("email"),
        _text("password_hash", nullable=False),
        _ref("unit_id", "unit"),
    )

    op.create_table(
        "access_token",
        _id(),
        _text("token_hash", 64, nullable=False, unique=True),
        _ref("user_id", "user", nullable=False),
        _when("created_at", nullable=False),
        _when("expires_at", nullable=False),
        _when("revoked_at"),
    )

    op.create_table(
        "lead",
        _id(),
        sa.Column("number", sa.Integer(), nullable=False, unique=True),
        sa.Column("version", sa.Integer(), nullable=False),
        _enum("life_cycle_state", *LIFE_CYCLE_STATES, enum_name="lifecyclestate"),
        _ref("status_id", "lead_status", nullable=False),
        _ref("type_id", "lead_type", nullable=False),
        _ref("category_id", "lead_category"),
        _enum(
            "importance",
            *("IMPORTANCE1", "IMPORTANCE2", "IMPORTANCE3", "IMPORTANCE4", "IMPORTANCE5"),
            *("CUSTOM1", "CUSTOM2", "CUSTOM3"),
            enum_name="importance",
        ),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("probability_to_win", sa.Integer(), nullable=True),
        sa.Column("target_amount", Money(), nullable=True),
        *_optional(AutoString, "description", "contact_email", "contact_phone"),
        _ref("contact_id", "contact", nullable=False),
        _ref("accounts_receivable_id", "accounts_receivable"),
        _enum(
            "source_type",
            *("WEBSITE", "ADVERTISEMENT", "COMMUNICATIONS", "NOTIFICATIONS"),
            *("RECOMMENDEDBYEMPLOYEE", "RECOMMENDEDBYCONTACT", "CUSTOM1", "CUSTOM2", "CUSTOM3"),
            enum_name="leadsourcetype",
        ),
        _text("source_name"),
        _ref("source_communication_id", "communication"),
        _ref("source_notification_id", "notification"),
        _ref("source_user_id", "user"),
        _ref("source_contact_id", "contact"),
        _ref("assigned_user_id", "user"),
        _ref("assigned_unit_id", "unit"),
        _ref("owned_by_group_id", "group"),
        _ref("privacy_level_id", "privacy_level"),
        _ref("lead_owner_id", "user"),
        _ref("subscription_package_id", "subscription_package"),
        _ref("lost_reason_id", "lost_reason"),
        _when("start_date", nullable=False),
        _when("expected_completion_date", nullable=False),
        sa.Column("estimated_value", sa.Float(), nullable=False),
        _enum(
            "estimated_unit",
            *("MINUTES", "HOURS", "DAYS", "WEEKS", "MONTHS", "YEARS"),
            enum_name="timeunit",
        ),
        _when("actual_completion_date"),
        *_optional(AutoString, *(f"udf_string_{n}" for n in range(1, 9))),
        *_optional(sa.Float, *(f"udf_float_{n}" for n in range(1, 5))),
        *_optional(UTCDateTime, *(f"udf_date_{n}" for n in range(1, 5))),
        _when("created_at", nullable=False),
        _when("updated_at", nullable=False),
        _ref("created_by_user_id", "user"),
        _ref("created_by_unit_id", "unit"),
        _ref("updated_by_user_id", "user"),
        _ref("updated_by_unit_id", "unit"),
    )
    _indexes(
        "lead",
        *("accounts_receivable_id", "category_id", "contact_id", "expected_completion_date"),
        *("importance", "life_cycle_state", "priority", "source_type", "type_id"),
    )
    op.create_index(
        "ix_lead_state_expected", "lead", ["life_cycle_state", "expected_completion_date"]
    )
    op.create_index("ix_lead_state_number", "lead", ["life_cycle_state", "number"])

    # The lead's competitors and team: each pair at most once.
    for member in ("competitor", "user"):
        op.create_table(
            f"lead_{member}",
            _id(),
            _ref("lead_id", "lead", nullable=False),
            _ref(f"{member}_id", member, nullable=False),
            sa.UniqueConstraint("lead_id", f"{member}_id"),
        )
        _indexes(f"lead_{member}", "lead_id")

    op.create_table(
        "lead_product",
        _id(),
        _ref("lead_id", "lead", nullable=False),
        _enum("product_set", "SERVICES", "PHYSICAL_GOODS", "PRODUCTS", enum_name="productset"),
        _ref("product_id", "product"),
        _ref("product_type_id", "product_type"),
        _ref("product_family_id", "product_family"),
        _ref("product_brand_id", "product_brand"),
    )
    _indexes("lead_product", "lead_id")


def downgrade() -> None:
    # Dependents first; dropping a table drops its indexes with it.
    for table in (
        "lead_product",
        "lead_user",
        "lead_competitor",
        "lead",
        "access_token",
        "user",
        "unit",
        "product",
        "lead_type",
        "notification",
        "communication",
        "accounts_receivable",
        "product_type",
        "product_family",
        "product_brand",
        "lead_status",
        "lead_category",
        "subscription_package",
        "privacy_level",
        "lost_reason",
        "group",
        "counter",
        "contact",
        "competitor",
    ):
        op.drop_table(table)
