"""Seller Center's feed and product webhooks: `POST /linio/{token}/feeds`, and the same
events arriving at the store's general `POST /linio/{token}/webhook` (`feed_event`).

Answers 200 at once (Seller Center retries anything else) and only marks and nudges: an
`onFeedCompleted` marks the feed so its owner reads FeedStatus now instead of at its next
poll; `onProductQcStatusChanged` marks the SKUs so the owner reads GetQcStatus; either
nudges the store's feed owner (`feed.<store>`), which re-reads what it needs. The body is
never trusted as the result: FeedStatus is (Seller Center digest, webhooks). Unknown store
and wrong token answer the same 404 (CLARIFICATIONS §1).
"""

from __future__ import annotations

from typing import Any

import structlog
from aiohttp import web

from app.web_keys import FEED_SCHEDULER, SKU_STATES
from domain.stores import Store
from handlers.common import read_json_or_none
from handlers.store_auth import store_for_token

log = structlog.get_logger(__name__)

FEED_EVENTS = frozenset({"onFeedCompleted", "onProductQcStatusChanged"})


def _seller_skus(payload: dict[str, Any]) -> list[str]:
    """`{"SellerSkus": [...]}` (product events) or a single `SellerSku`."""
    many = payload.get("SellerSkus")
    skus = many if isinstance(many, list) else [payload.get("SellerSku")]
    return [str(sku) for sku in skus if sku]


async def feed_event(app: web.Application, store: Store, alias: str, payload: Any) -> bool:
    """Mark and nudge for one Seller Center event; False when it concerns none of our feeds
    or SKUs (then nothing is written)."""
    payload = payload if isinstance(payload, dict) else {}
    feed_id = str(payload.get("Feed") or payload.get("FeedId") or "")
    try:
        if alias == "onFeedCompleted" and feed_id:
            return await app[FEED_SCHEDULER].reported(store.store_id, feed_id)
        if alias == "onProductQcStatusChanged" and (skus := _seller_skus(payload)):
            if await app[SKU_STATES].qc_hint(store.store_id, skus):
                await app[FEED_SCHEDULER].nudge(store.store_id, alias)
                return True
    except Exception as exc:  # polling is the safety net: never make Seller Center retry
        log.warning("linio_webhook_not_recorded", store=store.store_id, error=str(exc))
    return False


async def feed_webhook(request: web.Request) -> web.Response:
    store = await store_for_token(request)
    event = await read_json_or_none(request)
    event = event if isinstance(event, dict) else {}
    await feed_event(request.app, store, str(event.get("event") or ""), event.get("payload"))
    return web.json_response({"received": True})
