"""What the simulated account does with orders: place, approve, invoice, cancel.

Both placement methods share the checks a real account applies — availability in the
trade policy, carrier for the address, duplicate marketplace id, price divergence against
the account's order-authorization rule — and differ only in how they answer: the Channel
Order API asynchronously with SOI/EOI codes, the deprecated fulfillment API synchronously
with FMT/ORD codes. OMS transitions send the invoice and cancel callbacks the real OMS
sends to ``marketplaceServicesEndpoint``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from simulators.vtex.affiliates import Affiliate
from simulators.vtex.catalog import SimCatalog, now_iso
from simulators.vtex.delivery import Outbox, join_url
from simulators.vtex.fulfillment import ShippingRules
from simulators.vtex.order_events import OrderEvents
from simulators.vtex.orders import (
    CANCELABLE_AFTER_RETURN,
    CANCELED,
    CANCELLABLE,
    HANDLING,
    INVOICEABLE,
    INVOICED,
    PAYMENT_APPROVED,
    READY_FOR_HANDLING,
    REQUEST_CANCEL,
    WAITING_FULFILLMENT,
    WAITING_MANUAL,
    WAITING_MARKETPLACE,
    Invoice,
    OrderBook,
    SimOrder,
    error,
    receipt,
    result,
)


class OrderRefused(Exception):
    """A placement or OMS call is refused; ``code`` is VTEX's, ``status`` the HTTP one."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


@dataclass
class _Checked:
    items: list[dict[str, Any]]
    shipping_value: int
    expected_value: int


