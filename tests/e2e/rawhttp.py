"""A client that speaks HTTP by hand over a real socket: slow, silent or cut short on purpose."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import resource
from collections.abc import Callable, Iterable

from tests.e2e.service import SECRET


def request_head(content_length: int, *, path: str = "/telegram", padding: int = 0) -> bytes:
    """A POST head as Telegram would send it; padding adds a header that long, to trickle."""
    lines = [
        f"POST {path} HTTP/1.1",
        "Host: 127.0.0.1",
        "Content-Type: application/json",
        f"X-Telegram-Bot-Api-Secret-Token: {SECRET}",
        f"Content-Length: {content_length}",
    ]
    if padding:
        lines.append("X-Padding: " + "a" * padding)
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


class RawClient:
    """One TCP connection; everything the server sends back is collected until it closes."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writer = writer
        self.answer = asyncio.ensure_future(self._read_all(reader))

    @classmethod
    async def connect(cls, port: int) -> RawClient:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        return cls(reader, writer)

    @staticmethod
    async def _read_all(reader: asyncio.StreamReader) -> bytes:
        received = b""
        with contextlib.suppress(ConnectionError):
            while chunk := await reader.read(65536):
                received += chunk
        return received

    @property
    def closed_by_server(self) -> bool:
        return self.answer.done()

    async def send(self, data: bytes) -> None:
        self._writer.write(data)
        await self._writer.drain()

    async def trickle(self, data: Iterable[int], every: float) -> int:
        """Send one byte at a time until done or the server closes; returns bytes sent."""
        sent = 0
        for byte in data:
            if self.closed_by_server:
                break
            try:
                await self.send(bytes([byte]))
            except ConnectionError:
                break
            sent += 1
            await asyncio.sleep(every)
        return sent

    async def status(self, timeout: float = 10.0) -> int:  # noqa: ASYNC109 - a test deadline
        """The status of the server's answer (0 if it closed without one)."""
        answer = await asyncio.wait_for(asyncio.shield(self.answer), timeout)
        if not answer.startswith(b"HTTP/1.1 "):
            return 0
        return int(answer.split(b" ", 2)[1])

    def close(self) -> None:
        self._writer.close()
        self.answer.cancel()


def raise_open_file_limit(needed: int) -> None:
    """Lift this process's soft RLIMIT_NOFILE to the hard limit when it is below needed."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < needed:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def errors_or_tracebacks(records: list[logging.LogRecord]) -> list[str]:
    """Log lines at ERROR or above, or carrying a traceback: none may appear for a bad client."""
    return [
        record.getMessage()
        for record in records
        if record.levelno >= logging.ERROR or record.exc_info or record.exc_text
    ]


async def eventually(predicate: Callable[[], bool], timeout: float = 10.0) -> None:  # noqa: ASYNC109
    """Poll until the predicate holds; fails the test after timeout seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError(f"still not true after {timeout}s")
        await asyncio.sleep(0.02)
