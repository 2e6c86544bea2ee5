"""Typed keys of the aiohttp application (aiohttp's AppKey), shared by the app and handlers."""

from __future__ import annotations

from aiohttp import web

from app.runtime import Runtime
from app.settings import Settings

SETTINGS = web.AppKey("settings", Settings)
RUNTIME = web.AppKey("runtime", Runtime)
