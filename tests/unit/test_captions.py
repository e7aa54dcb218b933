"""Captions under the picture: true to the data, valid Telegram HTML, within the limit."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from nudgebot.content.model import Content
from nudgebot.content.telegram_html import telegram_html_problems, telegram_length
from nudgebot.domain.encouragement import Encouragement
from nudgebot.domain.progress import ProgressData, build_progress
from nudgebot.render.captions import MAX_CAPTION, progress_caption, summary_caption

TODAY = date(2026, 3, 29)


def data(content: Content, rows: list[tuple[int, str, str]]) -> ProgressData:
    return build_progress(
        TODAY,
        [(tip.id, tip.label) for tip in content.tips],
        [(TODAY - timedelta(days=n), tip, outcome) for n, tip, outcome in rows],
        {tip.id: 2 for tip in content.tips},
        current_streak=2,
        best_streak=9,
    )


def test_the_progress_caption_names_streaks_habits_and_days(content: Content) -> None:
    caption = progress_caption(
        content, data(content, [(0, "sleep", "done"), (1, "sleep", "done"), (1, "fiber", "done")])
    )
    assert "2 days (best: 9 days)" in caption
    assert "Most practised: Sleep" in caption
    assert "Least practised: Fermented" in caption
    assert "2 of 28" in caption  # two days; the third check-in was on a day already counted


def test_with_nothing_logged_the_habits_read_none_yet(content: Content) -> None:
    caption = progress_caption(content, data(content, [(0, "sleep", "skipped")]))
    assert "Most practised: none yet" in caption


@pytest.mark.parametrize(
    "line",
    [
        Encouragement("summary_line_quiet"),
        Encouragement("summary_line_back"),
        Encouragement("summary_line_streak", streak=120),
        Encouragement("summary_line_best_habit", habit="Pro/prebiotics"),
        Encouragement("summary_line_steady", days=7),
    ],
)
def test_every_summary_caption_is_valid_html_within_the_caption_limit(
    content: Content, line: Encouragement
) -> None:
    caption = summary_caption(content, data(content, [(0, "fiber", "done")]), line)
    assert telegram_html_problems(caption) == []
    assert telegram_length(caption) <= MAX_CAPTION
