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


# The lines every crisis reply adds after `reply`, in this order (plain text with <b>/<i>, no
# placeholder): keeping safe, for someone worried about another person, getting them again.
LINES = ("keep_safe", "someone_else", "again")


@dataclass(frozen=True, slots=True)
class SafetyContent:
    """The crisis reply and the resources for each country, with a default for everyone else.

    `sos` opens the /sos answer (with {resources}); the LINES follow `reply` (and /sos).
    """

    reply: str
    default: tuple[Resource, ...]
    countries: Mapping[str, tuple[Resource, ...]]
    sos: str = ""
    keep_safe: str = ""
    someone_else: str = ""
    again: str = ""

    def resources_for(self, country: str | None) -> tuple[Resource, ...]:
        if country is not None and country in self.countries:
            return self.countries[country]
        return self.default

    def _with_resources(self, template: str, country: str | None) -> str:
        lines = [
            f"• <b>{html.escape(r.name, quote=False)}</b>: {html.escape(r.contact, quote=False)}"
            for r in self.resources_for(country)
        ]
        return template.replace("{" + RESOURCES_PLACEHOLDER + "}", "\n".join(lines))

    def render(self, country: str | None) -> str:
        """The crisis reply: care, the lines for country, keeping safe, others, /sos."""
        parts = (self.reply, self.keep_safe, self.someone_else, self.again)
        return self._with_resources("\n\n".join(p for p in parts if p), country)

    def render_sos(self, country: str | None) -> str:
        """/sos: the lines for country with keeping safe and the note for others; no check."""
        parts = (self.sos, self.keep_safe, self.someone_else)
        return self._with_resources("\n\n".join(p for p in parts if p), country)


EMPTY_SAFETY = SafetyContent(reply="", default=(), countries=MappingProxyType({}))
_KEYS = frozenset({"reply", "sos", *LINES, "default", "countries"})


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


def _template(value: object, key: str, report: Report, *, resources: bool) -> str:
    """A text of the reply; with resources, it must hold {resources} once, else none at all."""
    if not isinstance(value, str) or not value.strip():
        report(key, "is missing or empty")
        return ""
    try:
        fields = [f for _, f, _, _ in string.Formatter().parse(value) if f is not None]
    except ValueError as exc:
        report(key, f"broken braces ({exc})")
        return ""
    if resources and fields != [RESOURCES_PLACEHOLDER]:
        report(key, "must contain {resources} exactly once and no other placeholder")
        return ""
    if not resources and fields:
        report(key, "must not contain a placeholder (braces)")
        return ""
    return value.strip()


def parse_safety(data: object, report: Report) -> SafetyContent:
    """Build SafetyContent from the YAML data, reporting every problem as (item, reason)."""
    if not isinstance(data, dict):
        report("", f"must be a mapping with {', '.join(sorted(_KEYS))}")
        return EMPTY_SAFETY
    unknown = set(data) - _KEYS
    if unknown:
        report("", f"unknown keys: {', '.join(sorted(map(str, unknown)))}")
    reply = _template(data.get("reply"), "reply", report, resources=True)
    sos = _template(data.get("sos"), "sos", report, resources=True)
    lines = {key: _template(data.get(key), key, report, resources=False) for key in LINES}
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
    return SafetyContent(reply, default, MappingProxyType(countries), sos, **lines)
