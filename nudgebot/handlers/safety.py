"""The crisis check that runs before every other handler on every text, caption and edit."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from nudgebot.handlers.context import BotContext, chat_id_of, reply

log = logging.getLogger(__name__)

# A handler group below the default 0, so it sees each text first and can stop the rest.
SAFETY_GROUP = -10


async def crisis_check(update: Update, context: BotContext) -> None:
    """Answer a message that may signal self-harm with care and resources, and nothing else."""
    message = update.effective_message
    # A photo's caption counts too: people say the hardest things in whatever way they can.
    text = None if message is None else (message.text or message.caption)
    if text is None:
        return
    found = await context.services.safety.assess(chat_id_of(update), text)
    if found is None:
        return
    await reply(update, context.content.safety.render(found.country))
    # Never the text itself: logs must not hold what people write.
    log.info("crisis reply sent")
    # No check-in, no FAQ, no streak talk: the other handlers do not see this message.
    raise ApplicationHandlerStop
