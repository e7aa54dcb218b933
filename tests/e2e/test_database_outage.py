"""The database goes away during a tick: nothing is sent without a committed claim, none twice."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from fakebotapi import Call, FakeBotApi
from nudgebot.clock import ManualClock
from nudgebot.db.models import Delivery, Subscriber
from tests.e2e.harness import Bot, running_bot
from tests.e2e.scale import ledger_by_chat, seed_due_subscribers, tips_received

SUBSCRIBERS = 300  # more than one batch of 200
DUE = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
AFTER_THE_LEASE = timedelta(minutes=11)  # the claim lease is 10 minutes by default


class Outage:
    """Makes the bot's database fail every statement and commit while `down` is set."""

    def __init__(self, database: AsyncEngine) -> None:
        self.down = False
        self.after_claim_rows = False  # go down right after the claim rows are written
        self.after_marking = False  # go down right after sends are marked as handed over
        self.fail_marking = 0  # fail this marking statement (1 is the first) once, then recover
        self.markings = 0
        self.failed = 0
        event.listen(database.sync_engine, "before_cursor_execute", self._statement)
        event.listen(database.sync_engine, "after_cursor_execute", self._written)
        event.listen(database.sync_engine, "commit", self._commit)

    def _fail(self) -> None:
        self.failed += 1
        raise OperationalError("(outage injected by the test)", None, ConnectionError("down"))

    def _statement(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if "SET attempted_at" in statement:
            self.markings += 1
            if self.markings == self.fail_marking:
                self._fail()
        if self.down:
            self._fail()

    def _written(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if self.after_claim_rows and statement.lstrip().upper().startswith(
            "INSERT INTO DELIVERIES"
        ):
            self.down = True
        if self.after_marking and "SET attempted_at" in statement:
            self.down = True

    def _commit(self, *args: Any) -> None:
        if self.down:
            self._fail()


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi(latency=0.01, accept_any_chat=True) as server:
        yield server


@pytest.fixture
async def bot(fake: FakeBotApi, database_url: str, clock: ManualClock) -> AsyncIterator[Bot]:
    await seed_due_subscribers(database_url, SUBSCRIBERS, DUE)
    async with running_bot(fake, database_url, clock, send_timeout=5.0) as running:
        yield running


@pytest.fixture
def outage(bot: Bot) -> Outage:
    return Outage(bot.app.bot_data.runtime.database)


async def deliver_everything(bot: Bot) -> None:
    """Ticks until no subscriber is due and no claim waits, as the periodic tick would."""
    for _ in range(10):
        await bot.deliver_now()
        await bot.engine.wait_idle()
        async with bot.sessions() as session:
            due = await session.scalar(
                select(Subscriber.id).where(Subscriber.next_due_at <= bot.clock.now()).limit(1)
            )
            open_claims = await session.scalar(
                select(Delivery.id).where(Delivery.status.in_(["claimed", "retry"])).limit(1)
            )
        if due is None and open_claims is None:
            return
        bot.clock.advance(AFTER_THE_LEASE)
    raise AssertionError("deliveries still pending after 10 ticks")


async def assert_every_tip_named_a_committed_claim(bot: Bot) -> None:
    """Each tip's buttons name its delivery row: that row must exist, for that chat."""
    async with bot.sessions() as session:
        rows = await session.execute(
            select(Delivery.id, Subscriber.chat_id).join(
                Subscriber, Subscriber.id == Delivery.subscriber_id
            )
        )
        claims = dict(rows.all())
    for call in bot.fake.calls_to("sendMessage"):
        button = call.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
        delivery_id = int(button.split(":")[1])
        assert claims.get(delivery_id) == int(call.params["chat_id"]), call


async def the_drain_fails_and_sends_nothing(bot: Bot, outage: Outage) -> None:
    bot.clock.set(DUE)
    with pytest.raises(SQLAlchemyError):
        await bot.deliver_now()
    await bot.engine.wait_idle()
    assert outage.failed
    assert bot.fake.calls_to("sendMessage") == []


async def assert_each_tip_went_out_once_and_is_recorded_sent(bot: Bot) -> None:
    tips = tips_received(bot.fake)
    ledger = await ledger_by_chat(bot.app.bot_data.runtime.settings.database_url)
    assert len(tips) == SUBSCRIBERS
    assert max(tips.values()) == 1
    assert Counter(ledger.values()) == {"sent": SUBSCRIBERS}
    await assert_every_tip_named_a_committed_claim(bot)


async def test_an_outage_before_the_claim_sends_nothing_then_all_go_out_once(
    bot: Bot, outage: Outage
) -> None:
    outage.down = True
    await the_drain_fails_and_sends_nothing(bot, outage)

    outage.down = False
    await deliver_everything(bot)
    await assert_each_tip_went_out_once_and_is_recorded_sent(bot)


async def test_an_outage_as_the_claim_commits_sends_nothing_then_all_go_out_once(
    bot: Bot, outage: Outage
) -> None:
    outage.after_claim_rows = True  # the claim rows are written, the commit fails
    await the_drain_fails_and_sends_nothing(bot, outage)

    outage.after_claim_rows = outage.down = False
    await deliver_everything(bot)
    await assert_each_tip_went_out_once_and_is_recorded_sent(bot)


async def test_an_outage_as_sends_are_marked_keeps_them_from_the_wire_then_all_go_out_once(
    bot: Bot, outage: Outage
) -> None:
    # The commit that marks the first sends as handed over fails: none of them may go out.
    outage.after_marking = True
    await the_drain_fails_and_sends_nothing(bot, outage)

    outage.after_marking = outage.down = False
    bot.clock.advance(AFTER_THE_LEASE)
    await deliver_everything(bot)
    # Never marked, so released and resent: no 'unknown'.
    await assert_each_tip_went_out_once_and_is_recorded_sent(bot)


async def test_a_pass_whose_marking_fails_once_is_retried_and_each_tip_goes_out_once(
    bot: Bot, outage: Outage
) -> None:
    # Not the drain's first pass (that one fails at once, and the next tick tries again): a
    # later one, which the writer retries; the sends it had marked go back in line.
    outage.fail_marking = 3
    bot.clock.set(DUE)
    await bot.deliver_now()  # one drain, no lease run out: nothing waits for a later one
    await bot.engine.wait_idle()
    assert outage.failed == 1
    assert outage.markings > 3
    await assert_each_tip_went_out_once_and_is_recorded_sent(bot)


async def test_an_outage_between_send_and_record_leaves_unknowns_and_no_duplicate(
    bot: Bot, outage: Outage, figure: Callable[[str], None]
) -> None:
    def go_down_on_first_send(call: Call) -> None:
        if call.method == "sendMessage":
            outage.down = True

    bot.fake.on_call = go_down_on_first_send
    bot.clock.set(DUE)
    with pytest.raises(SQLAlchemyError):
        await bot.deliver_now()
    await bot.engine.wait_idle()
    sent_during_outage = set(tips_received(bot.fake))
    assert sent_during_outage

    bot.fake.on_call = None
    outage.down = False
    bot.clock.advance(AFTER_THE_LEASE)
    await deliver_everything(bot)
    tips = tips_received(bot.fake)
    ledger = await ledger_by_chat(bot.app.bot_data.runtime.settings.database_url)
    unknown = {chat for chat, status in ledger.items() if status == "unknown"}
    figure(
        f"outage between send and record: {len(sent_during_outage)} sent unrecorded, "
        f"ledger {dict(Counter(ledger.values()))}"
    )
    assert max(tips.values()) == 1
    assert len(ledger) == SUBSCRIBERS
    assert unknown == sent_during_outage  # sent but never recorded: unknown, never resent
    assert {chat for chat, status in ledger.items() if status == "sent"} == set(tips) - unknown
    await assert_every_tip_named_a_committed_claim(bot)
