"""`POST /catalog/notification`: the affiliate Search Endpoint VTEX's broadcaster calls.

Thin by design: parse, resolve the store, check its token, persist the SKU's pending state,
publish to the store's queues and answer within milliseconds. Everything slow (VTEX reads,
validation, Seller Center feeds) happens in consumers.
"""

from __future__ import annotations

import hmac

from aiohttp import web

from app.http_errors import ApiError
from app.web_keys import INTAKE, STORES
from clients.vtex.inbound import CatalogNotification, parse_catalog_notification
from domain.catalog.intake import IntakeUnavailable
from domain.stores import Store
from handlers.common import parse_body


async def resolve_store(request: web.Request, account: str, affiliate_id: str) -> Store:
    stores = await request.app[STORES].cached_by_account(account, affiliate_id)
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
    try:
        outcome = await request.app[INTAKE].submit(store.store_id, notification)
    except IntakeUnavailable as exc:
        raise ApiError(
            503,
            "queue_unavailable",
            f"{exc}; VTEX may retry, and the periodic reconciliation will catch up.",
        ) from exc
    return web.json_response(
        {
            "accepted": True,
            "store": store.store_id,
            "sku": notification.sku_id,
            "queued": outcome.queued,
            "coalesced": outcome.coalesced,
        }
    )
