"""The lead mutations. Each converts its input, runs one service in one transaction, and
reports refusals as `errors` (nothing written)."""

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import in_transaction
from app.domain import models
from app.domain.errors import DomainError
from app.domain.leads import service
from app.domain.leads.commands import LeadAction
from app.graphql.context import Info
from app.graphql.errors import UserError, user_errors
from app.graphql.leads.inputs import (
    AccountsReceivableChoice,
    CreateLeadInput,
    UpdateLeadInput,
    lead_changes,
)
from app.graphql.leads.types import Lead
from app.graphql.records import mutation
from app.graphql.refs import LeadRef, LeadStatusRef, LostReasonRef


@strawberry.type(description="The result of a lead mutation.")
class LeadPayload:
    lead: Lead | None = strawberry.field(
        description="The lead as it is now; null when the mutation was refused."
    )
    errors: list[UserError] = strawberry.field(description="Every problem found; empty on success.")


RefArgument = Annotated[LeadRef, strawberry.argument(description="The lead, by id or number.")]
StatusArgument = Annotated[
    LeadStatusRef | None,
    strawberry.argument(description="The status to use; the lead type's default when omitted."),
]
VersionArgument = Annotated[
    int | None,
    strawberry.argument(
        description="Apply only if the lead is still at this version; CONFLICT otherwise."
    ),
]


async def _run(info: Info, work: Callable[[AsyncSession], Awaitable[models.Lead]]) -> LeadPayload:
    try:
        row = await in_transaction(info.context.database.writer, work)
    except DomainError as error:
        return LeadPayload(lead=None, errors=user_errors(error))
    return LeadPayload(lead=Lead.of(row), errors=[])


def _action(
    info: Info,
    ref: LeadRef,
    status: LeadStatusRef | None = None,
    expected_version: int | None = None,
) -> LeadAction:
    """The domain's account of who acts on which lead, from the request and its arguments."""
    return LeadAction(
        ref=ref.to_ref(),
        actor=info.context.actor,
        now=info.context.now,
        status=None if status is None else status.to_ref(),
        expected_version=expected_version,
    )


def _status_only(
    act: Callable[[AsyncSession, LeadAction], Awaitable[models.Lead]], description: str
) -> Any:
    """A mutation for an action that takes nothing but the lead, a status and a version."""

    async def resolve(
        info: Info,
        ref: RefArgument,
        status: StatusArgument = None,
        expected_version: VersionArgument = None,
    ) -> LeadPayload:
        action = _action(info, ref, status, expected_version)
        return await _run(info, lambda session: act(session, action))

    return strawberry.mutation(resolver=resolve, description=description)


@strawberry.type
class LeadMutation:
    @mutation(description="Create a lead (the seeds' `create`).")
    async def create_lead(
        self,
        info: Info,
        input: Annotated[CreateLeadInput, strawberry.argument(description="The new lead.")],
    ) -> LeadPayload:
        changes = lead_changes(input)
        context = info.context
        return await _run(
            info,
            lambda session: service.create_lead(session, changes, context.actor, context.now),
        )

    @mutation(description="Change a lead that is not WON or LOST (the seeds' `update`).")
    async def update_lead(
        self,
        info: Info,
        ref: RefArgument,
        input: Annotated[UpdateLeadInput, strawberry.argument(description="The changes.")],
        expected_version: VersionArgument = None,
    ) -> LeadPayload:
        action = _action(info, ref, expected_version=expected_version)
        changes = lead_changes(input)
        return await _run(info, lambda session: service.update_lead(session, action, changes))

    start_lead_progress: LeadPayload = _status_only(
        service.start_lead_progress, "Move a PENDING lead to IN_PROGRESS."
    )

    @mutation(description="Mark an IN_PROGRESS lead WON.")
    async def win_lead(
        self,
        info: Info,
        ref: RefArgument,
        accounts_receivable: Annotated[
            AccountsReceivableChoice | None,
            strawberry.argument(
                description="The account to bill: EXISTING (one of the contact's) or NEW; "
                "required when the lead has none."
            ),
        ] = None,
        status: StatusArgument = None,
        expected_version: VersionArgument = None,
    ) -> LeadPayload:
        action = _action(info, ref, status, expected_version)
        account = None if accounts_receivable is None else accounts_receivable.to_domain()
        return await _run(info, lambda session: service.win_lead(session, action, account))

    @mutation(description="Mark an open lead LOST, for a reason.")
    async def lose_lead(
        self,
        info: Info,
        ref: RefArgument,
        lost_reason: Annotated[
            LostReasonRef, strawberry.argument(description="Why the lead was lost.")
        ],
        status: StatusArgument = None,
        expected_version: VersionArgument = None,
    ) -> LeadPayload:
        action = _action(info, ref, status, expected_version)
        reason = lost_reason.to_ref()
        return await _run(info, lambda session: service.lose_lead(session, action, reason))

    cancel_lead: LeadPayload = _status_only(service.cancel_lead, "Cancel an open lead.")
