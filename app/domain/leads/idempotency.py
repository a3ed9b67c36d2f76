"""Idempotency keys of creates: a user who sends a create again under the same key (a re-run
import, a request retried after a lost answer) gets the lead the first one made, and nothing
is written twice.

A key belongs to the user who gave it, so one user's key never finds another user's lead. The
write path records the key with the lead, in the same transaction (`writes.insert_lead`).
"""

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.domain.auth import Actor
from app.domain.errors import DomainError, ErrorCode
from app.domain.identifiers import Ref
from app.domain.leads.queries import find_lead
from app.domain.models import IdempotencyKey, Lead

KEY_PATH = ("idempotency_key",)
MAX_KEY_LENGTH: int = IdempotencyKey.__table__.c["key"].type.length  # type: ignore[attr-defined]


def check_key(key: str) -> None:
    """A key is some text that fits its column."""
    if not key or len(key) > MAX_KEY_LENGTH:
        raise DomainError.single(
            KEY_PATH,
            key,
            ErrorCode.INVALID,
            f"An idempotency key has from 1 to {MAX_KEY_LENGTH} characters.",
        )


async def lead_created_under(session: AsyncSession, actor: Actor, key: str) -> Lead | None:
    """The lead `actor` created under `key`, or None when they have not used the key.

    The lead comes through the read path: should it have moved out of the actor's sight
    since (given to another group), the key is CONFLICT rather than a way to read it.
    """
    lead_id = await session.scalar(
        select(col(IdempotencyKey.lead_id)).where(
            col(IdempotencyKey.user_id) == actor.user_id, col(IdempotencyKey.key) == key
        )
    )
    if lead_id is None:
        return None
    lead = await find_lead(session, actor, Ref("id", lead_id))
    if lead is None:
        raise DomainError.single(
            KEY_PATH,
            key,
            ErrorCode.CONFLICT,
            "This idempotency key made a lead you may no longer see; use another key.",
        )
    return lead
