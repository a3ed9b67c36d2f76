"""The columns of the files that `leads import` reads and `leads export` writes: the seeds'
create parameters in snake_case, one value per cell.

A record is named as `field=value` (`id_number=21312312`, `name=Software Purchase`), with the
fields the seeds allow for it; a set lists its items separated by `;`. Reading a cell only
turns its text into what the domain's `LeadChanges` takes: whether the value is acceptable is
the domain's to say.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from math import isfinite
from typing import Any, TypeVar, cast

from app.domain import models
from app.domain.contacts import AccountsReceivableChoice, ContactChoice
from app.domain.enums import Importance, LeadSourceType, TimeUnit
from app.domain.errors import Path
from app.domain.identifiers import Ref
from app.domain.leads.commands import (
    LeadChanges,
    PeriodInput,
    ProductItemRef,
    ProductLevel,
    SetChange,
    SourceChoice,
)
from app.domain.leads.validation import SOURCE_REFERENCES
from app.domain.models import UDF_DATE_FIELDS, UDF_FLOAT_FIELDS, UDF_STRING_FIELDS
from app.domain.related import RowRecord

E = TypeVar("E", bound=StrEnum)
SET_SEPARATOR = ";"


class CellError(ValueError):
    """A cell whose text is not a value of its column; the message says what it should be."""


@dataclass(frozen=True)
class RecordKind:
    """How a cell names one kind of record: `field=value`, with one of `fields` (natural
    keys first, `id` last)."""

    label: str
    model: type[models.Entity]
    fields: tuple[str, ...]

    def ref(self, text: str) -> Ref:
        """The reference a cell's `field=value` makes."""
        name, equals, value = text.partition("=")
        name, value = name.strip(), value.strip()
        if not equals or name not in self.fields or not value:
            raise CellError(f"{text!r} does not name a {self.label}: give {self.form}.")
        return Ref(name, value)

    @property
    def form(self) -> str:
        """The ways to name this kind, as help and messages list them."""
        forms = [f"{name}=VALUE" for name in self.fields]
        return f"{', '.join(forms[:-1])} or {forms[-1]}"

    def spell(self, record: models.Entity | RowRecord) -> str:
        """A cell naming `record` by its first natural key that has a value."""
        name = next(name for name in self.fields if getattr(record, name, None))
        return f"{name}={getattr(record, name)}"


def _named(label: str, model: type[models.Entity]) -> RecordKind:
    return RecordKind(label, model, ("name", "alternative_code", "id"))


CONTACT = RecordKind("contact", models.Contact, ("id_number", "passport_number", "id"))
ACCOUNTS_RECEIVABLE = RecordKind(
    "accounts receivable", models.AccountsReceivable, ("number", "name", "id")
)
LEAD_TYPE = _named("lead type", models.LeadType)
LEAD_STATUS = _named("lead status", models.LeadStatus)
CATEGORY = RecordKind("lead category", models.LeadCategory, ("name", "code", "id"))
GROUP = _named("group", models.Group)
UNIT = _named("unit", models.Unit)
PRIVACY_LEVEL = _named("privacy level", models.PrivacyLevel)
USER = RecordKind("user", models.User, ("username", "id"))
COMMUNICATION = RecordKind("communication", models.Communication, ("number", "id"))
NOTIFICATION = RecordKind("notification", models.Notification, ("number", "id"))
COMPETITOR = RecordKind("competitor", models.Competitor, ("name", "id"))
PRODUCT_LEVELS: dict[ProductLevel, RecordKind] = {
    "product": RecordKind("product", models.Product, ("code", "alternative_code", "id")),
    "product_type": _named("product type", models.ProductType),
    "product_family": RecordKind("product family", models.ProductFamily, ("name", "code", "id")),
    "product_brand": RecordKind("product brand", models.ProductBrand, ("name", "id")),
}
_KINDS = {kind.model: kind for kind in (CONTACT, USER, COMMUNICATION, NOTIFICATION)}
# The kinds of source that name a record (the domain's list), and how a cell names it; the
# other kinds carry a name.
SOURCE_RECORDS: dict[LeadSourceType, RecordKind] = {
    source: _KINDS[model] for source, (model, _, _) in SOURCE_REFERENCES.items()
}


def _text(text: str) -> str:
    return text


def _whole_number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise CellError(f"{text!r} is not a whole number.") from None


def _amount(text: str) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation:
        raise CellError(f"{text!r} is not a number.") from None


def _number(text: str) -> float:
    try:
        number = float(text)
    except ValueError:
        number = float("nan")
    if not isfinite(number):
        raise CellError(f"{text!r} is not a number.")
    return number


def _moment(text: str) -> datetime:
    """ISO 8601; without an offset it is UTC, as the domain reads it."""
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise CellError(
            f"{text!r} is not a date and time in ISO 8601 (2026-12-01T09:30:00)."
        ) from None


