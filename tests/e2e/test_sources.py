"""Other kinds of scheduled message share the tip's ledger, batches and error handling."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import ColumnElement, literal, select
from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Bot as TelegramBot

from nudgebot.db.ledger import Moment
from nudgebot.db.models import Delivery, Subscriber
from nudgebot.db.queries import insert_or_ignore
from nudgebot.db.types import UTCDateTime
from nudgebot.delivery.engine import DeliveryEngine
from nudgebot.delivery.options import EngineOptions
from nudgebot.delivery.source import Source
from nudgebot.delivery.sources.tips import TipSource
from nudgebot.domain.deliveries import Claim, ClaimRequest
from nudgebot.domain.statuses import DeliveryStatus
from tests.e2e.harness import Bot
from tests.e2e.test_subscriber_journey import subscribe

HELLO_AT = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


class HelloSource(Source):
    """A test source: one 'hello' per subscriber per day, due at noon UTC."""

    kind = "hello"

    async def claim(self, session: AsyncSession, request: ClaimRequest) -> list[Claim]:
        now, limit, claimed_by = request.now, request.limit, request.claimed_by
        if now < HELLO_AT:
            return []
        subscribers = (await session.execute(select(Subscriber).limit(limit))).scalars().all()
        rows = [
            {
                "subscriber_id": s.id,
                "kind": self.kind,
                "local_date": now.date(),
                "status": DeliveryStatus.CLAIMED,
                "due_at": HELLO_AT,
                "claimed_at": now,
                "claimed_by": claimed_by,
                "attempts": 1,
                "chat_id": s.chat_id,
            }
            for s in subscribers
        ]
        if not rows:
            return []
        inserted = await session.execute(
            insert_or_ignore(session, Delivery)
            .values(rows)
            .returning(Delivery.id, Delivery.subscriber_id, Delivery.chat_id)
        )
        return [
            Claim(delivery_id, subscriber_id, chat_id or 0, "", now.date(), 1, kind=self.kind)
            for delivery_id, subscriber_id, chat_id in inserted
        ]

    def due(self, now: Moment) -> ColumnElement[bool]:
        # `now` is a bound parameter: the engine builds its probe once and runs it every tick.
        return literal(HELLO_AT, UTCDateTime()) <= now

    async def send(self, bot: TelegramBot, job: Claim, chat_id: int) -> int:
        message = await bot.send_message(chat_id=chat_id, text="hello")
        return message.message_id


def engine_with_hello(bot: Bot) -> DeliveryEngine:
    options = EngineOptions()
    return DeliveryEngine(
        bot.sessions,
        bot.app.bot,
        bot.clock,
        options,
        [TipSource(bot.app.bot_data.services.content, options), HelloSource()],
    )


def hellos(bot: Bot, chat_id: int) -> int:
    return sum(1 for m in bot.fake.user(chat_id).inbox() if m.text == "hello")


async def test_a_source_message_is_sent_once_and_recorded_in_the_ledger(bot: Bot) -> None:
    ada = bot.fake.user(1)
    await subscribe(bot, ada)
    engine = engine_with_hello(bot)
    bot.clock.set(HELLO_AT)
    report = await engine.tick()
    await engine.tick()
    assert hellos(bot, ada.chat_id) == 1
    assert report.sent >= 1
    async with bot.sessions() as session:
        status = await session.scalar(select(Delivery.status).where(Delivery.kind == "hello"))
    assert status == DeliveryStatus.SENT


async def test_a_source_message_that_failed_is_retried_by_its_own_source(bot: Bot) -> None:
    ada = bot.fake.user(1)
    await subscribe(bot, ada)
    engine = engine_with_hello(bot)
    bot.fake.fail_next("sendMessage", status=502, description="Bad Gateway", chat_id=ada.chat_id)
    bot.clock.set(HELLO_AT)
    await engine.tick()
    assert hellos(bot, ada.chat_id) == 0
    bot.clock.advance(timedelta(minutes=15))
    await engine.tick()
    assert hellos(bot, ada.chat_id) == 1


async def test_a_blocked_chat_seen_by_a_source_stops_the_subscriber(bot: Bot) -> None:
    ada = bot.fake.user(1)
    await subscribe(bot, ada)
    engine = engine_with_hello(bot)
    bot.fake.fail_next(
        "sendMessage",
        status=403,
        description="Forbidden: bot was blocked by the user",
        chat_id=ada.chat_id,
    )
    bot.clock.set(HELLO_AT)
    report = await engine.tick()
    assert report.blocked == 1
    row = await bot.subscriber(ada.chat_id)
    assert row is not None
    assert row.status == "blocked"
