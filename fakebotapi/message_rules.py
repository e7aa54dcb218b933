"""Telegram's checks on what a message says: entity parsing, length limits and inline buttons."""

from __future__ import annotations

from typing import Any

from .errors import bad_request
from .html_text import HtmlParseError, ParsedText, parse_html, utf16_len

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64
_BUTTON_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)


def render(
    source: str,
    parse_mode: str | None,
    entities: list[dict[str, Any]] | None,
    *,
    strict_ampersand: bool = True,
) -> ParsedText:
    """Text as the user will see it, trimmed as Telegram trims it, or 400 can't parse entities.

    MarkdownV2 and Markdown are accepted without parsing (a known gap of this fake).
    """
    mode = (parse_mode or "").strip().lower()
    if mode == "html":
        try:
            parsed = parse_html(source, strict_ampersand=strict_ampersand)
        except HtmlParseError as error:
            raise bad_request(f"can't parse entities: {error}") from None
    elif mode in ("markdown", "markdownv2"):
        parsed = ParsedText(source)
    elif mode:
        raise bad_request("unsupported parse_mode")
    else:
        parsed = ParsedText(source, list(entities or []))
    return _trimmed(parsed)


def _trimmed(parsed: ParsedText) -> ParsedText:
    text = parsed.text.strip()
    if text == parsed.text:
        return parsed
    shift = utf16_len(parsed.text) - utf16_len(parsed.text.lstrip())
    end = utf16_len(text)
    entities = []
    for entity in parsed.entities:
        offset = max(int(str(entity["offset"])) - shift, 0)
        stop = min(int(str(entity["offset"])) + int(str(entity["length"])) - shift, end)
        if stop > offset:
            entities.append({**entity, "offset": offset, "length": stop - offset})
    return ParsedText(text, entities)


def check_message_text(parsed: ParsedText) -> None:
    """1-4096 characters after entity parsing."""
    if not parsed.text:
        raise bad_request("message text is empty")
    if len(parsed.text) > MAX_TEXT_LENGTH:
        raise bad_request("message is too long")


def check_caption(parsed: ParsedText) -> None:
    """0-1024 characters after entity parsing."""
    if len(parsed.text) > MAX_CAPTION_LENGTH:
        raise bad_request("message caption is too long")


def check_reply_markup(markup: dict[str, Any] | None) -> None:
    """Inline buttons need exactly one action; callback_data is 1-64 bytes."""
    for button in _inline_buttons(markup):
        actions = [name for name in _BUTTON_ACTIONS if button.get(name) is not None]
        if not actions:
            raise bad_request(
                "can't parse inline keyboard button: Text buttons are unallowed in the inline "
                "keyboard"
            )
        if len(actions) > 1:
            raise bad_request("can't parse inline keyboard button: more than one action given")
        data = button.get("callback_data")
        if data is not None and not 1 <= len(str(data).encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES:
            raise bad_request("BUTTON_DATA_INVALID")


def flat_buttons(markup: dict[str, Any] | None) -> list[tuple[str, str]]:
    """(text, callback_data) of every inline button, row by row; '' for non-callback buttons."""
    return [
        (str(button.get("text", "")), str(button.get("callback_data") or ""))
        for button in _inline_buttons(markup)
    ]


def _inline_buttons(markup: dict[str, Any] | None) -> list[dict[str, Any]]:
    if not markup or "inline_keyboard" not in markup:
        return []
    return [button for row in markup["inline_keyboard"] for button in row]
