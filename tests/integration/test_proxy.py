"""Both request classes reach Telegram through a proxy: CONNECT for https, absolute form else."""

from __future__ import annotations

import asyncio
import ssl
import subprocess
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from telegram import Bot
from telegram.request import BaseRequest

from fakebotapi.server import FakeBotApi
from nudgebot.app.builder import build_application
from nudgebot.config import load_settings
from nudgebot.telegram.aiohttp_request import AiohttpRequest, SendNotStarted
from nudgebot.telegram.lean_request import LeanHttpRequest

# A name no resolver knows (RFC 2606): a call that reaches the fake went through the proxy.
HOST = "api.telegram.test"
PIXEL = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
)
CLASSES = [pytest.param(LeanHttpRequest, id="lean"), pytest.param(AiohttpRequest, id="aiohttp")]


async def _head(reader: asyncio.StreamReader) -> bytes | None:
    try:
        return await reader.readuntil(b"\r\n\r\n")
    except (asyncio.IncompleteReadError, ConnectionError):
        return None


async def _body(reader: asyncio.StreamReader, headers: dict[str, str]) -> bytes:
    if headers.get("transfer-encoding", "").lower() == "chunked":
        body = b""
        while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
            body += (await reader.readexactly(size + 2))[:-2]
        await reader.readuntil(b"\r\n")
        return body
    return await reader.readexactly(int(headers.get("content-length", "0")))


@dataclass
class RecordingProxy:
    """An HTTP proxy on 127.0.0.1 that records each request and hands it to the fake Bot API.

    CONNECT tunnels are opened and their TLS ended here, with a certificate for HOST, so the
    requests inside are recorded too; every request then goes to the fake over plain HTTP.
    """

    upstream: int
    tls: ssl.SSLContext
    requests: list[str] = field(default_factory=list)
    authorizations: list[str] = field(default_factory=list)
    url: str = ""
    secure_url: str = ""

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await _head(reader)
            origin = ""
            if head is not None and head.startswith(b"CONNECT "):
                self._record(head, "")
                writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
                await writer.drain()
                await writer.start_tls(self.tls)
                origin = f"https://{head.split()[1].decode().removesuffix(':443')}"
                head = await _head(reader)
            while head is not None:
                await self._forward(head, origin, reader, writer)
                head = await _head(reader)
        finally:
            writer.close()

    def _record(self, head: bytes, origin: str) -> tuple[str, str, dict[str, str]]:
        lines = head.decode("latin-1").split("\r\n")
        method, target, _ = lines[0].split(" ")
        headers = {
            k.strip().lower(): v.strip() for k, _, v in (x.partition(":") for x in lines[1:])
        }
        self.requests.append(f"{method} {origin}{target}")
        if "proxy-authorization" in headers:
            self.authorizations.append(headers["proxy-authorization"])
        return method, target, headers

    async def _forward(
        self,
        head: bytes,
        origin: str,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
    ) -> None:
        method, target, headers = self._record(head, origin)
        body = await _body(reader, headers)
        parts = urlsplit(target)
        path = f"{parts.path}?{parts.query}" if parts.query else parts.path
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.upstream)
        up_writer.write(
            f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
            f"Content-Type: {headers.get('content-type', 'application/json')}\r\n"
            f"Content-Length: {len(body)}\r\n\r\n".encode()
            + body
        )
        answer = await up_reader.read()  # the fake closes after answering (Connection: close)
        up_writer.close()
        # Keep the client's connection open: the answer is framed by its Content-Length.
        writer.write(answer.replace(b"Connection: close\r\n", b""))
        await writer.drain()


