"""Broadcasts: the announcements table, and a `ref` in the ledger's claim for them.

The claim UNIQUE(subscriber_id, kind, local_date) allowed one broadcast per subscriber per day;
with `ref` (the broadcast's id, '' for tips) it allows one row per subscriber per broadcast.

Revision ID: 0007
Revises: 0001
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "broadcasts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("recipients", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_broadcasts")),
        sa.UniqueConstraint("digest", name=op.f("uq_broadcasts_digest")),
    )
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("ref", sa.String(length=32), server_default="", nullable=False)
        )
        batch_op.drop_constraint("uq_deliveries_claim", type_="unique")
        batch_op.create_unique_constraint(
            "uq_deliveries_claim", ["subscriber_id", "kind", "local_date", "ref"]
        )


def downgrade() -> None:
    # The old claim cannot hold two broadcasts on one day; broadcasts leave with their table.
    op.execute("DELETE FROM deliveries WHERE kind = 'broadcast'")
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.drop_constraint("uq_deliveries_claim", type_="unique")
        batch_op.create_unique_constraint(
            "uq_deliveries_claim", ["subscriber_id", "kind", "local_date"]
        )
        batch_op.drop_column("ref")
    op.drop_table("broadcasts")
