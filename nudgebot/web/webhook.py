"""POST /telegram: check the secret, read at most 1 MiB, handle each update_id once, then 200."""

from __future__ import annotations

import hmac
import logging

from sqlalchemy.exc import SQLAlchemyError
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from telegram import Update

from nudgebot.app.runtime import NudgeApp
from nudgebot.web.payload import NotAnUpdateError, parse_update

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name, not a secret
MAX_BODY_BYTES = 1024 * 1024
# Said with every refusal whose body may be unread: the rest of it is not wanted.
_CLOSE = {"connection": "close"}


class BodyTooLargeError(Exception):
    """The request body went past MAX_BODY_BYTES."""


async def _read_capped(request: Request) -> bytes:
    # Content-Length may be absent (chunked) or lie: count what actually arrives.
    declared = request.headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise BodyTooLargeError
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise BodyTooLargeError
        chunks.append(chunk)
    return b"".join(chunks)


def _secret_matches(request: Request, secret: str) -> bool:
    given = request.headers.get(SECRET_HEADER)
    if given is None:
        return False
    # Constant time, so the secret cannot be guessed byte by byte from response timings.
    return hmac.compare_digest(given.encode(), secret.encode())


class TelegramEndpoint:
    """The webhook Telegram posts updates to; answers only once the update is handled."""

    def __init__(self, application: NudgeApp, secret: str) -> None:
        if not secret:
            raise ValueError("a webhook needs a secret token")
        self._application = application
        self._secret = secret

    async def handle(self, request: Request) -> Response:
        if not _secret_matches(request, self._secret):
            log.warning("webhook call refused: missing or wrong secret token")
            return Response(status_code=403)
        if not self._application.running:
            # Still waiting for Telegram at start-up: Telegram keeps the update and resends.
            return Response(status_code=503, headers=_CLOSE)
        try:
            body = await _read_capped(request)
        except BodyTooLargeError:
            log.warning("webhook call refused: body over %s bytes", MAX_BODY_BYTES)
            return Response(status_code=413, headers=_CLOSE)
        except ClientDisconnect:
            # The client went away, or its body was too slow (the guard's deadline); if it is
            # still there, it hears 400 and the connection closes.
            log.warning("webhook call refused: body cut short")
            return Response(status_code=400, headers=_CLOSE)
        update = self._decode(body)
        if update is None:
            return Response(status_code=400)
        return await self._handle_once(update)

    def _decode(self, body: bytes) -> Update | None:
        try:
            return Update.de_json(parse_update(body), self._application.bot)
        except NotAnUpdateError as error:
            # Never log the body: it holds what the user wrote. The reason names no content.
            log.warning("webhook call refused: not a Telegram update (%s)", error)
            return None
        except (
            ValueError,
            TypeError,
            LookupError,
            AttributeError,
            ArithmeticError,
            OSError,
            RecursionError,
        ) as error:
            # What python-telegram-bot could not build (e.g. a date past the year 9999).
            log.warning("webhook call refused: not a Telegram update (%s)", type(error).__name__)
            return None

    async def _handle_once(self, update: Update) -> Response:
        runtime = self._application.bot_data.runtime
        # The id is taken BEFORE handling. Telegram resends when our answer is slow, so a
        # resend can arrive while the first copy is still being handled; only a record made
        # first stops the second copy. If this process dies mid-update, the resend is then
        # dropped: like a tip, a missed reply beats a double one. Handler errors are answered
        # by the error handler (the user hears from us), so they count as handled; only when
        # process_update itself fails is the id given back, and the 500 makes Telegram resend.
        try:
            first = await runtime.updates.take(update.update_id)
        except (SQLAlchemyError, OSError) as error:
            log.warning("could not record update id, Telegram will resend: %s", error)
            return Response(status_code=503)
        if not first:
            runtime.metrics.duplicate_updates.inc()
            log.info("update %s already handled; resend ignored", update.update_id)
            return Response(status_code=200)
        try:
            # Through the update processor, as polling does: in order per chat, bounded.
            app = self._application
            await app.update_processor.process_update(update, app.process_update(update))
        except Exception:
            log.exception("update %s could not be processed", update.update_id)
            await runtime.updates.give_back(update.update_id)
            return Response(status_code=500)
        return Response(status_code=200)
