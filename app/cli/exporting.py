"""`leads export`: the leads a user may see, filtered as the lists filter them, in the import's
columns (records named by their natural keys) with each lead's number, life cycle state and
actual completion date.

Leads come through the read path a page at a time, and what they name through the domain's
fetch of related records (`app/domain/related.py`), so an export costs three statements a
page of 100 leads: the page's, one for every record its leads name, one for their sets.
"""

import sys
from collections.abc import Callable
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Annotated, Any

import typer

from app.cli import columns
from app.cli.columns import FIELD_COLUMNS, PRODUCT_LEVELS, SOURCE_RECORDS, RecordKind
from app.cli.files import FileFormat, RowWriter
from app.cli.running import UNUSABLE, reference_parser, stop_refused, with_database
from app.db import Database
from app.domain import models
from app.domain.auth import actor_named
from app.domain.enums import Importance, LeadSourceType, LifeCycleState, ProductSet
from app.domain.errors import DomainError, Problem
from app.domain.identifiers import Ref
from app.domain.leads.queries import (
    MAX_PAGE_SIZE,
    LeadFilter,
    LeadView,
    PageRequest,
    encode_cursor,
    find_leads,
)
from app.domain.leads.sets import SET_ITEMS, SET_LINKS, item_level
from app.domain.leads.validation import SOURCE_REFERENCES
from app.domain.related import ALL_COLUMNS, Follow, Related, RowRecord, fetch_related

EXPORT_COLUMNS = [
    "number",
    "life_cycle_state",
    *(column.name for column in columns.COLUMNS),
    "actual_completion_date",
]
_SET_COLUMNS = {
    "users": "users_set",
    "competitors": "competitors_set",
    ProductSet.SERVICES: "services_set",
    ProductSet.PHYSICAL_GOODS: "physical_goods_set",
}
_REFERENCE_COLUMNS = [column for column in FIELD_COLUMNS if column.kind is not None]
_VALUE_COLUMNS = [
    column
    for column in FIELD_COLUMNS
    if column.kind is None and column.name not in _SET_COLUMNS.values()
]


def _cell(value: Any) -> Any:
    """A lead's value as a cell: numbers stay numbers, dates are ISO 8601 in UTC."""
    if value is None or isinstance(value, int | float | str):
        return value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Importance | LeadSourceType | LifeCycleState):
        return value.value
    return str(value)


def _export_follow() -> Follow:
    """What an export reads around its leads: the record each reference column and each kind
    of source names, and the items of every set with the record each names."""
    lead = Follow(models.Lead)
    for column in _REFERENCE_COLUMNS:
        assert column.kind is not None
        lead.follow(f"{column.field}_id", column.kind.model)
    for model, _, foreign_key in SOURCE_REFERENCES.values():
        lead.follow(foreign_key, model)
    for item_model in SET_LINKS:
        items = lead.items_of(item_model, "lead_id")
        for level, (model, _) in SET_ITEMS.items():
            if f"{level}_id" in item_model.model_fields:
                items.follow(f"{level}_id", model)
    return lead


# Built once: its statements are made on first use and kept.
_EXPORT_FOLLOW = _export_follow()


class _Cells:
    """Spells the leads of one page of an export as rows, from what was read around them."""

    def __init__(self, related: Related) -> None:
        self.related = related

    def named(self, kind: RecordKind, record_id: str | None) -> str | None:
        record = None if record_id is None else self.related.record(kind.model, record_id)
        return None if record is None else kind.spell(record)

    def item(self, row: RowRecord) -> str | None:
        level = item_level(row)
        if level == "user":
            return self.named(columns.USER, row.user_id)
        if level == "competitor":
            return self.named(columns.COMPETITOR, row.competitor_id)
        named = self.named(PRODUCT_LEVELS[level], getattr(row, f"{level}_id"))  # type: ignore[index]
        return f"{level}.{named}"

    def items(self, rows: list[RowRecord]) -> str | None:
        spelled = (self.item(row) for row in rows)
        return columns.SET_SEPARATOR.join(item for item in spelled if item) or None

    def sets(self, lead: models.Lead) -> dict[str, str | None]:
        def of(model: type[models.Entity]) -> list[RowRecord]:
            return self.related.items_of(model, "lead_id", lead.id) or []

        members: dict[Any, list[RowRecord]] = {
            "users": of(models.LeadUser),
            "competitors": of(models.LeadCompetitor),
        }
        for row in of(models.LeadProduct):
            members.setdefault(row.product_set, []).append(row)
        return {column: self.items(members.get(name, [])) for name, column in _SET_COLUMNS.items()}

    def source(self, lead: models.Lead) -> str | None:
        kind = SOURCE_RECORDS.get(lead.source_type)
        if kind is None:
            return lead.source_name
        _, _, column = SOURCE_REFERENCES[lead.source_type]
        return self.named(kind, getattr(lead, column))

    def row(self, lead: models.Lead) -> dict[str, Any]:
        named = {
            column.name: self.named(column.kind, getattr(lead, f"{column.field}_id"))
            for column in _REFERENCE_COLUMNS
            if column.kind is not None
        }
        return {
            "number": lead.number,
            "life_cycle_state": _cell(lead.life_cycle_state),
            "actual_completion_date": _cell(lead.actual_completion_date),
            columns.SOURCE_TYPE.name: _cell(lead.source_type),
            columns.SOURCE.name: self.source(lead),
            columns.ESTIMATED_VALUE.name: (
                int(lead.estimated_value)
                if lead.estimated_value.is_integer()
                else lead.estimated_value
            ),
            columns.ESTIMATED_UNIT.name: lead.estimated_unit.value,
            **{column.name: _cell(getattr(lead, column.field)) for column in _VALUE_COLUMNS},
            **named,
            **self.sets(lead),
        }


