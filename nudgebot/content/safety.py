"""Crisis resources from content/safety.yaml: parsed, validated, chosen by country."""

from __future__ import annotations

import html
import re
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

SAFETY_FILE = "safety.yaml"
RESOURCES_PLACEHOLDER = "resources"
_COUNTRY = re.compile(r"[A-Z]{2}")
_MAX_FIELD = 200

Report = Callable[[str, str], None]


@dataclass(frozen=True, slots=True)
class Resource:
    """One place to get help: who, and how to reach them (plain text)."""

    name: str
    contact: str


@dataclass(frozen=True, slots=True)
class SafetyContent:
    """The crisis reply and the resources for each country, with a default for everyone else."""

    reply: str
    default: tuple[Resource, ...]
    countries: Mapping[str, tuple[Resource, ...]]

    def resources_for(self, country: str | None) -> tuple[Resource, ...]:
        if country is not None and country in self.countries:
            return self.countries[country]
        return self.default

    def render(self, country: str | None) -> str:
        lines = [
            f"• <b>{html.escape(r.name, quote=False)}</b>: {html.escape(r.contact, quote=False)}"
            for r in self.resources_for(country)
        ]
        return self.reply.replace("{" + RESOURCES_PLACEHOLDER + "}", "\n".join(lines))


EMPTY_SAFETY = SafetyContent(reply="", default=(), countries=MappingProxyType({}))


def _resources(value: object, item: str, report: Report) -> tuple[Resource, ...]:
    if not isinstance(value, list) or not value:
        report(item, "must be a non-empty list of {name, contact}")
        return ()
    resources: list[Resource] = []
    for index, entry in enumerate(value, start=1):
        where = f"{item} #{index}"
        if not isinstance(entry, dict) or set(entry) != {"name", "contact"}:
            report(where, "must have exactly a name and a contact")
            continue
        name, contact = entry["name"], entry["contact"]
        if not all(isinstance(v, str) and v.strip() for v in (name, contact)):
            report(where, "name and contact must be non-empty text")
            continue
        if len(name) > _MAX_FIELD or len(contact) > _MAX_FIELD:
            report(where, f"name and contact must be at most {_MAX_FIELD} characters")
            continue
        resources.append(Resource(name.strip(), contact.strip()))
    return tuple(resources)


def _reply(value: object, report: Report) -> str:
    if not isinstance(value, str) or not value.strip():
        report("reply", "is missing or empty")
        return ""
    try:
        fields = [f for _, f, _, _ in string.Formatter().parse(value) if f is not None]
    except ValueError as exc:
        report("reply", f"broken braces ({exc})")
        return ""
    if fields != [RESOURCES_PLACEHOLDER]:
        report("reply", "must contain {resources} exactly once and no other placeholder")
        return ""
    return value.strip()


def parse_safety(data: object, report: Report) -> SafetyContent:
    """Build SafetyContent from the YAML data, reporting every problem as (item, reason)."""
    if not isinstance(data, dict):
        report("", "must be a mapping with reply, default and countries")
        return EMPTY_SAFETY
    unknown = set(data) - {"reply", "default", "countries"}
    if unknown:
        report("", f"unknown keys: {', '.join(sorted(map(str, unknown)))}")
    reply = _reply(data.get("reply"), report)
    default = _resources(data.get("default"), "default", report)
    countries: dict[str, tuple[Resource, ...]] = {}
    raw_countries = data.get("countries", {})
    if not isinstance(raw_countries, dict):
        report("countries", "must map two-letter country codes to resource lists")
        raw_countries = {}
    for code, value in raw_countries.items():
        if not isinstance(code, str) or not _COUNTRY.fullmatch(code):
            report(f"country {code}", "must be an ISO 3166 two-letter code in capitals, like DE")
            continue
        resources = _resources(value, f"country {code}", report)
        if resources:
            countries[code] = resources
    return SafetyContent(reply, default, MappingProxyType(countries))
