"""SendRateLimiter with two classes of send: replies first, bulk never starved (virtual time)."""

from __future__ import annotations

import asyncio
from itertools import pairwise
from typing import Any

import pytest

from nudgebot.telegram.rate_limiter import SendRateLimiter
from nudgebot.telegram.send_class import bulk_sends
from tests.unit.test_ratelimit import EPS, FakeBotApi, call, in_virtual_time, limiter


async def bulk(rl: SendRateLimiter, api: FakeBotApi, **data: Any) -> object:
    with bulk_sends():
        return await call(rl, api, **data)


async def reply_at(when: float, rl: SendRateLimiter, api: FakeBotApi, **data: Any) -> float:
    """An interactive send made at `when`; returns when it was made."""
    loop = asyncio.get_running_loop()
    await asyncio.sleep(when - loop.time())
    await call(rl, api, **data)
    return when


def kinds(api: FakeBotApi) -> list[str]:
    return [
        "reply" if isinstance(chat, int) and chat >= 10_000 else "bulk" for _, _, chat in api.sent
    ]


def test_a_reply_queued_behind_many_bulk_sends_goes_out_next() -> None:
    async def scenario() -> None:
        rl, api = limiter(overall_per_second=10), FakeBotApi()
        tips = [asyncio.create_task(bulk(rl, api, chat_id=c)) for c in range(1, 51)]
        await reply_at(1.05, rl, api, chat_id=10_001)
        await asyncio.gather(*tips)

        position = kinds(api).index("reply")
        assert position == 11  # the tips sent at 0, 0.1 ... 1.0, then the reply
        assert api.times(10_001) == [pytest.approx(1.1)]

    in_virtual_time(scenario)


def test_bulk_sends_stay_in_arrival_order_among_themselves() -> None:
    async def scenario() -> None:
        rl, api = limiter(overall_per_second=10), FakeBotApi()
        tips = [asyncio.create_task(bulk(rl, api, chat_id=c)) for c in range(1, 41)]
        await reply_at(0.55, rl, api, chat_id=10_001)
        await reply_at(0.56, rl, api, chat_id=10_002)
        await asyncio.gather(*tips)

        chats = [chat for _, _, chat in api.sent]
        assert [c for c in chats if c < 10_000] == list(range(1, 41))
        assert [c for c in chats if c >= 10_000] == [10_001, 10_002]

    in_virtual_time(scenario)


def test_bulk_keeps_over_ninety_percent_of_the_rate_while_replies_are_a_small_share() -> None:
    async def scenario() -> None:
        rl, api = limiter(overall_per_second=30), FakeBotApi()
        tips = [asyncio.create_task(bulk(rl, api, chat_id=c)) for c in range(1, 601)]
        # Two replies a second, each in a chat of its own, for ten seconds.
        made = await asyncio.gather(
            *(reply_at(0.5 * i + 0.01, rl, api, chat_id=10_000 + i) for i in range(20))
        )
        await asyncio.gather(*tips)

        first_ten = [k for t, k in zip(api.times(), kinds(api), strict=True) if t < 10]
        assert first_ten.count("bulk") >= 0.9 * 30 * 10
        for i, when in enumerate(made):
            # each reply takes the very next token
            assert api.times(10_000 + i)[0] <= when + 1 / 30 + EPS

    in_virtual_time(scenario)


def test_under_a_flood_of_replies_bulk_still_gets_a_quarter_of_the_tokens() -> None:
    async def scenario() -> None:
        rl, api = limiter(overall_per_second=10), FakeBotApi()
        tips = [asyncio.create_task(bulk(rl, api, chat_id=c)) for c in range(1, 201)]
        await asyncio.sleep(0.01)
        replies = [asyncio.create_task(call(rl, api, chat_id=10_000 + c)) for c in range(200)]
        await asyncio.gather(*tips, *replies)

        assert kinds(api)[1:101].count("bulk") >= 25

    in_virtual_time(scenario)


def test_the_mix_stays_within_the_overall_and_per_chat_limits() -> None:
    async def scenario() -> None:
        rl, api = limiter(overall_per_second=30, chat_burst=3), FakeBotApi()
        tips = [asyncio.create_task(bulk(rl, api, chat_id=c)) for c in range(1, 301)]
        # Chat 7 also gets eight replies at once, on top of its tip.
        replies = [asyncio.create_task(call(rl, api, chat_id=7, text=str(i))) for i in range(8)]
        await asyncio.gather(*tips, *replies)

        times = api.times()
        for start in times:
            assert sum(start < t <= start + 1 for t in times) <= 30
        chat = api.times(7)
        assert len(chat) == 9
        assert all(b - a >= 1 - EPS for a, b in pairwise(chat[3:]))

    in_virtual_time(scenario)


def test_a_reply_behind_its_own_chats_tip_lifts_the_tip_ahead_of_other_bulk() -> None:
    async def scenario() -> None:
        rl, api = limiter(overall_per_second=10), FakeBotApi()
        tips = [asyncio.create_task(bulk(rl, api, chat_id=c)) for c in range(1, 41)]
        # Chat 30's tip is queued; its user's reply must not wait behind the 28 tips ahead.
        await reply_at(0.55, rl, api, chat_id=30, text="reply")
        await asyncio.gather(*tips)

        chats = [chat for _, _, chat in api.sent]
        assert chats[6:9] == [30, 30, 7]  # the tip, then the reply, then the queue goes on

    in_virtual_time(scenario)


def test_a_send_cancelled_while_it_waits_takes_no_token_and_holds_nobody_up() -> None:
    async def scenario() -> None:
        rl, api = limiter(overall_per_second=10), FakeBotApi()
        tips = [asyncio.create_task(bulk(rl, api, chat_id=c)) for c in range(1, 11)]
        await asyncio.sleep(0.05)
        given_up = asyncio.create_task(call(rl, api, chat_id=10_001))
        await asyncio.sleep(0.01)
        given_up.cancel()
        await reply_at(0.25, rl, api, chat_id=10_002)
        await asyncio.gather(*tips)

        assert 10_001 not in [chat for _, _, chat in api.sent]
        assert api.times(10_002) == [pytest.approx(0.3)]  # the next token, as if alone
        assert api.times()[-1] == pytest.approx(1.0)  # 11 sends, one every 0.1 s

    in_virtual_time(scenario)
