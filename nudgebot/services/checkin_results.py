"""What recording a check-in did, as the handlers render it: the result, the streaks, the note."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from nudgebot.domain.habit_match import HabitMention
from nudgebot.domain.replies import Outcome
from nudgebot.domain.streaks import Streaks


class ButtonResult(StrEnum):
    RECORDED = "recorded"
    CHANGED = "changed"  # a second press the same day changed the answer
    UNCHANGED = "unchanged"  # the same answer pressed again: nothing new to log
    STALE = "stale"  # a tip from before yesterday
    NOT_YOURS = "not_yours"  # the delivery belongs to another chat, or no longer exists
    NO_TIP = "no_tip"  # /log yesterday, but there was no tip yesterday


class TextResult(StrEnum):
    DONE = "done"
    PARTLY = "partly"
    SKIPPED = "skipped"
    HABITS = "habits"  # the text named habits; one check-in each (see Logged.habits)
    JOURNAL = "journal"  # no tip to attach it to yet: kept as a note
    DUPLICATE = "duplicate"  # Telegram delivered the same message twice


@dataclass(frozen=True, slots=True)
class Logged:
    result: ButtonResult | TextResult
    outcome: Outcome | None
    streaks: Streaks
    tip_id: str | None = None
    habits: tuple[HabitMention, ...] = ()
    note_id: int | None = None  # the note whose check-ins Undo removes
