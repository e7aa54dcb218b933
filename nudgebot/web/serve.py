"""`nudgebot run`: listen at once, reach Telegram, start intake, serve, stop gracefully."""

from __future__ import annotations

import asyncio
import logging
import signal
import socket
import time

from starlette.applications import Starlette
from telegram import Update
from telegram.error import TelegramError

from nudgebot.app.lifecycle import stop_ticking
from nudgebot.app.reach import reach_telegram, until_answered
from nudgebot.app.runtime import NudgeApp
from nudgebot.web.asgi import create_web_app
from nudgebot.web.heap import freeze_startup_heap
from nudgebot.web.limits import DEFAULT_LIMITS, WebLimits
from nudgebot.web.listeners import METRICS_HINT, PUBLIC_HINT, Listener, new_listener

log = logging.getLogger(__name__)


class BotServer:
    """One running bot: the Application, its intake, the tick and the HTTP server."""

    def __init__(
        self,
        application: NudgeApp,
        *,
        webhook: bool,
        freeze_heap: bool = False,
        limits: WebLimits = DEFAULT_LIMITS,
    ) -> None:
        self.application = application
        self.webhook = webhook
        # Only a process that serves alone may freeze its heap; tests run many services in one.
        self._freeze_heap = freeze_heap
        settings = application.bot_data.runtime.settings
        self._settings = settings
        self._listeners: list[Listener] = []
        separate = settings.metrics_address
        if separate is None:
            app = create_web_app(application, webhook=webhook)
            self._add(app, (settings.listen, settings.port), PUBLIC_HINT, "public", limits)
        else:
            if webhook:  # a polling bot needs no public port at all
                app = create_web_app(application, webhook=True, monitoring=False)
                self._add(app, (settings.listen, settings.port), PUBLIC_HINT, "public", limits)
            app = create_web_app(application, webhook=False)
            self._add(app, separate, METRICS_HINT, "metrics", limits)
        self._stopping: asyncio.Task[None] | None = None
        self._stop_asked = asyncio.Event()
        self._closing = False
        self._initialized = False  # getMe succeeded: the Application must be shut down
        self._told_waiting = False
        self._stop_started = 0.0
        self.port = 0
        self.metrics_port = 0
        self.ready = asyncio.Event()

    def _add(
        self,
        app: Starlette,
        address: tuple[str, int],
        hint: str,
        role: str,
        limits: WebLimits,
    ) -> None:
        self._listeners.append(
            new_listener(
                app, address, hint, role, limits, shutdown_seconds=self._settings.shutdown_seconds
            )
        )

    def open_connections(self, role: str = "public") -> int:
        """How many connections the "public" (or "metrics") server holds open right now."""
        return sum(
            len(lis.server.server_state.connections) for lis in self._listeners if lis.role == role
        )

    def requests_in_progress(self, role: str = "public") -> int:
        """How many requests the "public" (or "metrics") server is handling right now."""
        return sum(lis.guard.active for lis in self._listeners if lis.role == role)

    def request_stop(self) -> None:
        """Stop taking new work now; run() then finishes what is in flight and returns."""
        if self._stopping is not None or self._closing:
            return
        log.info("stopping: no new updates or deliveries, finishing what is in flight")
        self._stop_started = time.monotonic()
        self._stop_asked.set()
        for listener in self._listeners:
            listener.server.should_exit = True
        stop_ticking(self.application)
        engine = self.application.bot_data.runtime.engine
        self._stopping = asyncio.create_task(engine.stop(self._settings.shutdown_seconds))

    async def run(self, *, handle_signals: bool = True) -> None:
        """Listen, reach Telegram, serve until request_stop() (or SIGTERM/SIGINT), stop in order.

        /healthz answers from the first moment: 503 while Telegram has not answered getMe yet.
        Raises TokenRejectedError (after closing everything) when Telegram refuses the token.
        """
        sockets: list[socket.socket] = []
        serving: list[asyncio.Task[None]] = []
        try:
            for listener in self._listeners:
                sockets.append(listener.bind())
            self.port = next((lis.port for lis in self._listeners if lis.role == "public"), 0)
            self.metrics_port = next(
                (lis.port for lis in self._listeners if lis.role == "metrics"), 0
            )
            if handle_signals:
                loop = asyncio.get_running_loop()
                for signum in (signal.SIGTERM, signal.SIGINT):
                    loop.add_signal_handler(signum, self.request_stop)
            serving = [
                asyncio.create_task(self._serve(lis, sock))
                for lis, sock in zip(self._listeners, sockets, strict=True)
            ]
            reached = await self._start()
            # Returns once request_stop() asked it to, after in-flight requests finished.
            await asyncio.gather(*serving)
            self.request_stop()
            if reached:
                await self._stop_intake()
                assert self._stopping is not None
                await self._stopping
                await self.application.stop()
        finally:
            await self._close(serving)
            for sock in sockets:
                sock.close()
            if handle_signals:
                for signum in (signal.SIGTERM, signal.SIGINT):
                    asyncio.get_running_loop().remove_signal_handler(signum)
        log.info("stopped in %.1fs", time.monotonic() - self._stop_started)

    async def _start(self) -> bool:
        """Reach Telegram (getMe), then post_init (migrations, menu, tick), then intake.

        Each step that calls Telegram is retried on the same backoff until it answers, so
        an outage that begins right after getMe does not end start-up either; False when a
        stop was asked for first.
        """
        application = self.application
        stop = self._stop_asked
        if not await reach_telegram(application, stop, on_waiting=self._log_waiting):
            return False
        self._initialized = True

        async def post_init() -> None:
            # Safe to run again: the migrations are idempotent, and its only Telegram calls
            # (the menu) come before it schedules the tick.
            assert application.post_init is not None
            await application.post_init(application)

        intake = "setWebhook" if self.webhook else "deleteWebhook"
        waiting = self._log_waiting
        if not (
            await until_answered(application, post_init, "setMyCommands", stop, on_waiting=waiting)
            and await until_answered(
                application, self._start_intake, intake, stop, on_waiting=waiting
            )
        ):
            return False
        if self._freeze_heap:
            log.debug("froze %d start-up objects", freeze_startup_heap())
        await application.start()
        # /healthz turns 200; from now on an outage is logged when it begins and ends.
        application.bot_data.runtime.health.serving()
        for listener in self._listeners:
            log.info("serving %s on %s", listener.paths, listener.shown)
        self.ready.set()
        return True

    def _log_waiting(self) -> None:
        if self._told_waiting:
            return
        self._told_waiting = True
        for listener in self._listeners:
            if listener.role == "metrics" or self._settings.metrics_address is None:
                log.info("waiting for Telegram; /healthz answers on %s meanwhile", listener.shown)

    async def _close(self, serving: list[asyncio.Task[None]]) -> None:
        """Stop the servers (if still up) and close the Application, whatever ended the run."""
        # A run that ends in an error says so in one line; "stopping" would be a second.
        self._closing = True
        for listener in self._listeners:
            listener.server.should_exit = True
        # Awaited, never left pending: no "Task was destroyed" at exit.
        await asyncio.gather(*serving, return_exceptions=True)
        application = self.application
        if self._stopping is not None:
            await self._stopping
        if application.running:
            await application.stop()
        assert application.post_shutdown is not None
        await application.post_shutdown(application)
        if self._initialized:
            await application.shutdown()
        else:
            # getMe never succeeded, so the Application counts itself not initialized; its
            # request objects (aiohttp sessions) are open all the same and must be closed.
            await application.bot.shutdown()

    async def _serve(self, listener: Listener, sock: socket.socket) -> None:
        try:
            await listener.server.serve(sockets=[sock])
        finally:
            # One server stopping (or failing) stops the others: never half a bot.
            self.request_stop()

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
        # PTB's start_polling calls deleteWebhook too, but logs a traceback when it fails; ours
        # fails as one line and is retried, so PTB's call a moment later finds Telegram there.
        await application.bot.delete_webhook(drop_pending_updates=False)
        await application.updater.start_polling(
            allowed_updates=Update.ALL_TYPES,
            drop_pending_updates=False,
            error_callback=self._polling_failed,
        )

    def _polling_failed(self, error: TelegramError) -> None:
        # PTB's default logs a traceback on every retry of an outage. The TelegramLink already
        # logs the outage and its end once each; any other refusal (409: another process polls
        # with this token) is one line each time.
        link = self.application.bot_data.runtime.health.telegram
        if link.reachable:
            log.warning("polling for updates failed: %s", link.describe(error))
        else:
            log.debug("polling for updates failed: %s", link.describe(error))

    async def _stop_intake(self) -> None:
        # In webhook mode the HTTP server has already stopped taking updates. The webhook stays
        # set: Telegram keeps updates queued until this or another replica answers again.
        updater = self.application.updater
        if updater is not None and updater.running:
            await updater.stop()
