"""Catalog, fulfillment simulation and affiliate routes."""

from __future__ import annotations

import asyncio

from aiohttp import web

from simulators.vtex import catalog_json
from simulators.vtex.affiliates import AffiliateInvalid, affiliate_from_json
from simulators.vtex.fulfillment import simulate
from simulators.vtex.http_helpers import int_id, json_body, sim_of, vtex_error

MAX_PAGE_SIZE = 1000


def _query_int(request: web.Request, name: str, default: int) -> int:
    try:
        return int(request.query.get(name, default))
    except ValueError:
        raise web.HTTPBadRequest(text=f"{name} must be an integer") from None


async def sku_ids_by_sales_channel(request: web.Request) -> web.Response:
    sim = sim_of(request)
    sc = request.query.get("sc")
    if not sc or not sc.isdigit():
        return vtex_error(400, "400", "sc (the trade policy id, an integer) is required")
    page = max(1, _query_int(request, "page", 1))
    size = min(MAX_PAGE_SIZE, max(1, _query_int(request, "pageSize", 50)))
    only = request.query.get("onlyAssigned", "false").lower() == "true"
    ids = sim.catalog.sku_ids_in(sc, only_assigned=only)
    return web.json_response(ids[(page - 1) * size : page * size])


async def sku_and_context(request: web.Request) -> web.Response:
    sim = sim_of(request)
    sku = sim.catalog.sku(int_id(request, "sku_id"))
    if sku is None:
        return web.json_response(None, status=404)
    return web.json_response(catalog_json.sku_context(sim.catalog, sku))


async def sku_basic(request: web.Request) -> web.Response:
    sku = sim_of(request).catalog.sku(int_id(request, "sku_id"))
    if sku is None:
        return vtex_error(404, "404", "SKU not found")
    return web.json_response(catalog_json.sku_basic(sku))


async def skus_by_product(request: web.Request) -> web.Response:
    """``GET …/sku/stockkeepingUnitByProductId/{productId}``: every SKU of the product."""
    sim = sim_of(request)
    product_id = int_id(request, "product_id")
    if product_id not in sim.catalog.products:
        return vtex_error(404, "404", "Product not found")
    skus = [s for s in sim.catalog.skus.values() if s.product_id == product_id]
    return web.json_response([catalog_json.sku_basic(s) for s in skus])


async def specification_fields(request: web.Request) -> web.Response:
    """``GET /api/catalog_system/pub/specification/field/listByCategoryId/{categoryId}``: the
    category's product specification fields; the ones it requires have ``IsRequired``."""
    sim = sim_of(request)
    category = sim.catalog.categories.get(int_id(request, "category_id"))
    if category is None:
        return web.json_response([])
    return web.json_response(
        [
            {
                "Name": name,
                "CategoryId": category.id,
                "FieldId": 100 + i,
                "IsActive": True,
                "IsRequired": True,
                "FieldTypeId": 5,
                "FieldTypeName": "Combo",
                "FieldValueId": None,
                "Description": None,
                "IsStockKeepingUnit": False,
                "IsFilter": True,
                "IsOnProductDetails": True,
                "Position": i,
                "IsWizard": False,
                "IsTopMenuLinkActive": False,
                "IsSideMenuLinkActive": False,
                "DefaultValue": None,
                "FieldGroupId": 1,
                "FieldGroupName": "Especificaciones",
            }
            for i, name in enumerate(category.required_specifications)
        ]
    )


async def product(request: web.Request) -> web.Response:
    found = sim_of(request).catalog.products.get(int_id(request, "product_id"))
    if found is None:
        return vtex_error(404, "404", "Product not found")
    return web.json_response(catalog_json.product_json(found))


async def productget(request: web.Request) -> web.Response:
    found = sim_of(request).catalog.products.get(int_id(request, "product_id"))
    if found is None:
        return web.json_response(None, status=404)
    return web.json_response(catalog_json.productget_json(found))


async def category_tree(request: web.Request) -> web.Response:
    levels = int_id(request, "levels")
    return web.json_response(catalog_json.category_tree(sim_of(request).catalog, levels))


