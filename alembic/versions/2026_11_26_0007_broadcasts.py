"""Broadcasts: the announcements table, and a `ref` in the ledger's claim for them.

The claim UNIQUE(subscriber_id, kind, local_date) allowed one broadcast per subscriber per day;
with `ref` (the broadcast's id, '' for tips) it allows one row per subscriber per broadcast.

Revision ID: 0007
Revises: 0001
Create Date: 2026-11-26
"""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0005"
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
    with _keeping_checkin_links(), op.batch_alter_table("deliveries", schema=None) as batch_op:
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
    with _keeping_checkin_links(), op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.drop_constraint("uq_deliveries_claim", type_="unique")
        batch_op.create_unique_constraint(
            "uq_deliveries_claim", ["subscriber_id", "kind", "local_date"]
        )
        batch_op.drop_column("ref")
    op.drop_table("broadcasts")


@contextmanager
def _keeping_checkin_links() -> Iterator[None]:
    """On SQLite, batch mode copies `deliveries` and drops the old table; with foreign keys on
    (the app turns them on, and PRAGMA cannot change inside the migration's transaction) that
    drop runs ON DELETE SET NULL on checkins.delivery_id. Save the links and put them back;
    delivery ids survive the copy. PostgreSQL alters in place and needs none of this."""
    if op.get_bind().dialect.name != "sqlite":
        yield
        return
    op.execute(
        "CREATE TEMP TABLE _checkin_links AS "
        "SELECT id, delivery_id FROM checkins WHERE delivery_id IS NOT NULL"
    )
    yield
    op.execute(
        "UPDATE checkins SET delivery_id = "
        "(SELECT delivery_id FROM _checkin_links WHERE _checkin_links.id = checkins.id) "
        "WHERE id IN (SELECT id FROM _checkin_links)"
    )
    op.execute("DROP TABLE _checkin_links")
