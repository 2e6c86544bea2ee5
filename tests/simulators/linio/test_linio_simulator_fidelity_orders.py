"""The simulator's orders behave like the real Seller Center (fidelity audit D1, D2, D5–D8,
D13, D14 and the field cases e021 / e080), checked with raw signed calls."""

from __future__ import annotations

import base64
import datetime as dt
import json
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
import pytest

from simulators.linio import LinioSimulator, SimSeller
from simulators.linio.testing import SellerCenterCaller, serving, signed_query

SELLER = SimSeller(user_id="ops@acme.mx", api_key="sc-key-fidelity", seller_id="ACME01")
PRODUCT = (
    "<Request><Product><SellerSku>{sku}</SellerSku><Name>Celular</Name>"
    "<PrimaryCategory>1001</PrimaryCategory><Description>Teléfono</Description>"
    "<Brand>Samsung</Brand><Price>5999.00</Price><Quantity>{quantity}</Quantity>"
    "<ProductData><ConditionType>Nuevo</ConditionType><PackageWeight>0.4</PackageWeight>"
    "<Model>S24</Model></ProductData></Product></Request>"
)
LOCAL = "%Y-%m-%d %H:%M:%S"


def listed(node: Any) -> list[Any]:
    return node if isinstance(node, list) else [node]


async def items_of(caller: SellerCenterCaller, order_id: str) -> list[dict[str, Any]]:
    answer = await caller.call("GetOrderItems", OrderId=order_id)
    return listed(answer.body["OrderItems"]["OrderItem"])


async def stock_of(caller: SellerCenterCaller, sku: str) -> tuple[str, str, str]:
    answer = await caller.call("GetProducts", SkuSellerList=json.dumps([sku]))
    product = answer.body["Products"]["Product"]
    return product["Quantity"], product["ReservedStock"], product["Available"]


@pytest.mark.parametrize(
    ("country", "zone"),
    [
        ("MX", "America/Mexico_City"),
        ("CO", "America/Bogota"),
        ("PE", "America/Lima"),
        ("CL", "America/Santiago"),
    ],
)
async def test_dates_are_the_seller_countrys_wall_clock(country: str, zone: str) -> None:
    seller = SimSeller("ops@acme.test", "sc-key-zone", "ACME01", country)
    local = ZoneInfo(zone)
    async with serving([seller]) as (sim, caller):
        order = sim.add_order(seller.user_id, [("SKU-1", 1, "10.00")])
        answer = await caller.call("GetOrder", OrderId=order.order_id)
        stamp = dt.datetime.strptime(answer.head["Timestamp"], "%Y-%m-%dT%H:%M:%S%z")
        assert stamp.utcoffset() == dt.datetime.now(local).utcoffset()  # e.g. -0600 in MX
        node = answer.body["Orders"]["Order"]
        assert node["CreatedAt"] == order.created_at.astimezone(local).strftime(LOCAL)
        # AddressUpdatedAt stays UTC, as in GetOrder.success.xml (5 h after CreatedAt in CO).
        assert node["AddressUpdatedAt"] == order.created_at.astimezone(dt.UTC).strftime(LOCAL)
        [item] = await items_of(caller, order.order_id)
        assert item["CreatedAt"] == node["CreatedAt"]

        # A naive filter is the host's wall-clock time: the same instant written in UTC
        # wall-clock time is hours later on a host west of Greenwich, so nothing matches.
        before = order.created_at - dt.timedelta(minutes=1)
        as_local = before.astimezone(local).strftime("%Y-%m-%dT%H:%M:%S")
        as_utc = before.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S")
        found = await caller.call("GetOrders", CreatedAfter=as_local)
        assert found.head["TotalCount"] == "1"
        assert (await caller.call("GetOrders", CreatedAfter=as_utc)).head["TotalCount"] == "0"
        # With an offset the filter is one instant, whatever zone it is written in.
        with_offset = before.astimezone(dt.UTC).isoformat()
        assert (await caller.call("GetOrders", CreatedAfter=with_offset)).head["TotalCount"] == "1"


