"""Health: the database must answer and the tick must keep firing, on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from nudgebot.db.engine import create_engine
from nudgebot.monitoring.health import SLACK_SECONDS, Health

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
    health.tick_fired()
    clock.now += 5
    healthy, body = await health.check()
    assert healthy
    assert body["database"] == "ok"
    assert body["last_tick_age_seconds"] == 5


async def test_a_fresh_process_is_healthy_before_its_first_tick(database: AsyncEngine) -> None:
    clock = Ticking()
    health = Health(database, TICK, monotonic=clock)
    clock.now += 1
    healthy, body = await health.check()
    assert healthy
    assert body["last_tick_age_seconds"] is None


async def test_unhealthy_when_the_tick_is_older_than_three_intervals_and_slack(
    database: AsyncEngine,
) -> None:
    clock = Ticking()
    health = Health(database, TICK, monotonic=clock)
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
        health.tick_fired()
        healthy, body = await health.check()
    finally:
        await unreachable.dispose()
    assert not healthy
    assert body["database"] == "error"
