"""Per-request loaders, for the fields the GraphQL plans leave to the standard executor (and
all of them when plans are off): every nested record of a page comes in one statement per kind.

Built only in `get_context` (aiodataloader binds the running event loop). Each batch opens a
short session of its own, so concurrently running resolvers never share one.
"""

from collections import defaultdict
from collections.abc import Sequence
from functools import cached_property
from typing import Any, Generic, TypeVar

from aiodataloader import DataLoader
from sqlalchemy import select
from sqlmodel import col

from app.db import Reader
from app.domain import models
from app.domain.auth import Actor
from app.domain.errors import DomainError
from app.domain.leads.history import HistoryPage, history_pages
from app.domain.leads.queries import leads_of_contacts
from app.domain.models import Entity, Lead, LeadCompetitor, LeadProduct, LeadUser

Record = TypeVar("Record", bound=Entity)
LeadItem = TypeVar("LeadItem", LeadUser, LeadCompetitor, LeadProduct)


class RecordByIdLoader(DataLoader[str, Record | None], Generic[Record]):
    """Records of one table by id; None for an id that names nothing."""

    def __init__(self, reader: Reader, model: type[Record]) -> None:
        super().__init__()
        self.reader = reader
        self.model = model

    async def batch_load_fn(self, keys: Sequence[str]) -> list[Record | None]:
        async with self.reader() as session:
            rows = await session.scalars(select(self.model).where(col(self.model.id).in_(keys)))
            by_id = {row.id: row for row in rows}
        return [by_id.get(key) for key in keys]


class SetItemsByLeadIdLoader(DataLoader[str, list[LeadItem]], Generic[LeadItem]):
    """The items of one of the lead sets, per lead id, in the order they were added."""

    def __init__(self, reader: Reader, model: type[LeadItem]) -> None:
        super().__init__()
        self.reader = reader
        self.model: type[LeadItem] = model

    async def batch_load_fn(self, keys: Sequence[str]) -> list[list[LeadItem]]:
        items: dict[str, list[LeadItem]] = defaultdict(list)
        async with self.reader() as session:
            rows = await session.scalars(
                select(self.model)
                .where(col(self.model.lead_id).in_(keys))
                .order_by(col(self.model.lead_id), col(self.model.id))
            )
            for row in rows:
                items[row.lead_id].append(row)
        return [items[key] for key in keys]


# A page of one lead's history: the lead's id, how many entries, after which cursor.
HistoryKey = tuple[str, int, str | None]
# The leads of one contact: the contact's id and how many leads.
ContactLeadsKey = tuple[str, int]


class HistoryByLeadLoader(DataLoader[HistoryKey, HistoryPage]):
    """Pages of leads' histories: one statement per distinct page size and cursor."""

    def __init__(self, reader: Reader) -> None:
        super().__init__()
        self.reader = reader

    # aiodataloader rejects the loads whose value is an exception; its types do not say so.
    async def batch_load_fn(  # type: ignore[override]
        self, keys: Sequence[HistoryKey]
    ) -> list[HistoryPage | DomainError]:
        # A refused page size or cursor fails the keys that asked for it, not the batch.
        pages: dict[HistoryKey, HistoryPage | DomainError] = {}
        by_page: dict[tuple[int, str | None], list[str]] = defaultdict(list)
        for lead_id, first, after in keys:
            by_page[(first, after)].append(lead_id)
        async with self.reader() as session:
            for (first, after), lead_ids in by_page.items():
                try:
                    found = await history_pages(session, lead_ids, first, after)
                except DomainError as error:
                    pages |= {(lead_id, first, after): error for lead_id in lead_ids}
                    continue
                pages |= {(lead_id, first, after): page for lead_id, page in found.items()}
        return [pages[key] for key in keys]


class LeadsByContactLoader(DataLoader[ContactLeadsKey, list[Lead]]):
    """The leads of contacts that the signed-in user may see: one statement per page size."""

    def __init__(self, reader: Reader, actor: Actor | None) -> None:
        super().__init__()
        self.reader = reader
        self.actor = actor

    async def batch_load_fn(  # type: ignore[override]
        self, keys: Sequence[ContactLeadsKey]
    ) -> list[list[Lead] | DomainError]:
        assert self.actor is not None
        # A refused page size fails the keys that asked for it, not the batch.
        found: dict[ContactLeadsKey, list[Lead] | DomainError] = {}
        by_size: dict[int, list[str]] = defaultdict(list)
        for contact_id, first in keys:
            by_size[first].append(contact_id)
        async with self.reader() as session:
            for first, contact_ids in by_size.items():
                try:
                    leads = await leads_of_contacts(session, self.actor, contact_ids, first)
                except DomainError as error:
                    found |= dict.fromkeys(((cid, first) for cid in contact_ids), error)
                    continue
                found |= {(contact_id, first): leads[contact_id] for contact_id in contact_ids}
        return [found[key] for key in keys]


class Loaders:
    """The loaders of one request, each made when first used (most requests use few)."""

    def __init__(self, reader: Reader, actor: Actor | None) -> None:
        self.reader = reader
        self.actor = actor
        self._loaders: dict[Any, Any] = {}

    @classmethod
    def create(cls, reader: Reader, actor: Actor | None) -> "Loaders":
        """Fresh loaders over `reader`, for one request by `actor`."""
        return cls(reader, actor)

    def records(self, model: type[Record]) -> RecordByIdLoader[Record]:
        """The loader of `model`'s records by id."""
        loader: RecordByIdLoader[Record] | None = self._loaders.get(model)
        if loader is None:
            loader = self._loaders[model] = RecordByIdLoader(self.reader, model)
        return loader

    def items(self, model: type[Entity]) -> SetItemsByLeadIdLoader[Any]:
        """The loader of `model`'s items by lead id."""
        key = ("items", model)
        loader: SetItemsByLeadIdLoader[Any] | None = self._loaders.get(key)
        if loader is None:
            loader = self._loaders[key] = SetItemsByLeadIdLoader(self.reader, model)
        return loader

    @property
    def user(self) -> RecordByIdLoader[models.User]:
        return self.records(models.User)

    @property
    def unit(self) -> RecordByIdLoader[models.Unit]:
        return self.records(models.Unit)

    @property
    def group(self) -> RecordByIdLoader[models.Group]:
        return self.records(models.Group)

    @cached_property
    def history(self) -> HistoryByLeadLoader:
        return HistoryByLeadLoader(self.reader)

    @cached_property
    def contact_leads(self) -> LeadsByContactLoader:
        return LeadsByContactLoader(self.reader, self.actor)
