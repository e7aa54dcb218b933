"""The `nudgebot` command line: its options, and which command module runs."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from nudgebot.cli import content
from nudgebot.cli.announcement import AnnouncementError
from nudgebot.cli.exit_codes import EXIT_OK, EXIT_PROBLEM, EXIT_USAGE
from nudgebot.clock import SystemClock
from nudgebot.config import Settings, SettingsError, load_settings, require_webhook
from nudgebot.content.problems import ContentError
from nudgebot.logs import LOG_FORMATS, configure_logging


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
    args = _parser().parse_args(argv)
    if args.command == "content":
        return content.check()
    if args.command == "preview":
        from nudgebot.cli import preview

        return preview.run(args, content.content_dir(), SystemClock())
    webhook = args.command == "run" and args.webhook
    text: str | None = None
    if args.command == "broadcast":
        from nudgebot.cli import broadcast

        # Refused before any setting is read: a bad file is the thing to fix first.
        try:
            text = broadcast.announcement(args.file, args.resume)
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
        return _command(args, settings, text, webhook=webhook)
    except ContentError as error:
        print(f"nudgebot: content problem:\n{error}", file=sys.stderr)
        return EXIT_PROBLEM
    except KeyboardInterrupt:
        return EXIT_OK


def _command(
    args: argparse.Namespace, settings: Settings, text: str | None, *, webhook: bool
) -> int:
    """The commands that need settings; each module is imported only when it runs."""
    if args.command == "run":
        from nudgebot.cli import run

        return run.run(settings, webhook=webhook)
    if args.command == "db":
        from nudgebot.cli import db

        return db.run(settings)
    if args.command == "stats":
        from nudgebot.cli import stats

        return stats.run(settings)
    if args.command == "broadcast":
        from nudgebot.cli import broadcast

        return broadcast.run(settings, text, args.resume, enqueue_only=args.enqueue_only)
    from nudgebot.cli import deliver

    return deliver.run(settings)
