"""The domain's enums as GraphQL enums, each value described (they are the API's manual)."""

from enum import Enum
from typing import TypeVar

import strawberry

from app.domain.enums import (
    AccountsReceivableState,
    Action,
    ContactLifeCycleState,
    ContactType,
    CustomSourceKind,
    Gender,
    Importance,
    LeadSourceType,
    LifeCycleState,
    ProductClassification,
    Role,
    TimeUnit,
)
from app.domain.errors import ErrorCode

E = TypeVar("E", bound=Enum)


def _describe(
    enum_class: type[E], description: str, values: dict[E, str], name: str | None = None
) -> type[E]:
    strawberry.enum(enum_class, name=name, description=description)
    definition = enum_class.__strawberry_definition__  # type: ignore[attr-defined]
    for value in definition.values:
        value.description = values[enum_class[value.name]]
    return enum_class


_IMPORTANCE = {
    **{getattr(Importance, f"IMPORTANCE{n}"): f"Importance rank {n} of 5." for n in range(1, 6)},
    **{getattr(Importance, f"CUSTOM{n}"): f"Custom importance level {n}." for n in range(1, 4)},
}

_describe(
    LifeCycleState,
    "Where a lead stands in its life cycle; every status belongs to exactly one state.",
    {
        LifeCycleState.PENDING: "Not yet worked on.",
        LifeCycleState.IN_PROGRESS: "Being worked on.",
        LifeCycleState.WON: "Completed: the sale was made.",
        LifeCycleState.LOST: "Completed: the sale went elsewhere or did not happen.",
        LifeCycleState.CANCELLED: "Completed: the lead was withdrawn.",
    },
)
_describe(
    TimeUnit,
    "The unit of a time period.",
    {
        TimeUnit.MINUTES: "Minutes.",
        TimeUnit.HOURS: "Hours.",
        TimeUnit.DAYS: "Calendar days.",
        TimeUnit.WEEKS: "Weeks of seven days.",
        TimeUnit.MONTHS: "Calendar months.",
        TimeUnit.YEARS: "Calendar years of twelve months.",
    },
)
_describe(Importance, "How much a lead matters.", _IMPORTANCE)
_CUSTOM_KINDS = {
    kind: f"The {ordinal} custom kind of source, by name."
    for kind, ordinal in zip(CustomSourceKind, ("first", "second", "third"), strict=True)
}
_describe(
    LeadSourceType,
    "Where a lead came from.",
    {
        LeadSourceType.WEBSITE: "A website, by name.",
        LeadSourceType.ADVERTISEMENT: "An advertisement, by name.",
        LeadSourceType.COMMUNICATIONS: "A communication with the contact.",
        LeadSourceType.NOTIFICATIONS: "A notification sent to the contact.",
        LeadSourceType.RECOMMENDEDBYEMPLOYEE: "A recommendation by one of our users.",
        LeadSourceType.RECOMMENDEDBYCONTACT: "A recommendation by another contact.",
        **{LeadSourceType(kind): text for kind, text in _CUSTOM_KINDS.items()},
    },
)
_describe(CustomSourceKind, "A custom kind of lead source.", _CUSTOM_KINDS)
_describe(
    ContactType,
    "Whether a contact is a person or a company.",
    {ContactType.PERSON: "A person.", ContactType.COMPANY: "A company."},
)
_describe(
    ContactLifeCycleState,
    "A contact's life cycle: MARKETING until it owns an accounts receivable.",
    {
        ContactLifeCycleState.MARKETING: "Owns no accounts receivable yet.",
        ContactLifeCycleState.FINANCIAL: "Owns an accounts receivable.",
    },
)
_describe(
    AccountsReceivableState,
    "The life cycle of an accounts receivable.",
    {
        AccountsReceivableState.ACTIVE: "Open for billing.",
        AccountsReceivableState.SUSPENDED: "Billing is on hold.",
        AccountsReceivableState.TERMINATED: "Closed.",
    },
)
_describe(Gender, "A person's gender.", {Gender.MALE: "Male.", Gender.FEMALE: "Female."})
_describe(
    ProductClassification,
    "Whether a product type is a service or a physical good.",
    {
        ProductClassification.SERVICES: "Services.",
        ProductClassification.PHYSICALGOODS: "Physical goods.",
    },
)
_describe(
    ErrorCode,
    "Why an input was refused.",
    {
        ErrorCode.NOT_FOUND: "The reference names no record.",
        ErrorCode.AMBIGUOUS: "The reference names more than one record; name it by id.",
        ErrorCode.REQUIRED: "A value is required here.",
        ErrorCode.INVALID: "The value is not acceptable here; the message says why.",
        ErrorCode.INVALID_TRANSITION: "The action is not allowed in the lead's state.",
        ErrorCode.CONFLICT: "The lead changed meanwhile (another version); read it and retry.",
        ErrorCode.FORBIDDEN: "The signed-in user's role does not allow this.",
        ErrorCode.THROTTLED: "Too many attempts in a short time; wait and try again later.",
    },
)
_describe(
    Role,
    "What a user may see and do.",
    {
        Role.ADMINISTRATOR: "Sees and does everything.",
        Role.SALES: "Sees and works the leads of their group, and those assigned to them or "
        "their unit, owned by them, or with them in the users set; creates leads for their "
        "own group.",
        Role.READ_ONLY: "Sees what a sales user of the same unit sees, and changes nothing.",
    },
)
_describe(
    Action,
    "What was done to a lead.",
    {
        Action.CREATE: "The lead was created (`createLead`).",
        Action.UPDATE: "Fields of the lead were changed (`updateLead`).",
        Action.START_PROGRESS: "Work on the lead started (`startLeadProgress`).",
        Action.WIN: "The lead was won (`winLead`).",
        Action.LOSE: "The lead was lost (`loseLead`).",
        Action.CANCEL: "The lead was cancelled (`cancelLead`).",
    },
    name="LeadChangeAction",
)
