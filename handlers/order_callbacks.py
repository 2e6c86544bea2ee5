"""Routes VTEX calls about orders: Channel Order API results and OMS callbacks.

Each handler records the event in the order ledger (idempotently) and queues the follow-up
for the store's `order` or `order-status` consumer, which re-reads the order from VTEX
before it tells Linio anything — so a forged or stale callback can at most trigger a check.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from aiohttp import web

from app.http_errors import ApiError
from app.web_keys import BROKER, LEDGER, STORES
from clients.vtex.inbound import (
    InvoiceNotification,
    ProcessingResult,
    normalise_account,
    parse_invoice,
    parse_processing_result,
)
from domain.orders.ledger import OrderLedger
from domain.work import OrderResultWork, OrderStatusAction, OrderStatusWork
from handlers.common import parse_body, read_json


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
    """By VTEX order id or marketplace order id (VTEX's documents use both)."""
    order_id = request.match_info["orderId"]
    order = await _ledger(request).for_callback(order_id)
    if order is None:
        raise ApiError("unknown_order", order_id=order_id)
    return order


async def processing_result(request: web.Request) -> web.Response:
    result: ProcessingResult = await parse_body(
        request, parse_processing_result, "invalid_processing_result"
    )
    account = normalise_account(request.query.get("an")) or result.account or ""
    if not account:
        raise ApiError("account_required")
    stores = await request.app[STORES].by_account(account)
    if not stores:
        raise ApiError("unknown_store", account=account)
    ledger = _ledger(request)
    order = await ledger.by_marketplace_order(
        [s.store_id for s in stores], result.marketplace_order_id
    )
    if order is None:
        raise ApiError("unknown_order", order_id=result.marketplace_order_id)
    fresh = await ledger.record_result(order, result)
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
    changed = await _ledger(request).record_invoice(order, notification)
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
    if not await _ledger(request).record_tracking_events(order, number, data):
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
