"""The lead's sets (users, competitors, services, physical goods, products): what each may
hold, and how a list of add and remove items changes it."""

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, String, Table, bindparam, literal_column, null, select, union_all
from sqlalchemy import cast as cast_
from sqlalchemy.ext.asyncio import AsyncSession

from app.domain.enums import ProductClassification, ProductSet
from app.domain.errors import ErrorCode, Path, Problems
from app.domain.identifiers import find_one
from app.domain.leads.commands import ProductItemRef, SetChange
from app.domain.models import (
    Competitor,
    Entity,
    LeadCompetitor,
    LeadProduct,
    LeadUser,
    Product,
    ProductBrand,
    ProductFamily,
    ProductType,
    User,
)
from app.domain.related import RowRecord

SetRow = LeadUser | LeadCompetitor | LeadProduct
SET_LINKS: tuple[type[SetRow], ...] = (LeadUser, LeadCompetitor, LeadProduct)


@dataclass(frozen=True)
class SetKind:
    """One of the lead's sets: its link table, and what its items may be."""

    link: type[SetRow]
    level: str = "product"
    product_set: ProductSet | None = None
    classification: ProductClassification | None = None

    def holds(self, row: SetRow) -> bool:
        """Whether a link row is an item of this set."""
        return isinstance(row, self.link) and getattr(row, "product_set", None) is self.product_set


# By the name of the set in `LeadChanges`.
SETS = {
    "users": SetKind(LeadUser, level="user"),
    "competitors": SetKind(LeadCompetitor, level="competitor"),
    "services": SetKind(
        LeadProduct, product_set=ProductSet.SERVICES, classification=ProductClassification.SERVICES
    ),
    "physical_goods": SetKind(
        LeadProduct,
        product_set=ProductSet.PHYSICAL_GOODS,
        classification=ProductClassification.PHYSICALGOODS,
    ),
    "products": SetKind(LeadProduct, product_set=ProductSet.PRODUCTS),
}
# What an item names, by its level: the model and how messages call it.
SET_ITEMS: dict[str, tuple[type[Entity], str]] = {
    "user": (User, "user"),
    "competitor": (Competitor, "competitor"),
    "product": (Product, "product"),
    "product_type": (ProductType, "product type"),
    "product_family": (ProductFamily, "product family"),
    "product_brand": (ProductBrand, "product brand"),
}


def item_level(row: SetRow | RowRecord) -> str:
    """What a set item names: the level of its one filled reference column (of a row as the
    ORM loads it, or as the fetch of related records reads it)."""
    for level in SET_ITEMS:
        if getattr(row, f"{level}_id", None) is not None:
            return level
    raise ValueError(f"set item {row.id} names nothing")


def _key(row: SetRow) -> tuple[str, str]:
    level = item_level(row)
    return level, getattr(row, f"{level}_id")


@dataclass
class SetPlan:
    """The set items a request adds and removes."""

    added: list[SetRow] = field(default_factory=list)
    removed: list[SetRow] = field(default_factory=list)


# The item columns of the three link tables, in one row shape: a UNION of them reads every set.
_ITEM_COLUMNS = (
    "user_id",
    "competitor_id",
    "product_set",
    "product_id",
    "product_type_id",
    "product_family_id",
    "product_brand_id",
)
_TABLES: dict[type[SetRow], Table] = {model: model.__table__ for model in SET_LINKS}  # type: ignore[union-attr]
_OWN_COLUMNS = {
    model: [name for name in _ITEM_COLUMNS if name in table.c] for model, table in _TABLES.items()
}


def _items_of(index: int, model: type[SetRow]) -> Select[Any]:
    table = _TABLES[model]
    columns = [
        table.c[name] if name in table.c else cast_(null(), String(32)).label(name)
        for name in _ITEM_COLUMNS
    ]
    return select(literal_column(str(index)).label("link"), table.c.id, *columns).where(
        table.c.lead_id == bindparam("lead_id")
    )


_SET_ROWS = union_all(*(_items_of(index, model) for index, model in enumerate(SET_LINKS))).order_by(
    "link", "id"
)


async def set_rows(session: AsyncSession, lead_id: str) -> list[SetRow]:
    """Every item of every set of a lead, in the order they were added: one statement. The
    rows are not attached to the session, which only ever deletes them by id."""
    rows: list[SetRow] = []
    # Through the connection: the rows are plain columns, which the ORM has nothing to add to.
    connection = await session.connection()
    for found in (await connection.execute(_SET_ROWS, {"lead_id": lead_id})).mappings():
        model = SET_LINKS[found["link"]]
        values = {name: found[name] for name in _OWN_COLUMNS[model]}
        if "product_set" in values:
            values["product_set"] = ProductSet(values["product_set"])
        rows.append(model(id=found["id"], lead_id=lead_id, **values))
    return rows


class SetChanges:
    """Applies the add and remove items of a request to the sets as the request leaves them."""

    def __init__(self, session: AsyncSession, existing: list[SetRow], problems: Problems) -> None:
        self.session = session
        self.existing = existing
        self.problems = problems
        self.plan = SetPlan()

    async def apply(self, name: str, changes: list[SetChange[Any]]) -> None:
        """Every change to the set `name`, in order."""
        kind = SETS[name]
        members = {_key(row): row for row in self.existing if kind.holds(row)}
        for index, change in enumerate(changes):
            await self._change(kind, change, ("changes", name, index), members)

    async def _change(
        self,
        kind: SetKind,
        change: SetChange[Any],
        item_path: Path,
        members: dict[tuple[str, str], SetRow],
    ) -> None:
        item = change.item
        level = item.level if isinstance(item, ProductItemRef) else kind.level
        ref = item.ref if isinstance(item, ProductItemRef) else item
        model, label = SET_ITEMS[level]
        path: Path = (*item_path, change.action)
        if isinstance(item, ProductItemRef):
            path = (*path, level)
        row = await find_one(self.session, model, ref, path, label, self.problems)
        if row is None:
            return
        if kind.classification is not None and not await self._fits(row, kind.classification):
            self.problems.add(
                ref.path(path),
                ref.value,
                ErrorCode.INVALID,
                f"The {label} is not one of the {kind.classification} this set holds.",
            )
            return
        key = (level, row.id)
        if change.action == "add":
            self._add(kind, key, members, ref.path(path), ref.value, label)
            return
        member = members.pop(key, None)
        if member is None:
            self.problems.add(
                ref.path(path), ref.value, ErrorCode.NOT_FOUND, f"The {label} is not in the set."
            )
        elif member in self.plan.added:
            self.plan.added.remove(member)
        else:
            self.plan.removed.append(member)

    def _add(
        self,
        kind: SetKind,
        key: tuple[str, str],
        members: dict[tuple[str, str], SetRow],
        path: Path,
        value: str,
        label: str,
    ) -> None:
        if key in members:
            self.problems.add(path, value, ErrorCode.INVALID, f"The {label} is in the set already.")
            return
        added = kind.link(**{f"{key[0]}_id": key[1]})  # type: ignore[arg-type]
        if isinstance(added, LeadProduct) and kind.product_set is not None:
            added.product_set = kind.product_set
        members[key] = added
        self.plan.added.append(added)

    async def _fits(self, row: Entity, classification: ProductClassification) -> bool:
        """Whether a product or product type is of the classification a set holds."""
        if isinstance(row, Product):
            product_type = await self.session.get(ProductType, row.product_type_id)
            return product_type is not None and product_type.classification is classification
        if isinstance(row, ProductType):
            return row.classification is classification
        return False
