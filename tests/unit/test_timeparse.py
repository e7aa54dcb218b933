"""Send times as people type them."""

from datetime import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nudgebot.domain.timeparse import format_send_time, parse_send_time


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7:30", time(7, 30)),
        ("07:30", time(7, 30)),
        ("7am", time(7, 0)),
        ("7 am", time(7, 0)),
        ("7AM", time(7, 0)),
        ("19:30", time(19, 30)),
        ("7.30pm", time(19, 30)),
        ("7:30 p.m.", time(19, 30)),
        ("7:30 P.M.", time(19, 30)),
        ("12am", time(0, 0)),
        ("12:30 a.m.", time(0, 30)),
        ("12pm", time(12, 0)),
        ("0730", time(7, 30)),
        ("730", time(7, 30)),
        ("7h30", time(7, 30)),
        ("19h", time(19, 0)),
        ("7", time(7, 0)),
        ("19", time(19, 0)),
        ("0:00", time(0, 0)),
        ("23:59", time(23, 59)),
        ("  8:15  ", time(8, 15)),
        ("noon", time(12, 0)),
        ("midnight", time(0, 0)),
    ],
)
def test_accepted_spellings_parse_to_the_time_meant(text: str, expected: time) -> None:
    assert parse_send_time(text) == expected


@pytest.mark.parametrize(
    "text",
    ["25:00", "24:00", "7:60", "13pm", "0am", "", "   ", "banana", "7:3", "-7", "1930pm", "7pmm"],
)
def test_invalid_times_are_rejected(text: str) -> None:
    assert parse_send_time(text) is None


def test_format_pads_to_hh_mm() -> None:
    assert format_send_time(time(7, 5)) == "07:05"


@given(st.times())
def test_formatted_time_parses_back_to_its_minute(t: time) -> None:
    assert parse_send_time(format_send_time(t)) == time(t.hour, t.minute)


@given(st.integers(1, 12), st.integers(0, 59), st.sampled_from(["am", "pm", " AM", " p.m."]))
def test_twelve_hour_clock_agrees_with_twenty_four_hour_clock(
    hour: int, minute: int, suffix: str
) -> None:
    afternoon = "p" in suffix.lower()
    expected = time(hour % 12 + (12 if afternoon else 0), minute)

    assert parse_send_time(f"{hour}:{minute:02d}{suffix}") == expected
