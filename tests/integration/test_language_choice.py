"""The subscriber's language: stored by /language, carried by every claimed tip."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from nudgebot.clock import ManualClock
from nudgebot.db import ledger, tips
from nudgebot.domain.deliveries import Claim, ClaimCounts, ClaimRequest, SendResult
from nudgebot.domain.statuses import DeliveryStatus
from nudgebot.services.errors import NotSubscribedError
from nudgebot.services.subscriptions import SubscriptionService

NINE = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CATCH_UP = timedelta(hours=3)


@pytest.fixture
def service(sessions: async_sessionmaker[AsyncSession], clock: ManualClock) -> SubscriptionService:
    return SubscriptionService(sessions, clock, default_timezone="UTC", default_send_time=time(9))


async def claim_at(sessions: async_sessionmaker[AsyncSession], now: datetime) -> list[Claim]:
    async with sessions.begin() as session:
        return await tips.claim_due(
            session,
            ClaimRequest(now, 10, "test", ClaimCounts()),
            tip_order=("fiber", "sleep"),
            catch_up=CATCH_UP,
        )


async def test_nobody_has_chosen_a_language_at_first(service: SubscriptionService) -> None:
    await service.start(1, user_id=1, language_code="de-AT")
    assert await service.chosen_language(1) is None
    assert await service.chosen_language(2) is None  # not subscribed at all


async def test_a_chosen_language_is_stored_and_survives_a_new_start(
    service: SubscriptionService,
) -> None:
    await service.start(1, user_id=1, language_code="de")
    await service.set_language(1, "en")
    await service.start(1, user_id=1, language_code="de")  # Telegram still says German
    assert await service.chosen_language(1) == "en"


async def test_choosing_a_language_needs_a_subscription(service: SubscriptionService) -> None:
    with pytest.raises(NotSubscribedError):
        await service.set_language(1, "de")


async def test_a_claimed_tip_carries_telegrams_language_until_one_is_chosen(
    service: SubscriptionService, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await service.start(1, user_id=1, language_code="de-AT")
    await service.start(2, user_id=2, language_code="de")
    await service.set_language(2, "en")
    jobs = await claim_at(sessions, NINE)
    assert sorted((job.chat_id, job.language) for job in jobs) == [(1, "de-AT"), (2, "en")]


async def test_a_retried_tip_carries_the_language_too(
    service: SubscriptionService, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await service.start(1, user_id=1, language_code="en")
    await service.set_language(1, "de")
    [job] = await claim_at(sessions, NINE)
    later = NINE + timedelta(minutes=1)
    async with sessions.begin() as session:
        await ledger.record_results(
            session, [SendResult(job, DeliveryStatus.RETRY, retry_at=later)], NINE
        )
    async with sessions.begin() as session:
        [again] = await ledger.claim_retries(
            session, ClaimRequest(later, 10, "t", ClaimCounts()), catch_up=CATCH_UP
        )
    assert again.language == "de"
