"""Parameters are checked against api.min.json before any method runs."""

from __future__ import annotations

from typing import Any

import pytest

from fakebotapi.errors import ApiError
from fakebotapi.spec import load_spec
from fakebotapi.validation import validate_params

SPEC = load_spec()
SEND_MESSAGE = SPEC.methods["sendmessage"]


def check(params: dict[str, Any]) -> dict[str, Any]:
    return validate_params(SPEC, SEND_MESSAGE, params, {})


def test_form_strings_become_typed_values() -> None:
    params = check(
        {
            "chat_id": "42",
            "text": "hi",
            "disable_notification": "true",
            "reply_markup": '{"inline_keyboard": [[{"text": "Done", "callback_data": "d"}]]}',
        }
    )

    assert params["chat_id"] == 42
    assert params["disable_notification"] is True
    assert params["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "d"


def test_chat_id_may_be_a_username() -> None:
    assert check({"chat_id": "@channel", "text": "hi"})["chat_id"] == "@channel"


@pytest.mark.parametrize(
    "params",
    [
        {"chat_id": 42, "text": "hi", "message_thread_id": "seven"},
        {"chat_id": 42, "text": "hi", "disable_notification": "yes"},
        {"chat_id": 42, "text": "hi", "entities": "not json"},
        {"chat_id": 42, "text": "hi", "entities": '{"type": "bold"}'},
        {"chat_id": 42, "text": ["hi"]},
    ],
)
def test_ill_typed_values_are_bad_requests(params: dict[str, Any]) -> None:
    with pytest.raises(ApiError) as raised:
        check(params)

    assert raised.value.status == 400


def test_nested_object_missing_a_required_field_is_a_bad_request() -> None:
    markup = '{"inline_keyboard": [[{"callback_data": "d"}]]}'

    with pytest.raises(ApiError, match='"text" of InlineKeyboardButton is required'):
        check({"chat_id": 42, "text": "hi", "reply_markup": markup})


def test_unknown_fields_inside_objects_are_ignored_as_telegram_does() -> None:
    markup = {"inline_keyboard": [], "colour": "red"}

    assert check({"chat_id": 42, "text": "hi", "reply_markup": markup})["reply_markup"]


def test_null_in_a_json_body_counts_as_absent() -> None:
    assert "parse_mode" not in check({"chat_id": 42, "text": "hi", "parse_mode": None})
