"""`nudgebot run`: start intake (polling or webhook) and the HTTP server, stop gracefully."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import socket
import time
from collections.abc import Iterator

import uvicorn
from telegram import Update

from nudgebot.app.lifecycle import stop_ticking
from nudgebot.app.runtime import NudgeApp
from nudgebot.web.asgi import create_web_app
from nudgebot.web.heap import freeze_startup_heap

log = logging.getLogger(__name__)


class ListenError(Exception):
    """The HTTP server could not bind its address; the message says which and why."""


class _QuietServer(uvicorn.Server):
    """uvicorn without its own signal handling: we stop it, and the process still exits 0."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        # uvicorn re-raises a caught SIGTERM after serving, which would kill us with -15
        # before the delivery engine had recorded its in-flight sends.
        yield


class BotServer:
    """One running bot: the Application, its intake, the tick and the HTTP server."""

    def __init__(self, application: NudgeApp, *, webhook: bool, freeze_heap: bool = False) -> None:
        self.application = application
        self.webhook = webhook
        # Only a process that serves alone may freeze its heap; tests run many services in one.
        self._freeze_heap = freeze_heap
        settings = application.bot_data.runtime.settings
        self._settings = settings
        config = uvicorn.Config(
            create_web_app(application, webhook=webhook),
            lifespan="off",
            log_config=None,  # keep our handlers: one line per event, redacted, maybe JSON
            access_log=False,
            timeout_graceful_shutdown=max(1, int(settings.shutdown_seconds)),
        )
        self._server = _QuietServer(config)
        self._stopping: asyncio.Task[None] | None = None
        self._stop_started = 0.0
        self.port = 0
        self.ready = asyncio.Event()

    def request_stop(self) -> None:
        """Stop taking new work now; run() then finishes what is in flight and returns."""
        if self._stopping is not None:
            return
        log.info("stopping: no new updates or deliveries, finishing what is in flight")
        self._stop_started = time.monotonic()
        self._server.should_exit = True
        stop_ticking(self.application)
        engine = self.application.bot_data.runtime.engine
        self._stopping = asyncio.create_task(engine.stop(self._settings.shutdown_seconds))

    def _bind(self) -> socket.socket:
        host, port = self._settings.listen, self._settings.port
        try:
            family = socket.AF_INET6 if ":" in host else socket.AF_INET
            sock = socket.create_server((host, port), family=family, reuse_port=False)
        except OSError as error:
            raise ListenError(
                f"cannot listen on {host}:{port} ({error.strerror}): set NUDGEBOT_LISTEN "
                "and NUDGEBOT_PORT to a free address"
            ) from None
        self.port = int(sock.getsockname()[1])
        return sock

    async def run(self, *, handle_signals: bool = True) -> None:
        """Serve until request_stop() (or SIGTERM/SIGINT), then shut down in order."""
        application = self.application
        sock = self._bind()
        if handle_signals:
            loop = asyncio.get_running_loop()
            for signum in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(signum, self.request_stop)
        try:
            async with application:
                assert application.post_init is not None
                await application.post_init(application)
                if self._freeze_heap:
                    log.debug("froze %d start-up objects", freeze_startup_heap())
                await self._start_intake()
                await application.start()
                log.info(
                    "serving %s on %s:%s",
                    "/telegram, /healthz and /metrics" if self.webhook else "/healthz and /metrics",
                    self._settings.listen,
                    self.port,
                )
                self.ready.set()
                # Returns once request_stop() asked it to, after in-flight requests finished.
                await self._server.serve(sockets=[sock])
                self.request_stop()
                await self._stop_intake()
                assert self._stopping is not None
                await self._stopping
                await application.stop()
                assert application.post_shutdown is not None
                await application.post_shutdown(application)
        finally:
            sock.close()
            if handle_signals:
                for signum in (signal.SIGTERM, signal.SIGINT):
                    loop.remove_signal_handler(signum)
        log.info("stopped in %.1fs", time.monotonic() - self._stop_started)

    async def _start_intake(self) -> None:
        application = self.application
        if self.webhook:
            settings = self._settings
            await application.bot.set_webhook(
                url=settings.webhook_url,
                secret_token=settings.secret_token,
                allowed_updates=Update.ALL_TYPES,
                drop_pending_updates=False,
            )
            return
        assert application.updater is not None
        await application.updater.start_polling(
            allowed_updates=Update.ALL_TYPES, drop_pending_updates=False
        )

    async def _stop_intake(self) -> None:
        # In webhook mode the HTTP server has already stopped taking updates. The webhook stays
        # set: Telegram keeps updates queued until this or another replica answers again.
        updater = self.application.updater
        if updater is not None and updater.running:
            await updater.stop()
