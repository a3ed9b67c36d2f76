"""The inputs of the lead mutations, and their translation into domain commands.

`CreateLeadInput` and `UpdateLeadInput` share one list of the lead's writable fields
(`LEAD_FIELDS`): on create an omitted field takes its default; on update an omitted field is
kept and an explicit null clears it (`strawberry.Maybe`).
"""

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar, cast

import strawberry

from app.domain import contacts
from app.domain.enums import (
    ContactType,
    CustomSourceKind,
    Gender,
    Importance,
    LeadSourceType,
    TimeUnit,
)
from app.domain.leads import commands
from app.domain.leads.commands import NOT_CLEARABLE, UNSET, LeadChanges, SetChange
from app.graphql.refs import (
    AccountsReceivableRef,
    CommunicationRef,
    CompetitorRef,
    ContactRef,
    GroupRef,
    LeadCategoryRef,
    LeadStatusRef,
    LeadTypeRef,
    LostReasonRef,
    NotificationRef,
    PrivacyLevelRef,
    ProductBrandRef,
    ProductFamilyRef,
    ProductRef,
    ProductTypeRef,
    SubscriptionPackageRef,
    UnitRef,
    UserRef,
)

T = TypeVar("T")


def _optional(description: str) -> Any:
    return strawberry.field(default=None, description=description)


@strawberry.input(description="Identity documents and other demographics of a new contact.")
class DemographicsInput:
    gender: Gender | None = _optional("A person's gender.")
    id_number: str | None = _optional("The identity card number.")
    passport_number: str | None = _optional("The passport number.")
    social_security_number: str | None = _optional("The social security number.")


@strawberry.input(description="A contact to create with the lead.")
class NewContactInput:
    type: ContactType = strawberry.field(description="Person or company.")
    title: str | None = _optional("A person's title.")
    first_name: str | None = _optional("A person's first name (required for a PERSON).")
    middle_name: str | None = _optional("A person's middle name.")
    last_name: str | None = _optional("A person's last name (required for a PERSON).")
    company_name: str | None = _optional("A company's name (required for a COMPANY).")
    email: str | None = _optional("The contact's email address.")
    phone: str | None = _optional("The contact's phone number.")
    demographics: DemographicsInput | None = _optional("Identity documents and the like.")

    def to_domain(self) -> contacts.NewContact:
        """The domain's form."""
        demographics = self.demographics or DemographicsInput()
        return contacts.NewContact(
            **{
                name: getattr(demographics if hasattr(demographics, name) else self, name)
                for name in contacts.NewContact.__dataclass_fields__
            }
        )


@strawberry.input(one_of=True, description="An existing contact, or a new one to create.")
class ContactChoice:
    existing: ContactRef | None = strawberry.field(description="An existing contact.")
    new: NewContactInput | None = strawberry.field(description="A contact to create.")

    def to_domain(self) -> contacts.ContactChoice:
        """The domain's form."""
        if self.existing is not None:
            return contacts.ContactChoice(existing=self.existing.to_ref())
        assert self.new is not None
        return contacts.ContactChoice(new=self.new.to_domain())


@strawberry.input(description="An accounts receivable to open for the lead's contact.")
class NewAccountsReceivableInput:
    name: str | None = _optional("The account's name; the contact's name when omitted.")


@strawberry.input(
    one_of=True,
    description="An existing accounts receivable of the lead's contact (EXISTING), or a new "
    "one to open for that contact, who becomes FINANCIAL (NEW).",
)
class AccountsReceivableChoice:
    existing: AccountsReceivableRef | None = strawberry.field(
        description="An accounts receivable the lead's contact owns."
    )
    new: NewAccountsReceivableInput | None = strawberry.field(
        description="A new accounts receivable for the lead's contact."
    )

    def to_domain(self) -> contacts.AccountsReceivableChoice:
        """The domain's form."""
        if self.existing is not None:
            return contacts.AccountsReceivableChoice(existing=self.existing.to_ref())
        assert self.new is not None
        return contacts.AccountsReceivableChoice(
            new=contacts.NewAccountsReceivable(name=self.new.name)
        )


