"""Number series: PostgreSQL sequences, and counter rows for SQLite.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 10:55:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SERIES = ("lead_number_seq", "accounts_receivable_number_seq")


def upgrade() -> None:
    counter = sa.table("counter", sa.column("name", sa.String), sa.column("value", sa.Integer))
    op.bulk_insert(counter, [{"name": name, "value": 0} for name in SERIES])
    if op.get_bind().dialect.name == "postgresql":
        for name in SERIES:
            op.execute(sa.schema.CreateSequence(sa.Sequence(name)))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name in SERIES:
            op.execute(sa.schema.DropSequence(sa.Sequence(name)))
    op.execute(sa.text("DELETE FROM counter"))
