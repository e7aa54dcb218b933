"""Check-ins: tip buttons, text replies, edits, and a kind word for what cannot be logged."""

from __future__ import annotations

import logging

from telegram import Update

from nudgebot.content.model import Content
from nudgebot.domain.faq_match import match_faq
from nudgebot.domain.habit_match import HabitMention
from nudgebot.domain.humanize import count_days
from nudgebot.domain.replies import Outcome
from nudgebot.handlers.context import BotContext, chat_id_of, command_argument, number, reply
from nudgebot.handlers.reading import answer_faq_number
from nudgebot.handlers.subscription import apply_time_text, apply_timezone_text
from nudgebot.render.callbacks import Prefix, payload
from nudgebot.render.keyboards import undo_keyboard
from nudgebot.services.checkin_results import ButtonResult, Logged, TextResult
from nudgebot.services.errors import NotSubscribedError

log = logging.getLogger(__name__)

# "/log yesterday", in each language the bot speaks.
YESTERDAY = frozenset({"yesterday", "gestern"})


async def _quiet(context: BotContext, update: Update) -> bool:
    """True on the rest of a local day that had a crisis reply: no streak talk then."""
    return await context.services.safety.is_quiet(chat_id_of(update))


def _talks_streaks(logged: Logged) -> bool:
    """Whether the usual acknowledgement of logged mentions a streak."""
    if logged.result in (TextResult.DONE, TextResult.PARTLY):
        return True
    if logged.result == TextResult.HABITS:
        return any(h.outcome != Outcome.SKIPPED for h in logged.habits)
    if logged.result in (ButtonResult.RECORDED, ButtonResult.CHANGED):
        return logged.outcome in (Outcome.DONE, Outcome.PARTLY)
    return False


def _acknowledgement(context: BotContext, logged: Logged, *, quiet: bool = False) -> str:
    content = context.content
    if quiet and _talks_streaks(logged):
        # After a crisis reply today: a plain, neutral word instead of "great streak!".
        return content.text("checkin_quiet")
    streak = count_days(logged.streaks.current, content.wording)
    if logged.result == ButtonResult.CHANGED:
        return content.text("checkin_updated") + "\n" + _outcome_text(context, logged)
    if logged.result == TextResult.DONE:
        return content.text("note_saved", streak=streak)
    if logged.result == TextResult.PARTLY:
        return content.text("note_partly_saved", streak=streak)
    if logged.result == TextResult.SKIPPED:
        return content.text("note_skipped_saved")
    if logged.result == TextResult.JOURNAL:
        return content.text("journal_saved")
    if logged.result == TextResult.HABITS:
        return _habits_text(content, logged.habits, streak)
    return _outcome_text(context, logged)


def _habits_text(content: Content, habits: tuple[HabitMention, ...], streak: str) -> str:
    done = ", ".join(content.tip(h.tip_id).label for h in habits if h.outcome != Outcome.SKIPPED)
    skipped = ", ".join(content.tip(h.tip_id).label for h in habits if h.outcome == Outcome.SKIPPED)
    if not done:
        return content.text("habits_logged_skipped_only", skipped=skipped)
    return content.text(
        "habits_logged",
        done=done,
        skipped=f" ({content.text('button_not_today')}: {skipped})" if skipped else "",
        streak=streak,
    )


def _outcome_text(context: BotContext, logged: Logged) -> str:
    if logged.outcome in (Outcome.DONE, Outcome.PARTLY):
        return context.content.text(
            "checkin_done" if logged.outcome == Outcome.DONE else "checkin_partly",
            streak=count_days(logged.streaks.current, context.content.wording),
            best=count_days(logged.streaks.best, context.content.wording),
        )
    return context.content.text("checkin_skipped")


async def checkin_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    if query is None or query.data is None:
        return
    try:
        _, delivery_id, outcome_value = query.data.split(":")
        outcome = Outcome(outcome_value)
    except ValueError:
        await query.answer()
        return
    delivery = number(delivery_id)
    if delivery is None:
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
        quiet = await _quiet(context, update)
        await reply(update, _acknowledgement(context, logged, quiet=quiet))


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
    keyboard = None
    if logged.note_id is not None:
        keyboard = undo_keyboard(context.content, logged.note_id)
    quiet = await _quiet(context, update)
    await reply(update, _acknowledgement(context, logged, quiet=quiet), keyboard=keyboard)


async def focus_log_button(update: Update, context: BotContext) -> None:
    """A one-tap focus habit under a tip or reminder: done, on that tip's day."""
    query = update.callback_query
    if query is None or query.data is None:
        return
    _, delivery_text, tip_id = ([*query.data.split(":"), "", ""])[:3]
    delivery_id = number(delivery_text)
    if delivery_id is None or tip_id not in context.content.tip_ids:
        await query.answer()
        return
    logged = await context.services.checkins.record_button(
        chat_id_of(update), delivery_id, Outcome.DONE, tip_id=tip_id, source="focus"
    )
    if logged.result == ButtonResult.STALE:
        await query.answer(context.content.text("checkin_stale"), show_alert=True)
        return
    await query.answer()
    if logged.result in (ButtonResult.RECORDED, ButtonResult.CHANGED):
        if await _quiet(context, update):
            await reply(update, context.content.text("checkin_quiet"))
            return
        await reply(
            update,
            context.content.text(
                "focus_logged",
                habit=context.content.tip(tip_id).label,
                streak=count_days(logged.streaks.current, context.content.wording),
            ),
        )


async def undo_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    if query is None or query.data is None:
        return
    note_id = number(payload(Prefix.UNDO, query.data))
    await query.answer()
    if note_id is None:  # forged data: the press is answered, nothing else happens
        return
    removed = await context.services.checkins.undo_note(chat_id_of(update), note_id)
    content = context.content
    if not removed:
        await reply(update, content.text("undo_nothing"))
        return
    habits = ", ".join(content.tip(t).label for t in removed if t in content.tip_ids)
    await reply(update, content.text("undo_done", habits=habits))


async def log_command(update: Update, context: BotContext) -> None:
    """/log yesterday: for the days the tip came but the check-in slipped."""
    content = context.content
    if command_argument(context).lower() not in YESTERDAY:
        await reply(update, content.text("log_usage"))
        return
    logged = await context.services.checkins.log_yesterday(chat_id_of(update))
    if logged.result == ButtonResult.NO_TIP or logged.tip_id is None:
        await reply(update, content.text("log_yesterday_none"))
        return
    if await _quiet(context, update):
        await reply(update, content.text("checkin_quiet"))
        return
    await reply(
        update,
        content.text(
            "log_yesterday_done",
            title=content.tip(logged.tip_id).title,
            streak=count_days(logged.streaks.current, context.content.wording),
        ),
    )


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
