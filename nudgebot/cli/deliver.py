"""`nudgebot deliver --once`: one pass over everything due, then exit."""

from __future__ import annotations

import asyncio

from nudgebot.cli import database
from nudgebot.cli.exit_codes import EXIT_OK
from nudgebot.config import Settings
from nudgebot.db.migrate import upgrade_to_head
from nudgebot.delivery.report import TickReport


async def _deliver_once(settings: Settings) -> int:
    from nudgebot.app.builder import build_application

    application = build_application(settings)
    runtime = application.bot_data.runtime
    try:
        await upgrade_to_head(runtime.database)
        if not await runtime.engine.anything_due():
            # Nothing to send: no call to Telegram at all, not even getMe (cron runs this often).
            report = TickReport()
        else:
            async with application.bot:
                report = await runtime.engine.tick()
    finally:
        await runtime.database.dispose()
    print(f"delivered: {report.summary()}")
    return EXIT_OK


def run(settings: Settings) -> int:
    database.announce(settings.database_url)
    database.require_file(settings.database_url)
    return asyncio.run(_deliver_once(settings))