async def test_pending_reserves_ready_to_ship_deducts_cancel_releases() -> None:
    async with serving([SELLER], feed_delay=0.01, qc_delay=0.01) as (sim, caller):
        await caller.call("ProductCreate", body=PRODUCT.format(sku="STOCK-1", quantity=7))
        await sim.settle()
        assert await stock_of(caller, "STOCK-1") == ("7", "0", "7")

        shipped = sim.add_order(SELLER.user_id, [("STOCK-1", 2, "10.00")])
        assert await stock_of(caller, "STOCK-1") == ("7", "2", "5")  # Available = Q - Reserved
        ids = [int(i.order_item_id) for i in shipped.items]
        ready = await caller.call("SetStatusToReadyToShip", body="", OrderItemIds=json.dumps(ids))
        assert ready.status == 200
        assert await stock_of(caller, "STOCK-1") == ("5", "0", "5")  # reservation deducted

        canceled = sim.add_order(SELLER.user_id, [("STOCK-1", 1, "10.00")])
        assert await stock_of(caller, "STOCK-1") == ("5", "1", "4")
        item = canceled.items[0].order_item_id
        answer = await caller.call(
            "SetStatusToCanceled", body="", OrderItemId=item, Reason="Out of stock"
        )
        assert answer.status == 200
        assert await stock_of(caller, "STOCK-1") == ("5", "0", "5")  # released

        late = sim.add_order(SELLER.user_id, [("STOCK-1", 1, "10.00")])
        late_id = late.items[0].order_item_id
        await caller.call("SetStatusToReadyToShip", body="", OrderItemIds=f"[{late_id}]")
        assert await stock_of(caller, "STOCK-1") == ("4", "0", "4")
        sim.set_item_status(SELLER.user_id, late_id, "canceled")  # customer cancel after RTS
        assert await stock_of(caller, "STOCK-1") == ("5", "0", "5")  # the unit comes back
        sold_out = await caller.call("GetProducts", Filter="sold-out")
        assert sold_out.body is None


async def test_ready_to_ship_moves_the_whole_order_and_pending_items_have_a_package() -> None:
    async with serving([SELLER]) as (sim, caller):
        order = sim.add_order(SELLER.user_id, [("A", 1, "10.00"), ("B", 1, "20.00")])
        pending = await items_of(caller, order.order_id)
        assert [i["Status"] for i in pending] == ["pending", "pending"]
        assert pending[0]["PackageId"] and pending[0]["PackageId"] == pending[1]["PackageId"]
        first, second = (i["OrderItemId"] for i in pending)
        answer = await caller.call("SetStatusToReadyToShip", body="", OrderItemIds=f"[{first}]")
        assert answer.status == 200
        after = await items_of(caller, order.order_id)
        assert [i["Status"] for i in after] == ["ready_to_ship", "ready_to_ship"]
        label = await caller.call(
            "GetDocument", DocumentType="shippingLabel", OrderItemIds=f"[{second}]"
        )
        assert label.status == 200
        refused = await caller.call(
            "SetStatusToCanceled", body="", OrderItemId=second, Reason="Out of stock"
        )
        assert refused.error[0] == "28"
        still_pending = sim.add_order(SELLER.user_id, [("C", 1, "5.00")])
        no_label = await caller.call(
            "GetDocument",
            DocumentType="shippingLabel",
            OrderItemIds=f"[{still_pending.items[0].order_item_id}]",
        )
        assert no_label.error[0] == "34"


async def test_post_sale_statuses_and_filters() -> None:
    async with serving([SELLER]) as (sim, caller):
        order = sim.add_order(SELLER.user_id, [("A", 2, "10.00")])
        one, two = (i.order_item_id for i in order.items)
        await caller.call("SetStatusToReadyToShip", body="", OrderItemIds=f"[{one},{two}]")
        for item in (one, two):
            sim.set_item_status(SELLER.user_id, item, "shipped")
            sim.set_item_status(SELLER.user_id, item, "delivered")
            sim.set_item_status(SELLER.user_id, item, "return_shipped_by_customer")
            sim.set_item_status(SELLER.user_id, item, "return_waiting_for_approval")
        waiting = await caller.call("GetOrders", Status="return_waiting_for_approval")
        assert waiting.head["TotalCount"] == "1"
        sim.set_item_status(SELLER.user_id, one, "returned")
        sim.set_item_status(SELLER.user_id, two, "return_rejected")
        statuses = (await caller.call("GetOrder", OrderId=order.order_id)).body["Orders"]
        assert statuses["Order"]["Statuses"]["Status"] == ["return_rejected", "returned"]
        for status in ("return_shipped_by_customer", "returned", "return_rejected"):
            assert (await caller.call("GetOrders", Status=status)).status == 200
        reasons = (await caller.call("GetFailureReasons")).body["Reasons"]["Reason"]
        assert {r["Type"] for r in reasons} == {"canceled", "failed", "returned", "return_rejected"}


