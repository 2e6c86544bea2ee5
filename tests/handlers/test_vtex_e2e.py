"""VTEX simulator ⇄ our service over real HTTP: what VTEX sends reaches the right place."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp.test_utils import TestClient

from app.broker import queue_name
from app.runtime import Runtime
from app.storage import ORDERS
from domain.stores import Store, StoreCredentials
from simulators.vtex import VtexSimulator
from simulators.vtex.samples import channel_order


@pytest.fixture
async def vtex() -> AsyncIterator[VtexSimulator]:
    async with VtexSimulator("acme", seed=3) as sim:
        sim.catalog.generate(n_skus=20, faulty_share=0.0)
        yield sim


@pytest.fixture
async def store(runtime: Runtime, vtex: VtexSimulator) -> Store:
    store = Store(
        store_id="acme-mx",
        account="acme",
        affiliate_id="LMX",
        sales_channel=vtex.catalog.trade_policy,
        country="MX",
        linio_user_id="ops@acme.mx",
        credentials=StoreCredentials(
            linio_api_key="k" * 20, vtex_app_key="vtexappkey-acme", vtex_app_token="t" * 20
        ),
    )
    await runtime.stores.upsert(store)
    return store


@pytest.mark.parametrize("style", ["broadcaster", "guide"])
async def test_catalog_change_reaches_the_queues(
    service: TestClient, runtime: Runtime, vtex: VtexSimulator, store: Store, style: str
) -> None:
    vtex.notification_style = style
    base = str(service.make_url("")).rstrip("/")
    search_endpoint, _ = store.endpoints(base)
    vtex.register_affiliate(
        "LMX", sales_channel=vtex.catalog.trade_policy, search_uri_endpoint=search_endpoint
    )
    sku = vtex.catalog.healthy_sku_ids()[0]
    [delivery] = await vtex.change_sku(sku, price=12990, stock=4)
    assert delivery.status == 200, delivery.response
    assert await runtime.broker.depth(queue_name("price", "acme-mx")) == 1
    assert await runtime.broker.depth(queue_name("stock", "acme-mx")) == 1
    [deactivated] = await vtex.change_sku(vtex.catalog.healthy_sku_ids()[1], active=False)
    assert deactivated.status == 200
    assert await runtime.broker.depth(queue_name("catalog", "acme-mx")) == 1
    await runtime.intake.flush()
    state = await runtime.sku_states.get("acme-mx", str(sku))
    assert state["status"] == "pending"


@pytest.mark.parametrize("callback_id", ["marketplace", "vtex"])
async def test_order_results_invoice_and_cancel_callbacks(
    service: TestClient, runtime: Runtime, vtex: VtexSimulator, store: Store, callback_id: str
) -> None:
    """VTEX's documents disagree on the id in OMS callbacks; both reach the order."""
    vtex.callback_order_id = callback_id  # type: ignore[assignment]
    base = str(service.make_url("")).rstrip("/")
    # The order consumer writes the ledger entry before it calls VTEX.
    await runtime.storage.db[ORDERS].insert_one(
        {"store_id": "acme-mx", "linio_order_id": "3100001"}
    )
    sku = vtex.catalog.healthy_sku_ids()[0]
    _, connector_endpoint = store.endpoints(base)  # carries the store's token in its path
    body = channel_order(
        vtex.catalog,
        [sku],
        marketplace_order_id="3100001",
        connector_endpoint=connector_endpoint,
        status="approved",
    )
    async with aiohttp.ClientSession(headers=vtex.auth_headers()) as http:
        async with http.post(
            f"{vtex.url}/api/order-integration/orders?an=acme&affiliateId=LMX", json=body
        ) as response:
            assert response.status in (200, 201, 202), await response.text()
    results = await vtex.wait_for("processing-result", count=1)
    assert all(d.status == 200 for d in results), [d.response for d in results]
    order = await runtime.storage.db[ORDERS].find_one({"linio_order_id": "3100001"})
    assert order["vtex_order_id"] and order["vtex_code"].startswith("SOI")
    vtex_order_id = order["vtex_order_id"]

    await vtex.invoice_order(
        vtex_order_id, invoice_number="F-000123", tracking_number="TRK9", courier="Estafeta"
    )
    [invoice] = await vtex.wait_for("invoice")
    assert invoice.status == 200, invoice.response
    order = await runtime.storage.db[ORDERS].find_one({"linio_order_id": "3100001"})
    assert order["invoices"][0]["invoice_number"] == "F-000123"
    assert order["invoices"][0]["tracking_number"] == "TRK9"
    shown = "3100001" if callback_id == "marketplace" else vtex_order_id
    assert invoice.url.endswith(f"/pvt/orders/{shown}/invoice")

    # The tracking-only and delivery callbacks OMS sends after a PATCH / PUT.
    async with aiohttp.ClientSession(base_url=vtex.url, headers=vtex.auth_headers()) as http:
        oms = f"/api/oms/pvt/orders/{vtex_order_id}/invoice/F-000123"
        tracking = {"trackingNumber": "TRK10", "trackingUrl": "https://t.example/10",
                    "courier": "Estafeta", "dispatchedDate": "2026-01-02T10:00:00Z"}  # fmt: skip
        async with http.patch(oms, json=tracking) as response:
            assert response.status == 200
        delivered = {"isDelivered": True, "deliveredDate": "2026-01-03T10:00:00Z", "events": []}
        async with http.put(f"{oms}/tracking", json=delivered) as response:
            assert response.status == 200
    [tracked] = await vtex.wait_for("tracking")
    [events] = await vtex.wait_for("tracking-events")
    assert tracked.status == 200 and events.status == 200, (tracked.response, events.response)
    order = await runtime.storage.db[ORDERS].find_one({"linio_order_id": "3100001"})
    assert order["invoices"][0]["tracking_number"] == "TRK10"
    assert order["invoices"][0]["tracking_events"]["isDelivered"] is True

    # Invoiced orders cancel only after a return invoice, as in the real OMS.
    await vtex.invoice_order(vtex_order_id, invoice_number="R-000123", type="Input")
    await vtex.cancel_order(vtex_order_id)
    [cancel] = await vtex.wait_for("cancel")
    assert cancel.status == 200 and cancel.response["receipt"]
    assert vtex.order(vtex_order_id).status == "canceled"
    # invoice (with tracking), new tracking, delivered and cancel: four follow-ups
    assert await runtime.broker.depth(queue_name("order-status", "acme-mx")) == 4
