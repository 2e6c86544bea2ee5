"""`/admin`: per store, SKUs and orders by state, queues, dead letters, breakers, the feed
quota, the last success per flow and 14 days of successes and errors; `/admin/api/overview`
is the same as JSON (session or HTTP Basic)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from app.admin_auth import api, page
from app.storage import ORDERS, SKU_STATES
from app.web_keys import BROKER, CLIENTS, DEAD_LETTERS, STORES
from domain.dashboard import feed_quota_now
from handlers.admin.common import reader, render, when


async def store_overview(request: web.Request, store_id: str, country: str = "") -> dict[str, Any]:
    """Everything the overview shows about one store (JSON-ready but for datetimes)."""
    read = reader(request)
    broker = request.app[BROKER]
    client = request.app[CLIENTS].linio_clients().get(store_id)
    summary = await read.log_summary(store_id)
    saved_quota = (await read.feed_quotas(store_id)).get(store_id)
    return {
        "store_id": store_id,
        "skus": await read.count_by(SKU_STATES, "status", store_id),
        "price_guard_held": await read.price_guard_count(store_id),
        "orders": await read.count_by(ORDERS, "state", store_id),
        "queues": await broker.store_depths(store_id),
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
    for store in shown:
        card = await store_overview(request, store.store_id, store.country)
        card["store"] = store
        peak = max([1, *(d["success"] + d["error"] for d in card["series"])])
        card["peak"] = peak
        cards.append(card)
    return await render(request, "overview.html", cards=cards, stores=stores, store_filter=wanted)


@api
async def overview_json(request: web.Request) -> web.Response:
    stores = await request.app[STORES].list()
    cards = [await store_overview(request, s.store_id, s.country) for s in stores]
    for card in cards:
        card["last_success"] = {k: when(v) for k, v in card["last_success"].items()}
    return web.json_response({"stores": cards})
