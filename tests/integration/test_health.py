"""Health: start-up reached Telegram, the database answers, the tick fires (SQLite, PostgreSQL)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from nudgebot.db.engine import create_engine
from nudgebot.monitoring.health import SLACK_SECONDS, Health
from nudgebot.monitoring.telegram_link import TelegramLink

TICK = 10.0


class Ticking:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_healthy_when_the_database_answers_and_the_tick_is_recent(
    database: AsyncEngine,
) -> None:
    clock = Ticking()
    health = Health(database, TICK, monotonic=clock)
    health.serving()
    health.tick_fired()
    clock.now += 5
    healthy, body = await health.check()
    assert healthy
    assert body["database"] == "ok"
    assert body["last_tick_age_seconds"] == 5


async def test_a_fresh_process_is_healthy_before_its_first_tick(database: AsyncEngine) -> None:
    clock = Ticking()
    health = Health(database, TICK, monotonic=clock)
    health.serving()
    clock.now += 1
    healthy, body = await health.check()
    assert healthy
    assert body["last_tick_age_seconds"] is None


async def test_unhealthy_when_the_tick_is_older_than_three_intervals_and_slack(
    database: AsyncEngine,
) -> None:
    clock = Ticking()
    health = Health(database, TICK, monotonic=clock)
    health.serving()
    health.tick_fired()
    clock.now += 3 * TICK + SLACK_SECONDS + 1
    healthy, body = await health.check()
    assert not healthy
    assert (body["database"], body["tick"], body["status"]) == ("ok", "late", "unhealthy")


async def test_unhealthy_when_the_database_does_not_answer() -> None:
    # Nothing listens on port 9 (discard) of this machine.
    unreachable = create_engine("postgresql+asyncpg://postgres@127.0.0.1:9/nowhere")
    try:
        health = Health(unreachable, TICK)
        health.serving()
        health.tick_fired()
        healthy, body = await health.check()
    finally:
        await unreachable.dispose()
    assert not healthy
    assert body["database"] == "error"


async def test_while_start_up_waits_for_telegram_it_is_unhealthy_and_says_why(
    database: AsyncEngine,
) -> None:
    link = TelegramLink("123456:secret-token-that-must-not-show")
    health = Health(database, TICK, telegram=link)
    link.failed(ConnectionRefusedError("Connect call failed ('127.0.0.1', 9)"))
    healthy, body = await health.check()
    assert not healthy
    assert (body["status"], body["telegram"]) == ("starting", "unreachable")
    assert body["error"] == "ConnectionRefusedError: Connect call failed ('127.0.0.1', 9)"


async def test_before_the_first_answer_the_error_says_none_came_yet(
    database: AsyncEngine,
) -> None:
    healthy, body = await Health(database, TICK).check()
    assert not healthy
    assert (body["telegram"], body["error"]) == ("unreachable", "no answer from Telegram yet")


async def test_the_error_never_holds_the_token(database: AsyncEngine) -> None:
    token = "123456:TEST-token-abcdef"
    link = TelegramLink(token)
    link.failed(f"NetworkError: http://127.0.0.1:9/bot{token}/getMe refused")
    _, body = await Health(database, TICK, telegram=link).check()
    assert token not in body["error"]
    assert "[redacted-token]" in body["error"]


async def test_an_outage_after_start_shows_in_the_body_but_keeps_it_healthy(
    database: AsyncEngine,
) -> None:
    link = TelegramLink()
    health = Health(database, TICK, telegram=link)
    link.answered(link.failures)
    health.serving()
    link.failed("SendNotStarted: Could not connect to Telegram")
    healthy, body = await health.check()
    assert healthy
    assert (body["telegram"], body["error"]) == (
        "unreachable",
        "SendNotStarted: Could not connect to Telegram",
    )
