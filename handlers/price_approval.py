"""Dashboard actions on a store's prices and stock (issue 10), with dashboard credentials
(HTTP Basic, like every non-public route):

- `POST /api/stores/{storeId}/skus/{skuId}/approve-price`: the seller approves a price the
  store's price-drop guard held; it is staged for Seller Center as it was read from VTEX.
  Answers `{"approved": true}`, or 404 (`unknown_store`, `no_held_price`).
- `POST /api/stores/{storeId}/reconcile`: one reconciliation pass now (the CLI's
  `vtex-linio reconcile` when a service runs); answers `{checked, healed, held}`.
"""

from __future__ import annotations

from aiohttp import web

from app.http_errors import ApiError
from app.web_keys import BROKER, CLIENTS, FEED_SCHEDULER, SELLER_LOG, SKU_STATES, STORES
from domain.stores import Store
from flows.price_stock import PriceStockFlow, make_price_stock_flow, report_of


async def approve_price(request: web.Request) -> web.Response:
    store = await _store(request.app, request.match_info["storeId"])
    sku_id = request.match_info["skuId"]
    if not await flows_of(request.app).approve_price(store.store_id, sku_id):
        raise ApiError("no_held_price", store_id=store.store_id, sku_id=sku_id)
    return web.json_response({"approved": True})


async def reconcile(request: web.Request) -> web.Response:
    store = await _store(request.app, request.match_info["storeId"])
    outcomes = await flows_of(request.app).reconcile(store)
    return web.json_response(report_of(outcomes))


async def _store(app: web.Application, store_id: str) -> Store:
    store = await app[STORES].get(store_id)
    if store is None:
        raise ApiError("unknown_store", account=store_id)
    return store


def flows_of(app: web.Application) -> PriceStockFlow:
    """The price/stock flow over the web app's resources (the API above and the
    dashboard's price-guard approvals share them)."""
    return make_price_stock_flow(
        stores=app[STORES],
        clients=app[CLIENTS],
        sku_states=app[SKU_STATES],
        feed_scheduler=app[FEED_SCHEDULER],
        seller_log=app[SELLER_LOG],
        broker=app[BROKER],
    )
