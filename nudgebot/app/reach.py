"""Start-up's first contact: getMe until Telegram answers, backing off; a rejected token ends it."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Coroutine, Iterator
from datetime import timedelta
from itertools import count
from typing import Any

from telegram.error import InvalidToken, RetryAfter, TelegramError

from nudgebot.app.backoff import backoff_delays
from nudgebot.app.runtime import NudgeApp
from nudgebot.config import Settings

log = logging.getLogger(__name__)

TELEGRAM_API = str(Settings.model_fields["telegram_api_url"].default)


class TokenRejectedError(Exception):
    """Telegram refused the token (401 or 404); the message is the line to print."""


async def reach_telegram(
    application: NudgeApp,
    stop: asyncio.Event,
    *,
    delays: Iterator[float] | None = None,
    on_waiting: Callable[[], None] | None = None,
) -> bool:
    """Initialize the Application (its getMe) until Telegram answers: True, or False on stop."""
    return await until_answered(
        application, application.initialize, "getMe", stop, delays=delays, on_waiting=on_waiting
    )


async def until_answered(
    application: NudgeApp,
    step: Callable[[], Coroutine[Any, Any, None]],
    what: str,
    stop: asyncio.Event,
    *,
    delays: Iterator[float] | None = None,
    on_waiting: Callable[[], None] | None = None,
) -> bool:
    """Run `step` (which calls Telegram's `what`) until it succeeds: True, or False on stop.

    `step` must be safe to run again after a Telegram error. One log line per failed attempt;
    `on_waiting` runs after the first. Raises TokenRejectedError when Telegram answers that
    the token is not valid: waiting cannot help.
    """
    runtime = application.bot_data.runtime
    link = runtime.health.telegram
    delays = delays or backoff_delays()
    began = time.monotonic()
    for attempt in count(1):
        try:
            if not await _unless_stopped(step(), stop):
                return False
        except InvalidToken as error:
            raise TokenRejectedError(rejection(runtime.settings, error)) from None
        except TelegramError as error:
            wait = next(delays)
            if isinstance(error, RetryAfter):
                wait = max(wait, _seconds(error.retry_after))
            link.failed(error)
            log.warning(
                "Telegram did not answer %s (%s): attempt %d, next in %.1fs",
                what,
                link.error,
                attempt,
                wait,
            )
            if attempt == 1 and on_waiting is not None:
                on_waiting()
            if await _stopped_within(stop, wait):
                return False
            continue
        if attempt > 1:
            log.info(
                "Telegram answered %s on attempt %d, %.1fs after the first",
                what,
                attempt,
                time.monotonic() - began,
            )
        return True
    raise AssertionError("unreachable")  # count() never ends


def rejection(settings: Settings, error: InvalidToken) -> str:
    """The one line for a refused getMe: which setting to fix, never the token itself."""
    return rejection_line(error, token=settings.token, url=settings.telegram_api_url)


def rejection_line(error: InvalidToken, *, token: str, url: str) -> str:
    """The same line from the token and URL alone (for commands other than `run` too)."""
    # PTB re-raises Telegram's answer with the token in the message; the cause holds the answer
    # alone, and its own cause is set only when the body was not the Bot API's JSON.
    answer = error.__cause__ if error.__cause__ is not None else error
    said = " ".join(str(answer).split())
    if token:
        said = said.replace(token, "[redacted-token]")
    if answer.__cause__ is not None or not url.endswith("/bot"):
        # Not the Bot API's JSON, or a URL the token cannot follow: the URL is what is wrong.
        return (
            f"NUDGEBOT_TELEGRAM_API_URL={url} answered getMe with {said}: set it to the "
            f"Bot API's URL, which ends in /bot, such as {TELEGRAM_API}"
        )
    where = "Telegram" if url == TELEGRAM_API else f"the Bot API at {url}"
    return (
        "Telegram rejected the token: check TELEGRAM_BOT_TOKEN (or NUDGEBOT_TELEGRAM_API_URL); "
        f"{where} said {said}; copy the token again from @BotFather (/mybots, then API Token)"
    )


async def _unless_stopped(work: Coroutine[Any, Any, None], stop: asyncio.Event) -> bool:
    """Run `work` to its end (True) unless `stop` is set first (False, work cancelled)."""
    task = asyncio.ensure_future(work)
    stopping = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({task, stopping}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopping.cancel()
        if not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
    if task.cancelled():
        return False
    task.result()  # raises what the attempt raised
    return True


async def _stopped_within(stop: asyncio.Event, seconds: float) -> bool:
    try:
        await asyncio.wait_for(stop.wait(), seconds)
    except TimeoutError:
        return False
    return True


def _seconds(retry_after: int | timedelta) -> float:
    return retry_after.total_seconds() if isinstance(retry_after, timedelta) else retry_after
