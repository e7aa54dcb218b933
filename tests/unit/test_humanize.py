"""Human wording for when the next tip comes."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from nudgebot.domain.humanize import describe_next, plural

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2025, 2, 27, 16, 25, tzinfo=BERLIN)


def test_later_today_says_today_and_hours_and_minutes() -> None:
    at = datetime(2025, 2, 27, 19, 30, tzinfo=BERLIN)

    assert describe_next(NOW, at, BERLIN) == "today 19:30 Europe/Berlin, in 3 h 5 min"


def test_tomorrow_on_the_hour_drops_minutes() -> None:
    at = datetime(2025, 2, 28, 7, 30, tzinfo=BERLIN)

    assert describe_next(NOW + timedelta(minutes=65), at, BERLIN) == (
        "tomorrow 07:30 Europe/Berlin, in 14 h"
    )


def test_days_away_shows_weekday_date_and_days() -> None:
    at = datetime(2025, 3, 3, 7, 30, tzinfo=BERLIN)

    assert describe_next(datetime(2025, 3, 1, 7, 30, tzinfo=BERLIN), at, BERLIN) == (
        "Mon 3 Mar 07:30 Europe/Berlin, in 2 days"
    )


def test_under_an_hour_shows_minutes_only() -> None:
    assert describe_next(NOW, NOW + timedelta(minutes=5), BERLIN).endswith(", in 5 min")


@pytest.mark.parametrize("seconds", [0, 30, 59, -10])
def test_under_a_minute_says_so(seconds: int) -> None:
    at = NOW + timedelta(seconds=seconds)

    assert describe_next(NOW, at, BERLIN).endswith(", in under a minute")


def test_day_is_the_subscribers_local_day() -> None:
    tokyo = ZoneInfo("Asia/Tokyo")
    now = datetime(2025, 6, 2, 14, 0, tzinfo=ZoneInfo("UTC"))
    at = datetime(2025, 6, 2, 22, 30, tzinfo=ZoneInfo("UTC"))

    assert describe_next(now, at, tokyo) == "tomorrow 07:30 Asia/Tokyo, in 8 h 30 min"


@pytest.mark.parametrize(("n", "expected"), [(0, "0 days"), (1, "1 day"), (3, "3 days")])
def test_plural_picks_the_word_for_the_count(n: int, expected: str) -> None:
    assert plural(n, "day", "days") == expected
