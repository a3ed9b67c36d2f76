"""Sign-in: argon2id passwords, opaque tokens stored only as their SHA-256, with an expiry."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.domain.enums import Role
from app.domain.errors import DomainError, ErrorCode
from app.domain.models import AccessToken, Unit, User

_hasher = PasswordHasher()

# Verified when the username is unknown, so that a wrong username costs as long as a wrong
# password and the answer's timing does not tell which half was wrong.
_DECOY_HASH = _hasher.hash(secrets.token_hex(16))


@dataclass(frozen=True)
class Actor:
    """Who reads or changes leads: the signed-in user, their role, the unit they act for and
    that unit's group (what decides which leads they may see)."""

    user_id: str
    username: str
    role: Role
    unit_id: str | None
    group_id: str | None


@dataclass(frozen=True)
class SignedIn:
    """The user a token belongs to, and the same user as the actor of what they do."""

    user: User
    actor: Actor


@dataclass(frozen=True)
class Session:
    """A token just issued; the token itself is never stored."""

    token: str
    expires_at: datetime
    user: User


def hash_password(password: str) -> str:
    """An argon2id hash of `password`."""
    return _hasher.hash(password)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _password_matches(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


async def log_in(
    session: AsyncSession, username: str, password: str, now: datetime, lifetime: timedelta
) -> Session:
    """A new token for the user whose credentials these are; one vague error otherwise."""
    user = await session.scalar(
        select(User).where(func.lower(col(User.username)) == username.lower())
    )
    if user is None:
        _password_matches(_DECOY_HASH, password)
    if user is None or not _password_matches(user.password_hash, password):
        raise DomainError.single(
            None, None, ErrorCode.INVALID, "The username or the password is wrong."
        )
    token = secrets.token_urlsafe(32)
    expires_at = now + lifetime
    session.add(
        AccessToken(
            token_hash=_token_hash(token), user_id=user.id, created_at=now, expires_at=expires_at
        )
    )
    return Session(token=token, expires_at=expires_at, user=user)


def _with_group() -> Any:
    return select(User, col(Unit.group_id)).outerjoin(Unit, col(Unit.id) == col(User.unit_id))


def _actor(user: User, group_id: str | None) -> Actor:
    return Actor(
        user_id=user.id,
        unit_id=user.unit_id,
        role=user.role,
        group_id=group_id,
        username=user.username,
    )


async def authenticate(session: AsyncSession, token: str, now: datetime) -> SignedIn | None:
    """The user a live token belongs to, or None for an unknown, revoked or expired token."""
    row = (
        await session.execute(
            _with_group()
            .join(AccessToken, col(AccessToken.user_id) == col(User.id))
            .where(
                col(AccessToken.token_hash) == _token_hash(token),
                col(AccessToken.revoked_at).is_(None),
                col(AccessToken.expires_at) > now,
            )
        )
    ).first()
    if row is None:
        return None
    user, group_id = row
    return SignedIn(user=user, actor=_actor(user, group_id))


async def actor_named(session: AsyncSession, username: str) -> Actor:
    """The user with this username (in any case) as an actor, for work done on their behalf
    outside a request (demo data, the command line); NOT_FOUND when there is none."""
    row = (
        await session.execute(
            _with_group().where(func.lower(col(User.username)) == username.lower())
        )
    ).first()
    if row is None:
        raise DomainError.single(
            ("username",), username, ErrorCode.NOT_FOUND, f"No user has username {username!r}."
        )
    user, group_id = row
    return _actor(user, group_id)


async def log_out(session: AsyncSession, token: str, now: datetime) -> bool:
    """Revoke a token; whether it was live."""
    result: CursorResult[Any] = await session.execute(  # type: ignore[assignment]
        update(AccessToken)
        .where(
            col(AccessToken.token_hash) == _token_hash(token),
            col(AccessToken.revoked_at).is_(None),
        )
        .values(revoked_at=now)
    )
    return bool(result.rowcount)
