"""content/safety.yaml: validated by `content check`, resources chosen by the subscriber's zone."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from nudgebot.content.loader import check_content, load_content
from nudgebot.content.paths import DEFAULT_CONTENT_DIR
from nudgebot.content.zone_countries import load_zone_countries, parse_zone_table
from nudgebot.domain.crisis import signals_crisis


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    directory = tmp_path / "content"
    shutil.copytree(DEFAULT_CONTENT_DIR, directory)
    return directory


def edit_safety(directory: Path, **changes: object) -> None:
    path = directory / "safety.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data.update(changes)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_the_default_resources_name_emergency_services_and_a_directory() -> None:
    text = load_content().safety.render(None)
    assert "Emergency services" in text
    assert "findahelpline.com" in text


def test_a_country_with_its_own_lines_gets_them_instead_of_the_default() -> None:
    safety = load_content().safety
    assert "116 123" in safety.render("GB")
    assert "findahelpline.com" not in safety.render("GB")
    assert safety.render("ZZ") == safety.render(None)


def test_the_crisis_reply_talks_of_neither_streaks_nor_diagnoses() -> None:
    safety = load_content().safety
    for country in (None, *safety.countries):
        text = safety.render(country).lower()
        assert "streak" not in text
        assert "depress" not in text
        assert "{resources}" not in text


def test_the_crisis_reply_itself_would_not_be_flagged_as_a_crisis() -> None:
    # A user who quotes the reply back must not loop; and it must read as calm, not alarming.
    assert not signals_crisis(load_content().safety.render(None))


def test_a_content_folder_without_safety_yaml_gets_the_bundled_crisis_lines(
    content_copy: Path,
) -> None:
    (content_copy / "safety.yaml").unlink()
    assert check_content(content_copy) == []
    assert load_content(content_copy).safety == load_content().safety


def test_a_reply_without_the_resources_placeholder_is_reported(content_copy: Path) -> None:
    edit_safety(content_copy, reply="Please reach out to someone.")
    problems = [str(p) for p in check_content(content_copy)]
    assert any("reply" in p and "{resources}" in p for p in problems)


def test_a_lowercase_country_code_is_reported(content_copy: Path) -> None:
    edit_safety(content_copy, countries={"de": [{"name": "X", "contact": "1"}]})
    assert any("country de" in str(p) for p in check_content(content_copy))


def test_a_resource_without_a_contact_is_reported(content_copy: Path) -> None:
    edit_safety(content_copy, default=[{"name": "Emergency services"}])
    assert any("default #1" in str(p) for p in check_content(content_copy))


def test_broken_html_in_the_reply_is_reported(content_copy: Path) -> None:
    edit_safety(content_copy, reply="<b>Please reach out:\n{resources}")
    assert any("reply for default" in str(p) for p in check_content(content_copy))


def test_a_zone_table_maps_each_zone_to_its_first_country() -> None:
    found: dict[str, str] = {}
    parse_zone_table("# comment\nDE\t+5230+01322\tEurope/Berlin\n", found)
    parse_zone_table("CH,DE,LI\t+4723+00832\tEurope/Zurich\nXX\t+0\tEurope/Berlin\n", found)
    assert found == {"Europe/Berlin": "DE", "Europe/Zurich": "CH"}


def test_the_system_tables_know_common_zones() -> None:
    zones = load_zone_countries()
    assert zones["Europe/Berlin"] == "DE"
    assert zones["America/New_York"] == "US"
    assert "UTC" not in zones


def test_without_any_zone_table_everyone_gets_the_default(tmp_path: Path) -> None:
    assert dict(load_zone_countries([tmp_path])) == {}


@pytest.mark.parametrize("language", ["en", "de"])
def test_each_language_has_a_calm_crisis_reply_for_every_country(language: str) -> None:
    safety = load_content().for_language(language).safety
    for country in (None, *safety.countries):
        text = safety.render(country)
        assert "{resources}" not in text
        assert "streak" not in text.lower()
    # Its own words must read as calm; some helplines have "suicide" in their name.
    assert not signals_crisis(safety.render(None))


def test_german_subscribers_get_the_german_reply_with_the_same_lines() -> None:
    content = load_content()
    german, english = content.for_language("de").safety, content.safety
    assert "Danke, dass du mir" in german.render("DE")
    assert "0800 111 0 111" in german.render("DE")
    assert set(german.countries) == set(english.countries)


def test_a_language_whose_crisis_lines_miss_a_country_is_reported(content_copy: Path) -> None:
    path = content_copy / "de" / "safety.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    del data["countries"]["NZ"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")

    problems = [str(p) for p in check_content(content_copy)]

    assert any("de/safety.yaml" in p and "NZ" in p for p in problems), problems


@pytest.mark.parametrize("key", ["sos", "keep_safe", "someone_else", "again"])
def test_a_missing_part_of_the_crisis_reply_is_reported(content_copy: Path, key: str) -> None:
    path = content_copy / "safety.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    del data[key]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    problems = [str(p) for p in check_content(content_copy)]
    assert any(key in p and "missing" in p for p in problems), problems


def test_a_placeholder_in_a_line_of_the_reply_is_reported(content_copy: Path) -> None:
    edit_safety(content_copy, keep_safe="Stay safe {name}.")
    problems = [str(p) for p in check_content(content_copy)]
    assert any("keep_safe" in p and "placeholder" in p for p in problems), problems


def test_sos_without_the_resources_placeholder_is_reported(content_copy: Path) -> None:
    edit_safety(content_copy, sos="Here are people to talk to.")
    problems = [str(p) for p in check_content(content_copy)]
    assert any("sos" in p and "{resources}" in p for p in problems), problems


def test_broken_html_in_sos_is_reported(content_copy: Path) -> None:
    edit_safety(content_copy, sos="<i>Here:\n{resources}")
    assert any("sos for default" in str(p) for p in check_content(content_copy))


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_reply_keeps_safe_speaks_to_worried_others_and_points_to_sos(language: str) -> None:
    safety = load_content().for_language(language).safety
    text = safety.render(None)
    assert [safety.keep_safe in text, safety.someone_else in text, "/sos" in text] == [True] * 3


@pytest.mark.parametrize("language", ["en", "de"])
def test_sos_gives_every_countrys_lines_calmly(language: str) -> None:
    safety = load_content().for_language(language).safety
    for country in (None, *safety.countries):
        text = safety.render_sos(country)
        assert all(r.contact in text for r in safety.resources_for(country))
        assert safety.keep_safe in text
    assert not signals_crisis(safety.render_sos(None))
