"""The VTEX simulator refuses what VTEX refuses and answers as VTEX documents (audit
fidelity-vtex #1, #2, #4, #5, #6, #8, #9, #11, #12, #13)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest

from simulators.vtex import VtexSimulator
from simulators.vtex.receiver import CallbackReceiver
from simulators.vtex.samples import channel_order

ORDERS = "/api/order-integration/orders"
SIMULATION = "/api/fulfillment/pvt/orderForms/simulation"
OMS = "/api/oms/pvt/orders"


@dataclass
class World:
    sim: VtexSimulator
    connector: CallbackReceiver
    http: aiohttp.ClientSession

    def order(self, mkp_id: str, **kw: Any) -> dict[str, Any]:
        return channel_order(
            self.sim.catalog,
            self.sim.catalog.healthy_sku_ids()[:2],
            marketplace_order_id=mkp_id,
            connector_endpoint=f"{self.connector.url}/vtex/TOKEN",
            **kw,
        )

    async def post_order(
        self, body: dict[str, Any], params: dict[str, str] | None = None
    ) -> tuple[int, dict[str, Any]]:
        query = {"an": "acme", "affiliateId": "LNO"} if params is None else params
        async with self.http.post(ORDERS, params=query, json=body) as response:
            return response.status, await response.json()


@pytest.fixture
async def world() -> AsyncIterator[World]:
    async with CallbackReceiver() as connector, VtexSimulator("acme", seed=5) as sim:
        sim.catalog.generate(n_skus=40, faulty_share=0)
        sim.register_affiliate("LNO", sales_channel="2")
        async with aiohttp.ClientSession(base_url=sim.url, headers=sim.auth_headers()) as http:
            yield World(sim, connector, http)


async def test_new_order_without_affiliate_id_is_refused(world: World) -> None:
    status, answer = await world.post_order(world.order("L-1"), params={"an": "acme"})
    assert (status, answer["code"], answer["success"], answer["fields"]) == (
        400,
        "EOI005",
        False,
        None,
    )
    assert "affiliateId" in answer["errors"][0]["description"]
    assert answer["errors"][0]["source"] == "Order Integration"
    assert len(world.sim.orders) == 0


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"connectorEndpoint": "https://connector.example.com/?token=abc"}, "query strings"),
        ({"marketplaceOrderStatus": "NEW"}, "marketplaceOrderStatus"),
        ({"marketplaceOrderStatus": "PAID"}, "marketplaceOrderStatus"),
    ],
)
async def test_what_extmkp_refuses_is_refused(
    world: World, change: dict[str, Any], reason: str
) -> None:
    status, answer = await world.post_order({**world.order("L-2"), **change})
    assert status == 400 and answer["code"] == "EOI005"
    assert reason in answer["errors"][0]["description"]


async def test_logistics_info_must_match_the_items(world: World) -> None:
    body = world.order("L-3")
    body["shippingData"]["logisticsInfo"].pop()
    status, answer = await world.post_order(body)
    assert status == 400 and answer["code"] == "EOI005"  # a validation error, not EOI003
    assert "same number of items" in answer["errors"][0]["description"]


async def test_status_update_refuses_a_query_in_the_connector_endpoint(world: World) -> None:
    body = {
        "marketplaceOrderId": "L-4",
        "marketplaceOrderStatus": "approved",
        "connectorEndpoint": "https://connector.example.com/?token=abc",
    }
    async with world.http.put(f"{ORDERS}/status", params={"an": "acme"}, json=body) as response:
        assert response.status == 400 and (await response.json())["code"] == "EOI005"


async def test_duplicate_gives_no_fields(world: World) -> None:
    await world.post_order(world.order("L-5"))
    await world.post_order(world.order("L-5"))
    first, second = await world.sim.wait_for("processing-result", count=2)
    assert first.payload["fields"]["mainOrderId"]
    assert second.payload["code"] == "EOI007" and second.payload["fields"] is None


@pytest.mark.parametrize("callback_id", ["marketplace", "vtex"])
async def test_oms_callbacks_address_the_order_by_the_configured_id(
    world: World, callback_id: str
) -> None:
    world.sim.callback_order_id = callback_id  # type: ignore[assignment]
    await world.post_order(world.order("L-6", status="approved"))
    [placed, _] = await world.sim.wait_for("processing-result", count=2)
    order_id = placed.payload["fields"]["mainOrderId"]
    shown = "L-6" if callback_id == "marketplace" else order_id
    await world.sim.invoice_order(order_id, invoice_number="F-1")
    tracking = {"trackingNumber": "T-1", "trackingUrl": "https://t.example/1",
                "courier": "Estafeta", "dispatchedDate": "2026-01-02T10:00:00Z"}  # fmt: skip
    async with world.http.patch(f"{OMS}/{order_id}/invoice/F-1", json=tracking) as response:
        assert response.status == 200
    events = {"isDelivered": True, "deliveredDate": "2026-01-03T10:00:00Z", "events": []}
    async with world.http.put(f"{OMS}/{order_id}/invoice/F-1/tracking", json=events) as response:
        assert response.status == 200
    await world.sim.drain()
    paths = [r.path for r in world.connector.received if "/orders/" in r.path]
    assert paths == [
        f"/vtex/TOKEN/pvt/orders/{shown}/invoice",
        f"/vtex/TOKEN/pvt/orders/{shown}/invoice/F-1",
        f"/vtex/TOKEN/pvt/orders/{shown}/invoice/F-1/tracking",
    ]
    assert world.connector.received[-2].body == tracking
    assert world.connector.received[-1].body["isDelivered"] is True


async def test_invoice_requires_the_documented_fields_and_takes_string_cents(
    world: World,
) -> None:
    await world.post_order(world.order("L-7", status="approved"))
    [placed, _] = await world.sim.wait_for("processing-result", count=2)
    order_id = placed.payload["fields"]["mainOrderId"]
    value = world.sim.order(order_id).value
    url = f"{OMS}/{order_id}/invoice"
    async with world.http.post(url, json={"type": "Output", "invoiceNumber": "F-2"}) as response:
        assert response.status == 400
        message = (await response.json())["error"]["message"]
    assert all(f"{f} is required" in message for f in ("issuanceDate", "invoiceValue", "items"))
    invoice = {"type": "Output", "invoiceNumber": "F-2", "invoiceValue": f"{value}",
               "issuanceDate": "2024-01-31T18:25:43-05:00", "items": []}  # fmt: skip
    async with world.http.post(url, json={**invoice, "invoiceValue": "25.98"}) as response:
        assert response.status == 400
    async with world.http.post(url, json=invoice) as response:
        assert response.status == 200
    assert world.sim.order(order_id).invoices[0].value == value
    assert world.sim.order(order_id).status == "invoiced"


async def test_out_of_stock_skus_come_back_with_zero_and_quantity_is_capped(
    world: World,
) -> None:
    catalog = world.sim.catalog
    empty, short = catalog.healthy_sku_ids()[:2]
    catalog.skus[empty].stock["2"] = 0
    catalog.skus[short].stock["2"] = 2
    body = {
        "items": [{"id": str(empty), "quantity": 1, "seller": "1"},
                  {"id": str(short), "quantity": 5, "seller": "1"}],
        "postalCode": "7500000",
        "country": "CHL",
    }  # fmt: skip
    async with world.http.post(SIMULATION, params={"sc": "2"}, json=body) as response:
        answer = await response.json()
    assert [i["quantity"] for i in answer["items"]] == [0, 2]
    assert [li["stockBalance"] for li in answer["logisticsInfo"]] == [0, 2]
    assert answer["logisticsInfo"][0]["slas"] == [] and answer["logisticsInfo"][1]["slas"]
    assert all("availability" not in i for i in answer["items"])
    assert all(isinstance(i["listPrice"], int) for i in answer["items"])


async def test_stock_without_an_address_is_zero_unless_switched(world: World) -> None:
    sku = world.sim.catalog.healthy_sku_ids()[0]
    body = {"items": [{"id": str(sku), "quantity": 1, "seller": "1"}]}
    async with world.http.post(SIMULATION, params={"sc": "2"}, json=body) as response:
        assert (await response.json())["logisticsInfo"][0]["stockBalance"] == 0
    world.sim.shipping.stock_without_address = True
    async with world.http.post(SIMULATION, params={"sc": "2"}, json=body) as response:
        stock = (await response.json())["logisticsInfo"][0]["stockBalance"]
    assert stock == world.sim.catalog.skus[sku].stock["2"] > 0


async def test_checkout_simulation_is_public_and_has_no_stock_balance(world: World) -> None:
    sku = world.sim.catalog.healthy_sku_ids()[0]
    body = {"items": [{"id": str(sku), "quantity": 1, "seller": "1"}],
            "postalCode": "7500000", "country": "CHL"}  # fmt: skip
    async with (
        aiohttp.ClientSession() as anonymous,
        anonymous.post(
            f"{world.sim.url}/api/checkout/pub/orderForms/simulation", params={"sc": "2"}, json=body
        ) as response,
    ):
        assert response.status == 200
        answer = await response.json()
    assert answer["items"][0]["availability"] == "available"
    assert "stockBalance" not in answer["logisticsInfo"][0]


async def test_sku_ids_need_a_trade_policy(world: World) -> None:
    path = "/api/catalog_system/pvt/sku/stockkeepingunitidsbysaleschannel"
    async with world.http.get(path) as response:
        assert response.status == 400
    async with world.http.get(path, params={"sc": "2", "page": "99"}) as response:
        assert await response.json() == []  # past the end: an empty page


def test_generated_money_is_integer_cents() -> None:
    sim = VtexSimulator(seed=9)
    sim.catalog.generate(n_skus=300, faulty_share=0)
    prices = [p for sku in sim.catalog.skus.values() for p in sku.prices.values()]
    assert any(p.list_price != p.price for p in prices)  # promotions exist
    assert all(type(p.price) is int and type(p.list_price) is int for p in prices)


async def test_a_product_change_notifies_every_sku_of_the_product() -> None:
    async with CallbackReceiver() as connector, VtexSimulator(seed=6) as sim:
        sim.catalog.generate(n_skus=60, faulty_share=0)
        sim.register_affiliate("LNO", search_uri_endpoint=f"{connector.url}/catalog/notification")
        skus = sim.catalog.skus
        by_product: dict[int, list[int]] = {}
        for sku_id, sku in skus.items():
            by_product.setdefault(sku.product_id, []).append(sku_id)
        family = next(ids for ids in by_product.values() if len(ids) >= 2)
        sent = await sim.change_sku(family[0], product_active=False)
        assert sorted(int(d.payload["IdSku"]) for d in sent) == sorted(family)
        assert all(d.payload["IsActive"] is False for d in sent)
        assert all(d.payload["HasStockKeepingUnitModified"] for d in sent)
        only_one = await sim.change_sku(family[0], price=4990)  # a SKU edit: that SKU only
        assert [d.payload["IdSku"] for d in only_one] == [str(family[0])]


async def test_status_codes_as_documented(world: World) -> None:
    affiliate = {"id": "QZX", "name": "Linio", "followUpEmail": "ops@acme.mx",
                 "salesChannel": "2", "searchURIEndpoint": "https://c.example.com/n",
                 "SearchURIEndpointVersion": "1.x.x",
                 "SearchURIEndpointAvailableVersions": ["1.x.x"]}  # fmt: skip
    async with world.http.put("/api/fulfillment/pvt/affiliates/QZX", json=affiliate) as r:
        assert r.status == 204 and await r.read() == b""
    async with world.http.get("/api/catalog_system/pvt/brand/list") as r:
        assert all("metaTagDescription" in b for b in await r.json())
    async with world.http.post("/api/orders/feed", json={"handles": []}) as r:
        assert r.status == 200
