"""Reading /summary's argument and scheduling a weekly instant across DST."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nudgebot.domain.schedule import next_weekly
from nudgebot.domain.summary_request import SummaryRequest, parse_summary_request, parse_weekday

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", SummaryRequest()),
        ("on", SummaryRequest(enabled=True)),
        ("OFF", SummaryRequest(enabled=False)),
        ("sunday 18:00", SummaryRequest(True, 6, time(18))),
        ("Fri 7pm", SummaryRequest(True, 4, time(19))),
        ("mondays", SummaryRequest(True, 0, None)),
        ("8:30", SummaryRequest(True, None, time(8, 30))),
        ("aus", SummaryRequest(enabled=False)),
        ("an", SummaryRequest(enabled=True)),
        ("Sonntag 18:00", SummaryRequest(True, 6, time(18))),
        ("mittwochs 7:30", SummaryRequest(True, 2, time(7, 30))),
        ("Sonnabend", SummaryRequest(True, 5, None)),
    ],
)
def test_summary_requests_are_read(text: str, expected: SummaryRequest) -> None:
    assert parse_summary_request(text) == expected


@pytest.mark.parametrize("text", ["sometimes", "sunday 25:00", "su 18:00", "on off"])
def test_unreadable_requests_are_none(text: str) -> None:
    assert parse_summary_request(text) is None


def test_weekday_prefixes_need_three_letters() -> None:
    assert (parse_weekday("wed"), parse_weekday("we")) == (2, None)


def test_the_next_weekly_instant_is_the_coming_sunday_at_six_pm() -> None:
    monday = datetime(2026, 3, 23, 12, 0, tzinfo=UTC)
    due = next_weekly(monday, BERLIN, 6, time(18))
    # Berlin moves to summer time on Sunday 29 March 2026: 18:00 local is 16:00 UTC.
    assert due == (date(2026, 3, 29), datetime(2026, 3, 29, 16, 0, tzinfo=UTC))


def test_after_skips_to_the_following_week() -> None:
    monday = datetime(2026, 3, 23, 12, 0, tzinfo=UTC)
    due = next_weekly(monday, BERLIN, 6, time(18), after=date(2026, 3, 29))
    assert due.local_date == date(2026, 4, 5)


def test_a_time_in_the_spring_forward_gap_goes_out_just_after_it() -> None:
    due = next_weekly(datetime(2026, 3, 28, tzinfo=UTC), BERLIN, 6, time(2, 30))
    assert due.at == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)  # 03:00 summer time


@given(
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2037, 12, 31)),
    st.sampled_from(["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "UTC"]),
    st.integers(0, 6),
    st.times(),
)
def test_next_weekly_lands_on_the_weekday_within_a_week(
    moment: datetime, zone: str, weekday: int, at: time
) -> None:
    now = moment.replace(tzinfo=UTC)
    tz = ZoneInfo(zone)
    due = next_weekly(now, tz, weekday, at.replace(microsecond=0))
    assert due.local_date.weekday() == weekday
    assert due.at.astimezone(tz).date() == due.local_date
    assert now <= due.at <= now + timedelta(days=8)


@pytest.mark.parametrize(
    ("english", "german"),
    [
        ("monday", "montag"),
        ("tuesday", "dienstag"),
        ("wednesday", "mittwoch"),
        ("thursday", "donnerstag"),
        ("friday", "freitag"),
        ("saturday", "samstag"),
        ("sunday", "sonntag"),
    ],
)
def test_german_day_names_mean_the_same_days(english: str, german: str) -> None:
    assert parse_weekday(german) == parse_weekday(english) is not None
    assert parse_weekday(german[:3]) == parse_weekday(english)
