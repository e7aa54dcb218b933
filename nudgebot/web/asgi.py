"""The HTTP face of a running bot: GET /healthz, GET /metrics, in webhook mode POST /telegram."""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy.exc import SQLAlchemyError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from nudgebot.app.runtime import NudgeApp
from nudgebot.db import probes
from nudgebot.monitoring.metrics import CONTENT_TYPE_LATEST
from nudgebot.web.webhook import TelegramEndpoint

log = logging.getLogger(__name__)

BACKLOG_TIMEOUT = 3.0
WEBHOOK_PATH = "/telegram"


def create_web_app(application: NudgeApp, *, webhook: bool, monitoring: bool = True) -> Starlette:
    """/healthz and /metrics when monitoring is True; POST /telegram when webhook is True."""

    async def healthz(request: Request) -> Response:
        healthy, body = await application.bot_data.runtime.health.check()
        return JSONResponse(body, status_code=200 if healthy else 503)

    async def metrics(request: Request) -> Response:
        runtime = application.bot_data.runtime
        now = application.bot_data.services.clock.now()
        if not runtime.health.telegram.serving:
            # Before start-up has migrated the database there is no backlog to count.
            return Response(runtime.metrics.exposition(), media_type=CONTENT_TYPE_LATEST)
        try:
            due = await asyncio.wait_for(probes.count_due(runtime.database, now), BACKLOG_TIMEOUT)
            runtime.metrics.backlog_due.set(due)
        except (SQLAlchemyError, OSError, TimeoutError) as error:
            # The rest of the page is still worth having; the gauge keeps its last value.
            log.warning("could not count the backlog: %s", type(error).__name__)
        return Response(runtime.metrics.exposition(), media_type=CONTENT_TYPE_LATEST)

    routes = []
    if monitoring:
        routes += [
            Route("/healthz", healthz, methods=["GET"]),
            Route("/metrics", metrics, methods=["GET"]),
        ]
    if webhook:
        secret = application.bot_data.runtime.settings.secret_token
        # A bound method, not the instance: Starlette would take a callable object for raw ASGI.
        endpoint = TelegramEndpoint(application, secret)
        routes.append(Route(WEBHOOK_PATH, endpoint.handle, methods=["POST"]))
    return Starlette(routes=routes)
