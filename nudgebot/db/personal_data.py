"""Every row that belongs to one subscriber, in every table, found from the metadata alone."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Table, delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from nudgebot.db.models import Base, Subscriber


@dataclass(frozen=True, slots=True)
class Owner:
    """Who the rows belong to: the subscriber row's id and its private chat's id.

    Never the Telegram user id: it is not the key of anyone's data (in a group it names
    whoever spoke last, and every anonymous group admin shares one), so matching by it once let
    one chat erase or export another's rows.
    """

    subscriber_id: int
    chat_id: int

    @classmethod
    def of(cls, row: Subscriber) -> Owner:
        return cls(row.id, row.chat_id)


def owner_filter(table: Table, owner: Owner) -> ColumnElement[bool] | None:
    """The condition that picks the owner's rows in table; None when the table holds none."""
    # Columns that name a person: a table added later with any of them is covered without a
    # change here (/forget erases its rows and /export includes them).
    values = {"subscriber_id": owner.subscriber_id, "chat_id": owner.chat_id}
    conditions = [table.c[name] == value for name, value in values.items() if name in table.c]
    if table.name == Subscriber.__tablename__:
        conditions.append(table.c.id == owner.subscriber_id)
    # Whatever a column is called, a foreign key to subscribers.id names the subscriber too.
    conditions += [
        column == owner.subscriber_id
        for column in table.columns
        if column.name not in values
        and any(fk.column.table.name == Subscriber.__tablename__ for fk in column.foreign_keys)
    ]
    return or_(*conditions) if conditions else None


def personal_tables(owner: Owner) -> Iterator[tuple[Table, ColumnElement[bool]]]:
    """Tables that can hold the owner's rows, dependents before the tables they point to."""
    for table in reversed(Base.metadata.sorted_tables):
        condition = owner_filter(table, owner)
        if condition is not None:
            yield table, condition


async def delete_everything(session: AsyncSession, owner: Owner) -> dict[str, int]:
    """Delete the owner's rows in every table (in the caller's transaction); counts per table."""
    deleted: dict[str, int] = {}
    for table, condition in personal_tables(owner):
        result = await session.execute(delete(table).where(condition))
        deleted[table.name] = int(getattr(result, "rowcount", 0) or 0)
    return deleted


async def collect_everything(
    session: AsyncSession, owner: Owner
) -> dict[str, list[dict[str, Any]]]:
    """The owner's rows of every table as plain mappings, ordered by primary key."""
    collected: dict[str, list[dict[str, Any]]] = {}
    for table, condition in sorted(personal_tables(owner), key=lambda pair: pair[0].name):
        query = select(table).where(condition).order_by(*table.primary_key.columns)
        rows = (await session.execute(query)).mappings().all()
        collected[table.name] = [dict(row) for row in rows]
    return collected
