"""PerChatUpdateProcessor: updates run concurrently, one chat's in order, within its bound."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable

import pytest
from telegram import Chat, Message, Update

from nudgebot.app.update_order import PerChatUpdateProcessor

NOW = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)


def text_update(update_id: int, chat_id: int) -> Update:
    chat = Chat(chat_id, Chat.PRIVATE)
    return Update(update_id, message=Message(update_id, NOW, chat, text=f"m{update_id}"))


def feed(
    processor: PerChatUpdateProcessor,
    updates: list[object],
    handle: Callable[[object], Awaitable[None]],
) -> list[asyncio.Task[None]]:
    """As PTB's Application does with concurrent updates: one task per update, in order."""
    return [
        asyncio.create_task(processor.process_update(update, handle(update))) for update in updates
    ]


async def test_one_chats_updates_are_handled_in_arrival_order() -> None:
    processor, handled = PerChatUpdateProcessor(), []

    async def handle(update: object) -> None:
        assert isinstance(update, Update)
        # Earlier updates take longer: without the chain they would finish last.
        await asyncio.sleep(0.001 * (10 - update.update_id))
        handled.append(update.update_id)

    await asyncio.gather(*feed(processor, [text_update(i, 7) for i in range(10)], handle))

    assert handled == list(range(10))


async def test_a_slow_update_in_one_chat_does_not_hold_another_chat() -> None:
    processor, release, handled = PerChatUpdateProcessor(), asyncio.Event(), []

    async def handle(update: object) -> None:
        assert isinstance(update, Update)
        if update.effective_chat and update.effective_chat.id == 1:
            await release.wait()
        handled.append(update.update_id)

    tasks = feed(processor, [text_update(1, 1), text_update(2, 2), text_update(3, 1)], handle)
    await asyncio.wait_for(tasks[1], timeout=5)

    assert handled == [2]  # chat 2 answered while chat 1 is still busy, chat 1's next waits
    release.set()
    await asyncio.gather(*tasks)
    assert handled == [2, 1, 3]


async def test_no_more_updates_run_at_once_than_the_bound() -> None:
    processor, release = PerChatUpdateProcessor(max_concurrent_updates=3), asyncio.Event()
    running, most = 0, 0

    async def handle(update: object) -> None:
        nonlocal running, most
        running += 1
        most = max(most, running)
        await release.wait()
        running -= 1

    tasks = feed(processor, [text_update(i, 100 + i) for i in range(20)], handle)
    for _ in range(50):  # every task gets to run as far as it can
        await asyncio.sleep(0)
    assert running == 3
    assert processor.current_concurrent_updates == 3
    release.set()
    await asyncio.gather(*tasks)
    assert most == 3
    assert processor.current_concurrent_updates == 0
    assert processor.chats_in_progress == 0


async def test_updates_waiting_for_their_chat_take_no_slot() -> None:
    processor, release, handled = (
        PerChatUpdateProcessor(max_concurrent_updates=2),
        asyncio.Event(),
        [],
    )

    async def handle(update: object) -> None:
        assert isinstance(update, Update)
        if update.update_id == 0:
            await release.wait()
        handled.append(update.update_id)

    # Ten updates queue behind chat 1's slow one; chat 2 still finds a free slot.
    busy = [text_update(i, 1) for i in range(10)]
    tasks = feed(processor, [*busy, text_update(99, 2)], handle)
    await asyncio.wait_for(tasks[-1], timeout=5)

    assert handled == [99]
    release.set()
    await asyncio.gather(*tasks)


async def test_updates_without_a_chat_run_freely() -> None:
    processor, release, handled = PerChatUpdateProcessor(), asyncio.Event(), []

    async def handle(update: object) -> None:
        if update == "first":
            await release.wait()
        handled.append(update)

    tasks = feed(processor, ["first", "second"], handle)
    await asyncio.wait_for(tasks[1], timeout=5)

    assert handled == ["second"]
    release.set()
    await asyncio.gather(*tasks)


def test_the_bound_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        PerChatUpdateProcessor(max_concurrent_updates=0)
