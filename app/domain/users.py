"""Users: who may sign in, with which role, acting for which unit.

Creating one is an operator's task (the command line), done with the database's own access;
there is no actor to check.
"""

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.domain.auth import hash_password
from app.domain.enums import Role
from app.domain.errors import ErrorCode, Problems, echoed
from app.domain.identifiers import Ref, find_one
from app.domain.models import Unit, User

MIN_PASSWORD_LENGTH = 8
MAX_USERNAME_LENGTH: int = User.__table__.c["username"].type.length  # type: ignore[attr-defined]
MAX_PERSON_NAME_LENGTH: int = User.__table__.c["person_name"].type.length  # type: ignore[attr-defined]


@dataclass(frozen=True)
class NewUser:
    """A user to create; the person's name defaults to the username."""

    username: str
    password: str
    role: Role
    unit: Ref | None = None
    person_name: str | None = None
    email: str | None = None


async def create_user(session: AsyncSession, new: NewUser) -> User:
    """A new user with an argon2id hash of their password; every problem at once otherwise."""
    problems = Problems()
    username = new.username
    if not username or len(username) > MAX_USERNAME_LENGTH or username != username.strip():
        problems.add(
            ("username",),
            username,
            ErrorCode.INVALID,
            f"A username has from 1 to {MAX_USERNAME_LENGTH} characters, without spaces "
            "around them.",
        )
    # Sign-in matches usernames without regard to case, so two may not differ only in it.
    elif await session.scalar(
        select(func.count()).where(func.lower(col(User.username)) == username.lower())
    ):
        problems.add(
            ("username",),
            username,
            ErrorCode.INVALID,
            f"A user has username {echoed(username)!r} already.",
        )
    if len(new.password) < MIN_PASSWORD_LENGTH:
        problems.add(
            ("password",),
            None,  # a password is never repeated back, not even a refused one
            ErrorCode.INVALID,
            f"A password has at least {MIN_PASSWORD_LENGTH} characters.",
        )
    person_name = new.person_name or username
    if len(person_name) > MAX_PERSON_NAME_LENGTH:
        problems.add(
            ("person_name",),
            person_name,
            ErrorCode.INVALID,
            f"Too long: the person name holds at most {MAX_PERSON_NAME_LENGTH} characters.",
        )
    unit = await find_one(session, Unit, new.unit, ("unit",), "unit", problems)
    problems.raise_if_any()
    user = User(
        username=username,
        person_name=person_name,
        email=new.email,
        password_hash=hash_password(new.password),
        role=new.role,
        unit_id=None if unit is None else unit.id,
    )
    session.add(user)
    await session.flush()
    return user
