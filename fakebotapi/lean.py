"""A minimal Bot API server for benchmarks: sendMessage answered after a fixed delay, cheaply.

The full fake (the fakebotapi package) validates every call against the Bot API spec and
renders HTML, ~0.4 ms of CPU per message. Benchmarks share this 2-core machine with their
fake, so that cost would be counted against the bot. This one parses HTTP/1.1 keep-alive
requests and their JSON bodies, answers `getMe`, `setMyCommands` and `sendMessage` with real
Bot API objects after `--latency-ms`, and counts messages per chat so a benchmark can check it
got each exactly once. Anything else gets a Bot API error, never a silent success.

Run: `python -m fakebotapi.lean --port 0 --latency-ms 50`; the first stdout line is the base
URL (without token); `GET /_stats` returns the counts as JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import signal
import time
import urllib.parse
from collections import Counter
from typing import Any

_MAX_HEAD = 16 * 1024
_MAX_BODY = 1024 * 1024


class Stats:
    """What the fake saw: calls per method and status, messages per chat."""

    def __init__(self) -> None:
        self.by_method_and_status: Counter[str] = Counter()
        self.per_chat: Counter[int] = Counter()
        self.next_message_id = 1

    def as_json(self) -> dict[str, Any]:
        repeats = sum(n - 1 for n in self.per_chat.values() if n > 1)
        return {
            "by_method_and_status": dict(self.by_method_and_status),
            "chats": len(self.per_chat),
            "messages": sum(self.per_chat.values()),
            "repeated_messages": repeats,
        }


class BotApi:
    """The two methods a delivery benchmark needs, answered as Telegram answers them."""

    def __init__(self, token: str, stats: Stats) -> None:
        self.prefix = f"/bot{token}/"
        bot_id = int(token.split(":", 1)[0])
        self.me = {"id": bot_id, "is_bot": True, "first_name": "Bench", "username": "bench_bot"}
        self.stats = stats

    def answer(self, method: str, path: str, form: bool, body: bytes) -> tuple[int, bytes]:
        if method == "GET" and path == "/_stats":
            return 200, json.dumps(self.stats.as_json()).encode()
        if not path.startswith(self.prefix):
            return _error(404, "Not Found")
        name = path[len(self.prefix) :].lower()
        try:
            if form:  # PTB's default transport (httpx) sends url-encoded forms
                params = dict(urllib.parse.parse_qsl(body.decode(), strict_parsing=bool(body)))
            else:
                params = json.loads(body) if body else {}
        except ValueError:
            return _error(400, "Bad Request: can't parse JSON")
        if name == "getme":
            return self._ok("getMe", self.me)
        if name == "setmycommands":  # what the Application does at start-up (bench/replies.py)
            return self._ok("setMyCommands", True)
        if name == "sendmessage":
            return self._send_message(params)
        self.stats.by_method_and_status[f"{name} 400"] += 1
        return _error(400, f"Bad Request: the lean fake does not implement {name}")

    def _send_message(self, params: dict[str, Any]) -> tuple[int, bytes]:
        chat_id, text = _chat_id(params.get("chat_id")), params.get("text")
        if chat_id is None or not isinstance(text, str) or not text:
            self.stats.by_method_and_status["sendMessage 400"] += 1
            return _error(400, "Bad Request: chat_id and text are required")
        self.stats.per_chat[chat_id] += 1
        message: dict[str, Any] = {
            "message_id": self.stats.next_message_id,
            "from": self.me,
            "chat": {"id": chat_id, "type": "private", "first_name": "Subscriber"},
            "date": int(time.time()),
            "text": text,
        }
        markup = params.get("reply_markup")
        if isinstance(markup, str):  # PTB sends nested objects as JSON strings, as Telegram allows
            markup = json.loads(markup)
        if markup is not None:
            message["reply_markup"] = markup
        self.stats.next_message_id += 1
        return self._ok("sendMessage", message)

    def _ok(self, method: str, result: Any) -> tuple[int, bytes]:
        self.stats.by_method_and_status[f"{method} 200"] += 1
        return 200, json.dumps({"ok": True, "result": result}).encode()


def _chat_id(value: object) -> int | None:
    """Telegram takes chat ids as numbers or as strings of digits (PTB sends strings)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    return None


def _error(status: int, description: str) -> tuple[int, bytes]:
    body = {"ok": False, "error_code": status, "description": description}
    return status, json.dumps(body).encode()


_REASONS = {200: b"OK", 400: b"Bad Request", 404: b"Not Found", 413: b"Payload Too Large"}


class HttpConnection(asyncio.Protocol):
    """HTTP/1.1 with keep-alive and Content-Length bodies: what Bot API clients send."""

    def __init__(self, api: BotApi, latency: float) -> None:
        self.api = api
        self.latency = latency
        self.buffer = bytearray()
        self.transport: asyncio.Transport | None = None
        self.loop = asyncio.get_running_loop()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while self.transport is not None:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(self.buffer) > _MAX_HEAD:
                    self._close()
                return
            head = bytes(self.buffer[:end]).decode("latin-1").split("\r\n")
            method, target, _ = head[0].split(" ", 2)
            length, form = 0, False
            for line in head[1:]:
                name, _, value = line.partition(":")
                name = name.strip().lower()
                if name == "content-length":
                    length = int(value)
                elif name == "content-type":
                    form = "x-www-form-urlencoded" in value
            if length > _MAX_BODY:
                self._reply(413, b'{"ok":false,"error_code":413}')
                self._close()
                return
            if len(self.buffer) < end + 4 + length:
                return
            body = bytes(self.buffer[end + 4 : end + 4 + length])
            del self.buffer[: end + 4 + length]
            status, answer = self.api.answer(method, target.split("?", 1)[0], form, body)
            if self.latency > 0:
                self.loop.call_later(self.latency, self._reply, status, answer)
            else:
                self._reply(status, answer)

    def _reply(self, status: int, body: bytes) -> None:
        if self.transport is None:
            return
        reason = _REASONS.get(status, b"Error")
        self.transport.write(
            b"HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s"
            % (status, reason, len(body), body)
        )

    def _close(self) -> None:
        if self.transport is not None:
            self.transport.close()


async def serve(host: str, port: int, token: str, latency: float) -> None:
    stats = Stats()
    api = BotApi(token, stats)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: HttpConnection(api, latency), host, port, backlog=1024
    )
    bound = server.sockets[0].getsockname()[1]
    print(f"http://{host}:{bound}/bot", flush=True)
    stop = asyncio.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(signum, stop.set)
    async with server:
        await stop.wait()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m fakebotapi.lean", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--token", default="123456:TEST-token-abcdef")
    parser.add_argument("--latency-ms", type=float, default=0.0)
    args = parser.parse_args(argv)
    asyncio.run(serve(args.host, args.port, args.token, args.latency_ms / 1000))


if __name__ == "__main__":
    main()
