"""Snooze under a tip: offer 1 h / 3 h / this evening, then confirm or kindly refuse."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ParseMode

from nudgebot.domain.snooze import SnoozeChoice
from nudgebot.handlers.context import BotContext, chat_id_of, number, reply
from nudgebot.render.keyboards import snooze_keyboard
from nudgebot.services.snoozes import SnoozeRefusal

_REFUSALS = {
    SnoozeRefusal.NOT_TODAY: "snooze_not_today",
    SnoozeRefusal.LOGGED: "snooze_already_logged",
    SnoozeRefusal.TOO_LATE: "snooze_too_late",
}


async def snooze_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    if query is None or query.data is None:
        return
    parts = query.data.split(":")
    delivery_id = number(parts[1]) if len(parts) in (2, 3) else None
    if delivery_id is None:
        await query.answer()
        return
    content = context.content
    chat_id = chat_id_of(update)
    if len(parts) == 2:
        offer = await context.services.snoozes.offer(chat_id, delivery_id)
        await query.answer()
        if offer.refusal is not None:
            await reply(update, content.text(_REFUSALS[offer.refusal]))
            return
        keyboard = snooze_keyboard(content, delivery_id, offer.choices)
        await reply(update, content.text("snooze_ask"), keyboard=keyboard)
        return
    try:
        choice = SnoozeChoice(parts[2])
    except ValueError:
        await query.answer()
        return
    result = await context.services.snoozes.snooze(chat_id, delivery_id, choice)
    await query.answer()
    if result.refusal is not None or result.remind_at is None:
        text = content.text(_REFUSALS[result.refusal or SnoozeRefusal.TOO_LATE])
    else:
        local = result.remind_at.astimezone(result.zone).strftime("%H:%M")
        text = content.text("snooze_set", time=local)
    # The question becomes the answer, so its buttons cannot be pressed twice.
    await query.edit_message_text(text, parse_mode=ParseMode.HTML)
