"""AiohttpRequest against a tiny Bot API server on 127.0.0.1, driven through a real telegram.Bot."""

from __future__ import annotations

import asyncio
import socket
import traceback
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from telegram import Bot
from telegram.error import NetworkError, RetryAfter, TimedOut
from telegram.request import BaseRequest

from nudgebot.telegram.aiohttp_request import (
    AiohttpRequest,
    ConnectionLost,
    ConnectTimedOut,
    PoolTimedOut,
    SendNotStarted,
    is_surely_not_sent,
)
from nudgebot.telegram.lean_request import LeanHttpRequest

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
ME = {"id": 123456789, "is_bot": True, "first_name": "Nudge", "username": "nudgebot"}

Fault = Callable[[web.Request], Awaitable[web.StreamResponse]]


@pytest.fixture(autouse=True)
def _timedelta_retry_after(monkeypatch: pytest.MonkeyPatch) -> None:
    # PTB 22.8 warns when RetryAfter is built with the legacy int view; opt in to timedelta.
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


@dataclass
class FakeTelegram:
    """Answers like the Bot API; `fault` replaces the answer to sendMessage."""

    port: int = 0
    fault: Fault | None = None
    release: asyncio.Event = field(default_factory=asyncio.Event)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)
    in_flight: int = 0
    max_in_flight: int = 0
    received: list[dict[str, Any]] = field(default_factory=list)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        self.arrived.set()
        try:
            return await self._answer(request)
        finally:
            self.in_flight -= 1

    async def _answer(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        if request.content_type == "application/json":
            form = await request.json()
        else:
            form = await request.post()
        fields = {
            name: (value.filename, value.file.read()) if isinstance(value, web.FileField) else value
            for name, value in form.items()
        }
        self.received.append({"method": method, **fields})
        if method == "getMe":
            return web.json_response({"ok": True, "result": ME})
        if self.fault is not None:
            return await self.fault(request)
        chat = {"id": int(str(form["chat_id"])), "type": "private"}
        result: dict[str, Any] = {"message_id": len(self.received), "date": 0, "chat": chat}
        if method == "sendMessage":
            result["text"] = form["text"]
        elif method == "sendDocument":
            result["document"] = {"file_id": "f1", "file_unique_id": "u1"}
        return web.json_response({"ok": True, "result": result})


@pytest.fixture
async def telegram_server() -> AsyncIterator[FakeTelegram]:
    fake = FakeTelegram()
    app = web.Application()
    app.router.add_post("/bot{token}/{method}", fake.handle)
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    fake.port = runner.addresses[0][1]
    yield fake
    fake.release.set()
    await runner.cleanup()


@pytest.fixture(params=[AiohttpRequest, LeanHttpRequest], ids=["aiohttp", "lean"])
def transport(request: pytest.FixtureRequest) -> type[BaseRequest]:
    """Both request classes must meet the same specification."""
    cls: type[BaseRequest] = request.param
    return cls


def make_bot(port: int, transport: type[BaseRequest], **request_kwargs: Any) -> Bot:
    return Bot(
        TOKEN,
        base_url=f"http://127.0.0.1:{port}/bot",
        request=transport(**request_kwargs),
        get_updates_request=AiohttpRequest(connection_pool_size=1),
    )


def error_text(exc: BaseException) -> str:
    """Everything a log line with exc_info would print, cause chain included."""
    return "".join(traceback.format_exception(exc))


def status(code: int, body: dict[str, Any]) -> Fault:
    async def answer(request: web.Request) -> web.StreamResponse:
        return web.json_response(body, status=code)

    return answer


def hold_until_released(fake: FakeTelegram) -> Fault:
    async def answer(request: web.Request) -> web.StreamResponse:
        await fake.release.wait()
        return web.json_response({"ok": True, "result": True})

    return answer


async def test_send_message_returns_the_message_telegram_sent(
    telegram_server: FakeTelegram, transport: type[BaseRequest]
) -> None:
    async with make_bot(telegram_server.port, transport) as bot:
        message = await bot.send_message(chat_id=42, text="Eat a fermented food today")

    assert message.text == "Eat a fermented food today"
    assert telegram_server.received[-1]["chat_id"] == "42"


async def test_document_bytes_are_uploaded_as_multipart(
    telegram_server: FakeTelegram, transport: type[BaseRequest]
) -> None:
    async with make_bot(telegram_server.port, transport) as bot:
        message = await bot.send_document(chat_id=42, document=b"tip data", filename="tip.txt")

    upload = telegram_server.received[-1]["document"]
    assert message.document is not None
    assert upload == ("tip.txt", b"tip data")


async def test_full_pool_fails_with_timed_out_not_sent(
    telegram_server: FakeTelegram, transport: type[BaseRequest]
) -> None:
    telegram_server.fault = hold_until_released(telegram_server)
    async with make_bot(telegram_server.port, transport, connection_pool_size=1) as bot:
        telegram_server.arrived.clear()
        first = asyncio.create_task(bot.send_message(chat_id=1, text="first"))
        await telegram_server.arrived.wait()
        with pytest.raises(TimedOut, match=r"\*not\* sent") as caught:
            await bot.send_message(chat_id=2, text="second", pool_timeout=0.05)
        telegram_server.release.set()
        await first

    assert isinstance(caught.value, PoolTimedOut)
    assert is_surely_not_sent(caught.value)
    assert [r.get("text") for r in telegram_server.received if "text" in r] == ["first"]


async def test_read_timeout_is_timed_out_and_maybe_sent(
    telegram_server: FakeTelegram, transport: type[BaseRequest]
) -> None:
    telegram_server.fault = hold_until_released(telegram_server)
    async with make_bot(telegram_server.port, transport) as bot:
        with pytest.raises(TimedOut) as caught:
            await bot.send_message(chat_id=1, text="slow", read_timeout=0.05)

    assert not isinstance(caught.value, SendNotStarted)
    assert not is_surely_not_sent(caught.value)


async def test_refused_connection_is_network_error_surely_not_sent(
    transport: type[BaseRequest],
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    bot = make_bot(closed_port, transport)

    with pytest.raises(NetworkError) as caught:
        await bot.initialize()
    await bot.shutdown()

    assert isinstance(caught.value, SendNotStarted)
    assert is_surely_not_sent(caught.value)


async def test_server_disconnect_after_sending_is_maybe_sent(
    telegram_server: FakeTelegram, transport: type[BaseRequest]
) -> None:
    async def hang_up(request: web.Request) -> web.StreamResponse:
        assert request.transport is not None
        request.transport.close()
        return web.Response()

    telegram_server.fault = hang_up
    async with make_bot(telegram_server.port, transport) as bot:
        with pytest.raises(NetworkError) as caught:
            await bot.send_message(chat_id=1, text="lost")

    assert isinstance(caught.value, ConnectionLost)
    assert not is_surely_not_sent(caught.value)


async def test_status_500_is_ptb_network_error_surely_not_sent(
    telegram_server: FakeTelegram, transport: type[BaseRequest]
) -> None:
    body = {"ok": False, "error_code": 500, "description": "Internal Server Error"}
    telegram_server.fault = status(500, body)
    async with make_bot(telegram_server.port, transport) as bot:
        with pytest.raises(NetworkError, match="Internal Server Error") as caught:
            await bot.send_message(chat_id=1, text="x")

    assert type(caught.value) is NetworkError
    assert is_surely_not_sent(caught.value)


async def test_html_502_from_a_proxy_is_network_error_surely_not_sent(
    telegram_server: FakeTelegram, transport: type[BaseRequest]
) -> None:
    async def bad_gateway(request: web.Request) -> web.StreamResponse:
        return web.Response(status=502, text="<html>502 Bad Gateway</html>")

    telegram_server.fault = bad_gateway
    async with make_bot(telegram_server.port, transport) as bot:
        with pytest.raises(NetworkError, match=r"Bad Gateway \(502\)") as caught:
            await bot.send_message(chat_id=1, text="x")

    assert is_surely_not_sent(caught.value)


def test_an_unexpected_transport_failure_counts_as_maybe_sent() -> None:
    # What PTB's BaseRequest raises when a transport lets a foreign exception escape.
    exc = NetworkError("Unknown error in HTTP implementation: ValueError('boom')")
    exc.__cause__ = ValueError("boom")

    assert not is_surely_not_sent(exc)


async def test_status_429_is_retry_after_surely_not_sent(
    telegram_server: FakeTelegram, transport: type[BaseRequest]
) -> None:
    body = {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 3",
        "parameters": {"retry_after": 3},
    }
    telegram_server.fault = status(429, body)
    async with make_bot(telegram_server.port, transport) as bot:
        with pytest.raises(RetryAfter) as caught:
            await bot.send_message(chat_id=1, text="x")

    assert caught.value._retry_after.total_seconds() == 3
    assert is_surely_not_sent(caught.value)


async def test_in_flight_requests_never_exceed_pool_size(
    telegram_server: FakeTelegram, transport: type[BaseRequest]
) -> None:
    async def slow_ok(request: web.Request) -> web.StreamResponse:
        # A fake round trip, so that requests overlap if the client let them.
        await asyncio.sleep(0.01)
        chat = {"id": 1, "type": "private"}
        return web.json_response({"ok": True, "result": {"message_id": 1, "date": 0, "chat": chat}})

    telegram_server.fault = slow_ok
    async with make_bot(
        telegram_server.port, transport, connection_pool_size=3, pool_timeout=None
    ) as bot:
        await asyncio.gather(*(bot.send_message(chat_id=1, text=str(i)) for i in range(12)))

    assert telegram_server.max_in_flight == 3


async def test_connect_timeout_is_not_sent_and_hides_the_url(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def time_out(self: aiohttp.ClientSession, method: str, url: str, **_: Any) -> None:
        # aiohttp's own message for this case carries the full URL, token included.
        raise aiohttp.ConnectionTimeoutError(f"Connection timeout to host {url}")

    monkeypatch.setattr(aiohttp.ClientSession, "_request", time_out)
    bot = make_bot(9, AiohttpRequest)

    with pytest.raises(TimedOut, match=r"\*not\* sent") as caught:
        await bot.initialize()
    await bot.shutdown()

    assert isinstance(caught.value, ConnectTimedOut)
    assert is_surely_not_sent(caught.value)
    assert TOKEN not in error_text(caught.value)


@pytest.mark.parametrize(
    "fault",
    ["pool", "read_timeout", "refused", "disconnect", "status_500"],
)
async def test_token_never_appears_in_error_text(
    telegram_server: FakeTelegram, fault: str, transport: type[BaseRequest]
) -> None:
    exc = await provoke(telegram_server, fault, transport)

    assert TOKEN not in error_text(exc)
    assert TOKEN.split(":")[1] not in error_text(exc)


async def provoke(fake: FakeTelegram, fault: str, transport: type[BaseRequest]) -> BaseException:
    port = fake.port
    kwargs: dict[str, Any] = {}
    if fault == "refused":
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
    elif fault == "status_500":
        fake.fault = status(500, {"ok": False, "description": "Internal Server Error"})
    elif fault == "disconnect":

        async def hang_up(request: web.Request) -> web.StreamResponse:
            assert request.transport is not None
            request.transport.close()
            return web.Response()

        fake.fault = hang_up
    else:
        fake.fault = hold_until_released(fake)
        kwargs = {"read_timeout": 0.05, "pool_timeout": 0.05}
    bot = make_bot(port, transport, connection_pool_size=1)
    try:
        await bot.initialize()
        if fault == "pool":
            fake.arrived.clear()
            first = asyncio.create_task(bot.send_message(chat_id=1, text="a"))
            await fake.arrived.wait()
            try:
                await bot.send_message(chat_id=1, text="b", pool_timeout=0.05)
            finally:
                fake.release.set()
                await first
        else:
            await bot.send_message(chat_id=1, text="b", **kwargs)
    except NetworkError as exc:
        return exc
    finally:
        await bot.shutdown()
    raise AssertionError(f"{fault} raised nothing")


async def test_a_keep_alive_connection_closed_between_requests_is_never_maybe_sent(
    telegram_server: FakeTelegram, transport: type[BaseRequest]
) -> None:
    # The server hangs up right after each answer, as servers close idle keep-alive
    # connections; the next request either opens a new connection or is refused unsent.
    async def answer_then_hang_up(request: web.Request) -> web.StreamResponse:
        chat = {"id": 1, "type": "private"}
        response = web.json_response(
            {"ok": True, "result": {"message_id": 1, "date": 0, "chat": chat}}
        )
        await response.prepare(request)
        await response.write_eof()
        assert request.transport is not None
        request.transport.abort()
        return response

    telegram_server.fault = answer_then_hang_up
    delivered = 0
    refused: list[NetworkError] = []
    async with make_bot(telegram_server.port, transport, connection_pool_size=1) as bot:
        for _ in range(20):
            try:
                await bot.send_message(chat_id=1, text="still here")
                delivered += 1
            except NetworkError as error:
                refused.append(error)

    assert all(isinstance(e, SendNotStarted) and is_surely_not_sent(e) for e in refused), refused

    assert len([r for r in telegram_server.received if r["method"] == "sendMessage"]) == delivered


async def test_a_reset_after_the_request_was_written_is_maybe_sent(
    telegram_server: FakeTelegram, transport: type[BaseRequest]
) -> None:
    async def reset(request: web.Request) -> web.StreamResponse:
        assert request.transport is not None
        sock = request.transport.get_extra_info("socket")
        # SO_LINGER 0: close() sends a RST, as a crashing server or a middlebox would.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        request.transport.abort()
        return web.Response()

    telegram_server.fault = reset
    async with make_bot(telegram_server.port, transport) as bot:
        with pytest.raises(NetworkError) as caught:
            await bot.send_message(chat_id=1, text="maybe")

    assert isinstance(caught.value, ConnectionLost)
    assert not is_surely_not_sent(caught.value)
