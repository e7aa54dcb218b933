"""The queue of updates waiting for getUpdates, with Telegram's offset and filter rules."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from .wakeup import Wakeup

# What an empty allowed_updates list means: everything except these three.
_OPT_IN_ONLY = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


@dataclass
class _Entry:
    update: dict[str, Any]
    redelivery: bool = False  # a duplicate: delivered once whatever the offset says

    @property
    def update_id(self) -> int:
        return int(self.update["update_id"])

    @property
    def kind(self) -> str:
        return next(key for key in self.update if key != "update_id")


class UpdateQueue:
    """Pending updates; ids strictly increase; confirmed by a later offset."""

    def __init__(self, first_update_id: int = 100_000_001) -> None:
        self._pending: list[_Entry] = []
        self._next_id = first_update_id
        self._last_by_chat: dict[int, dict[str, Any]] = {}
        self.allowed: frozenset[str] | None = None
        self.changed = Wakeup()
        self.delivered: list[dict[str, Any]] = []

    def make(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        """A new update with the next update_id, not queued (for posting it by hand)."""
        update = {"update_id": self._next_id, kind: payload}
        self._next_id += 1
        return update

    def push(self, kind: str, payload: dict[str, Any], chat_id: int) -> dict[str, Any]:
        """Queue a new update of `kind` and wake long polls."""
        update = self.make(kind, payload)
        self._pending.append(_Entry(update))
        self._last_by_chat[chat_id] = update
        self.changed.notify()
        return update

    def redeliver_last(self, chat_id: int) -> dict[str, Any]:
        """Deliver the chat's last update again, same update_id, as Telegram sometimes does."""
        last = self._last_by_chat.get(chat_id)
        if last is None:
            raise LookupError(f"no update from chat {chat_id} to duplicate")
        self._pending.append(_Entry(copy.deepcopy(last), redelivery=True))
        self.changed.notify()
        return last

    def set_allowed(self, allowed: list[str] | None) -> None:
        """Remember allowed_updates; None keeps the previous setting."""
        if allowed is not None:
            self.allowed = frozenset(allowed) if allowed else None

    def confirm(self, offset: int | None) -> None:
        """Forget updates before `offset`; a negative offset keeps only the last -offset."""
        if offset is None:
            return
        if offset < 0:
            self._pending = self._pending[offset:]
        else:
            self._pending = [e for e in self._pending if e.redelivery or e.update_id >= offset]

    def take(self, limit: int) -> list[dict[str, Any]]:
        """Up to `limit` deliverable updates; they stay pending until confirmed."""
        self._pending = [e for e in self._pending if self._wanted(e.kind)]
        batch = self._pending[:limit]
        sent = {id(e) for e in batch if e.redelivery}
        self._pending = [e for e in self._pending if id(e) not in sent]
        updates = [e.update for e in batch]
        self.delivered.extend(updates)
        return updates

    def next_for_webhook(self) -> _Entry | None:
        """The oldest deliverable update; it stays pending until acknowledge()."""
        self._pending = [e for e in self._pending if self._wanted(e.kind)]
        return self._pending[0] if self._pending else None

    def acknowledge(self, entry: _Entry) -> None:
        """The webhook answered 2xx for this update: it is delivered."""
        self._pending = [e for e in self._pending if e is not entry]
        self.delivered.append(entry.update)

    def clear(self) -> None:
        """drop_pending_updates."""
        self._pending.clear()

    @property
    def pending_count(self) -> int:
        return len(self._pending)

    def _wanted(self, kind: str) -> bool:
        if self.allowed is None:
            return kind not in _OPT_IN_ONLY
        return kind in self.allowed
