"""`nudgebot preview`: turns the operator's options into a printed schedule, offline."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

from nudgebot.cli.exit_codes import EXIT_OK, EXIT_USAGE
from nudgebot.clock import Clock
from nudgebot.content.loader import load_content
from nudgebot.domain.timeparse import parse_send_time
from nudgebot.domain.zones import resolve_timezone
from nudgebot.render.preview import preview_days, render_preview

MAX_DAYS = 366


class UsageError(Exception):
    """An option the operator gave cannot be used; the message says how to fix it."""


def _zone(text: str) -> ZoneInfo:
    lookup = resolve_timezone(text)
    if lookup.zone is None:
        hint = f" Did you mean: {', '.join(lookup.suggestions)}?" if lookup.suggestions else ""
        raise UsageError(
            f"--timezone {text!r} is not a time zone: use an IANA name such as Europe/Berlin.{hint}"
        )
    return ZoneInfo(lookup.zone)


def _send_time(text: str) -> time:
    parsed = parse_send_time(text)
    if parsed is None:
        raise UsageError(f"--time {text!r} is not a time: write it like 07:30 or 7pm")
    return parsed


def _start(text: str | None, zone: ZoneInfo, clock: Clock) -> datetime:
    if text is None:
        return clock.now()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        try:
            moment = datetime.combine(date.fromisoformat(text), time())
        except ValueError:
            raise UsageError(
                f"--start {text!r} is not a date: write 2026-03-23 or 2026-03-23T06:00"
            ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)  # a wall time in the subscriber's zone
    return moment.astimezone(UTC)


def run(args: argparse.Namespace, content_dir: Path, clock: Clock) -> int:
    """Print the preview; exit 2 on a bad option; broken content raises ContentError."""
    try:
        zone = _zone(args.timezone)
        send_time = _send_time(args.time)
        start = _start(args.start, zone, clock)
        if not 1 <= args.days <= MAX_DAYS:
            raise UsageError(f"--days must be from 1 to {MAX_DAYS}")
    except UsageError as error:
        sys.stderr.write(f"nudgebot: {error}\n")
        return EXIT_USAGE
    content = load_content(content_dir)  # broken content: one line from the command line's catch
    codes = [language.code for language in content.languages]
    if args.language not in codes:
        sys.stderr.write(f"nudgebot: --language must be one of {', '.join(codes)}\n")
        return EXIT_USAGE
    content = content.for_language(args.language)
    plan = preview_days(content, zone, send_time, start, args.days)
    for line in render_preview(
        content, plan, zone=zone, send_time=send_time, start=start, full=args.full
    ):
        sys.stdout.write(line + "\n")
    return EXIT_OK
