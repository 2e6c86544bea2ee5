"""The order flow as a seller and a reviewer try to break it: bad webhooks, VTEX faults,
a cancellation of shipped goods, odd invoices. Real servers, real sockets."""

from __future__ import annotations

import asyncio
from typing import Any

from app.broker import queue_name
from app.storage import DEAD_LETTERS, LOGS, ORDERS
from tests.handlers import test_orders_e2e as e2e
from tests.handlers.test_orders_e2e import SELLER, World

world = e2e.world  # the same simulators, store and consumers as the end-to-end tests


async def _post_raw(world: World, body: bytes) -> tuple[int, Any]:
    headers = {"Content-Type": "application/json"}
    async with world.http.post(world.webhook_url, data=body, headers=headers) as response:
        return response.status, await response.json()


async def test_a_webhook_that_is_no_seller_center_event_is_acknowledged_and_queues_nothing(
    world: World,
) -> None:
    """Seller Center retries anything but 200 for 30 days: a body we cannot use is
    acknowledged as ignored, never a 500, and nothing reaches the order queue (a made-up
    OrderId there costs the seller GetOrder calls, dead letters and an open breaker)."""
    deep = b'{"event":"onOrderCreated","payload":' + b"[" * 5000 + b"]" * 5000 + b"}"
    bodies = [
        deep,
        b"[" * 5000 + b"]" * 5000,
        b'{"event":"onOrderCreated","payload":{"OrderId":"x\\ud800"}}',
        b'{"event":"onOrderCreated","payload":{"OrderId":NaN}}',
        b'{"event":"onOrderCreated","payload":{"OrderId":1e999}}',
        b'{"event":"onOrderCreated","payload":{"OrderId":{"$gt":""}}}',
        b'{"event":"onOrderCreated","payload":{"OrderId":"../x?Action=Foo"}}',
        b'{"event":"onOrderCreated","payload":{"OrderId":"' + b"9" * 5000 + b'"}}',
        b'{"event":"onOrderItemsStatusChanged","payload":{"OrderId":-5}}',
        b'{"event":"onOrderCreated","payload":{"OrderId":true}}',
        b"\xff\xfe{}",
    ]
    for body in bodies:
        status, answer = await _post_raw(world, body)
        assert status == 200, (body[:60], answer)
        assert answer.get("received") is True and "ignored" in answer, (body[:60], answer)
    assert await world.runtime.broker.depth(queue_name("order", "acme-mx")) == 0
    assert await world.runtime.storage.db[DEAD_LETTERS].count_documents({}) == 0
    assert not [r for r in world.linio.requests if r.action == "GetOrder"]


async def test_a_numeric_order_id_in_either_spelling_is_still_queued(world: World) -> None:
    sku, price = world.sku(12)
    order = world.linio.add_order(SELLER.user_id, [(sku, 1, price)])
    await world.state_is(order.order_id, "approved")
    for order_id in (int(order.order_id), order.order_id, f" {order.order_id}"):
        event = {"event": "onOrderCreated", "payload": {"OrderId": order_id}}
        async with world.http.post(world.webhook_url, json=event) as response:
            assert (response.status, await response.json()) == (200, {"received": True})
    await asyncio.sleep(0.3)
    assert len(world.vtex_orders(order.order_number)) == 1


def _callback_url(world: World, vtex_id: str, tail: str) -> str:
    base = world.webhook_url.split("/linio/")[0]
    return f"{base}/vtex/{world.store.notification_token}/pvt/orders/{vtex_id}/{tail}"


async def _codes(world: World, order_number: str) -> list[str]:
    logs = world.runtime.storage.db[LOGS]
    return await logs.distinct("code", {"order_id": order_number})


async def test_a_vtex_cancellation_of_shipped_items_is_a_seller_action_in_the_log(
    world: World,
) -> None:
    """VTEX cancels after Linio shipped: Linio cannot follow, the order is blocked, and the
    seller learns it from the log (Spanish and English, with the action), not by chance."""
    sku, price = world.sku(13)
    order = world.linio.add_order(SELLER.user_id, [(sku, 1, price)])
    await world.state_is(order.order_id, "approved")
    vtex_id = (await world.ledger(order.order_id))["vtex_order_id"]
    await world.vtex.invoice_order(
        vtex_id, invoice_number="F-S1", tracking_number="8055241528464720099314", courier="Estafeta"
    )
    await world.state_is(order.order_id, "ready_to_ship")
    [item] = order.items
    world.linio.set_item_status(SELLER.user_id, item.order_item_id, "shipped")
    await world.state_is(order.order_id, "shipped")
    async with world.http.post(_callback_url(world, vtex_id, "cancel"), json={}) as response:
        assert response.status == 200
    await world.state_is(order.order_id, "cancel_blocked")
    await world.until(lambda: world.logged(order.order_number, "order.cancel_refused_shipped"))
    [entry] = (
        await world.runtime.storage.db[LOGS]
        .find({"order_id": order.order_number, "code": "order.cancel_refused_shipped"})
        .to_list()
    )
    assert item.order_item_id in entry["BusinessMessage"]
    assert world.linio.orders(SELLER.user_id)[order.order_id].items[0].status == "shipped"


