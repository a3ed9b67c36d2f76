"""Demo data: the records the seeds' examples name, so that each example replays as a GraphQL
operation, and about 200 generated leads over every state, type, source and date range, spread
over both groups, assignments and users sets so that each sales user sees some and not others.

The catalog is written as rows; every lead is made through the domain's actions, at the
moments of the story it tells, so that each has its history. Loaded only into a database
without leads, so running it twice changes nothing. Every demo user's password is `demo`.
"""

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from app.demo.leads import load_leads
from app.demo.records import load_catalog
from app.domain.auth import actor_named, hash_password
from app.domain.leads.queries import any_lead_exists
from app.domain.numbering import NumberSeries, advance_past

DEMO_PASSWORD = "demo"
# The demo leads are made by the demo administrator.
DEMO_ADMINISTRATOR = "MPAdministrator"


async def load_demo_data(session: AsyncSession, now: datetime) -> bool:
    """Load the demo data into a database without leads; whether anything was loaded."""
    if await any_lead_exists(session):
        return False
    catalog = await load_catalog(session, hash_password(DEMO_PASSWORD))
    await advance_past(session, NumberSeries.ACCOUNTS_RECEIVABLE, 1000)
    await load_leads(session, catalog, await actor_named(session, DEMO_ADMINISTRATOR), now)
    return True
