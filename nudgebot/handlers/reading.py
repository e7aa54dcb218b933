"""Things to read on demand: /tip, /tips, /faq and the FAQ buttons."""

from __future__ import annotations

from telegram import Update

from nudgebot.handlers.context import BotContext, chat_id_of, command_argument, echo, number, reply
from nudgebot.render.callbacks import Prefix, payload
from nudgebot.render.keyboards import faq_keyboard


async def tip(update: Update, context: BotContext) -> None:
    content = context.content
    text = command_argument(context)
    if text:
        tip_number = number(text)
        chosen = None if tip_number is None else content.tip_by_number(tip_number)
        if chosen is None:
            await reply(update, content.text("tip_number_invalid", text=echo(text)))
            return
    else:
        # The service picks by id; the text comes from the subscriber's language.
        chosen = content.tip((await context.services.tips.current_tip(chat_id_of(update))).id)
    await reply(update, content.render_tip(chosen, footer_key="tip_on_demand_note"))


async def tips(update: Update, context: BotContext) -> None:
    await reply(update, context.content.render_tips_list())


async def faq(update: Update, context: BotContext) -> None:
    content = context.content
    text = command_argument(context)
    if not text:
        await reply(update, content.text("faq_intro"), keyboard=faq_keyboard(content.faqs))
        return
    faq_number = number(text)
    chosen = None if faq_number is None else content.faq(faq_number)
    if chosen is None:
        await reply(update, content.text("faq_number_invalid", text=echo(text)))
        return
    await reply(update, content.render_faq(chosen))


async def faq_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    if query is None or query.data is None:
        return
    await query.answer()
    faq_number = number(payload(Prefix.FAQ, query.data))
    chosen = None if faq_number is None else context.content.faq(faq_number)
    if chosen is not None:
        await reply(update, context.content.render_faq(chosen))


async def answer_faq_number(update: Update, context: BotContext, number: int) -> None:
    chosen = context.content.faq(number)
    if chosen is not None:
        await reply(update, context.content.render_faq(chosen))
