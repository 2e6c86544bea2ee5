"""Orders in the simulator: reading them, the item status machine of spec §4.2 with the
platform's refusals, invoices and documents. Raw signed requests over real HTTP."""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import json
from collections.abc import AsyncIterator
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
import pytest

from simulators.linio import LinioSimulator, Refused, SimSeller
from simulators.linio.testing import SellerCenterCaller

SELLER = SimSeller(user_id="ops@acme.mx", api_key="key-123", seller_id="ACME01")
TRACKING = "8055241528464720099314"  # matches Estafeta's TrackingCodeValidationRegex


@pytest.fixture
async def sim() -> AsyncIterator[LinioSimulator]:
    async with LinioSimulator([SELLER], rate_limit=(1000, 1.0)) as simulator:
        yield simulator


@pytest.fixture
async def caller(sim: LinioSimulator) -> AsyncIterator[SellerCenterCaller]:
    async with aiohttp.ClientSession() as session:
        yield SellerCenterCaller(sim.url, SELLER, session)


def listed(node: Any, key: str) -> list[Any]:
    found = (node or {}).get(key, [])
    return found if isinstance(found, list) else [found]


async def items_of(caller: SellerCenterCaller, order_id: str) -> list[dict[str, Any]]:
    answer = await caller.call("GetOrderItems", OrderId=order_id)
    return listed(answer.body["OrderItems"], "OrderItem")


async def post(caller: SellerCenterCaller, action: str, **params: str) -> Any:
    return await caller.call(action, body="", **params)


async def test_orders_are_read_with_filters_sorting_and_total(
    sim: LinioSimulator, caller: SellerCenterCaller
) -> None:
    first = sim.add_order(SELLER.user_id, [("A", 2, "100.00")])
    await asyncio.sleep(0.01)
    middle = dt.datetime.now(dt.UTC)
    await asyncio.sleep(0.01)
    second = sim.add_order(SELLER.user_id, [("B", 1, "50.50")])
    answer = await caller.call("GetOrders", Limit="1")
    assert answer.head["TotalCount"] == "2"
    [order] = listed(answer.body["Orders"], "Order")
    assert (order["OrderId"], order["Price"], order["ItemsCount"]) == (
        first.order_id,
        "200.00",
        "2",
    )
    assert order["Statuses"] == {"Status": "pending"}
    newest = await caller.call("GetOrders", SortDirection="DESC", Offset="0")
    assert [o["OrderId"] for o in listed(newest.body["Orders"], "Order")] == [
        second.order_id,
        first.order_id,
    ]
    # A naive filter is the seller's (MX) wall-clock time.
    after = middle.astimezone(ZoneInfo("America/Mexico_City")).strftime("%Y-%m-%dT%H:%M:%S.%f")
    created = await caller.call("GetOrders", CreatedAfter=after)
    assert [o["OrderId"] for o in listed(created.body["Orders"], "Order")] == [second.order_id]
    await post(caller, "SetStatusToReadyToShip", OrderItemIds=f"[{first.items[0].order_item_id}]")
    updated = await caller.call("GetOrders", UpdatedAfter=after, Status="ready_to_ship")
    assert [o["OrderId"] for o in listed(updated.body["Orders"], "Order")] == [first.order_id]
    none = await caller.call("GetOrders", Status="delivered")
    assert (none.body, none.head["TotalCount"]) == (None, "0")
    for params, code in (
        ({"Status": "lost"}, "36"),
        ({"Limit": "0"}, "19"),
        ({"Offset": "x"}, "14"),
        ({"SortBy": "price"}, "75"),
        ({"SortDirection": "UP"}, "74"),
        ({"CreatedAfter": "27/08/2018"}, "17"),
    ):
        assert (await caller.call("GetOrders", **params)).error[0] == code, params


