"""`nudgebot deliver --once`: one pass over everything due, then exit."""

from __future__ import annotations

import asyncio

from nudgebot.cli import db
from nudgebot.cli.exit_codes import EXIT_OK
from nudgebot.config import Settings


async def _deliver_once(settings: Settings) -> int:
    from nudgebot.app.builder import build_application

    application = build_application(settings)
    runtime = application.bot_data.runtime
    async with application.bot:
        await db.upgrade(settings)
        report = await runtime.engine.tick()
    await runtime.database.dispose()
    print(f"delivered: {report.summary()}")
    return EXIT_OK


def run(settings: Settings) -> int:
    return asyncio.run(_deliver_once(settings))
