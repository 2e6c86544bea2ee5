"""Units of work: HTTP route handlers and queue consumers.

`ROUTE_HANDLERS` maps each route name declared in manifest.json to its handler; the web app
refuses to start when the two disagree.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

from handlers import health

RouteHandler = Callable[[web.Request], Awaitable[web.StreamResponse]]

ROUTE_HANDLERS: dict[str, RouteHandler] = {
    "health": health.health,
    "ready": health.ready,
}
