"""Order items read in batches (handlers/order_reads.py), counted on the simulator."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import aiohttp

from handlers.order_reads import OrderItemsReader
from simulators.linio import LinioSimulator, SimSeller
from simulators.linio.connect import sandbox_client

SELLER = SimSeller(user_id="ops@acme.mx", api_key="KEY-reads", seller_id="ACME01", country="MX")


async def test_orders_asked_together_share_one_call_and_a_bad_id_fails_alone() -> None:
    async with LinioSimulator([SELLER]) as sim, aiohttp.ClientSession() as http:
        client = sandbox_client(sim.url, http, SELLER)
        orders = [
            sim.add_order(SELLER.user_id, [(f"SKU-{n}", 2, Decimal("10.00"))]) for n in range(6)
        ]
        reader = OrderItemsReader()
        first, *rest = [o.order_id for o in orders]
        # Asked in the same moment: one call for the six.
        results = await asyncio.gather(
            reader.items("acme", client, first),
            *(reader.items("acme", client, order_id) for order_id in rest),
        )
        assert [[i.order_id for i in items] for items in results] == [
            [o.order_id] * 2 for o in orders
        ]
        assert [i.sku for i in results[3]] == ["SKU-3", "SKU-3"]
        actions = [r.action for r in sim.requests]
        assert actions == ["GetMultipleOrderItems"]

        # An id Seller Center refuses (E037 for the batch) fails alone; the others are read.
        sim.requests.clear()
        outcomes = await asyncio.gather(
            reader.items("acme", client, first),
            reader.items("acme", client, rest[0]),
            reader.items("acme", client, "999999999"),
            reader.items("acme", client, rest[1]),
            return_exceptions=True,
        )
        assert [type(o).__name__ for o in outcomes] == ["list", "list", "NotFoundError", "list"]
        assert [r.action for r in sim.requests] == ["GetMultipleOrderItems"] + ["GetOrderItems"] * 4
        # An order asked for alone is read with GetOrderItems.
        sim.requests.clear()
        assert len(await reader.items("acme", client, first)) == 2
        assert [r.action for r in sim.requests] == ["GetOrderItems"]
