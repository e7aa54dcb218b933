"""SendRateLimiter on virtual time: an event loop whose clock jumps to the next timer."""

from __future__ import annotations

import asyncio
import bisect
import datetime as dt
import selectors
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

import pytest
from telegram.error import RetryAfter

from nudgebot.telegram.rate_limiter import SendRateLimiter, paid_bucket

EPS = 1e-6


class _VirtualSelector(selectors.BaseSelector):
    """Performs no I/O: waiting for `timeout` just moves the clock forward by it."""

    def __init__(self) -> None:
        self.now = 0.0
        self._keys: dict[Any, selectors.SelectorKey] = {}

    def register(self, fileobj: Any, events: int, data: Any = None) -> selectors.SelectorKey:
        key = selectors.SelectorKey(fileobj, fileobj, events, data)
        self._keys[fileobj] = key
        return key

    def unregister(self, fileobj: Any) -> selectors.SelectorKey:
        return self._keys.pop(fileobj)

    def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        if timeout is None:
            raise RuntimeError("deadlock: every task waits and no timer is scheduled")
        self.now += timeout
        return []

    def get_map(self) -> Mapping[Any, selectors.SelectorKey]:
        return self._keys


class VirtualTimeLoop(asyncio.SelectorEventLoop):
    def __init__(self) -> None:
        self._virtual = _VirtualSelector()
        super().__init__(self._virtual)

    def time(self) -> float:
        return self._virtual.now


def in_virtual_time(test: Callable[[], Coroutine[Any, Any, None]]) -> None:
    with asyncio.Runner(loop_factory=VirtualTimeLoop) as runner:
        runner.run(test())


def limiter(**kwargs: Any) -> SendRateLimiter:
    return SendRateLimiter(clock=asyncio.get_running_loop().time, **kwargs)


def flood(seconds: int) -> RetryAfter:
    return RetryAfter(dt.timedelta(seconds=seconds))


@dataclass
class FakeBotApi:
    """Stands in for ExtBot's _do_post: records when each request went out."""

    sent: list[tuple[float, str, Any]] = field(default_factory=list)
    # chat_id -> exceptions to raise, in order, when the answer comes back
    faults: dict[Any, list[BaseException]] = field(default_factory=dict)
    round_trip: float = 0.0
    round_trips: dict[Any, float] = field(default_factory=dict)

    async def post(self, endpoint: str, data: dict[str, Any]) -> bool:
        chat_id = data.get("chat_id")
        self.sent.append((asyncio.get_running_loop().time(), endpoint, chat_id))
        round_trip = self.round_trips.get(chat_id, self.round_trip)
        if round_trip:
            await asyncio.sleep(round_trip)
        pending = self.faults.get(chat_id)
        if pending:
            raise pending.pop(0)
        return True

    def times(self, chat_id: Any = None) -> list[float]:
        return [t for t, _, chat in self.sent if chat_id is None or chat == chat_id]


async def call(
    rl: SendRateLimiter,
    api: FakeBotApi,
    endpoint: str = "sendMessage",
    rate_limit_args: int | None = None,
    **data: Any,
) -> bool | object:
    return await rl.process_request(
        callback=api.post,
        args=(endpoint, data),
        kwargs={},
        endpoint=endpoint,
        data=data,
        rate_limit_args=rate_limit_args,
    )


async def send_paid(rl: SendRateLimiter, api: FakeBotApi, chats: int) -> None:
    """One paid broadcast to each of `chats` chats, all at once."""
    await asyncio.gather(
        *(call(rl, api, chat_id=c, allow_paid_broadcast=True) for c in range(1, chats + 1))
    )


def test_start_sends_only_the_burst_at_once() -> None:
    async def scenario() -> None:
        rl, api = limiter(overall_per_second=30, burst=5), FakeBotApi()
        await asyncio.gather(*(call(rl, api, chat_id=c) for c in range(1, 31)))

        assert sum(t == 0 for t in api.times()) == 5

    in_virtual_time(scenario)


def test_overall_rate_over_any_second_is_at_most_rate_plus_burst() -> None:
    async def scenario() -> None:
        rl, api = limiter(overall_per_second=30, burst=5), FakeBotApi()
        await asyncio.gather(*(call(rl, api, chat_id=c) for c in range(1, 301)))

        times = api.times()
        for start in times:
            assert sum(start <= t < start + 1 for t in times) <= 30 + 5
        # and no slower than the rate allows: 295 after the burst at 30/s
        assert times[-1] == pytest.approx(295 / 30, abs=0.01)

    in_virtual_time(scenario)


