"""What every HTTP handler needs: JSON bodies read safely, payload errors turned into 400s."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

from aiohttp import web

from app.http_errors import ApiError
from clients.vtex.inbound import PayloadError

T = TypeVar("T")


async def read_json(request: web.Request) -> Any:
    if request.content_type not in ("application/json", "text/plain", "application/octet-stream"):
        raise ApiError("unsupported_media_type")
    raw = await request.read()
    if not raw.strip():
        raise ApiError("empty_body")
    try:
        return json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ApiError("invalid_json", detail=str(exc)) from None


async def parse_body(request: web.Request, parser: Callable[[Any], T], code: str) -> T:
    """Read JSON and run a payload parser; a bad field becomes a 400 naming the field."""
    data = await read_json(request)
    try:
        return parser(data)
    except PayloadError as exc:
        raise ApiError(
            code, field=exc.field, detail=exc.message, details={"field": exc.field}
        ) from None
