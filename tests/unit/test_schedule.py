"""Due instants: one per local day, in every zone, across DST gaps and overlaps."""

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from itertools import pairwise
from zoneinfo import ZoneInfo, available_timezones

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nudgebot.domain.schedule import Due, local_today, next_due, resolve_local

BERLIN = ZoneInfo("Europe/Berlin")
ALL_ZONES = sorted(available_timezones() - {"localtime", "Factory", "posixrules"})
# 02:30 and 01:30 fall in most gaps and overlaps; the others catch midnight and late-evening ones.
SEND_TIMES = (
    time(0, 0),
    time(0, 30),
    time(1, 0),
    time(1, 30),
    time(2, 0),
    time(2, 30),
    time(3, 30),
    time(7, 30),
    time(12, 0),
    time(23, 0),
    time(23, 30),
)
ONE_DAY = timedelta(days=1)


def wall(instant: datetime, tz: ZoneInfo) -> datetime:
    return instant.astimezone(tz).replace(tzinfo=None, fold=0)


def occurrences(local: datetime, tz: ZoneInfo) -> list[datetime]:
    """Every UTC instant whose local wall time in `tz` is `local`, found from nearby offsets."""
    probe = local.replace(tzinfo=UTC)
    offsets = {
        offset
        for hours in (-48, -24, -12, 0, 12, 24, 48)
        if (offset := (probe + timedelta(hours=hours)).astimezone(tz).utcoffset()) is not None
    }
    candidates = {(local - offset).replace(tzinfo=UTC) for offset in offsets}
    return sorted(instant for instant in candidates if wall(instant, tz) == local)


def assert_resolved_correctly(day: date, send_time: time, tz: ZoneInfo, at: datetime) -> None:
    local = datetime.combine(day, send_time)
    assert at.tzinfo is UTC
    found = occurrences(local, tz)
    if found:
        assert at == found[0], "a time that exists is sent at its first occurrence"
    else:
        assert wall(at, tz) > local, "a time in a gap is sent after the gap"
        assert wall(at - timedelta(microseconds=1), tz) < local, "and at its first valid instant"


@cache
def transition_days(name: str) -> tuple[date, ...]:
    """UTC days in 2024-2027 on which the zone's offset changes."""
    tz = ZoneInfo(name)
    days = []
    instant = datetime(2023, 12, 30, tzinfo=UTC)
    previous = tz.utcoffset(instant)
    while instant.year < 2028:
        instant += ONE_DAY
        offset = tz.utcoffset(instant)
        if offset != previous:
            days.append(instant.date() - ONE_DAY)
        previous = offset
    return tuple(days)


def chain(start: datetime, tz: ZoneInfo, send_time: time, steps: int) -> Iterator[Due]:
    due = next_due(start, tz, send_time)
    yield due
    for _ in range(steps):
        due = next_due(due.at, tz, send_time, after=due.local_date)
        yield due


def assert_one_per_local_day(dues: list[Due], tz: ZoneInfo, send_time: time) -> None:
    for due in dues:
        assert due.at.astimezone(tz).date() == due.local_date
        assert_resolved_correctly(due.local_date, send_time, tz, due.at)
    for earlier, later in pairwise(dues):
        assert later.at > earlier.at
        skipped = earlier.local_date + ONE_DAY
        while skipped < later.local_date:
            # The only day allowed to go without a tip is one whose send time the zone jumps over.
            assert occurrences(datetime.combine(skipped, send_time), tz) == []
            skipped += ONE_DAY


def test_ordinary_day_resolves_to_local_wall_time() -> None:
    at = resolve_local(date(2025, 6, 2), time(7, 30), BERLIN)

    assert at == datetime(2025, 6, 2, 5, 30, tzinfo=UTC)


def test_spring_forward_gap_resolves_to_first_instant_after_the_gap() -> None:
    at = resolve_local(date(2025, 3, 30), time(2, 30), BERLIN)

    assert at.astimezone(BERLIN).replace(tzinfo=None) == datetime(2025, 3, 30, 3, 0)


def test_fall_back_overlap_resolves_to_first_occurrence() -> None:
    at = resolve_local(date(2025, 10, 26), time(2, 30), BERLIN)

    assert at == datetime(2025, 10, 26, 0, 30, tzinfo=UTC)


def test_overlap_day_is_not_sent_again_at_second_occurrence() -> None:
    after_first = datetime(2025, 10, 26, 0, 45, tzinfo=UTC)

    due = next_due(after_first, BERLIN, time(2, 30))

    assert due.local_date == date(2025, 10, 27)


def test_resolved_instants_are_utc() -> None:
    at = resolve_local(date(2025, 1, 1), time(9, 0), ZoneInfo("Asia/Tokyo"))

    assert at.tzinfo is UTC


def test_subscribing_before_send_time_is_due_today() -> None:
    now = datetime(2025, 6, 2, 5, 0, tzinfo=UTC)

    assert next_due(now, BERLIN, time(19, 30)) == Due(
        date(2025, 6, 2), datetime(2025, 6, 2, 17, 30, tzinfo=UTC)
    )


def test_subscribing_after_send_time_is_due_tomorrow() -> None:
    now = datetime(2025, 6, 2, 18, 0, tzinfo=UTC)

    assert next_due(now, BERLIN, time(19, 30)).local_date == date(2025, 6, 3)


def test_send_instant_equal_to_not_before_is_due() -> None:
    at = datetime(2025, 6, 2, 17, 30, tzinfo=UTC)

    assert next_due(at, BERLIN, time(19, 30)).at == at


