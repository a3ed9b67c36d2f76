"""Roles for users, and the change history of leads.

Users who exist when this runs keep doing everything they did (ADMINISTRATOR); a user created
later may only look (READ_ONLY) until given a role.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString

from app.domain.columns import UTCDateTime

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROLES = ("ADMINISTRATOR", "SALES", "READ_ONLY")
ACTIONS = ("CREATE", "UPDATE", "START_PROGRESS", "WIN", "LOSE", "CANCEL")


def _enum(*values: str, name: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, length=32)


def upgrade() -> None:
    with op.batch_alter_table("user") as batch:
        batch.add_column(
            sa.Column(
                "role",
                _enum(*ROLES, name="role"),
                nullable=False,
                server_default="ADMINISTRATOR",
            )
        )
    with op.batch_alter_table("user") as batch:
        batch.alter_column("role", server_default="READ_ONLY")

    op.create_table(
        "lead_change",
        sa.Column(
            "sequence",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            primary_key=True,
            autoincrement=True,
        ),
        sa.Column("lead_id", AutoString(length=32), sa.ForeignKey("lead.id"), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("action", _enum(*ACTIONS, name="action"), nullable=False),
        sa.Column("by_user_id", AutoString(length=32), sa.ForeignKey("user.id"), nullable=True),
        sa.Column("by_unit_id", AutoString(length=32), sa.ForeignKey("unit.id"), nullable=True),
        sa.Column("changes", sa.JSON(), nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_lead_change_lead_sequence", "lead_change", ["lead_id", "sequence"])


def downgrade() -> None:
    op.drop_index("ix_lead_change_lead_sequence", table_name="lead_change")
    op.drop_table("lead_change")
    with op.batch_alter_table("user") as batch:
        batch.drop_column("role")
