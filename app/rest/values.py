"""Reading the parameters of a call, one typed value at a time: from a query string (every
value text, identifiers as `field=value`) or from a JSON body (identifiers as objects).

A reader records what is wrong with each parameter and goes on, so that a call reports every
problem at once; a parameter it refuses reads as not given. Shape only: what the values mean is
the domain's to decide.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from math import isfinite
from typing import Any, TypeVar

import orjson

from app.domain.columns import INTEGER_RANGE
from app.domain.errors import ErrorCode
from app.domain.identifiers import Ref
from app.domain.leads.commands import UNSET, Unset
from app.rest.errors import SECRETS, Refusal, RequestError

E = TypeVar("E", bound=StrEnum)
NUL_TEXT = "Text cannot contain the NUL character (U+0000)."


@dataclass(frozen=True)
class RecordKind:
    """A kind of record a parameter identifies, and the fields that may identify it."""

    label: str
    keys: tuple[str, ...]

    @property
    def spelled_keys(self) -> str:
        *others, last = self.keys
        return f"{', '.join(others)} or {last}" if others else last


_NAMED = ("id", "name", "alternative_code")
LEAD = RecordKind("lead", ("id", "number"))
CONTACT = RecordKind("contact information", ("id", "id_number", "passport_number"))
ACCOUNTS_RECEIVABLE = RecordKind("accounts receivable", ("id", "number", "name"))
LEAD_TYPE = RecordKind("lead type", _NAMED)
LEAD_STATUS = RecordKind("lead status", _NAMED)
LEAD_CATEGORY = RecordKind("lead category", ("id", "name", "code"))
LOST_REASON = RecordKind("lost reason", _NAMED)
GROUP = RecordKind("group", _NAMED)
UNIT = RecordKind("unit", _NAMED)
PRIVACY_LEVEL = RecordKind("privacy level", _NAMED)
SUBSCRIPTION_PACKAGE = RecordKind("subscription package", _NAMED)
USER = RecordKind("user", ("id", "username"))
COMPETITOR = RecordKind("competitor", ("id", "name"))
PRODUCT = RecordKind("product", ("id", "code", "alternative_code"))
PRODUCT_TYPE = RecordKind("product type", _NAMED)
PRODUCT_FAMILY = RecordKind("product family", ("id", "name", "code"))
PRODUCT_BRAND = RecordKind("product brand", ("id", "name"))
COMMUNICATION = RecordKind("communication", ("id", "number"))
NOTIFICATION = RecordKind("notification", ("id", "number"))
LEAD_SOURCE = RecordKind("lead source", ("type",))


def shown(value: Any) -> str:
    """A value as a refusal repeats it: text as it is, anything else as JSON."""
    if isinstance(value, str):
        return value
    return orjson.dumps(value, default=str).decode()


class Reader:
    """The parameters of one object of a call: the query string, the body, or an object
    within it (`where` is its name, `assigned_to` or `users_set[1]`)."""

    def __init__(
        self,
        values: Mapping[str, Any],
        refusals: list[Refusal],
        *,
        query: bool,
        where: str = "",
    ) -> None:
        self.values = values
        self.refusals = refusals
        self.query = query
        self.where = where
        self.unread = set(values)

    def name(self, key: str) -> str:
        """The full name of the parameter `key` of this object."""
        return f"{self.where}.{key}" if self.where else key

    def refuse(self, key: str, value: Any, code: ErrorCode, reason: str) -> Unset:
        """Record a problem with the parameter `key`; it then reads as not given."""
        shown_value = None if value is None or key in SECRETS else shown(value)
        self.refusals.append(Refusal(self.name(key), shown_value, code, reason))
        return UNSET

    def has(self, key: str) -> bool:
        """Whether the parameter `key` was given (null counts as given)."""
        return key in self.values

    def raw(self, key: str) -> Any:
        """The value of `key` as sent; UNSET when absent."""
        self.unread.discard(key)
        return self.values.get(key, UNSET)

    def required(self, key: str, value: Any, what: str) -> Any:
        """`value`, which was read from `key`; REQUIRED when it was not given or null."""
        if value is UNSET and self.has(key):
            return UNSET  # refused already
        if value is UNSET or value is None:
            return self.refuse(key, None, ErrorCode.REQUIRED, f"Give {what}.")
        return value

    def text(self, key: str) -> str | Unset | None:
        """A text; None for null."""
        value = self.raw(key)
        if value is UNSET or value is None:
            return value
        if not isinstance(value, str):
            return self.refuse(key, value, ErrorCode.INVALID, "Give a text.")
        if "\x00" in value:
            return self.refuse(key, value, ErrorCode.INVALID, NUL_TEXT)
        return value

    def integer(self, key: str) -> int | Unset | None:
        """A whole number that an INTEGER column holds; None for null."""
        value = self.raw(key)
        if value is UNSET or value is None:
            return value
        number: Any = value
        if self.query and isinstance(value, str):
            try:
                number = int(value.strip(), 10)
            except ValueError:
                number = value
        if isinstance(number, bool) or not isinstance(number, int):
            return self.refuse(key, value, ErrorCode.INVALID, "Give a whole number.")
        if number not in INTEGER_RANGE:
            return self.refuse(
                key, value, ErrorCode.INVALID, "Give a whole number of at most 10 digits."
            )
        return number

    def number(self, key: str) -> float | Unset | None:
        """A finite number; None for null."""
        value = self.raw(key)
        if value is UNSET or value is None:
            return value
        if isinstance(value, bool) or not isinstance(value, int | float):
            return self.refuse(key, value, ErrorCode.INVALID, "Give a number.")
        if not isfinite(value):
            return self.refuse(key, value, ErrorCode.INVALID, "Give a finite number.")
        return float(value)

    def amount(self, key: str) -> Decimal | Unset | None:
        """An exact decimal, sent as a number or as its text; None for null."""
        value = self.raw(key)
        if value is UNSET or value is None:
            return value
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = repr(value)  # the shortest text that gives back the number sent
        if isinstance(value, str) and "\x00" not in value:
            try:
                return Decimal(value.strip())
            except InvalidOperation:
                pass
        return self.refuse(key, value, ErrorCode.INVALID, "Give an amount, such as 1234.50.")

    def moment(self, key: str) -> datetime | Unset | None:
        """A date and time in ISO 8601 (`2015-02-20T17:28:30`, read as UTC without an offset);
        None for null."""
        value = self.text(key)
        if value is UNSET or value is None:
            return value
        try:
            moment = datetime.fromisoformat(value.strip())
        except ValueError:
            return self.refuse(
                key, value, ErrorCode.INVALID, "Give a date and time such as 2015-02-20T17:28:30."
            )
        return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)

    def choice(self, key: str, values: type[E]) -> E | Unset | None:
        """One of the values of an enumeration, in any case; None for null."""
        value = self.text(key)
        if value is UNSET or value is None:
            return value
        try:
            return values(value.strip().upper())
        except ValueError:
            allowed = ", ".join(values)
            return self.refuse(key, value, ErrorCode.INVALID, f"Give one of {allowed}.")

    def identifier(self, key: str, kind: RecordKind) -> Ref | Unset | None:
        """A record named by one of its fields: `field=value` in a query string, an object of
        one field in a body; None for null."""
        value = self.raw(key)
        if value is UNSET or value is None:
            return value
        pair: tuple[Any, Any] | None = None
        if self.query and isinstance(value, str) and "=" in value:
            field, _, text = value.partition("=")
            pair = (field.strip(), text)
        elif isinstance(value, dict) and len(value) == 1:
            pair = next(iter(value.items()))
        form = "field=value" if self.query else '{"field": "value"}'
        if pair is None:
            return self.refuse(
                key,
                value,
                ErrorCode.INVALID,
                f"Name the {kind.label} by one field, as {form}: {kind.spelled_keys}.",
            )
        field, text = pair
        if field not in kind.keys:
            return self.refuse(
                key,
                value,
                ErrorCode.INVALID,
                f"A {kind.label} is named by {kind.spelled_keys}, not by {field!r}.",
            )
        if isinstance(text, int) and not isinstance(text, bool):
            text = str(text)
        if not isinstance(text, str):
            return self.refuse(
                f"{key}.{field}", text, ErrorCode.INVALID, "Give the value as a text."
            )
        if "\x00" in text:
            return self.refuse(f"{key}.{field}", text, ErrorCode.INVALID, NUL_TEXT)
        return Ref(field, text)

    def object(self, key: str) -> "Reader | Unset | None":
        """The parameters of an object-valued parameter; None for null."""
        value = self.raw(key)
        if value is UNSET or value is None:
            return value
        if not isinstance(value, dict):
            return self.refuse(key, value, ErrorCode.INVALID, "Give an object.")
        return Reader(value, self.refusals, query=False, where=self.name(key))

    def items(self, key: str) -> "list[Reader] | Unset | None":
        """The objects of a list-valued parameter; None for null."""
        value = self.raw(key)
        if value is UNSET or value is None:
            return value
        if not isinstance(value, list):
            return self.refuse(key, value, ErrorCode.INVALID, "Give a list of objects.")
        items = []
        for index, item in enumerate(value):
            where = f"{self.name(key)}[{index}]"
            if isinstance(item, dict):
                items.append(Reader(item, self.refusals, query=False, where=where))
            else:
                self.refusals.append(
                    Refusal(where, shown(item), ErrorCode.INVALID, "Give an object.")
                )
        return items

    def skip_rest(self) -> None:
        """Read nothing more of this object: what it holds cannot be told apart (its `action` or
        `type` was wrong), so its other parameters are not refused one by one."""
        self.unread.clear()

    def finish(self) -> None:
        """Refuse the parameters that nothing read: the call does not take them."""
        for key in sorted(self.unread):
            self.refuse(
                key, self.values[key], ErrorCode.INVALID, "This call takes no such parameter."
            )
        self.unread.clear()

    def check(self) -> None:
        """Refuse the call, with every problem found, unless all its parameters were right
        (those it does not take included); run once every parameter is read."""
        self.finish()
        if self.refusals:
            raise RequestError(self.refusals)
