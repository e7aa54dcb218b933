"""`nudgebot stats`: subscribers, tips sent and check-in rates, read from the database."""

from __future__ import annotations

import asyncio

from nudgebot.cli import database
from nudgebot.cli.exit_codes import EXIT_OK
from nudgebot.clock import SystemClock
from nudgebot.config import Settings
from nudgebot.content.loader import load_content
from nudgebot.db.engine import create_engine, create_session_factory
from nudgebot.db.migrate import upgrade_to_head
from nudgebot.services.stats import StatsService


async def _stats(settings: Settings) -> int:
    engine = create_engine(settings.database_url)
    try:
        await upgrade_to_head(engine)
        service = StatsService(
            create_session_factory(engine), SystemClock(), load_content(settings.content_dir)
        )
        print((await service.stats()).render())
    finally:
        await engine.dispose()
    return EXIT_OK


def run(settings: Settings) -> int:
    database.announce(settings.database_url)
    # Reading a file that is not there would create an empty one and report 0 subscribers.
    database.require_file(settings.database_url)
    return asyncio.run(_stats(settings))