async def brand_list(request: web.Request) -> web.Response:
    return web.json_response(catalog_json.brand_list(sim_of(request).catalog))


async def sales_channels(request: web.Request) -> web.Response:
    return web.json_response(catalog_json.sales_channel_list(sim_of(request).catalog))


async def simulation(request: web.Request) -> web.Response:
    sim = sim_of(request)
    body = await json_body(request)
    if not isinstance(body, dict) or not isinstance(body.get("items"), list):
        return vtex_error(400, "CHK0004", "items is required")
    affiliate_id = request.query.get("affiliateId")
    sc = request.query.get("sc")
    if sc is None and affiliate_id in sim.affiliates:
        sc = sim.affiliates[affiliate_id].sales_channel
    checkout = request.path.startswith("/api/checkout/")
    per_item = sim.faults.simulation_item_latency
    if per_item > 0:  # a share of the latency per item asked about
        await asyncio.sleep(per_item * len(body["items"]))
    return web.json_response(
        simulate(sim.catalog, sim.shipping, sc or "1", body, checkout=checkout)
    )


async def get_affiliate(request: web.Request) -> web.Response:
    affiliate = sim_of(request).affiliates.get(request.match_info["affiliate_id"])
    if affiliate is None:
        return vtex_error(404, "FMT0021", "Affiliate not found")
    return web.json_response(affiliate.to_json())


async def list_affiliates(request: web.Request) -> web.Response:
    return web.json_response([a.to_json() for a in sim_of(request).affiliates.values()])


async def put_affiliate(request: web.Request) -> web.Response:
    sim = sim_of(request)
    body = await json_body(request)
    if not isinstance(body, dict):
        return vtex_error(400, "FMT0021", "Body must be a JSON object")
    try:
        affiliate = affiliate_from_json(request.match_info["affiliate_id"], body)
    except AffiliateInvalid as invalid:
        return vtex_error(400, invalid.code, invalid.message)
    sim.affiliates[affiliate.id] = affiliate
    return web.Response(status=204)  # Marketplace APIs: 204, no body


async def delete_affiliate(request: web.Request) -> web.Response:
    if sim_of(request).affiliates.pop(request.match_info["affiliate_id"], None) is None:
        return vtex_error(404, "FMT0021", "Affiliate not found")
    return web.Response(status=204)


def add_routes(app: web.Application) -> None:
    pvt = "/api/catalog_system/pvt"
    app.router.add_get(f"{pvt}/sku/stockkeepingunitidsbysaleschannel", sku_ids_by_sales_channel)
    app.router.add_get(f"{pvt}/sku/stockkeepingunitbyid/{{sku_id}}", sku_and_context)
    app.router.add_get("/api/catalog/pvt/stockkeepingunit/{sku_id}", sku_basic)
    app.router.add_get("/api/catalog/pvt/product/{product_id}", product)
    app.router.add_get(f"{pvt}/sku/stockkeepingUnitByProductId/{{product_id}}", skus_by_product)
    app.router.add_get(
        "/api/catalog_system/pub/specification/field/listByCategoryId/{category_id}",
        specification_fields,
    )
    app.router.add_get(f"{pvt}/products/productget/{{product_id}}", productget)
    app.router.add_get("/api/catalog_system/pub/category/tree/{levels}", category_tree)
    app.router.add_get(f"{pvt}/brand/list", brand_list)
    app.router.add_get(f"{pvt}/saleschannel/list", sales_channels)
    app.router.add_post("/api/fulfillment/pvt/orderForms/simulation", simulation)
    app.router.add_post("/api/checkout/pub/orderForms/simulation", simulation)
    app.router.add_get("/api/fulfillment/pvt/affiliates", list_affiliates)
    app.router.add_get("/api/fulfillment/pvt/affiliates/{affiliate_id}", get_affiliate)
    app.router.add_put("/api/fulfillment/pvt/affiliates/{affiliate_id}", put_affiliate)
    app.router.add_delete("/api/fulfillment/pvt/affiliates/{affiliate_id}", delete_affiliate)
