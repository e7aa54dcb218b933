"""Operator commands: run, db upgrade, content check, deliver --once, preview."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from nudgebot.config import Settings, SettingsError, load_settings
from nudgebot.content import DEFAULT_CONTENT_DIR, ContentError, check_content, load_content
from nudgebot.languages import DEFAULT_LANGUAGE

EXIT_OK = 0
EXIT_PROBLEM = 1
EXIT_USAGE = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nudgebot", description="A daily gut and mental health habit bot for Telegram."
    )
    parser.add_argument("--log-level", default="INFO", help="DEBUG, INFO, WARNING or ERROR")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("run", help="migrate the database, then poll Telegram and deliver tips")
    db = commands.add_parser("db", help="database maintenance")
    db_commands = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    db_commands.add_parser("upgrade", help="apply migrations up to the newest")
    content = commands.add_parser("content", help="content maintenance")
    content_commands = content.add_subparsers(
        dest="content_command", required=True, metavar="ACTION"
    )
    content_commands.add_parser("check", help="validate content/*.yaml")
    deliver = commands.add_parser("deliver", help="deliver the tips that are due now")
    deliver.add_argument(
        "--once", action="store_true", required=True, help="one pass over everything due, then exit"
    )
    _add_preview(commands)
    return parser


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
        from nudgebot.preview_cli import run_preview

        return run_preview(args, _content_dir())
    try:
        settings = load_settings()
    except SettingsError as error:
        print(f"nudgebot: {error}", file=sys.stderr)
        return EXIT_USAGE
    from nudgebot.logs import configure_logging

    configure_logging(settings.token, level=getattr(logging, str(args.log_level).upper(), 20))
    try:
        if args.command == "run":
            return _run(settings)
        if args.command == "db":
            asyncio.run(_db_upgrade(settings))
            print("database is at the newest schema")
            return EXIT_OK
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


def _run(settings: Settings) -> int:
    from telegram import Update

    from nudgebot.app import build_application

    application = build_application(settings)
    # run_polling initializes (post_init migrates and sets the menu), polls, and stops cleanly
    # on SIGINT, SIGTERM and SIGABRT.
    application.run_polling(allowed_updates=Update.ALL_TYPES, drop_pending_updates=False)
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
    from nudgebot.app import build_application

    application = build_application(settings)
    runtime = application.bot_data.runtime
    async with application.bot:
        await _db_upgrade(settings)
        report = await runtime.engine.tick()
    await runtime.database.dispose()
    print(f"delivered: {report.summary()}")
    return EXIT_OK
