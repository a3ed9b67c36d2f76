"""What every command shares: the database of the settings, and how a refusal is told."""

import asyncio
from collections.abc import Awaitable, Callable
from typing import NoReturn, TypeVar

import typer

from app.cli.columns import CellError, RecordKind
from app.db import Database
from app.domain.errors import DomainError, Problem
from app.domain.identifiers import Ref
from app.settings import Settings
from app.sqlite_in_place import run_in_place

T = TypeVar("T")

# Exit codes: 1 when the domain refused what was asked (some rows of an import, a user),
# 2 when the command could not start (typer's own code for a bad option).
REFUSED = 1
UNUSABLE = 2


def settings() -> Settings:
    """The settings of this command, read from the environment when it runs."""
    return Settings()


def with_database(work: Callable[[Database], Awaitable[T]]) -> T:
    """Run `work` over the database of the settings, and close it after. SQLite's reads run
    on the command's own thread too, as its writes always do (`app/sqlite_in_place.py`)."""

    async def run() -> T:
        database = Database.connect(settings())
        if database.is_sqlite:
            run_in_place(database.read_engine)
        try:
            return await work(database)
        finally:
            await database.dispose()

    return asyncio.run(run())


def stop(message: str, code: int = UNUSABLE) -> NoReturn:
    """End the command with `message` on standard error."""
    typer.echo(message, err=True)
    raise typer.Exit(code)


def spelled(problem: Problem, name: str | None) -> str:
    """A domain problem as the command line tells it: the input's name, then the message."""
    return problem.message if name is None else f"{name}: {problem.message}"


def stop_refused(
    error: DomainError, name_of: Callable[[Problem], str | None], code: int
) -> NoReturn:
    """End the command with every problem of a refusal, one a line."""
    stop("\n".join(spelled(problem, name_of(problem)) for problem in error.problems), code)


def reference_parser(kind: RecordKind) -> Callable[[str], Ref]:
    """Reads an option's `field=value` as a reference to a record of `kind`."""

    def parse(text: str) -> Ref:
        try:
            return kind.ref(text)
        except CellError as error:
            raise typer.BadParameter(str(error)) from None

    return parse
