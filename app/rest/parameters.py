"""The parameters of each method, as the seeds write them, read into the domain's commands:
the lead to act on, the list filters and paging, and the fields of a create or an update.

Identifiers are `field=value` in a query string (`lead_identifier=number=19`) and objects in a
body (`"lead_identifier": {"number": "69"}`). A set item names its record by its identifier
(`{"action": "add", "competitor_identifier": {...}}`); the items it removes, and every item of
`products_set`, wrap that in the set item's identifier (`"lead_competitor_identifier":
{"competitor_identifier": {...}}`), as the seeds' examples do. `lead_products_set`, as the
newer update example names the products set, is read as `products_set`. A source names its
record by `source_<type>_identifier`, as the seeds' `source_communications_identifier`.
"""

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Literal, cast

from app.domain.contacts import (
    AccountsReceivableChoice,
    ContactChoice,
    NewAccountsReceivable,
    NewContact,
)
from app.domain.enums import ContactType, Gender, Importance, LeadSourceType, TimeUnit
from app.domain.errors import ErrorCode
from app.domain.identifiers import Ref
from app.domain.leads.commands import (
    UNSET,
    LeadChanges,
    PeriodInput,
    ProductItemRef,
    ProductLevel,
    SetChange,
    SourceChoice,
    Unset,
)
from app.domain.leads.queries import DEFAULT_PAGE_SIZE, LeadFilter, PageRequest
from app.domain.models import UDF_DATE_FIELDS, UDF_FLOAT_FIELDS, UDF_STRING_FIELDS
from app.rest import values
from app.rest.errors import ALWAYS_WRAPPED, SET_ITEMS, Refusal, identifier
from app.rest.values import Reader, RecordKind

Read = Callable[[Reader, str], Any]


class ChoiceAction(StrEnum):
    """How a parameter picks a contact or an accounts receivable."""

    EXISTING = "EXISTING"
    NEW = "NEW"


class SetAction(StrEnum):
    """What an item of a set parameter does."""

    ADD = "ADD"
    REMOVE = "REMOVE"


def lead_ref(params: Reader) -> Ref | Unset:
    """The lead a method acts on (`lead_identifier`, mandatory)."""
    ref = params.identifier("lead_identifier", values.LEAD)
    return cast(Ref | Unset, params.required("lead_identifier", ref, "the lead's identifier"))


def status_ref(params: Reader) -> Ref | None:
    """The status a transition lands in (`status_identifier`); None for the lead type's
    default."""
    ref = params.identifier("status_identifier", values.LEAD_STATUS)
    return None if isinstance(ref, Unset) else ref


def lost_reason_ref(params: Reader) -> Ref | Unset:
    """Why a lead was lost (`lost_reason_identifier`, mandatory)."""
    ref = params.identifier("lost_reason_identifier", values.LOST_REASON)
    return cast(Ref | Unset, params.required("lost_reason_identifier", ref, "the lost reason"))


def win_account(params: Reader) -> AccountsReceivableChoice | None:
    """The accounts receivable a won lead is billed to: `{"action": "EXISTING",
    "accounts_receivable_identifier": {...}}` or `{"action": "NEW", "name": ...}`."""
    choice = params.object("accounts_receivable")
    if not isinstance(choice, Reader):
        return None
    action = choice.required("action", choice.choice("action", ChoiceAction), "EXISTING or NEW")
    account = None
    if action is ChoiceAction.NEW:
        name = choice.text("name")
        account = AccountsReceivableChoice(
            new=NewAccountsReceivable(None if isinstance(name, Unset) else name)
        )
    elif action is ChoiceAction.EXISTING:
        key = identifier("accounts_receivable")
        ref = choice.required(
            key, choice.identifier(key, values.ACCOUNTS_RECEIVABLE), "its identifier"
        )
        account = AccountsReceivableChoice(existing=ref) if isinstance(ref, Ref) else None
    else:
        choice.skip_rest()
    choice.finish()
    return account


# The list filters that identify a record: parameter, the domain's name, what it identifies.
_FILTER_IDENTIFIERS: tuple[tuple[str, str, RecordKind], ...] = (
    ("contact_information_identifier", "contact", values.CONTACT),
    ("accounts_receivable_identifier", "accounts_receivable", values.ACCOUNTS_RECEIVABLE),
    ("type_identifier", "type", values.LEAD_TYPE),
    ("category_identifier", "category", values.LEAD_CATEGORY),
)
# The parameters of `list` of which exactly one is given (the seeds' semi-optional ones).
SEMI_OPTIONAL_FILTERS = (
    "contact_information_identifier",
    "type_identifier",
    "category_identifier",
    "source_identifier",
    "importance",
    "priority",
)