def test_by_default_no_second_holds_more_than_the_rate() -> None:
    async def scenario() -> None:
        rl, api = limiter(overall_per_second=30), FakeBotApi()
        await asyncio.gather(*(call(rl, api, chat_id=c) for c in range(1, 121)))

        times = api.times()
        for start in times:
            assert sum(start < t <= start + 1 for t in times) <= 30

    in_virtual_time(scenario)


def test_no_burst_when_a_halt_ends() -> None:
    async def scenario() -> None:
        rl = limiter(overall_per_second=30, burst=5)
        api = FakeBotApi(faults={1: [flood(2)]}, round_trip=0.1)
        await asyncio.gather(*(call(rl, api, chat_id=c) for c in range(1, 61)))

        after = sorted(t for t in api.times() if t > 0.1)
        # Sends resume one interval apart, not with the burst a quiet bucket would have saved.
        assert all(b - a >= 1 / 30 - EPS for a, b in pairwise(after))

    in_virtual_time(scenario)


def test_waiters_are_served_in_arrival_order() -> None:
    async def scenario() -> None:
        rl, api = limiter(overall_per_second=10, burst=1), FakeBotApi()
        await asyncio.gather(*(call(rl, api, chat_id=c) for c in range(1, 41)))

        assert [chat for _, _, chat in api.sent] == list(range(1, 41))

    in_virtual_time(scenario)


def test_one_private_chat_gets_at_most_one_message_per_second() -> None:
    async def scenario() -> None:
        rl, api = limiter(chat_burst=1), FakeBotApi()
        await asyncio.gather(*(call(rl, api, chat_id=42, text=str(i)) for i in range(6)))

        times = api.times(42)
        assert times[0] == 0
        assert all(b - a >= 1 - EPS for a, b in pairwise(times))

    in_virtual_time(scenario)


def test_a_private_chat_gets_a_short_burst_then_one_message_per_second() -> None:
    async def scenario() -> None:
        rl, api = limiter(chat_burst=3, burst=5), FakeBotApi()
        await asyncio.gather(*(call(rl, api, chat_id=42, text=str(i)) for i in range(8)))

        times = api.times(42)
        assert times[:3] == [0, 0, 0]  # a reply of a few messages is not held back
        assert all(b - a >= 1 - EPS for a, b in pairwise(times[3:]))
        for start in times:
            assert sum(start <= t < start + 10 for t in times) <= 10 + 3

    in_virtual_time(scenario)


def test_a_group_gets_at_most_twenty_messages_per_minute() -> None:
    async def scenario() -> None:
        rl, api = limiter(chat_burst=1), FakeBotApi()
        await asyncio.gather(*(call(rl, api, chat_id=-100123) for _ in range(45)))

        times = api.times(-100123)
        for start in times:
            assert sum(start <= t < start + 60 for t in times) <= 20

    in_virtual_time(scenario)


def test_retry_after_halts_every_chat_until_it_has_passed() -> None:
    async def scenario() -> None:
        rl = limiter(overall_per_second=30, burst=5)
        api = FakeBotApi(faults={1: [flood(2)]}, round_trip=0.1)
        results = await asyncio.gather(*(call(rl, api, chat_id=c) for c in range(1, 21)))

        flood_at = 0.1  # chat 1 went out at 0 and got its 429 one round trip later
        assert results == [True] * 20
        assert not [t for t in api.times() if flood_at < t < flood_at + 2]
        assert min(t for t in api.times() if t > flood_at) == pytest.approx(flood_at + 2)
        assert len(api.times(1)) == 2  # chat 1 was retried once, and that succeeded

    in_virtual_time(scenario)


def test_a_shorter_later_retry_after_never_reopens_the_halt_early() -> None:
    async def scenario() -> None:
        rl = limiter(overall_per_second=30, burst=5)
        # chat 1's 429 (2 s) arrives at 0.1; chat 2's (1 s) at 0.5 would end at 1.5
        api = FakeBotApi(
            faults={1: [flood(2)], 2: [flood(1)]}, round_trips={1: 0.1, 2: 0.5}, round_trip=0.1
        )

        async def halt_left_at_one_second() -> float:
            await asyncio.sleep(1)
            return rl.halted_for

        *results, left = await asyncio.gather(
            *(call(rl, api, chat_id=c) for c in range(1, 20)), halt_left_at_one_second()
        )

        assert results == [True] * 19
        assert left == pytest.approx(1.1)
        after_flood = [t for t in api.times() if t > 0.1]
        assert min(after_flood) == pytest.approx(2.1)

    in_virtual_time(scenario)