def test_changing_time_after_todays_delivery_starts_tomorrow() -> None:
    now = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)

    due = next_due(now, BERLIN, time(21, 0), after=date(2025, 6, 2))

    assert due.local_date == date(2025, 6, 3)


def test_catch_up_window_still_finds_a_late_send() -> None:
    now = datetime(2025, 6, 2, 7, 0, tzinfo=UTC)

    due = next_due(now - timedelta(hours=2), BERLIN, time(7, 30), after=date(2025, 6, 1))

    assert due == Due(date(2025, 6, 2), datetime(2025, 6, 2, 5, 30, tzinfo=UTC))


def test_catch_up_window_closed_moves_to_next_day() -> None:
    now = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)

    due = next_due(now - timedelta(hours=2), BERLIN, time(7, 30), after=date(2025, 6, 1))

    assert due.local_date == date(2025, 6, 3)


def test_day_a_zone_skipped_entirely_gets_no_send() -> None:
    apia = ZoneInfo("Pacific/Apia")
    start = datetime(2011, 12, 29, 12, 0, tzinfo=apia)

    due = next_due(start, apia, time(7, 30), after=date(2011, 12, 29))

    assert due.local_date == date(2011, 12, 31)
    assert wall(due.at, apia) == datetime(2011, 12, 31, 7, 30)


def test_gap_crossing_midnight_skips_that_day() -> None:
    # Nuuk springs from 23:00 to 00:00, so 23:30 does not exist on that day.
    nuuk = ZoneInfo("America/Nuuk")
    start = datetime(2025, 3, 29, 12, 0, tzinfo=nuuk)

    due = next_due(start, nuuk, time(23, 30))

    assert due.local_date == date(2025, 3, 30)


def test_naive_not_before_is_rejected() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        next_due(datetime(2025, 6, 2, 9, 0), BERLIN, time(7, 30))


def test_local_today_follows_the_zone_not_utc() -> None:
    now = datetime(2025, 6, 2, 23, 30, tzinfo=UTC)

    assert local_today(now, ZoneInfo("Asia/Tokyo")) == date(2025, 6, 3)
    assert local_today(now, ZoneInfo("America/New_York")) == date(2025, 6, 2)


def test_a_year_of_daily_sends_in_berlin_has_one_per_day() -> None:
    start = datetime(2025, 1, 1, tzinfo=UTC)

    dues = list(chain(start, BERLIN, time(2, 30), 364))

    assert [due.local_date for due in dues] == [date(2025, 1, 1) + n * ONE_DAY for n in range(365)]
    assert_one_per_local_day(dues, BERLIN, time(2, 30))


@pytest.mark.parametrize("name", ALL_ZONES)
def test_every_zone_has_a_send_on_every_day_of_2024_to_2027(name: str) -> None:
    tz = ZoneInfo(name)
    start = datetime(2023, 12, 31, 12, 0, tzinfo=UTC)

    dues = list(chain(start, tz, time(2, 30), 4 * 366))

    dates = [due.local_date for due in dues]
    assert dates == [dates[0] + n * ONE_DAY for n in range(len(dates))]
    assert all(earlier.at < later.at for earlier, later in pairwise(dues))
    assert all(due.at.astimezone(tz).date() == due.local_date for due in dues)


@pytest.mark.parametrize("name", ALL_ZONES)
def test_every_zone_sends_once_per_local_day_across_its_transitions(name: str) -> None:
    tz = ZoneInfo(name)
    starts = transition_days(name) or (date(2025, 1, 1),)
    for send_time in SEND_TIMES:
        for day in starts:
            start = datetime.combine(day - 3 * ONE_DAY, time(0), tzinfo=UTC)
            dues = list(chain(start, tz, send_time, 6))
            assert_one_per_local_day(dues, tz, send_time)


zone_names = st.sampled_from(ALL_ZONES)
instants = st.datetimes(
    min_value=datetime(1975, 1, 1), max_value=datetime(2036, 12, 31), timezones=st.just(UTC)
)
send_times = st.times()


@settings(deadline=None)
@given(name=zone_names, day=st.dates(date(1975, 1, 1), date(2036, 12, 31)), send_time=send_times)
def test_resolve_local_picks_first_occurrence_or_end_of_gap(
    name: str, day: date, send_time: time
) -> None:
    tz = ZoneInfo(name)

    assert_resolved_correctly(day, send_time, tz, resolve_local(day, send_time, tz))


@settings(deadline=None)
@given(name=zone_names, start=instants, send_time=send_times)
def test_chained_sends_are_one_per_local_day_from_any_start(
    name: str, start: datetime, send_time: time
) -> None:
    tz = ZoneInfo(name)

    assert_one_per_local_day(list(chain(start, tz, send_time, 4)), tz, send_time)


@settings(deadline=None)
@given(name=zone_names, not_before=instants, send_time=send_times, after_days=st.integers(-3, 3))
def test_next_due_is_the_earliest_qualifying_day(
    name: str, not_before: datetime, send_time: time, after_days: int
) -> None:
    tz = ZoneInfo(name)
    after = local_today(not_before, tz) + after_days * ONE_DAY

    due = next_due(not_before, tz, send_time, after=after)

    assert due.at >= not_before
    assert due.local_date > after
    assert due.at.astimezone(tz).date() == due.local_date
    earlier = due.local_date - ONE_DAY
    while earlier > after and earlier >= due.local_date - 4 * ONE_DAY:
        at = resolve_local(earlier, send_time, tz)
        assert at < not_before or at.astimezone(tz).date() != earlier
        earlier -= ONE_DAY
