"""`leads import FILE`: one lead per row, each made by `create_lead` as the user of `--as`,
exactly as the API's create would make it.

Rows commit in batches, each row in a savepoint of its own, so that a refused row rolls back
alone and the disk is synced once a batch rather than once a row. Every row carries an
idempotency key made from its values: a row imported before, by the same user, gives back
the lead it made, so running a file again imports nothing twice (and a run that stopped half
way resumes where it stopped).
"""

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from sqlalchemy.ext.asyncio import AsyncSession

from app.cli.bulk_session import remember_reads
from app.cli.columns import COLUMNS, CellProblem, RowError, column_of, lead_changes
from app.cli.files import Row, UnreadableFileError, read_rows
from app.cli.running import REFUSED, stop, with_database
from app.db import Database, in_transaction
from app.domain.auth import Actor, actor_named
from app.domain.errors import DomainError
from app.domain.leads.service import create_lead_once

BATCH_SIZE = 500
KEY_PREFIX = "import:"


@dataclass(frozen=True)
class Outcome:
    """What became of one row: imported now, imported before, or refused with problems."""

    line: int
    problems: list[CellProblem] = field(default_factory=list)
    replayed: bool = False


@dataclass
class Report:
    """What an import did, row by row."""

    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def rejected(self) -> list[Outcome]:
        return [outcome for outcome in self.outcomes if outcome.problems]

    def count(self, *, replayed: bool) -> int:
        return sum(
            1 for outcome in self.outcomes if not outcome.problems and outcome.replayed is replayed
        )


def row_key(cells: Mapping[str, str]) -> str:
    """The idempotency key of a row: a hash of its non-empty cells, whatever their order and
    whichever the file's format."""
    normalised = json.dumps(sorted(cells.items()), ensure_ascii=False, separators=(",", ":"))
    return KEY_PREFIX + hashlib.sha256(normalised.encode()).hexdigest()


async def _import_row(session: AsyncSession, row: Row, actor: Actor, now: datetime) -> Outcome:
    problems = list(row.problems)
    try:
        changes = lead_changes(row.cells)
    except RowError as error:
        problems += error.problems
    if problems:
        return Outcome(row.line, problems)
    try:
        async with session.begin_nested():
            creation = await create_lead_once(session, changes, actor, now, row_key(row.cells))
    except DomainError as error:
        found = [(column_of(problem.path), problem.message) for problem in error.problems]
        return Outcome(row.line, found)
    return Outcome(row.line, replayed=creation.replayed)


async def _import_batch(
    session: AsyncSession,
    rows: list[Row],
    actor: Actor,
    now: datetime,
    advance: Callable[[int], None],
) -> list[Outcome]:
    remember_reads(session)
    outcomes = []
    for row in rows:
        outcomes.append(await _import_row(session, row, actor, now))
        advance(len(outcomes))
    return outcomes


async def import_rows(
    database: Database,
    rows: list[Row],
    actor: Actor,
    now: datetime,
    batch_size: int = BATCH_SIZE,
    advance: Callable[[int], None] = lambda done: None,
) -> Report:
    """Import `rows`, a batch a transaction; `advance` hears how many rows are done."""
    report = Report()

    def counted_from(before: int) -> Callable[[int], None]:
        return lambda done: advance(before + done)

    for start in range(0, len(rows), batch_size):
        work = partial(
            _import_batch,
            rows=rows[start : start + batch_size],
            actor=actor,
            now=now,
            advance=counted_from(start),
        )
        report.outcomes += await in_transaction(database.writer, work)
    return report


def _help() -> str:
    """The command's help, listing every column."""
    lines = "\n".join(f"  {column.name}: {column.description}" for column in COLUMNS)
    return (
        "Create a lead from each row of FILE, as the user of --as.\n\n"
        "FILE is CSV with a header row (.csv) or JSON lines (.jsonl), with these columns; "
        "an empty cell is not given:\n\n"
        f"{lines}\n\n"
        "Each rejected row is reported with its line (a CSV header is line 1) and reasons. "
        "A row imported before by the same user is not imported again. Exit code 0 when "
        "every row was imported, 1 when some were rejected, 2 when the file or --as is unusable."
    )


def _progress() -> Progress:
    """A progress bar on standard error, leaving standard output to the report."""
    return Progress(
        TextColumn("importing"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
    )


def import_leads(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="A .csv or .jsonl file.")],
    username: Annotated[
        str,
        typer.Option(
            "--as", metavar="USERNAME", help="The user who creates the leads (their role applies)."
        ),
    ],
    batch_size: Annotated[int, typer.Option(min=1, help="Rows per transaction.")] = BATCH_SIZE,
) -> None:
    try:
        rows = [row for row in read_rows(file) if row.cells or row.problems]
    except UnreadableFileError as error:
        stop(str(error))
    now = datetime.now(UTC)

    async def run(database: Database) -> Report:
        try:
            async with database.reader() as session:
                actor = await actor_named(session, username)
        except DomainError as error:
            stop(f"--as: {error}")
        with _progress() as progress:
            task = progress.add_task("import", total=len(rows))
            return await import_rows(
                database,
                rows,
                actor,
                now,
                batch_size,
                lambda done: progress.update(task, completed=done),
            )

    report = with_database(run)
    _tell(report)
    if report.rejected:
        raise typer.Exit(REFUSED)


def _tell(report: Report) -> None:
    """Each problem of each rejected row, one a line, then the counts."""
    console = Console(soft_wrap=True, highlight=False)
    for outcome in report.rejected:
        for column, message in outcome.problems:
            where = "" if column is None else f"{column}: "
            console.print(f"line {outcome.line}: {where}{message}", markup=False)
    console.print(
        f"{report.count(replayed=False)} imported, {report.count(replayed=True)} imported "
        f"before, {len(report.rejected)} rejected."
    )


HELP = _help()
