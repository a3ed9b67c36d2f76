"""The closed vocabularies of the leads domain, as the seeds spell them."""

from enum import StrEnum


class LifeCycleState(StrEnum):
    """Where a lead stands; every status belongs to exactly one of these."""

    PENDING = "PENDING"
    IN_PROGRESS = "IN_PROGRESS"
    WON = "WON"
    LOST = "LOST"
    CANCELLED = "CANCELLED"


OPEN_STATES = frozenset({LifeCycleState.PENDING, LifeCycleState.IN_PROGRESS})
COMPLETED_STATES = frozenset({LifeCycleState.WON, LifeCycleState.LOST, LifeCycleState.CANCELLED})


class Action(StrEnum):
    """What can be done to a lead; each successful one is an entry of the lead's history."""

    CREATE = "CREATE"
    UPDATE = "UPDATE"
    START_PROGRESS = "START_PROGRESS"
    WIN = "WIN"
    LOSE = "LOSE"
    CANCEL = "CANCEL"


# How the domain's messages name each action ("win the lead instead").
ACTION_PHRASES = {
    Action.CREATE: "create a lead",
    Action.UPDATE: "update the lead",
    Action.START_PROGRESS: "start progress on the lead",
    Action.WIN: "win the lead",
    Action.LOSE: "lose the lead",
    Action.CANCEL: "cancel the lead",
}


class Role(StrEnum):
    """What a user may see and do."""

    ADMINISTRATOR = "ADMINISTRATOR"
    SALES = "SALES"
    READ_ONLY = "READ_ONLY"


class TimeUnit(StrEnum):
    """Units of a time period, smallest first."""

    MINUTES = "MINUTES"
    HOURS = "HOURS"
    DAYS = "DAYS"
    WEEKS = "WEEKS"
    MONTHS = "MONTHS"
    YEARS = "YEARS"


class Importance(StrEnum):
    """How much a lead matters: five ranks and three custom levels."""

    IMPORTANCE1 = "IMPORTANCE1"
    IMPORTANCE2 = "IMPORTANCE2"
    IMPORTANCE3 = "IMPORTANCE3"
    IMPORTANCE4 = "IMPORTANCE4"
    IMPORTANCE5 = "IMPORTANCE5"
    CUSTOM1 = "CUSTOM1"
    CUSTOM2 = "CUSTOM2"
    CUSTOM3 = "CUSTOM3"


class LeadSourceType(StrEnum):
    """Where a lead came from."""

    WEBSITE = "WEBSITE"
    ADVERTISEMENT = "ADVERTISEMENT"
    COMMUNICATIONS = "COMMUNICATIONS"
    NOTIFICATIONS = "NOTIFICATIONS"
    RECOMMENDEDBYEMPLOYEE = "RECOMMENDEDBYEMPLOYEE"
    RECOMMENDEDBYCONTACT = "RECOMMENDEDBYCONTACT"
    CUSTOM1 = "CUSTOM1"
    CUSTOM2 = "CUSTOM2"
    CUSTOM3 = "CUSTOM3"


class CustomSourceKind(StrEnum):
    """The custom kinds of lead source, each a name of the organisation's own choosing."""

    CUSTOM1 = "CUSTOM1"
    CUSTOM2 = "CUSTOM2"
    CUSTOM3 = "CUSTOM3"


CUSTOM_SOURCE_TYPES = frozenset(LeadSourceType(kind) for kind in CustomSourceKind)


class ContactType(StrEnum):
    """A contact is a person or a company."""

    PERSON = "PERSON"
    COMPANY = "COMPANY"


class ContactLifeCycleState(StrEnum):
    """A contact is MARKETING until it owns an accounts receivable, FINANCIAL after."""

    MARKETING = "MARKETING"
    FINANCIAL = "FINANCIAL"


class AccountsReceivableState(StrEnum):
    """Life cycle of an accounts receivable."""

    ACTIVE = "ACTIVE"
    SUSPENDED = "SUSPENDED"
    TERMINATED = "TERMINATED"


class Gender(StrEnum):
    """A person's gender as CRM.COM records it."""

    MALE = "MALE"
    FEMALE = "FEMALE"


class ProductClassification(StrEnum):
    """Whether a product type is a service or a physical good."""

    SERVICES = "SERVICES"
    PHYSICALGOODS = "PHYSICALGOODS"


class ProductSet(StrEnum):
    """The three product sets of a lead."""

    SERVICES = "SERVICES"
    PHYSICAL_GOODS = "PHYSICAL_GOODS"
    PRODUCTS = "PRODUCTS"
