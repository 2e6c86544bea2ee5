"""The dashboard user's HTTP Basic credentials, checked in one place for every route."""

from __future__ import annotations

import base64
import binascii
import hmac

from aiohttp import web

from app.settings import Settings


def is_admin(request: web.Request, settings: Settings) -> bool:
    header = request.headers.get("Authorization", "")
    if not header.startswith("Basic "):
        return False
    try:
        given = base64.b64decode(header[6:], validate=True)
    except (ValueError, binascii.Error):
        return False
    expected = f"{settings.admin_user}:{settings.admin_password}".encode()
    return hmac.compare_digest(given, expected)
