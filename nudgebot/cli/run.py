"""`nudgebot run`: the bot, its tick and its HTTP server until SIGTERM or Ctrl-C."""

from __future__ import annotations

import asyncio
import sys

from nudgebot.cli.exit_codes import EXIT_OK, EXIT_PROBLEM, EXIT_USAGE
from nudgebot.config import Settings


def run(settings: Settings, *, webhook: bool) -> int:
    from nudgebot.app.builder import build_application
    from nudgebot.app.reach import TokenRejectedError
    from nudgebot.web.listeners import ListenError
    from nudgebot.web.serve import BotServer

    application = build_application(settings, webhook=webhook)
    # /healthz answers at once; getMe is retried with backoff until Telegram answers; then
    # post_init migrates and sets the menu. SIGTERM or SIGINT stops intake, lets in-flight
    # sends finish and be recorded within NUDGEBOT_SHUTDOWN_SECONDS, then exits 0.
    try:
        asyncio.run(BotServer(application, webhook=webhook, freeze_heap=True).run())
    except ListenError as error:
        print(f"nudgebot: {error}", file=sys.stderr)
        return EXIT_PROBLEM
    except TokenRejectedError as error:
        print(f"nudgebot: {error}", file=sys.stderr)
        return EXIT_USAGE
    return EXIT_OK
