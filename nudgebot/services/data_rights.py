"""A subscriber's data rights: a complete export of their rows, and erasing all of them."""

from __future__ import annotations

import csv
import io
import json
import logging
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from nudgebot.clock import Clock
from nudgebot.content.model import Content
from nudgebot.db import queries
from nudgebot.db.personal_data import Owner, collect_everything, delete_everything
from nudgebot.services.lookups import subscribed

log = logging.getLogger(__name__)

EXPORT_JSON_NAME = "nudgebot-export.json"
EXPORT_CSV_NAME = "nudgebot-checkins.csv"
CSV_COLUMNS = ("date", "tip_number", "tip_id", "tip", "outcome", "source", "recorded_at", "notes")


@dataclass(frozen=True, slots=True)
class Export:
    """The two files /export sends, as bytes."""

    json_document: bytes
    checkins_csv: bytes


def _plain(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")  # as the database stores it
    return value


class DataRightsService:
    """Export and forget; both cover every table through the metadata, not a fixed list."""

    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], clock: Clock, content: Content
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._content = content

    async def export(self, chat_id: int) -> Export:
        async with self._sessions() as session:
            subscriber = await subscribed(session, chat_id)
            tables = await collect_everything(session, Owner.of(subscriber))
        subscriber_rows = tables.pop("subscribers", [])
        document = {
            "exported_at": self._clock.now().isoformat(),
            "about": "Everything nudgebot stores about you, one list per table.",
            "subscriber": subscriber_rows[0] if subscriber_rows else {},
            "tables": tables,
        }
        return Export(
            json_document=json.dumps(
                document, default=_plain, ensure_ascii=False, indent=2, sort_keys=True
            ).encode("utf-8"),
            checkins_csv=self._checkins_csv(tables),
        )

    def _checkins_csv(self, tables: dict[str, list[dict[str, Any]]]) -> bytes:
        notes: dict[int | None, list[str]] = {}
        for note in tables.get("notes", []):
            notes.setdefault(note["checkin_id"], []).append(str(note["text"]))
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(CSV_COLUMNS)
        for row in sorted(tables.get("checkins", []), key=lambda r: (r["local_date"], r["id"])):
            tip = next((t for t in self._content.tips if t.id == row["tip_id"]), None)
            writer.writerow(
                (
                    row["local_date"].isoformat(),
                    tip.number if tip else "",
                    row["tip_id"],
                    tip.title if tip else "",
                    row["outcome"],
                    row["source"],
                    _plain(row["updated_at"]),
                    " | ".join(notes.get(row["id"], [])),
                )
            )
        # A byte-order mark so spreadsheet apps read the notes' accents and emoji correctly.
        return buffer.getvalue().encode("utf-8-sig")

    async def forget(self, chat_id: int) -> bool:
        """Erase every row of the subscriber in one transaction; False if nothing was stored."""
        async with self._sessions.begin() as session:
            subscriber = await queries.get_subscriber(session, chat_id, for_update=True)
            if subscriber is None:
                return False
            deleted = await delete_everything(session, Owner.of(subscriber))
        log.info(
            "subscriber erased on request: %s", ", ".join(f"{t} {n}" for t, n in deleted.items())
        )
        return True
