"""Turning what people type for a time zone ('berlin', 'new york', 'UTC+2') into an IANA name."""

import difflib
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping
from functools import cache
from typing import NamedTuple
from zoneinfo import available_timezones

from nudgebot.domain.zone_names import (
    ALIASES,
    COMMON,
    GEOGRAPHIC_AREAS,
    MULTI,
    NOT_PLACES,
    PART_HOUR_OFFSETS,
)

_MAX_SUGGESTIONS = 5
_OFFSET = re.compile(
    r"(?:utc|gmt)?\s*(?P<sign>[+-])\s*(?P<hours>[0-9]{1,2})(?::?(?P<minutes>[0-9]{2}))?"
)


class ZoneLookup(NamedTuple):
    """The zone the text names, or up to five suggestions when it names none or several."""

    zone: str | None
    suggestions: tuple[str, ...]


class _Index(NamedTuple):
    exact: Mapping[str, str]
    places: Mapping[str, str]
    regions: Mapping[str, tuple[str, ...]]


def _fold(text: str) -> str:
    """Lower-case, strip accents and punctuation, and make '_', '-' and runs of spaces one space."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    plain = re.sub(r"['’]", "", plain)
    return " ".join(re.sub(r"[^\w]|_", " ", plain).split())


def _preferred(names: Iterable[str]) -> str:
    # Duplicate place names are old links beside their canonical zone, which has the longer path
    # (America/Buenos_Aires beside America/Argentina/Buenos_Aires).
    return max(names, key=lambda name: (name.count("/"), name))


@cache
def _index() -> _Index:
    zones = available_timezones() - NOT_PLACES
    exact = {name.casefold(): name for name in zones}
    by_place: defaultdict[str, list[str]] = defaultdict(list)
    by_region: defaultdict[str, list[str]] = defaultdict(list)
    for name in sorted(zones):
        parts = name.split("/")
        if parts[0] not in GEOGRAPHIC_AREAS or len(parts) < 2:
            continue
        by_place[_fold(parts[-1])].append(name)
        for region in parts[1:-1]:
            by_region[_fold(region)].append(name)
    places = {key: _preferred(names) for key, names in by_place.items()}
    places.update({key: zone for key, zone in ALIASES.items() if zone in zones})
    regions = {key: tuple(names) for key, names in by_region.items()}
    regions.update({key: names for key, names in MULTI.items() if key not in regions})
    return _Index(exact, places, regions)


def _from_offset(text: str) -> ZoneLookup | None:
    found = _OFFSET.fullmatch(text)
    if found is None:
        return None
    hours = int(found["hours"])
    minutes = int(found["minutes"] or 0)
    sign = 1 if found["sign"] == "+" else -1
    if minutes:
        return ZoneLookup(None, PART_HOUR_OFFSETS.get((sign * hours, minutes), ()))
    if hours == 0:
        return ZoneLookup("UTC", ())
    if not (-12 <= sign * hours <= 14):
        return ZoneLookup(None, ())
    # POSIX sign convention: Etc/GMT-2 is two hours *ahead* of UTC.
    return ZoneLookup(f"Etc/GMT{'-' if sign > 0 else '+'}{hours}", ())


def _suggest(key: str, index: _Index) -> tuple[str, ...]:
    # What the text starts comes first (people type the beginning of a name), then look-alikes.
    starting = (
        sorted((place for place in index.places if place.startswith(key)), key=len)
        if len(key) >= 3
        else []
    )
    close = difflib.get_close_matches(key, index.places, n=_MAX_SUGGESTIONS, cutoff=0.75)
    found = dict.fromkeys(index.places[place] for place in [*starting, *close])
    return tuple(found)[:_MAX_SUGGESTIONS]


def resolve_timezone(text: str) -> ZoneLookup:
    """Return the IANA zone `text` names, or suggestions when it is unknown or ambiguous."""
    index = _index()
    typed = " ".join(text.split())
    if not typed:
        return ZoneLookup(None, COMMON[:_MAX_SUGGESTIONS])
    key = _fold(typed.rsplit("/", 1)[-1])
    # A bare place name means the place, even where a legacy link is spelled the same ('Japan').
    if "/" not in typed and key in index.places:
        return ZoneLookup(index.places[key], ())
    exact = index.exact.get(typed.replace(" ", "_").casefold())
    if exact is not None:
        return ZoneLookup(exact, ())
    offset = _from_offset(typed.casefold())
    if offset is not None:
        return offset
    if key in index.places:
        return ZoneLookup(index.places[key], ())
    if key in index.regions:
        return ZoneLookup(None, index.regions[key][:_MAX_SUGGESTIONS])
    return ZoneLookup(None, _suggest(key, index))


def common_timezones() -> tuple[str, ...]:
    """Return a few widely used zones, for quick-pick buttons."""
    return COMMON
