"""An announcement file is checked as Telegram would check it, before anything is recorded."""

from __future__ import annotations

from pathlib import Path

import pytest

from nudgebot.cli.announcement import AnnouncementError, read_announcement


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "news.html"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_valid_file_gives_its_text_without_surrounding_blank_lines(tmp_path: Path) -> None:
    path = write(tmp_path, "\n<b>New:</b> /progress shows your week &amp; more.\n\n")
    assert read_announcement(path) == "<b>New:</b> /progress shows your week &amp; more."


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("   \n\n", "empty"),
        ("<blink>hi</blink>", "<blink> is not allowed"),
        ("fish & chips", "unescaped '&'"),
        ("<b>bold", "never closed"),
        ("x" * 4097, "Telegram allows 4096"),
    ],
)
def test_a_file_telegram_would_refuse_is_refused_with_the_reason(
    tmp_path: Path, text: str, reason: str
) -> None:
    with pytest.raises(AnnouncementError, match=reason):
        read_announcement(write(tmp_path, text))


def test_the_limit_counts_what_the_reader_sees_not_the_tags(tmp_path: Path) -> None:
    text = "<b>" + "x" * 4096 + "</b>"
    assert read_announcement(write(tmp_path, text)) == text


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(AnnouncementError, match="does not exist"):
        read_announcement(tmp_path / "nope.html")


def test_a_file_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "news.html"
    path.write_bytes(b"caf\xe9")
    with pytest.raises(AnnouncementError, match="UTF-8"):
        read_announcement(path)
