"""`nudgebot db upgrade`: the database to the newest schema, without starting the bot."""

from __future__ import annotations

import asyncio

from nudgebot.cli import database
from nudgebot.cli.exit_codes import EXIT_OK
from nudgebot.config import Settings
from nudgebot.db.engine import create_engine
from nudgebot.db.migrate import upgrade_to_head


async def upgrade(settings: Settings) -> None:
    engine = create_engine(settings.database_url)
    try:
        await upgrade_to_head(engine)
    finally:
        await engine.dispose()


def run(settings: Settings) -> int:
    # The one command besides `run` that may create a new SQLite file: it is how one starts.
    database.announce(settings.database_url)
    asyncio.run(upgrade(settings))
    print("database is at the newest schema")
    return EXIT_OK