def _choice(enum: type[E]) -> Callable[[str], E]:
    def read(text: str) -> E:
        try:
            return enum(text.upper())
        except ValueError:
            raise CellError(f"{text!r} is not one of {', '.join(enum)}.") from None

    return read


def _items(text: str) -> list[str]:
    return [item.strip() for item in text.split(SET_SEPARATOR) if item.strip()]


def _set_of(kind: RecordKind) -> Callable[[str], list[SetChange[Ref]]]:
    def read(text: str) -> list[SetChange[Ref]]:
        return [SetChange("add", kind.ref(item)) for item in _items(text)]

    return read


def _product_item(text: str) -> SetChange[ProductItemRef]:
    level, dot, reference = text.partition(".")
    kind = PRODUCT_LEVELS.get(cast(ProductLevel, level.strip()))
    if not dot or kind is None:
        raise CellError(
            f"{text!r} does not name a product item: give level.field=value, with level one "
            f"of {', '.join(PRODUCT_LEVELS)}."
        )
    return SetChange("add", ProductItemRef(cast(ProductLevel, level.strip()), kind.ref(reference)))


def _product_set(text: str) -> list[SetChange[ProductItemRef]]:
    return [_product_item(item) for item in _items(text)]


@dataclass(frozen=True)
class Column:
    """One column: what it holds, the `LeadChanges` field it fills (a `udf_*` column fills
    `udf`), and how its text becomes that field's value. `kind` is the record a reference
    column names."""

    name: str
    description: str
    field: str
    read: Callable[[str], Any]
    kind: RecordKind | None = None


def _reference(
    name: str,
    description: str,
    domain_field: str,
    kind: RecordKind,
    wrap: Callable[[Ref], Any] = lambda ref: ref,
) -> Column:
    return Column(
        name,
        f"{description}: {kind.form}",
        domain_field,
        lambda text: wrap(kind.ref(text)),
        kind,
    )


SOURCE_TYPE = Column(
    "source_type", f"one of {', '.join(LeadSourceType)}", "source", _choice(LeadSourceType)
)
SOURCE = Column(
    "source",
    "a name, or for "
    + ", ".join(f"{kind} {record.form}" for kind, record in SOURCE_RECORDS.items()),
    "source",
    _text,
)
ESTIMATED_VALUE = Column(
    "estimated_completion_time_value",
    "whole units from the start date, with estimated_completion_time_unit",
    "estimated_completion_time",
    _whole_number,
)
ESTIMATED_UNIT = Column(
    "estimated_completion_time_unit",
    f"one of {', '.join(TimeUnit)}",
    "estimated_completion_time",
    _choice(TimeUnit),
)
# Every column, in the seeds' order, as files list them.
COLUMNS: tuple[Column, ...] = (
    _reference(
        "contact_information_identifier",
        "the existing contact",
        "contact",
        CONTACT,
        lambda ref: ContactChoice(existing=ref),
    ),
    _reference("type_identifier", "the lead type", "type", LEAD_TYPE),
    SOURCE_TYPE,
    SOURCE,
    Column("importance", f"one of {', '.join(Importance)}", "importance", _choice(Importance)),
    Column("priority", "1 to 6", "priority", _whole_number),
    _reference("status_identifier", "the status (the type's when empty)", "status", LEAD_STATUS),
    _reference("category_identifier", "the category (the type's when empty)", "category", CATEGORY),
    _reference(
        "accounts_receivable_identifier",
        "the contact's accounts receivable (required when they own one)",
        "accounts_receivable",
        ACCOUNTS_RECEIVABLE,
        lambda ref: AccountsReceivableChoice(existing=ref),
    ),
    Column("description", "free text", "description", _text),
    Column("contact_email", "required when the type emails on creation", "contact_email", _text),
    Column("contact_phone", "required when the type messages on creation", "contact_phone", _text),
    Column("probability_to_win", "0 to 100", "probability_to_win", _whole_number),
    Column("target_amount", "money, at most two decimals", "target_amount", _amount),
    Column("start_date", "ISO 8601, UTC without an offset; now when empty", "start_date", _moment),
    Column(
        "expected_completion_date",
        "ISO 8601; this or estimated_completion_time_value and _unit",
        "expected_completion_date",
        _moment,
    ),
    ESTIMATED_VALUE,
    ESTIMATED_UNIT,
    _reference("assigned_to_user_identifier", "the user working the lead", "assigned_user", USER),
    _reference("assigned_to_unit_identifier", "the unit working the lead", "assigned_unit", UNIT),
    _reference(
        "owned_by_group_identifier",
        "the owning group (the importer's when empty)",
        "owned_by_group",
        GROUP,
    ),
    _reference("privacy_level_identifier", "who may see it", "privacy_level", PRIVACY_LEVEL),
    _reference("lead_owner", "the user who owns the lead", "lead_owner", USER),
    Column("users_set", f"users, separated by ';': {USER.form}", "users", _set_of(USER)),
    Column(
        "competitors_set",
        f"competitors, separated by ';': {COMPETITOR.form}",
        "competitors",
        _set_of(COMPETITOR),
    ),
    Column(
        "services_set",
        "services, separated by ';': LEVEL.FIELD=VALUE (product.code=VALUE, "
        "product_type.name=VALUE, product_family.code=VALUE...)",
        "services",
        _product_set,
    ),
    Column(
        "physical_goods_set",
        "physical goods, separated by ';', as services_set",
        "physical_goods",
        _product_set,
    ),
    *(Column(name, "text", name, _text) for name in UDF_STRING_FIELDS),
    *(Column(name, "a number", name, _number) for name in UDF_FLOAT_FIELDS),
    *(Column(name, "ISO 8601", name, _moment) for name in UDF_DATE_FIELDS),
)
# The columns that make a value on their own; the source and the estimated completion time
# take two cells each.
_PAIRED = frozenset({SOURCE_TYPE.name, SOURCE.name, ESTIMATED_VALUE.name, ESTIMATED_UNIT.name})
FIELD_COLUMNS = tuple(column for column in COLUMNS if column.name not in _PAIRED)
COLUMN_NAMES = frozenset(column.name for column in COLUMNS)
_BY_FIELD = {column.field: column.name for column in reversed(COLUMNS)}

