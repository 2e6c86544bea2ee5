"""The VTEX simulator's order placement: Channel Order API (async results) and the deprecated
fulfillment orders, over real HTTP with a real receiver standing in for the connector."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import aiohttp
import pytest

from simulators.vtex import SkuFault, VtexSimulator
from simulators.vtex.receiver import CallbackReceiver
from simulators.vtex.samples import channel_order, expected_total, fulfillment_order

ORDERS = "/api/order-integration/orders"
PROCESSING = "/order-integration/notification/processing-result"
AFFILIATE = {"affiliateId": "LNO"}


@dataclass
class World:
    sim: VtexSimulator
    connector: CallbackReceiver
    http: aiohttp.ClientSession

    @property
    def endpoint(self) -> str:
        return f"{self.connector.url}/vtex/abc"  # ExtMkp: no query string; token in the path

    def order(self, mkp_id: str, skus: list[int] | None = None, **kw: object) -> dict:
        skus = skus or self.sim.catalog.healthy_sku_ids()[:2]
        return channel_order(
            self.sim.catalog, skus, marketplace_order_id=mkp_id, connector_endpoint=self.endpoint,
            **kw,  # type: ignore[arg-type]
        )  # fmt: skip

    async def place(self, body: dict, *, results: int) -> list[dict]:
        async with self.http.post(ORDERS, params=AFFILIATE, json=body) as response:
            assert response.status == 200
            sync = await response.json()
        assert sync["code"] == "SOI003" and sync["flow"] == "PlaceOrder" and sync["success"]
        done = await self.sim.wait_for("processing-result", count=results)
        return [d.payload for d in done]


@pytest.fixture
async def world() -> AsyncIterator[World]:
    async with CallbackReceiver() as connector, VtexSimulator("acme", seed=2) as sim:
        sim.catalog.generate(n_skus=60, faulty_share=0.2)
        sim.register_affiliate("LNO", sales_channel="2")
        async with aiohttp.ClientSession(base_url=sim.url, headers=sim.auth_headers()) as http:
            yield World(sim, connector, http)


async def test_new_order_is_integrated_and_notified(world: World) -> None:
    [result] = await world.place(world.order("LIN-1"), results=1)
    assert result["code"] == "SOI001" and result["success"] is True
    assert result["flow"] == "PlaceOrder" and result["accountName"] == "acme"
    assert result["marketplaceOrderId"] == "LIN-1" and result["operationId"]
    order_id = result["fields"]["mainOrderId"]
    assert order_id.startswith("LNO-")
    [received] = world.connector.at(PROCESSING)
    assert received.path == f"/vtex/abc{PROCESSING}"
    assert received.query == {"an": "acme"}
    assert received.body == result
    order = world.sim.order(order_id)
    assert order.status == "waiting-for-mkt-authorization"
    assert order.marketplace_services_endpoint == world.endpoint


async def test_approved_on_creation_and_approval_later(world: World) -> None:
    results = await world.place(world.order("LIN-2", status="approved"), results=2)
    assert [r["code"] for r in results] == ["SOI001", "SOI002"]
    assert results[1]["flow"] == "ApproveOrder" and results[1]["message"]
    assert world.sim.order(results[0]["fields"]["mainOrderId"]).status == "ready-for-handling"

    await world.place(world.order("LIN-3"), results=3)
    approve = {
        "marketplaceOrderId": "LIN-3",
        "connectorName": "vtex-linio",
        "connectorEndpoint": world.endpoint,
        "marketplaceOrderStatus": "approved",
    }
    async with world.http.put(f"{ORDERS}/status", json=approve) as response:
        sync = await response.json()
    assert sync["code"] == "SOI003" and sync["flow"] == "ApproveOrder"
    last = (await world.sim.wait_for("processing-result", count=4))[-1].payload
    assert last["code"] == "SOI002"
    assert world.sim.orders.by_marketplace_id("LIN-3").status == "ready-for-handling"


async def test_approving_unknown_or_canceled_order_fails(world: World) -> None:
    approve = {
        "marketplaceOrderId": "NEVER",
        "connectorEndpoint": world.endpoint,
        "marketplaceOrderStatus": "approved",
    }
    async with world.http.put(f"{ORDERS}/status", json=approve) as response:
        assert response.status == 200
    [result] = await world.sim.wait_for("processing-result")
    assert result.payload["code"] == "EOI008" and result.payload["success"] is False
    placed = (await world.place(world.order("LIN-C"), results=2))[1]
    await world.sim.cancel_order(placed["fields"]["mainOrderId"])
    async with world.http.put(
        f"{ORDERS}/status", json={**approve, "marketplaceOrderId": "LIN-C"}
    ) as response:
        assert response.status == 200
    last = (await world.sim.wait_for("processing-result", count=3))[-1].payload
    assert last["code"] == "EOI009"


async def test_duplicate_marketplace_order_is_eoi007(world: World) -> None:
    [first] = await world.place(world.order("LIN-4"), results=1)
    second = (await world.place(world.order("LIN-4"), results=2))[1]
    assert second["code"] == "EOI007" and second["success"] is False
    assert second["errors"][0]["code"] == "EOI007"
    assert second["fields"] is None  # ExtMkp: fields only on success, no mainOrderId
    assert first["fields"]["mainOrderId"]
    assert len(world.sim.orders) == 1


async def test_price_divergence_without_rule_is_eoi003(world: World) -> None:
    skus = world.sim.catalog.healthy_sku_ids()[:2]
    paid = expected_total(world.sim.catalog, skus) - 1000
    [result] = await world.place(world.order("LIN-5", skus, paid=paid), results=1)
    assert result["code"] == "EOI003" and len(world.sim.orders) == 0


async def test_price_divergence_within_allowance_is_accepted(world: World) -> None:
    skus = world.sim.catalog.healthy_sku_ids()[:1]
    body = world.order("LIN-5b", skus, paid=expected_total(world.sim.catalog, skus) - 1)
    body["priceDivergenceAllowanceRate"] = 0.5
    [result] = await world.place(body, results=1)
    assert result["code"] == "SOI001"


async def test_price_divergence_with_manual_rule_waits_for_the_seller(world: World) -> None:
    world.sim.price_divergence_rule = "manual"
    skus = world.sim.catalog.healthy_sku_ids()[:2]
    paid = expected_total(world.sim.catalog, skus) + 500
    results = await world.place(world.order("LIN-6", skus, paid=paid, status="approved"), results=2)
    assert [r["code"] for r in results] == ["SOI001", "EOI011"]
    order_id = results[0]["fields"]["mainOrderId"]
    assert world.sim.order(order_id).status == "waiting-for-manual-authorization"
    await world.sim.authorize_divergence(order_id)
    approve = {"marketplaceOrderId": "LIN-6", "connectorEndpoint": world.endpoint,
               "marketplaceOrderStatus": "approved"}  # fmt: skip
    async with world.http.put(f"{ORDERS}/status", json=approve):
        pass
    last = (await world.sim.wait_for("processing-result", count=3))[-1].payload
    assert last["code"] == "SOI002"
    assert world.sim.order(order_id).status == "ready-for-handling"


async def test_unavailable_items_and_unserved_address_are_eoi002(world: World) -> None:
    catalog = world.sim.catalog
    inactive = catalog.skus_with(SkuFault.INACTIVE)[0]
    body = world.order("LIN-7", catalog.healthy_sku_ids()[:1])
    body["items"].append({"id": str(inactive), "price": 1000, "quantity": 1})
    body["shippingData"]["logisticsInfo"].append(body["shippingData"]["logisticsInfo"][0])
    await world.place(body, results=1)
    await world.place(world.order("LIN-8", postal_code="9900000"), results=2)
    body = world.order("LIN-9", catalog.healthy_sku_ids()[:1])
    body["items"][0]["id"] = "424242"
    codes = [r["code"] for r in await world.place(body, results=3)]
    assert codes == ["EOI002", "EOI002", "EOI004"]
    assert len(world.sim.orders) == 0


async def test_stock_is_reserved_by_an_order(world: World) -> None:
    sku_id = world.sim.catalog.healthy_sku_ids()[0]
    sku = world.sim.catalog.skus[sku_id]
    sku.stock["2"] = 3
    codes = []
    for n in range(2):
        body = world.order(f"LIN-Q{n}", [sku_id], quantity=2)
        codes.append((await world.place(body, results=n + 1))[-1]["code"])
    assert codes == ["SOI001", "EOI002"] and sku.stock["2"] == 1


async def test_invalid_body_is_rejected_synchronously(world: World) -> None:
    async with world.http.post(ORDERS, json={"items": []}) as response:
        assert response.status == 400
        body = await response.json()
    assert body["code"] == "EOI005" and body["success"] is False
    no_endpoint = world.order("LIN-10")
    del no_endpoint["connectorEndpoint"]
    async with world.http.post(ORDERS, params=AFFILIATE, json=no_endpoint) as response:
        assert response.status == 400
    world.sim.template_connector_endpoint = world.endpoint  # template-app auth case
    async with world.http.post(
        ORDERS,
        params=AFFILIATE,
        json=no_endpoint,
        headers={"VtexIdclientAutCookie": world.sim.app_cookie},
    ) as response:
        assert response.status == 200
    [result] = await world.sim.wait_for("processing-result")
    assert result.payload["code"] == "SOI001"


async def test_deprecated_fulfillment_orders_and_fulfill(world: World) -> None:
    catalog = world.sim.catalog
    skus = catalog.healthy_sku_ids()[:2]
    params = {"sc": "2", "affiliateId": "LNO"}
    body = [fulfillment_order(catalog, skus, marketplace_order_id="956",
                              services_endpoint=world.connector.url)]  # fmt: skip
    async with world.http.post("/api/fulfillment/pvt/orders", params=params, json=body) as r:
        assert r.status == 200
        [created] = await r.json()
    order_id = created["orderId"]
    assert created["marketplaceOrderId"] == "956"
    assert world.sim.order(order_id).status == "waiting-ffmt-authorization"
    async with world.http.post("/api/fulfillment/pvt/orders", params=params, json=body) as r:
        assert r.status == 400 and (await r.json())["error"]["code"] == "FMT009"
    fulfill = f"/api/fulfillment/pvt/orders/{order_id}/fulfill"
    async with world.http.post(fulfill, params=params, json=[{"marketplaceOrderId": "956"}]) as r:
        assert r.status == 201 and (await r.json())["orderId"] == order_id
    assert world.sim.order(order_id).status == "ready-for-handling"

    divergent = [fulfillment_order(catalog, skus, marketplace_order_id="957",
                                   services_endpoint=world.connector.url, paid=1)]  # fmt: skip
    async with world.http.post("/api/fulfillment/pvt/orders", params=params, json=divergent) as r:
        error = (await r.json())["error"]
    assert error["code"] == "FMT007" and "differs from store desired value" in error["message"]
    outside = catalog.skus_with(SkuFault.OUTSIDE_TRADE_POLICY)[:1]
    catalog.skus[outside[0]].prices["2"] = catalog.skus[outside[0]].prices["1"]
    gone = [fulfillment_order(catalog, outside, marketplace_order_id="958",
                              services_endpoint=world.connector.url)]  # fmt: skip
    async with world.http.post("/api/fulfillment/pvt/orders", params=params, json=gone) as r:
        error = (await r.json())["error"]
    assert error["code"] == "ORD027" and "not found or unavailable" in error["message"]
