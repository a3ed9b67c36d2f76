"""Indexes of the columns that make a lead visible to a user who is no administrator: the
assigned user, the assigned unit, the owning group and the lead owner, each with the number
after it, as the list indexes are. With them (and the lead teams' index by user), the count of
the leads a sales user may see reads the matching entries of each index, not every lead.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 16:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The columns of the visibility rule, by the name their index takes.
VISIBILITY = {
    "assigned_user": "assigned_user_id",
    "assigned_unit": "assigned_unit_id",
    "owning_group": "owned_by_group_id",
    "owner": "lead_owner_id",
}


def upgrade() -> None:
    for name, column in VISIBILITY.items():
        op.create_index(f"ix_lead_{name}_number", "lead", [column, "number"])


def downgrade() -> None:
    for name in VISIBILITY:
        op.drop_index(f"ix_lead_{name}_number", table_name="lead")
