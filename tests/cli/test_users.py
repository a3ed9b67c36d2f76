"""`leads users create`: a user who signs in with the password given (by `--password`, or
typed twice at a prompt), with the role and unit given; the domain's refusals by input."""

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from app.domain.auth import actor_named, authenticate, log_in
from app.domain.enums import Role
from app.domain.errors import DomainError
from app.domain.models import Group, User
from tests.cli.conftest import Domain, Leads
from tests.databases import DEMO_NOW
from tests.factories import count


async def _signed_in(session: AsyncSession, username: str, password: str) -> tuple[object, ...]:
    """Who signs in with these credentials: username, role and group of the actor."""
    try:
        issued = await log_in(session, username, password, DEMO_NOW, timedelta(hours=1))
    except DomainError as refused:
        return (str(refused),)
    signed_in = await authenticate(session, issued.token, DEMO_NOW)
    assert signed_in is not None
    group_id = signed_in.actor.group_id
    group = None if group_id is None else await session.get(Group, group_id)
    return (signed_in.actor.username, signed_in.actor.role, None if group is None else group.name)


def test_a_user_with_the_password_given(leads: Leads, domain: Domain[object]) -> None:
    result = leads(
        "users", "create", "sales.new", "--role", "SALES", "--password", "correct horse",
        "--unit", "alternative_code=CSRU", "--name", "New Seller", "--email", "new@example.com",
    )  # fmt: skip

    assert (result.exit_code, result.stdout) == (0, "User sales.new created with role SALES.\n")
    assert domain(lambda s: _signed_in(s, "sales.new", "correct horse")) == (
        "sales.new",
        Role.SALES,
        "CSR Group",
    )

    async def row(session: AsyncSession) -> tuple[object, ...]:
        user = await session.get(User, (await actor_named(session, "sales.new")).user_id)
        assert user is not None
        return (user.person_name, user.email, user.password_hash.startswith("$argon2id$"))

    assert domain(row) == ("New Seller", "new@example.com", True)


def test_a_password_typed_twice_at_the_prompt(leads: Leads, domain: Domain[object]) -> None:
    result = leads(
        "users", "create", "auditor", "--role", "READ_ONLY", typed="look but do not touch\n" * 2
    )

    assert result.exit_code == 0
    assert result.stdout == (
        "Password: \nRepeat the password: \nUser auditor created with role READ_ONLY.\n"
    )
    assert domain(lambda s: _signed_in(s, "auditor", "look but do not touch")) == (
        "auditor",
        Role.READ_ONLY,
        None,
    )


def test_two_different_passwords_create_nobody(leads: Leads, domain: Domain[object]) -> None:
    users_before = domain(lambda s: count(s, User))

    result = leads(
        "users", "create", "auditor", "--role", "READ_ONLY", typed="first secret\nsecond secret\n"
    )

    assert (result.exit_code, result.stderr) == (
        1,
        "The two passwords differ; no user was created.\n",
    )
    assert domain(lambda s: count(s, User)) == users_before


def test_the_domain_refuses_a_taken_username_a_short_password_and_an_unknown_unit(
    leads: Leads, domain: Domain[object]
) -> None:
    users_before = domain(lambda s: count(s, User))

    result = leads(
        "users", "create", "mpadministrator", "--role", "ADMINISTRATOR", "--password", "short",
        "--unit", "name=Nowhere",
    )  # fmt: skip

    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "USERNAME: A user has username 'mpadministrator' already.",
        "password: A password has at least 8 characters.",
        "--unit: No unit has name 'Nowhere'.",
    ]
    assert domain(lambda s: count(s, User)) == users_before


def test_a_role_must_be_one_of_the_roles(leads: Leads) -> None:
    result = leads("users", "create", "someone", "--role", "BOSS", "--password", "long enough")

    assert result.exit_code == 2
    # Typer boxes a bad option's message; its words are what matters.
    assert (
        "Invalid value for '--role': Value error, 'BOSS' is not one of 'ADMINISTRATOR', "
        "'SALES', 'READ_ONLY'." in " ".join(result.stderr.replace("│", " ").split())
    )
