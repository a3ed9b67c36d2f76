"""Idempotency keys: the lead each user's create made under a key, so that the same create
sent again (a re-run import, a retried request) gives that lead back instead of a second one.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString

from app.domain.columns import UTCDateTime

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "idempotency_key",
        sa.Column("user_id", AutoString(length=32), sa.ForeignKey("user.id"), primary_key=True),
        sa.Column("key", AutoString(length=200), primary_key=True),
        sa.Column("lead_id", AutoString(length=32), sa.ForeignKey("lead.id"), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("idempotency_key")
