"""Turning what people type for a time zone ('berlin', 'new york', 'UTC+2') into an IANA name."""

import difflib
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping
from functools import cache
from typing import NamedTuple
from zoneinfo import available_timezones

_MAX_SUGGESTIONS = 5
_GEOGRAPHIC_AREAS = frozenset(
    {
        "Africa",
        "America",
        "Antarctica",
        "Arctic",
        "Asia",
        "Atlantic",
        "Australia",
        "Europe",
        "Indian",
        "Pacific",
    }
)
# Names that are not places: the server's own zone, or tzdata's placeholder.
_NOT_PLACES = frozenset({"localtime", "Factory", "posixrules"})
_COMMON = (
    "Europe/London",
    "Europe/Berlin",
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "Asia/Kolkata",
    "Asia/Tokyo",
    "Australia/Sydney",
)

# Places people name that are not IANA zone names, old spellings, and one-zone countries.
_ALIASES: Mapping[str, str] = {
    "nyc": "America/New_York",
    "ny": "America/New_York",
    "new york city": "America/New_York",
    "boston": "America/New_York",
    "washington": "America/New_York",
    "washington dc": "America/New_York",
    "dc": "America/New_York",
    "philadelphia": "America/New_York",
    "atlanta": "America/New_York",
    "miami": "America/New_York",
    "orlando": "America/New_York",
    "pittsburgh": "America/New_York",
    "montreal": "America/Toronto",
    "ottawa": "America/Toronto",
    "houston": "America/Chicago",
    "dallas": "America/Chicago",
    "austin": "America/Chicago",
    "san antonio": "America/Chicago",
    "minneapolis": "America/Chicago",
    "new orleans": "America/Chicago",
    "salt lake city": "America/Denver",
    "san francisco": "America/Los_Angeles",
    "sf": "America/Los_Angeles",
    "san diego": "America/Los_Angeles",
    "san jose": "America/Los_Angeles",
    "seattle": "America/Los_Angeles",
    "portland": "America/Los_Angeles",
    "las vegas": "America/Los_Angeles",
    "rio": "America/Sao_Paulo",
    "rio de janeiro": "America/Sao_Paulo",
    "mumbai": "Asia/Kolkata",
    "bombay": "Asia/Kolkata",
    "delhi": "Asia/Kolkata",
    "new delhi": "Asia/Kolkata",
    "bangalore": "Asia/Kolkata",
    "bengaluru": "Asia/Kolkata",
    "chennai": "Asia/Kolkata",
    "calcutta": "Asia/Kolkata",
    "pune": "Asia/Kolkata",
    "beijing": "Asia/Shanghai",
    "peking": "Asia/Shanghai",
    "shenzhen": "Asia/Shanghai",
    "guangzhou": "Asia/Shanghai",
    "osaka": "Asia/Tokyo",
    "kyoto": "Asia/Tokyo",
    "saigon": "Asia/Ho_Chi_Minh",
    "ho chi minh city": "Asia/Ho_Chi_Minh",
    "hanoi": "Asia/Ho_Chi_Minh",
    "rangoon": "Asia/Yangon",
    "katmandu": "Asia/Kathmandu",
    "abu dhabi": "Asia/Dubai",
    "tel aviv": "Asia/Jerusalem",
    "nicosia": "Asia/Nicosia",
    "istanbul": "Europe/Istanbul",
    "kiev": "Europe/Kyiv",
    "munich": "Europe/Berlin",
    "frankfurt": "Europe/Berlin",
    "hamburg": "Europe/Berlin",
    "cologne": "Europe/Berlin",
    "barcelona": "Europe/Madrid",
    "seville": "Europe/Madrid",
    "valencia": "Europe/Madrid",
    "milan": "Europe/Rome",
    "florence": "Europe/Rome",
    "naples": "Europe/Rome",
    "venice": "Europe/Rome",
    "turin": "Europe/Rome",
    "lyon": "Europe/Paris",
    "marseille": "Europe/Paris",
    "nice": "Europe/Paris",
    "manchester": "Europe/London",
    "birmingham": "Europe/London",
    "edinburgh": "Europe/London",
    "glasgow": "Europe/London",
    "geneva": "Europe/Zurich",
    "bern": "Europe/Zurich",
    "basel": "Europe/Zurich",
    "rotterdam": "Europe/Amsterdam",
    "antwerp": "Europe/Brussels",
    "porto": "Europe/Lisbon",
    "krakow": "Europe/Warsaw",
    "st petersburg": "Europe/Moscow",
    "saint petersburg": "Europe/Moscow",
    "cape town": "Africa/Johannesburg",
    "canberra": "Australia/Sydney",
    "wellington": "Pacific/Auckland",
    "india": "Asia/Kolkata",
    "germany": "Europe/Berlin",
    "france": "Europe/Paris",
    "italy": "Europe/Rome",
    "uk": "Europe/London",
    "united kingdom": "Europe/London",
    "england": "Europe/London",
    "ireland": "Europe/Dublin",
    "netherlands": "Europe/Amsterdam",
    "japan": "Asia/Tokyo",
    "china": "Asia/Shanghai",
    "korea": "Asia/Seoul",
    "south korea": "Asia/Seoul",
    "singapore": "Asia/Singapore",
    "new zealand": "Pacific/Auckland",
    "nz": "Pacific/Auckland",
    # Legacy one-word IANA links, so typing the country gives the canonical zone.
    "cuba": "America/Havana",
    "egypt": "Africa/Cairo",
    "eire": "Europe/Dublin",
    "gb": "Europe/London",
    "hongkong": "Asia/Hong_Kong",
    "iceland": "Atlantic/Reykjavik",
    "iran": "Asia/Tehran",
    "israel": "Asia/Jerusalem",
    "jamaica": "America/Jamaica",
    "libya": "Africa/Tripoli",
    "poland": "Europe/Warsaw",
    "portugal": "Europe/Lisbon",
    "prc": "Asia/Shanghai",
    "roc": "Asia/Taipei",
    "rok": "Asia/Seoul",
    "turkey": "Europe/Istanbul",
}

