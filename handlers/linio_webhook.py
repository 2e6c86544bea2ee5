"""`POST /linio/{token}/webhook`: Seller Center's webhooks for a store (CLARIFICATIONS §1).

The token in the path names the store (`store_for_token`: unknown store and wrong token
answer the same 404).
Order events (`onOrderCreated`, `onOrderItemsStatusChanged`) are only hints — Seller Center
redelivers them for up to 30 days and the payload's keys differ between sources — so the
handler queues "look at Linio order N" for the store's order consumer, which re-reads the
order, and answers 200 at once. Feed and quality-control events go to the feed owner
(`handlers.linio_feed_webhook.feed_event`); others are acknowledged and ignored.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from app.web_keys import BROKER
from clients.linio.models import WebhookCallback
from domain.work import LinioOrderWork
from handlers.common import read_json_or_none
from handlers.linio_feed_webhook import FEED_EVENTS, feed_event
from handlers.store_auth import store_for_token

ORDER_EVENTS = frozenset({"onOrderCreated", "onOrderItemsStatusChanged"})


def _callback(data: Any) -> WebhookCallback | None:
    if not isinstance(data, dict) or not isinstance(data.get("payload"), dict):
        return None
    return WebhookCallback(str(data.get("event") or ""), data["payload"])


async def linio_webhook(request: web.Request) -> web.Response:
    store = await store_for_token(request)
    # Read like every other body (bounded depth and numbers, storable text): what breaks
    # those rules is no Seller Center event and is acknowledged below, never a 500.
    callback = _callback(await read_json_or_none(request))
    # Anything but 200 makes Seller Center retry for 30 days: a body we cannot use is
    # acknowledged, and says so.
    if callback is None:
        return web.json_response({"received": True, "ignored": "not a Seller Center event"})
    if callback.event in FEED_EVENTS:
        if await feed_event(request.app, store, callback.event, callback.payload):
            return web.json_response({"received": True})
        return web.json_response({"received": True, "ignored": callback.event})
    # `order_id` is None unless it is Seller Center's numeric OrderId: a made-up one would
    # cost the seller GetOrder calls, a dead letter and maybe an open breaker.
    if callback.event not in ORDER_EVENTS or not callback.order_id:
        return web.json_response({"received": True, "ignored": callback.event})
    await request.app[BROKER].publish_work(
        LinioOrderWork(
            store.store_id,
            linio_order_id=callback.order_id,
            source="webhook",
            event=callback.event,
        )
    )
    return web.json_response({"received": True})
