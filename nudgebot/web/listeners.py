"""The bot's HTTP servers: one uvicorn server per listen address, bound before start-up."""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Iterator
from dataclasses import dataclass

import uvicorn
from starlette.applications import Starlette

from nudgebot.web.guard import RequestGuard
from nudgebot.web.limits import WebLimits
from nudgebot.web.protocol import guarded_protocol


class ListenError(Exception):
    """The HTTP server could not bind its address; the message says which and why."""


class QuietServer(uvicorn.Server):
    """uvicorn without its own signal handling: we stop it, and the process still exits 0."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        # uvicorn re-raises a caught SIGTERM after serving, which would kill us with -15
        # before the delivery engine had recorded its in-flight sends.
        yield


PUBLIC_HINT = "NUDGEBOT_LISTEN and NUDGEBOT_PORT"
METRICS_HINT = "NUDGEBOT_METRICS_LISTEN"


def app_paths(app: Starlette) -> str:
    """What one server serves, in words: "/telegram, /healthz and /metrics"."""
    paths = sorted(
        (str(getattr(route, "path", "?")) for route in app.routes), key="/telegram".__ne__
    )
    if not paths:
        return "nothing"
    return " and ".join([", ".join(paths[:-1]), paths[-1]]) if len(paths) > 1 else paths[0]


@dataclass
class Listener:
    """One HTTP server of the bot and the address it binds."""

    server: QuietServer
    guard: RequestGuard
    address: tuple[str, int]
    hint: str  # the settings that choose the address, for the one-line error
    role: str
    paths: str
    port: int = 0

    @property
    def shown(self) -> str:
        host, port = self.address
        host = f"[{host}]" if ":" in host else host
        return f"{host}:{self.port or port}"

    def bind(self) -> socket.socket:
        host, port = self.address
        try:
            family = socket.AF_INET6 if ":" in host else socket.AF_INET
            sock = socket.create_server((host, port), family=family, reuse_port=False)
        except OSError as error:
            raise ListenError(
                f"cannot listen on {self.shown} ({error.strerror}): set {self.hint} "
                "to a free address"
            ) from None
        self.port = int(sock.getsockname()[1])
        return sock


def new_listener(
    app: Starlette,
    address: tuple[str, int],
    hint: str,
    role: str,
    limits: WebLimits,
    *,
    shutdown_seconds: float,
) -> Listener:
    """A server for `app` on `address`, guarded by `limits`; `hint` names its settings."""
    guard = RequestGuard(app, max_requests=limits.max_requests, body_seconds=limits.body_seconds)
    config = uvicorn.Config(
        guard,
        http=guarded_protocol(limits),
        timeout_keep_alive=limits.keep_alive_seconds,
        h11_max_incomplete_event_size=limits.max_head_bytes,
        lifespan="off",
        log_config=None,  # keep our handlers: one line per event, redacted, maybe JSON
        # "Started server process" says nothing our "serving ... on" line does not.
        log_level="warning",
        access_log=False,
        timeout_graceful_shutdown=max(1, int(shutdown_seconds)),
    )
    return Listener(QuietServer(config), guard, address, hint, role, app_paths(app))
