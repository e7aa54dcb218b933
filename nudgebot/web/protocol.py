"""uvicorn's h11 protocol with a deadline for the request head and a cap on open connections."""

from __future__ import annotations

import asyncio
import logging
from typing import Any, ClassVar

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from nudgebot.web.limits import WebLimits

log = logging.getLogger(__name__)


class ConnectionGate:
    """The open connections of one server, and which have waited longest for a request head."""

    def __init__(self, max_connections: int) -> None:
        self.max_connections = max_connections
        self._open: set[GuardedH11Protocol] = set()
        # Insertion-ordered: the first is the connection that has waited longest.
        self._waiting: dict[GuardedH11Protocol, None] = {}

    @property
    def open_count(self) -> int:
        return len(self._open)

    def admit(self, connection: GuardedH11Protocol) -> bool:
        """Count a new connection; over the cap, close the one idle longest (or this one)."""
        self._open.add(connection)
        if len(self._open) <= self.max_connections:
            return True
        # Only a connection without a request in progress is given up: a request being
        # handled (Telegram's update) is never cut off for a newcomer.
        victim = next(iter(self._waiting), connection)
        self.forget(victim)
        victim.close_idle("over the connection limit")
        return victim is not connection

    def waiting(self, connection: GuardedH11Protocol) -> None:
        self._waiting.pop(connection, None)
        self._waiting[connection] = None

    def busy(self, connection: GuardedH11Protocol) -> None:
        self._waiting.pop(connection, None)

    def forget(self, connection: GuardedH11Protocol) -> None:
        self._open.discard(connection)
        self._waiting.pop(connection, None)


class GuardedH11Protocol(H11Protocol):
    """One HTTP/1.1 connection that must send each request head within a deadline.

    uvicorn itself has no such deadline: a fresh connection may stay silent forever, and its
    keep-alive timer restarts with every byte, so a head sent a byte at a time is never cut off.
    Here the head's clock starts when the connection opens (or its last response ends) and does
    not restart for partial data. Bound to its limits by `guarded_protocol()`.
    """

    limits: ClassVar[WebLimits]
    gate: ClassVar[ConnectionGate]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._head_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if self.gate.admit(self):
            self._await_head()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_head_clock()
        self.gate.forget(self)
        super().connection_lost(exc)

    def handle_events(self) -> None:
        cycle = self.cycle
        super().handle_events()
        if self.cycle is not cycle:
            # A whole request head arrived: from here the body has its own deadline.
            self._stop_head_clock()
            self.gate.busy(self)

    def on_response_complete(self) -> None:
        if self.conn.their_state is not h11.DONE and not self.transport.is_closing():
            # Answered before the body was read (refused, too large, too slow): reading the
            # rest would only let the client keep the connection busy. uvicorn then stops too.
            self.transport.close()
        super().on_response_complete()
        if not self.transport.is_closing() and (self.cycle is None or self.cycle.response_complete):
            self._await_head()

    def close_idle(self, reason: str) -> None:
        self._stop_head_clock()
        if not self.transport.is_closing():
            log.debug("closed a connection: %s", reason)
            self.transport.close()

    def _await_head(self) -> None:
        self._stop_head_clock()
        self.gate.waiting(self)
        self._head_timer = self.loop.call_later(
            self.limits.header_seconds, self.close_idle, "no request head in time"
        )

    def _stop_head_clock(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None


def guarded_protocol(limits: WebLimits) -> type[GuardedH11Protocol]:
    """A protocol class for one server: its own gate, so each listener counts its own."""
    return type(
        "BoundGuardedH11Protocol",
        (GuardedH11Protocol,),
        {"limits": limits, "gate": ConnectionGate(limits.max_connections)},
    )
