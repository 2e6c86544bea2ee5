"""`POST /linio/{token}/feeds`: Seller Center webhooks about feeds and products.

Answers 200 at once (Seller Center retries anything else) and only marks and nudges: an
`onFeedCompleted` marks the feed so its owner reads FeedStatus now instead of at its next
poll; `onProductQcStatusChanged` marks the SKUs so the owner reads GetQcStatus; either
nudges the store's feed owner (`feed.<store>`), which re-reads what it needs. The body is
never trusted as the result: FeedStatus is (Seller Center digest, webhooks). Unknown store
and wrong token answer the same 404 (CLARIFICATIONS §1).
"""

from __future__ import annotations

import json
from typing import Any

import structlog
from aiohttp import web

from app.web_keys import FEED_SCHEDULER, SKU_STATES, STORES

log = structlog.get_logger(__name__)


def _seller_skus(payload: dict[str, Any]) -> list[str]:
    """`{"SellerSkus": [...]}` (product events) or a single `SellerSku`."""
    many = payload.get("SellerSkus")
    skus = many if isinstance(many, list) else [payload.get("SellerSku")]
    return [str(sku) for sku in skus if sku]


async def feed_webhook(request: web.Request) -> web.Response:
    scheduler = request.app[FEED_SCHEDULER]
    store = await request.app[STORES].by_token(request.match_info["token"])
    if store is None:
        raise web.HTTPNotFound()
    try:
        event = json.loads(await request.text() or "{}")
    except ValueError:
        event = {}
    event = event if isinstance(event, dict) else {}
    alias = str(event.get("event") or "")
    payload = event.get("payload") if isinstance(event.get("payload"), dict) else {}
    feed_id = str(payload.get("Feed") or payload.get("FeedId") or "")
    try:
        # Only what concerns our feeds and SKUs wakes the owner; other events (and ids we
        # never sent) change nothing, so they write nothing.
        if alias == "onFeedCompleted" and feed_id:
            await scheduler.reported(store.store_id, feed_id)
        elif alias == "onProductQcStatusChanged" and (skus := _seller_skus(payload)):
            if await request.app[SKU_STATES].qc_hint(store.store_id, skus):
                await scheduler.nudge(store.store_id, alias)
    except Exception as exc:  # polling is the safety net: never make Seller Center retry
        log.warning("linio_webhook_not_recorded", store=store.store_id, error=str(exc))
    return web.json_response({"received": True})