async def test_seller_reports_shipped_delivered_and_failed_delivery() -> None:
    async with serving([SELLER]) as (sim, caller):
        order = sim.add_order(SELLER.user_id, [("A", 2, "10.00")])
        one, two = (i.order_item_id for i in order.items)
        early = await caller.call("SetStatusToShipped", body="", OrderItemId=one)
        assert early.error == (
            "28",
            'E028: It is not possible to set the order item to the status "shipped"',
        )
        await caller.call("SetStatusToReadyToShip", body="", OrderItemIds=f"[{one}]")
        for item in (one, two):
            assert (
                await caller.call("SetStatusToShipped", body="", OrderItemId=item)
            ).status == 200
        assert (await caller.call("SetStatusToDelivered", body="", OrderItemId=one)).status == 200
        bad = await caller.call(
            "SetStatusToFailedDelivery", body="", OrderItemId=two, Reason="Out of stock"
        )
        assert bad.error == ("22", "E022: Invalid reason 'Out of stock'")  # a cancel reason
        failed = await caller.call(
            "SetStatusToFailedDelivery",
            body="",
            OrderItemId=two,
            Reason="Customer not at home",
            ReasonDetail="tres intentos",
        )
        assert failed.status == 200
        items = {i["OrderItemId"]: i for i in await items_of(caller, order.order_id)}
        assert (items[one]["Status"], items[two]["Status"]) == ("delivered", "failed")
        assert items[two]["Reason"] == "Customer not at home"
        missing = await caller.call("SetStatusToDelivered", body="")
        assert missing.error[0] == "1"


async def test_e021_when_the_sellers_fob_mode_is_not_enabled() -> None:
    """cases/e021-fob-not-enabled.xml: deterministic, repeats until the account is fixed."""
    async with serving([SELLER]) as (sim, caller):
        sim.state(SELLER.user_id).fob_enabled = False
        for _ in range(2):
            order = sim.add_order(SELLER.user_id, [("A", 1, "10.00")])
            answer = await caller.call(
                "SetStatusToReadyToShip",
                body="",
                OrderItemIds=f"[{order.items[0].order_item_id}]",
            )
            assert answer.head == {
                "RequestAction": "SetStatusToReadyToShip",
                "ErrorType": "Sender",
                "ErrorCode": "21",
                "ErrorMessage": "E021: OMS Api Error Occurred",
            }
            assert order.items[0].status == "pending"
        assert (await caller.call("GetOrders")).status == 200


async def test_e080_when_the_carrier_differs_from_the_preselected_one() -> None:
    async with serving([SELLER]) as (sim, caller):
        order = sim.add_order(SELLER.user_id, [("A", 1, "10.00")], shipment_provider="DHL")
        item = order.items[0].order_item_id
        [node] = await items_of(caller, order.order_id)
        assert node["ShipmentProvider"] == "DHL"
        refused = await caller.call(
            "SetStatusToReadyToShip",
            body="",
            OrderItemIds=f"[{item}]",
            ShippingProvider="Estafeta",
            TrackingNumber="8055241528464720099314",
        )
        assert refused.error == (
            "80",
            "E080: Not allowed to change the preselected shipment provider",
        )
        ok = await caller.call(
            "SetStatusToReadyToShip",
            body="",
            OrderItemIds=f"[{item}]",
            ShippingProvider="DHL",
            TrackingNumber="1234567890",
        )
        assert ok.status == 200