async def test_order_items_and_multiple_orders(
    sim: LinioSimulator, caller: SellerCenterCaller
) -> None:
    first = sim.add_order(SELLER.user_id, [("A", 2, "100.00")])
    second = sim.add_order(SELLER.user_id, [("B", 1, "50.50")])
    one = await caller.call("GetOrder", OrderId=second.order_id)
    assert one.body["Orders"]["Order"]["OrderNumber"] == second.order_number
    items = await items_of(caller, first.order_id)
    assert [(i["Sku"], i["ItemPrice"], i["Status"]) for i in items] == [
        ("A", "100.00", "pending")
    ] * 2
    multiple = await caller.call(
        "GetMultipleOrderItems", OrderIdList=json.dumps([int(first.order_id), int(second.order_id)])
    )
    orders = listed(multiple.body["Orders"], "Order")
    assert [len(listed(o["OrderItems"], "OrderItem")) for o in orders] == [2, 1]
    assert (await caller.call("GetOrder", OrderId="1")).error == ("16", "E016: Invalid Order ID")
    assert (await caller.call("GetOrderItems", OrderId="1")).error[0] == "16"
    bad = await caller.call("GetMultipleOrderItems", OrderIdList="1,2")
    assert bad.error[0] == "56"
    unknown = await caller.call("GetMultipleOrderItems", OrderIdList=f"[{first.order_id},1]")
    assert unknown.error[0] == "37"
    too_many = await caller.call("GetMultipleOrderItems", OrderIdList=json.dumps(list(range(101))))
    assert too_many.error[0] == "38"


async def test_pack_ready_to_ship_ship_deliver(
    sim: LinioSimulator, caller: SellerCenterCaller
) -> None:
    order = sim.add_order(SELLER.user_id, [("A", 2, "100.00")])
    ids = [i.order_item_id for i in order.items]
    packed = await post(
        caller,
        "SetStatusToPackedByMarketplace",
        OrderItemIds=json.dumps([int(i) for i in ids]),
        DeliveryType="dropship",
        ShippingProvider="Estafeta",
    )
    assert packed.head["ResponseType"] == "OrderItems"
    nodes = listed(packed.body["OrderItems"], "OrderItem")
    assert [n["OrderItemId"] for n in nodes] == ids
    # Pending items already carry the order's PackageId (GetOrderItems fixture).
    assert nodes[0]["PackageId"] == nodes[1]["PackageId"] == order.items[0].package_id
    assert {i["Status"] for i in await items_of(caller, order.order_id)} == {"pending"}

    ready = await post(
        caller,
        "SetStatusToReadyToShip",
        OrderItemIds=json.dumps(ids),
        DeliveryType="dropship",
        ShippingProvider="Estafeta",
        TrackingNumber=TRACKING,
    )
    assert listed(ready.body["OrderItems"], "OrderItem")[0] == {
        "PurchaseOrderId": "0",
        "PurchaseOrderNumber": None,
    }
    items = await items_of(caller, order.order_id)
    assert {(i["Status"], i["TrackingCode"], i["ShipmentProvider"]) for i in items} == {
        ("ready_to_ship", TRACKING, "Estafeta")
    }
    for item_id in ids:
        sim.set_item_status(SELLER.user_id, item_id, "shipped")
    sim.set_item_status(SELLER.user_id, ids[0], "delivered")
    sim.set_item_status(SELLER.user_id, ids[1], "failed")
    statuses = (await caller.call("GetOrder", OrderId=order.order_id)).body["Orders"]["Order"]
    assert statuses["Statuses"]["Status"] == ["delivered", "failed"]
    with pytest.raises(Refused, match="E028"):
        sim.set_item_status(SELLER.user_id, ids[0], "pending")


