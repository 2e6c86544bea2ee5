"""Routes VTEX calls about orders: Channel Order API results and OMS callbacks.

Every route lives under `/vtex/{token}/…` (the connector endpoint and the marketplace
services endpoint VTEX is given carry the store's secret): the store is resolved from the
token before the body is read, and an order is found only among that store's orders, so a
caller without the secret changes nothing. Each handler records the event in the order
ledger (idempotently, within the per-order limits) and queues the follow-up for the store's
`order` or `order-status` consumer, which re-reads the order from VTEX before it tells
Linio anything.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Awaitable
from typing import Any

from aiohttp import web

from app.http_errors import ApiError
from app.web_keys import BROKER, LEDGER
from clients.vtex.inbound import (
    INVOICE_NUMBER,
    ORDER_ID,
    InvoiceNotification,
    ProcessingResult,
    normalise_account,
    parse_invoice,
    parse_processing_result,
)
from domain.orders.ledger import OrderLedger, OrderLimitReached
from domain.work import OrderResultWork, OrderStatusAction, OrderStatusWork
from handlers.common import parse_body, read_json
from handlers.store_auth import store_for_token


def _ledger(request: web.Request) -> OrderLedger:
    return request.app[LEDGER]


async def _publish(
    request: web.Request,
    order: dict[str, Any],
    action: OrderStatusAction,
    invoice_number: str | None = None,
) -> None:
    await request.app[BROKER].publish_work(
        OrderStatusWork(
            order["store_id"],
            action=action,
            vtex_order_id=order.get("vtex_order_id"),
            linio_order_id=order.get("linio_order_id"),
            invoice_number=invoice_number,
        )
    )


async def _order_for(request: web.Request) -> dict[str, Any]:
    """By VTEX order id or marketplace order id (VTEX's documents use both), among the
    orders of the store whose token is in the path."""
    store = await store_for_token(request)
    order_id = request.match_info["orderId"]
    if not ORDER_ID.match(order_id):
        raise ApiError("invalid_order_id", details={"field": "orderId"}, pattern=ORDER_ID.pattern)
    order = await _ledger(request).for_callback(order_id, [store.store_id])
    if order is None:
        raise ApiError("unknown_order", order_id=order_id)
    return order


async def _within_limits(order: dict[str, Any], write: Awaitable[bool]) -> bool:
    try:
        return await write
    except OrderLimitReached as exc:
        raise ApiError(
            "order_limit_reached",
            order_id=order.get("vtex_order_id") or order.get("linio_order_id"),
            what=exc.what,
            limit=exc.limit,
        ) from None


async def processing_result(request: web.Request) -> web.Response:
    store = await store_for_token(request)  # the secret first, the body after
    result: ProcessingResult = await parse_body(
        request, parse_processing_result, "invalid_processing_result"
    )
    account = normalise_account(request.query.get("an")) or result.account or store.account
    if account != store.account:
        raise ApiError("account_mismatch", expected=store.account, got=account)
    ledger = _ledger(request)
    order = await ledger.by_marketplace_order([store.store_id], result.marketplace_order_id)
    if order is None:
        raise ApiError("unknown_order", order_id=result.marketplace_order_id)
    fresh = await _within_limits(order, ledger.record_result(order, result))
    if fresh:
        await request.app[BROKER].publish_work(
            OrderResultWork(
                order["store_id"],
                linio_order_id=order.get("linio_order_id") or "",
                vtex_order_id=order.get("vtex_order_id"),
                flow=result.flow,
                code=result.code,
            )
        )
    return web.json_response({"received": True, "duplicate": not fresh, "code": result.code})


async def invoice(request: web.Request) -> web.Response:
    order = await _order_for(request)
    notification: InvoiceNotification = await parse_body(request, parse_invoice, "invalid_invoice")
    return await _store_invoice(request, order, notification)


async def invoice_tracking(request: web.Request) -> web.Response:
    """Tracking for an existing invoice (`…/invoice/{invoiceNumber}`)."""
    order = await _order_for(request)
    number = request.match_info["invoiceNumber"]
    notification: InvoiceNotification = await parse_body(
        request, lambda data: parse_invoice(data, invoice_number=number), "invalid_tracking"
    )
    return await _store_invoice(request, order, notification)


async def _store_invoice(
    request: web.Request, order: dict[str, Any], notification: InvoiceNotification
) -> web.Response:
    changed = await _within_limits(order, _ledger(request).record_invoice(order, notification))
    if changed:
        action = "tracking" if notification.has_tracking else "invoice"
        await _publish(request, order, action, notification.invoice_number)
    receipt = uuid.uuid5(
        uuid.NAMESPACE_URL, f"{order['vtex_order_id']}/invoice/{notification.invoice_number}"
    )
    return web.json_response(
        {
            "orderId": order["vtex_order_id"],
            "receipt": receipt.hex,
            "date": dt.datetime.now(dt.UTC).isoformat(),
            "duplicate": not changed,
        }
    )


async def tracking_events(request: web.Request) -> web.Response:
    """Delivery events (`…/invoice/{invoiceNumber}/tracking`): isDelivered and the history."""
    order = await _order_for(request)
    number = request.match_info["invoiceNumber"]
    data = await read_json(request)
    if not isinstance(data, dict):
        raise ApiError("invalid_tracking", field="body", detail="must be a JSON object")
    delivered = data.get("isDelivered", False)
    if not isinstance(delivered, bool):
        raise ApiError(
            "invalid_tracking",
            field="isDelivered",
            detail="must be true or false",
            details={"field": "isDelivered"},
        )
    events = data.get("events") or []
    if not isinstance(events, list):
        raise ApiError(
            "invalid_tracking", field="events", detail="must be a list", details={"field": "events"}
        )
    if not INVOICE_NUMBER.match(number):
        raise ApiError(
            "invalid_tracking",
            field="invoiceNumber",
            detail=f"must match {INVOICE_NUMBER.pattern}",
            details={"field": "invoiceNumber"},
        )
    recorded = _ledger(request).record_tracking_events(order, number, data)
    if not await _within_limits(order, recorded):
        raise ApiError("unknown_invoice", invoice=number, order_id=order["vtex_order_id"])
    if delivered:
        await _publish(request, order, "delivered", number)
    return web.json_response(
        {
            "orderId": order["vtex_order_id"],
            "invoiceNumber": number,
            "date": dt.datetime.now(dt.UTC).isoformat(),
        }
    )


async def cancel(request: web.Request) -> web.Response:
    """OMS cancelled the order: answer with a receipt (VTEX then sets `canceled`)."""
    order = await _order_for(request)
    if request.can_read_body:
        await read_json(request)  # the body is optional; when sent it must be JSON
    receipt = await _ledger(request).record_cancel_request(order, source="vtex")
    if not receipt["duplicate"]:
        await _publish(request, order, "cancel")
    return web.json_response(
        {"orderId": order["vtex_order_id"], "receipt": receipt["receipt"], "date": receipt["date"]}
    )
