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

from app.domain.errors import DomainError, ErrorCode
from app.domain.models import AccessToken, User

_hasher = PasswordHasher()

# Verified when the username is unknown, so that a wrong username costs as long as a wrong
# password and the answer's timing does not tell which half was wrong.
_DECOY_HASH = _hasher.hash(secrets.token_hex(16))


@dataclass(frozen=True)
class Actor:
    """Who performs a change: the signed-in user and the unit they act for."""

    user_id: str
    unit_id: str | None


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


async def authenticate(session: AsyncSession, token: str, now: datetime) -> User | None:
    """The user a live token belongs to, or None for an unknown, revoked or expired token."""
    return await session.scalar(
        select(User)
        .join(AccessToken, col(AccessToken.user_id) == col(User.id))
        .where(
            col(AccessToken.token_hash) == _token_hash(token),
            col(AccessToken.revoked_at).is_(None),
            col(AccessToken.expires_at) > now,
        )
    )


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
