"""Over real HTTP: a reply to a user overtakes the tips queued for the cohort being sent."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from fakebotapi import FakeBotApi
from nudgebot.app.builder import build_application
from nudgebot.clock import ManualClock
from tests.e2e.harness import Bot, settings_for
from tests.e2e.scale import seed_due_subscribers

DUE = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
COHORT = 40
# Slow enough that the whole cohort is still queued when the user writes.
RATE = 5
ONLY_THE_TESTS_TICK = 3600.0
HELP_TEXT = "/help"


@asynccontextmanager
async def draining_bot(database_url: str, clock: ManualClock) -> AsyncIterator[Bot]:
    """The harness's running bot, at Telegram's pace turned down to RATE."""
    await seed_due_subscribers(database_url, COHORT, DUE)
    async with FakeBotApi(accept_any_chat=True) as fake:
        settings = settings_for(fake, database_url, tick_seconds=ONLY_THE_TESTS_TICK)
        app = build_application(settings.model_copy(update={"send_rate": RATE}), clock=clock)
        await app.initialize()
        assert app.post_init is not None
        await app.post_init(app)
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0, timeout=1)
        await app.start()
        try:
            yield Bot(app, fake, clock)
        finally:
            await app.updater.stop()
            await app.stop()
            await app.shutdown()
            assert app.post_shutdown is not None
            await app.post_shutdown(app)


async def test_a_reply_goes_out_before_the_tips_queued_when_the_user_wrote(
    database_url: str, clock: ManualClock, figure: Callable[[str], None]
) -> None:
    async with draining_bot(database_url, clock) as bot:
        fake = bot.fake
        ada = fake.user(COHORT + 1000)
        clock.set(DUE)
        drain = asyncio.create_task(bot.deliver_now())
        await fake.wait_for(lambda: len(fake.calls_to("sendMessage")) >= 3)
        written_at = len(fake.calls)
        ada.send_command(HELP_TEXT)
        await fake.wait_for_message(ada.chat_id)
        await drain

    sends = [call for call in fake.calls if call.method == "sendMessage"]
    order = [call.params.get("chat_id") for call in sends]
    reply_at = order.index(ada.chat_id)
    tips_before = sum(1 for chat in order[:reply_at] if chat != ada.chat_id)
    tips_after = len(order) - reply_at - 1
    tips_meanwhile = (
        sum(
            1
            for call in fake.calls[written_at:]
            if call.method == "sendMessage" and call.params.get("chat_id") != ada.chat_id
        )
        - tips_after
    )
    figure(
        f"replies first ({database_url.split(':')[0]}): /help answered after {tips_before} of "
        f"{COHORT} tips ({tips_meanwhile} sent while it was handled), {tips_after} after it"
    )
    assert sorted(chat for chat in order if chat != ada.chat_id) == list(range(1, COHORT + 1))
    # One FIFO would have put the reply behind every claimed tip: all of them.
    assert tips_after >= COHORT // 2
