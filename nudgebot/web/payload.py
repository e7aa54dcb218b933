"""A webhook body checked before anything else reads it: UTF-8 JSON, shallow, sane numbers."""

from __future__ import annotations

import json
import math
import re
from typing import Any

# Telegram's updates nest about eight levels (update, callback query, message, keyboard, row,
# button...); anything much deeper is not from Telegram and only costs stack.
MAX_DEPTH = 32
# The Bot API promises every integer (ids, sizes, dates) fits in 52 bits plus a sign.
MAX_INTEGER = 2**53 - 1
# The Bot API's fields of type Float (Bot API 10.1); a fraction anywhere else is not an update.
FLOAT_FIELDS = frozenset(
    {
        "corner_radius_percentage",
        "cover_frame_timestamp",
        "duration",
        "height_percentage",
        "horizontal_accuracy",
        "latitude",
        "longitude",
        "main_frame_timestamp",
        "rotation_angle",
        "scale",
        "temperature",
        "width_percentage",
        "x_percentage",
        "x_shift",
        "y_percentage",
        "y_shift",
    }
)
# A \uD800-\uDFFF escape: JSON allows one unpaired, which no UTF-8 text can hold.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


class NotAnUpdateError(ValueError):
    """The body is not a Telegram update; the message says why in fixed words, never the body's."""


def parse_update(body: bytes) -> dict[str, Any]:
    """The body as a JSON object with an update_id, or NotAnUpdateError."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise NotAnUpdateError("not UTF-8") from None
    try:
        data = json.loads(text, parse_constant=_no_constant)
    except RecursionError:
        raise NotAnUpdateError("nested too deep") from None
    except ValueError:
        raise NotAnUpdateError("not JSON") from None
    if not isinstance(data, dict):
        raise NotAnUpdateError("not a JSON object")
    update_id = data.get("update_id")
    if not isinstance(update_id, int) or isinstance(update_id, bool):
        raise NotAnUpdateError("no whole-number update_id")
    if not 0 <= update_id <= MAX_INTEGER:
        raise NotAnUpdateError("update_id out of range")
    _check_values(data, strings=bool(_SURROGATE_ESCAPE.search(text)))
    return data


def _no_constant(name: str) -> Any:
    raise NotAnUpdateError(f"{name} is not a number Telegram sends")


def _check_values(data: dict[str, Any], *, strings: bool) -> None:
    # Iterative, so the check itself cannot run out of stack; only containers are stacked.
    stack: list[tuple[Any, int, str]] = [(data, 1, "")]
    pop, push = stack.pop, stack.append
    while stack:
        # key: the field a list belongs to, so a list of numbers is judged by its field.
        container, depth, key = pop()
        if depth > MAX_DEPTH:
            raise NotAnUpdateError("nested too deep")
        if type(container) is dict:
            if strings:
                for name in container:
                    _check_text(name)
            for name, value in container.items():
                kind = type(value)
                if kind is dict or kind is list:
                    if value:
                        push((value, depth + 1, name))
                elif kind is not str and kind is not bool and value is not None:
                    _check_scalar(value, name)
                elif strings and kind is str:
                    _check_text(value)
        else:
            for value in container:
                kind = type(value)
                if kind is dict or kind is list:
                    if value:
                        push((value, depth + 1, key))
                elif kind is not str and kind is not bool and value is not None:
                    _check_scalar(value, key)
                elif strings and kind is str:
                    _check_text(value)


def _check_scalar(value: float, key: str) -> None:
    if type(value) is int:
        if not -MAX_INTEGER <= value <= MAX_INTEGER:
            raise NotAnUpdateError("a number out of range")
    elif key not in FLOAT_FIELDS or not math.isfinite(value):
        raise NotAnUpdateError("a fraction where a whole number belongs")


def _check_text(text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise NotAnUpdateError("text with an unpaired surrogate") from None
