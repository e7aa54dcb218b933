"""/export and /forget: a subscriber's copy of their data, and erasing it after a yes."""

from __future__ import annotations

from telegram import InputFile, Update

from nudgebot.handlers.context import BotContext, chat_id_of, reply
from nudgebot.render.keyboards import FORGET_YES, forget_keyboard
from nudgebot.services.data_rights import EXPORT_CSV_NAME, EXPORT_JSON_NAME


async def export(update: Update, context: BotContext) -> None:
    data = await context.services.data_rights.export(chat_id_of(update))
    chat = update.effective_chat
    assert chat is not None  # chat_id_of checked it
    content = context.content
    await chat.send_document(
        InputFile(data.json_document, filename=EXPORT_JSON_NAME),
        caption=content.text("export_caption"),
    )
    await chat.send_document(
        InputFile(data.checkins_csv, filename=EXPORT_CSV_NAME),
        caption=content.text("export_csv_caption"),
    )


async def forget(update: Update, context: BotContext) -> None:
    content = context.content
    await reply(
        update,
        content.text("forget_confirm"),
        keyboard=forget_keyboard(
            content.text("forget_yes_button"), content.text("forget_no_button")
        ),
    )


async def forget_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    if query is None or query.data is None:
        return
    await query.answer()
    # The question loses its buttons, so an old "yes" cannot be pressed again by accident.
    await query.edit_message_reply_markup(reply_markup=None)
    if query.data != FORGET_YES:
        await reply(update, context.content.text("forget_kept"))
        return
    erased = await context.services.data_rights.forget(chat_id_of(update))
    await reply(update, context.content.text("forget_done" if erased else "forget_nothing"))