async def test_a_tracking_number_the_provider_refuses_waits_for_the_corrected_one(
    world: World,
) -> None:
    sku, price = world.sku(14)
    order = world.linio.add_order(SELLER.user_id, [(sku, 1, price)])
    await world.state_is(order.order_id, "approved")
    vtex_id = (await world.ledger(order.order_id))["vtex_order_id"]
    await world.vtex.invoice_order(
        vtex_id, invoice_number="F-T1", tracking_number="abc-1", courier="Estafeta"
    )
    await world.state_is(order.order_id, "tracking_blocked")
    assert "order.tracking_invalid" in await _codes(world, order.order_number)
    [item] = world.linio.orders(SELLER.user_id)[order.order_id].items
    assert (item.invoice_number, item.status) == ("F-T1", "pending")
    corrected = {"trackingNumber": "8055241528464720099314", "courier": "Estafeta"}
    async with world.http.post(_callback_url(world, vtex_id, "invoice/F-T1"), json=corrected) as r:
        assert r.status == 200, await r.text()
    await world.state_is(order.order_id, "ready_to_ship")
    [item] = world.linio.orders(SELLER.user_id)[order.order_id].items
    assert (item.status, item.tracking_code) == ("ready_to_ship", "8055241528464720099314")


async def test_a_vtex_outage_during_placement_places_the_order_once(world: World) -> None:
    world.vtex.faults.fail_next(3, 503, path="/api/order-integration/orders")
    sku, price = world.sku(15)
    order = world.linio.add_order(SELLER.user_id, [(sku, 1, price)])
    await world.state_is(order.order_id, "approved")
    assert len(world.vtex_orders(order.order_number)) == 1


async def test_a_provider_linio_refuses_becomes_a_seller_action(world: World) -> None:
    """E080 (Linio preselected DHL, VTEX says Estafeta): the order waits for the seller,
    and the log says so with the order's number."""
    sku, price = world.sku(16)
    order = world.linio.add_order(SELLER.user_id, [(sku, 1, price)], shipment_provider="DHL")
    await world.state_is(order.order_id, "approved")
    vtex_id = (await world.ledger(order.order_id))["vtex_order_id"]
    await world.vtex.invoice_order(
        vtex_id, invoice_number="F-P1", tracking_number="8055241528464720099314", courier="Estafeta"
    )
    await world.state_is(order.order_id, "tracking_blocked")
    await world.until(lambda: world.logged(order.order_number, "order.provider_refused"))
    [entry] = (
        await world.runtime.storage.db[LOGS]
        .find({"order_id": order.order_number, "code": "order.provider_refused"})
        .to_list()
    )
    assert order.order_number in entry["Message"]["es"]
    assert "DHL" in entry["BusinessMessage"] and order.order_number in entry["BusinessMessage"]


async def test_a_linio_cancellation_before_the_vtex_id_is_known_is_logged(world: World) -> None:
    """Log M ("not integrated in VTEX yet, we will try later") names the order."""
    sku, price = world.sku(17)
    order = world.linio.add_order(SELLER.user_id, [(sku, 1, price)])
    await world.state_is(order.order_id, "approved")
    await world.runtime.storage.db[ORDERS].update_one(
        {"linio_order_id": order.order_id},
        {"$set": {"state": "placed"}, "$unset": {"vtex_order_id": ""}},
    )
    [item] = order.items
    world.linio.set_item_status(SELLER.user_id, item.order_item_id, "canceled")
    await world.until(lambda: world.logged(order.order_number, "order.M"))
    [entry] = (
        await world.runtime.storage.db[LOGS]
        .find({"order_id": order.order_number, "code": "order.M"})
        .to_list()
    )
    assert order.order_number in entry["Message"]["es"]


async def test_an_invoice_with_impossible_items_is_refused_and_changes_nothing(
    world: World,
) -> None:
    sku, price = world.sku(18)
    order = world.linio.add_order(SELLER.user_id, [(sku, 2, price)])
    await world.state_is(order.order_id, "approved")
    doc = await world.ledger(order.order_id)
    vtex_id = doc["vtex_order_id"]
    base = {"type": "Output", "invoiceValue": 100, "issuanceDate": "2026-11-29T00:00:00Z"}
    cases = [
        ({"id": sku, "quantity": -3, "price": 100}, "items[0].quantity"),
        ({"id": sku, "quantity": 0, "price": 100}, "items[0].quantity"),
        ({"id": sku, "quantity": "abc", "price": 100}, "items[0].quantity"),
        ({"id": sku, "quantity": 1, "price": -100}, "items[0].price"),
        ({"id": {"a": 1}, "quantity": 1, "price": 100}, "items[0].id"),
    ]
    for n, (item, field) in enumerate(cases):
        body = {**base, "invoiceNumber": f"F-X{n}", "items": [item]}
        async with world.http.post(_callback_url(world, vtex_id, "invoice"), json=body) as r:
            answer = await r.json()
            assert (r.status, answer["error"]["details"]) == (400, {"field": field}), answer
            assert "cents" not in answer["error"]["message"] or field.endswith("price")
    after = await world.ledger(order.order_id)
    assert (after["state"], after.get("invoices")) == ("approved", doc.get("invoices"))
    assert {i.invoice_number for i in world.linio.orders(SELLER.user_id)[order.order_id].items} == {
        None
    }
