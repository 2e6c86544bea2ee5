"""Liveness and readiness: what an orchestrator and the seller's ops need to see."""

from __future__ import annotations

import asyncio

from aiohttp import web

from app import __version__
from app.web_keys import BROKER, STORAGE


async def health(request: web.Request) -> web.Response:
    """Liveness: the process answers and can still heal itself. It answers 503 only when the
    embedded database could not be restarted (restart the process); a database that is
    merely away is /ready's business."""
    storage = request.app[STORAGE]
    if storage.supervisor_failed:
        return web.json_response(
            {"status": "failing", "version": __version__, "reason": "embedded_database_down"},
            status=503,
        )
    embedded = storage.embedded
    body: dict[str, object] = {"status": "ok", "version": __version__}
    if embedded is not None:
        body["embedded_database"] = {"running": embedded.running, "restarts": embedded.restarts}
    return web.json_response(body)


async def ready(request: web.Request) -> web.Response:
    """Readiness: MongoDB and the broker answer, with details for whoever is debugging."""
    checks: dict[str, dict[str, object]] = {}
    for name, probe in (
        ("mongodb", request.app[STORAGE].ping),
        ("broker", request.app[BROKER].ping),
    ):
        try:
            checks[name] = await asyncio.wait_for(probe(), timeout=3)
        except Exception as exc:
            # The class only: driver texts name internal hosts and ports on a public route.
            checks[name] = {"ok": False, "error": type(exc).__name__}
    ok = all(bool(c.get("ok")) for c in checks.values())
    return web.json_response(
        {"status": "ready" if ok else "unavailable", "checks": checks}, status=200 if ok else 503
    )