@strawberry.input(description="A source of a custom kind.")
class CustomSourceInput:
    kind: CustomSourceKind = strawberry.field(description="Which custom kind.")
    name: str = strawberry.field(description="The source's name.")


@strawberry.input(one_of=True, description="Where a lead came from: exactly one kind.")
class LeadSourceInput:
    website: str | None = strawberry.field(description="A website, by name.")
    advertisement: str | None = strawberry.field(description="An advertisement, by name.")
    communication: CommunicationRef | None = strawberry.field(
        description="A communication with the contact."
    )
    notification: NotificationRef | None = strawberry.field(
        description="A notification sent to the contact."
    )
    recommended_by_employee: UserRef | None = strawberry.field(
        description="A user who recommended the lead."
    )
    recommended_by_contact: ContactRef | None = strawberry.field(
        description="A contact who recommended the lead."
    )
    custom: CustomSourceInput | None = strawberry.field(description="A custom kind of source.")

    def to_domain(self) -> commands.SourceChoice:
        """The domain's form."""
        if self.website is not None:
            return commands.SourceChoice(LeadSourceType.WEBSITE, name=self.website)
        if self.advertisement is not None:
            return commands.SourceChoice(LeadSourceType.ADVERTISEMENT, name=self.advertisement)
        if self.custom is not None:
            return commands.SourceChoice(LeadSourceType(self.custom.kind), name=self.custom.name)
        references: dict[LeadSourceType, Any] = {
            LeadSourceType.COMMUNICATIONS: self.communication,
            LeadSourceType.NOTIFICATIONS: self.notification,
            LeadSourceType.RECOMMENDEDBYEMPLOYEE: self.recommended_by_employee,
            LeadSourceType.RECOMMENDEDBYCONTACT: self.recommended_by_contact,
        }
        kind, ref = next((kind, ref) for kind, ref in references.items() if ref is not None)
        return commands.SourceChoice(kind, ref=ref.to_ref())


@strawberry.input(description="A time period: a whole number of units.")
class TimePeriodInput:
    value: int = strawberry.field(description="How many units (more than zero).")
    unit: TimeUnit = strawberry.field(description="The unit.")

    def to_domain(self) -> commands.PeriodInput:
        """The domain's form."""
        return commands.PeriodInput(value=self.value, unit=self.unit)


@strawberry.input(description="Who a lead is assigned to; each part may be set or cleared.")
class AssignedToInput:
    user: strawberry.Maybe[UserRef | None] = strawberry.field(
        description="The user working the lead; null clears it."
    )
    unit: strawberry.Maybe[UnitRef | None] = strawberry.field(
        description="The unit working the lead; null clears it."
    )


@strawberry.input(
    one_of=True,
    description="An item of a product set: one product, or a whole type, family or brand.",
)
class ProductItemRef:
    product: ProductRef | None = strawberry.field(description="One product.")
    product_type: ProductTypeRef | None = strawberry.field(description="A whole product type.")
    product_family: ProductFamilyRef | None = strawberry.field(
        description="A whole product family."
    )
    product_brand: ProductBrandRef | None = strawberry.field(description="A whole product brand.")

    def to_domain(self) -> commands.ProductItemRef:
        """The domain's form."""
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if value is not None:
                return commands.ProductItemRef(
                    level=cast(commands.ProductLevel, field.name), ref=value.to_ref()
                )
        raise ValueError("a @oneOf product item without a value")


def _set_change(item_type: type, label: str) -> type:
    """A `@oneOf {add, remove}` input over `item_type`."""

    @strawberry.input(
        name=f"{item_type.__name__.removesuffix('Ref')}SetChange",
        one_of=True,
        description=f"Add {label} to the set, or remove it.",
    )
    class SetChangeInput:
        add: item_type | None = strawberry.field(  # type: ignore[valid-type]
            description=f"{label.capitalize()} to add."
        )
        remove: item_type | None = strawberry.field(  # type: ignore[valid-type]
            description=f"{label.capitalize()} to remove."
        )

        def to_domain(self) -> SetChange[Any]:
            """The domain's form."""
            if self.add is not None:
                return SetChange("add", _domain(self.add))
            return SetChange("remove", _domain(self.remove))

    return SetChangeInput


