"""What every HTTP handler needs: JSON bodies read safely, payload errors turned into 400s."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

from aiohttp import web

from app.http_errors import ApiError
from app.web_keys import SETTINGS
from clients.vtex.inbound import JsonRejected, PayloadError, parse_json_bytes

T = TypeVar("T")


# A slow or half-sent body is cut after READ_TIMEOUT seconds (aiohttp has no body timeout).
BODY_READ_SECONDS = 15.0  # when the app carries no settings


async def _read_body(request: web.Request) -> bytes:
    """The raw body within READ_TIMEOUT; 408 `request_timeout` when it does not arrive."""
    settings = request.app.get(SETTINGS)
    seconds = settings.read_timeout if settings is not None else BODY_READ_SECONDS
    try:
        return await asyncio.wait_for(request.read(), timeout=seconds)
    except TimeoutError:
        raise ApiError("request_timeout", seconds=seconds) from None


async def read_json(request: web.Request) -> Any:
    """The body as JSON: UTF-8 only, at most `MAX_DEPTH` levels, no NaN/Infinity, no number
    longer than `MAX_NUMBER_DIGITS` digits, no lone surrogate or NUL in any string. Every
    violation is a 400 in the JSON error shape; nothing here can answer 500."""
    if request.content_type not in ("application/json", "text/plain", "application/octet-stream"):
        raise ApiError("unsupported_media_type")
    raw = await _read_body(request)
    if not raw.strip():
        raise ApiError("empty_body")
    try:
        return parse_json_bytes(raw)
    except JsonRejected as exc:
        raise ApiError("invalid_json", detail=str(exc)) from None


async def read_json_or_none(request: web.Request) -> Any:
    """For senders that retry anything but 200 (Seller Center's webhooks): the body as JSON
    under the same rules as `read_json`, or None when it breaks them (any content type; the
    caller acknowledges and ignores it). Only a body that never arrives is refused (408)."""
    raw = await _read_body(request)
    try:
        return parse_json_bytes(raw) if raw.strip() else None
    except JsonRejected:
        return None


async def parse_body(request: web.Request, parser: Callable[[Any], T], code: str) -> T:
    """Read JSON and run a payload parser; a bad field becomes a 400 naming the field."""
    data = await read_json(request)
    try:
        return parser(data)
    except PayloadError as exc:
        raise ApiError(
            code, field=exc.field, detail=exc.message, details={"field": exc.field}
        ) from None
