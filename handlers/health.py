"""Liveness and readiness: what an orchestrator and the seller's ops need to see."""

from __future__ import annotations

import asyncio

from aiohttp import web

from app import __version__
from app.web_keys import BROKER, STORAGE


async def health(request: web.Request) -> web.Response:
    """Liveness: the process answers. Dependencies are /ready's business."""
    return web.json_response({"status": "ok", "version": __version__})


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
            checks[name] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}
    ok = all(bool(c.get("ok")) for c in checks.values())
    return web.json_response(
        {"status": "ready" if ok else "unavailable", "checks": checks}, status=200 if ok else 503
    )
