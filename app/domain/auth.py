"""Sign-in: argon2id passwords, opaque tokens stored only as their SHA-256, with an expiry.

The front doors sign in through `sign_in`, which the sign-in throttle admits first, and which
verifies the password off the event loop with no database connection held.
"""

import asyncio
import hashlib
import os
import secrets
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import CursorResult, bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.db import Database, in_transaction
from app.domain.enums import Role
from app.domain.errors import DomainError, ErrorCode
from app.domain.models import AccessToken, Unit, User
from app.security.sign_in_throttle import SignInAttempt, SignInThrottle

_hasher = PasswordHasher()
# Passwords are verified on threads of their own, one per core: argon2 is CPU work (and 64 MiB
# of memory each time), which more threads would not speed up, and which would otherwise queue
# ahead of the default executor's other work (resolving a database host's name, for one).
_verifiers = ThreadPoolExecutor(max_workers=os.cpu_count() or 1, thread_name_prefix="argon2")

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


def verify_password(password_hash: str, password: str) -> bool:
    """Whether `password` is the one `password_hash` was made of: argon2's work, which takes
    tens of milliseconds of CPU (run it off the event loop)."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


async def _user_named(session: AsyncSession, username: str) -> User | None:
    return await session.scalar(
        select(User).where(func.lower(col(User.username)) == username.lower())
    )


async def _verified(user: User | None, password: str) -> User:
    """The user, when the password is theirs; one vague error otherwise. An unknown username
    has the decoy verified, so that it costs the same work as a wrong password."""
    password_hash = _DECOY_HASH if user is None else user.password_hash
    matches = await asyncio.get_running_loop().run_in_executor(
        _verifiers, verify_password, password_hash, password
    )
    if user is None or not matches:
        raise DomainError.single(
            None, None, ErrorCode.INVALID, "The username or the password is wrong."
        )
    return user


async def _issue(session: AsyncSession, user: User, now: datetime, lifetime: timedelta) -> Session:
    token = secrets.token_urlsafe(32)
    expires_at = now + lifetime
    session.add(
        AccessToken(
            token_hash=_token_hash(token), user_id=user.id, created_at=now, expires_at=expires_at
        )
    )
    return Session(token=token, expires_at=expires_at, user=user)


async def sign_in(
    database: Database,
    throttle: SignInThrottle,
    attempt: SignInAttempt,
    now: datetime,
    lifetime: timedelta,
) -> Session:
    """A new token for the user whose credentials these are, as every front door issues one.

    The throttle admits the attempt before anything else (or refuses it with
    `SignInThrottledError`). The user is looked up in a short read, the password verified with
    no connection held, and the token written in a short transaction of its own. An attempt
    that fails for any other reason (the database) stays counted against its username: were
    it cleared, a client that could make the database slow could erase its failures.
    """
    await throttle.admit(attempt)
    async with database.reader() as session:
        user = await _user_named(session, attempt.username)
    try:
        verified = await _verified(user, attempt.password)
    except DomainError:
        await throttle.failed(attempt)
        raise
    await throttle.succeeded(attempt)
    return await in_transaction(
        database.writer, lambda session: _issue(session, verified, now, lifetime)
    )


async def log_in(
    session: AsyncSession, username: str, password: str, now: datetime, lifetime: timedelta
) -> Session:
    """A new token for the user whose credentials these are, in `session`, unthrottled: for
    the command line and others that are no front door."""
    user = await _verified(await _user_named(session, username), password)
    return await _issue(session, user, now, lifetime)


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


# Built once: every signed-in request runs it, and building a statement costs more than
# running this one.
_TOKEN_OWNER = (
    _with_group()
    .join(AccessToken, col(AccessToken.user_id) == col(User.id))
    .where(
        col(AccessToken.token_hash) == bindparam("token_hash"),
        col(AccessToken.revoked_at).is_(None),
        col(AccessToken.expires_at) > bindparam("now"),
    )
)


async def authenticate(session: AsyncSession, token: str, now: datetime) -> SignedIn | None:
    """The user a live token belongs to, or None for an unknown, revoked or expired token."""
    parameters = {"token_hash": _token_hash(token), "now": now}
    row = (await session.execute(_TOKEN_OWNER, parameters)).first()
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
