"""Which class a send belongs to: interactive (a reply to an update, the default) or bulk."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

__all__ = ["bulk_sends", "is_bulk"]

# A context variable rather than a parameter: the scheduled sources send through PTB's Bot
# methods, which pass nothing of ours to the rate limiter, while the limiter runs in the
# sending task itself and so sees the variable its caller set.
_BULK: ContextVar[bool] = ContextVar("nudgebot_bulk_send", default=False)


@contextmanager
def bulk_sends() -> Iterator[None]:
    """Sends made inside this block are bulk: they give way to replies in the rate limiter."""
    token = _BULK.set(True)
    try:
        yield
    finally:
        _BULK.reset(token)


def is_bulk() -> bool:
    """Whether the current task is sending bulk (tips, reminders, summaries, broadcasts)."""
    return _BULK.get()
