"""Which country an IANA time zone belongs to, read once from the system's zone tables."""

from __future__ import annotations

import logging
import zoneinfo
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import MappingProxyType

log = logging.getLogger(__name__)

# zone.tab names one country per zone; zone1970.tab may list several (the first is the most
# populous), so it only fills zones zone.tab does not know.
TABLES = ("zone.tab", "zone1970.tab")


def parse_zone_table(text: str, into: dict[str, str]) -> None:
    """Add 'zone -> country' from one zone table's text; zones already known are kept."""
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        columns = line.split("\t")
        if len(columns) < 3:
            continue
        country = columns[0].split(",")[0].strip()
        into.setdefault(columns[2].strip(), country)


def load_zone_countries(directories: Iterable[str | Path] | None = None) -> Mapping[str, str]:
    """Zone to country code; empty (so everyone gets the default resources) if no table exists."""
    found: dict[str, str] = {}
    for directory in directories if directories is not None else zoneinfo.TZPATH:
        for table in TABLES:
            try:
                parse_zone_table((Path(directory) / table).read_text(encoding="utf-8"), found)
            except OSError:
                continue
    if not found:
        log.warning("no zone.tab found; crisis resources will use the default list")
    return MappingProxyType(found)
