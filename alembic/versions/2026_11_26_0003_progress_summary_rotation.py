"""Weekly summary schedule and the rotation cycle counter on subscribers.

Revision ID: 0003
Revises: 0001
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("subscribers", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("cycle_number", sa.Integer(), server_default="1", nullable=False)
        )
        batch_op.add_column(
            sa.Column("summary_enabled", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
        batch_op.add_column(
            sa.Column("summary_day", sa.Integer(), server_default="6", nullable=False)
        )
        batch_op.add_column(
            sa.Column("summary_time", sa.String(length=5), server_default="18:00", nullable=False)
        )
        batch_op.add_column(sa.Column("next_summary_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("next_summary_date", sa.Date(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_subscribers_next_summary_at"), ["next_summary_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("subscribers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_subscribers_next_summary_at"))
        batch_op.drop_column("next_summary_date")
        batch_op.drop_column("next_summary_at")
        batch_op.drop_column("summary_time")
        batch_op.drop_column("summary_day")
        batch_op.drop_column("summary_enabled")
        batch_op.drop_column("cycle_number")
