"""Fault injection: the next matching calls fail, drop their connection or answer late."""

from __future__ import annotations

from typing import Any

from .records import Fault


class FaultInjection:
    """The scripted faults of `FakeBotApi` (chaos.py adds seeded ones at scale)."""

    _faults: list[Fault]

    def fail_next(
        self,
        method: str,
        *,
        status: int,
        description: str,
        times: int = 1,
        chat_id: int | None = None,
        retry_after: int | None = None,
        migrate_to_chat_id: int | None = None,
    ) -> None:
        """Answer the next `times` matching calls with this error instead of doing them."""
        parameters: dict[str, Any] = {}
        if retry_after is not None:
            parameters["retry_after"] = retry_after
        if migrate_to_chat_id is not None:
            parameters["migrate_to_chat_id"] = migrate_to_chat_id
        self._faults.append(
            Fault(method, "fail", times, chat_id, status, description, parameters or None)
        )

    def drop_connection_next(
        self, method: str, *, times: int = 1, chat_id: int | None = None
    ) -> None:
        """Close the connection of the next matching calls without doing or answering them."""
        self._faults.append(Fault(method, "drop", times, chat_id))

    def delay_response_next(
        self, method: str, seconds: float, *, times: int = 1, chat_id: int | None = None
    ) -> None:
        """Do the next matching calls, but answer only `seconds` later."""
        self._faults.append(Fault(method, "delay", times, chat_id, seconds=seconds))

    def clear_faults(self) -> None:
        """Forget every scheduled fault."""
        self._faults.clear()

    def _take_fault(self, method: str, params: dict[str, Any]) -> Fault | None:
        for fault in self._faults:
            if fault.matches(method, params):
                fault.times -= 1
                if fault.times <= 0:
                    self._faults.remove(fault)
                return fault
        return None