def test_retries_stop_after_max_retries_and_the_retry_after_propagates() -> None:
    async def scenario() -> None:
        rl = limiter(max_retries=2)
        api = FakeBotApi(faults={7: [flood(1) for _ in range(10)]})

        with pytest.raises(RetryAfter):
            await call(rl, api, chat_id=7)

        assert api.times(7) == [0, pytest.approx(1), pytest.approx(2)]

    in_virtual_time(scenario)


def test_rate_limit_args_overrides_max_retries_per_call() -> None:
    async def scenario() -> None:
        rl = limiter(max_retries=3)
        api = FakeBotApi(faults={7: [flood(1) for _ in range(10)]})

        with pytest.raises(RetryAfter):
            await call(rl, api, chat_id=7, rate_limit_args=0)

        assert len(api.times(7)) == 1

    in_virtual_time(scenario)


def test_methods_that_send_to_no_chat_pass_immediately() -> None:
    async def scenario() -> None:
        rl, api = limiter(overall_per_second=1, burst=1), FakeBotApi()
        backlog = [asyncio.create_task(call(rl, api, chat_id=c)) for c in range(1, 6)]
        await asyncio.sleep(0)

        await call(rl, api, "answerCallbackQuery", callback_query_id="q1")
        await call(rl, api, "getMe")
        await call(rl, api, "getChat", chat_id=3)
        await call(rl, api, "sendChatAction", chat_id=3, action="typing")

        assert [t for t, endpoint, _ in api.sent if endpoint != "sendMessage"] == [0, 0, 0, 0]
        await asyncio.gather(*backlog)

    in_virtual_time(scenario)


def test_paid_broadcast_may_exceed_the_free_overall_rate() -> None:
    async def scenario() -> None:
        rl, api = limiter(overall_per_second=30, paid_per_second=1000), FakeBotApi()
        await send_paid(rl, api, 500)

        times = api.times()
        assert times[-1] == pytest.approx(484 / 985, abs=0.001)

    in_virtual_time(scenario)


def test_paid_sends_leave_in_a_burst_of_16_then_one_every_985th_of_a_second() -> None:
    async def scenario() -> None:
        rl, api = limiter(paid_per_second=1000), FakeBotApi()
        await send_paid(rl, api, 40)

        times = api.times()
        assert times[:16] == [0.0] * 16
        assert all(b - a == pytest.approx(1 / 985) for a, b in pairwise(times[15:]))

    in_virtual_time(scenario)


def test_paid_sends_hold_no_more_than_the_rate_and_one_in_any_second() -> None:
    async def scenario() -> None:
        rl, api = limiter(paid_per_second=1000), FakeBotApi()
        await send_paid(rl, api, 3000)

        times = api.times()
        for first, start in enumerate(times):
            within = bisect.bisect_right(times, start + 1 + EPS) - first
            assert within <= 1000 + 1

    in_virtual_time(scenario)


def test_no_paid_burst_when_a_halt_ends() -> None:
    async def scenario() -> None:
        rl = limiter(paid_per_second=1000)
        api = FakeBotApi(faults={1: [flood(2)]}, round_trip=0.1)
        await send_paid(rl, api, 200)

        after = sorted(t for t in api.times() if t > 0.1)
        assert all(b - a >= 1 / 985 - EPS for a, b in pairwise(after))

    in_virtual_time(scenario)


def test_a_slow_paid_rate_has_no_burst() -> None:
    assert paid_bucket(30) == (30, 1)
    assert paid_bucket(1000) == (985, 16)


def test_idle_chat_entries_are_evicted() -> None:
    async def scenario() -> None:
        rl, api = limiter(overall_per_second=100), FakeBotApi()
        for chat_id in range(1, 2001):
            await call(rl, api, chat_id=chat_id)

        assert rl.tracked_chats <= 150

    in_virtual_time(scenario)


def test_a_retry_after_on_an_unlimited_method_also_halts_sends() -> None:
    async def scenario() -> None:
        rl, api = limiter(), FakeBotApi(faults={None: [flood(3)]})
        await call(rl, api, "answerCallbackQuery", callback_query_id="q1")
        await call(rl, api, chat_id=5)

        assert api.times() == [0, pytest.approx(3), pytest.approx(3)]

    in_virtual_time(scenario)
