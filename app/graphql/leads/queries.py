"""The lead queries: one lead, and the lists of the seeds (all sharing one set of arguments)."""

from collections.abc import Sequence
from typing import Annotated, Any

import strawberry
from strawberry.types.nodes import SelectedField, Selection

from app.domain.enums import Importance, LeadSourceType, LifeCycleState, TimeUnit
from app.domain.errors import DomainError
from app.domain.leads import queries
from app.domain.leads.queries import DEFAULT_PAGE_SIZE, LeadView, PageRequest
from app.graphql.context import Info
from app.graphql.errors import query_error
from app.graphql.leads.types import Lead, LeadConnection
from app.graphql.records import resolved
from app.graphql.refs import (
    AccountsReceivableRef,
    ContactRef,
    LeadCategoryRef,
    LeadRef,
    LeadTypeRef,
)


@strawberry.input(description="Conditions on the leads of a list; the ones given all apply.")
class LeadFilter:
    contact: ContactRef | None = strawberry.field(
        default=None, description="Leads with this contact."
    )
    accounts_receivable: AccountsReceivableRef | None = strawberry.field(
        default=None, description="Leads billed to this accounts receivable."
    )
    type: LeadTypeRef | None = strawberry.field(default=None, description="Leads of this type.")
    category: LeadCategoryRef | None = strawberry.field(
        default=None, description="Leads of this category."
    )
    source: LeadSourceType | None = strawberry.field(
        default=None, description="Leads from this kind of source."
    )
    importance: Importance | None = strawberry.field(
        default=None, description="Leads of this importance."
    )
    priority: int | None = strawberry.field(default=None, description="Leads of this priority.")

    def to_domain(self) -> queries.LeadFilter:
        """The domain's form."""
        return queries.LeadFilter(
            contact=None if self.contact is None else self.contact.to_ref(),
            accounts_receivable=(
                None if self.accounts_receivable is None else self.accounts_receivable.to_ref()
            ),
            type=None if self.type is None else self.type.to_ref(),
            category=None if self.category is None else self.category.to_ref(),
            source=self.source,
            importance=self.importance,
            priority=self.priority,
        )


FilterArgument = Annotated[
    LeadFilter | None, strawberry.argument(description="Conditions the leads must meet.")
]
FirstArgument = Annotated[
    int | None,
    strawberry.argument(description="How many leads to return, at most 100 (default 20)."),
]
AfterArgument = Annotated[
    str | None,
    strawberry.argument(description="Return the leads after this cursor (from `edges`)."),
]
OffsetArgument = Annotated[
    int | None,
    strawberry.argument(description="Skip this many leads first (instead of `after`)."),
]


async def _page(
    info: Info,
    view: LeadView,
    lead_filter: LeadFilter | None,
    first: int | None,
    after: str | None,
    offset: int | None,
) -> LeadConnection:
    domain_filter = queries.LeadFilter() if lead_filter is None else lead_filter.to_domain()
    try:
        async with info.context.reads() as session:
            page = await queries.find_leads(
                session,
                info.context.actor,
                view,
                domain_filter,
                PageRequest(
                    first=DEFAULT_PAGE_SIZE if first is None else first,
                    after=after,
                    offset=offset,
                ),
                info.context.now,
                with_total=any(asks_total(node.selections) for node in info.selected_fields),
            )
    except DomainError as error:
        raise query_error(error) from None
    return LeadConnection.of(page)


def asks_total(selections: Sequence[Selection]) -> bool:
    """Whether a list's selection holds `totalCount`, directly or in its fragments (whatever
    its directives say: counting when not needed costs a little, not counting would fail)."""
    return any(
        selection.name == "totalCount"
        if isinstance(selection, SelectedField)
        else asks_total(selection.selections)
        for selection in selections
    )


def _lead_list(view: LeadView, description: str) -> Any:
    """A list field over `view`, with the common arguments."""

    async def resolve(
        info: Info,
        filter: FilterArgument = None,
        first: FirstArgument = DEFAULT_PAGE_SIZE,
        after: AfterArgument = None,
        offset: OffsetArgument = None,
    ) -> LeadConnection:
        return await _page(info, view, filter, first, after, offset)

    return strawberry.field(resolver=resolve, description=description)


def _state(state: LifeCycleState) -> LeadView:
    return LeadView(states=frozenset({state}))


@strawberry.type
class LeadQuery:
    leads: LeadConnection = _lead_list(LeadView(), "Leads in every state.")
    pending_leads: LeadConnection = _lead_list(_state(LifeCycleState.PENDING), "PENDING leads.")
    in_progress_leads: LeadConnection = _lead_list(
        _state(LifeCycleState.IN_PROGRESS), "IN_PROGRESS leads."
    )
    won_leads: LeadConnection = _lead_list(_state(LifeCycleState.WON), "WON leads.")
    lost_leads: LeadConnection = _lead_list(_state(LifeCycleState.LOST), "LOST leads.")
    cancelled_leads: LeadConnection = _lead_list(
        _state(LifeCycleState.CANCELLED), "CANCELLED leads."
    )
    overdue_leads: LeadConnection = _lead_list(
        LeadView(overdue=True),
        "Open leads (PENDING or IN_PROGRESS) whose expected completion date has passed.",
    )

    @resolved(
        description="One lead; null when the reference matches none that the signed-in user "
        "may see.",
        by_key=True,
    )
    async def lead(
        self,
        info: Info,
        ref: Annotated[LeadRef, strawberry.argument(description="The lead, by id or number.")],
    ) -> Lead | None:
        try:
            async with info.context.reads() as session:
                row = await queries.find_lead(session, info.context.actor, ref.to_ref())
        except DomainError as error:
            raise query_error(error) from None
        return None if row is None else Lead.of(row)

    @resolved(
        description="Open leads whose expected completion date falls between now and now plus "
        "the period."
    )
    async def leads_close_to_completion(
        self,
        info: Info,
        period: Annotated[int, strawberry.argument(description="How many units ahead.")],
        unit: Annotated[TimeUnit, strawberry.argument(description="The unit of the period.")],
        filter: FilterArgument = None,
        first: FirstArgument = DEFAULT_PAGE_SIZE,
        after: AfterArgument = None,
        offset: OffsetArgument = None,
    ) -> LeadConnection:
        view = LeadView(due_within=(period, unit))
        return await _page(info, view, filter, first, after, offset)