def _exactly_one_filter(params: Reader) -> None:
    listed = ", ".join(SEMI_OPTIONAL_FILTERS)
    given = [name for name in SEMI_OPTIONAL_FILTERS if params.has(name)]
    if not given:
        params.refusals.append(Refusal(None, None, ErrorCode.REQUIRED, f"Give one of {listed}."))
    for name in given[1:]:
        params.refuse(
            name,
            params.values[name],
            ErrorCode.INVALID,
            f"Give only one of {listed}: {given[0]} is given already.",
        )


def _source_type(params: Reader) -> LeadSourceType | Unset:
    """`source_identifier=type=NOTIFICATIONS`: the leads from one kind of source."""
    ref = params.identifier("source_identifier", values.LEAD_SOURCE)
    if not isinstance(ref, Ref):
        return UNSET
    try:
        return LeadSourceType(ref.value.strip().upper())
    except ValueError:
        return params.refuse(
            "source_identifier.type",
            ref.value,
            ErrorCode.INVALID,
            f"Give one of {', '.join(LeadSourceType)}.",
        )


def lead_filter(params: Reader, *, semi_optional: bool) -> LeadFilter:
    """The conditions of a list, all of which apply; `semi_optional`: exactly one of
    SEMI_OPTIONAL_FILTERS is given, as `list` asks."""
    if semi_optional:
        _exactly_one_filter(params)
    conditions: dict[str, Any] = {
        name: params.identifier(parameter, kind) for parameter, name, kind in _FILTER_IDENTIFIERS
    }
    conditions["source"] = _source_type(params)
    conditions["importance"] = params.choice("importance", Importance)
    conditions["priority"] = params.integer("priority")
    return LeadFilter(**{name: value for name, value in conditions.items() if value is not UNSET})


def page(params: Reader) -> PageRequest:
    """`number_of_results` leads (20 when not given) after skipping `offset` of them."""
    first = params.integer("number_of_results")
    offset = params.integer("offset")
    return PageRequest(
        first=first if isinstance(first, int) else DEFAULT_PAGE_SIZE,
        offset=offset if isinstance(offset, int) else None,
    )


def due_within(params: Reader) -> tuple[int, TimeUnit] | Unset:
    """`period` and `uot` of get_close_to_estimated_completion_time, both mandatory."""
    period = params.required("period", params.integer("period"), "the period, a number of units")
    unit = params.required("uot", params.choice("uot", TimeUnit), "the unit of the period")
    if isinstance(period, int) and isinstance(unit, TimeUnit):
        return period, unit
    return UNSET


# create and update -------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """A parameter of create and update that gives one field of `LeadChanges`."""

    parameter: str
    name: str
    read: Read


def _identifying(kind: RecordKind) -> Read:
    return lambda params, key: params.identifier(key, kind)


def _account(params: Reader, key: str) -> Any:
    ref = params.identifier(key, values.ACCOUNTS_RECEIVABLE)
    return AccountsReceivableChoice(existing=ref) if isinstance(ref, Ref) else ref


def _period(params: Reader, key: str) -> PeriodInput | Unset | None:
    """`{"time_period_value": 3, "time_period_uot": "WEEKS"}`."""
    period = params.object(key)
    if not isinstance(period, Reader):
        return period
    value = period.required("time_period_value", period.integer("time_period_value"), "a number")
    unit = period.required("time_period_uot", period.choice("time_period_uot", TimeUnit), "a unit")
    period.finish()
    if isinstance(value, int) and isinstance(unit, TimeUnit):
        return PeriodInput(value, unit)
    return UNSET


def _importance(params: Reader, key: str) -> Importance | Unset | None:
    return params.choice(key, Importance)


