"""References: `@oneOf` inputs that name one record by id or by a natural key."""

import dataclasses
from typing import Any

import strawberry

from app.domain.identifiers import Ref


class _Reference:
    """Turns the one key given into a domain `Ref` (`@oneOf` guarantees there is one)."""

    def to_ref(self) -> Ref:
        """The key given and its value."""
        for field in dataclasses.fields(self):  # type: ignore[arg-type]
            value = getattr(self, field.name)
            if value is not None:
                return Ref(field.name, str(value))
        raise ValueError("a @oneOf reference without a value")


def _id() -> Any:
    return strawberry.field(description="The record's opaque identifier.")


def _name() -> Any:
    return strawberry.field(description="The record's name.")


def _alternative_code() -> Any:
    return strawberry.field(description="The record's alternative code.")


def _code() -> Any:
    return strawberry.field(description="The record's code.")


def _number() -> Any:
    return strawberry.field(description="The record's number.")


@strawberry.input(description="A record named by id, name or alternative code.")
class _ByIdNameOrCode(_Reference):
    id: strawberry.ID | None = _id()
    name: str | None = _name()
    alternative_code: str | None = _alternative_code()


@strawberry.input(one_of=True, description="A lead, by id or by number.")
class LeadRef(_Reference):
    id: strawberry.ID | None = _id()
    number: str | None = _number()


@strawberry.input(one_of=True, description="A contact, by id, id number or passport number.")
class ContactRef(_Reference):
    id: strawberry.ID | None = _id()
    id_number: str | None = strawberry.field(description="The contact's identity card number.")
    passport_number: str | None = strawberry.field(description="The contact's passport number.")


@strawberry.input(one_of=True, description="An accounts receivable, by id, number or name.")
class AccountsReceivableRef(_Reference):
    id: strawberry.ID | None = _id()
    number: str | None = _number()
    name: str | None = _name()


@strawberry.input(one_of=True, description="A lead type, by id, name or alternative code.")
class LeadTypeRef(_ByIdNameOrCode):
    pass


@strawberry.input(one_of=True, description="A lead status, by id, name or alternative code.")
class LeadStatusRef(_ByIdNameOrCode):
    pass


@strawberry.input(one_of=True, description="A lost reason, by id, name or alternative code.")
class LostReasonRef(_ByIdNameOrCode):
    pass


@strawberry.input(one_of=True, description="A group, by id, name or alternative code.")
class GroupRef(_ByIdNameOrCode):
    pass


@strawberry.input(one_of=True, description="A unit, by id, name or alternative code.")
class UnitRef(_ByIdNameOrCode):
    pass


@strawberry.input(one_of=True, description="A privacy level, by id, name or alternative code.")
class PrivacyLevelRef(_ByIdNameOrCode):
    pass


@strawberry.input(
    one_of=True, description="A subscription package, by id, name or alternative code."
)
class SubscriptionPackageRef(_ByIdNameOrCode):
    pass


@strawberry.input(one_of=True, description="A product type, by id, name or alternative code.")
class ProductTypeRef(_ByIdNameOrCode):
    pass


@strawberry.input(one_of=True, description="A lead category, by id, name or code.")
class LeadCategoryRef(_Reference):
    id: strawberry.ID | None = _id()
    name: str | None = _name()
    code: str | None = _code()


@strawberry.input(one_of=True, description="A product family, by id, name or code.")
class ProductFamilyRef(_Reference):
    id: strawberry.ID | None = _id()
    name: str | None = _name()
    code: str | None = _code()


@strawberry.input(one_of=True, description="A product brand, by id or name.")
class ProductBrandRef(_Reference):
    id: strawberry.ID | None = _id()
    name: str | None = _name()


@strawberry.input(one_of=True, description="A competitor, by id or name.")
class CompetitorRef(_Reference):
    id: strawberry.ID | None = _id()
    name: str | None = _name()


@strawberry.input(one_of=True, description="A user, by id or username.")
class UserRef(_Reference):
    id: strawberry.ID | None = _id()
    username: str | None = strawberry.field(description="The user's sign-in name.")


@strawberry.input(one_of=True, description="A product, by id, code or alternative code.")
class ProductRef(_Reference):
    id: strawberry.ID | None = _id()
    code: str | None = _code()
    alternative_code: str | None = _alternative_code()


@strawberry.input(one_of=True, description="A communication, by id or number.")
class CommunicationRef(_Reference):
    id: strawberry.ID | None = _id()
    number: str | None = _number()


@strawberry.input(one_of=True, description="A notification, by id or number.")
class NotificationRef(_Reference):
    id: strawberry.ID | None = _id()
    number: str | None = _number()
