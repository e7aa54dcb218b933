"""Run the fake as its own process: `python -m fakebotapi --port 0 --latency-ms 50`.

The first line on stdout is the base URL (token not included); stop it with SIGINT/SIGTERM.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys

from .server import DEFAULT_TOKEN, FakeBotApi


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m fakebotapi", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--token", default=DEFAULT_TOKEN)
    parser.add_argument("--latency-ms", type=float, default=0.0, help="added round trip")
    parser.add_argument(
        "--strict-chats",
        action="store_true",
        help="answer 'chat not found' for chats no user opened (default: any positive id works)",
    )
    return parser.parse_args(argv)


async def _serve(args: argparse.Namespace) -> None:
    fake = FakeBotApi(
        args.token, latency=args.latency_ms / 1000, accept_any_chat=not args.strict_chats
    )
    await fake.start(args.host, args.port)
    print(fake.base_url, flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(signum, stop.set)
    try:
        await stop.wait()
    finally:
        await fake.stop()
        print(f"calls: {len(fake.calls)}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> None:
    """Serve until interrupted."""
    asyncio.run(_serve(_arguments(argv)))


if __name__ == "__main__":
    main()
