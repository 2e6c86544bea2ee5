"""`POST /api/stores/{storeId}/skus/{skuId}/approve-price`: the seller approves a price the
store's price-drop guard held (issue 10). Dashboard credentials (HTTP Basic, like every
non-public route); the held price is staged for Seller Center as it was read from VTEX.
Answers `{"approved": true}`, or 404 (`unknown_store`, `no_held_price`)."""

from __future__ import annotations

from aiohttp import web

from app.http_errors import ApiError
from app.web_keys import BROKER, CLIENTS, FEED_SCHEDULER, SELLER_LOG, SKU_STATES, STORES
from handlers.consumers_price_stock import PriceStockFlows


async def approve_price(request: web.Request) -> web.Response:
    store_id, sku_id = request.match_info["storeId"], request.match_info["skuId"]
    app = request.app
    if await app[STORES].get(store_id) is None:
        raise ApiError("unknown_store", account=store_id)
    flows = PriceStockFlows(
        app[STORES],
        app[CLIENTS],
        app[SKU_STATES],
        app[FEED_SCHEDULER],
        app[SELLER_LOG],
        app[BROKER],
    )
    if not await flows.approve_price(store_id, sku_id):
        raise ApiError("no_held_price", store_id=store_id, sku_id=sku_id)
    return web.json_response({"approved": True})
