"""What a caller asks of the leads service, in the domain's own terms.

Every field of `LeadChanges` defaults to `UNSET`: absent means keep (or, on create, take the
default), None means clear; None on a field of `NOT_CLEARABLE` is refused as REQUIRED.
"""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import Generic, Literal, TypeAlias, TypeVar

from app.domain.auth import Actor
from app.domain.contacts import AccountsReceivableChoice, ContactChoice
from app.domain.enums import LeadSourceType, TimeUnit
from app.domain.identifiers import Ref


class Unset(Enum):
    """The type of `UNSET`: a field the caller did not give."""

    UNSET = "UNSET"


UNSET = Unset.UNSET
T = TypeVar("T")
Given: TypeAlias = T | Unset


@dataclass(frozen=True)
class SourceChoice:
    """Where a lead came from: a type and its payload (a name or a reference)."""

    type: LeadSourceType
    name: str | None = None
    ref: Ref | None = None


@dataclass(frozen=True)
class PeriodInput:
    """A time period given by a caller: a whole number of units."""

    value: int
    unit: TimeUnit


ProductLevel = Literal["product", "product_type", "product_family", "product_brand"]


@dataclass(frozen=True)
class ProductItemRef:
    """An item of a product set: a product, or a product type, family or brand."""

    level: ProductLevel
    ref: Ref


SetItem = TypeVar("SetItem", Ref, ProductItemRef)


@dataclass(frozen=True)
class SetChange(Generic[SetItem]):
    """Add an item to a set, or remove it."""

    action: Literal["add", "remove"]
    item: SetItem


@dataclass(frozen=True)
class LeadAction:
    """Who acts on which lead and when; optionally the status to land in, and the version the
    lead must still be at."""

    ref: Ref
    actor: Actor
    now: datetime
    status: Ref | None = None
    expected_version: int | None = None


@dataclass(frozen=True)
class LeadChanges:
    """The writable fields of a lead, each either given or UNSET."""

    contact: Given[ContactChoice] = UNSET
    type: Given[Ref] = UNSET
    status: Given[Ref] = UNSET
    category: Given[Ref | None] = UNSET
    accounts_receivable: Given[AccountsReceivableChoice | None] = UNSET
    # Deprecated since CRM.COM R11.1.0 with the update into a LOST status: refused, pointing to
    # the lose action that replaced it.
    lost_reason: Given[Ref | None] = UNSET
    source: Given[SourceChoice] = UNSET
    importance: Given[str] = UNSET
    priority: Given[int] = UNSET
    probability_to_win: Given[int | None] = UNSET
    target_amount: Given[Decimal | None] = UNSET
    description: Given[str | None] = UNSET
    contact_email: Given[str | None] = UNSET
    contact_phone: Given[str | None] = UNSET
    assigned_user: Given[Ref | None] = UNSET
    assigned_unit: Given[Ref | None] = UNSET
    owned_by_group: Given[Ref | None] = UNSET
    privacy_level: Given[Ref | None] = UNSET
    lead_owner: Given[Ref | None] = UNSET
    subscription_package: Given[Ref | None] = UNSET
    start_date: Given[datetime] = UNSET
    expected_completion_date: Given[datetime] = UNSET
    estimated_completion_time: Given[PeriodInput] = UNSET
    users: list[SetChange[Ref]] = field(default_factory=list)
    competitors: list[SetChange[Ref]] = field(default_factory=list)
    services: list[SetChange[ProductItemRef]] = field(default_factory=list)
    physical_goods: list[SetChange[ProductItemRef]] = field(default_factory=list)
    products: list[SetChange[ProductItemRef]] = field(default_factory=list)
    udf: dict[str, object] = field(default_factory=dict)


# The fields a lead always has, and the sets (which change item by item): null cannot clear them.
NOT_CLEARABLE = frozenset(
    {
        "contact", "type", "source", "importance", "priority", "status", "start_date",
        "expected_completion_date", "estimated_completion_time",
        "users", "competitors", "services", "physical_goods", "products",
    }
)  # fmt: skip
