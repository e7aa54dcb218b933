"""`nudgebot preview` run as a real process: offline, no token, no database."""

from __future__ import annotations

import re
from pathlib import Path

from tests.e2e.test_cli import run

ROW = re.compile(
    r"^\s*(\d+)\s+\w{3} (\S+ \d\d:\d\d) (UTC[+-]\d\d:\d\d)\s+\w{3} (\S+ \d\d:\d\d)\s+(\S+):"
)


def rows(stdout: str) -> list[tuple[int, str, str, str, str]]:
    """(number, local date and time, offset, UTC date and time, tip id) for each tip line."""
    found = []
    for line in stdout.splitlines():
        match = ROW.match(line)
        if match:
            number, local, offset, utc, tip_id = match.groups()
            found.append((int(number), local, offset, utc, tip_id))
    return found


def preview(*args: str, cwd: Path) -> tuple[int, str, str]:
    result = run("preview", *args, cwd=cwd)  # run() drops every TELEGRAM_ and NUDGEBOT_ variable
    return result.returncode, result.stdout, result.stderr


def test_the_berlin_dst_week_keeps_local_time_and_moves_utc(tmp_path: Path) -> None:
    code, out, err = preview(
        "--days",
        "9",
        "--timezone",
        "Europe/Berlin",
        "--time",
        "07:30",
        "--start",
        "2026-03-23",
        cwd=tmp_path,
    )
    assert code == 0, err
    found = rows(out)
    assert [row[1] for row in found] == [f"2026-03-{day} 07:30" for day in range(23, 32)]
    # Sunday 29 March 2026, the last Sunday of March: CET (UTC+1) becomes CEST (UTC+2).
    assert found[5][2:4] == ("UTC+01:00", "2026-03-28 06:30")
    assert found[6][2:4] == ("UTC+02:00", "2026-03-29 05:30")
    lines = out.splitlines()
    change = next(i for i, line in enumerate(lines) if "clocks change" in line)
    assert "UTC+01:00 (CET) -> UTC+02:00 (CEST)" in lines[change]
    assert lines[change + 1].lstrip().startswith("7 ")
    assert not list(tmp_path.iterdir())  # offline: no database file appeared


def test_a_time_in_the_spring_forward_gap_goes_out_at_the_first_valid_minute(
    tmp_path: Path,
) -> None:
    code, out, err = preview(
        "--days",
        "3",
        "--timezone",
        "Europe/Berlin",
        "--time",
        "02:30",
        "--start",
        "2026-03-28",
        cwd=tmp_path,
    )
    assert code == 0, err
    assert [row[1] for row in rows(out)] == [
        "2026-03-28 02:30",
        "2026-03-29 03:00",
        "2026-03-30 02:30",
    ]
    assert "02:30 does not exist on 2026-03-29" in out


def test_a_time_that_happens_twice_in_autumn_is_sent_once_at_the_first(tmp_path: Path) -> None:
    code, out, err = preview(
        "--days",
        "2",
        "--timezone",
        "Europe/Berlin",
        "--time",
        "02:30",
        "--start",
        "2026-10-25",
        cwd=tmp_path,
    )
    assert code == 0, err
    assert rows(out)[0][1:3] == ("2026-10-25 02:30", "UTC+02:00")
    assert "02:30 happens twice on 2026-10-25" in out


def test_fourteen_days_by_default_and_the_rotation_starts_again_after_all_twelve(
    tmp_path: Path,
) -> None:
    code, out, err = preview("--timezone", "UTC", "--start", "2026-01-01T10:00", cwd=tmp_path)
    assert code == 0, err
    found = rows(out)
    assert [row[0] for row in found] == list(range(1, 15))
    assert found[0][1] == "2026-01-02 09:00"  # 09:00 had passed on the day they joined
    tip_ids = [row[4] for row in found]
    assert len(set(tip_ids[:12])) == 12
    assert tip_ids[12:] == tip_ids[:2]


def test_full_prints_each_tips_text_as_the_subscriber_reads_it(tmp_path: Path) -> None:
    code, out, err = preview("--days", "1", "--start", "2026-01-01", "--full", cwd=tmp_path)
    assert code == 0, err
    assert "💡 Try this:" in out
    assert "<b>" not in out


def test_an_invalid_zone_is_one_clear_line_and_exit_code_2(tmp_path: Path) -> None:
    code, out, err = preview("--timezone", "Mars/Olympus", cwd=tmp_path)
    assert code == 2
    assert out == ""
    assert err.strip().count("\n") == 0
    assert "Mars/Olympus" in err
    assert "Europe/Berlin" in err
    assert "Traceback" not in err


def test_an_invalid_time_or_start_is_exit_code_2(tmp_path: Path) -> None:
    assert preview("--time", "25:99", cwd=tmp_path)[0] == 2
    assert preview("--start", "next week", cwd=tmp_path)[0] == 2
    assert preview("--days", "0", cwd=tmp_path)[0] == 2
