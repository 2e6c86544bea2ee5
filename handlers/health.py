"""Liveness and readiness: what an orchestrator and the seller's ops need to see."""

from __future__ import annotations

import asyncio

from aiohttp import web

from app import __version__
from app.web_keys import BROKER, QUEUE_MONITOR, STORAGE


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
    """Readiness: MongoDB and the broker answer, with details for whoever is debugging.

    - 503 `unavailable`: MongoDB or the broker does not answer;
    - 200 `degraded`: both answer, but a queue with work has no consumer attached
      (`unattended`) or made no progress for QUEUE_STALL_SECONDS (`stalled`;
      `app.broker.stalls`). This process still takes and queues work, so it stays in
      rotation: nothing is lost, but nothing moves until a worker consumes again. The
      counts are here; which queues, on the overview and /metrics (this route is public);
    - 200 `ready` otherwise.
    """
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
    status = "ready" if ok else "unavailable"
    if ok:
        try:
            queues = await asyncio.wait_for(request.app[QUEUE_MONITOR].current(), timeout=5)
        except Exception as exc:
            checks["queues"] = {"ok": False, "error": type(exc).__name__}
        else:
            stalled = sum(1 for q in queues if q.state == "stalled")
            unattended = sum(1 for q in queues if q.state == "unattended")
            checks["queues"] = {
                "ok": not (stalled or unattended),
                "queues": len(queues),
                "waiting": sum(q.waiting or 0 for q in queues),
                "stalled": stalled,
                "unattended": unattended,
            }
        if not checks["queues"]["ok"]:
            status = "degraded"
    return web.json_response({"status": status, "checks": checks}, status=200 if ok else 503)
