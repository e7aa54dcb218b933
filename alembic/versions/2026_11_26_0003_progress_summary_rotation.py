"""Weekly summary schedule and the rotation cycle counter on subscribers.

Revision ID: 0003
Revises: 0001
Create Date: 2026-11-26
"""

from collections.abc import Sequence
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

from nudgebot.domain.schedule import next_weekly

revision: str = "0003"
down_revision: str | None = "0002"
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
    _schedule_existing_summaries()


_BATCH = 5000


def _schedule_existing_summaries() -> None:
    """Subscribers from before this revision get their first summary on the coming Sunday."""
    # Frozen here on purpose (Sunday 18:00, the defaults of this revision): a migration must
    # not change meaning when the app's defaults change later.
    subscribers = sa.table(
        "subscribers",
        sa.column("id", sa.Integer()),
        sa.column("status", sa.String()),
        sa.column("timezone", sa.String()),
        sa.column("next_summary_at", sa.DateTime(timezone=True)),
        sa.column("next_summary_date", sa.Date()),
    )
    connection = op.get_bind()
    now = datetime.now(UTC)
    last_id = 0
    while True:
        rows = connection.execute(
            sa.select(subscribers.c.id, subscribers.c.timezone)
            .where(subscribers.c.status.in_(("active", "paused")), subscribers.c.id > last_id)
            .order_by(subscribers.c.id)
            .limit(_BATCH)
        ).all()
        if not rows:
            return
        connection.execute(
            sa.update(subscribers)
            .where(subscribers.c.id == sa.bindparam("row_id"))
            .values(next_summary_at=sa.bindparam("at"), next_summary_date=sa.bindparam("day")),
            [
                {"row_id": row_id, "at": due.at, "day": due.local_date}
                for row_id, zone in rows
                for due in [next_weekly(now, ZoneInfo(zone), 6, time(18, 0))]
            ],
        )
        last_id = rows[-1][0]


def downgrade() -> None:
    with op.batch_alter_table("subscribers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_subscribers_next_summary_at"))
        batch_op.drop_column("next_summary_date")
        batch_op.drop_column("next_summary_at")
        batch_op.drop_column("summary_time")
        batch_op.drop_column("summary_day")
        batch_op.drop_column("summary_enabled")
        batch_op.drop_column("cycle_number")
