"""Order actions: reading orders and items, the seller's status moves, invoices, documents.

Each status move that succeeds tells the seller's webhooks (onOrderItemsStatusChanged),
like the platform; refusals carry the codes of spec §4 (E020, E021, E022–E026, E028,
E029, E073, E080…). Dates are the seller zone's wall-clock time except AddressUpdatedAt
(UTC, as in GetOrder.success.xml). SetStatusToShipped / Delivered / FailedDelivery take
one OrderItemId each (GFG Java and mobly SDKs).
"""

from __future__ import annotations

import base64
import datetime as dt
from typing import TYPE_CHECKING, Any

from simulators.linio import params
from simulators.linio.actions_catalog import BAD_DATE, Action
from simulators.linio.catalog_data import FAILURE_REASONS, SHIPMENT_PROVIDERS
from simulators.linio.envelope import Refused, Reply, sc_date
from simulators.linio.state import DEDUCTED, ITEM_STATUSES, SellerState, SimItem, SimOrder

if TYPE_CHECKING:
    from simulators.linio.server import LinioSimulator

DELIVERY_TYPES = ("dropship", "pickup", "send_to_warehouse")
DOCUMENT_TYPES = (
    "invoice",
    "exportInvoice",
    "shippingLabel",
    "shippingParcel",
    "carrierManifest",
    "serialNumber",
)
MAX_ORDERS_PER_CALL = 100
INVALID_ITEM_IDS = Refused(23, "E023: Invalid Order Item IDs")


def _address(order: SimOrder) -> dict[str, Any]:
    return {
        "FirstName": order.customer["first"],
        "LastName": order.customer["last"],
        "Phone": order.customer["phone"],
        "Phone2": "",
        "Address1": order.address["address1"],
        "Address2": "",
        "Address3": "",
        "Address4": "",
        "Address5": "",
        "CustomerEmail": order.customer["email"],
        "City": order.address["city"],
        "Ward": "",
        "Region": order.address["region"],
        "PostCode": order.address["post_code"],
        "Country": order.address["country"],
    }


def order_node(order: SimOrder, zone: dt.tzinfo = dt.UTC) -> dict[str, Any]:
    return {
        "OrderId": order.order_id,
        "CustomerFirstName": order.customer["first"],
        "CustomerLastName": order.customer["last"],
        "OrderNumber": order.order_number,
        "PaymentMethod": order.payment_method,
        "Remarks": "",
        "DeliveryInfo": "",
        "Price": f"{order.price:.2f}",
        "GiftOption": "0",
        "GiftMessage": "",
        "VoucherCode": "",
        "CreatedAt": sc_date(order.created_at, zone),
        "UpdatedAt": sc_date(order.updated_at, zone),
        "AddressUpdatedAt": sc_date(order.created_at, dt.UTC),
        "AddressBilling": _address(order),
        "AddressShipping": _address(order),
        "NationalRegistrationNumber": "",
        "ItemsCount": str(len(order.items)),
        "PromisedShippingTime": sc_date(order.created_at + dt.timedelta(days=2), zone),
        "ExtraAttributes": "",
        "Statuses": {"Status": sorted({i.status for i in order.items})},
    }


def item_node(item: SimItem, zone: dt.tzinfo = dt.UTC, currency: str = "MXN") -> dict[str, Any]:
    return {
        "OrderItemId": item.order_item_id,
        "ShopId": "1",
        "OrderId": item.order_id,
        "Name": item.name,
        "Sku": item.sku,
        "Variation": "",
        "ShopSku": f"LN-{item.sku}",
        "ShippingType": "Dropshipping",
        "ItemPrice": f"{item.price:.2f}",
        "PaidPrice": f"{item.price:.2f}",
        "Currency": currency,
        "WalletCredits": "0.00",
        "TaxAmount": "0.00",
        "CodCollectableAmount": "",
        "ShippingAmount": "0.00",
        "ShippingServiceCost": "0.00",
        "VoucherAmount": "0",
        "VoucherCode": "",
        "Status": item.status,
        "IsProcessable": "1" if item.processable else "0",
        "ShipmentProvider": item.shipment_provider or "",
        "IsDigital": "0",
        "DigitalDeliveryInfo": "",
        "TrackingCode": item.tracking_code or "",
        "TrackingCodePre": "",
        "Reason": item.reason or "",
        "ReasonDetail": item.reason_detail or "",
        "PurchaseOrderId": "0",
        "PurchaseOrderNumber": "",
        "PackageId": item.package_id or "",
        "PromisedShippingTime": sc_date(item.created_at + dt.timedelta(days=2), zone),
        "ExtraAttributes": "",
        "ShippingProviderType": "standard",
        "CreatedAt": sc_date(item.created_at, zone),
        "UpdatedAt": sc_date(item.updated_at, zone),
        "ReturnStatus": "",
    }


