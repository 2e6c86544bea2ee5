"""Orders end to end: Linio simulator → our service → VTEX simulator, and back."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestClient

from app.broker import queue_name
from app.runtime import Runtime
from app.storage import LOGS, ORDERS
from domain.stores import Store
from handlers.consumers_orders import (
    OrderFlows,
    order_consumer,
    order_status_consumer,
)
from simulators.linio.connect import sandbox_client
from simulators.linio.server import LinioSimulator
from simulators.linio.state import SimSeller
from simulators.vtex import VtexSimulator
from tests.handlers.rigs import simulated_store

SELLER = SimSeller(user_id="ops@acme.mx", api_key="k" * 40, seller_id="ACME", country="MX")


@dataclass
class World:
    runtime: Runtime
    vtex: VtexSimulator
    linio: LinioSimulator
    store: Store
    flows: OrderFlows
    webhook_url: str
    http: aiohttp.ClientSession

    def sku(self, n: int = 0) -> tuple[str, Decimal]:
        """A sellable VTEX SKU id (also its SellerSku) and its price in the trade policy."""
        sku_id = self.vtex.catalog.healthy_sku_ids()[n]
        sku = self.vtex.catalog.sku(sku_id)
        price, _ = self.vtex.catalog.availability(sku, self.vtex.catalog.trade_policy)
        return str(sku_id), Decimal(price.price) / 100

    def vtex_orders(self, marketplace_order_id: str) -> list[Any]:
        return [o for o in self.vtex.orders if o.marketplace_order_id == marketplace_order_id]

    async def ledger(self, linio_order_id: str) -> dict[str, Any]:
        doc = await self.runtime.storage.db[ORDERS].find_one({"linio_order_id": linio_order_id})
        return doc or {}

    async def until(self, check: Callable[[], Awaitable[bool]], timeout: float = 15.0) -> None:
        deadline = asyncio.get_running_loop().time() + timeout
        while not await check():
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError("condition not met in time")
            await asyncio.sleep(0.05)

    async def state_is(self, linio_order_id: str, *states: str) -> None:
        async def check() -> bool:
            return (await self.ledger(linio_order_id)).get("state") in states

        try:
            await self.until(check)
        except AssertionError:
            doc = await self.ledger(linio_order_id)
            raise AssertionError(
                f"state {doc.get('state')!r}, wanted {states}; timeline "
                f"{[(t['event'], t.get('state'), t.get('code')) for t in doc.get('timeline', [])]}"
                f"; problems {doc.get('problems')}"
            ) from None

    async def logged(self, order_number: str, code: str) -> bool:
        logs = self.runtime.storage.db[LOGS]
        return await logs.count_documents({"order_id": order_number, "code": code}) > 0

    async def webhook(self, payload: dict[str, Any]) -> int:
        async with self.http.post(self.webhook_url, json=payload) as response:
            return response.status


@pytest.fixture
async def world(service: TestClient, runtime: Runtime) -> AsyncIterator[World]:
    base = str(service.make_url("")).rstrip("/")
    async with (
        VtexSimulator("acme", seed=3) as vtex,
        LinioSimulator([SELLER], webhook_retry_delays=(0.05,)) as linio,
        aiohttp.ClientSession() as http,
    ):
        vtex.catalog.generate(n_skus=20, faulty_share=0.0)
        vtex.register_affiliate(
            "LMX", sales_channel=vtex.catalog.trade_policy, search_uri_endpoint=f"{base}/x"
        )
        store = simulated_store(vtex, linio, SELLER)
        await runtime.stores.upsert(store)
        webhook_url = f"{base}/linio/{store.notification_token}/webhook"
        await sandbox_client(linio.url, http, SELLER).create_webhook(
            webhook_url, ["onOrderCreated", "onOrderItemsStatusChanged"]
        )
        flows = OrderFlows(**runtime.resources(), connector_endpoint=base)
        await runtime.broker.consume(queue_name("order", "acme-mx"), order_consumer(flows=flows))
        await runtime.broker.consume(
            queue_name("order-status", "acme-mx"), order_status_consumer(flows=flows)
        )
        yield World(runtime, vtex, linio, store, flows, webhook_url, http)
        await linio.settle()
        await vtex.drain()


async def test_a_paid_linio_order_appears_once_in_vtex(world: World) -> None:
    sku, price = world.sku()
    order = world.linio.add_order(SELLER.user_id, [(sku, 2, price)])
    await world.state_is(order.order_id, "approved")
    [placed] = world.vtex_orders(order.order_number)  # OrderNumber is marketplaceOrderId
    assert [(i["id"], i["quantity"], i["price"]) for i in placed.items] == [
        (sku, 2, int(price * 100))
    ]
    assert placed.payment_value == 2 * int(price * 100)
    address = placed.body["shippingData"]["selectedAddresses"][0]
    assert (address["postalCode"], address["country"], address["street"]) == (
        "06600",
        "MEX",
        "Av. Reforma 222",
    )
    assert placed.body["shippingData"]["logisticsInfo"][0]["selectedSla"] == "Normal"
    assert placed.status == "ready-for-handling"
    doc = await world.ledger(order.order_id)
    assert doc["vtex_order_id"] == placed.order_id
    assert doc["linio_order_number"] == order.order_number
    assert doc["lines"][0]["item_ids"] == [i.order_item_id for i in order.items]
    assert doc["vtex_prices"] == {sku: int(price * 100)}
    await world.until(lambda: world.logged(order.order_number, "order.A"))
    logs = await world.runtime.storage.db[LOGS].find({"code": "order.A"}).to_list()
    assert len(logs) == 1 and placed.order_id in logs[0]["BusinessMessage"]


async def test_webhook_polling_and_redelivery_place_the_order_once(world: World) -> None:
    sku, price = world.sku(1)
    order = world.linio.add_order(SELLER.user_id, [(sku, 1, price)])
    # Redelivered event (case webhook-onordercreated-redelivered), plus the polling net.
    event = {"event": "onOrderCreated", "payload": {"OrderId": int(order.order_id)}}
    assert await world.webhook(event) == 200
    assert await world.webhook(event) == 200
    queued = await world.flows.poll("acme-mx", dt.datetime.now(dt.UTC))
    assert queued >= 1
    await world.state_is(order.order_id, "approved")
    await world.linio.settle()
    assert await world.webhook(event) == 200
    await asyncio.sleep(0.3)
    assert len(world.vtex_orders(order.order_number)) == 1
    creates = [
        r for r in world.vtex.requests_to("/api/order-integration/orders") if r.method == "POST"
    ]
    assert len(creates) == 1


async def test_a_crash_between_vtex_answer_and_our_write_places_nothing_twice(
    world: World,
) -> None:
    sku, price = world.sku(2)
    order = world.linio.add_order(SELLER.user_id, [(sku, 1, price)])
    await world.state_is(order.order_id, "approved")
    [placed] = world.vtex_orders(order.order_number)
    # As if the process died after VTEX created the order and before the ledger knew it:
    # the reservation is there (an old lease), the VTEX id is not.
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    await world.runtime.storage.db[ORDERS].update_one(
        {"linio_order_id": order.order_id},
        {"$set": {"state": "placing", "placement.at": long_ago}, "$unset": {"vtex_order_id": ""}},
    )
    await world.flows.sync_from_linio("acme-mx", order.order_id, "restart")
    assert len(world.vtex_orders(order.order_number)) == 1
    doc = await world.ledger(order.order_id)
    assert doc["vtex_order_id"] == placed.order_id
    assert doc["state"] in ("integrated", "approved")
    creates = [
        r for r in world.vtex.requests_to("/api/order-integration/orders") if r.method == "POST"
    ]
    assert len(creates) == 1


async def test_an_unpaid_order_is_approved_when_paid(world: World) -> None:
    sku, price = world.sku(3)
    order = world.linio.add_order(SELLER.user_id, [(sku, 1, price)], paid=False)
    await world.state_is(order.order_id, "integrated")
    [placed] = world.vtex_orders(order.order_number)
    assert placed.body["marketplaceOrderStatus"] == "new"
    assert placed.status != "ready-for-handling"
    world.linio.mark_paid(SELLER.user_id, order.order_id)
    await world.state_is(order.order_id, "approved")
    assert world.vtex.order(placed.order_id).status == "ready-for-handling"


async def test_invoice_and_tracking_reach_linio_and_items_are_ready_to_ship(world: World) -> None:
    sku, price = world.sku(4)
    order = world.linio.add_order(SELLER.user_id, [(sku, 2, price)])
    await world.state_is(order.order_id, "approved")
    vtex_id = (await world.ledger(order.order_id))["vtex_order_id"]
    await world.vtex.invoice_order(
        vtex_id,
        invoice_number="F-000777",
        tracking_number="8055241528464720099314",
        courier="Estafeta",
    )
    await world.state_is(order.order_id, "ready_to_ship")
    items = world.linio.orders(SELLER.user_id)[order.order_id].items
    assert [i.invoice_number for i in items] == ["F-000777", "F-000777"]
    assert {(i.status, i.shipment_provider, i.tracking_code) for i in items} == {
        ("ready_to_ship", "Estafeta", "8055241528464720099314")
    }

    async def documents() -> set[str]:
        return {d["type"] for d in (await world.ledger(order.order_id)).get("documents", [])}

    await world.until(lambda: _async_set(documents(), {"shippingLabel", "invoice"}))


async def test_a_linio_cancellation_cancels_the_vtex_order(world: World) -> None:
    sku, price = world.sku(5)
    order = world.linio.add_order(SELLER.user_id, [(sku, 1, price)])
    await world.state_is(order.order_id, "approved")
    vtex_id = (await world.ledger(order.order_id))["vtex_order_id"]
    for item in order.items:
        world.linio.set_item_status(SELLER.user_id, item.order_item_id, "canceled")
    await world.state_is(order.order_id, "cancelled")
    assert world.vtex.order(vtex_id).status == "canceled"
    await world.until(lambda: world.logged(order.order_number, "order.C"))


async def test_a_vtex_cancellation_cancels_the_linio_items(world: World) -> None:
    sku, price = world.sku(6)
    order = world.linio.add_order(SELLER.user_id, [(sku, 2, price)])
    await world.state_is(order.order_id, "approved")
    vtex_id = (await world.ledger(order.order_id))["vtex_order_id"]
    await world.vtex.cancel_order(vtex_id)
    await world.state_is(order.order_id, "cancelled")
    items = world.linio.orders(SELLER.user_id)[order.order_id].items
    assert {(i.status, i.reason) for i in items} == {("canceled", "Out of stock")}
    assert world.vtex.order(vtex_id).status == "canceled"


async def test_polling_asks_seller_center_in_the_stores_time_zone(world: World) -> None:
    # case getorders-updatedafter-offset-dropped: the instant reaches Seller Center as
    # Mexico City wall-clock time (UTC-6), never as the UTC digits.
    instant = dt.datetime(2024, 5, 2, 18, 0, tzinfo=dt.UTC)
    await world.flows.poll("acme-mx", instant)
    [query] = [r for r in world.linio.requests if r.action == "GetOrders"][-1:]
    assert (
        dict(query.query)["UpdatedAfter"] == "2024-05-02T11:30:00"
    )  # 18:00 UTC − 30 min look-back


async def test_delivery_and_return_reach_vtex(world: World) -> None:
    sku, price = world.sku(7)
    order = world.linio.add_order(SELLER.user_id, [(sku, 1, price)])
    await world.state_is(order.order_id, "approved")
    vtex_id = (await world.ledger(order.order_id))["vtex_order_id"]
    await world.vtex.invoice_order(
        vtex_id, invoice_number="F-1", tracking_number="8055241528464720099314", courier="Estafeta"
    )
    await world.state_is(order.order_id, "ready_to_ship")
    [item] = order.items
    world.linio.set_item_status(SELLER.user_id, item.order_item_id, "shipped")
    await world.state_is(order.order_id, "shipped")
    world.linio.set_item_status(SELLER.user_id, item.order_item_id, "delivered")
    await world.state_is(order.order_id, "delivered")

    async def delivered() -> bool:
        return bool((world.vtex.order(vtex_id).invoice("F-1").tracking or {}).get("isDelivered"))

    await world.until(delivered)
    world.linio.set_item_status(SELLER.user_id, item.order_item_id, "returned")
    await world.state_is(order.order_id, "returned")

    async def returned() -> bool:  # the return invoice follows the state change
        return any(i.type == "Input" for i in world.vtex.order(vtex_id).invoices)

    await world.until(returned)
    returns = [i for i in world.vtex.order(vtex_id).invoices if i.type == "Input"]
    assert [(r.value, [x["id"] for x in r.items]) for r in returns] == [(int(price * 100), [sku])]


async def test_cancel_during_invoice_ends_cancelled_on_both_sides(world: World) -> None:
    sku, price = world.sku(8)
    order = world.linio.add_order(SELLER.user_id, [(sku, 1, price)])
    await world.state_is(order.order_id, "approved")
    vtex_id = (await world.ledger(order.order_id))["vtex_order_id"]
    [item] = order.items

    async def cancel_on_linio() -> None:
        world.linio.set_item_status(SELLER.user_id, item.order_item_id, "canceled")

    # The seller invoices in VTEX while the buyer cancels on Linio: whichever lands first,
    # both orders end cancelled and VTEX holds a return invoice when it was invoiced.
    await asyncio.gather(
        world.vtex.invoice_order(vtex_id, invoice_number="F-9"),
        cancel_on_linio(),
        return_exceptions=True,
    )
    await world.state_is(order.order_id, "cancelled")
    await world.until(lambda: _async(world.vtex.order(vtex_id).status == "canceled"))
    vtex_order = world.vtex.order(vtex_id)
    if vtex_order.invoiced_value("Output"):
        assert vtex_order.invoiced_value("Input") >= vtex_order.invoiced_value("Output")
    assert world.linio.orders(SELLER.user_id)[order.order_id].items[0].status == "canceled"


async def _async(value: bool) -> bool:
    return value


async def _async_set(found: Any, wanted: set[str]) -> bool:
    return await found == wanted


async def test_an_unmapped_seller_sku_is_logged_once_and_never_placed(world: World) -> None:
    order = world.linio.add_order(SELLER.user_id, [("NOPE-1", 1, "10.00")])
    await world.state_is(order.order_id, "placement_error")
    event = {"event": "onOrderCreated", "payload": {"OrderId": int(order.order_id)}}
    assert await world.webhook(event) == 200
    await world.flows.sync_from_linio("acme-mx", order.order_id, "test")
    logs = await world.runtime.storage.db[LOGS].find({"order_id": order.order_number}).to_list()
    assert [entry["code"] for entry in logs] == ["order.I"]
    assert "NOPE-1" in logs[0]["BusinessMessage"]
    assert world.vtex_orders(order.order_number) == []


async def test_a_duplicate_without_id_reads_the_vtex_order_id(world: World) -> None:
    from clients.vtex.inbound import ProcessingResult

    sku, price = world.sku(9)
    order = world.linio.add_order(SELLER.user_id, [(sku, 1, price)])
    await world.state_is(order.order_id, "approved")
    [placed] = world.vtex_orders(order.order_number)
    await world.runtime.storage.db[ORDERS].update_one(
        {"linio_order_id": order.order_id},
        {"$set": {"state": "placed"}, "$unset": {"vtex_order_id": ""}},
    )
    doc = await world.ledger(order.order_id)
    clients = await world.flows.clients("acme-mx")
    # Real VTEX sends EOI007 with `fields: null`.
    duplicate = ProcessingResult("PlaceOrder", "EOI007", False, order.order_number)
    await world.flows.handle_result(clients, doc, duplicate, synchronous=False)
    assert (await world.ledger(order.order_id))["vtex_order_id"] == placed.order_id


async def test_the_webhook_route_answers_at_once_and_refuses_unknown_tokens(world: World) -> None:
    wrong = world.webhook_url.replace(world.store.notification_token, "not-the-token")
    async with world.http.post(wrong, json={"event": "onOrderCreated", "payload": {}}) as r:
        assert r.status == 404
    async with world.http.post(world.webhook_url, data=b"<not json>") as r:
        assert r.status == 200  # anything else makes Seller Center retry for 30 days
    feed = {"event": "onFeedCompleted", "payload": {"Feed": "829a8d2a"}}
    async with world.http.post(world.webhook_url, json=feed) as r:
        assert (r.status, (await r.json())["ignored"]) == (200, "onFeedCompleted")
    assert await world.runtime.broker.depth(queue_name("order", "acme-mx")) == 0


async def test_a_price_divergence_waits_for_the_seller_and_is_then_approved(world: World) -> None:
    world.vtex.price_divergence_rule = "manual"
    sku, price = world.sku(10)
    linio_price = price + Decimal("10.00")  # a store markup on Linio
    order = world.linio.add_order(SELLER.user_id, [(sku, 1, linio_price)])
    await world.state_is(order.order_id, "held")
    [placed] = world.vtex_orders(order.order_number)
    assert placed.items[0]["price"] == int(linio_price * 100)  # never "fixed" to VTEX's
    codes = await world.runtime.storage.db[LOGS].distinct("code", {"order_id": order.order_number})
    assert "order.EOI011" in codes
    await world.vtex.authorize_divergence(placed.order_id)
    await world.flows.poll("acme-mx", dt.datetime.now(dt.UTC))
    await world.state_is(order.order_id, "approved")
    assert world.vtex.order(placed.order_id).status == "ready-for-handling"
    assert (await world.ledger(order.order_id))["vtex_prices"] == {sku: int(price * 100)}


async def test_an_invoice_whose_callback_was_lost_is_found_by_the_poller(world: World) -> None:
    sku, price = world.sku(11)
    order = world.linio.add_order(SELLER.user_id, [(sku, 1, price)])
    await world.state_is(order.order_id, "approved")
    vtex_id = (await world.ledger(order.order_id))["vtex_order_id"]
    world.vtex.order(vtex_id).marketplace_services_endpoint = None  # the callback is lost
    await world.vtex.invoice_order(
        vtex_id,
        invoice_number="F-LOST",
        tracking_number="8055241528464720099314",
        courier="Estafeta",
    )
    assert (await world.ledger(order.order_id))["state"] == "approved"
    await world.flows.poll("acme-mx", dt.datetime.now(dt.UTC))
    await world.state_is(order.order_id, "ready_to_ship")
    [item] = world.linio.orders(SELLER.user_id)[order.order_id].items
    assert (item.invoice_number, item.status) == ("F-LOST", "ready_to_ship")


async def test_a_store_on_the_older_method_places_then_fulfills(world: World) -> None:
    """Stores configured for fulfillment orders (spec §3.6) use place + fulfill."""
    fulfillment = Store(**{**world.store.__dict__, "order_method": "fulfillment"})
    await world.runtime.stores.upsert(fulfillment)
    sku, price = world.sku(1)
    order = world.linio.add_order(SELLER.user_id, [(sku, 1, price)])
    await world.state_is(order.order_id, "approved")
    [placed] = world.vtex_orders(order.order_number)
    assert placed.via == "fulfillment"
    assert [(i["id"], i["quantity"]) for i in placed.items] == [(sku, 1)]
