"""What the history tests share: the demo records' values as history names them, and small
builders for actions and set changes."""

from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.domain.auth import Actor
from app.domain.identifiers import Ref
from app.domain.leads import history
from app.domain.leads.commands import (
    LeadAction,
    LeadChanges,
    ProductItemRef,
    SetChange,
)
from app.domain.leads.service import (
    update_lead,
)
from app.domain.leads.sets import SetRow
from app.domain.models import (
    AccountsReceivable,
    Competitor,
    Contact,
    Entity,
    Lead,
    LeadChange,
    Product,
    ProductBrand,
    ProductFamily,
    ProductType,
    User,
)
from tests.databases import DEMO_NOW
from tests.factories import (
    actor,
    lead_ref,
)

NOW = DEMO_NOW
LATER = DEMO_NOW + timedelta(hours=2)
LATER_TEXT = "2026-11-25T14:00:00+00:00"
DUE_TEXT = "2026-12-25T12:00:00+00:00"  # a month after NOW, when `new_lead` is due
DEMO_LEADS = 226  # 26 seed leads and 200 generated ones
KOKOS, KOKOS_ACCOUNT = "21312312", "ACR0000000201"  # Kokos Panagi and his own account
NEW_ACCOUNT = "ACR0000001001"  # the first accounts receivable a test opens
SOFA, AOA, MODEM_A_PLUS = "Sports On Full Access", "Adult- Only for Additional", "Modem A+"
COMPETITORS_REASON = {"id": "D4CB03A3D05A457AAC0854FFFAB0D20E", "name": "Competitors"}
NEW_CUSTOMER_TYPE = {"id": "696C0E5F273B4D548F875F63F9DE77C2", "name": "New Customer"}
NEW_CUSTOMER = {"id": "35EB799C52F14A8984FE2F397A852A78", "name": "New Customer"}
SOFTWARE_PURCHASE = {"id": "C60F332D0B4CB8DD22A0159413951434", "name": "Software Purchase"}

# The natural key history names each kind of record by beside its id ("name" otherwise),
# and the level of a set item naming each kind.
KEYS = {User: "username", Contact: "id_number", AccountsReceivable: "number", Product: "code"}
LEVELS: dict[type[Entity], str] = {
    User: "user",
    Competitor: "competitor",
    Product: "product",
    ProductType: "product_type",
    ProductFamily: "product_family",
    ProductBrand: "product_brand",
}


def change(field: str, old: Any, new: Any) -> dict[str, Any]:
    return {"field": field, "old": old, "new": new}


def set_change(field: str, added: list[Any], removed: list[Any] | None = None) -> dict[str, Any]:
    return {"field": field, "old": None, "new": {"added": added, "removed": removed or []}}


def by_field(changes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(changes, key=lambda found: str(found["field"]))


def stamp(entry: LeadChange) -> tuple[Any, ...]:
    """What an entry says beside its changes: the action, when, by whom, for which unit."""
    return (entry.action, entry.at, entry.by_user_id, entry.by_unit_id)


class Names:
    """Records as history names them, found by their natural key."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def __call__(self, model: type[Entity], value: str) -> dict[str, Any]:
        key = KEYS.get(model, "name")
        row = await self.session.scalar(select(model).where(getattr(model, key) == value))
        assert row is not None, (model, value)
        return {"id": row.id, key: value}

    async def item(self, row: SetRow, model: type[Entity], value: str) -> dict[str, Any]:
        """A set item: its row's id and the record it names."""
        return {"id": row.id, LEVELS[model]: await self(model, value)}


async def entries(session: AsyncSession, lead_id: str) -> list[LeadChange]:
    return await history.entries_of(session, lead_id)


async def sequences(session: AsyncSession) -> set[int]:
    """The sequence numbers of every history entry of every lead."""
    return set(await session.scalars(select(col(LeadChange.sequence))))


async def update(
    session: AsyncSession, lead: Lead, who: Actor | None = None, **fields: Any
) -> LeadChange:
    """update_lead on `lead` at LATER; the one entry it added."""
    before = len(await entries(session, lead.id))
    who = who or await actor(session)
    await update_lead(session, LeadAction(lead_ref(lead), who, LATER), LeadChanges(**fields))
    found = await entries(session, lead.id)
    assert len(found) == before + 1
    return found[-1]


def add(value: Any) -> SetChange[Any]:
    return SetChange("add", value)


def remove(value: Any) -> SetChange[Any]:
    return SetChange("remove", value)


def item_ref(level: str, key: str, value: str) -> ProductItemRef:
    return ProductItemRef(level, Ref(key, value))  # type: ignore[arg-type]


def product(alternative_code: str) -> ProductItemRef:
    return item_ref("product", "alternative_code", alternative_code)
