"""`nudgebot broadcast`: record an announcement once, then send it to every active subscriber."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from nudgebot.cli import database
from nudgebot.cli.announcement import AnnouncementError, read_announcement
from nudgebot.cli.exit_codes import EXIT_OK, EXIT_PROBLEM, EXIT_USAGE, CommandError
from nudgebot.clock import SystemClock
from nudgebot.config import Settings
from nudgebot.db.engine import create_engine, create_session_factory
from nudgebot.db.migrate import upgrade_to_head
from nudgebot.services.broadcasts import BroadcastService, EmptyBroadcastError, Recorded


def announcement(file: Path | None, resume: int | None) -> str | None:
    """The FILE's text, or None with --resume; refused before any setting is read."""
    if (file is None) == (resume is None):
        raise AnnouncementError("give either the announcement FILE or --resume ID")
    return None if file is None else read_announcement(file)


def run(
    settings: Settings,
    announcement: str | None,
    resume: int | None,
    *,
    enqueue_only: bool,
    allow_empty: bool = False,
) -> int:
    database.announce(settings.database_url)
    database.require_file(settings.database_url)
    # A failure on the way ends in one line (nudgebot.cli.failures); whatever was recorded
    # stays in the ledger, so running the same command again continues.
    return asyncio.run(
        _broadcast(
            settings, announcement, resume, enqueue_only=enqueue_only, allow_empty=allow_empty
        )
    )


async def _recorded(
    service: BroadcastService, announcement: str | None, resume: int | None, *, allow_empty: bool
) -> Recorded:
    if announcement is None:
        assert resume is not None
        found = await service.find(resume)
        if found is None:
            raise CommandError(f"there is no broadcast {resume}", EXIT_USAGE)
        return found
    try:
        broadcast = await service.record(announcement, allow_empty=allow_empty)
    except EmptyBroadcastError:
        raise CommandError(
            "no active subscriber to send it to: nothing was recorded, so the text is not used "
            "up; give --allow-empty to record it anyway"
        ) from None
    when = broadcast.created_at.strftime("%Y-%m-%d %H:%M UTC")
    if broadcast.new:
        print(
            f"broadcast {broadcast.id} recorded for {broadcast.recipients} subscribers", flush=True
        )
    else:
        print(
            f"broadcast {broadcast.id} was recorded on {when} for {broadcast.recipients} "
            "subscribers; continuing it (nobody gets it twice)",
            flush=True,
        )
    return broadcast


async def _enqueue(
    settings: Settings, announcement: str | None, resume: int | None, *, allow_empty: bool
) -> int:
    """Record it for the running bot: no token, no Telegram, only the database."""
    engine = create_engine(settings.database_url)
    try:
        await upgrade_to_head(engine)
        service = BroadcastService(create_session_factory(engine), SystemClock())
        broadcast = await _recorded(service, announcement, resume, allow_empty=allow_empty)
    finally:
        await engine.dispose()
    print(f"broadcast {broadcast.id} is queued; the running bot will deliver it")
    return EXIT_OK


async def _broadcast(
    settings: Settings,
    announcement: str | None,
    resume: int | None,
    *,
    enqueue_only: bool,
    allow_empty: bool,
) -> int:
    if enqueue_only:
        return await _enqueue(settings, announcement, resume, allow_empty=allow_empty)
    from nudgebot.app.builder import build_application
    from nudgebot.delivery.broadcaster import Broadcaster

    application = build_application(settings)
    runtime = application.bot_data.runtime
    clock = application.bot_data.services.clock
    service = BroadcastService(create_session_factory(runtime.database), clock)
    try:
        await upgrade_to_head(runtime.database)
        broadcast = await _recorded(service, announcement, resume, allow_empty=allow_empty)
        tally = await service.tally(broadcast)
        if tally.waiting:  # with nobody left to send to, Telegram is not called at all
            async with application.bot:
                tally = await Broadcaster(
                    runtime.engine, service, clock, lambda line: print(line, flush=True)
                ).run(broadcast)
    finally:
        await runtime.database.dispose()
    print(f"broadcast {broadcast.id} to {tally.recipients} subscribers: {tally.summary()}")
    if tally.waiting:
        print(
            f"{tally.waiting} still to send: run the same command again to continue",
            file=sys.stderr,
        )
        return EXIT_PROBLEM
    if tally.in_flight:
        print(
            f"{tally.in_flight} claimed by another process (the bot, or a run that stopped): "
            "the bot finishes them, or they count as unknown once their lease runs out"
        )
    return EXIT_OK
