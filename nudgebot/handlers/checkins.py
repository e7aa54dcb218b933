"""Check-ins: tip buttons, text replies, edits, and a kind word for what cannot be logged."""

from __future__ import annotations

import logging

from telegram import Update

from nudgebot.delivery import CALLBACK_PREFIX
from nudgebot.domain.faq_match import match_faq
from nudgebot.domain.humanize import count_days
from nudgebot.domain.replies import Outcome
from nudgebot.handlers.context import BotContext, chat_id_of, reply
from nudgebot.handlers.reading import answer_faq_number
from nudgebot.handlers.subscription import apply_time_text, apply_timezone_text
from nudgebot.services.checkins import ButtonResult, Logged, TextResult
from nudgebot.services.views import NotSubscribedError

log = logging.getLogger(__name__)


def _acknowledgement(context: BotContext, logged: Logged) -> str:
    content = context.content
    streak = count_days(logged.streaks.current, content.wording)
    if logged.result == ButtonResult.CHANGED:
        return content.text("checkin_updated") + "\n" + _outcome_text(context, logged)
    if logged.result == TextResult.DONE:
        return content.text("note_saved", streak=streak)
    if logged.result == TextResult.SKIPPED:
        return content.text("note_skipped_saved")
    if logged.result == TextResult.JOURNAL:
        return content.text("journal_saved")
    return _outcome_text(context, logged)


def _outcome_text(context: BotContext, logged: Logged) -> str:
    if logged.outcome == Outcome.DONE:
        content = context.content
        return content.text(
            "checkin_done",
            streak=count_days(logged.streaks.current, content.wording),
            best=count_days(logged.streaks.best, content.wording),
        )
    return context.content.text("checkin_skipped")


async def checkin_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    if query is None or query.data is None:
        return
    try:
        _, delivery_id, outcome_value = query.data.split(":")
        outcome = Outcome(outcome_value)
        delivery = int(delivery_id)
    except ValueError:
        await query.answer()
        return
    logged = await context.services.checkins.record_button(chat_id_of(update), delivery, outcome)
    if logged.result == ButtonResult.STALE:
        await query.answer(context.content.text("checkin_stale"), show_alert=True)
        return
    if logged.result == ButtonResult.NOT_YOURS:
        await query.answer()
        return
    await query.answer()
    if logged.result != ButtonResult.UNCHANGED:
        await reply(update, _acknowledgement(context, logged))


async def text_message(update: Update, context: BotContext) -> None:
    """Free text: an answer to a question we asked, an FAQ, or a check-in note."""
    message = update.effective_message
    if message is None or message.text is None:
        return
    chat_id = chat_id_of(update)
    services = context.services
    subscriber = await services.subscriptions.get(chat_id)
    if subscriber is None:
        raise NotSubscribedError(chat_id)
    replying_to_us = message.reply_to_message is not None
    if subscriber.awaiting == "timezone" and not replying_to_us:
        await apply_timezone_text(update, context, message.text)
        return
    if subscriber.awaiting == "time" and not replying_to_us:
        await apply_time_text(update, context, message.text)
        return
    faq_number = match_faq(message.text, context.content.faq_keywords())
    if faq_number is not None:
        await answer_faq_number(update, context, faq_number)
        return
    logged = await services.checkins.record_text(
        chat_id,
        message.message_id,
        message.text,
        reply_to_message_id=message.reply_to_message.message_id
        if message.reply_to_message
        else None,
    )
    if logged.result == TextResult.DUPLICATE:
        log.info("duplicate message ignored")
        return
    await reply(update, _acknowledgement(context, logged))


async def edited_message(update: Update, context: BotContext) -> None:
    message = update.edited_message
    if message is None or message.text is None:
        return
    if await context.services.checkins.edit_text(
        chat_id_of(update), message.message_id, message.text
    ):
        await reply(update, context.content.text("note_updated"))


async def non_text(update: Update, context: BotContext) -> None:
    await reply(update, context.content.text("non_text"))


CHECKIN_PATTERN = rf"^{CALLBACK_PREFIX}:"
