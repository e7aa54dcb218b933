"""Both request classes announce each request to the handover listener before its first byte."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

import pytest
from telegram.request import BaseRequest

from nudgebot.telegram import handover
from nudgebot.telegram.aiohttp_request import AiohttpRequest
from nudgebot.telegram.lean_request import LeanHttpRequest
from nudgebot.telegram.send_errors import SendNotStarted
from tests.http_requests import take_request
from tests.integration.test_transport import ME, make_bot

MESSAGE = {"message_id": 7, "date": 0, "chat": {"id": 1, "type": "private"}, "text": "hi"}


@dataclass
class WireLog:
    """What happened, in order: 'leaving' from the listener, 'bytes' when a request's first
    bytes reach the server; and the request lines the server read in full."""

    events: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    port: int = 0


class _Handler(asyncio.Protocol):
    """Reads HTTP/1.1 requests with a Content-Length and answers each like the Bot API."""

    def __init__(self, log: WireLog) -> None:
        self.log = log
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        assert self.transport is not None
        if not self.buffer:
            self.log.events.append("bytes")
        self.buffer += data
        while (taken := take_request(self.buffer)) is not None:
            head, self.buffer = taken
            request_line = head.split(b"\r\n", 1)[0].decode()
            self.log.requests.append(request_line)
            result = ME if "/getMe " in request_line else MESSAGE
            body = json.dumps({"ok": True, "result": result}).encode()
            self.transport.write(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                b"Content-Length: %d\r\n\r\n%s" % (len(body), body)
            )


@pytest.fixture
async def wire() -> AsyncIterator[WireLog]:
    log = WireLog()
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: _Handler(log), "127.0.0.1", 0)
    log.port = server.sockets[0].getsockname()[1]
    yield log
    server.close()


@pytest.fixture(params=[AiohttpRequest, LeanHttpRequest], ids=["aiohttp", "lean"])
def transport(request: pytest.FixtureRequest) -> type[BaseRequest]:
    cls: type[BaseRequest] = request.param
    return cls


def recording(log: WireLog) -> Callable[[], None]:
    return lambda: log.events.append("leaving")


REFUSAL = SendNotStarted("the send journal could neither be written nor removed")


def refusing(log: WireLog) -> Callable[[], None]:
    def listener() -> None:
        log.events.append("leaving")
        raise REFUSAL

    return listener


def sends(log: WireLog) -> list[str]:
    return [line for line in log.requests if "/sendMessage " in line]


async def test_the_listener_is_called_before_the_server_receives_the_request(
    wire: WireLog, transport: type[BaseRequest]
) -> None:
    async with make_bot(wire.port, transport) as bot:
        wire.events.clear()
        with handover.watch(recording(wire)):
            await bot.send_message(chat_id=1, text="hi")

    assert wire.events == ["leaving", "bytes"]


async def test_the_listener_is_called_once_per_request(
    wire: WireLog, transport: type[BaseRequest]
) -> None:
    async with make_bot(wire.port, transport) as bot:
        wire.events.clear()
        with handover.watch(recording(wire)):
            for text in ("one", "two", "three"):
                await bot.send_message(chat_id=1, text=text)

    assert wire.events == ["leaving", "bytes"] * 3
    assert len(sends(wire)) == 3


async def test_a_refusing_listener_keeps_the_request_from_the_server(
    wire: WireLog, transport: type[BaseRequest]
) -> None:
    async with make_bot(wire.port, transport) as bot:
        wire.events.clear()
        with handover.watch(refusing(wire)), pytest.raises(SendNotStarted):
            await bot.send_message(chat_id=1, text="hi")

    assert wire.events == ["leaving"]
    assert sends(wire) == []


async def test_the_caller_gets_the_listeners_error_itself(
    wire: WireLog, transport: type[BaseRequest]
) -> None:
    async with make_bot(wire.port, transport) as bot:
        with handover.watch(refusing(wire)), pytest.raises(SendNotStarted) as caught:
            await bot.send_message(chat_id=1, text="hi")

    assert caught.value is REFUSAL


async def test_a_refused_request_leaves_the_client_able_to_send(
    wire: WireLog, transport: type[BaseRequest]
) -> None:
    async with make_bot(wire.port, transport) as bot:
        with handover.watch(refusing(wire)), pytest.raises(SendNotStarted):
            await bot.send_message(chat_id=1, text="refused")
        message = await bot.send_message(chat_id=1, text="hi")

    assert message.message_id == MESSAGE["message_id"]
    assert len(sends(wire)) == 1


async def test_without_a_listener_requests_are_sent_as_before(
    wire: WireLog, transport: type[BaseRequest]
) -> None:
    async with make_bot(wire.port, transport) as bot:
        message = await bot.send_message(chat_id=1, text="hi")

    assert message.message_id == MESSAGE["message_id"]
    assert "leaving" not in wire.events
    assert len(sends(wire)) == 1


async def test_the_listener_stops_being_called_when_the_watch_ends(
    wire: WireLog, transport: type[BaseRequest]
) -> None:
    async with make_bot(wire.port, transport) as bot:
        with handover.watch(recording(wire)):
            await bot.send_message(chat_id=1, text="watched")
        wire.events.clear()
        await bot.send_message(chat_id=1, text="unwatched")

    assert wire.events == ["bytes"]


async def test_a_listener_sees_only_its_own_tasks_requests(
    wire: WireLog, transport: type[BaseRequest]
) -> None:
    async with make_bot(wire.port, transport) as bot:
        wire.events.clear()
        watched = asyncio.Event()
        send_now = asyncio.Event()

        async def watching() -> None:
            with handover.watch(recording(wire)):
                watched.set()
                await send_now.wait()

        task = asyncio.create_task(watching())
        await watched.wait()
        await bot.send_message(chat_id=1, text="another task's")
        send_now.set()
        await task

    assert wire.events == ["bytes"]


def test_leaving_without_a_listener_does_nothing() -> None:
    handover.leaving()  # must not raise


def test_a_nested_watch_restores_the_outer_listener() -> None:
    calls: list[str] = []
    with handover.watch(lambda: calls.append("outer")):
        with handover.watch(lambda: calls.append("inner")):
            handover.leaving()
        handover.leaving()

    assert calls == ["inner", "outer"]
