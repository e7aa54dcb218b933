"""What the fake remembers: calls, sent messages and scheduled faults."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart request."""

    name: str
    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class Call:
    """One HTTP call to the fake; status 0 means the connection was dropped without an answer."""

    method: str
    params: dict[str, Any]
    status: int
    result: object
    description: str | None = None


@dataclass(frozen=True)
class BotMessage:
    """A message the bot sent, as the chat shows it now (edits applied).

    `text` is what the user sees (HTML parsed away); `source_text` is the text parameter as sent.
    """

    message_id: int
    chat_id: int
    text: str
    parse_mode: str | None
    reply_markup: dict[str, Any] | None
    buttons: list[tuple[str, str]]
    reply_to_message_id: int | None
    edited: bool
    params: dict[str, Any]
    kind: str = "text"
    source_text: str = ""
    entities: list[dict[str, Any]] = field(default_factory=list)
    deleted: bool = False


@dataclass
class Fault:
    """A scheduled misbehaviour for the next matching calls."""

    method: str
    kind: str  # "fail", "drop", "delay" or "reset_after"
    times: int
    chat_id: int | None = None
    status: int = 0
    description: str = ""
    parameters: dict[str, Any] | None = None
    seconds: float = 0.0

    def matches(self, method: str, params: dict[str, Any]) -> bool:
        """Same method (case-insensitive) and, when a chat is named, the same chat."""
        if method.lower() != self.method.lower():
            return False
        return self.chat_id is None or params.get("chat_id") == self.chat_id
