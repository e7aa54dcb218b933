"""`nudgebot run` started while Telegram cannot be reached: it waits, says so, then serves."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import socket
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp

from fakebotapi import FakeBotApi
from fakebotapi.server import DEFAULT_TOKEN
from nudgebot.app.backoff import MOST_DELAY
from nudgebot.cli.exit_codes import EXIT_OK, EXIT_PROBLEM, EXIT_USAGE
from tests.e2e.service import SECRET, free_port

LATE = 10.0  # how long after the bot the fake Bot API comes up
# A deadline for things that happen at once or after one backoff step; never a measure.
PATIENCE = MOST_DELAY + 30.0
NOISE = ("Traceback", "Unclosed client session", "Task was destroyed", "Unclosed connector")


@dataclass
class RunningBot:
    """A `nudgebot run` process, its HTTP port and its log file."""

    process: asyncio.subprocess.Process
    http_port: int
    log_file: Path

    @property
    def log(self) -> str:
        return self.log_file.read_text()

    async def healthz(self) -> tuple[int, dict[str, Any]] | None:
        """GET /healthz: (status, body), or None while nothing listens yet."""
        try:
            async with (
                aiohttp.ClientSession() as http,
                http.get(f"http://127.0.0.1:{self.http_port}/healthz") as response,
            ):
                return response.status, await response.json()
        except aiohttp.ClientConnectionError:
            return None

    async def wait_for_health(
        self, wanted: Callable[[int, dict[str, Any]], bool]
    ) -> tuple[int, dict[str, Any]]:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + PATIENCE
        while loop.time() < deadline:
            answer = await self.healthz()
            if answer is not None and wanted(*answer):
                return answer
            assert self.process.returncode is None, self.log
            await asyncio.sleep(0.1)
        raise AssertionError(f"/healthz never answered as wanted\n{self.log}")

    async def stop(self) -> int:
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
        return await asyncio.wait_for(self.process.wait(), 60)


@asynccontextmanager
async def nudgebot_run(
    tmp_path: Path, api_url: str, *args: str, http_port: int = 0, **env: str
) -> AsyncIterator[RunningBot]:
    """Start `nudgebot run` as an operator would; killed at the end if still running."""
    http_port = http_port or free_port()
    base = {k: v for k, v in os.environ.items() if not k.startswith(("NUDGEBOT_", "TELEGRAM_"))}
    base |= {
        "TELEGRAM_BOT_TOKEN": DEFAULT_TOKEN,
        "NUDGEBOT_TELEGRAM_API_URL": api_url,
        "NUDGEBOT_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
        "NUDGEBOT_TICK_SECONDS": "1",
        "NUDGEBOT_LISTEN": "127.0.0.1",
        "NUDGEBOT_PORT": str(http_port),
    }
    log_file = tmp_path / "stderr.log"
    with log_file.open("w") as stderr:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "nudgebot",
            "run",
            *args,
            env=base | env,
            cwd=tmp_path,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=stderr,
        )
    bot = RunningBot(process, http_port, log_file)
    try:
        yield bot
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


def waiting(status: int, body: dict[str, Any]) -> bool:
    return status == 503 and body["telegram"] == "unreachable" and body["error"] != ""


def last_step_before(log: str) -> float:
    """The wait announced by the last failed getMe attempt in the log (seconds)."""
    steps = re.findall(r"attempt \d+, next in ([\d.]+)s", log)
    assert steps, log
    return float(steps[-1])


async def wait_out(started: float, seconds: float) -> float:
    """Sleep until `seconds` after `started` (loop time); returns the loop time then."""
    loop = asyncio.get_running_loop()
    await asyncio.sleep(max(0.0, started + seconds - loop.time()))
    return loop.time()


async def test_polling_waits_for_a_late_telegram_answering_503_then_serves(
    tmp_path: Path, figure: Callable[[str], None]
) -> None:
    api_port = free_port()
    loop = asyncio.get_running_loop()
    async with nudgebot_run(tmp_path, f"http://127.0.0.1:{api_port}/bot") as bot:
        started = loop.time()
        _, body = await bot.wait_for_health(waiting)
        assert "Could not connect to Telegram" in body["error"]
        await wait_out(started, LATE)
        assert bot.process.returncode is None
        assert (await bot.wait_for_health(waiting))[0] == 503
        fake = FakeBotApi()
        await fake.start(port=api_port)
        up = loop.time()
        step = last_step_before(bot.log)
        try:
            ada = fake.user(7)
            ada.send_command("/start")
            await fake.wait_for_message(ada.chat_id, "time zone", timeout=PATIENCE)
            served_after = loop.time() - up
            _, body = await bot.wait_for_health(lambda status, _: status == 200)
        finally:
            code = await bot.stop()
            await fake.stop()
    log = bot.log
    assert (code, body["telegram"]) == (EXIT_OK, "ok"), log
    assert not any(noise in log for noise in NOISE), log
    assert DEFAULT_TOKEN not in log
    figure(
        f"polling: answered /start {served_after:.1f} s after the fake Bot API came up "
        f"{LATE:.0f} s late (the backoff step then: {step:.1f} s)"
    )


async def test_webhook_mode_waits_too_refusing_updates_until_it_serves(
    tmp_path: Path, figure: Callable[[str], None]
) -> None:
    api_port, http_port = free_port(), free_port()
    loop = asyncio.get_running_loop()
    late = 3.0
    async with nudgebot_run(
        tmp_path,
        f"http://127.0.0.1:{api_port}/bot",
        "--webhook",
        http_port=http_port,
        NUDGEBOT_WEBHOOK_SECRET=SECRET,
        NUDGEBOT_WEBHOOK_URL=f"http://127.0.0.1:{http_port}/telegram",
    ) as bot:
        started = loop.time()
        await bot.wait_for_health(waiting)
        async with (
            aiohttp.ClientSession() as http,
            http.post(
                f"http://127.0.0.1:{bot.http_port}/telegram",
                data=json.dumps({"update_id": 1}),
                headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
            ) as response,
        ):
            refused_while_waiting = response.status
        await wait_out(started, late)
        fake = FakeBotApi()
        await fake.start(port=api_port)
        up = loop.time()
        try:
            await fake.wait_for(lambda: fake.calls_to("setWebhook") or None, timeout=PATIENCE)
            served_after = loop.time() - up
            ada = fake.user(7)
            ada.send_command("/start")
            await fake.wait_for_message(ada.chat_id, "time zone", timeout=PATIENCE)
            status, _ = await bot.wait_for_health(lambda status, _: status == 200)
        finally:
            code = await bot.stop()
            await fake.stop()
    log = bot.log
    assert (refused_while_waiting, status, code) == (503, 200, EXIT_OK), log
    assert fake.calls_to("getUpdates") == []
    assert not any(noise in log for noise in NOISE), log
    figure(
        f"webhook: set its webhook {served_after:.1f} s after the fake came up {late:.0f} s late"
    )


async def test_a_telegram_that_never_answers_is_waited_for_and_sigterm_ends_it_cleanly(
    tmp_path: Path,
) -> None:
    with socket.socket() as silent:
        # Accepts connections (the kernel's backlog) but never answers a byte.
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        api_url = f"http://127.0.0.1:{silent.getsockname()[1]}/bot"
        async with nudgebot_run(tmp_path, api_url) as bot:
            await bot.wait_for_health(
                lambda status, body: waiting(status, body) and "TimedOut" in body["error"]
            )
            # Mid-way through the next getMe, which would wait for its read timeout.
            await asyncio.sleep(1.0)
            code = await bot.stop()
    log = bot.log
    assert code == EXIT_OK, log
    assert "stopped in" in log
    assert not any(noise in log for noise in NOISE), log


async def test_a_rejected_token_is_one_line_and_exit_code_2(tmp_path: Path) -> None:
    async with FakeBotApi() as fake:
        fake.fail_next("getMe", status=401, description="Unauthorized")
        async with nudgebot_run(tmp_path, fake.base_url) as bot:
            code = await asyncio.wait_for(bot.process.wait(), PATIENCE)
    lines = bot.log.strip().splitlines()
    assert code == EXIT_USAGE
    assert len(lines) == 1, lines
    assert lines[0] == (
        "nudgebot: Telegram rejected the token: check TELEGRAM_BOT_TOKEN (or "
        f"NUDGEBOT_TELEGRAM_API_URL); the Bot API at {fake.base_url} said Unauthorized; copy the "
        "token again from @BotFather (/mybots, then API Token)"
    )
    assert fake.token not in bot.log
    assert "Traceback" not in bot.log


async def test_an_api_url_that_is_not_the_bot_api_names_the_setting(tmp_path: Path) -> None:
    async with FakeBotApi() as fake:
        wrong = fake.base_url.removesuffix("/bot") + "/nothing-here/bot"
        async with nudgebot_run(tmp_path, wrong) as bot:
            code = await asyncio.wait_for(bot.process.wait(), PATIENCE)
    lines = bot.log.strip().splitlines()
    assert code == EXIT_USAGE
    assert len(lines) == 1, lines
    assert f"NUDGEBOT_TELEGRAM_API_URL={wrong} answered getMe with Not Found" in lines[0]
    assert fake.token not in bot.log


async def test_the_http_port_in_use_is_one_line_naming_nudgebot_listen(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        async with nudgebot_run(tmp_path, "http://127.0.0.1:9/bot", NUDGEBOT_PORT=str(port)) as bot:
            code = await asyncio.wait_for(bot.process.wait(), PATIENCE)
    lines = bot.log.strip().splitlines()
    assert code == EXIT_PROBLEM
    assert len(lines) == 1, lines
    assert f"cannot listen on 127.0.0.1:{port}" in lines[0]
    assert "NUDGEBOT_LISTEN" in lines[0]
    assert DEFAULT_TOKEN not in bot.log


async def test_telegram_failing_right_after_getme_is_waited_for_too(tmp_path: Path) -> None:
    async with FakeBotApi() as fake:
        fake.fail_next("setMyCommands", status=502, description="Bad Gateway")
        fake.drop_connection_next("deleteWebhook")
        async with nudgebot_run(tmp_path, fake.base_url) as bot:
            try:
                ada = fake.user(7)
                ada.send_command("/start")
                await fake.wait_for_message(ada.chat_id, "time zone", timeout=PATIENCE)
            finally:
                code = await bot.stop()
    log = bot.log
    assert code == EXIT_OK, log
    assert "Telegram did not answer setMyCommands (NetworkError: Bad Gateway)" in log
    assert "Telegram did not answer deleteWebhook (ConnectionLost" in log
    assert not any(noise in log for noise in NOISE), log
