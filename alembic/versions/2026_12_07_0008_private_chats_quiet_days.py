"""Private chats only, and quiet days after a crisis reply.

A subscription whose chat is a group, supergroup or channel (Telegram gives those negative chat
ids; a private chat's id is the user's, always positive) is stopped: no more tips, reminders or
summaries go there. `group_notes` remembers which group already got the one note that points to
a private chat (its id and when, nothing else). `quiet_until` keeps streak talk away from a
subscriber until the end of the local day in which they got the crisis reply; on the row, so
every replica agrees.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "group_notes",
        sa.Column("group_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("noted_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("group_id", name=op.f("pk_group_notes")),
    )
    with op.batch_alter_table("subscribers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("quiet_until", sa.DateTime(timezone=True), nullable=True))
    op.execute(
        "UPDATE subscribers SET status = 'stopped', paused_until = NULL, awaiting = NULL,"
        " next_due_at = NULL, next_local_date = NULL,"
        " next_summary_at = NULL, next_summary_date = NULL"
        " WHERE chat_id < 0"
    )
    # A reminder already asked for in a group is not sent either.
    op.execute(
        "UPDATE snoozes SET status = 'cancelled' WHERE status = 'pending'"
        " AND subscriber_id IN (SELECT id FROM subscribers WHERE chat_id < 0)"
    )


def downgrade() -> None:
    # The stopped group subscriptions stay stopped: nobody asked for them to start again.
    with op.batch_alter_table("subscribers", schema=None) as batch_op:
        batch_op.drop_column("quiet_until")
    op.drop_table("group_notes")