def get_orders(sim: LinioSimulator, state: SellerState, q: params.Query, body: str) -> Reply:
    offset, limit = params.page(q, 100)
    status = q.get("Status")
    if status and status not in ITEM_STATUSES:
        raise Refused(36, "E036: Invalid status filter")
    sort_by = q.get("SortBy") or "created_at"
    if sort_by not in ("created_at", "updated_at"):
        raise Refused(75, "E075: Invalid sort filter")
    direction = q.get("SortDirection") or "ASC"
    if direction not in ("ASC", "DESC"):
        raise Refused(74, "E074: Invalid sort direction")
    bounds = {
        name: params.when(q, name, BAD_DATE, state.zone)
        for name in ("CreatedAfter", "CreatedBefore", "UpdatedAfter", "UpdatedBefore")
    }
    orders = [
        o
        for o in state.orders.values()
        if (not status or any(i.status == status for i in o.items))
        and (bounds["CreatedAfter"] is None or o.created_at > bounds["CreatedAfter"])
        and (bounds["CreatedBefore"] is None or o.created_at < bounds["CreatedBefore"])
        and (bounds["UpdatedAfter"] is None or o.updated_at > bounds["UpdatedAfter"])
        and (bounds["UpdatedBefore"] is None or o.updated_at < bounds["UpdatedBefore"])
    ]
    key = "updated_at" if sort_by == "updated_at" else "created_at"
    orders.sort(key=lambda o: getattr(o, key), reverse=direction == "DESC")
    chunk = orders[offset : offset + limit]
    body_node = {"Orders": {"Order": [order_node(o, state.zone) for o in chunk]}} if chunk else ""
    return Reply(body_node, "Orders", total=len(orders))


def _order(state: SellerState, q: params.Query) -> SimOrder:
    order = state.orders.get(q.get("OrderId", ""))
    if order is None:
        raise Refused(16, "E016: Invalid Order ID")
    return order


def get_order(sim: LinioSimulator, state: SellerState, q: params.Query, body: str) -> Reply:
    return Reply({"Orders": {"Order": order_node(_order(state, q), state.zone)}}, "Order")


def get_order_items(sim: LinioSimulator, state: SellerState, q: params.Query, body: str) -> Reply:
    items = [item_node(i, state.zone, state.currency) for i in _order(state, q).items]
    return Reply({"OrderItems": {"OrderItem": items}}, "OrderItems")


def get_multiple_order_items(
    sim: LinioSimulator, state: SellerState, q: params.Query, body: str
) -> Reply:
    ids = params.json_list(
        q,
        "OrderIdList",
        Refused(56, "E056: Invalid OrdersIdList format. Must use array format [1,2]"),
    )
    if not ids:
        raise Refused(56, "E056: Invalid OrdersIdList format. Must use array format [1,2]")
    if len(ids) > MAX_ORDERS_PER_CALL:
        raise Refused(38, "E038: Too many orders were requested")
    if any(i not in state.orders for i in ids):
        raise Refused(37, "E037: One or more order id in the list are incorrect")
    orders = [
        {
            "OrderId": o.order_id,
            "OrderNumber": o.order_number,
            "OrderItems": {
                "OrderItem": [item_node(i, state.zone, state.currency) for i in o.items]
            },
        }
        for o in (state.orders[i] for i in dict.fromkeys(ids))
    ]
    return Reply({"Orders": {"Order": orders}}, "OrderItems")


def _shipping(q: params.Query) -> tuple[list[str], str | None, str | None]:
    """(item ids, provider, tracking) of a pack / ready-to-ship call, validated in SC's order."""
    ids = params.json_list(q, "OrderItemIds", INVALID_ITEM_IDS)
    if not ids:
        raise INVALID_ITEM_IDS
    if q.get("DeliveryType", "dropship") not in DELIVERY_TYPES:
        raise Refused(24, "E024: Invalid Delivery Type")
    provider = q.get("ShippingProvider") or None
    if provider and provider not in {p[0] for p in SHIPMENT_PROVIDERS}:
        raise Refused(25, "E025: Invalid Shipping Provider")
    return ids, provider, q.get("TrackingNumber") or None


def set_status_to_packed_by_marketplace(
    sim: LinioSimulator, state: SellerState, q: params.Query, body: str
) -> Reply:
    items = state.pack(*_shipping(q))
    nodes = [
        {
            "OrderItemId": i.order_item_id,
            "PurchaseOrderId": "0",
            "PurchaseOrderNumber": "",
            "PackageId": i.package_id,
        }
        for i in items
    ]
    return Reply({"OrderItems": {"OrderItem": nodes}}, "OrderItems")


