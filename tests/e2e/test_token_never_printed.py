"""`nudgebot run` against a Bot API that refuses or babbles: the token is never in its output."""

from __future__ import annotations

import asyncio
import signal
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from aiohttp import web

from nudgebot.cli.exit_codes import EXIT_OK, EXIT_USAGE
from tests.e2e.commands import scrubbed_environment
from tests.e2e.service import free_port

TOKEN = "123456:SECRET-TOKEN-abcdefghijklmnopqrstuvwxyz"
# Each answer also echoes the request's path, which holds the token, as a careless proxy or a
# web server's error page would: a log that printed the answer would print the token.
ANSWERS = {
    "401": (401, '{"ok":false,"error_code":401,"description":"Unauthorized %s"}'),
    "404": (404, '{"ok":false,"error_code":404,"description":"Not Found %s"}'),
    "garbage": (200, "<html><body>it works! you asked for %s</body></html>"),
}


@asynccontextmanager
async def babbling_api(status: int, body: str) -> AsyncIterator[str]:
    """A local server that answers every request with `body` (the path put in); its URL."""

    async def answer(request: web.Request) -> web.Response:
        return web.Response(status=status, text=body % request.path, content_type="text/plain")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", answer)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    site = web.TCPSite(runner, "127.0.0.1", port)
    await site.start()
    try:
        yield f"http://127.0.0.1:{port}/bot"
    finally:
        await runner.cleanup()


async def run_until_it_stops_or_waits(
    tmp_path: Path, api_url: str, log_format: str
) -> tuple[int, str]:
    """`nudgebot run`; a bot still waiting for Telegram after a few attempts is sent SIGTERM."""
    env = scrubbed_environment(
        TELEGRAM_BOT_TOKEN=TOKEN,
        NUDGEBOT_TELEGRAM_API_URL=api_url,
        NUDGEBOT_DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
        NUDGEBOT_LISTEN="127.0.0.1",
        NUDGEBOT_PORT=str(free_port()),
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "nudgebot",
        "--log-format",
        log_format,
        "run",
        env=env,
        cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        # A refusal ends start-up; anything else is waited on (1 s, then 2 s, ...): long enough
        # for a few attempts, each of which could print the answer.
        await asyncio.wait_for(process.wait(), 12)
    except TimeoutError:
        process.send_signal(signal.SIGTERM)
    stdout, stderr = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode is not None
    return process.returncode, stdout.decode() + stderr.decode()


@pytest.mark.parametrize("log_format", ["text", "json"])
@pytest.mark.parametrize("answer", sorted(ANSWERS))
async def test_the_token_is_never_printed_whatever_the_bot_api_answers(
    tmp_path: Path, answer: str, log_format: str
) -> None:
    status, body = ANSWERS[answer]
    async with babbling_api(status, body) as api_url:
        code, output = await run_until_it_stops_or_waits(tmp_path, api_url, log_format)
    secret = TOKEN.split(":", 1)[1]
    assert secret not in output
    assert "Traceback" not in output
    # A refusal is one line and exit code 2; babble is waited on, and SIGTERM ends it cleanly.
    assert code == (EXIT_OK if answer == "garbage" else EXIT_USAGE), output
