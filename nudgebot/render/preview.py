"""What a new subscriber would receive and when: the real schedule and rotation, no I/O."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from nudgebot.content.model import Content, Tip
from nudgebot.content.telegram_html import visible_text
from nudgebot.domain.rotation import pick_next
from nudgebot.domain.schedule import next_due

_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True, slots=True)
class PreviewDay:
    """One daily tip as the engine would send it."""

    number: int
    local_date: date
    at: datetime  # UTC
    tip: Tip
    shifted: bool  # the chosen time does not exist that day (spring forward): sent later
    repeated: bool  # the chosen time happens twice that day (fall back): sent at the first


def preview_days(
    content: Content, zone: ZoneInfo, send_time: time, start: datetime, days: int
) -> list[PreviewDay]:
    """The first `days` tips a subscriber joining at `start` gets, as the delivery engine does it.

    Subscribing schedules next_due(start); each delivery advances with next_due(at, after=day),
    and the rotation picks the tip, exactly as the ledger does when it claims a tip.
    """
    if days < 1:
        raise ValueError("days must be at least 1")
    result: list[PreviewDay] = []
    seen: tuple[str, ...] = ()
    due = next_due(start, zone, send_time)
    for number in range(1, days + 1):
        tip_id, seen = pick_next(content.tip_ids, seen)
        wall = due.at.astimezone(zone)
        result.append(
            PreviewDay(
                number=number,
                local_date=due.local_date,
                at=due.at,
                tip=content.tip(tip_id),
                shifted=wall.time().replace(tzinfo=None) != send_time.replace(tzinfo=None),
                repeated=_happens_twice(due.local_date, send_time, zone),
            )
        )
        due = next_due(due.at, zone, send_time, after=due.local_date)
    return result


def _happens_twice(day: date, send_time: time, zone: ZoneInfo) -> bool:
    wall = datetime.combine(day, send_time.replace(tzinfo=None))
    first = wall.replace(tzinfo=zone, fold=0).utcoffset()
    second = wall.replace(tzinfo=zone, fold=1).utcoffset()
    # In a gap fold=1 gives the earlier offset; only an overlap has the later one smaller.
    return first is not None and second is not None and second < first


def _offset(moment: datetime) -> str:
    offset = moment.utcoffset() or timedelta()
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{rest:02d}"


def _stamp(moment: datetime) -> str:
    return f"{_WEEKDAYS[moment.weekday()]} {moment:%Y-%m-%d %H:%M}"


def render_preview(
    content: Content,
    plan: list[PreviewDay],
    *,
    zone: ZoneInfo,
    send_time: time,
    start: datetime,
    full: bool = False,
) -> Iterator[str]:
    """Lines for the terminal: local and UTC times, the tip, and every DST change on the way."""
    yield (
        f"Daily tip at {send_time:%H:%M} in {zone.key}, language {content.language}, "
        f"subscribing at {_stamp(start.astimezone(zone))} {_offset(start.astimezone(zone))}"
    )
    yield ""
    yield f"{'#':>3}  {'local time':<31} {'UTC':<21} tip"
    previous = start.astimezone(zone)
    for day in plan:
        local = day.at.astimezone(zone)
        if local.utcoffset() != previous.utcoffset():
            yield (
                f"     -- clocks change: {_offset(previous)} ({previous.tzname()}) -> "
                f"{_offset(local)} ({local.tzname()}) before this tip"
            )
        if day.shifted:
            yield (
                f"     -- {send_time:%H:%M} does not exist on {day.local_date} (clocks spring "
                f"forward): sent at {local:%H:%M}, the first valid time after it"
            )
        if day.repeated:
            yield (
                f"     -- {send_time:%H:%M} happens twice on {day.local_date} (clocks fall "
                f"back): sent once, at the first"
            )
        local_text = f"{_stamp(local)} {_offset(local)}"
        utc_text = f"{_stamp(day.at.astimezone(UTC))}"
        yield f"{day.number:>3}  {local_text:<31} {utc_text:<21} {day.tip.id}: {day.tip.title}"
        if full:
            for line in visible_text(content.render_tip(day.tip)).splitlines():
                yield f"       {line}" if line else ""
            yield ""
        previous = local