# A problem with one cell (its column), or with the row as a whole (None).
CellProblem = tuple[str | None, str]


class RowError(ValueError):
    """A row whose cells cannot become a request; nothing was sent to the domain."""

    def __init__(self, problems: list[CellProblem]) -> None:
        super().__init__("; ".join(message for _, message in problems))
        self.problems = problems


def column_of(path: Path | None) -> str | None:
    """The column a domain problem's path names, None when it names none."""
    if path is None or len(path) < 2 or path[0] != "changes":
        return None
    name = str(path[1])
    if name == "source":
        return SOURCE_TYPE.name if len(path) == 2 else SOURCE.name
    return _BY_FIELD.get(name)


class _RowReader:
    """Reads the cells of one row, collecting the problem of every cell it cannot read."""

    def __init__(self, cells: Mapping[str, str]) -> None:
        self.cells = cells
        self.problems: list[CellProblem] = []

    def read(self, column: Column, read: Callable[[str], Any] | None = None) -> Any:
        """The value of a cell that is there (None when it is not, or cannot be read)."""
        text = self.cells.get(column.name)
        if text is None:
            return None
        try:
            return (read or column.read)(text)
        except CellError as error:
            self.problems.append((column.name, str(error)))
            return None

    def missing(self, column: Column, beside: Column) -> None:
        self.problems.append((column.name, f"give {column.name} with {beside.name}."))

    def source(self) -> SourceChoice | None:
        kind: LeadSourceType | None = self.read(SOURCE_TYPE)
        if kind is None:
            if SOURCE.name in self.cells and SOURCE_TYPE.name not in self.cells:
                self.missing(SOURCE_TYPE, SOURCE)
            return None
        record = SOURCE_RECORDS.get(kind)
        if record is None:
            return SourceChoice(kind, name=self.cells.get(SOURCE.name))
        return SourceChoice(kind, ref=self.read(SOURCE, record.ref))

    def estimate(self) -> PeriodInput | None:
        has_value, has_unit = (c.name in self.cells for c in (ESTIMATED_VALUE, ESTIMATED_UNIT))
        if has_value != has_unit:
            if has_value:
                self.missing(ESTIMATED_UNIT, ESTIMATED_VALUE)
            else:
                self.missing(ESTIMATED_VALUE, ESTIMATED_UNIT)
            return None
        value, unit = self.read(ESTIMATED_VALUE), self.read(ESTIMATED_UNIT)
        return None if value is None or unit is None else PeriodInput(value, unit)


def lead_changes(cells: Mapping[str, str]) -> LeadChanges:
    """The create request a row's non-empty cells make; RowError with every cell that is
    not a value of its column."""
    reader = _RowReader(cells)
    values: dict[str, Any] = {}
    udf: dict[str, object] = {}
    for column in FIELD_COLUMNS:
        value = reader.read(column)
        if value is not None:
            (udf if column.name.startswith("udf_") else values)[column.field] = value
    for name, value in (
        ("source", reader.source()),
        ("estimated_completion_time", reader.estimate()),
    ):
        if value is not None:
            values[name] = value
    if reader.problems:
        raise RowError(reader.problems)
    return LeadChanges(**values, udf=udf)