class OrderDesk:
    def __init__(
        self,
        *,
        account: str,
        catalog: SimCatalog,
        shipping: ShippingRules,
        orders: OrderBook,
        outbox: Outbox,
        events: OrderEvents,
        affiliate_for: Callable[[str | None], Affiliate],
        divergence_rule: Callable[[], str | None],
        processing_delay: Callable[[], float],
        callback_order_id: Callable[[], str] = lambda: "marketplace",
    ) -> None:
        self.account = account
        self.catalog = catalog
        self.shipping = shipping
        self.orders = orders
        self.outbox = outbox
        self.events = events
        self._affiliate_for = affiliate_for
        self._rule = divergence_rule
        self._delay = processing_delay
        self._callback_order_id = callback_order_id

    # ----- shared checks -----------------------------------------------------------
    def _check(
        self,
        sc: str,
        items: list[dict[str, Any]],
        shipping: dict[str, Any],
        paid: int | None,
        interest: int,
        allowance: float | None,
    ) -> tuple[_Checked, bool]:
        """Raise OrderRefused for unavailable items/addresses; return whether prices diverge."""
        checked: list[dict[str, Any]] = []
        expected = interest
        for item in items:
            sku = self.catalog.sku(item.get("id"))
            if sku is None:
                raise OrderRefused("EOI004", f"Item {item.get('id')} not found in the catalog")
            price, stock = self.catalog.availability(sku, sc)
            quantity = int(item.get("quantity") or 0)
            if price is None or stock < quantity:
                raise OrderRefused("EOI002", f"Item {sku.id} not found or unavailable")
            product = self.catalog.product_of(sku)
            expected += price.price * quantity
            checked.append(
                {
                    "id": str(sku.id),
                    "productId": str(product.id),
                    "refId": sku.ref_id,
                    "ean": sku.ean,
                    "name": sku.name,
                    "imageUrl": sku.images[0].url if sku.images else None,
                    "quantity": quantity,
                    "price": int(
                        item.get("price") if item.get("price") is not None else price.price
                    ),
                    "listPrice": price.list_price,
                }
            )
        logistics = shipping.get("logisticsInfo") or []
        shipping_value = sum(int(li.get("price") or 0) for li in logistics)
        expected += shipping_value
        self._check_delivery(shipping, logistics)
        if paid is None:
            return _Checked(checked, shipping_value, expected), False
        rate = allowance or 0.0
        rate = rate / 100 if rate > 1 else rate
        diverges = abs(paid - expected) > expected * rate
        return _Checked(checked, shipping_value, expected), diverges

    def _check_delivery(self, shipping: dict[str, Any], logistics: list[dict[str, Any]]) -> None:
        if shipping.get("isFob"):
            return  # the marketplace delivers: no seller carrier needed
        addresses = shipping.get("selectedAddresses") or (
            [shipping["address"]] if shipping.get("address") else []
        )
        if not addresses:
            raise OrderRefused("EOI002", "No address to deliver to")
        channels = {li.get("selectedDeliveryChannel") or "delivery" for li in logistics}
        postal_code = str(addresses[0].get("postalCode") or "")
        if "delivery" in channels and not self.shipping.serves(postal_code):
            raise OrderRefused("EOI002", f"No SLA available for postal code {postal_code}")
        for li in logistics:
            sla = li.get("selectedSla")
            if sla and self.shipping.sla_named(sla) is None:
                raise OrderRefused("EOI002", f"Selected SLA {sla} is not available")

    def _reserve(self, sc: str, items: list[dict[str, Any]], sign: int) -> None:
        for item in items:
            sku = self.catalog.sku(item["id"])
            if sku is not None:
                sku.stock[sc] = sku.stock.get(sc, 0) - sign * item["quantity"]

    def set_status(self, order: SimOrder, status: str) -> None:
        last = order.status
        order.status = status
        order.history.append((status, now_iso()))
        self.events.emit(order, last)

    # ----- Channel Order API -------------------------------------------------------
    def accept_new_order(
        self, body: dict[str, Any], *, affiliate_id: str | None, connector_endpoint: str | None
    ) -> dict[str, Any]:
        """Synchronous part: the checks ExtMkp's schema makes (EOI005), then SOI003 and the
        work in the background. ``affiliate_id`` is the required ``affiliateId`` query."""
        if not affiliate_id:
            raise OrderRefused("EOI005", "affiliateId is required (query string)")
        mkp_id = body.get("marketplaceOrderId")
        items = body.get("items")
        if not isinstance(mkp_id, str | int) or not str(mkp_id) or not isinstance(items, list):
            raise OrderRefused("EOI005", "marketplaceOrderId and items are required")
        _check_status(body, ("new", "approved"))
        logistics = (body.get("shippingData") or {}).get("logisticsInfo")
        if isinstance(logistics, list) and len(logistics) != len(items):
            raise OrderRefused(
                "EOI005",
                f"shippingData.logisticsInfo has {len(logistics)} entries for {len(items)} "
                "items; it must contain the same number of items as the items list",
            )
        endpoint = _connector_endpoint(body, connector_endpoint)
        self.outbox.later(self._place(body, str(mkp_id), affiliate_id, endpoint))
        return result(self.account, "PlaceOrder", "SOI003", None)

    async def _place(
        self, body: dict[str, Any], mkp_id: str, affiliate_id: str | None, endpoint: str
    ) -> None:
        await asyncio.sleep(self._delay())
        operation = receipt()
        affiliate = self._affiliate_for(affiliate_id)
        main_order_id: str | None = None
        errors = None
        code = "SOI001"
        existing = self.orders.by_marketplace_id(mkp_id, affiliate.id)
        try:
            if existing is not None:  # fields (mainOrderId) only come with a success
                raise OrderRefused(
                    "EOI007", f"Order {mkp_id} already exists as {existing.order_id}"
                )
            order = self._create(body, mkp_id, affiliate, endpoint, via="order-integration")
            main_order_id = order.order_id
        except OrderRefused as refused:
            code = refused.code
            errors = [error(refused.code, refused.message)]
            order = None
        await self._notify_result(
            "PlaceOrder", code, mkp_id, operation, endpoint, errors, main_order_id
        )
        if order is not None and body.get("marketplaceOrderStatus") == "approved":
            await self._approve(order, mkp_id, endpoint)

    def _create(
        self, body: dict[str, Any], mkp_id: str, affiliate: Affiliate, endpoint: str, *, via: str
    ) -> SimOrder:
        sc = affiliate.sales_channel
        shipping = body.get("shippingData") or {}
        paid = body.get("marketplacePaymentValue")
        if not isinstance(paid, int) or isinstance(paid, bool):
            raise OrderRefused("EOI005", "marketplacePaymentValue must be an integer in cents")
        checked, diverges = self._check(
            sc,
            body.get("items") or [],
            shipping,
            paid,
            int(body.get("marketplaceInterestValue") or 0),
            body.get("priceDivergenceAllowanceRate"),
        )
        status = WAITING_MARKETPLACE if via == "order-integration" else WAITING_FULFILLMENT
        if diverges:
            rule = self._rule()
            if rule is None:
                raise OrderRefused(
                    "EOI003",
                    f"Payment total ({paid}) differs from store desired value "
                    f"({checked.expected_value})",
                )
            if rule == "deny":
                raise OrderRefused("EOI001", "Order denied by the price divergence rule")
            if rule == "manual":
                status = WAITING_MANUAL
        order_id, sequence = self.orders.new_ids(affiliate.id)
        order = SimOrder(
            order_id=order_id,
            sequence=sequence,
            marketplace_order_id=mkp_id,
            affiliate_id=affiliate.id,
            sales_channel=sc,
            items=checked.items,
            shipping_value=checked.shipping_value,
            payment_value=paid,
            marketplace_services_endpoint=body.get("marketplaceServicesEndpoint") or endpoint,
            connector_endpoint=endpoint,
            via=via,
            body=body,
        )
        self.orders.add(order)
        self._reserve(sc, checked.items, +1)
        self.set_status(order, status)
        return order

    async def _notify_result(
        self,
        flow: str,
        code: str,
        mkp_id: str,
        operation: str,
        endpoint: str,
        errors: list[dict[str, str]] | None,
        main_order_id: str | None,
    ) -> None:
        payload = result(
            self.account,
            flow,
            code,
            mkp_id,
            operation_id=operation,
            errors=errors,
            main_order_id=main_order_id,
        )
        url = join_url(
            endpoint, "order-integration/notification/processing-result", an=self.account
        )
        await self.outbox.send("processing-result", url, payload)

    def accept_status_update(
        self, body: dict[str, Any], *, connector_endpoint: str | None
    ) -> dict[str, Any]:
        mkp_id = body.get("marketplaceOrderId")
        if not mkp_id:
            raise OrderRefused("EOI005", "marketplaceOrderId is required")
        _check_status(body, ("approved",))
        endpoint = _connector_endpoint(body, connector_endpoint)

        async def later() -> None:
            await asyncio.sleep(self._delay())
            order = self.orders.by_marketplace_id(str(mkp_id))
            await self._approve(order, str(mkp_id), endpoint)

        self.outbox.later(later())
        return result(self.account, "ApproveOrder", "SOI003", str(mkp_id))

    async def _approve(self, order: SimOrder | None, mkp_id: str, endpoint: str) -> None:
        code = "SOI002"
        if order is None:
            code = "EOI008"
        elif order.status == WAITING_MANUAL:
            code = "EOI011"
        elif order.status in (CANCELED, REQUEST_CANCEL, INVOICED):
            code = "EOI009"
        elif not order.marketplace_approved:
            order.marketplace_approved = True
            self.set_status(order, PAYMENT_APPROVED)
            self.set_status(order, READY_FOR_HANDLING)
        errors = None if code == "SOI002" else [error(code, f"Order {mkp_id}: {code}")]
        await self._notify_result(
            "ApproveOrder",
            code,
            mkp_id,
            receipt(),
            endpoint,
            errors,
            order.order_id if order else None,
        )

    async def authorize_divergence(self, order_id: str, approve: bool = True) -> SimOrder:
        """The seller's manual decision on a price-divergent order."""
        order = self._order(order_id)
        if order.status != WAITING_MANUAL:
            raise OrderRefused("ORD", f"Order {order_id} is not waiting for authorization", 409)
        if approve:
            self.set_status(
                order,
                WAITING_MARKETPLACE if order.via == "order-integration" else WAITING_FULFILLMENT,
            )
        else:
            await self.cancel(order_id, reason="Price divergence denied", wait=True)
        return order

    # ----- deprecated fulfillment API ---------------------------------------------
    def place_fulfillment_orders(
        self, orders: Any, affiliate_id: str | None
    ) -> list[dict[str, Any]]:
        """``POST /api/fulfillment/pvt/orders``: all or nothing, FMT/ORD codes, synchronous."""
        if not isinstance(orders, list) or not orders:
            raise OrderRefused("FMT001", "Body must be a non-empty array of orders")
        if not affiliate_id:
            raise OrderRefused("FMT001", "affiliateId is required (query string)")
        affiliate = self._affiliate_for(affiliate_id)
        for body in orders:
            mkp_id = body.get("marketplaceOrderId") if isinstance(body, dict) else None
            if not mkp_id:
                raise OrderRefused("FMT015", "Marketplace order id is missing")
            if not body.get("marketplaceServicesEndpoint"):
                raise OrderRefused("FMT0070", "Marketplace services endpoint is missing")
            if not body.get("shippingData"):
                raise OrderRefused("FMT001", "Shipping data is missing")
            if self.orders.by_marketplace_id(str(mkp_id), affiliate.id):
                raise OrderRefused(
                    "FMT009",
                    f"Order with marketplace order id {mkp_id} already exists for affiliate "
                    f"{affiliate.id}",
                )
        created = []
        for body in orders:
            try:
                order = self._create(
                    body,
                    str(body["marketplaceOrderId"]),
                    affiliate,
                    body["marketplaceServicesEndpoint"],
                    via="fulfillment",
                )
            except OrderRefused as refused:
                raise _as_fulfillment_error(refused) from None
            created.append(order)
        return [
            {
                "marketplaceOrderId": o.marketplace_order_id,
                "orderId": o.order_id,
                "followUpEmail": None,
                "items": o.items,
                "clientProfileData": o.body.get("clientProfileData"),
                "shippingData": o.body.get("shippingData"),
                "paymentData": None,
                "marketplaceServicesEndpoint": o.marketplace_services_endpoint,
                "value": o.value,
                "status": o.status,
            }
            for o in created
        ]

    def fulfill(self, order_id: str) -> dict[str, Any]:
        order = self.orders.get(order_id) or self.orders.by_marketplace_id(order_id)
        if order is None:
            raise OrderRefused("ORD", f"Order {order_id} not found", 404)
        if order.status == WAITING_FULFILLMENT:
            order.marketplace_approved = True
            self.set_status(order, READY_FOR_HANDLING)
        elif order.status not in (READY_FOR_HANDLING, HANDLING, INVOICED):
            raise OrderRefused("ORD", f"Order {order.order_id} is {order.status}")
        return {
            "marketplaceOrderId": order.marketplace_order_id,
            "orderId": order.order_id,
            "receipt": receipt(),
        }

    # ----- OMS -------------------------------------------------------------------
    def _order(self, order_id: str) -> SimOrder:
        order = self.orders.get(order_id)
        if order is None:
            raise OrderRefused("OMS003", f"Order {order_id} not found", 404)
        return order

    def start_handling(self, order_id: str) -> None:
        order = self._order(order_id)
        if order.status != READY_FOR_HANDLING:
            raise OrderRefused(
                "OMS", f"Order {order_id} is {order.status}, not ready-for-handling", 409
            )
        self.set_status(order, HANDLING)

    async def add_invoice(
        self, order_id: str, body: dict[str, Any], *, wait: bool
    ) -> dict[str, Any]:
        order = self._order(order_id)
        kind = body.get("type") or "Output"
        number = body.get("invoiceNumber")
        if kind not in ("Output", "Input"):
            raise OrderRefused("OMS", "type must be Output or Input")
        if not number:
            raise OrderRefused("OMS", "invoiceNumber is required")
        if order.invoice(str(number)):
            raise OrderRefused("OMS", f"Invoice {number} already exists on this order", 409)
        if kind == "Output" and order.status not in INVOICEABLE:
            raise OrderRefused(
                "OMS", f"Order {order_id} is {order.status}; it cannot be invoiced", 403
            )
        if kind == "Input" and not order.invoiced_value("Output"):
            raise OrderRefused("OMS", "A return invoice needs an invoiced order", 403)
        value = body.get("invoiceValue")  # Orders API: a string of cents; integers accepted
        invoice = Invoice(
            number=str(number),
            type=kind,
            value=int(value) if value is not None else order.value,
            issuance_date=body.get("issuanceDate") or now_iso(),
            items=body.get("items")
            or [
                {"id": i["id"], "quantity": i["quantity"], "price": i["price"]} for i in order.items
            ],
            key=body.get("invoiceKey"),
            url=body.get("invoiceUrl"),
            embedded=body.get("embeddedInvoice"),
            courier=body.get("courier"),
            tracking_number=body.get("trackingNumber"),
            tracking_url=body.get("trackingUrl"),
            dispatched_date=body.get("dispatchedDate"),
        )
        order.invoices.append(invoice)
        if kind == "Output":
            if order.invoiced_value("Output") >= order.value and order.status != INVOICED:
                self.set_status(order, INVOICED)
            await self._notify_invoice(order, invoice, wait=wait)
        return {"date": now_iso(), "orderId": order.order_id, "receipt": receipt()}

    def callback_url(self, order: SimOrder, suffix: str) -> str | None:
        """``{marketplaceServicesEndpoint}/pvt/orders/{id}/{suffix}`` (MkpProto), ``id`` being
        the marketplace order id (MkpProto) or, with ``callback_order_id="vtex"``, VTEX's
        order id (the external-marketplace guides leave it open)."""
        if not order.marketplace_services_endpoint:
            return None
        order_id = (
            order.order_id if self._callback_order_id() == "vtex" else order.marketplace_order_id
        )
        return join_url(order.marketplace_services_endpoint, f"pvt/orders/{order_id}/{suffix}")

    async def _notify_invoice(self, order: SimOrder, invoice: Invoice, *, wait: bool) -> None:
        url = self.callback_url(order, "invoice")
        if url is not None:
            await self._run(self.outbox.send("invoice", url, invoice.notification()), wait=wait)

    async def update_tracking(
        self, order_id: str, number: str, body: dict[str, Any], *, wait: bool = False
    ) -> dict[str, Any]:
        """``PATCH …/invoice/{n}``: tracking data; OMS notifies the marketplace again."""
        order = self._order(order_id)
        invoice = order.invoice(number)
        if invoice is None:
            raise OrderRefused("OMS", f"Invoice {number} not found", 404)
        invoice.tracking_number = body.get("trackingNumber", invoice.tracking_number)
        invoice.tracking_url = body.get("trackingUrl", invoice.tracking_url)
        invoice.courier = body.get("courier", invoice.courier)
        invoice.dispatched_date = body.get("dispatchedDate", invoice.dispatched_date)
        url = self.callback_url(order, f"invoice/{number}")
        if url is not None:  # MkpProto "send tracking information"
            payload = {
                "courier": invoice.courier,
                "trackingNumber": invoice.tracking_number,
                "trackingUrl": invoice.tracking_url,
                "dispatchedDate": invoice.dispatched_date,
            }
            await self._run(self.outbox.send("tracking", url, payload), wait=wait)
        return {"date": now_iso(), "orderId": order.order_id, "receipt": receipt()}

    async def tracking_events(
        self, order_id: str, number: str, body: dict[str, Any], *, wait: bool = False
    ) -> dict[str, Any]:
        """``PUT …/invoice/{n}/tracking``: delivery events (description ≤ 5000 characters)."""
        order = self._order(order_id)
        invoice = order.invoice(number)
        if invoice is None:
            raise OrderRefused("OMS", f"Invoice {number} not found", 404)
        for event in body.get("events") or []:
            if len(str(event.get("description") or "")) > 5000:
                raise OrderRefused("OMS", "events[].description is limited to 5000 characters")
        invoice.tracking = {
            "isDelivered": bool(body.get("isDelivered")),
            "deliveredDate": body.get("deliveredDate"),
            "events": body.get("events") or [],
        }
        url = self.callback_url(order, f"invoice/{number}/tracking")
        if url is not None:  # MkpProto "update tracking status"
            sent = self.outbox.send("tracking-events", url, dict(invoice.tracking))
            await self._run(sent, wait=wait)
        return {"date": now_iso(), "orderId": order.order_id, "receipt": receipt()}

    async def cancel(self, order_id: str, *, reason: str | None, wait: bool) -> dict[str, Any]:
        """Cancel; OMS asks the marketplace (cancel callback) and sets canceled on a 2xx."""
        order = self._order(order_id)
        if order.status == CANCELED:
            raise OrderRefused("OMS", f"Order {order_id} is already canceled", 403)
        answer = {"date": now_iso(), "orderId": order.order_id, "receipt": receipt()}
        if order.status == REQUEST_CANCEL:  # the marketplace did not confirm: ask again
            await self._run(self._cancel_callback(order), wait=wait)
            return answer
        returned = order.invoiced_value("Input") >= order.invoiced_value("Output")
        if order.status not in CANCELLABLE and not (
            order.status in CANCELABLE_AFTER_RETURN and returned
        ):
            raise OrderRefused(
                "OMS",
                f"Order {order_id} is {order.status}: post a return invoice (type Input) first",
                403,
            )
        order.cancel_reason = reason
        self._reserve(order.sales_channel, order.items, -1)
        if not order.marketplace_services_endpoint:
            self.set_status(order, CANCELED)
            return answer
        self.set_status(order, REQUEST_CANCEL)
        await self._run(self._cancel_callback(order), wait=wait)
        return answer

    async def _run(self, chain: Coroutine[Any, Any, Any], *, wait: bool) -> None:
        if wait:
            await chain
        else:
            self.outbox.later(chain)

    async def _cancel_callback(self, order: SimOrder) -> None:
        url = self.callback_url(order, "cancel")
        assert url is not None
        payload = {  # MkpProto: `reason` is required
            "marketplaceOrderId": order.marketplace_order_id,
            "orderId": order.order_id,
            "reason": order.cancel_reason or "Cancelado por el vendedor",
        }
        delivery = await self.outbox.send("cancel", url, payload)
        if delivery.ok:
            self.set_status(order, CANCELED)


