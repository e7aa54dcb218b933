"""Reads a call's parameters from the URL query and a urlencoded, multipart or JSON body."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from .errors import bad_request
from .records import UploadedFile

_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


async def read_params(request: web.Request) -> tuple[dict[str, Any], dict[str, UploadedFile]]:
    """Raw parameters (strings, or JSON values from a JSON body) and uploaded file parts."""
    raw: dict[str, Any] = dict(request.query)
    files: dict[str, UploadedFile] = {}
    if not request.body_exists:
        return raw, files
    if request.content_type == "application/json":
        try:
            body = await request.json()
        except ValueError:
            raise bad_request("can't parse JSON encoded request") from None
        if not isinstance(body, dict):
            raise bad_request("JSON object expected as the request body")
        raw.update(body)
    elif request.content_type in _FORMS:
        form = await request.post()
        for name, value in form.items():
            if isinstance(value, web.FileField):
                data = value.file.read()
                files[name] = UploadedFile(name, value.filename, value.content_type, data)
            else:
                raw[name] = value
    return raw, files
