"""The `nudgebot` command line: which command runs, with what it needs, and one line if it fails."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass

from nudgebot.cli import content, database, unknown_settings
from nudgebot.cli.announcement import AnnouncementError
from nudgebot.cli.exit_codes import EXIT_OK, EXIT_USAGE, CommandError
from nudgebot.cli.failures import Context, explain
from nudgebot.cli.parser import build_parser
from nudgebot.clock import SystemClock
from nudgebot.config import Settings, load_settings, require_token, require_webhook
from nudgebot.logs import configure_logging

log = logging.getLogger(__name__)


@dataclass(slots=True)
class _Invocation:
    """The parsed command line, and the settings once they are read (for the failure line)."""

    args: argparse.Namespace
    settings: Settings | None = None

    @property
    def level(self) -> int:
        return int(getattr(logging, self.args.log_level))

    def configure_logging(self) -> None:
        token = "" if self.settings is None else self.settings.token
        configure_logging(token, level=self.level, log_format=self.args.log_format)

    def context(self) -> Context:
        settings = self.settings
        if settings is None:
            return Context(database_url="", telegram_api_url="", content_dir=content.content_dir())
        return Context(
            database_url=settings.database_url,
            telegram_api_url=settings.telegram_api_url,
            content_dir=settings.content_dir,
            token=settings.token,
        )


def _needs_token(args: argparse.Namespace) -> bool:
    """Only the commands that talk to Telegram ask for the token."""
    if args.command == "broadcast":
        return not args.enqueue_only
    return args.command in ("run", "deliver")


def main(argv: Sequence[str] | None = None) -> int:
    invocation = _Invocation(build_parser().parse_args(argv))
    invocation.configure_logging()
    for warning in unknown_settings.warnings(os.environ):
        print(warning, file=sys.stderr)
    try:
        return _dispatch(invocation)
    except KeyboardInterrupt:
        return EXIT_OK
    except Exception as error:  # the one place every failure becomes one line
        # The traceback only for those who ask; the handler's filter takes the token out of it.
        log.debug("the command stopped", exc_info=error)
        failure = explain(error, invocation.context())
        print(failure.line, file=sys.stderr)
        return failure.exit_code


def _dispatch(invocation: _Invocation) -> int:
    args = invocation.args
    if args.command == "content":
        return content.check()
    if args.command == "preview":
        from nudgebot.cli import preview

        return preview.run(args, content.content_dir(), SystemClock())
    text: str | None = None
    if args.command == "broadcast":
        from nudgebot.cli import broadcast

        # Refused before any setting is read: a bad file is the thing to fix first.
        try:
            text = broadcast.announcement(args.file, args.resume)
        except AnnouncementError as error:
            raise CommandError(str(error), EXIT_USAGE) from None
    settings = load_settings()
    invocation.settings = settings
    if _needs_token(args):
        require_token(settings)
    webhook = args.command == "run" and args.webhook
    if webhook:
        require_webhook(settings)
    invocation.configure_logging()
    database.require_folder(settings.database_url)  # every command from here opens it
    return _command(args, settings, text, webhook=webhook)


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

        return broadcast.run(
            settings,
            text,
            args.resume,
            enqueue_only=args.enqueue_only,
            allow_empty=args.allow_empty,
        )
    from nudgebot.cli import deliver

    return deliver.run(settings)
