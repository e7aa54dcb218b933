"""/summary: show, turn on or off, or move the weekly progress picture."""

from __future__ import annotations

from telegram import Update

from nudgebot.domain.humanize import describe_next
from nudgebot.domain.summary_request import parse_summary_request
from nudgebot.domain.timeparse import format_send_time
from nudgebot.handlers.context import BotContext, chat_id_of, command_argument, reply
from nudgebot.services.summary_settings import SummaryView


def _when(context: BotContext, view: SummaryView) -> dict[str, str]:
    content = context.content
    upcoming = (
        describe_next(context.services.clock.now(), view.next_at, view.zone)
        if view.next_at is not None
        else content.text("next_none")
    )
    return {
        "day": content.names("weekday_names")[view.weekday],
        "time": format_send_time(view.time),
        "next": upcoming,
    }


async def summary(update: Update, context: BotContext) -> None:
    content = context.content
    text = command_argument(context)
    request = parse_summary_request(text)
    if request is None:
        await reply(update, content.text("summary_invalid", text=text))
        return
    service = context.services.summaries
    chat_id = chat_id_of(update)
    if request.is_query:
        view = await service.status(chat_id)
        key = "summary_status_on" if view.enabled else "summary_status_off"
    else:
        view = await service.apply(chat_id, request)
        key = "summary_turned_on" if view.enabled else "summary_turned_off"
    # Placeholders a message does not use are ignored, so both keys take the same values.
    await reply(update, content.text(key, **_when(context, view)))
