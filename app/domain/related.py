"""Records around rows already read, fetched along foreign keys in two statements: every
to-one reference at any depth in one joined statement, and the items of every item table
(with their own to-one references joined) in one more.

What to fetch is a `Follow`: the foreign keys to follow from a table, and the item tables that
point back at it. The records come back as `RowRecord`s, keyed by table and id: plain objects
with the columns read of the row as attributes, as the table's model has them.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from types import SimpleNamespace
from typing import Any

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    FromClause,
    Select,
    bindparam,
    cast,
    inspect,
    literal,
    literal_column,
    null,
    select,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import BindParameter
from sqlmodel import col

from app.domain.models import Entity


class RowRecord(SimpleNamespace):
    """A row read for a response: the table's columns as attributes, like its model's."""

    id: str


@cache
def record_class(model: type[Entity]) -> type[RowRecord]:
    """The record class of `model`'s rows: with the model's own properties (a contact's
    `name`), computed from the columns as the model computes them."""
    properties = {
        name: value
        for klass in reversed(model.__mro__)
        if isinstance(klass, type) and issubclass(klass, Entity)
        for name, value in vars(klass).items()
        if isinstance(value, property)
    }
    return type(f"{model.__name__}Record", (RowRecord,), properties)


# The columns read of each table (every column of a table not named, or named with None).
Columns = dict[type[Entity], set[str] | None]
# Every column of every table.
ALL_COLUMNS: Columns = {}


@dataclass(eq=False)
class Follow:
    """What to read around rows of one table."""

    # The table it reads around.
    model: type[Entity]
    # Foreign key attribute of the table -> the table it names, and what to read around that.
    to_one: dict[str, tuple[type[Entity], "Follow"]] = field(default_factory=dict)
    # (item table, its foreign key naming this table) -> what to read around the items.
    items: dict[tuple[type[Entity], str], "Follow"] = field(default_factory=dict)
    # The statements reading it, made on first use (see `_prepared`).
    prepared: "_Prepared | None" = field(default=None, repr=False)

    @property
    def reads(self) -> bool:
        """Whether there is anything to read."""
        return bool(self.to_one or self.items)

    def follow(self, foreign_key: str, model: type[Entity]) -> "Follow":
        """What to read around the record `foreign_key` names (added when new)."""
        if foreign_key not in self.to_one:
            self.to_one[foreign_key] = (model, Follow(model))
        return self.to_one[foreign_key][1]

    def items_of(self, model: type[Entity], foreign_key: str) -> "Follow":
        """What to read around the items of `model` pointing here by `foreign_key`."""
        return self.items.setdefault((model, foreign_key), Follow(model))


@dataclass
class Related:
    """Everything fetched around some rows."""

    records: dict[tuple[type[Entity], str], RowRecord] = field(default_factory=dict)
    # (item table, foreign key) -> id of the row pointed at -> its items, in the order added.
    items: dict[tuple[type[Entity], str], dict[str, list[RowRecord]]] = field(default_factory=dict)

    def record(self, model: type[Entity], record_id: str) -> RowRecord | None:
        """The record of `model` with `record_id`, when it was fetched and exists."""
        return self.records.get((model, record_id))

    def items_of(
        self, model: type[Entity], foreign_key: str, owner_id: str
    ) -> list[RowRecord] | None:
        """The items of `model` pointing at `owner_id` by `foreign_key`; None when that
        table's items were not fetched."""
        owners = self.items.get((model, foreign_key))
        return None if owners is None else owners.get(owner_id, [])

    def merge(self, other: "Related") -> None:
        """Hold what `other` holds too."""
        self.records.update(other.records)
        self.items.update(other.items)


@dataclass(frozen=True)
class _Joined:
    """One table read by a statement: where its columns sit in the row."""

    model: type[Entity]
    start: int
    names: tuple[str, ...]

    def record(self, row: Sequence[Any]) -> RowRecord | None:
        values = row[self.start : self.start + len(self.names)]
        by_name = dict(zip(self.names, values, strict=True))
        return None if by_name["id"] is None else record_class(self.model)(**by_name)


@dataclass(frozen=True)
class _Statement:
    """A statement over rows named by the `ids` parameter, and the tables in its rows."""

    statement: Select[Any]
    tables: tuple[_Joined, ...]


@dataclass(frozen=True)
class _ItemBranch:
    """One item table's part of the items statement: which table, by which foreign key, and
    the tables in its part of the row (the item's first)."""

    model: type[Entity]
    foreign_key: str
    tables: tuple[_Joined, ...]


@dataclass(frozen=True)
class _Prepared:
    """The statements that read a `Follow` from rows of one table."""

    to_one: _Statement | None
    # Every item table in one statement: each row starts with the index of its branch.
    items: Select[Any] | CompoundSelect[Any] | None
    branches: tuple[_ItemBranch, ...]


_IDS: BindParameter[Any] = bindparam("ids", expanding=True)


def columns_of(model: type[Entity]) -> tuple[str, ...]:
    """The columns of `model`'s table."""
    return tuple(model.__table__.columns.keys())  # type: ignore[attr-defined]


def _read(model: type[Entity], columns: Columns) -> tuple[str, ...]:
    """The columns read of `model`'s table: its id and those `columns` names for it."""
    wanted = columns.get(model)
    return tuple(
        name for name in columns_of(model) if wanted is None or name == "id" or name in wanted
    )


