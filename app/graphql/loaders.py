"""Per-request loaders: every nested record of a page comes in one statement per kind.

Built only in `get_context` (aiodataloader binds the running event loop). Each batch opens a
short session of its own, so concurrently running resolvers never share one.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from aiodataloader import DataLoader
from sqlalchemy import select
from sqlmodel import col

from app.db import SessionFactory
from app.domain import models
from app.domain.models import Entity, LeadCompetitor, LeadProduct, LeadUser

Record = TypeVar("Record", bound=Entity)
LeadItem = TypeVar("LeadItem", LeadUser, LeadCompetitor, LeadProduct)


class RecordByIdLoader(DataLoader[str, Record | None], Generic[Record]):
    """Records of one table by id; None for an id that names nothing."""

    def __init__(self, reader: SessionFactory, model: type[Record]) -> None:
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

    def __init__(self, reader: SessionFactory, model: type[LeadItem]) -> None:
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


@dataclass(frozen=True)
class Loaders:
    """The loaders of one request."""

    status: RecordByIdLoader[models.LeadStatus]
    lead_type: RecordByIdLoader[models.LeadType]
    category: RecordByIdLoader[models.LeadCategory]
    lost_reason: RecordByIdLoader[models.LostReason]
    contact: RecordByIdLoader[models.Contact]
    accounts_receivable: RecordByIdLoader[models.AccountsReceivable]
    user: RecordByIdLoader[models.User]
    unit: RecordByIdLoader[models.Unit]
    group: RecordByIdLoader[models.Group]
    privacy_level: RecordByIdLoader[models.PrivacyLevel]
    competitor: RecordByIdLoader[models.Competitor]
    product: RecordByIdLoader[models.Product]
    product_type: RecordByIdLoader[models.ProductType]
    product_family: RecordByIdLoader[models.ProductFamily]
    product_brand: RecordByIdLoader[models.ProductBrand]
    subscription_package: RecordByIdLoader[models.SubscriptionPackage]
    communication: RecordByIdLoader[models.Communication]
    notification: RecordByIdLoader[models.Notification]
    lead_users: SetItemsByLeadIdLoader[LeadUser]
    lead_competitors: SetItemsByLeadIdLoader[LeadCompetitor]
    lead_products: SetItemsByLeadIdLoader[LeadProduct]

    @classmethod
    def create(cls, reader: SessionFactory) -> "Loaders":
        """Fresh loaders over `reader`, for one request."""
        return cls(
            status=RecordByIdLoader(reader, models.LeadStatus),
            lead_type=RecordByIdLoader(reader, models.LeadType),
            category=RecordByIdLoader(reader, models.LeadCategory),
            lost_reason=RecordByIdLoader(reader, models.LostReason),
            contact=RecordByIdLoader(reader, models.Contact),
            accounts_receivable=RecordByIdLoader(reader, models.AccountsReceivable),
            user=RecordByIdLoader(reader, models.User),
            unit=RecordByIdLoader(reader, models.Unit),
            group=RecordByIdLoader(reader, models.Group),
            privacy_level=RecordByIdLoader(reader, models.PrivacyLevel),
            competitor=RecordByIdLoader(reader, models.Competitor),
            product=RecordByIdLoader(reader, models.Product),
            product_type=RecordByIdLoader(reader, models.ProductType),
            product_family=RecordByIdLoader(reader, models.ProductFamily),
            product_brand=RecordByIdLoader(reader, models.ProductBrand),
            subscription_package=RecordByIdLoader(reader, models.SubscriptionPackage),
            communication=RecordByIdLoader(reader, models.Communication),
            notification=RecordByIdLoader(reader, models.Notification),
            lead_users=SetItemsByLeadIdLoader(reader, LeadUser),
            lead_competitors=SetItemsByLeadIdLoader(reader, LeadCompetitor),
            lead_products=SetItemsByLeadIdLoader(reader, LeadProduct),
        )
