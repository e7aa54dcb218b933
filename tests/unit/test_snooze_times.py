"""Snooze choices: later the same local day, never tomorrow."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, available_timezones

from hypothesis import given
from hypothesis import strategies as st

from nudgebot.domain.schedule import local_today
from nudgebot.domain.snooze import SnoozeChoice, available_choices, remind_at

BERLIN = ZoneInfo("Europe/Berlin")


def test_one_hour_is_one_hour_later() -> None:
    now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    assert remind_at(SnoozeChoice.ONE_HOUR, now, BERLIN) == now + timedelta(hours=1)


def test_evening_is_seven_pm_local() -> None:
    now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    at = remind_at(SnoozeChoice.EVENING, now, BERLIN)
    assert at is not None
    assert at.astimezone(BERLIN).strftime("%H:%M") == "19:00"


def test_evening_is_not_offered_once_it_has_passed() -> None:
    now = datetime(2026, 3, 2, 18, 30, tzinfo=UTC)  # 19:30 in Berlin
    assert available_choices(now, BERLIN) == [SnoozeChoice.ONE_HOUR, SnoozeChoice.THREE_HOURS]


def test_three_hours_that_would_reach_tomorrow_is_refused() -> None:
    now = datetime(2026, 3, 2, 21, 30, tzinfo=UTC)  # 22:30 in Berlin
    assert remind_at(SnoozeChoice.THREE_HOURS, now, BERLIN) is None
    assert available_choices(now, BERLIN) == [SnoozeChoice.ONE_HOUR]


def test_nothing_is_offered_in_the_last_hour_of_the_day() -> None:
    now = datetime(2026, 3, 2, 22, 30, tzinfo=UTC)  # 23:30 in Berlin
    assert available_choices(now, BERLIN) == []


ZONES = sorted(available_timezones() - {"Factory", "localtime"})


@given(
    st.sampled_from(ZONES),
    st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=datetime(2037, 12, 31), timezones=st.just(UTC)
    ),
    st.sampled_from(list(SnoozeChoice)),
)
def test_a_reminder_is_always_later_the_same_local_day(
    zone_name: str, now: datetime, choice: SnoozeChoice
) -> None:
    zone = ZoneInfo(zone_name)
    at = remind_at(choice, now, zone)
    if at is not None:
        assert at > now
        assert local_today(at, zone) == local_today(now, zone)
