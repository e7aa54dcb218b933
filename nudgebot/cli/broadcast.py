"""`nudgebot broadcast`: record an announcement once, then send it to every active subscriber."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from nudgebot.cli.announcement import AnnouncementError, read_announcement
from nudgebot.cli.exit_codes import EXIT_OK, EXIT_PROBLEM, EXIT_USAGE
from nudgebot.config import Settings


def announcement(file: Path | None, resume: int | None) -> str | None:
    """The FILE's text, or None with --resume; refused before any setting is read."""
    if (file is None) == (resume is None):
        raise AnnouncementError("give either the announcement FILE or --resume ID")
    return None if file is None else read_announcement(file)


def run(
    settings: Settings, announcement: str | None, resume: int | None, *, enqueue_only: bool
) -> int:
    try:
        return asyncio.run(_broadcast(settings, announcement, resume, enqueue_only=enqueue_only))
    except (SQLAlchemyError, OSError) as error:
        # Whatever was claimed is in the ledger: running the same command again continues.
        reason = (str(error).splitlines() or [type(error).__name__])[0][:200]
        print(
            f"nudgebot: broadcast stopped by a database or network problem: {reason}",
            file=sys.stderr,
        )
        return EXIT_PROBLEM


async def _broadcast(
    settings: Settings, announcement: str | None, resume: int | None, *, enqueue_only: bool
) -> int:
    from nudgebot.app.builder import build_application
    from nudgebot.db.engine import create_session_factory
    from nudgebot.db.migrate import upgrade_to_head
    from nudgebot.delivery.broadcaster import Broadcaster
    from nudgebot.services.broadcasts import BroadcastService

    application = build_application(settings)
    runtime = application.bot_data.runtime
    clock = application.bot_data.services.clock
    service = BroadcastService(create_session_factory(runtime.database), clock)
    try:
        await upgrade_to_head(runtime.database)
        if announcement is not None:
            broadcast = await service.record(announcement)
        else:
            assert resume is not None
            found = await service.find(resume)
            if found is None:
                print(f"nudgebot: there is no broadcast {resume}", file=sys.stderr)
                return EXIT_USAGE
            broadcast = found
        when = broadcast.created_at.strftime("%Y-%m-%d %H:%M UTC")
        if broadcast.new:
            print(
                f"broadcast {broadcast.id} recorded for {broadcast.recipients} subscribers",
                flush=True,
            )
        else:
            print(
                f"broadcast {broadcast.id} was recorded on {when} for {broadcast.recipients} "
                "subscribers; continuing it (nobody gets it twice)",
                flush=True,
            )
        if enqueue_only:
            print(f"broadcast {broadcast.id} is queued; the running bot will deliver it")
            return EXIT_OK
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
