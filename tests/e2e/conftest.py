"""End-to-end fixtures: a fake Bot API on 127.0.0.1 and the real bot polling it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from fakebotapi import FakeBotApi
from nudgebot.clock import ManualClock
from tests.e2e.harness import Bot, running_bot


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as server:
        yield server


@pytest.fixture
async def bot(fake: FakeBotApi, database_url: str, clock: ManualClock) -> AsyncIterator[Bot]:
    async with running_bot(fake, database_url, clock, send_timeout=1.0) as running:
        yield running