async def _export(
    database: Database,
    username: str,
    view: LeadView,
    lead_filter: LeadFilter,
    start_writing: Callable[[], RowWriter],
) -> int:
    """Write every lead `username` may see in `view` matching `lead_filter`; how many. The
    output is opened once the first page is found, so that a refused filter writes nothing."""
    now = datetime.now(UTC)
    count = 0
    writer: RowWriter | None = None
    async with database.reader() as session:
        actor = await actor_named(session, username)
        page = PageRequest(first=MAX_PAGE_SIZE)
        while True:
            found = await find_leads(session, actor, view, lead_filter, page, now)
            ids = [lead.id for lead in found.leads]
            cells = _Cells(await fetch_related(session, _EXPORT_FOLLOW, ids, ALL_COLUMNS))
            rows = [cells.row(lead) for lead in found.leads]
            writer = writer or start_writing()
            for row in rows:
                writer.write(row)
            count += len(found.leads)
            if not found.has_next_page:
                return count
            page = PageRequest(first=MAX_PAGE_SIZE, after=encode_cursor(found.leads[-1].number))


def _option_name(problem: Problem) -> str | None:
    """The option a refused filter came from (`("filter", "accounts_receivable", ...)`)."""
    if problem.path is None or problem.path[0] != "filter":
        return "--as" if problem.path == ("username",) else None
    return "--" + str(problem.path[1]).replace("_", "-")


def _reference(kind: RecordKind, what: str, *names: str) -> Any:
    return typer.Option(
        *names,
        parser=reference_parser(kind),
        metavar="FIELD=VALUE",
        help=f"Only leads of this {what}: {kind.form}.",
        show_default=False,
    )


def export_leads(
    username: Annotated[
        str,
        typer.Option(
            "--as", metavar="USERNAME", help="The user whose view of the leads is exported."
        ),
    ],
    file_format: Annotated[
        FileFormat, typer.Option("--format", help="CSV with a header row, or JSON lines.")
    ] = FileFormat.CSV,
    output: Annotated[
        Path | None,
        typer.Option(help="The file to write; standard output when omitted.", show_default=False),
    ] = None,
    state: Annotated[
        list[LifeCycleState] | None,
        typer.Option(help="Only leads in this life cycle state; repeat it for several."),
    ] = None,
    contact: Annotated[Ref | None, _reference(columns.CONTACT, "contact")] = None,
    accounts_receivable: Annotated[
        Ref | None, _reference(columns.ACCOUNTS_RECEIVABLE, "accounts receivable")
    ] = None,
    lead_type: Annotated[Ref | None, _reference(columns.LEAD_TYPE, "type", "--type")] = None,
    category: Annotated[Ref | None, _reference(columns.CATEGORY, "category")] = None,
    source: Annotated[
        LeadSourceType | None, typer.Option(help="Only leads from this kind of source.")
    ] = None,
    importance: Annotated[
        Importance | None, typer.Option(help="Only leads of this importance.")
    ] = None,
    priority: Annotated[int | None, typer.Option(help="Only leads of this priority.")] = None,
) -> None:
    """Write the leads the user of --as may see.

    In the columns `leads import` reads, and each lead's number, state and completion date.

    The options filter the leads as the lists do."""
    view = LeadView(states=frozenset(state) if state else None)
    lead_filter = LeadFilter(
        contact=contact,
        accounts_receivable=accounts_receivable,
        type=lead_type,
        category=category,
        source=source,
        importance=importance,
        priority=priority,
    )
    with ExitStack() as files:

        def start_writing() -> RowWriter:
            file: IO[str] = sys.stdout
            if output is not None:
                file = files.enter_context(output.open("w", encoding="utf-8", newline=""))
            return RowWriter(file, file_format, EXPORT_COLUMNS)

        try:
            count = with_database(
                lambda database: _export(database, username, view, lead_filter, start_writing)
            )
        except DomainError as error:
            stop_refused(error, _option_name, UNUSABLE)
    typer.echo(f"{count} leads exported.", err=True)