UserSetChange = _set_change(UserRef, "a user")
CompetitorSetChange = _set_change(CompetitorRef, "a competitor")
ProductItemSetChange = _set_change(ProductItemRef, "a product item")


@dataclass(frozen=True)
class LeadField:
    """One writable field of a lead as both inputs declare it."""

    name: str
    create_type: Any
    update_type: Any
    description: str
    domain_name: str | None = None
    is_set: bool = False
    deprecation: str | None = None


def _plain(name: str, python_type: Any, description: str, **options: Any) -> LeadField:
    return LeadField(name, python_type, python_type, description, **options)


def _set(name: str, ref: Any, change: Any, description: str) -> LeadField:
    return LeadField(name, list[ref], list[change], description, is_set=True)


LEAD_FIELDS: tuple[LeadField, ...] = (
    _plain(
        "contact_information",
        ContactChoice,
        "The contact: an existing one or a new one.",
        domain_name="contact",
    ),
    _plain("type", LeadTypeRef, "The lead's type."),
    _plain("source", LeadSourceInput, "Where the lead came from."),
    _plain("importance", Importance, "How much the lead matters."),
    _plain("priority", int, "The priority, 1 to 6."),
    _plain(
        "status",
        LeadStatusRef,
        "The status; on create it defaults to the type's (PENDING or IN_PROGRESS), on update it "
        "stays within the lead's life cycle state: `startLeadProgress`, `winLead`, `loseLead` "
        "and `cancelLead` move a lead to another.",
    ),
    _plain("category", LeadCategoryRef, "The category; defaults to the type's."),
    _plain(
        "accounts_receivable",
        AccountsReceivableChoice,
        "The accounts receivable; required on create when the contact owns one.",
    ),
    _plain("probability_to_win", int, "The chance of winning, 0 to 100 percent."),
    _plain("target_amount", Decimal, "The amount the sale aims at."),
    _plain("description", str, "Free text about the lead."),
    _plain(
        "contact_email",
        str,
        "The email address for the contact; required on create when the type emails them.",
    ),
    _plain(
        "contact_phone",
        str,
        "The phone number for the contact; required on create when the type messages them.",
    ),
    _plain("assigned_to", AssignedToInput, "Who the lead is assigned to."),
    _plain("owned_by_group", GroupRef, "The group that owns the lead."),
    _plain("privacy_level", PrivacyLevelRef, "Who may see the lead."),
    _plain("lead_owner", UserRef, "The user who owns the lead."),
    _plain("subscription_package", SubscriptionPackageRef, "The subscription package."),
    _plain("start_date", datetime, "When work starts; now when omitted."),
    _plain(
        "expected_completion_date",
        datetime,
        "When the lead should complete. Give it or `estimatedCompletionTime`, not both.",
    ),
    _plain(
        "estimated_completion_time",
        TimePeriodInput,
        "How long the lead should take from its start date; the expected completion date "
        "is computed from it.",
    ),
    _set("users", UserRef, UserSetChange, "The users in the lead's team."),
    _set("competitors", CompetitorRef, CompetitorSetChange, "The competitors chasing it."),
    _set("services", ProductItemRef, ProductItemSetChange, "The services it is about."),
    _set("physical_goods", ProductItemRef, ProductItemSetChange, "The physical goods it is about."),
    _set("products", ProductItemRef, ProductItemSetChange, "The products it is about."),
    *(_plain(f"udf_string_{n}", str, f"User-defined text field {n}.") for n in range(1, 9)),
    *(_plain(f"udf_float_{n}", float, f"User-defined number field {n}.") for n in range(1, 5)),
    *(_plain(f"udf_date_{n}", datetime, f"User-defined date field {n}.") for n in range(1, 5)),
)
UPDATE_ONLY_FIELDS: tuple[LeadField, ...] = (
    _plain(
        "lost_reason",
        LostReasonRef,
        "Deprecated since CRM.COM R11.1.0, with the update into a LOST status: any value, null "
        "too, is refused with INVALID_TRANSITION; `loseLead` takes the lost reason.",
        deprecation="Use `loseLead`, which takes the lost reason.",
    ),
)


