"""`leads users`: the people who may sign in."""

from typing import Annotated

import typer

from app.cli.columns import UNIT
from app.cli.running import REFUSED, reference_parser, stop, stop_refused, with_database
from app.db import Database, in_transaction
from app.domain.enums import Role
from app.domain.errors import DomainError, Problem
from app.domain.identifiers import Ref
from app.domain.users import NewUser, create_user

users = typer.Typer(help="Manage the users who may sign in.", no_args_is_help=True)

# How the refusals name the inputs: the argument, or the option that gave it.
_INPUT_NAMES = {
    "username": "USERNAME",
    "password": "password",
    "unit": "--unit",
    "person_name": "--name",
}


def _input_name(problem: Problem) -> str | None:
    return None if problem.path is None else _INPUT_NAMES.get(str(problem.path[0]))


def _typed_password() -> str:
    """A password typed twice, unseen; refused when the two differ."""
    first: str = typer.prompt("Password", hide_input=True)
    second: str = typer.prompt("Repeat the password", hide_input=True)
    if first != second:
        stop("The two passwords differ; no user was created.", REFUSED)
    return first


@users.command("create")
def create(
    username: Annotated[str, typer.Argument(metavar="USERNAME", help="The name to sign in with.")],
    role: Annotated[Role, typer.Option(help="What the user may see and do.")],
    password: Annotated[
        str | None,
        typer.Option(
            help="The password; typed twice at a prompt when omitted (which keeps it out of "
            "the shell's history)."
        ),
    ] = None,
    unit: Annotated[
        Ref | None,
        typer.Option(
            parser=reference_parser(UNIT),
            metavar="FIELD=VALUE",
            help=f"The unit the user acts for: {UNIT.form}.",
        ),
    ] = None,
    name: Annotated[
        str | None, typer.Option(help="The person's name; the username when omitted.")
    ] = None,
    email: Annotated[str | None, typer.Option(help="The person's email address.")] = None,
) -> None:
    """Create a user who signs in with USERNAME and a password, with a role."""
    new = NewUser(
        username=username,
        password=password if password is not None else _typed_password(),
        role=role,
        unit=unit,
        person_name=name,
        email=email,
    )

    async def work(database: Database) -> None:
        await in_transaction(database.writer, lambda s: create_user(s, new))

    try:
        with_database(work)
    except DomainError as error:
        stop_refused(error, _input_name, REFUSED)
    typer.echo(f"User {username} created with role {role}.")
