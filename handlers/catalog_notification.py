"""`POST /catalog/notification`: the affiliate Search Endpoint VTEX's broadcaster calls.

Thin by design: parse, resolve the store, check its token, persist the SKU's pending state,
publish to the store's queues and answer within milliseconds. Everything slow (VTEX reads,
validation, Seller Center feeds) happens in consumers.
"""

from __future__ import annotations

import datetime as dt
import hmac

from aiohttp import web

from app.broker import queue_name
from app.http_errors import ApiError
from app.sku_states import SkuStates, work_for
from app.stores import Store
from app.vtex_payloads import CatalogNotification, parse_catalog_notification
from app.web_keys import RUNTIME
from handlers.common import parse_body


async def resolve_store(request: web.Request, account: str, affiliate_id: str) -> Store:
    runtime = request.app[RUNTIME]
    stores = await runtime.stores.by_account(account, affiliate_id)
    if not stores:
        raise ApiError(
            404,
            "unknown_store",
            f"No store is configured for VTEX account {account!r} with affiliate "
            f"{affiliate_id!r}. Add the store (vtex-linio import or the store configuration) "
            "or fix the affiliate id in VTEX.",
        )
    store = stores[0]
    if not hmac.compare_digest(request.query.get("token", ""), store.notification_token):
        raise ApiError(
            403,
            "invalid_token",
            "The notification URL's token is missing or wrong: paste the URL shown on the "
            "dashboard into the affiliate's Search Endpoint.",
        )
    return store


async def catalog_notification(request: web.Request) -> web.Response:
    runtime = request.app[RUNTIME]
    notification: CatalogNotification = await parse_body(
        request, parse_catalog_notification, "invalid_notification"
    )
    store = await resolve_store(request, notification.account, notification.affiliate_id)
    if not store.active:
        return web.json_response(
            {
                "accepted": False,
                "store": store.store_id,
                "reason": "store_inactive",
                "message": "The integration is switched off for this store; nothing was queued.",
            }
        )
    states = SkuStates(runtime.storage.db)
    before = await states.note_notification(store.store_id, notification)
    queued, coalesced = [], []
    for work in work_for(notification, before):
        if not await states.claim_queue_slot(
            store.store_id, notification.sku_id, work.context, before
        ):
            coalesced.append(work.context)
            continue
        body = {
            "store_id": store.store_id,
            "sku_id": notification.sku_id,
            "product_id": notification.product_id,
            "action": work.action,
            "notified_at": dt.datetime.now(dt.UTC).isoformat(),
        }
        try:
            await runtime.broker.publish(queue_name(work.context, store.store_id), body)
        except Exception as exc:
            await states.release_queue_slot(store.store_id, notification.sku_id, work.context)
            raise ApiError(
                503,
                "queue_unavailable",
                "The notification was recorded but could not be queued; it will be picked up "
                "by the next reconciliation. VTEX may retry.",
            ) from exc
        queued.append(work.context)
    return web.json_response(
        {
            "accepted": True,
            "store": store.store_id,
            "sku": notification.sku_id,
            "queued": queued,
            "coalesced": coalesced,
        }
    )