def _join_to_ones(
    from_clause: FromClause,
    parent: Any,
    follow: Follow,
    read: Columns,
    columns: list[ColumnElement[Any]],
    tables: list[_Joined],
) -> FromClause:
    """`from_clause` left-joined to every table `follow` reaches from `parent` by to-one
    references, the columns `read` names appended to `columns`."""
    for foreign_key, (model, deeper) in follow.to_one.items():
        alias = aliased(model)
        names = _read(model, read)
        tables.append(_Joined(model, len(columns), names))
        columns.extend(getattr(alias, name) for name in names)
        from_clause = from_clause.outerjoin(alias, col(alias.id) == getattr(parent, foreign_key))
        from_clause = _join_to_ones(from_clause, alias, deeper, read, columns, tables)
    return from_clause


def _prepared(follow: Follow, read: Columns) -> _Prepared:
    """The statements reading `follow` (and the columns `read` names), made on first use."""
    if follow.prepared is not None:
        return follow.prepared
    model = follow.model
    to_one = None
    if follow.to_one:
        columns: list[ColumnElement[Any]] = []
        tables: list[_Joined] = []
        root = aliased(model)
        joined = _join_to_ones(_table_of(root), root, follow, read, columns, tables)
        statement = select(*columns).select_from(joined).where(col(root.id).in_(_IDS))
        to_one = _Statement(statement, tuple(tables))
    items, branches = _items_statement(follow, read)
    follow.prepared = _Prepared(to_one, items, branches)
    return follow.prepared


def _items_statement(
    follow: Follow, read: Columns
) -> tuple[Select[Any] | CompoundSelect[Any] | None, tuple[_ItemBranch, ...]]:
    """One statement for the items of every item table `follow` names, with what each item
    names joined: each table's columns have places of their own in the row (NULL, cast to
    their type, in the other tables' rows), after the branch index, owner and item id by
    which the rows are ordered."""
    parts: list[tuple[list[ColumnElement[Any]], Any, Any, FromClause]] = []
    branches: list[_ItemBranch] = []
    place = _LEADING
    for (item_model, foreign_key), deeper in follow.items.items():
        item = aliased(item_model)
        names = _read(item_model, read)
        columns: list[ColumnElement[Any]] = [getattr(item, name) for name in names]
        tables = [_Joined(item_model, 0, names)]
        joined = _join_to_ones(_table_of(item), item, deeper, read, columns, tables)
        owner = getattr(item, foreign_key)
        parts.append((columns, owner, col(item.id), joined))
        branches.append(
            _ItemBranch(
                item_model,
                foreign_key,
                tuple(_Joined(t.model, t.start + place, t.names) for t in tables),
            )
        )
        place += len(columns)
    if not parts:
        return None, ()
    selects = []
    for index, (_columns, owner, item_id, joined) in enumerate(parts):
        row: list[ColumnElement[Any]] = [
            literal(index).label("branch"),
            owner.label("owner"),
            item_id.label("item"),
        ]
        for other, (other_columns, *_rest) in enumerate(parts):
            row += other_columns if other == index else [_null_of(c) for c in other_columns]
        numbered = [column.label(f"c{place}") for place, column in enumerate(row)]
        selects.append(select(*numbered).select_from(joined).where(owner.in_(_IDS)))
    ordering: list[ColumnElement[Any]] = [literal_column(f"c{n}") for n in range(_LEADING)]
    if len(selects) == 1:
        return selects[0].order_by(*ordering), tuple(branches)
    return union_all(*selects).order_by(*ordering), tuple(branches)


# What precedes every table's columns in an items row: the branch index, owner and item id.
_LEADING = 3


def _null_of(column: ColumnElement[Any]) -> ColumnElement[Any]:
    """NULL of `column`'s type: PostgreSQL wants each column of a union of one type."""
    return cast(null(), column.type)


def _keep(related: Related, row: Sequence[Any], tables: Iterable[_Joined]) -> None:
    for table in tables:
        key = (table.model, row[table.start + table.names.index("id")])
        if key[1] is not None and key not in related.records:
            record = table.record(row)
            assert record is not None
            related.records[key] = record


async def fetch_related(
    session: AsyncSession, follow: Follow, ids: Sequence[str], read: Columns
) -> Related:
    """The records `follow` reaches from the rows of its table with `ids`, with the columns
    `read` names: one statement for every to-one reference at every depth, and one for the
    items of every item table."""
    related = Related()
    if not ids:
        return related
    prepared = _prepared(follow, read)
    parameters = {"ids": list(ids)}
    # Through the connection: the rows are plain columns, which the ORM has nothing to add to.
    connection = await session.connection()
    if prepared.to_one is not None:
        rows = await connection.execute(prepared.to_one.statement, parameters)
        for row in rows.all():
            _keep(related, row, prepared.to_one.tables)
    if prepared.items is not None:
        by_branch: list[dict[str, list[RowRecord]]] = [defaultdict(list) for _ in prepared.branches]
        for row in (await connection.execute(prepared.items, parameters)).all():
            branch = prepared.branches[row[0]]
            item_table, *joined = branch.tables
            item = item_table.record(row)
            assert item is not None
            by_branch[row[0]][getattr(item, branch.foreign_key)].append(item)
            _keep(related, row, joined)
        for branch, by_owner in zip(prepared.branches, by_branch, strict=True):
            related.items[(branch.model, branch.foreign_key)] = by_owner
    return related


def _table_of(alias: Any) -> FromClause:
    """The selectable behind an ORM alias, to join from."""
    selectable: FromClause = inspect(alias).selectable
    return selectable