_US = (
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Phoenix",
)
# Names that cover several zones: the answer is a choice, most populous first.
_MULTI: Mapping[str, tuple[str, ...]] = {
    "usa": _US,
    "us": _US,
    "united states": _US,
    "canada": (
        "America/Toronto",
        "America/Vancouver",
        "America/Edmonton",
        "America/Winnipeg",
        "America/Halifax",
    ),
    "australia": (
        "Australia/Sydney",
        "Australia/Melbourne",
        "Australia/Brisbane",
        "Australia/Perth",
        "Australia/Adelaide",
    ),
    "brazil": (
        "America/Sao_Paulo",
        "America/Manaus",
        "America/Fortaleza",
        "America/Recife",
        "America/Belem",
    ),
    "russia": (
        "Europe/Moscow",
        "Asia/Yekaterinburg",
        "Asia/Novosibirsk",
        "Asia/Krasnoyarsk",
        "Asia/Vladivostok",
    ),
    "europe": (
        "Europe/London",
        "Europe/Berlin",
        "Europe/Paris",
        "Europe/Madrid",
        "Europe/Rome",
    ),
    "mexico": (
        "America/Mexico_City",
        "America/Monterrey",
        "America/Cancun",
        "America/Tijuana",
        "America/Chihuahua",
    ),
}

# Offsets that are not whole hours cannot be Etc/GMT zones; these are the places that use them.
_PART_HOUR_OFFSETS: Mapping[tuple[int, int], tuple[str, ...]] = {
    (-9, 30): ("Pacific/Marquesas",),
    (-3, 30): ("America/St_Johns",),
    (3, 30): ("Asia/Tehran",),
    (4, 30): ("Asia/Kabul",),
    (5, 30): ("Asia/Kolkata", "Asia/Colombo"),
    (5, 45): ("Asia/Kathmandu",),
    (6, 30): ("Asia/Yangon", "Indian/Cocos"),
    (8, 45): ("Australia/Eucla",),
    (9, 30): ("Australia/Adelaide", "Australia/Darwin"),
    (10, 30): ("Australia/Lord_Howe",),
    (12, 45): ("Pacific/Chatham",),
}

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
    zones = available_timezones() - _NOT_PLACES
    exact = {name.casefold(): name for name in zones}
    by_place: defaultdict[str, list[str]] = defaultdict(list)
    by_region: defaultdict[str, list[str]] = defaultdict(list)
    for name in sorted(zones):
        parts = name.split("/")
        if parts[0] not in _GEOGRAPHIC_AREAS or len(parts) < 2:
            continue
        by_place[_fold(parts[-1])].append(name)
        for region in parts[1:-1]:
            by_region[_fold(region)].append(name)
    places = {key: _preferred(names) for key, names in by_place.items()}
    places.update({key: zone for key, zone in _ALIASES.items() if zone in zones})
    regions = {key: tuple(names) for key, names in by_region.items()}
    regions.update({key: names for key, names in _MULTI.items() if key not in regions})
    return _Index(exact, places, regions)


def _from_offset(text: str) -> ZoneLookup | None:
    found = _OFFSET.fullmatch(text)
    if found is None:
        return None
    hours = int(found["hours"])
    minutes = int(found["minutes"] or 0)
    sign = 1 if found["sign"] == "+" else -1
    if minutes:
        return ZoneLookup(None, _PART_HOUR_OFFSETS.get((sign * hours, minutes), ()))
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
        return ZoneLookup(None, _COMMON[:_MAX_SUGGESTIONS])
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
    return _COMMON