def set_status_to_ready_to_ship(
    sim: LinioSimulator, state: SellerState, q: params.Query, body: str
) -> Reply:
    """Every pending item of the order moves (not only the ids given); one status event
    for the items that changed."""
    ids, provider, tracking = _shipping(q)
    already = {i for i in ids if i in state.items and state.items[i].status == "ready_to_ship"}
    items = state.ready_to_ship(ids, provider, tracking)
    moved = [i for i in items if i.order_item_id not in already]
    if moved:
        sim.items_changed(state, moved)
    nodes = [{"PurchaseOrderId": "0", "PurchaseOrderNumber": ""} for _ in items]
    return Reply({"OrderItems": {"OrderItem": nodes}}, "OrderItems")


def set_status_to_canceled(
    sim: LinioSimulator, state: SellerState, q: params.Query, body: str
) -> Reply:
    item = state.cancel(
        q.get("OrderItemId", ""),
        q.get("Reason", ""),
        _reasons("canceled"),
        q.get("ReasonDetail", ""),
    )
    sim.items_changed(state, [item])
    return Reply()


def _reasons(kind: str) -> set[str]:
    return {name for reason_type, name in FAILURE_REASONS if reason_type == kind}


def _seller_move(sim: LinioSimulator, state: SellerState, q: params.Query, status: str) -> Reply:
    if not q.get("OrderItemId"):
        raise Refused(1, "E001: Parameter OrderItemId is mandatory")
    item = state.seller_move(
        q["OrderItemId"],
        status,
        q.get("Reason", ""),
        q.get("ReasonDetail", ""),
        _reasons("failed"),
    )
    sim.items_changed(state, [item])
    return Reply()


def set_status_to_shipped(
    sim: LinioSimulator, state: SellerState, q: params.Query, body: str
) -> Reply:
    """ready_to_ship -> shipped, reported by a seller shipping with its own carrier."""
    return _seller_move(sim, state, q, "shipped")


def set_status_to_delivered(
    sim: LinioSimulator, state: SellerState, q: params.Query, body: str
) -> Reply:
    """shipped -> delivered."""
    return _seller_move(sim, state, q, "delivered")


def set_status_to_failed_delivery(
    sim: LinioSimulator, state: SellerState, q: params.Query, body: str
) -> Reply:
    """shipped -> failed, with a Reason of type `failed` (E022 otherwise)."""
    return _seller_move(sim, state, q, "failed")


def set_invoice_number(
    sim: LinioSimulator, state: SellerState, q: params.Query, body: str
) -> Reply:
    item = state.item(q.get("OrderItemId", ""))
    if not q.get("InvoiceNumber"):
        raise Refused(1, "E001: Parameter InvoiceNumber is mandatory")
    item.invoice_number = q["InvoiceNumber"]
    item.touch()
    return Reply({"OrderItemId": item.order_item_id, "InvoiceNumber": item.invoice_number})


def get_document(sim: LinioSimulator, state: SellerState, q: params.Query, body: str) -> Reply:
    """Invoices are HTML (as in the fixture); labels and manifests need a packed item (E034)."""
    kind = q.get("DocumentType", "")
    if kind not in DOCUMENT_TYPES:
        raise Refused(32, "E032: Document type is not valid")
    ids = params.json_list(q, "OrderItemIds", INVALID_ITEM_IDS)
    if not ids:
        raise INVALID_ITEM_IDS
    items = [state.item(i) for i in ids]
    if kind in ("invoice", "exportInvoice"):
        if any(not i.invoice_number for i in items):
            raise Refused(35, "E035: Document not found. Set the invoice number first")
        numbers = ", ".join(sorted({str(i.invoice_number) for i in items}))
        content = f"<html><body><h1>Factura {numbers}</h1></body></html>"
        mime = "text/html"
    else:
        if any(not i.package_id or i.status not in DEDUCTED for i in items):
            raise Refused(
                34, "E034: Order item must be packed. Please call SetStatusToReadyToShip before"
            )
        content = f"{kind} for items {','.join(i.order_item_id for i in items)}"
        mime = "application/pdf"
    document = {
        "DocumentType": kind,
        "MimeType": mime,
        "File": base64.b64encode(content.encode()).decode(),
    }
    return Reply({"Documents": {"Document": document}}, "Document")


ACTIONS: dict[str, Action] = {
    "GetOrders": get_orders,
    "GetOrder": get_order,
    "GetOrderItems": get_order_items,
    "GetMultipleOrderItems": get_multiple_order_items,
    "SetStatusToPackedByMarketplace": set_status_to_packed_by_marketplace,
    "SetStatusToReadyToShip": set_status_to_ready_to_ship,
    "SetStatusToCanceled": set_status_to_canceled,
    "SetStatusToShipped": set_status_to_shipped,
    "SetStatusToDelivered": set_status_to_delivered,
    "SetStatusToFailedDelivery": set_status_to_failed_delivery,
    "SetInvoiceNumber": set_invoice_number,
    "GetDocument": get_document,
}
