"""The fake bot's own state that methods read and write: webhook, commands, button presses."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class CallbackQueryRecord:
    """A button press waiting for answerCallbackQuery."""

    user_id: int
    message_id: int
    data: str
    answered: bool = False


@dataclass
class BotSettings:
    """Bot-wide state that methods read and write."""

    webhook_url: str = ""
    webhook_secret: str = ""
    webhook_error_date: int | None = None
    webhook_error_message: str = ""
    commands: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)
    callback_queries: dict[str, CallbackQueryRecord] = field(default_factory=dict)
    closing: bool = False
    poll_generation: int = 0
    file_counter: int = 0
