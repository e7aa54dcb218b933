"""Subscription commands: /start, /timezone, /time, /settings, /pause, /resume, /stop."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from telegram import Update

from nudgebot.domain.humanize import count_days, describe_next
from nudgebot.domain.timeparse import format_send_time, parse_send_time
from nudgebot.domain.zones import common_timezones, resolve_timezone
from nudgebot.handlers.context import BotContext, chat_id_of, command_argument, echo, number, reply
from nudgebot.render.callbacks import Prefix, payload
from nudgebot.render.keyboards import time_keyboard, zone_keyboard
from nudgebot.services.errors import NotSubscribedError
from nudgebot.services.views import SubscriberView


def next_tip_text(context: BotContext, view: SubscriberView) -> str:
    if view.next_due_at is None:
        return context.content.text("next_none")
    return describe_next(
        context.services.clock.now(), view.next_due_at, view.zone, context.content.wording
    )


async def start(update: Update, context: BotContext) -> None:
    user = update.effective_user
    result = await context.services.subscriptions.start(
        chat_id_of(update),
        user_id=user.id if user else None,
        language_code=user.language_code if user else None,
    )
    name = user.first_name if user else ""
    key = "welcome" if result.is_new or not result.came_back else "welcome_back"
    content = context.content
    await reply(update, content.text(key, name=name) + "\n\n" + content.text("disclaimer"))
    await reply(update, content.text("ask_timezone"), keyboard=zone_keyboard(common_timezones()))


async def timezone(update: Update, context: BotContext) -> None:
    text = command_argument(context)
    if not text:
        await context.services.subscriptions.set_awaiting(chat_id_of(update), "timezone")
        await reply(
            update, context.content.text("ask_timezone"), keyboard=zone_keyboard(common_timezones())
        )
        return
    await apply_timezone_text(update, context, text)


async def apply_timezone_text(update: Update, context: BotContext, text: str) -> None:
    lookup = resolve_timezone(text)
    if lookup.zone is not None:
        await _set_zone(update, context, lookup.zone)
        return
    await context.services.subscriptions.set_awaiting(chat_id_of(update), None)
    if lookup.suggestions:
        await reply(
            update,
            context.content.text("timezone_suggest", text=echo(text)),
            keyboard=zone_keyboard(lookup.suggestions),
        )
    else:
        await reply(update, context.content.text("timezone_unknown", text=echo(text)))


async def _set_zone(update: Update, context: BotContext, zone: str) -> None:
    view = await context.services.subscriptions.set_timezone(chat_id_of(update), zone)
    local_time = context.services.clock.now().astimezone(ZoneInfo(zone)).strftime("%H:%M")
    await reply(update, context.content.text("timezone_set", zone=zone, local_time=local_time))
    # set_timezone moves a subscriber who was asked for a zone on to the time question.
    if view.awaiting == "time":
        await reply(update, context.content.text("ask_time"), keyboard=time_keyboard())
    else:
        await _confirm_time(update, context, view)


async def send_time(update: Update, context: BotContext) -> None:
    text = command_argument(context)
    if not text:
        await context.services.subscriptions.set_awaiting(chat_id_of(update), "time")
        await reply(update, context.content.text("ask_time"), keyboard=time_keyboard())
        return
    await apply_time_text(update, context, text)


async def apply_time_text(update: Update, context: BotContext, text: str) -> None:
    parsed = parse_send_time(text)
    if parsed is None:
        await context.services.subscriptions.set_awaiting(chat_id_of(update), None)
        await reply(update, context.content.text("time_invalid", text=echo(text)))
        return
    view = await context.services.subscriptions.set_send_time(chat_id_of(update), parsed)
    await _confirm_time(update, context, view)


async def _confirm_time(update: Update, context: BotContext, view: SubscriberView) -> None:
    await reply(
        update,
        context.content.text(
            "time_set", time=format_send_time(view.send_time), next=next_tip_text(context, view)
        ),
    )


async def zone_button(update: Update, context: BotContext) -> None:
    """A zone picked from the buttons under the question."""
    query = update.callback_query
    if query is None or query.data is None:
        return
    await query.answer()
    zone = payload(Prefix.ZONE, query.data)
    if resolve_timezone(zone).zone == zone:
        await _set_zone(update, context, zone)


async def time_button(update: Update, context: BotContext) -> None:
    """A time picked from the buttons under the question."""
    query = update.callback_query
    if query is None or query.data is None:
        return
    await query.answer()
    await apply_time_text(update, context, payload(Prefix.TIME, query.data))


def _status_text(context: BotContext, view: SubscriberView) -> str:
    content = context.content
    if view.status == "paused" and view.paused_until is not None:
        return content.text("status_paused_until", date=view.paused_until.isoformat())
    if view.status in ("blocked", "gone"):
        return content.text("status_blocked")
    return content.text(f"status_{view.status}")


async def settings(update: Update, context: BotContext) -> None:
    view = await context.services.subscriptions.get(chat_id_of(update))
    if view is None:
        raise NotSubscribedError(chat_id_of(update))
    await reply(
        update,
        context.content.text(
            "settings",
            zone=view.timezone,
            time=format_send_time(view.send_time),
            status=_status_text(context, view),
            next=next_tip_text(context, view),
        ),
    )


async def pause(update: Update, context: BotContext) -> None:
    text = command_argument(context)
    days: int | None = None
    if text:
        days = number(text)
        if days is None or not 1 <= days <= 365:
            await reply(update, context.content.text("pause_invalid", text=echo(text)))
            return
    view = await context.services.subscriptions.pause(chat_id_of(update), days)
    if days is None or view.paused_until is None:
        await reply(update, context.content.text("paused"))
    else:
        await reply(
            update,
            context.content.text(
                "paused_until",
                date=view.paused_until.isoformat(),
                days=count_days(days, context.content.wording),
            ),
        )


async def resume(update: Update, context: BotContext) -> None:
    view, changed = await context.services.subscriptions.resume(chat_id_of(update))
    key = "resumed" if changed else "already_active"
    await reply(update, context.content.text(key, next=next_tip_text(context, view)))


async def stop(update: Update, context: BotContext) -> None:
    await context.services.subscriptions.stop(chat_id_of(update))
    await reply(update, context.content.text("stopped"))
