"""The last moment a request surely has not left: request classes announce it to the sender."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar, Token
from types import TracebackType

__all__ = ["leaving", "watch"]

_listener: ContextVar[Callable[[], None] | None] = ContextVar("handover", default=None)


class watch:  # noqa: N801 - used as a function: `with watch(listener):`
    """Call `listener` before each request this task sends while this lasts; if it raises,
    that request is not sent. A class, not a generator context manager: it runs around every
    send, and entering and leaving it costs 0.6-0.8 us against 1.7 us (timeit, this machine)."""

    __slots__ = ("_listener", "_token")

    def __init__(self, listener: Callable[[], None]) -> None:
        self._listener = listener
        self._token: Token[Callable[[], None] | None] | None = None

    def __enter__(self) -> None:
        self._token = _listener.set(self._listener)

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._token is not None:
            _listener.reset(self._token)


def leaving() -> None:
    """A request class calls this just before the request's first byte is written."""
    listener = _listener.get()
    if listener is not None:
        listener()
