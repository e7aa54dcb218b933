"""What the webhook accepts as an update before python-telegram-bot reads it."""

from __future__ import annotations

import json

import pytest

from nudgebot.web.payload import MAX_DEPTH, MAX_INTEGER, NotAnUpdateError, parse_update


def deep(levels: int) -> bytes:
    """An update whose extra field nests dicts `levels` deep counting the update itself."""
    inner: object = 1
    for _ in range(levels - 1):
        inner = {"a": inner}
    return json.dumps({"update_id": 1, "extra": inner}).encode()


def test_an_update_as_deep_as_the_limit_is_accepted() -> None:
    assert parse_update(deep(MAX_DEPTH))["update_id"] == 1


def test_one_level_deeper_is_refused_as_too_deep() -> None:
    with pytest.raises(NotAnUpdateError, match="nested too deep"):
        parse_update(deep(MAX_DEPTH + 1))


def test_the_largest_integer_telegram_promises_is_accepted_and_one_more_is_not() -> None:
    assert parse_update(b'{"update_id": 1, "file_size": %d}' % MAX_INTEGER)
    with pytest.raises(NotAnUpdateError, match="out of range"):
        parse_update(b'{"update_id": 1, "file_size": %d}' % (MAX_INTEGER + 1))


def test_update_id_zero_is_accepted() -> None:
    assert parse_update(b'{"update_id": 0}') == {"update_id": 0}


@pytest.mark.parametrize("value", ["true", "1.0", '"1"', "null", "-5"])
def test_an_update_id_that_is_not_a_whole_number_in_range_is_refused(value: str) -> None:
    with pytest.raises(NotAnUpdateError, match="update_id"):
        parse_update(b'{"update_id": %s}' % value.encode())


def test_a_fraction_is_accepted_only_in_a_float_field() -> None:
    assert parse_update(b'{"update_id": 1, "location": {"latitude": 1.5, "longitude": -2.25}}')
    with pytest.raises(NotAnUpdateError, match="whole number"):
        parse_update(b'{"update_id": 1, "message": {"message_id": 1.5}}')


def test_a_byte_order_mark_is_not_json() -> None:
    with pytest.raises(NotAnUpdateError, match="not JSON"):
        parse_update(b'\xef\xbb\xbf{"update_id": 1}')


def test_the_reason_never_quotes_the_body() -> None:
    with pytest.raises(NotAnUpdateError) as caught:
        parse_update(b'{"update_id": 1, "my secret diary": 1e999}')
    assert "diary" not in str(caught.value)
