"""/focus: pick one or two habits to practise daily, with toggle buttons and Save."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ParseMode

from nudgebot.content.model import Content
from nudgebot.handlers.context import BotContext, chat_id_of, command_argument, number, reply
from nudgebot.render.callbacks import Prefix, payload
from nudgebot.render.keyboards import FOCUS_SAVE, focus_keyboard
from nudgebot.services.focus import MAX_FOCUS


def _names(content: Content, tip_ids: tuple[str, ...]) -> str:
    return ", ".join(content.tip(tip_id).label for tip_id in tip_ids)


async def focus(update: Update, context: BotContext) -> None:
    content = context.content
    chat_id = chat_id_of(update)
    if command_argument(context).lower() in ("off", "clear", "none"):
        await context.services.focus.set(chat_id, [])
        await reply(update, content.text("focus_cleared"))
        return
    current = await context.services.focus.get(chat_id)
    picked = tuple(content.tip(tip_id).number for tip_id in current if tip_id in content.tip_ids)
    await reply(
        update,
        content.text("focus_ask", current=_names(content, current) or content.text("focus_none")),
        keyboard=focus_keyboard(content, picked),
    )


async def focus_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    if query is None or query.data is None:
        return
    content = context.content
    numbers, *rest = payload(Prefix.FOCUS, query.data).split(":")
    parsed = [number(n) for n in numbers.split(",") if n]
    if None in parsed:
        await query.answer()
        return
    # A forged "1,1" names one habit twice: it counts once, as a real keyboard would send it.
    picked = tuple(dict.fromkeys(n for n in parsed if n is not None))
    tips = [content.tip_by_number(n) for n in picked]
    chosen = tuple(tip.id for tip in tips if tip is not None)
    if len(chosen) > MAX_FOCUS:
        await query.answer(content.text("focus_too_many"), show_alert=True)
        return
    await query.answer()
    if rest != [FOCUS_SAVE]:
        await query.edit_message_reply_markup(focus_keyboard(content, picked))
        return
    saved = await context.services.focus.set(chat_id_of(update), chosen)
    text = (
        content.text("focus_saved", habits=_names(content, saved))
        if saved
        else content.text("focus_cleared")
    )
    await query.edit_message_text(text, parse_mode=ParseMode.HTML)
