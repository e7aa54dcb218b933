"""Handles updates concurrently, but those of one chat one after another, in arrival order."""

from __future__ import annotations

import asyncio
import inspect
import sys
from collections.abc import Awaitable
from typing import Any, Final

from telegram import Update
from telegram.ext import BaseUpdateProcessor

__all__ = ["DEFAULT_MAX_CONCURRENT_UPDATES", "PerChatUpdateProcessor"]

# Handlers mostly wait (database, rate limiter, Telegram); this bounds memory and connections
# taken by a flood of updates, not CPU.
DEFAULT_MAX_CONCURRENT_UPDATES: Final = 256


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Runs up to `max_concurrent_updates` updates at once; an update of a chat starts only
    when that chat's previous update is done, so a user's two messages are handled in order
    while a slow reply in one chat never holds another's. Updates without a chat run freely.

    PTB acquires its own semaphore before `do_process_update`, and an update waiting for its
    chat must not hold a slot there (one busy chat could fill every slot), so PTB's semaphore
    is left unbounded and the bound applies only to updates whose turn has come.
    """

    __slots__ = ("_active", "_bound", "_running", "_tails")

    def __init__(self, max_concurrent_updates: int = DEFAULT_MAX_CONCURRENT_UPDATES) -> None:
        if max_concurrent_updates < 1:
            raise ValueError("max_concurrent_updates must be a positive integer")
        # PTB sizes its semaphore from the `max_concurrent_updates` property, overridden below
        # to report the real bound: it must read "unbounded" while PTB builds it.
        self._bound = sys.maxsize
        super().__init__(sys.maxsize)
        self._bound = max_concurrent_updates
        self._running = asyncio.Semaphore(max_concurrent_updates)
        self._active = 0
        # chat id -> done-event of the last update of that chat taken in
        self._tails: dict[int, asyncio.Event] = {}

    @property
    def max_concurrent_updates(self) -> int:
        return self._bound

    @property
    def current_concurrent_updates(self) -> int:
        """Updates being handled now (not those waiting for their chat or a slot)."""
        return self._active

    @property
    def chats_in_progress(self) -> int:
        """Chats with an update being handled or waiting."""
        return len(self._tails)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat_id = _chat_id(update)
        if chat_id is None:
            await self._run(coroutine)
            return
        # Taken in before the first await: PTB starts each update's task in arrival order,
        # so the chain of a chat follows the order the updates came in.
        previous = self._tails.get(chat_id)
        done = self._tails[chat_id] = asyncio.Event()
        try:
            if previous is not None:
                await previous.wait()
            await self._run(coroutine)
        except asyncio.CancelledError:
            if inspect.iscoroutine(coroutine):
                coroutine.close()  # never started: no "was never awaited" warning
            raise
        finally:
            done.set()
            if self._tails.get(chat_id) is done:
                del self._tails[chat_id]

    async def _run(self, coroutine: Awaitable[Any]) -> None:
        async with self._running:
            self._active += 1
            try:
                await coroutine
            finally:
                self._active -= 1

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""


def _chat_id(update: object) -> int | None:
    if not isinstance(update, Update):
        return None
    chat = update.effective_chat
    return None if chat is None else chat.id
