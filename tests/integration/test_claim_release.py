"""After a crash the claims never handed to the transport are sent again; the others are not."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Bot

from nudgebot.clock import ManualClock
from nudgebot.content.model import Content
from nudgebot.db.models import Delivery, Subscriber
from nudgebot.delivery.engine import DeliveryEngine
from nudgebot.delivery.journal import boot_id
from nudgebot.delivery.options import EngineOptions
from nudgebot.delivery.sources.tips import TipSource
from nudgebot.domain.deliveries import Claim, ClaimCounts
from nudgebot.domain.statuses import DeliveryStatus
from nudgebot.services.subscriptions import SubscriptionService

NINE = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
LEASE = timedelta(minutes=10)


def engine_for(
    sessions: async_sessionmaker[AsyncSession],
    content: Content,
    clock: ManualClock,
    journals: Path | None = None,
) -> DeliveryEngine:
    # Never initialized: these tests claim and record, they send nothing.
    options = EngineOptions(lease=LEASE, journal_dir=journals)
    return DeliveryEngine(
        sessions,
        Bot("123:abc", base_url="http://127.0.0.1:9/bot"),
        clock,
        options,
        [TipSource(content, options)],
    )


async def subscribe(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, *chats: int
) -> None:
    service = SubscriptionService(
        sessions, clock, default_timezone="UTC", default_send_time=time(9)
    )
    for chat in chats:
        await service.start(chat, user_id=chat, language_code="en")


async def status_by_chat(sessions: async_sessionmaker[AsyncSession]) -> dict[int, str]:
    async with sessions() as session:
        rows = await session.execute(
            select(Subscriber.chat_id, Delivery.status).join(
                Delivery, Delivery.subscriber_id == Subscriber.id
            )
        )
        return {int(chat): str(status) for chat, status in rows.all()}


async def test_a_crash_makes_unknown_only_the_claims_handed_to_the_transport(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, content: Content
) -> None:
    await subscribe(sessions, clock, 1, 2, 3, 4, 5)
    clock.set(NINE)
    crashed = engine_for(sessions, content, clock)
    claims = await crashed.claim(ClaimCounts(), 5, first=True, attempt=1)
    await crashed.record([], claims[1:2])  # a second send handed over; then kill -9
    handed = {claims[0].chat_id, claims[1].chat_id}

    clock.advance(LEASE + timedelta(seconds=1))
    counts = ClaimCounts()
    again = await engine_for(sessions, content, clock).claim(counts, 10, first=True)

    assert (counts.stale_unknown, counts.released) == (2, 3)
    assert {claim.chat_id for claim in again} == {1, 2, 3, 4, 5} - handed
    assert {claim.delivery_id for claim in again} <= {claim.delivery_id for claim in claims}
    statuses = await status_by_chat(sessions)
    assert {chat for chat, status in statuses.items() if status == DeliveryStatus.UNKNOWN} == (
        handed
    )


async def test_claims_still_within_their_lease_are_left_alone(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, content: Content
) -> None:
    await subscribe(sessions, clock, 1, 2)
    clock.set(NINE)
    await engine_for(sessions, content, clock).claim(ClaimCounts(), 2, first=True)
    clock.advance(LEASE - timedelta(seconds=1))
    counts = ClaimCounts()
    assert await engine_for(sessions, content, clock).claim(counts, 10, first=True) == []
    assert (counts.stale_unknown, counts.released) == (0, 0)


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", ""])
    child.wait()
    return child.pid


def write_journal(journals: Path, claimer: str, pid: int, boot: str, lines: list[str]) -> Path:
    """The journal an engine left: these lines, under its claimer, its pid and boot."""
    journals.mkdir(exist_ok=True)
    path = journals / f"{claimer}.sends"
    header = f"nudgebot-send-journal 1 pid={pid} boot={boot} host={socket.gethostname()}\n"
    path.write_text(header + "".join(f"{line}\n" for line in lines))
    return path


async def claimer(sessions: async_sessionmaker[AsyncSession]) -> str:
    async with sessions() as session:
        [claimed_by] = (await session.scalars(select(Delivery.claimed_by).distinct())).all()
    assert claimed_by is not None
    return claimed_by


async def crash_with_five_marked(
    sessions: async_sessionmaker[AsyncSession],
    content: Content,
    clock: ManualClock,
    journals: Path,
) -> list[Claim]:
    await subscribe(sessions, clock, 1, 2, 3, 4, 5)
    clock.set(NINE)
    crashed = engine_for(sessions, content, clock, journals)
    claims = await crashed.claim(ClaimCounts(), 5, first=True, attempt=5)
    return sorted(claims, key=lambda claim: claim.chat_id)


async def settle_after_the_lease(
    sessions: async_sessionmaker[AsyncSession],
    content: Content,
    clock: ManualClock,
    journals: Path,
) -> tuple[ClaimCounts, list[Claim]]:
    """A new engine's first claim once the crashed one's lease ran out: what it settled, and
    what it claimed."""
    clock.advance(LEASE + timedelta(seconds=1))
    counts = ClaimCounts()
    again = await engine_for(sessions, content, clock, journals).claim(counts, 10, first=True)
    return counts, again


async def test_a_crash_with_a_journal_makes_unknown_only_what_was_on_the_wire(
    sessions: async_sessionmaker[AsyncSession],
    clock: ManualClock,
    content: Content,
    tmp_path: Path,
) -> None:
    journals = tmp_path / "journals"
    claims = await crash_with_five_marked(sessions, content, clock, journals)
    one, two, three, *_ = (claim.delivery_id for claim in claims)
    # 1 answered as sent, 2 as not delivered, 3 on the wire; 4 and 5 never left.
    lines = [f"h {one}", f"h {two}", f"h {three}", f"s {one} 77", f"n {two}"]
    journal = write_journal(journals, await claimer(sessions), dead_pid(), boot_id(), lines)

    counts, again = await settle_after_the_lease(sessions, content, clock, journals)

    assert (counts.stale_unknown, counts.released, counts.recovered) == (1, 3, 1)
    assert {claim.chat_id: claim.attempts for claim in again} == {2: 2, 4: 1, 5: 1}
    statuses = await status_by_chat(sessions)
    assert (statuses[1], statuses[3]) == (DeliveryStatus.SENT, DeliveryStatus.UNKNOWN)
    async with sessions() as session:
        assert await session.scalar(select(Delivery.message_id).where(Delivery.id == one)) == 77
    assert not journal.exists()  # its claims are settled: nothing more to say


async def test_a_journal_from_before_the_machine_restarted_proves_no_absence(
    sessions: async_sessionmaker[AsyncSession],
    clock: ManualClock,
    content: Content,
    tmp_path: Path,
) -> None:
    journals = tmp_path / "journals"
    claims = await crash_with_five_marked(sessions, content, clock, journals)
    one = claims[0].delivery_id
    lines = [f"h {one}", f"s {one} 77"]
    write_journal(journals, await claimer(sessions), dead_pid(), "another-boot", lines)

    counts, again = await settle_after_the_lease(sessions, content, clock, journals)

    # Its last lines may have been lost: what it says is believed, what it lacks is not.
    assert (counts.stale_unknown, counts.released, counts.recovered) == (4, 0, 1)
    assert again == []


async def test_the_journal_of_a_process_still_running_is_not_read(
    sessions: async_sessionmaker[AsyncSession],
    clock: ManualClock,
    content: Content,
    tmp_path: Path,
) -> None:
    journals = tmp_path / "journals"
    claims = await crash_with_five_marked(sessions, content, clock, journals)
    one = claims[0].delivery_id
    lines = [f"h {one}", f"s {one} 77"]
    journal = write_journal(journals, await claimer(sessions), os.getpid(), boot_id(), lines)

    counts, _ = await settle_after_the_lease(sessions, content, clock, journals)

    # A slow process may still write to it: its claims are judged as without a journal.
    assert (counts.stale_unknown, counts.released, counts.recovered) == (5, 0, 0)
    assert journal.exists()