async def test_illegal_transitions_are_refused(
    sim: LinioSimulator, caller: SellerCenterCaller
) -> None:
    order = sim.add_order(SELLER.user_id, [("A", 1, "10.00")])
    other = sim.add_order(SELLER.user_id, [("B", 1, "10.00")])
    item, foreign = order.items[0].order_item_id, other.items[0].order_item_id
    ok = await post(caller, "SetStatusToReadyToShip", OrderItemIds=f"[{item}]")
    assert ok.status == 200
    cancel = await post(caller, "SetStatusToCanceled", OrderItemId=item, Reason="Wrong address")
    assert cancel.status == 400
    assert cancel.error == (
        "28",
        "E028: Cannot set status to canceled for an item in status ready_to_ship",
    )
    repack = await post(caller, "SetStatusToPackedByMarketplace", OrderItemIds=f"[{item}]")
    assert repack.error == ("73", "E073: All order items must have status Pending or Ready To Ship")
    sim.set_item_status(SELLER.user_id, item, "shipped")
    again = await post(caller, "SetStatusToReadyToShip", OrderItemIds=f"[{item}]")
    assert again.error[0] == "73"
    cases = [
        ({"OrderItemIds": "[99]"}, ("20", 'E020: "99" Invalid Order Item ID')),
        ({"OrderItemIds": "99"}, ("23", "E023: Invalid Order Item IDs")),
        ({"OrderItemIds": "[]"}, ("23", "E023: Invalid Order Item IDs")),
        (
            {"OrderItemIds": f"[{foreign}]", "DeliveryType": "teleport"},
            ("24", "E024: Invalid Delivery Type"),
        ),
        (
            {"OrderItemIds": f"[{foreign}]", "ShippingProvider": "Pony"},
            ("25", "E025: Invalid Shipping Provider"),
        ),
        (
            {"OrderItemIds": f"[{foreign}]", "ShippingProvider": "DHL", "TrackingNumber": "abc"},
            ("26", "E026: Invalid Tracking Number abc"),
        ),
        (
            {"OrderItemIds": f"[{foreign},{item}]"},
            ("29", "E029: Items must be from the same order"),
        ),
    ]
    for params, expected in cases:
        answer = await post(caller, "SetStatusToReadyToShip", **params)
        assert answer.error == expected, params
    reason = await post(caller, "SetStatusToCanceled", OrderItemId=foreign, Reason="Porque sí")
    assert reason.error == ("22", "E022: Invalid reason 'Porque sí'")
    assert [i["Status"] for i in await items_of(caller, other.order_id)] == ["pending"]


async def test_cancel_while_pending(sim: LinioSimulator, caller: SellerCenterCaller) -> None:
    order = sim.add_order(SELLER.user_id, [("A", 1, "10.00")])
    item = order.items[0].order_item_id
    await post(caller, "SetStatusToPackedByMarketplace", OrderItemIds=f"[{item}]")
    answer = await post(
        caller, "SetStatusToCanceled", OrderItemId=item, Reason="Out of stock", ReasonDetail="x"
    )
    assert answer.status == 200 and answer.body is None
    [node] = await items_of(caller, order.order_id)
    assert (node["Status"], node["Reason"], node["ReasonDetail"]) == (
        "canceled",
        "Out of stock",
        "x",
    )


async def test_invoice_number_and_documents(
    sim: LinioSimulator, caller: SellerCenterCaller
) -> None:
    order = sim.add_order(SELLER.user_id, [("A", 1, "10.00")])
    item = order.items[0].order_item_id
    early = await caller.call(
        "GetDocument", DocumentType="shippingParcel", OrderItemIds=f"[{item}]"
    )
    assert early.error[0] == "34"
    no_invoice = await caller.call("GetDocument", DocumentType="invoice", OrderItemIds=f"[{item}]")
    assert no_invoice.error[0] == "35"
    invoice = await post(caller, "SetInvoiceNumber", OrderItemId=item, InvoiceNumber="F-123")
    assert invoice.body == {"OrderItemId": item, "InvoiceNumber": "F-123"}
    document = await caller.call("GetDocument", DocumentType="invoice", OrderItemIds=f"[{item}]")
    node = document.body["Documents"]["Document"]
    assert (node["DocumentType"], node["MimeType"]) == ("invoice", "text/html")
    assert "F-123" in base64.b64decode(node["File"]).decode()
    await post(caller, "SetStatusToReadyToShip", OrderItemIds=f"[{item}]")
    parcel = await caller.call(
        "GetDocument", DocumentType="shippingParcel", OrderItemIds=f"[{item}]"
    )
    parcel_node = parcel.body["Documents"]["Document"]
    assert parcel_node["MimeType"] == "application/pdf"
    assert base64.b64decode(parcel_node["File"]).decode() == f"shippingParcel for items {item}"
    wrong = await caller.call("GetDocument", DocumentType="selfie", OrderItemIds=f"[{item}]")
    assert wrong.error == ("32", "E032: Document type is not valid")
    missing = await caller.call("GetDocument", DocumentType="invoice", OrderItemIds="[65758123]")
    assert missing.error == ("20", 'E020: "65758123" Invalid Order Item ID')  # the fixture
    unknown = await post(caller, "SetInvoiceNumber", OrderItemId="1", InvoiceNumber="F-1")
    assert unknown.error[0] == "20"
    empty = await post(caller, "SetInvoiceNumber", OrderItemId=item)
    assert empty.error == ("1", "E001: Parameter InvoiceNumber is mandatory")
