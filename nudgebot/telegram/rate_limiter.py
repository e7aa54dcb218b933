"""PTB rate limiter that keeps Bot API sends within Telegram's overall, per-chat and 429 limits."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import math
import time
import warnings
from collections import OrderedDict
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any, Final

from telegram._utils.types import JSONDict
from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter
from telegram.warnings import PTBDeprecationWarning

from nudgebot.telegram.send_class import is_bulk
from nudgebot.telegram.token_queue import EPSILON, Ticket, TokenBucket, TokenQueue

__all__ = ["SendRateLimiter", "paid_bucket"]

_LOGGER = logging.getLogger(__name__)
# Methods that put a message into a chat; only these count against Telegram's flood limits.
_SENDING_PREFIXES: Final = ("send", "copyMessage", "forwardMessage", "edit", "stopPoll")
_NOT_SENDING: Final = frozenset({"sendChatAction"})
# Each call looks at no more than this many idle chat entries, so eviction stays O(1).
_EVICT_PER_CALL: Final = 2
# Under a flood of replies, bulk sends still get one token in four.
_BULK_SHARE: Final = 0.25
# The paid bucket saves up this much of its rate. With a burst of one at 1,000/s each send
# waited for a timer, and a timer that fired late lost the tokens the bucket had no room for:
# on a busy event loop the limiter ran at 560-740/s (bench/delivery.py --rate-limiter paid),
# and the sends a write pass had marked together waited here one by one, each to turn
# 'unknown' in a crash (docs/performance.md).
PAID_BURST_SECONDS: Final = 0.016

Callback = Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]]


@dataclass(slots=True)
class _Chat:
    """One chat's own bucket: a short burst (a reply of two messages goes out at once), then
    one send every `interval` seconds, in call order."""

    bucket: TokenBucket
    users: int = 0
    # Replies waiting in this chat: the send ahead of them then queues as interactive too,
    # so a reply never waits behind its own chat's tip at bulk priority.
    urgent: int = 0
    waiting: tuple[TokenQueue, Ticket] | None = None
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def idle(self, now: float) -> bool:
        # Nobody waiting and the bucket refilled: the same as a fresh entry.
        return (
            not self.users
            and self.bucket.delay(now) <= EPSILON
            and (self.bucket.tokens >= self.bucket.capacity - EPSILON)
        )


class SendRateLimiter(BaseRateLimiter[int]):
    """Throttle sends to `overall_per_second`, one private chat to `private_chat_per_second`
    and one group or channel to `group_per_minute`; halt every send on a 429 for as long as
    Telegram asked, then retry up to `max_retries` times (`rate_limit_args` overrides per call).

    Replies go first: a send made inside `bulk_sends()` (tips, reminders, summaries,
    broadcasts) waits for the overall rate behind every reply, yet keeps at least `bulk_share`
    of the tokens while both wait. Requests with `allow_paid_broadcast` use a separate overall
    bucket at `paid_per_second` (`paid_bucket`: a short burst, the same bound per second).
    A rate of 0 switches that limit off. `clock` must agree with the event loop's clock
    (asyncio's default loop uses time.monotonic).
    """

    __slots__ = (
        "_chat_burst",
        "_chats",
        "_clock",
        "_group_interval",
        "_halt_until",
        "_max_retries",
        "_overall",
        "_paid",
        "_private_interval",
    )

    def __init__(
        self,
        overall_per_second: float = 30.0,
        # One: sends are spaced 1/R apart, so no one-second window ever holds more than R.
        burst: int = 1,
        private_chat_per_second: float = 1.0,
        chat_burst: int = 3,
        group_per_minute: float = 20.0,
        max_retries: int = 3,
        paid_per_second: float = 1000.0,
        clock: Callable[[], float] = time.monotonic,
        bulk_share: float = _BULK_SHARE,
    ) -> None:
        if burst < 1:
            raise ValueError("burst must be at least 1")
        if max_retries < 0:
            raise ValueError("max_retries must not be negative")
        self._clock = clock

        def queue(rate: float, burst: int) -> TokenQueue | None:
            if not rate:
                return None
            bucket = TokenBucket(rate, burst, burst)
            return TokenQueue(bucket, lambda: self._halt_until, clock, bulk_share)

        self._overall = queue(overall_per_second, burst)
        self._paid = queue(*paid_bucket(paid_per_second))
        self._private_interval = 1 / private_chat_per_second if private_chat_per_second else 0.0
        self._group_interval = 60 / group_per_minute if group_per_minute else 0.0
        self._chat_burst = chat_burst
        self._max_retries = max_retries
        self._halt_until = -math.inf
        self._chats: OrderedDict[int | str, _Chat] = OrderedDict()

    @property
    def halted_for(self) -> float:
        """Seconds left before sends may resume after a 429; 0 when not halted."""
        return max(0.0, self._halt_until - self._clock())

    @property
    def tracked_chats(self) -> int:
        """How many per-chat entries are held (idle ones are evicted as calls come in)."""
        return len(self._chats)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    async def process_request(
        self,
        callback: Callback,
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | JSONDict | list[JSONDict]:
        """Wait for this request's turn, send it, and retry it after a 429 (see class doc)."""
        max_retries = self._max_retries if rate_limit_args is None else rate_limit_args
        chat = _chat_key(endpoint, data)
        paid = bool(data.get("allow_paid_broadcast"))
        attempt = 0
        while True:
            if chat is not None:
                await self._wait_turn(chat, paid)
            elif attempt:
                await self._wait_halt()
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                seconds = retry_after_seconds(exc)
                self._halt(seconds)
                if attempt >= max_retries:
                    _LOGGER.warning("%s still flood-limited after %d retries", endpoint, attempt)
                    raise
                attempt += 1

    def _halt(self, seconds: float) -> None:
        # The max of all halts: a shorter 429 arriving later never reopens the gate early.
        until = self._clock() + seconds
        if until > self._halt_until:
            self._halt_until = until
            for queue in (self._overall, self._paid):
                if queue is not None:
                    queue.bucket.empty_until(until)
            _LOGGER.warning("Telegram flood limit: every send waits %.1f s", seconds)

    async def _wait_halt(self) -> None:
        await self._sleep_until(lambda: self._halt_until)

    async def _sleep_until(self, deadline: Callable[[], float]) -> None:
        # Not polling: each sleep lasts exactly to the deadline; the loop only re-reads a
        # deadline that moved meanwhile (a longer 429) or a wake-up a hair early.
        while (wait := deadline() - self._clock()) > EPSILON:  # noqa: ASYNC110
            await asyncio.sleep(wait)

    async def _wait_turn(self, key: int | str, paid: bool) -> None:
        private = isinstance(key, int) and key > 0
        interval = self._private_interval if private else self._group_interval
        urgent = not is_bulk()
        if not interval:
            await self._take_overall(paid, not urgent, None)
            return
        chat = self._enter_chat(key, interval)
        counted = urgent
        if urgent:
            chat.urgent += 1
            if chat.waiting is not None:
                queue, ticket = chat.waiting
                queue.promote(ticket)
        try:
            async with chat.lock:
                if counted:
                    chat.urgent -= 1
                    counted = False
                while (wait := chat.bucket.delay(self._clock())) > EPSILON:  # noqa: ASYNC110
                    await asyncio.sleep(wait)
                await self._take_overall(paid, not urgent and not chat.urgent, chat)
                # The chat's token is spent at the actual send, not when the wait began.
                chat.bucket.delay(self._clock())
                chat.bucket.tokens -= 1
        finally:
            chat.users -= 1
            if counted:  # cancelled before its turn in the chat
                chat.urgent -= 1

    async def _take_overall(self, paid: bool, bulk: bool, chat: _Chat | None) -> None:
        queue = self._paid if paid else self._overall
        if queue is None:
            await self._wait_halt()
            return
        if queue.try_take():
            return
        ticket = queue.enqueue(bulk)
        if chat is not None:
            chat.waiting = (queue, ticket)
        try:
            await ticket.granted
        finally:
            if chat is not None:
                chat.waiting = None

    def _enter_chat(self, key: int | str, interval: float) -> _Chat:
        chat = self._chats.get(key)
        if chat is None:
            burst = float(self._chat_burst)
            chat = self._chats[key] = _Chat(TokenBucket(1 / interval, burst, burst))
        else:
            self._chats.move_to_end(key)
        chat.users += 1
        self._evict_idle(self._clock())
        return chat

    def _evict_idle(self, now: float) -> None:
        # An idle entry (nobody waiting, interval elapsed) is the same as a fresh one.
        for _ in range(_EVICT_PER_CALL):
            key, chat = next(iter(self._chats.items()))
            if not chat.idle(now):
                return
            del self._chats[key]


def paid_bucket(per_second: float) -> tuple[float, int]:
    """The paid bucket's refill rate and burst: a burst of `PAID_BURST_SECONDS` of the rate,
    refilled at `per_second` - burst + 1, so that no second holds more than `per_second` + 1
    sends, as with a burst of one (16 at 985/s for Telegram's 1,000/s)."""
    burst = max(1, math.floor(max(per_second, 0.0) * PAID_BURST_SECONDS))
    return per_second - (burst - 1), burst


def _chat_key(endpoint: str, data: dict[str, Any]) -> int | str | None:
    chat_id = data.get("chat_id")
    if chat_id is None or endpoint in _NOT_SENDING or not endpoint.startswith(_SENDING_PREFIXES):
        return None
    try:
        return int(chat_id)
    except (TypeError, ValueError):
        return str(chat_id)  # "@channelname": treated as a group, like PTB's AIORateLimiter


def retry_after_seconds(exc: RetryAfter) -> float:
    # The public attribute warns in PTB 22 unless PTB_TIMEDELTA is set; the timedelta is exact.
    value = getattr(exc, "_retry_after", None)
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        raw = exc.retry_after
    return raw.total_seconds() if isinstance(raw, dt.timedelta) else float(raw)
