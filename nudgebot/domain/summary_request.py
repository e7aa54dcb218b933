"""Reading what follows /summary: on, off, a weekday, a time, or a weekday and a time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

from nudgebot.domain.timeparse import parse_send_time

# English and German names and their usual short forms; people type 'sun', 'Sunday',
# 'sundays', 'So.' is too short to be sure, 'Sonntag' or 'sonntags'. Each list is Monday first.
_WEEKDAYS = (
    ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"),
    ("montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonntag"),
)
_SATURDAY_DE = "sonnabend"
_MIN_PREFIX = 3
_ON = frozenset({"on", "an", "ein"})
_OFF = frozenset({"off", "aus"})


@dataclass(frozen=True, slots=True)
class SummaryRequest:
    """What the subscriber asked for; None fields stay as they are."""

    enabled: bool | None = None
    weekday: int | None = None  # 0 = Monday
    at: time | None = None

    @property
    def is_query(self) -> bool:
        return self.enabled is None and self.weekday is None and self.at is None


def parse_weekday(word: str) -> int | None:
    """Return 0..6 for a weekday name or a prefix of at least three letters, else None."""
    cleaned = word.strip().lower().rstrip(".,")
    # 'sundays', 'sonntags', 'mittwochs': the plural or adverb names the same day.
    for candidate in (cleaned, cleaned.removesuffix("s")):
        if len(candidate) < _MIN_PREFIX:
            continue
        if _SATURDAY_DE.startswith(candidate) and len(candidate) > len("sonn"):
            return 5
        for names in _WEEKDAYS:
            for index, name in enumerate(names):
                if name.startswith(candidate):
                    return index
    return None


def parse_summary_request(text: str) -> SummaryRequest | None:
    """Return the request typed after /summary, or None when it cannot be read."""
    words = text.strip().lower().split()
    if not words:
        return SummaryRequest()
    if len(words) == 1 and words[0] in _ON:
        return SummaryRequest(enabled=True)
    if len(words) == 1 and words[0] in _OFF:
        return SummaryRequest(enabled=False)
    weekday = parse_weekday(words[0])
    rest = " ".join(words[1:] if weekday is not None else words)
    at = parse_send_time(rest) if rest else None
    if rest and at is None:
        return None
    # Naming a day or a time is asking for the summary, so it also turns it on.
    return SummaryRequest(enabled=True, weekday=weekday, at=at)