def _certificate(directory: Path) -> tuple[Path, Path]:
    cert, key = directory / "cert.pem", directory / "key.pem"
    command = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
    command += ["-subj", f"/CN={HOST}", "-addext", f"subjectAltName=DNS:{HOST},IP:127.0.0.1"]
    subprocess.run(
        [*command, "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True
    )
    return cert, key


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as api:
        api.user(42)
        yield api


@pytest.fixture
async def proxy(
    fake: FakeBotApi, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[RecordingProxy]:
    cert, key = _certificate(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # the clients trust the proxy's certificate
    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    recorder = RecordingProxy(fake.port, context)
    server = await asyncio.start_server(recorder.serve, "127.0.0.1", 0)
    recorder.url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
    # The same proxy behind TLS: an https:// proxy URL.
    secure = await asyncio.start_server(recorder.serve, "127.0.0.1", 0, ssl=context)
    recorder.secure_url = f"https://127.0.0.1:{secure.sockets[0].getsockname()[1]}"
    async with server, secure:
        yield recorder


def _bot(
    fake: FakeBotApi, request: BaseRequest, scheme: str, polling: BaseRequest | None = None
) -> Bot:
    return Bot(
        fake.token, base_url=f"{scheme}://{HOST}/bot", request=request, get_updates_request=polling
    )


@pytest.mark.parametrize("request_class", CLASSES)
async def test_https_calls_go_through_a_connect_tunnel_to_the_proxy(
    request_class: type[LeanHttpRequest], fake: FakeBotApi, proxy: RecordingProxy
) -> None:
    async with _bot(fake, request_class(proxy=proxy.url), "https") as bot:
        await bot.send_message(42, "hello through the proxy")

    assert proxy.requests[0] == f"CONNECT {HOST}:443"
    assert f"POST https://{HOST}/bot{fake.token}/getMe" in proxy.requests
    assert f"POST https://{HOST}/bot{fake.token}/sendMessage" in proxy.requests
    assert fake.messages(42)[-1].text == "hello through the proxy"


@pytest.mark.parametrize("request_class", CLASSES)
async def test_http_calls_go_to_the_proxy_in_absolute_form(
    request_class: type[LeanHttpRequest], fake: FakeBotApi, proxy: RecordingProxy
) -> None:
    async with _bot(fake, request_class(proxy=proxy.url), "http") as bot:
        await bot.send_message(42, "plain http")

    assert proxy.requests == [
        f"POST http://{HOST}/bot{fake.token}/getMe",
        f"POST http://{HOST}/bot{fake.token}/sendMessage",
    ]


@pytest.mark.parametrize("request_class", CLASSES)
async def test_uploads_and_polling_go_through_the_proxy(
    request_class: type[LeanHttpRequest], fake: FakeBotApi, proxy: RecordingProxy
) -> None:
    polling = request_class(proxy=proxy.url)
    async with _bot(fake, request_class(proxy=proxy.url), "https", polling) as bot:
        await bot.send_photo(42, PIXEL)
        await bot.get_updates(timeout=0)

    assert f"POST https://{HOST}/bot{fake.token}/sendPhoto" in proxy.requests
    assert f"POST https://{HOST}/bot{fake.token}/getUpdates" in proxy.requests


@pytest.mark.parametrize("request_class", CLASSES)
async def test_https_proxy_variable_is_used_without_a_setting(
    request_class: type[LeanHttpRequest],
    fake: FakeBotApi,
    proxy: RecordingProxy,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", proxy.url)

    async with _bot(fake, request_class(), "https") as bot:
        await bot.send_message(42, "from the environment")

    assert f"POST https://{HOST}/bot{fake.token}/sendMessage" in proxy.requests


@pytest.mark.parametrize("request_class", CLASSES)
async def test_proxy_credentials_are_sent_as_proxy_authorization(
    request_class: type[LeanHttpRequest], fake: FakeBotApi, proxy: RecordingProxy
) -> None:
    with_login = proxy.url.replace("http://", "http://ada:s%40cret@")

    async with _bot(fake, request_class(proxy=with_login), "https") as bot:
        await bot.get_me()

    assert proxy.authorizations[0] == "Basic YWRhOnNAY3JldA=="  # ada:s@cret


@pytest.mark.parametrize("request_class", CLASSES)
async def test_no_proxy_hosts_go_direct(
    request_class: type[LeanHttpRequest],
    fake: FakeBotApi,
    proxy: RecordingProxy,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    monkeypatch.setenv("NO_PROXY", "localhost,127.0.0.1")

    async with Bot(
        fake.token, base_url=fake.base_url, request=request_class(proxy=proxy.url)
    ) as bot:
        await bot.send_message(42, "direct")

    assert proxy.requests == []
    assert fake.messages(42)[-1].text == "direct"


@pytest.mark.parametrize("request_class", CLASSES)
async def test_an_https_proxy_is_reached_over_tls(
    request_class: type[LeanHttpRequest], fake: FakeBotApi, proxy: RecordingProxy
) -> None:
    async with _bot(fake, request_class(proxy=proxy.secure_url), "https") as bot:
        await bot.send_message(42, "tls inside tls")

    assert proxy.requests[0] == f"CONNECT {HOST}:443"
    assert fake.messages(42)[-1].text == "tls inside tls"


async def test_the_proxy_setting_reaches_the_send_path_and_polling(
    fake: FakeBotApi, proxy: RecordingProxy, tmp_path: Path
) -> None:
    settings = load_settings(
        telegram_bot_token=fake.token,
        telegram_api_url=f"https://{HOST}/bot",
        proxy_url=proxy.url,
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
    )
    application = build_application(settings)

    async with application.bot as bot:
        await bot.send_message(42, "sent by the app")
        await bot.get_updates(timeout=0)

    assert f"POST https://{HOST}/bot{fake.token}/sendMessage" in proxy.requests
    assert f"POST https://{HOST}/bot{fake.token}/getUpdates" in proxy.requests


@pytest.mark.parametrize("request_class", CLASSES)
async def test_a_malformed_proxy_variable_fails_the_call_unsent_naming_it(
    request_class: type[LeanHttpRequest],
    fake: FakeBotApi,
    proxy: RecordingProxy,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "socks5://127.0.0.1:1080")
    request = request_class()
    await request.initialize()
    try:
        with pytest.raises(SendNotStarted, match="in HTTPS_PROXY must be an http://"):
            await request.post(f"https://{HOST}/bot{fake.token}/getMe")
    finally:
        await request.shutdown()
