"""The lists a frontend needs for its forms."""

from typing import Annotated, TypeVar

import strawberry

from app.domain import models
from app.domain.catalog import all_records, search_contacts
from app.domain.models import Entity
from app.graphql import catalog
from app.graphql.contacts import ContactInformation
from app.graphql.context import Info
from app.graphql.records import from_row, resolved

T = TypeVar("T")


async def _all(info: Info, cls: type[T], model: type[Entity], order_by: str = "name") -> list[T]:
    async with info.context.database.reader() as session:
        rows = await all_records(session, model, order_by)
    return [from_row(cls, row) for row in rows]


@strawberry.type
class ListsQuery:
    @resolved(description="Every lead type.")
    async def lead_types(self, info: Info) -> list[catalog.LeadType]:
        return await _all(info, catalog.LeadType, models.LeadType)

    @resolved(description="Every lead status, with the life cycle state it belongs to.")
    async def lead_statuses(self, info: Info) -> list[catalog.LeadStatus]:
        return await _all(info, catalog.LeadStatus, models.LeadStatus)

    @resolved(description="Every lead category.")
    async def lead_categories(self, info: Info) -> list[catalog.LeadCategory]:
        return await _all(info, catalog.LeadCategory, models.LeadCategory)

    @resolved(description="Every lost reason.")
    async def lost_reasons(self, info: Info) -> list[catalog.LostReason]:
        return await _all(info, catalog.LostReason, models.LostReason)

    @resolved(description="Every competitor.")
    async def competitors(self, info: Info) -> list[catalog.Competitor]:
        return await _all(info, catalog.Competitor, models.Competitor)

    @resolved(description="Every product.")
    async def products(self, info: Info) -> list[catalog.Product]:
        return await _all(info, catalog.Product, models.Product, order_by="code")

    @resolved(description="Every user.")
    async def users(self, info: Info) -> list[catalog.User]:
        return await _all(info, catalog.User, models.User, order_by="username")

    @resolved(description="Every group.")
    async def groups(self, info: Info) -> list[catalog.Group]:
        return await _all(info, catalog.Group, models.Group)

    @resolved(description="Every unit.")
    async def units(self, info: Info) -> list[catalog.Unit]:
        return await _all(info, catalog.Unit, models.Unit)

    @resolved(
        description="Contacts whose names, id number or passport number contain the search "
        "text (at most 50)."
    )
    async def contacts(
        self,
        info: Info,
        search: Annotated[
            str | None,
            strawberry.argument(description="Text to look for; all contacts when omitted."),
        ] = None,
    ) -> list[ContactInformation]:
        async with info.context.database.reader() as session:
            rows = await search_contacts(session, search)
        return [from_row(ContactInformation, row) for row in rows]