_FIELDS: tuple[Field, ...] = (
    Field("contact_email", "contact_email", Reader.text),
    Field("contact_phone", "contact_phone", Reader.text),
    Field("description", "description", Reader.text),
    Field("probability_to_win", "probability_to_win", Reader.integer),
    Field("importance", "importance", _importance),
    Field("priority", "priority", Reader.integer),
    Field("target_amount", "target_amount", Reader.amount),
    Field("start_date", "start_date", Reader.moment),
    Field("expected_completion_date", "expected_completion_date", Reader.moment),
    Field("estimated_completion_time", "estimated_completion_time", _period),
    Field("type_identifier", "type", _identifying(values.LEAD_TYPE)),
    Field("status_identifier", "status", _identifying(values.LEAD_STATUS)),
    Field("category_identifier", "category", _identifying(values.LEAD_CATEGORY)),
    Field("lost_reason_identifier", "lost_reason", _identifying(values.LOST_REASON)),
    Field("accounts_receivable_identifier", "accounts_receivable", _account),
    Field("owned_by_group_identifier", "owned_by_group", _identifying(values.GROUP)),
    Field("privacy_level_identifier", "privacy_level", _identifying(values.PRIVACY_LEVEL)),
    Field("lead_owner", "lead_owner", _identifying(values.USER)),
    Field(
        "subscription_package_identifier",
        "subscription_package",
        _identifying(values.SUBSCRIPTION_PACKAGE),
    ),
)
_UDF: tuple[tuple[tuple[str, ...], Read], ...] = (
    (UDF_STRING_FIELDS, Reader.text),
    (UDF_FLOAT_FIELDS, Reader.number),
    (UDF_DATE_FIELDS, Reader.moment),
)
# The sets: parameter, the domain's name, and the levels its items may name.
_SETS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("users_set", "users", ("user",)),
    ("competitors_set", "competitors", ("competitor",)),
    ("services_set", "services", ("product", "product_type")),
    ("physical_goods_set", "physical_goods", ("product", "product_type")),
    ("products_set", "products", ("product", "product_type", "product_family", "product_brand")),
)
_PRODUCTS_ALIAS = "lead_products_set"
_LEVELS = {
    "user": values.USER,
    "competitor": values.COMPETITOR,
    "product": values.PRODUCT,
    "product_type": values.PRODUCT_TYPE,
    "product_family": values.PRODUCT_FAMILY,
    "product_brand": values.PRODUCT_BRAND,
}
_CONTACT_TEXTS = (
    "title",
    "first_name",
    "middle_name",
    "last_name",
    "company_name",
    "email",
    "phone",
)
_DEMOGRAPHIC_TEXTS = ("id_number", "passport_number", "social_security_number")


def _new_contact(contact: Reader) -> NewContact | Unset:
    kind = contact.required("type", contact.choice("type", ContactType), "PERSON or COMPANY")
    texts: dict[str, Any] = {key: contact.text(key) for key in _CONTACT_TEXTS}
    demographics = contact.object("demographics")
    if isinstance(demographics, Reader):
        texts |= {key: demographics.text(key) for key in _DEMOGRAPHIC_TEXTS}
        texts["gender"] = demographics.choice("gender", Gender)
        demographics.finish()
    if not isinstance(kind, ContactType):
        return UNSET
    return NewContact(type=kind, **{key: text for key, text in texts.items() if text is not UNSET})


def _contact(params: Reader, key: str) -> ContactChoice | Unset | None:
    """`{"action": "NEW", "type": ..., "first_name": ..., "demographics": {...}}` or
    `{"action": "EXISTING", "contact_information_identifier": {...}}`."""
    contact = params.object(key)
    if not isinstance(contact, Reader):
        return contact
    action = contact.required("action", contact.choice("action", ChoiceAction), "NEW or EXISTING")
    chosen: ContactChoice | Unset = UNSET
    if action is ChoiceAction.NEW:
        new = _new_contact(contact)
        chosen = UNSET if isinstance(new, Unset) else ContactChoice(new=new)
    elif action is ChoiceAction.EXISTING:
        named = identifier("contact_information")
        ref = contact.required(named, contact.identifier(named, values.CONTACT), "its identifier")
        chosen = ContactChoice(existing=ref) if isinstance(ref, Ref) else UNSET
    else:
        contact.skip_rest()
    contact.finish()
    return chosen


# The kinds of source that name a record, and the kind of record each names.
_SOURCE_RECORDS = {
    LeadSourceType.COMMUNICATIONS: values.COMMUNICATION,
    LeadSourceType.NOTIFICATIONS: values.NOTIFICATION,
    LeadSourceType.RECOMMENDEDBYEMPLOYEE: values.USER,
    LeadSourceType.RECOMMENDEDBYCONTACT: values.CONTACT,
}


