"""The message catalogue's schema: every key the code uses, its placeholders, its limits."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

# Every message key the code uses, with the only placeholders it may contain. A message may
# leave a placeholder out; it may never use one the code does not pass (str.format would fail).
MESSAGE_PLACEHOLDERS: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        key: frozenset(names.split())
        for key, names in {
            "welcome": "name",
            "welcome_back": "name",
            "disclaimer": "",
            "ask_timezone": "",
            "ask_time": "",
            "timezone_set": "zone local_time",
            "timezone_suggest": "text",
            "timezone_unknown": "text",
            "time_set": "time next",
            "time_invalid": "text",
            "settings": "zone time status next",
            "status_active": "",
            "status_paused_until": "date",
            "status_paused": "",
            "status_stopped": "",
            "status_blocked": "",
            "next_none": "",
            "paused_until": "date days",
            "paused": "",
            "pause_invalid": "text",
            "resumed": "next",
            "already_active": "next",
            "stopped": "",
            "not_subscribed": "",
            "tip_invite": "",
            "tip_on_demand_note": "",
            "tips_list_header": "",
            "tip_number_invalid": "text",
            "button_done": "",
            "button_not_today": "",
            "button_partly": "",
            "button_snooze": "",
            "button_focus_done": "habit",
            "button_undo": "",
            "checkin_partly": "streak best",
            "snooze_ask": "",
            "snooze_1h": "",
            "snooze_3h": "",
            "snooze_eve": "",
            "snooze_set": "time",
            "snooze_too_late": "",
            "snooze_not_today": "",
            "snooze_already_logged": "",
            "reminder": "title",
            "habits_logged": "done skipped streak",
            "habits_logged_skipped_only": "skipped",
            "undo_done": "habits",
            "undo_nothing": "",
            "focus_ask": "current",
            "focus_none": "",
            "focus_saved": "habits",
            "focus_cleared": "",
            "focus_save": "",
            "focus_too_many": "",
            "focus_logged": "habit streak",
            "log_yesterday_done": "title streak",
            "log_yesterday_none": "",
            "log_usage": "",
            "checkin_done": "streak best",
            "checkin_skipped": "",
            "checkin_updated": "",
            "note_saved": "streak",
            "note_skipped_saved": "",
            "note_partly_saved": "streak",
            "note_updated": "",
            "journal_saved": "",
            "non_text": "",
            "checkin_stale": "",
            "faq_intro": "",
            "faq_number_invalid": "text",
            "faq_footer": "",
            "progress": "current best most least days",
            "progress_empty": "days",
            "habit_none": "",
            "summary_intro": "",
            "summary_line_quiet": "",
            "summary_line_back": "",
            "summary_line_streak": "streak",
            "summary_line_best_habit": "habit",
            "summary_line_steady": "days",
            "summary_status_on": "day time next",
            "summary_status_off": "",
            "summary_turned_on": "day time next",
            "summary_turned_off": "",
            "summary_invalid": "text",
            "weekday_names": "",
            "picture_title": "",
            "picture_span": "first last",
            "picture_streaks": "current best",
            "picture_days": "days total",
            "picture_done": "",
            "picture_partly": "",
            "picture_skipped": "",
            "picture_none": "",
            "picture_completion": "",
            "picture_share": "logged offered",
            "picture_not_yet": "",
            "picture_months": "",
            "picture_weekdays": "",
            "help": "",
            "unknown_command": "",
            "error_generic": "",
            "admin_only": "",
            "export_caption": "",
            "export_csv_caption": "",
            "forget_confirm": "",
            "forget_yes_button": "",
            "forget_no_button": "",
            "forget_done": "",
            "forget_nothing": "",
            "forget_kept": "",
            "tip_try_this": "",
            # Words for when the next tip comes and for counting days (domain.humanize.Wording).
            "when_today": "",
            "when_tomorrow": "",
            "when_weekdays": "",
            "when_months": "",
            "when_date": "weekday day month",
            "when_next": "day time zone until",
            "when_under_a_minute": "",
            "when_in_minutes": "minutes",
            "when_in_hours": "hours",
            "when_in_hours_minutes": "hours minutes",
            "when_in_days_one": "count",
            "when_in_days_other": "count",
            "day_one": "count",
            "day_other": "count",
            "language_choose": "current",
            "language_set": "language",
            "language_unknown": "text choices",
            "group_note": "",
            "group_button": "",
            "checkin_quiet": "",
        }.items()
    }
)
REQUIRED_MESSAGES: tuple[str, ...] = tuple(MESSAGE_PLACEHOLDERS)
REQUIRED_COMMANDS: tuple[str, ...] = (
    "start",
    "timezone",
    "time",
    "settings",
    "pause",
    "resume",
    "stop",
    "tip",
    "tips",
    "faq",
    "focus",
    "log",
    "progress",
    "export",
    "forget",
    "summary",
    "help",
    "language",
    "sos",
)

# Messages that are lists of words, and how many words each must have.
WORD_LISTS: Mapping[str, int] = MappingProxyType({"when_weekdays": 7, "when_months": 12})
MAX_TIP_VISIBLE_CHARS = 600  # about 30 seconds of reading
MAX_ID_BYTES = 40  # ids travel in callback_data (64 bytes) next to a prefix
MAX_LABEL_CHARS = 30
MAX_SHORT_CHARS = 14  # the habit's label in the progress picture, beside a 4-week calendar
MAX_COMMAND_DESCRIPTION = 256

# Messages that hold a comma-separated list, with how many items each must have.
LIST_MESSAGES: Mapping[str, int] = MappingProxyType(
    {"weekday_names": 7, "picture_weekdays": 7, "picture_months": 12}
)


def text_list(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(","))
