"""What the HTTP server allows one client: time to send a request, connections, requests."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class WebLimits:
    """The limits that keep a public webhook port answering when clients misbehave.

    Telegram sends a small request at once, keeps at most 40 connections (setWebhook's default
    max_connections) and reuses them; anything slower or larger than these is not Telegram.
    """

    # From a connection's start (or the end of its previous response) to the request head's
    # last byte. A client trickling its headers a byte at a time is cut off at this point.
    header_seconds: float = 10.0
    # From the request head to the body's last byte; a body still arriving is answered 400.
    body_seconds: float = 10.0
    # How long a kept-alive connection may stay silent between requests (uvicorn's own).
    keep_alive_seconds: int = 5
    # Open connections at most. A new one beyond this closes the connection that has waited
    # longest without sending a whole request head, so idle clients cannot lock Telegram out.
    max_connections: int = 512
    # Requests handled at once; more are answered 503 at once (Telegram sends them again).
    max_requests: int = 100
    # The largest request head (request line and headers) h11 buffers before answering 400.
    max_head_bytes: int = 16 * 1024


DEFAULT_LIMITS = WebLimits()