def _source(params: Reader, key: str) -> SourceChoice | Unset | None:
    """`{"type": "WEBSITE", "name": ...}` or `{"type": "COMMUNICATIONS",
    "source_communications_identifier": {...}}`."""
    source = params.object(key)
    if not isinstance(source, Reader):
        return source
    kind = source.required("type", source.choice("type", LeadSourceType), "the source's type")
    chosen: SourceChoice | Unset = UNSET
    if not isinstance(kind, LeadSourceType):
        source.skip_rest()
    elif kind in _SOURCE_RECORDS:
        ref = source.identifier(f"source_{kind.lower()}_identifier", _SOURCE_RECORDS[kind])
        chosen = SourceChoice(kind, ref=ref if isinstance(ref, Ref) else None)
    else:
        name = source.text("name")
        chosen = SourceChoice(kind, name=None if isinstance(name, Unset) else name)
    source.finish()
    return chosen


def _assignment(params: Reader) -> dict[str, Any]:
    """`assigned_to: {"user_identifier": ..., "unit_identifier": ...}`: each part given is set
    (or cleared by null); null clears both."""
    assigned = params.object("assigned_to")
    if assigned is None:
        return {"assigned_user": None, "assigned_unit": None}
    if not isinstance(assigned, Reader):
        return {}
    parts = {
        "assigned_user": assigned.identifier(identifier("user"), values.USER),
        "assigned_unit": assigned.identifier(identifier("unit"), values.UNIT),
    }
    assigned.finish()
    return {name: part for name, part in parts.items() if part is not UNSET}


def _item_ref(named: Reader, levels: tuple[str, ...]) -> tuple[str, Ref] | None:
    """The one record an item names, at one of `levels`; None (and a refusal) otherwise."""
    given = [level for level in levels if named.has(identifier(level))]
    refs = {level: named.identifier(identifier(level), _LEVELS[level]) for level in given}
    if len(given) != 1:
        choices = " or ".join(identifier(level) for level in levels)
        named.refusals.append(
            Refusal(named.where, None, ErrorCode.INVALID, f"Name the item by one of {choices}.")
        )
    named.finish()
    if len(given) != 1:
        return None
    ref = refs[given[0]]
    return (given[0], ref) if isinstance(ref, Ref) else None


def _set_item(item: Reader, name: str, levels: tuple[str, ...], creating: bool) -> Any:
    """One add or remove item of a set; UNSET when it is wrong."""
    action = item.choice("action", SetAction)
    if creating and not item.has("action"):
        action = SetAction.ADD  # the seeds' create lists the items to add, without an action
    action = item.required("action", action, "add or remove")
    named: Reader | Unset | None = item
    if not isinstance(action, SetAction):
        item.skip_rest()
        named = None
    elif action is SetAction.REMOVE or name in ALWAYS_WRAPPED:
        wrapper = SET_ITEMS[name]
        named = item.required(wrapper, item.object(wrapper), "the set item's identifier")
    found = _item_ref(named, levels) if isinstance(named, Reader) else None
    item.finish()
    if found is None or not isinstance(action, SetAction):
        return UNSET
    level, ref = found
    verb: Literal["add", "remove"] = "add" if action is SetAction.ADD else "remove"
    if level in ("user", "competitor"):
        return SetChange(verb, ref)
    return SetChange(verb, ProductItemRef(cast(ProductLevel, level), ref))


def _sets(params: Reader, creating: bool) -> dict[str, Any]:
    sets: dict[str, Any] = {}
    for parameter, name, levels in _SETS:
        key = parameter
        if name == "products" and params.has(_PRODUCTS_ALIAS):
            key = _PRODUCTS_ALIAS
            if params.has(parameter):
                params.refuse(key, None, ErrorCode.INVALID, f"Give {parameter} or {key}, not both.")
                params.raw(key)
                key = parameter
        items = params.items(key)
        if isinstance(items, list):
            changes = [_set_item(item, name, levels, creating) for item in items]
            sets[name] = [change for change in changes if change is not UNSET]
        elif items is None:
            sets[name] = None
    return sets


def lead_changes(params: Reader, *, creating: bool) -> LeadChanges:
    """The fields of a create or an update: on create an omitted field takes its default; on
    update it is kept, and null clears it."""
    changes: dict[str, Any] = {field.name: field.read(params, field.parameter) for field in _FIELDS}
    changes["contact"] = _contact(params, "contact_information")
    changes["source"] = _source(params, "source")
    changes |= _assignment(params)
    changes |= _sets(params, creating)
    udf = {
        name: value
        for names, read in _UDF
        for name in names
        if (value := read(params, name)) is not UNSET
    }
    given = {name: value for name, value in changes.items() if value is not UNSET}
    return LeadChanges(**given, udf=udf)
