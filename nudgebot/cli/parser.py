"""The `nudgebot` command line's options: every command, global options before or after it."""

from __future__ import annotations

import argparse
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import NoReturn

from nudgebot.cli.exit_codes import EXIT_USAGE
from nudgebot.logs import LOG_FORMATS

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


class OneLineParser(argparse.ArgumentParser):
    """A mistake on the command line is one line on stderr and exit code 2, not a usage block."""

    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"nudgebot: {message} (see {self.prog} --help)\n")
        raise SystemExit(EXIT_USAGE)


def _log_level(text: str) -> str:
    # Case-insensitive: `--log-level debug` is as good as DEBUG; choices then refuses the rest.
    return text.upper()


def _version() -> str:
    try:
        return f"nudgebot {version('nudgebot')}"
    except PackageNotFoundError:  # running from a checkout that was never installed
        return "nudgebot (not installed)"


def _logging_options(parser: argparse.ArgumentParser, *, default: bool) -> None:
    parser.add_argument(
        "--log-level",
        type=_log_level,
        choices=LOG_LEVELS,
        default="INFO" if default else argparse.SUPPRESS,
        help="DEBUG, INFO, WARNING or ERROR (default INFO); DEBUG shows tracebacks",
    )
    parser.add_argument(
        "--log-format",
        choices=LOG_FORMATS,
        default="text" if default else argparse.SUPPRESS,
        help="text for people, json for log collectors (one JSON object per line)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="nudgebot", description="A daily gut and mental health habit bot for Telegram."
    )
    parser.add_argument("--version", action="version", version=_version())
    _logging_options(parser, default=True)
    # The same options after any command (`nudgebot stats --log-level DEBUG`); SUPPRESS keeps
    # a value given before the command from being reset by the subcommand's default.
    common = OneLineParser(add_help=False)
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
    db_commands.add_parser("upgrade", parents=[common], help="apply migrations up to the newest")
    content = commands.add_parser("content", parents=[common], help="content maintenance")
    content_commands = content.add_subparsers(
        dest="content_command", required=True, metavar="ACTION"
    )
    content_commands.add_parser("check", parents=[common], help="validate content/*.yaml")
    deliver = commands.add_parser(
        "deliver", parents=[common], help="deliver the tips that are due now"
    )
    deliver.add_argument(
        "--once", action="store_true", required=True, help="one pass over everything due, then exit"
    )
    commands.add_parser(
        "stats", parents=[common], help="print subscribers, tips sent and check-in rates"
    )
    _add_broadcast(commands, common)
    _add_preview(commands, common)
    return parser


def _add_broadcast(
    commands: argparse._SubParsersAction[OneLineParser],
    common: OneLineParser,
) -> None:
    broadcast = commands.add_parser(
        "broadcast",
        parents=[common],
        help="send an announcement to every active subscriber, once each",
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
        help="record it and exit; the running bot (nudgebot run) delivers it (needs no token)",
    )
    broadcast.add_argument(
        "--allow-empty",
        action="store_true",
        help="record it even with no active subscriber (nobody who subscribes later gets it)",
    )


def _add_preview(
    commands: argparse._SubParsersAction[OneLineParser],
    common: OneLineParser,
) -> None:
    preview = commands.add_parser(
        "preview",
        parents=[common],
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
