"""The lists a frontend needs for its forms."""

from typing import Annotated, Any, TypeVar

import strawberry

from app.domain import models
from app.domain.catalog import all_records, search_contacts
from app.domain.errors import DomainError
from app.domain.models import Entity
from app.graphql import catalog
from app.graphql.contacts import ContactInformation
from app.graphql.context import Info
from app.graphql.errors import query_error
from app.graphql.records import from_row, resolved

T = TypeVar("T")


def _every(cls: type[T], model: type[Entity], description: str, order_by: str = "name") -> Any:
    """A field listing every record of a catalog table."""

    async def resolve(info: Info) -> list[T]:
        async with info.context.reads() as session:
            rows = await all_records(session, model, order_by)
        return [from_row(cls, row) for row in rows]

    list_of: Any = list
    return strawberry.field(resolver=resolve, description=description, graphql_type=list_of[cls])


@strawberry.type
class ListsQuery:
    lead_types: list[catalog.LeadType] = _every(
        catalog.LeadType, models.LeadType, "Every lead type."
    )
    lead_statuses: list[catalog.LeadStatus] = _every(
        catalog.LeadStatus,
        models.LeadStatus,
        "Every lead status, with the life cycle state it belongs to.",
    )
    lead_categories: list[catalog.LeadCategory] = _every(
        catalog.LeadCategory, models.LeadCategory, "Every lead category."
    )
    lost_reasons: list[catalog.LostReason] = _every(
        catalog.LostReason, models.LostReason, "Every lost reason."
    )
    competitors: list[catalog.Competitor] = _every(
        catalog.Competitor, models.Competitor, "Every competitor."
    )
    products: list[catalog.Product] = _every(
        catalog.Product, models.Product, "Every product.", order_by="code"
    )
    users: list[catalog.User] = _every(
        catalog.User, models.User, "Every user.", order_by="username"
    )
    groups: list[catalog.Group] = _every(catalog.Group, models.Group, "Every group.")
    units: list[catalog.Unit] = _every(catalog.Unit, models.Unit, "Every unit.")

    @resolved(
        description="Contacts whose names, id number or passport number contain the search "
        "text (at most 50)."
    )
    async def contacts(
        self,
        info: Info,
        search: Annotated[
            str | None,
            strawberry.argument(
                description="Text to look for, at most 200 characters; all contacts when omitted."
            ),
        ] = None,
    ) -> list[ContactInformation]:
        try:
            async with info.context.reads() as session:
                rows = await search_contacts(session, search)
        except DomainError as error:
            raise query_error(error) from None
        return [from_row(ContactInformation, row) for row in rows]
