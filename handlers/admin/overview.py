"""`/admin`: per store, SKUs and orders by state, queues, dead letters, breakers, the feed
quota, the last success per flow and 14 days of successes and errors; `/admin/api/overview`
is the same as JSON (session or HTTP Basic)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from app.admin_auth import api, page
from app.broker import CONTEXTS
from app.broker.stalls import QueueHealth
from app.storage import ORDERS, SKU_STATES
from app.web_keys import CLIENTS, DEAD_LETTERS, QUEUE_MONITOR, STORES
from domain.dashboard import feed_quota_now
from handlers.admin.common import reader, render, when


def _duration(seconds: float | None) -> str | None:
    """`45 s`, `12 min`, `3 h`; None for never."""
    if seconds is None:
        return None
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.0f} h"


@dataclass
class QueueView:
    """Every store's queues from one stall check (`app.broker.stalls`): `depths`
    `{store_id: {context: waiting | None}}` and the bad ones `alerts` `{store_id: [{context,
    state, waiting, held, consumers, idle}]}`, `idle` as a duration text (None: never)."""

    depths: dict[str, dict[str, int | None]] = field(default_factory=dict)
    alerts: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


async def queue_view(request: web.Request) -> QueueView:
    """One check (at most a second old) serves the queue table and the red lines; empty
    when it cannot run (broker or database away: the table shows "?")."""
    view = QueueView()
    try:
        checked: list[QueueHealth] = await asyncio.wait_for(
            request.app[QUEUE_MONITOR].current(max_age=1.0), 5
        )
    except Exception:
        return view
    for health in checked:
        view.depths.setdefault(health.store_id, {})[health.context] = health.waiting
        if health.bad:
            view.alerts.setdefault(health.store_id, []).append(
                {
                    "context": health.context,
                    "state": health.state,
                    "waiting": health.waiting,
                    "held": health.held,
                    "consumers": health.consumers,
                    "idle": _duration(health.idle_s),
                }
            )
    return view


async def store_overview(
    request: web.Request, store_id: str, country: str, queues: QueueView
) -> dict[str, Any]:
    """Everything the overview shows about one store (JSON-ready but for datetimes)."""
    read = reader(request)
    client = request.app[CLIENTS].linio_clients().get(store_id)
    summary = await read.log_summary(store_id)
    saved_quota = (await read.feed_quotas(store_id)).get(store_id)
    depths = queues.depths.get(store_id, {})
    return {
        "store_id": store_id,
        "skus": await read.count_by(SKU_STATES, "status", store_id),
        "price_guard_held": await read.price_guard_count(store_id),
        "orders": await read.count_by(ORDERS, "state", store_id),
        "queues": {context: depths.get(context) for context in CONTEXTS},
        "queue_alerts": queues.alerts.get(store_id, []),
        "dead_letters": await request.app[DEAD_LETTERS].count(store_id=store_id),
        "seller_center": client.health() if client is not None else None,
        "feed_quota": feed_quota_now(saved_quota, country) if saved_quota else None,
        "last_success": summary.last_success,
        "series": summary.series,
    }


@page
async def overview(request: web.Request) -> web.Response:
    stores = await request.app[STORES].list()
    wanted = request.query.get("store", "")
    shown = [s for s in stores if not wanted or s.store_id == wanted]
    cards = []
    queues = await queue_view(request)
    for store in shown:
        card = await store_overview(request, store.store_id, store.country, queues)
        card["store"] = store
        peak = max([1, *(d["success"] + d["error"] for d in card["series"])])
        card["peak"] = peak
        cards.append(card)
    return await render(request, "overview.html", cards=cards, stores=stores, store_filter=wanted)


@api
async def overview_json(request: web.Request) -> web.Response:
    stores = await request.app[STORES].list()
    queues = await queue_view(request)
    cards = [await store_overview(request, s.store_id, s.country, queues) for s in stores]
    for card in cards:
        card["last_success"] = {k: when(v) for k, v in card["last_success"].items()}
    return web.json_response({"stores": cards})
