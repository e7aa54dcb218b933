"""The last moment a request surely has not left: request classes announce it to the sender."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from contextvars import ContextVar

__all__ = ["leaving", "watch"]

_listener: ContextVar[Callable[[], None] | None] = ContextVar("handover", default=None)


@contextlib.contextmanager
def watch(listener: Callable[[], None]) -> Iterator[None]:
    """Call `listener` before each request this task sends while this lasts; if it raises,
    that request is not sent."""
    token = _listener.set(listener)
    try:
        yield
    finally:
        _listener.reset(token)


def leaving() -> None:
    """A request class calls this just before the request's first byte is written."""
    listener = _listener.get()
    if listener is not None:
        listener()
