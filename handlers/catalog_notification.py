"""`POST /catalog/notification`: the affiliate Search Endpoint VTEX's broadcaster calls.

Thin by design: parse, resolve the store, check its token, persist the SKU's pending state,
publish to the store's queues and answer within milliseconds. Everything slow (VTEX reads,
validation, Seller Center feeds) happens in consumers.
"""

from __future__ import annotations

import hmac

from aiohttp import web

from app.http_errors import ApiError, language
from app.web_keys import INTAKE, STORES
from clients.vtex.inbound import CatalogNotification, parse_catalog_notification
from domain.catalog.intake import IntakeUnavailable
from domain.errors import entry
from domain.stores import Store
from handlers.common import parse_body


async def resolve_store(request: web.Request, account: str, affiliate_id: str) -> Store:
    stores = await request.app[STORES].cached_by_account(account, affiliate_id)
    if not stores:
        raise ApiError("unknown_store", account=account)
    store = stores[0]
    if not hmac.compare_digest(request.query.get("token", ""), store.notification_token):
        raise ApiError("invalid_token")
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
                "message": entry("store_inactive").render(language(request)),
            }
        )
    try:
        outcome = await request.app[INTAKE].submit(store.store_id, notification)
    except IntakeUnavailable as exc:
        raise ApiError("queue_unavailable", detail=str(exc)) from exc
    return web.json_response(
        {
            "accepted": True,
            "store": store.store_id,
            "sku": notification.sku_id,
            "queued": outcome.queued,
            "coalesced": outcome.coalesced,
        }
    )
