"""An honest fake Telegram Bot API server for end-to-end tests and benchmarks."""

from .records import BotMessage, Call
from .server import DEFAULT_TOKEN, FakeBotApi
from .users import FakeUser

__all__ = ["DEFAULT_TOKEN", "BotMessage", "Call", "FakeBotApi", "FakeUser"]
