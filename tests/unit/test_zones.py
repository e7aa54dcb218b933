"""Time zones as people type them: cities, IANA names, UTC offsets, typos."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, available_timezones

import pytest

from nudgebot.domain.zone_names import ALIASES, MULTI
from nudgebot.domain.zones import ZoneLookup, common_timezones, resolve_timezone


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        ("Europe/Berlin", "Europe/Berlin"),
        ("europe/berlin", "Europe/Berlin"),
        ("America/New York", "America/New_York"),
        ("US/Eastern", "US/Eastern"),
        ("Etc/GMT+5", "Etc/GMT+5"),
        ("UTC", "UTC"),
        ("utc", "UTC"),
        ("GMT", "GMT"),
    ],
)
def test_iana_names_resolve_case_insensitively(text: str, zone: str) -> None:
    assert resolve_timezone(text) == ZoneLookup(zone, ())


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        ("berlin", "Europe/Berlin"),
        ("Berlin", "Europe/Berlin"),
        (" new   york ", "America/New_York"),
        ("New_York", "America/New_York"),
        ("NYC", "America/New_York"),
        ("sao paulo", "America/Sao_Paulo"),
        ("São Paulo", "America/Sao_Paulo"),
        ("Zürich", "Europe/Zurich"),
        ("port au prince", "America/Port-au-Prince"),
        ("st. john's", "America/St_Johns"),
        ("buenos aires", "America/Argentina/Buenos_Aires"),
        ("indianapolis", "America/Indiana/Indianapolis"),
        ("istanbul", "Europe/Istanbul"),
    ],
)
def test_city_names_resolve_to_their_zone(text: str, zone: str) -> None:
    assert resolve_timezone(text).zone == zone


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        ("san francisco", "America/Los_Angeles"),
        ("seattle", "America/Los_Angeles"),
        ("boston", "America/New_York"),
        ("washington", "America/New_York"),
        ("miami", "America/New_York"),
        ("mumbai", "Asia/Kolkata"),
        ("delhi", "Asia/Kolkata"),
        ("bangalore", "Asia/Kolkata"),
        ("beijing", "Asia/Shanghai"),
        ("munich", "Europe/Berlin"),
        ("frankfurt", "Europe/Berlin"),
        ("barcelona", "Europe/Madrid"),
        ("milan", "Europe/Rome"),
        ("kiev", "Europe/Kyiv"),
        ("calcutta", "Asia/Kolkata"),
        ("japan", "Asia/Tokyo"),
        ("Singapore", "Asia/Singapore"),
        ("poland", "Europe/Warsaw"),
    ],
)
def test_big_cities_outside_iana_names_resolve_through_aliases(text: str, zone: str) -> None:
    assert resolve_timezone(text).zone == zone


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        ("utc+2", "Etc/GMT-2"),
        ("UTC-05:00", "Etc/GMT+5"),
        ("gmt +3", "Etc/GMT-3"),
        ("+14", "Etc/GMT-14"),
        ("UTC-12", "Etc/GMT+12"),
        ("utc+0", "UTC"),
    ],
)
def test_whole_hour_offsets_map_to_etc_zones_with_inverted_sign(text: str, zone: str) -> None:
    assert resolve_timezone(text) == ZoneLookup(zone, ())


def test_offset_zone_really_has_the_offset_typed() -> None:
    zone = resolve_timezone("UTC+3").zone

    assert zone is not None
    assert datetime(2025, 1, 1, tzinfo=ZoneInfo(zone)).utcoffset() == timedelta(hours=3)


def test_part_hour_offset_suggests_places_that_use_it() -> None:
    assert resolve_timezone("UTC+5:30") == ZoneLookup(None, ("Asia/Kolkata", "Asia/Colombo"))


def test_offset_beyond_any_zone_is_unknown() -> None:
    assert resolve_timezone("UTC+15") == ZoneLookup(None, ())


def test_typo_gets_close_suggestions() -> None:
    lookup = resolve_timezone("berln")

    assert lookup.zone is None
    assert "Europe/Berlin" in lookup.suggestions


def test_typo_in_full_name_gets_suggestions() -> None:
    assert "Europe/Berlin" in resolve_timezone("Europe/Berlinn").suggestions


def test_start_of_a_name_suggests_names_that_begin_with_it() -> None:
    assert resolve_timezone("los").suggestions[0] == "America/Los_Angeles"


def test_nonsense_gets_no_zone() -> None:
    assert resolve_timezone("xyzzy") == ZoneLookup(None, ())


def test_empty_text_suggests_common_zones() -> None:
    lookup = resolve_timezone("  ")

    assert lookup.zone is None
    assert lookup.suggestions == common_timezones()[:5]


@pytest.mark.parametrize("text", ["indiana", "argentina", "usa", "australia", "europe"])
def test_name_covering_several_zones_asks_to_choose(text: str) -> None:
    lookup = resolve_timezone(text)

    assert lookup.zone is None
    assert 2 <= len(lookup.suggestions) <= 5


def test_server_local_time_is_not_a_place() -> None:
    assert resolve_timezone("localtime").zone is None


def test_every_answer_is_a_real_zone() -> None:
    known = available_timezones()
    texts = ["new", "indiana", "usa", "utc+5:30", "berln", "los", "europe", "mumbai"]

    for text in texts:
        lookup = resolve_timezone(text)
        assert {lookup.zone, *lookup.suggestions} - {None} <= known


def test_common_timezones_are_real_zones() -> None:
    assert 5 <= len(common_timezones()) <= 10
    assert set(common_timezones()) <= available_timezones()


def test_every_alias_points_at_a_real_zone() -> None:
    known = available_timezones()
    targets = {*ALIASES.values()} | {zone for zones in MULTI.values() for zone in zones}

    assert targets <= known
