"""The handler tier: the real Application on SQLite, an offline Bot API, one update at a time."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from nudgebot.app.builder import build_application
from nudgebot.app.runtime import NudgeApp
from nudgebot.clock import ManualClock
from nudgebot.config import Settings
from nudgebot.content.model import Content
from tests.databases import migrated_sqlite_copy
from tests.handlers import updates
from tests.handlers.offline import Call, RecordingRequest

ADMIN = 99


class HandlerBot:
    """The Application as a handler test drives it: an update in, the Bot API calls out."""

    def __init__(self, app: NudgeApp, request: RecordingRequest, clock: ManualClock) -> None:
        self.app = app
        self.request = request
        self.clock = clock

    @property
    def content(self) -> Content:
        return self.app.bot_data.services.content

    async def _handle(self, update: object) -> list[Call]:
        await self.app.process_update(update)
        return self.request.take()

    async def say(self, chat_id: int, text: str, **kwargs: object) -> list[Call]:
        """A message (a command when it starts with '/') from chat_id; the calls it caused."""
        return await self._handle(updates.message(self.app.bot, chat_id, text, **kwargs))  # type: ignore[arg-type]

    async def press(self, chat_id: int, data: str) -> list[Call]:
        return await self._handle(updates.button(self.app.bot, chat_id, data))

    async def send(self, update: object) -> list[Call]:
        return await self._handle(update)

    async def subscribe(self, chat_id: int) -> None:
        """/start, then a zone and a time, as a new subscriber does."""
        await self.say(chat_id, "/start")
        await self.say(chat_id, "/timezone UTC")
        await self.say(chat_id, "/time 09:00")

    async def deliver(self) -> list[Call]:
        """One delivery pass of the real engine, through the same offline Bot API."""
        await self.app.bot_data.runtime.engine.tick()
        return self.request.take()


def texts(calls: list[Call]) -> list[str]:
    return [call.text for call in calls if call.method in ("sendMessage", "editMessageText")]


@pytest.fixture
async def bot(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, clock: ManualClock
) -> AsyncIterator[HandlerBot]:
    path = await migrated_sqlite_copy(tmp_path, tmp_path_factory.getbasetemp())
    settings = Settings(
        TELEGRAM_BOT_TOKEN="123456:TEST-token-abcdefghijklmnop",
        NUDGEBOT_DATABASE_URL=f"sqlite+aiosqlite:///{path}",
        NUDGEBOT_ADMIN_IDS=str(ADMIN),
        NUDGEBOT_DEFAULT_TIMEZONE="UTC",
        NUDGEBOT_DEFAULT_SEND_TIME="09:00",
    )
    request = RecordingRequest()
    app = build_application(settings, clock=clock, migrate=False, request=request, limit_rate=False)
    async with app:
        request.take()  # getMe
        yield HandlerBot(app, request, clock)
    await app.bot_data.runtime.database.dispose()
