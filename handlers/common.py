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
        raise ApiError(415, "unsupported_media_type", "Send the body as application/json.")
    raw = await request.read()
    if not raw.strip():
        raise ApiError(400, "empty_body", "The request body is empty; send a JSON object.")
    try:
        return json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ApiError(400, "invalid_json", f"The body is not valid JSON ({exc}).") from None


async def parse_body(request: web.Request, parser: Callable[[Any], T], code: str) -> T:
    """Read JSON and run a payload parser; a bad field becomes a 400 naming the field."""
    data = await read_json(request)
    try:
        return parser(data)
    except PayloadError as exc:
        raise ApiError(
            400, code, f"{exc.field} {exc.message}", details={"field": exc.field}
        ) from None
