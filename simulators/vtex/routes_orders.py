"""Order routes: Channel Order API, deprecated fulfillment orders, OMS, Feed v3 and Hook."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from simulators.vtex.http_helpers import json_body, sim_of, vtex_error
from simulators.vtex.order_events import HookRejected
from simulators.vtex.order_flows import OrderRefused, invoice_problems, tracking_problems
from simulators.vtex.orders import result


def _refused(refused: OrderRefused) -> web.Response:
    return vtex_error(refused.status, refused.code, refused.message)


async def _optional_json(request: web.Request) -> dict[str, Any]:
    return await _dict_body(request) if request.can_read_body else {}


def _sync_refusal(
    flow: str, account: str, body: dict[str, Any], refused: OrderRefused
) -> web.Response:
    """The Channel Order API's synchronous 400: the result contract with the error."""
    answer = result(account, flow, refused.code, body.get("marketplaceOrderId"))
    answer["errors"] = [
        {"source": "Order Integration", "code": refused.code, "description": refused.message}
    ]
    return web.json_response(answer, status=400)


async def _dict_body(request: web.Request) -> dict[str, Any]:
    body = await json_body(request)
    return body if isinstance(body, dict) else {}


async def new_order(request: web.Request) -> web.Response:
    sim = sim_of(request)
    body = await _dict_body(request)
    try:
        answer = sim.desk.accept_new_order(
            body,
            affiliate_id=request.query.get("affiliateId"),
            connector_endpoint=sim.template_connector_endpoint,
        )
    except OrderRefused as refused:
        return _sync_refusal("PlaceOrder", sim.account, body, refused)
    return web.json_response(answer)


async def order_status(request: web.Request) -> web.Response:
    sim = sim_of(request)
    body = await _dict_body(request)
    try:
        answer = sim.desk.accept_status_update(
            body, connector_endpoint=sim.template_connector_endpoint
        )
    except OrderRefused as refused:
        return _sync_refusal("ApproveOrder", sim.account, body, refused)
    return web.json_response(answer)


async def fulfillment_orders(request: web.Request) -> web.Response:
    sim = sim_of(request)
    body = await json_body(request)
    try:
        created = sim.desk.place_fulfillment_orders(body, request.query.get("affiliateId"))
    except OrderRefused as refused:
        return _refused(refused)
    return web.json_response(created)


async def fulfill(request: web.Request) -> web.Response:
    try:
        answer = sim_of(request).desk.fulfill(request.match_info["order_id"])
    except OrderRefused as refused:
        return _refused(refused)
    return web.json_response(answer, status=201)  # ExtMkp: 201 and one object


async def get_order(request: web.Request) -> web.Response:
    sim = sim_of(request)
    order = sim.orders.get(request.match_info["order_id"])
    if order is None:
        return vtex_error(404, "OMS003", "Order not found")
    return web.json_response(order.to_oms_json(sim.account))


async def list_orders(request: web.Request) -> web.Response:
    """``GET /api/oms/pvt/orders``: `q` matches an order id or marketplace order id,
    `f_affiliateId` filters by affiliate (VTEX's list is an index; ours is always current)."""
    sim = sim_of(request)
    q = request.query.get("q", "")
    affiliate = request.query.get("f_affiliateId")
    rows = [
        {
            "orderId": o.order_id,
            "marketPlaceOrderId": o.marketplace_order_id,
            "affiliateId": o.affiliate_id,
            "status": o.status,
            "totalValue": o.value,
        }
        for o in sim.orders
        if (not q or q in (o.order_id, o.marketplace_order_id))
        and (not affiliate or affiliate == o.affiliate_id)
    ]
    paging = {"total": len(rows), "pages": 1, "currentPage": 1, "perPage": max(len(rows), 15)}
    return web.json_response({"list": rows, "facets": [], "paging": paging, "stats": {}})


async def cancel(request: web.Request) -> web.Response:
    body = await _optional_json(request)
    try:
        answer = await sim_of(request).desk.cancel(
            request.match_info["order_id"], reason=body.get("reason"), wait=False
        )
    except OrderRefused as refused:
        return _refused(refused)
    return web.json_response(answer)