def _check_status(body: dict[str, Any], allowed: tuple[str, ...]) -> None:
    """ExtMkp's ``marketplaceOrderStatus`` enum is lower case ``new`` | ``approved``."""
    status = body.get("marketplaceOrderStatus")
    if status not in allowed:
        raise OrderRefused(
            "EOI005", f"marketplaceOrderStatus must be one of {', '.join(allowed)}, got {status!r}"
        )


def _connector_endpoint(body: dict[str, Any], default: str | None) -> str:
    """ExtMkp: ``connectorEndpoint`` "does not accept query strings"."""
    endpoint = body.get("connectorEndpoint") or default
    if not endpoint:
        raise OrderRefused("EOI005", "connectorEndpoint is required")
    if "?" in str(endpoint):
        raise OrderRefused("EOI005", "connectorEndpoint does not accept query strings")
    return str(endpoint)


def invoice_problems(body: dict[str, Any]) -> list[str]:
    """What ``POST /api/oms/pvt/orders/{id}/invoice`` refuses (Orders API): the required
    ``type, issuanceDate, invoiceNumber, invoiceValue, items``; ``invoiceValue`` in cents,
    as a string of digits (the documented type) or an integer."""
    problems = [
        f"{name} is required"
        for name in ("type", "issuanceDate", "invoiceNumber", "invoiceValue", "items")
        if body.get(name) in (None, "")
    ]
    value = body.get("invoiceValue")
    if value not in (None, "") and not (
        (isinstance(value, int) and not isinstance(value, bool))
        or (isinstance(value, str) and value.isdigit())
    ):
        problems.append("invoiceValue must be in cents, without decimal separator")
    if body.get("items") is not None and not isinstance(body.get("items"), list):
        problems.append("items must be a list")
    return problems


def tracking_problems(body: dict[str, Any]) -> list[str]:
    """What ``PATCH …/invoice/{n}`` refuses: trackingNumber, trackingUrl, courier and
    dispatchedDate are required (Orders API)."""
    return [
        f"{name} is required"
        for name in ("trackingNumber", "trackingUrl", "courier", "dispatchedDate")
        if name not in body or body[name] is None
    ]


def _as_fulfillment_error(refused: OrderRefused) -> OrderRefused:
    """Channel Order API codes → the fulfillment API's checkout codes."""
    mapping = {
        "EOI002": "ORD027",
        "EOI004": "ORD027",
        "EOI003": "FMT007",
        "EOI005": "FMT0042",
        "EOI001": "FMT007",
    }
    return OrderRefused(mapping.get(refused.code, refused.code), refused.message, refused.status)
