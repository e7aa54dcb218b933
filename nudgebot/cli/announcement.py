"""Reads an announcement file for `nudgebot broadcast` and checks it as Telegram would."""

from __future__ import annotations

from pathlib import Path

from nudgebot.content.telegram_html import (
    MAX_MESSAGE_LENGTH,
    telegram_html_problems,
    telegram_length,
)


class AnnouncementError(Exception):
    """Why the file cannot be broadcast, in one line."""


def read_announcement(path: Path) -> str:
    """The announcement's text (Telegram HTML, surrounding blank space removed)."""
    try:
        text = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        raise AnnouncementError(f"{path} does not exist") from None
    except UnicodeDecodeError:
        raise AnnouncementError(f"{path} is not UTF-8 text") from None
    except OSError as error:
        raise AnnouncementError(f"{path} cannot be read ({error.strerror})") from None
    if not text:
        raise AnnouncementError(f"{path} is empty; write the announcement in it first")
    problems = telegram_html_problems(text)
    length = telegram_length(text)
    if length > MAX_MESSAGE_LENGTH:
        problems.append(f"it is {length} characters long; Telegram allows {MAX_MESSAGE_LENGTH}")
    if problems:
        raise AnnouncementError(f"{path} cannot be sent as it is: {'; '.join(problems)}")
    return text
