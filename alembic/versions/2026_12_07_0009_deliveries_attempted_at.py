"""Deliveries remember when their send was handed to the transport.

`attempted_at` is set, and committed, just before a claimed message goes out. After a crash a
claim without it was never sent and is released for a resend; one with it may have been sent and
turns 'unknown', as every stale claim did before. Claims already open at the upgrade were made by
code that did not mark them, so they count as attempted: never resend what might have been sent.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("attempted_at", sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE deliveries SET attempted_at = claimed_at WHERE status = 'claimed'")


def downgrade() -> None:
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.drop_column("attempted_at")
