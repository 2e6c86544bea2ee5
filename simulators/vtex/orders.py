"""Orders held by the simulated OMS and the shapes VTEX uses to talk about them.

The status names are VTEX's workflow states; the result contract and its SOI/EOI codes are
the Channel Order API's (spec §3.4.3), shared by the synchronous answer and the
asynchronous processing-result notification.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from simulators.vtex.catalog import now_iso

WAITING_MARKETPLACE = "waiting-for-mkt-authorization"
WAITING_FULFILLMENT = "waiting-ffmt-authorization"
WAITING_MANUAL = "waiting-for-manual-authorization"
PAYMENT_APPROVED = "payment-approved"
READY_FOR_HANDLING = "ready-for-handling"
HANDLING = "handling"
INVOICED = "invoiced"
REQUEST_CANCEL = "request-cancel"
CANCELED = "canceled"

STATUS_DESCRIPTIONS = {
    WAITING_MARKETPLACE: "Esperando autorización del marketplace",
    WAITING_FULFILLMENT: "Esperando autorización para despachar",
    WAITING_MANUAL: "Esperando aprobación manual (divergencia de precio)",
    PAYMENT_APPROVED: "Pago aprobado",
    READY_FOR_HANDLING: "Listo para preparación",
    HANDLING: "Preparando entrega",
    INVOICED: "Facturado",
    REQUEST_CANCEL: "Cancelación solicitada",
    CANCELED: "Cancelado",
}

CANCELLABLE = {
    WAITING_MARKETPLACE,
    WAITING_FULFILLMENT,
    WAITING_MANUAL,
    PAYMENT_APPROVED,
    READY_FOR_HANDLING,
    HANDLING,
}
INVOICEABLE = {READY_FOR_HANDLING, HANDLING, INVOICED}
CANCELABLE_AFTER_RETURN = {INVOICED}

RESULT_MESSAGES = {
    "SOI001": "Order integrated successfully",
    "SOI002": "Order approved successfully",
    "SOI003": "Order successfully enqueued",
    "EOI000": "Unknown error",
    "EOI001": "Unmapped error",
    "EOI002": "No SLA or items available for this order",
    "EOI003": "Payment value differs from the order total and there is no order authorization rule",
    "EOI004": "Invalid cart",
    "EOI005": "Validation error",
    "EOI006": "Unexpected internal error",
    "EOI007": "Order already exists",
    "EOI008": "Order cannot be approved because it is not integrated yet",
    "EOI009": "Order status does not allow approval",
    "EOI010": "Timeout",
    "EOI011": "Order integrated with price divergence; waiting for manual authorization",
}


def result(
    account: str,
    flow: str,
    code: str,
    marketplace_order_id: str | None,
    *,
    operation_id: str | None = None,
    errors: list[dict[str, str]] | None = None,
    main_order_id: str | None = None,
) -> dict[str, Any]:
    """The Channel Order API result contract (response and notification alike).

    ExtMkp: ``fields`` "is only returned if the response is successful" — a duplicate
    (EOI007) or any other refusal carries ``fields: null``, never the existing order id."""
    success = code.startswith("SOI")
    return {
        "accountName": account,
        "success": success,
        "flow": flow,
        "operationId": operation_id,
        "marketplaceOrderId": marketplace_order_id,
        "code": code,
        "message": RESULT_MESSAGES[code],
        "errors": errors,
        "fields": {"mainOrderId": main_order_id, "franchiseOrderId": None}
        if main_order_id and success
        else None,
    }


def error(code: str, description: str, source: str = "Order Integration") -> dict[str, str]:
    """One ``errors[]`` entry; ExtMkp sources are ``Fulfillment``, ``Checkout`` and
    ``Order Integration``."""
    return {"source": source, "code": code, "description": description}


@dataclass
class Invoice:
    number: str
    type: str  # Output (sale) or Input (return)
    value: int
    issuance_date: str
    items: list[dict[str, Any]]
    key: str | None = None
    url: str | None = None
    embedded: str | None = None
    courier: str | None = None
    tracking_number: str | None = None
    tracking_url: str | None = None
    dispatched_date: str | None = None
    tracking: dict[str, Any] | None = None  # isDelivered, deliveredDate, events

    def notification(self) -> dict[str, Any]:
        """What OMS POSTs to ``{marketplaceServicesEndpoint}/pub/orders/{id}/invoice``."""
        return {
            "type": self.type,
            "invoiceNumber": self.number,
            "invoiceValue": self.value,
            "issuanceDate": self.issuance_date,
            "invoiceKey": self.key,
            "invoiceUrl": self.url,
            "embeddedInvoice": self.embedded or "",
            "courier": self.courier or "",
            "trackingNumber": self.tracking_number or "",
            "trackingUrl": self.tracking_url or "",
            "dispatchedDate": self.dispatched_date,
            "items": self.items,
        }

    def package(self) -> dict[str, Any]:
        tracking = self.tracking or {}
        return {
            **self.notification(),
            "courierStatus": {
                "status": "delivered" if tracking.get("isDelivered") else None,
                "finished": bool(tracking.get("isDelivered")),
                "deliveredDate": tracking.get("deliveredDate"),
                "data": tracking.get("events") or [],
            },
            "cfop": None,
            "restitutions": {},
            "volumes": None,
        }


@dataclass
class SimOrder:
    order_id: str
    sequence: str
    marketplace_order_id: str
    affiliate_id: str
    sales_channel: str
    items: list[dict[str, Any]]  # id, quantity, price (cents, as charged), name, productId…
    shipping_value: int
    payment_value: int
    marketplace_services_endpoint: str | None
    connector_endpoint: str | None
    via: str  # "order-integration" or "fulfillment"
    body: dict[str, Any]
    status: str = WAITING_MARKETPLACE
    marketplace_approved: bool = False
    invoices: list[Invoice] = field(default_factory=list)
    history: list[tuple[str, str]] = field(default_factory=list)
    cancel_reason: str | None = None
    created_at: str = field(default_factory=now_iso)

    @property
    def value(self) -> int:
        return sum(i["price"] * i["quantity"] for i in self.items) + self.shipping_value

    def invoiced_value(self, kind: str = "Output") -> int:
        return sum(i.value for i in self.invoices if i.type == kind)

    def invoice(self, number: str) -> Invoice | None:
        return next((i for i in self.invoices if i.number == number), None)

    def to_oms_json(self, account: str) -> dict[str, Any]:
        """``GET /api/oms/pvt/orders/{orderId}``."""
        items_total = sum(i["price"] * i["quantity"] for i in self.items)
        body = self.body
        shipping = body.get("shippingData") or {}
        return {
            "orderId": self.order_id,
            "sequence": self.sequence,
            "marketplaceOrderId": self.marketplace_order_id,
            "marketplaceServicesEndpoint": self.marketplace_services_endpoint,
            "sellerOrderId": f"00-{self.order_id}",
            "origin": "Marketplace",
            "affiliateId": self.affiliate_id,
            "salesChannel": self.sales_channel,
            "merchantName": None,
            "status": self.status,
            "statusDescription": STATUS_DESCRIPTIONS.get(self.status, self.status),
            "value": self.value,
            "creationDate": self.created_at,
            "lastChange": self.history[-1][1] if self.history else self.created_at,
            "orderGroup": None,
            "totals": [
                {"id": "Items", "name": "Total de los ítems", "value": items_total},
                {"id": "Discounts", "name": "Total de descuentos", "value": 0},
                {"id": "Shipping", "name": "Costo total del envío", "value": self.shipping_value},
                {"id": "Tax", "name": "Total de impuestos", "value": 0},
            ],
            "items": [
                {
                    "uniqueId": f"{self.order_id}-{index}",
                    "id": str(item["id"]),
                    "productId": str(item.get("productId") or ""),
                    "refId": item.get("refId"),
                    "ean": item.get("ean"),
                    "name": item.get("name"),
                    "quantity": item["quantity"],
                    "seller": "1",
                    "price": item["price"],
                    "listPrice": item.get("listPrice", item["price"]),
                    "sellingPrice": item["price"],
                    "measurementUnit": "un",
                    "unitMultiplier": 1.0,
                    "imageUrl": item.get("imageUrl"),
                }
                for index, item in enumerate(self.items)
            ],
            "marketplaceItems": [],
            "clientProfileData": body.get("clientProfileData"),
            "shippingData": {
                "logisticsInfo": shipping.get("logisticsInfo") or [],
                "selectedAddresses": shipping.get("selectedAddresses")
                or ([shipping["address"]] if shipping.get("address") else []),
                "isFob": shipping.get("isFob", False),
                "trackingHints": shipping.get("trackingHints") or [],
            },
            "paymentData": {"transactions": []},
            "packageAttachment": {"packages": [i.package() for i in self.invoices]},
            "invoiceData": body.get("invoiceData"),
            "customData": body.get("customData"),
            "openTextField": body.get("openTextField"),
            "marketplace": {
                "baseURL": self.marketplace_services_endpoint,
                "isCertified": None,
                "name": self.affiliate_id,
            },
            "hostname": account,
            "isCompleted": True,
            "cancelReason": self.cancel_reason,
            "statusHistory": [{"status": s, "date": d} for s, d in self.history],
        }


class OrderBook:
    """Every order of the account, by VTEX order id and by (affiliate, marketplace order id)."""

    def __init__(self) -> None:
        self._orders: dict[str, SimOrder] = {}
        self._by_marketplace: dict[tuple[str, str], str] = {}
        self._sequence = 502000

    def __len__(self) -> int:
        return len(self._orders)

    def __iter__(self) -> Iterator[SimOrder]:
        return iter(list(self._orders.values()))

    def get(self, order_id: str) -> SimOrder | None:
        return self._orders.get(order_id)

    def by_marketplace_id(
        self, marketplace_order_id: str, affiliate_id: str | None = None
    ) -> SimOrder | None:
        for (affiliate, mkp_id), order_id in self._by_marketplace.items():
            if mkp_id == marketplace_order_id and affiliate_id in (None, affiliate):
                return self._orders[order_id]
        return None

    def new_ids(self, affiliate_id: str) -> tuple[str, str]:
        """VTEX order id (affiliate prefix, as external-marketplace orders carry) and sequence."""
        self._sequence += 1
        return f"{affiliate_id}-{1_700_000_000_000 + self._sequence}-01", str(self._sequence)

    def add(self, order: SimOrder) -> None:
        self._orders[order.order_id] = order
        self._by_marketplace[(order.affiliate_id, order.marketplace_order_id)] = order.order_id


def receipt() -> str:
    return uuid.uuid4().hex
