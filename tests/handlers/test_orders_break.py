"""The order flow as a seller and a reviewer try to break it: bad webhooks, VTEX faults,
a cancellation of shipped goods, odd invoices. Real servers, real sockets."""

from __future__ import annotations

import asyncio
from typing import Any

from app.broker import queue_name
from app.storage import DEAD_LETTERS
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
