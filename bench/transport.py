"""CPU per Bot API request of each request class, against the lean fake in its own process.

The delivery benchmark's raw ceilings count PTB's `Bot.send_message` (parameter objects, the
`Message` parse) and are throughput figures, which move with whatever else runs on the machine.
This calls `do_request` directly with one prepared JSON body, so the figure is the request
class's own CPU per call (this process's user + system time over many calls), which a shared
machine disturbs far less. Rounds alternate between the classes so a change in load hits both.

Two figures per class:
- warm: CPU per request on kept-alive connections (what the send path pays per message);
- cold: CPU per request when each of C concurrent requests opens its own new connection
  (connect, happy eyeballs where the class has them; paid once per connection).

Run: `python bench/transport.py [--requests 20000] [--concurrency 64] [--latency-ms 50]
[--rounds 5]`.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from telegram.request import BaseRequest, RequestData

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.delivery import TOKEN, FakeServer
from bench.measure import header
from nudgebot.telegram.aiohttp_request import AiohttpRequest
from nudgebot.telegram.lean_request import LeanHttpRequest

BODY = (
    b'{"chat_id":1000001,"text":"<b>Eat one fermented food today</b>\\nA spoon of yoghurt, '
    b'kefir or sauerkraut counts.","parse_mode":"HTML","reply_markup":{"inline_keyboard":'
    b'[[{"text":"Done","callback_data":"d:1"},{"text":"Not today","callback_data":"s:1"}]]}}'
)


# The same trick as nudgebot.prepared_call: only the encoding is replaced.
class FixedBody(RequestData):  # type: ignore[misc]
    """A request body encoded once, so the figure is the transport's alone."""

    __slots__ = ()

    @property
    def json_payload(self) -> bytes:
        return BODY


Factory = Callable[[int], BaseRequest]
CLASSES: dict[str, Factory] = {
    "LeanHttpRequest": lambda pool: LeanHttpRequest(connection_pool_size=pool, pool_timeout=None),
    "AiohttpRequest": lambda pool: AiohttpRequest(connection_pool_size=pool, pool_timeout=None),
}


async def burst(request: BaseRequest, url: str, count: int, in_flight: int) -> float:
    """`count` requests with `in_flight` workers; returns CPU seconds per request."""
    data = FixedBody()
    remaining = iter(range(count))

    async def worker() -> None:
        for _ in remaining:
            status, _body = await request.do_request(url, "POST", data)
            if status != 200:
                raise RuntimeError(f"the fake answered {status}")

    cpu = time.process_time()
    await asyncio.gather(*(worker() for _ in range(in_flight)))
    return (time.process_time() - cpu) / count


async def one_round(factory: Factory, url: str, args: argparse.Namespace) -> tuple[float, float]:
    """(cold, warm) CPU seconds per request on a new request object."""
    request = factory(args.concurrency)
    await request.initialize()
    try:
        cold = await burst(request, url, args.concurrency, args.concurrency)
        warm = await burst(request, url, args.requests, args.concurrency)
    finally:
        await request.shutdown()
    return cold, warm


async def main_async(args: argparse.Namespace) -> None:
    print(header())
    print(
        f"requests={args.requests} per round, concurrency={args.concurrency}, "
        f"latency={args.latency_ms}ms, rounds={args.rounds}; fake: bench.lean_fake"
    )
    fake = FakeServer(args.latency_ms, "lean")
    url = f"{fake.base_url}{TOKEN}/sendMessage"
    cold: dict[str, list[float]] = {name: [] for name in CLASSES}
    warm: dict[str, list[float]] = {name: [] for name in CLASSES}
    try:
        for _ in range(args.rounds):
            for name, factory in CLASSES.items():
                c, w = await one_round(factory, url, args)
                cold[name].append(c)
                warm[name].append(w)
    finally:
        fake.stop()
    for name in CLASSES:
        runs = ", ".join(f"{v * 1e3:.3f}" for v in warm[name])
        print(
            f"{name}: warm {statistics.median(warm[name]) * 1e3:.3f} ms CPU/request "
            f"(rounds: {runs}); cold (new connection each) "
            f"{statistics.median(cold[name]) * 1e3:.3f} ms CPU/request"
        )


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--rounds", type=int, default=5)
    return parser.parse_args(argv)


def main() -> None:
    asyncio.run(main_async(parse_args()))


if __name__ == "__main__":
    main()
