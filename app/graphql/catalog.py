"""The records around a lead that forms pick from: statuses, types, users, products..."""

from typing import Any

import strawberry

from app.domain import models
from app.domain.enums import LifeCycleState, ProductClassification, Role
from app.graphql.context import Info
from app.graphql.records import described, load_one, resolved, to_one

ID = "The record's opaque identifier."
NAME = "The record's name."
ALTERNATIVE_CODE = "The record's alternative code."
DESCRIPTION = "A description for people."


@strawberry.type(description="A record named by name or alternative code.")
class _NamedRecord:
    id: strawberry.ID = described(ID)
    name: str = described(NAME)
    alternative_code: str | None = described(ALTERNATIVE_CODE)
    description: str | None = described(DESCRIPTION)


@strawberry.type(description="A group of units; it can own leads.")
class Group(_NamedRecord):
    pass


@strawberry.type(description="A unit of the organisation; users act for one.")
class Unit(_NamedRecord):
    row: strawberry.Private[models.Unit]
    group: Group | None = to_one(Group, models.Group, "group_id", "The group the unit belongs to.")


@strawberry.type(description="Someone who signs in and works leads.")
class User:
    id: strawberry.ID = described(ID)
    username: str = described("The name the user signs in with.")
    person_name: str = described("The user's full name.")
    email: str | None = described("The user's email address.")
    role: Role = described("What the user may see and do.")
    row: strawberry.Private[models.User]
    unit: Unit | None = to_one(Unit, models.Unit, "unit_id", "The unit the user acts for.")

    @resolved(
        description="The groups the user belongs to through their unit; a sales user sees the "
        "leads these own."
    )
    async def groups(self, info: Info) -> list[Group]:
        if self.row.unit_id is None:
            return []
        unit = await info.context.loaders.unit.load(self.row.unit_id)
        group = await load_one(Group, info.context.loaders.group, unit.group_id if unit else None)
        return [] if group is None else [group]


@strawberry.type(description="A configured lead status; it places a lead in one life cycle state.")
class LeadStatus(_NamedRecord):
    life_cycle_state: LifeCycleState = described("The life cycle state this status belongs to.")


@strawberry.type(description="A category of leads.")
class LeadCategory:
    id: strawberry.ID = described(ID)
    name: str = described(NAME)
    code: str | None = described("The category's code.")
    description: str | None = described(DESCRIPTION)


def _default_status(action: str, description: str) -> Any:
    """A field of a lead type: the status an action uses when none is named."""
    return to_one(
        LeadStatus,
        models.LeadStatus,
        f"{action}_status_id",
        f"{description} by default.",
        required=True,
    )


@strawberry.type(description="A kind of lead, with the defaults its actions use.")
class LeadType(_NamedRecord):
    email_on_create: bool = described(
        "Whether an email goes to the contact when a lead is created (contactEmail is then "
        "required)."
    )
    sms_on_create: bool = described(
        "Whether a phone message goes to the contact when a lead is created (contactPhone is "
        "then required)."
    )
    row: strawberry.Private[models.LeadType]
    default_category: LeadCategory | None = to_one(
        LeadCategory,
        models.LeadCategory,
        "default_category_id",
        "The category a new lead of this type gets by default.",
    )

    create_status: LeadStatus = _default_status("create", "The status a new lead gets")
    start_status: LeadStatus = _default_status("start", "The status `startLeadProgress` uses")
    win_status: LeadStatus = _default_status("win", "The status `winLead` uses")
    lose_status: LeadStatus = _default_status("lose", "The status `loseLead` uses")
    cancel_status: LeadStatus = _default_status("cancel", "The status `cancelLead` uses")


@strawberry.type(description="Why a lead was lost.")
class LostReason(_NamedRecord):
    pass


@strawberry.type(description="Who may see a lead, as a level.")
class PrivacyLevel(_NamedRecord):
    pass


@strawberry.type(description="Someone else chasing the same sale.")
class Competitor:
    id: strawberry.ID = described(ID)
    name: str = described(NAME)
    website: str | None = described("The competitor's website.")
    description: str | None = described(DESCRIPTION)


@strawberry.type(description="A type of product: a kind of service or of physical good.")
class ProductType(_NamedRecord):
    classification: ProductClassification = described("Services or physical goods.")
    service_type: str | None = described("For services: how they are billed (e.g. TERMED).")
    physical_good_type: str | None = described("For physical goods: e.g. TRACEABLE.")
    used_for_provisioning: bool = described("Whether the type is used for provisioning.")
    composition_method: str | None = described("How products of the type are composed.")


@strawberry.type(description="A family of products.")
class ProductFamily:
    id: strawberry.ID = described(ID)
    name: str = described(NAME)
    code: str | None = described("The family's code.")
    description: str | None = described(DESCRIPTION)


@strawberry.type(description="A brand of products.")
class ProductBrand:
    id: strawberry.ID = described(ID)
    name: str = described(NAME)
    description: str | None = described(DESCRIPTION)


@strawberry.type(description="Something a lead may be about.")
class Product:
    id: strawberry.ID = described(ID)
    code: str = described("The product's code.")
    alternative_code: str | None = described(ALTERNATIVE_CODE)
    description: str | None = described(DESCRIPTION)
    row: strawberry.Private[models.Product]
    product_type: ProductType | None = to_one(
        ProductType, models.ProductType, "product_type_id", "The product's type."
    )
    product_family: ProductFamily | None = to_one(
        ProductFamily, models.ProductFamily, "product_family_id", "The product's family."
    )
    product_brand: ProductBrand | None = to_one(
        ProductBrand, models.ProductBrand, "product_brand_id", "The product's brand."
    )


@strawberry.type(description="A subscription package a lead may be about.")
class SubscriptionPackage(_NamedRecord):
    pass
