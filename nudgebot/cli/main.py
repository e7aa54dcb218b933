"""Operator commands: run, db upgrade, content check, deliver, stats, broadcast, preview."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from nudgebot.cli.announcement import AnnouncementError, read_announcement
from nudgebot.config import Settings, SettingsError, load_settings, require_webhook
from nudgebot.content.languages import DEFAULT_LANGUAGE
from nudgebot.content.model import DEFAULT_CONTENT_DIR, ContentError, check_content, load_content
from nudgebot.logs import LOG_FORMATS, configure_logging

EXIT_OK = 0
EXIT_PROBLEM = 1
EXIT_USAGE = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nudgebot", description="A daily gut and mental health habit bot for Telegram."
    )
    _logging_options(parser, default=True)
    # The same options after the command (`nudgebot run --log-format json`); SUPPRESS keeps
    # a value given before the command from being reset by the subcommand's default.
    common = argparse.ArgumentParser(add_help=False)
    _logging_options(common, default=False)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    run = commands.add_parser(
        "run",
        parents=[common],
        help="migrate the database, then take updates and deliver tips; serves /healthz, /metrics",
    )
    run.add_argument(
        "--webhook",
        action="store_true",
        help="take updates on POST /telegram (NUDGEBOT_WEBHOOK_URL, NUDGEBOT_WEBHOOK_SECRET) "
        "instead of polling",
    )
    db = commands.add_parser("db", parents=[common], help="database maintenance")
    db_commands = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    db_commands.add_parser("upgrade", help="apply migrations up to the newest")
    content = commands.add_parser("content", help="content maintenance")
    content_commands = content.add_subparsers(
        dest="content_command", required=True, metavar="ACTION"
    )
    content_commands.add_parser("check", help="validate content/*.yaml")
    deliver = commands.add_parser(
        "deliver", parents=[common], help="deliver the tips that are due now"
    )
    deliver.add_argument(
        "--once", action="store_true", required=True, help="one pass over everything due, then exit"
    )
    commands.add_parser("stats", help="print subscribers, tips sent and check-in rates")
    broadcast = commands.add_parser(
        "broadcast", help="send an announcement to every active subscriber, once each"
    )
    broadcast.add_argument(
        "file", nargs="?", type=Path, metavar="FILE", help="the announcement, in Telegram HTML"
    )
    broadcast.add_argument(
        "--resume",
        type=int,
        metavar="ID",
        help="continue broadcast ID (running the same FILE again does the same)",
    )
    broadcast.add_argument(
        "--enqueue-only",
        action="store_true",
        help="record it and exit; the running bot (nudgebot run) delivers it",
    )
    _add_preview(commands)
    return parser


def _logging_options(parser: argparse.ArgumentParser, *, default: bool) -> None:
    parser.add_argument(
        "--log-level",
        default="INFO" if default else argparse.SUPPRESS,
        help="DEBUG, INFO, WARNING or ERROR",
    )
    parser.add_argument(
        "--log-format",
        choices=LOG_FORMATS,
        default="text" if default else argparse.SUPPRESS,
        help="text for people, json for log collectors (one JSON object per line)",
    )


def _add_preview(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    preview = commands.add_parser(
        "preview",
        help="print, offline, what a new subscriber would receive and when",
        description="Print the tips a new subscriber would receive and when (local and UTC), "
        "with DST changes marked. Needs no token and no database.",
    )
    preview.add_argument("--days", type=int, default=14, help="how many daily tips (default 14)")
    preview.add_argument(
        "--timezone", default="UTC", help="IANA zone or city, e.g. Europe/Berlin (default UTC)"
    )
    preview.add_argument("--time", default="09:00", help="local send time, e.g. 07:30")
    preview.add_argument(
        "--start",
        help="when they subscribe: a date (2026-03-23) or a local date and time "
        "(2026-03-23T06:00), in the chosen zone; default now",
    )
    preview.add_argument("--language", default="en", help="content language code (default en)")
    preview.add_argument("--full", action="store_true", help="print each tip's full text too")


def main(argv: Sequence[str] | None = None) -> int:
    # PTB 22 warns unless it may report retry_after as a timedelta; nudgebot reads that form.
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    args = _parser().parse_args(argv)
    if args.command == "content":
        return _content_check()
    if args.command == "preview":
        from nudgebot.cli.preview import run_preview

        return run_preview(args, _content_dir())
    webhook = args.command == "run" and args.webhook
    announcement: str | None = None
    if args.command == "broadcast":
        # Refused before any setting is read: a bad file is the thing to fix first.
        try:
            announcement = _announcement(args.file, args.resume)
        except AnnouncementError as error:
            print(f"nudgebot: {error}", file=sys.stderr)
            return EXIT_USAGE
    try:
        settings = load_settings()
        if webhook:
            require_webhook(settings)
    except SettingsError as error:
        print(f"nudgebot: {error}", file=sys.stderr)
        return EXIT_USAGE
    configure_logging(
        settings.token,
        level=getattr(logging, str(args.log_level).upper(), logging.INFO),
        log_format=args.log_format,
    )
    try:
        if args.command == "run":
            return _run(settings, webhook=webhook)
        if args.command == "db":
            asyncio.run(_db_upgrade(settings))
            print("database is at the newest schema")
            return EXIT_OK
        if args.command == "stats":
            return asyncio.run(_stats(settings))
        if args.command == "broadcast":
            return _broadcast_command(
                settings, announcement, args.resume, enqueue_only=args.enqueue_only
            )
        return asyncio.run(_deliver_once(settings))
    except ContentError as error:
        print(f"nudgebot: content problem:\n{error}", file=sys.stderr)
        return EXIT_PROBLEM
    except KeyboardInterrupt:
        return EXIT_OK


def _content_check() -> int:
    # Editors check content without a bot token, so only this one setting is read.
    settings_dir = _content_dir()
    problems = check_content(settings_dir)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        return EXIT_PROBLEM
    print(f"content in {settings_dir} is valid")
    for language in load_content(settings_dir).languages:
        coverage = (
            "complete"
            if language.complete
            else f"translates {', '.join(language.covers)}; "
            f"{', '.join(language.falls_back)} in {DEFAULT_LANGUAGE}"
        )
        print(f"  {language.code} {language.native_name}: {coverage}")
    return EXIT_OK


def _content_dir() -> Path:
    return Path(os.environ.get("NUDGEBOT_CONTENT_DIR") or DEFAULT_CONTENT_DIR)


def _run(settings: Settings, *, webhook: bool) -> int:
    from nudgebot.app.builder import build_application
    from nudgebot.web.serve import ListenError, Service

    application = build_application(settings, webhook=webhook)
    # post_init migrates and sets the menu; SIGTERM or SIGINT stops intake, lets in-flight
    # sends finish and be recorded within NUDGEBOT_SHUTDOWN_SECONDS, then exits 0.
    try:
        asyncio.run(Service(application, webhook=webhook, freeze_heap=True).run())
    except ListenError as error:
        print(f"nudgebot: {error}", file=sys.stderr)
        return EXIT_PROBLEM
    return EXIT_OK


async def _db_upgrade(settings: Settings) -> None:
    from nudgebot.db.engine import create_engine
    from nudgebot.db.migrate import upgrade_to_head

    engine = create_engine(settings.database_url)
    try:
        await upgrade_to_head(engine)
    finally:
        await engine.dispose()


async def _deliver_once(settings: Settings) -> int:
    from nudgebot.app.builder import build_application

    application = build_application(settings)
    runtime = application.bot_data.runtime
    async with application.bot:
        await _db_upgrade(settings)
        report = await runtime.engine.tick()
    await runtime.database.dispose()
    print(f"delivered: {report.summary()}")
    return EXIT_OK


async def _stats(settings: Settings) -> int:
    from nudgebot.clock import SystemClock
    from nudgebot.content.model import load_content
    from nudgebot.db.engine import create_engine, create_session_factory
    from nudgebot.db.migrate import upgrade_to_head
    from nudgebot.services.stats import StatsService

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


def _announcement(file: Path | None, resume: int | None) -> str | None:
    if (file is None) == (resume is None):
        raise AnnouncementError("give either the announcement FILE or --resume ID")
    return None if file is None else read_announcement(file)


def _broadcast_command(
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
