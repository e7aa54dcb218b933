"""The words under the progress picture: the /progress caption and the weekly summary's."""

from __future__ import annotations

from nudgebot.content.model import Content
from nudgebot.domain.encouragement import Encouragement
from nudgebot.domain.humanize import count_days
from nudgebot.domain.progress import ProgressData

# Telegram's limit for a photo caption after entity parsing.
MAX_CAPTION = 1024


def progress_caption(content: Content, data: ProgressData) -> str:
    """The short text summary that goes with the picture, also for screen readers."""
    most = data.most_practised()
    least = data.least_practised()
    none = content.text("habit_none")
    return content.text(
        "progress",
        current=count_days(data.current_streak, content.wording),
        best=count_days(data.best_streak, content.wording),
        most=most.label if most else none,
        least=least.label if least else none,
        days=data.days_logged,
    )


def summary_caption(content: Content, data: ProgressData, line: Encouragement | None) -> str:
    """The weekly summary: a greeting, the line chosen from the week, then the usual caption.

    No line (None) on a quiet day after a crisis reply: no encouragement, just the facts.
    """
    if line is None:
        return "\n".join((content.text("summary_intro"), "", progress_caption(content, data)))
    values: dict[str, object] = {}
    if line.streak is not None:
        values["streak"] = count_days(line.streak, content.wording)
    if line.habit is not None:
        values["habit"] = line.habit
    if line.days is not None:
        values["days"] = count_days(line.days, content.wording)
    return "\n".join(
        (
            content.text("summary_intro"),
            content.text(line.key, **values),
            "",
            progress_caption(content, data),
        )
    )
