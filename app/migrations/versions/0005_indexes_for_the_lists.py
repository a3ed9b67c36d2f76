"""Indexes that page every list of leads by number under its condition.

Each filter's column (type, category, contact, accounts receivable, source, importance,
priority) is indexed with the number after it, so that a filtered page reads its index in
order and stops after the page; they replace the indexes of those columns alone. A user's
leads in lead teams are indexed by user (what a sales user may see); the lone lead id
indexes of the life cycle state, the users set and the competitors set go, as the indexes
that begin with the same column serve what they did.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 13:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The lead columns paged by number, by the name their index takes.
PAGED = {
    "type": "type_id",
    "category": "category_id",
    "contact": "contact_id",
    "accounts_receivable": "accounts_receivable_id",
    "source": "source_type",
    "importance": "importance",
    "priority": "priority",
}
# Indexes of one column that an index beginning with the same column serves.
REDUNDANT = {"lead": ["life_cycle_state"], "lead_user": ["lead_id"], "lead_competitor": ["lead_id"]}


def upgrade() -> None:
    for name, column in PAGED.items():
        op.drop_index(f"ix_lead_{column}", table_name="lead")
        op.create_index(f"ix_lead_{name}_number", "lead", [column, "number"])
    for table, columns in REDUNDANT.items():
        for column in columns:
            op.drop_index(f"ix_{table}_{column}", table_name=table)
    op.create_index("ix_lead_user_user_lead", "lead_user", ["user_id", "lead_id"])


def downgrade() -> None:
    op.drop_index("ix_lead_user_user_lead", table_name="lead_user")
    for table, columns in REDUNDANT.items():
        for column in columns:
            op.create_index(f"ix_{table}_{column}", table, [column])
    for name, column in PAGED.items():
        op.drop_index(f"ix_lead_{name}_number", table_name="lead")
        op.create_index(f"ix_lead_{column}", "lead", [column])