async def invoice(request: web.Request) -> web.Response:
    body = await json_body(request)
    if not isinstance(body, dict):
        return vtex_error(400, "OMS", "Body must be a JSON object")
    problems = invoice_problems(body)
    if problems:
        return vtex_error(400, "OMS", "; ".join(problems))
    try:
        answer = await sim_of(request).desk.add_invoice(
            request.match_info["order_id"], body, wait=False
        )
    except OrderRefused as refused:
        return _refused(refused)
    return web.json_response(answer)


async def invoice_tracking(request: web.Request) -> web.Response:
    body = await _optional_json(request)
    problems = tracking_problems(body)
    if problems:
        return vtex_error(400, "OMS", "; ".join(problems))
    try:
        answer = await sim_of(request).desk.update_tracking(
            request.match_info["order_id"], request.match_info["number"], body
        )
    except OrderRefused as refused:
        return _refused(refused)
    return web.json_response(answer)


async def tracking_events(request: web.Request) -> web.Response:
    body = await _optional_json(request)
    try:
        answer = await sim_of(request).desk.tracking_events(
            request.match_info["order_id"], request.match_info["number"], body
        )
    except OrderRefused as refused:
        return _refused(refused)
    return web.json_response(answer)


async def start_handling(request: web.Request) -> web.Response:
    try:
        sim_of(request).desk.start_handling(request.match_info["order_id"])
    except OrderRefused as refused:
        return _refused(refused)
    return web.Response(status=204)


async def get_config(request: web.Request) -> web.Response:
    """``GET /api/orders/feed/config`` and ``GET /api/orders/hook/config``."""
    kind = request.match_info["kind"]
    config = getattr(sim_of(request).events, f"{kind}_config")
    return web.json_response(config) if config else vtex_error(404, "OMS", f"No {kind} config")


async def set_feed_config(request: web.Request) -> web.Response:
    body = await json_body(request)
    try:
        sim_of(request).events.set_feed_config(body if isinstance(body, dict) else {})
    except HookRejected as rejected:
        return vtex_error(409, "OMS", str(rejected))
    return web.Response(status=200)


async def set_hook_config(request: web.Request) -> web.Response:
    body = await json_body(request)
    try:
        await sim_of(request).events.set_hook_config(body if isinstance(body, dict) else {})
    except HookRejected as rejected:
        return vtex_error(400, "OMS", str(rejected))
    return web.Response(status=200)


async def read_feed(request: web.Request) -> web.Response:
    max_lot = int(request.query.get("maxlot", request.query.get("maxLot", 10)))
    return web.json_response(sim_of(request).events.read_feed(max(1, min(max_lot, 10))))


async def commit_feed(request: web.Request) -> web.Response:
    body = await json_body(request)
    handles = body.get("handles") if isinstance(body, dict) else None
    if not isinstance(handles, list):
        return vtex_error(400, "OMS", "handles must be a list")
    sim_of(request).events.commit([str(h) for h in handles])
    return web.Response(status=200)  # Orders API: 200


def add_routes(app: web.Application) -> None:
    oms = "/api/oms/pvt/orders/{order_id}"
    app.router.add_post("/api/order-integration/orders", new_order)
    app.router.add_put("/api/order-integration/orders/status", order_status)
    app.router.add_post("/api/fulfillment/pvt/orders", fulfillment_orders)
    app.router.add_post("/api/fulfillment/pvt/orders/{order_id}/fulfill", fulfill)
    app.router.add_get("/api/oms/pvt/orders", list_orders)
    app.router.add_get(oms, get_order)
    app.router.add_post(f"{oms}/cancel", cancel)
    app.router.add_post(f"{oms}/invoice", invoice)
    app.router.add_patch(f"{oms}/invoice/{{number}}", invoice_tracking)
    app.router.add_put(f"{oms}/invoice/{{number}}/tracking", tracking_events)
    app.router.add_post(f"{oms}/start-handling", start_handling)
    app.router.add_get("/api/orders/{kind:feed|hook}/config", get_config)
    app.router.add_post("/api/orders/feed/config", set_feed_config)
    app.router.add_post("/api/orders/hook/config", set_hook_config)
    app.router.add_get("/api/orders/feed", read_feed)
    app.router.add_post("/api/orders/feed", commit_feed)