async def test_documented_error_codes_and_messages() -> None:
    async with serving([SELLER]) as (_sim, caller):
        assert (await caller.call("GetProducts", Filter="bogus")).error == (
            "36",
            "E036: Invalid status filter",
        )
        assert (await caller.call("GetProducts", SkuSellerList="SKU-1,SKU-2")).error == (
            "70",
            "E070: You have corrupt data in your sku seller list.",
        )
        assert (await caller.call("GetOrders", Offset="x")).error == (
            "14",
            'E014: "x" Invalid Offset',
        )
        hook = (
            "<Request><Webhook><CallbackUrl>{url}</CallbackUrl><Events>{events}</Events>"
            "</Webhook></Request>"
        )
        alias = await caller.call(
            "CreateWebhook",
            body=hook.format(url="https://a.example/h", events="<Event>onUnicorn</Event>"),
        )
        assert alias.error == ("99", "E099: Invalid event alias")
        url = await caller.call(
            "CreateWebhook", body=hook.format(url="ftp://x", events="<Event>onOrderCreated</Event>")
        )
        assert url.error == ("98", "E098: Invalid callback URL")
        missing = await caller.call(
            "CreateWebhook", body=hook.format(url="https://a.example/h", events="")
        )
        assert missing.error[0] == "89"
        # Format is optional: XML when omitted.
        no_format = await caller.call("GetBrands", omit=("Format",))
        assert no_format.status == 200 and no_format.content_type == "text/xml"


async def test_error_responses_with_http_200_like_the_gfg_platform() -> None:
    async with serving([SELLER], errors_with_http_200=True) as (_sim, caller):
        answer = await caller.call("GetOrder", OrderId="999")
        assert (answer.status, answer.error[0]) == (200, "16")


async def test_json_lists_collapse_like_the_platforms() -> None:
    async with serving([SELLER]) as (sim, caller):
        one = sim.add_order(SELLER.user_id, [("A", 1, "10.00")])
        two = sim.add_order(SELLER.user_id, [("A", 2, "10.00")])
        single = json.loads(
            (await caller.call("GetOrderItems", OrderId=one.order_id, Format="JSON")).text
        )
        item = single["SuccessResponse"]["Body"]["OrderItems"]["OrderItem"]
        assert isinstance(item, dict) and item["OrderItemId"] == one.items[0].order_item_id
        double = json.loads(
            (await caller.call("GetOrderItems", OrderId=two.order_id, Format="JSON")).text
        )
        assert len(double["SuccessResponse"]["Body"]["OrderItems"]["OrderItem"]) == 2
        error = json.loads((await caller.call("GetOrder", OrderId="999", Format="JSON")).text)
        assert error["ErrorResponse"]["Head"]["ErrorCode"] == "16"


async def test_staging_host_asks_for_http_basic_first() -> None:
    async with serving([SELLER], basic_auth=("linio", "staging-pass")) as (_sim, caller):
        refused = await caller.call("GetBrands")
        assert refused.status == 401 and refused.content_type == "text/html"
        auth = "Basic " + base64.b64encode(b"linio:staging-pass").decode()
        headers = {"User-Agent": caller.user_agent, "Authorization": auth}
        ok = await caller.send(signed_query(SELLER, "GetBrands"), headers=headers)
        assert ok.status == 200


async def test_status_change_events_name_the_new_status(callback_server: Any) -> None:
    seen: list[dict[str, Any]] = []

    async def receive(request: aiohttp.web.Request) -> aiohttp.web.Response:
        seen.append(await request.json())
        return aiohttp.web.Response()

    async with serving([SELLER]) as (sim, caller):
        url = await callback_server("/hook", receive)
        body = (
            f"<Request><Webhook><CallbackUrl>{url}</CallbackUrl><Events>"
            "<Event>onOrderItemsStatusChanged</Event><Event>onOrderCreated</Event>"
            "</Events></Webhook></Request>"
        )
        assert (await caller.call("CreateWebhook", body=body)).status == 200
        order = sim.add_order(SELLER.user_id, [("A", 1, "10.00")])
        item = order.items[0].order_item_id
        await caller.call("SetStatusToCanceled", body="", OrderItemId=item, Reason="Out of stock")
        await sim.settle()
    assert seen == [
        {
            "event": "onOrderCreated",
            "payload": {"OrderId": int(order.order_id), "OrderNr": order.order_number},
        },
        {
            "event": "onOrderItemsStatusChanged",
            "payload": {
                "OrderId": int(order.order_id),
                "OrderItemIds": [int(item)],
                "NewStatus": "canceled",
            },
        },
    ]


def test_simulator_public_api_is_kept() -> None:
    assert LinioSimulator([SELLER]).qc_delay > 0
