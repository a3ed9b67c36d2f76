"""A lead's change history as GraphQL shows it: who did which action when, field by field."""

from datetime import datetime
from typing import Any

import strawberry
from strawberry.scalars import JSON

from app.domain import models
from app.domain.enums import Action
from app.domain.leads.history import HistoryPage, encode_cursor
from app.graphql import catalog
from app.graphql.context import Info
from app.graphql.errors import camel_keys, field_name
from app.graphql.paging import Connection, connection_fields
from app.graphql.records import described, load_one, resolved


@strawberry.type(description="One field an action changed, with its value before and after.")
class FieldChange:
    field: str = described(
        "The lead's field, as the API names it (`status`, `targetAmount`, `assignedTo.user`, "
        "`competitorsSet`...)."
    )
    old_value: JSON | None = described(
        "The value before: null when the field had none (always on CREATE) and for a set. A "
        "reference is an object with its id and natural key, a date ISO 8601 in UTC, money a "
        "decimal string."
    )
    new_value: JSON | None = described(
        "The value after, typed as `oldValue`; for a set, `{added: [...], removed: [...]}` "
        "with the items added and removed."
    )

    @classmethod
    def of(cls, change: dict[str, Any]) -> "FieldChange":
        """The API's form of one change the domain recorded."""
        return cls(
            field=field_name(change["field"]),
            old_value=camel_keys(change["old"]),
            new_value=camel_keys(change["new"]),
        )


@strawberry.type(description="One entry of a lead's history: one action and what it changed.")
class LeadChange:
    cursor: str = described("Pass it as `after` to continue after this entry.")
    at: datetime = described("When the action was taken.")
    action: Action = described("What was done.")
    changes: list[FieldChange] = described("Each field the action changed.")
    row: strawberry.Private[models.LeadChange]

    @classmethod
    def of(cls, row: models.LeadChange) -> "LeadChange":
        """The API's form of a history entry."""
        assert row.sequence is not None
        return cls(
            cursor=encode_cursor(row.sequence),
            at=row.at,
            action=row.action,
            changes=[FieldChange.of(change) for change in row.changes],
            row=row,
        )

    @resolved(description="The user who took the action.")
    async def by(self, info: Info) -> catalog.User | None:
        return await load_one(catalog.User, info.context.loaders.user, self.row.by_user_id)


@strawberry.type(description="A page of a lead's history, oldest first.")
class LeadChangeConnection(Connection[LeadChange]):
    @classmethod
    def of(cls, page: HistoryPage) -> "LeadChangeConnection":
        """The connection for a page of history entries."""
        nodes = [LeadChange.of(row) for row in page.entries]
        fields = connection_fields(
            nodes, lambda node: node.cursor, page.has_next_page, page.has_previous_page
        )
        return cls(**fields)