def _with_fields(
    fields: tuple[LeadField, ...], annotate: Callable[[LeadField], tuple[Any, Any]]
) -> Callable[[type[T]], type[T]]:
    """Adds `fields` to an input class before Strawberry reads it."""

    def add(cls: type[T]) -> type[T]:
        for field in fields:
            annotation, default = annotate(field)
            cls.__annotations__[field.name] = annotation
            setattr(cls, field.name, default)
        return cls

    return add


def _create_annotation(field: LeadField) -> tuple[Any, Any]:
    return field.create_type | None, strawberry.field(default=None, description=field.description)


def _update_annotation(field: LeadField) -> tuple[Any, Any]:
    maybe: Any = strawberry.Maybe
    cleared = (field.domain_name or field.name) not in NOT_CLEARABLE
    effect = "clears it" if cleared else "is refused: it cannot be cleared"
    # A deprecated field is refused whatever its value; its description says so.
    description = field.description if field.deprecation else f"{field.description} Null {effect}."
    return maybe[field.update_type | None], strawberry.field(
        description=description, deprecation_reason=field.deprecation
    )


_MANDATORY_ON_CREATE = frozenset(
    {"contact_information", "type", "source", "importance", "priority"}
)


@strawberry.input(description="A new lead. Fields not given take their defaults.")
@_with_fields(
    tuple(field for field in LEAD_FIELDS if field.name not in _MANDATORY_ON_CREATE),
    _create_annotation,
)
class CreateLeadInput:
    contact_information: ContactChoice = strawberry.field(
        description="The contact: an existing one or a new one."
    )
    source: LeadSourceInput = strawberry.field(description="Where the lead came from.")
    type: LeadTypeRef = strawberry.field(description="The lead's type.")
    importance: Importance = strawberry.field(description="How much the lead matters.")
    priority: int = strawberry.field(description="The priority, 1 to 6.")


@strawberry.input(
    description="Changes to a lead: a field not given is kept, a field given as null is "
    "cleared; sets change by lists of add and remove items."
)
@_with_fields((*LEAD_FIELDS, *UPDATE_ONLY_FIELDS), _update_annotation)
class UpdateLeadInput:
    pass


def _domain(value: Any) -> Any:
    """An input value in the domain's terms."""
    if hasattr(value, "to_domain"):
        return value.to_domain()
    if hasattr(value, "to_ref"):
        return value.to_ref()
    return value


def _given(raw: Any) -> Any:
    """UNSET for an omitted field, else the value (None for an explicit null on update)."""
    if raw is None:
        return UNSET
    if isinstance(raw, strawberry.Some):
        return raw.value
    return raw


def lead_changes(source: CreateLeadInput | UpdateLeadInput) -> LeadChanges:
    """The domain's `LeadChanges` for a create or update input."""
    values: dict[str, Any] = {}
    udf: dict[str, Any] = {}
    fields = (
        LEAD_FIELDS if isinstance(source, CreateLeadInput) else (*LEAD_FIELDS, *UPDATE_ONLY_FIELDS)
    )
    for field in fields:
        value = _given(getattr(source, field.name))
        name = field.domain_name or field.name
        if value is UNSET:
            continue
        if field.name.startswith("udf_"):
            udf[field.name] = _domain(value)
        elif field.name == "assigned_to":
            values.update(_assignment(value))
        elif field.is_set:
            values[name] = None if value is None else [_set_item(item) for item in value]
        else:
            values[name] = None if value is None else _domain(value)
    return LeadChanges(**values, udf=udf)


def _set_item(item: Any) -> SetChange[Any]:
    converted = _domain(item)
    return converted if isinstance(converted, SetChange) else SetChange("add", converted)


def _assignment(value: AssignedToInput | None) -> dict[str, Any]:
    if value is None:
        return {"assigned_user": None, "assigned_unit": None}
    parts = {"assigned_user": _given(value.user), "assigned_unit": _given(value.unit)}
    return {
        name: None if part is None else _domain(part)
        for name, part in parts.items()
        if part is not UNSET
    }
