"""The crisis check before every other handler on every text, caption, command and edit; /sos."""

from __future__ import annotations

import asyncio
import logging
import time

from telegram import Update
from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError
from telegram.ext import ApplicationHandlerStop

from nudgebot.handlers.context import BotContext, chat_id_of, reply
from nudgebot.telegram.rate_limiter import retry_after_seconds

log = logging.getLogger(__name__)

# A handler group below the default 0, so it sees each text first and can stop the rest.
SAFETY_GROUP = -10
# Seconds to wait before each retry of a crisis reply Telegram did not take (a timeout, a 5xx,
# a 429): three retries, the last one starting about 20 s after the first try.
RETRY_WAITS: tuple[float, ...] = (2.0, 6.0, 12.0)
# No retry starts later than this after the first try: an answer that late helps no one more.
RETRY_WITHIN = 30.0
_sleep = asyncio.sleep  # the tests read the waits here instead of sleeping them


async def crisis_check(update: Update, context: BotContext) -> None:
    """Answer a message that may signal self-harm with care and resources, and nothing else."""
    message = update.effective_message
    # A photo's caption counts too, and a command's words ("/log I want to die"): people say
    # the hardest things in whatever way they can.
    text = None if message is None else (message.text or message.caption)
    if text is None:
        return
    chat_id = chat_id_of(update)
    found = await context.services.safety.assess(chat_id, text)
    if found is None:
        return
    try:
        sent = await _send_with_retries(update, context.content.safety.render(found.country))
        # Never the text itself: logs must not hold what people write.
        if sent:
            log.info("crisis reply sent")
        else:
            log.warning("crisis reply could not be sent")
    except Exception as error:  # whatever failed, the message must stop here
        log.error("crisis reply failed: %s", type(error).__name__, exc_info=error)
    # Then quiet about streaks for the rest of their day (this never raises); after the reply,
    # so a slow database never delays it.
    await context.services.safety.quiet_today(chat_id)
    # No check-in, no FAQ, no streak talk: the other handlers never see this message, whatever
    # happened above.
    raise ApplicationHandlerStop


async def sos(update: Update, context: BotContext) -> None:
    """/sos: the crisis lines for their country at any time, no question asked, no data kept."""
    chat = update.effective_chat
    country = await context.services.safety.country(chat.id) if chat is not None else None
    await _send_with_retries(update, context.content.safety.render_sos(country))


async def _send_with_retries(update: Update, text: str) -> bool:
    """Send text, retrying a timeout, 5xx or 429 (after its retry_after); True once it went."""
    started = time.monotonic()
    for attempt in range(len(RETRY_WAITS) + 1):
        try:
            await reply(update, text)
            return True
        except RetryAfter as error:
            wait = max(retry_after_seconds(error), _wait(attempt))
            reason = "flood limit"
        except BadRequest as error:  # a NetworkError too, but sending it again cannot help
            log.warning("crisis reply refused: %s", type(error).__name__)
            return False
        except NetworkError as error:  # timeouts, 5xx and dropped connections
            wait = _wait(attempt)
            reason = type(error).__name__
        except TelegramError as error:  # blocked (403) and the like: nobody to retry for
            log.warning("crisis reply refused: %s", type(error).__name__)
            return False
        if attempt == len(RETRY_WAITS) or _elapsed(started) + wait > RETRY_WITHIN:
            break
        log.warning("crisis reply not sent (%s): retry %d in %.0f s", reason, attempt + 1, wait)
        await _sleep(wait)
    return False


def _elapsed(started: float) -> float:
    return time.monotonic() - started


def _wait(attempt: int) -> float:
    return RETRY_WAITS[min(attempt, len(RETRY_WAITS) - 1)]
