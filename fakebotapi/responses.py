"""How the fake writes its HTTP answers: JSON, and connections reset or dropped on purpose."""

from __future__ import annotations

import json

from aiohttp import web


def dumps(value: object) -> str:
    """JSON for a result; an uploaded file (not JSON) is written as its repr."""
    return json.dumps(value, default=_file_to_json, ensure_ascii=False)


def _file_to_json(value: object) -> object:
    return repr(value)


async def answer_then_reset(request: web.Request, response: web.Response) -> web.Response:
    """Send the answer in full, then reset the connection under it."""
    # The answer goes out in full; then the keep-alive connection is reset (as a server
    # closing idle connections does), so the client's next request on it finds it dead.
    await response.prepare(request)
    await response.write_eof()
    if request.transport is not None:
        request.transport.abort()
    return response


def drop(request: web.Request) -> web.StreamResponse:
    """Abort the connection without an answer (the response returned is never written)."""
    if request.transport is not None:
        request.transport.abort()
    return web.Response(status=204)
