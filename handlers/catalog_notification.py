"""`POST /vtex/{token}/catalog/notification`: the affiliate Search Endpoint VTEX's
broadcaster calls (and the old `POST /catalog/notification?token=`, still accepted).

Thin by design: parse, resolve the store, check its token, persist the SKU's pending state,
publish to the store's queues and answer within milliseconds. Everything slow (VTEX reads,
validation, Seller Center feeds) happens in consumers.
"""

from __future__ import annotations

from aiohttp import web

from app.http_errors import ApiError, language
from app.web_keys import INTAKE
from clients.vtex.inbound import CatalogNotification, parse_catalog_notification
from domain.catalog.intake import IntakeUnavailable
from domain.errors import entry
from domain.stores import Store
from handlers.common import parse_body
from handlers.store_auth import note_legacy_url, store_for_token


def check_store(store: Store, account: str, affiliate_id: str) -> None:
    """The notification must name the store its token belongs to."""
    if (account, affiliate_id) != (store.account, store.affiliate_id):
        raise ApiError(
            "store_mismatch",
            details={"An": account, "IdAffiliate": affiliate_id},
            account=store.account,
            affiliate_id=store.affiliate_id,
        )


async def catalog_notification(request: web.Request) -> web.Response:
    store = await store_for_token(request)  # the secret first, the body after
    notification: CatalogNotification = await parse_body(
        request, parse_catalog_notification, "invalid_notification"
    )
    check_store(store, notification.account, notification.affiliate_id)
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
    await note_legacy_url(request, store)
    return web.json_response(
        {
            "accepted": True,
            "store": store.store_id,
            "sku": notification.sku_id,
            "queued": outcome.queued,
            "coalesced": outcome.coalesced,
        }
    )
