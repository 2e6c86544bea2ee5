"""The VTEX simulator's OMS: order document, handling, invoices, cancellation and the
callbacks OMS sends to the connector; order feed and hook."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import aiohttp
import pytest

from simulators.vtex import VtexSimulator
from simulators.vtex.receiver import CallbackReceiver
from simulators.vtex.samples import channel_order

OMS = "/api/oms/pvt/orders"


@dataclass
class Placed:
    sim: VtexSimulator
    connector: CallbackReceiver
    http: aiohttp.ClientSession
    order_id: str


@pytest.fixture
async def placed() -> AsyncIterator[Placed]:
    """An approved Channel Order API order whose callbacks go to a receiver."""
    async with CallbackReceiver() as connector, VtexSimulator("acme", seed=4) as sim:
        sim.catalog.generate(n_skus=30, faulty_share=0)
        sim.register_affiliate("LNO")
        async with aiohttp.ClientSession(base_url=sim.url, headers=sim.auth_headers()) as http:
            body = channel_order(
                sim.catalog,
                sim.catalog.healthy_sku_ids()[:2],
                marketplace_order_id="LIN-100",
                connector_endpoint=f"{connector.url}/vtex",
                status="approved",
            )
            async with http.post(
                "/api/order-integration/orders", params={"affiliateId": "LNO"}, json=body
            ) as response:
                assert response.status == 200
            first = (await sim.wait_for("processing-result", count=2))[0].payload
            yield Placed(sim, connector, http, first["fields"]["mainOrderId"])


async def _get(p: Placed) -> dict:
    async with p.http.get(f"{OMS}/{p.order_id}") as response:
        assert response.status == 200
        return await response.json()


async def test_get_order_shape(placed: Placed) -> None:
    order = await _get(placed)
    assert order["orderId"] == placed.order_id and order["marketplaceOrderId"] == "LIN-100"
    assert order["status"] == "ready-for-handling" and order["affiliateId"] == "LNO"
    assert order["salesChannel"] == "2"
    assert order["marketplaceServicesEndpoint"] == f"{placed.connector.url}/vtex"
    assert len(order["items"]) == 2 and isinstance(order["value"], int)
    assert order["value"] == sum(t["value"] for t in order["totals"])
    assert order["packageAttachment"] == {"packages": []}
    async with placed.http.get(f"{OMS}/NOPE-1") as response:
        assert response.status == 404


async def test_start_handling_then_invoice_notifies_the_connector(placed: Placed) -> None:
    url = f"{OMS}/{placed.order_id}"
    async with placed.http.post(f"{url}/start-handling") as response:
        assert response.status == 204
    async with placed.http.post(f"{url}/start-handling") as response:
        assert response.status == 409
    value = (await _get(placed))["value"]
    invoice = {"type": "Output", "invoiceNumber": "F-1", "invoiceValue": value,
               "issuanceDate": "2026-01-02T10:00:00Z", "invoiceKey": "K1",
               "invoiceUrl": "https://erp.example.com/F-1.xml", "courier": "", "trackingNumber": "",
               "trackingUrl": "", "items": []}  # fmt: skip
    async with placed.http.post(f"{url}/invoice", json=invoice) as response:
        assert response.status == 200
        assert {"date", "orderId", "receipt"} <= set(await response.json())
    [delivery] = await placed.sim.wait_for("invoice")
    assert delivery.ok
    [received] = placed.connector.at("/invoice")
    assert received.path == "/vtex/pvt/orders/LIN-100/invoice"  # MkpProto: marketplace id
    assert received.body["invoiceNumber"] == "F-1" and received.body["invoiceValue"] == value
    order = await _get(placed)
    assert order["status"] == "invoiced"
    assert order["packageAttachment"]["packages"][0]["invoiceNumber"] == "F-1"
    async with placed.http.post(f"{url}/invoice", json=invoice) as response:
        assert response.status == 409  # invoice numbers are unique per order

    tracking = {
        "trackingNumber": "TRK-9",
        "trackingUrl": "https://t.example/9",
        "courier": "Chilexpress",
    }
    async with placed.http.patch(f"{url}/invoice/F-1", json=tracking) as response:
        assert response.status == 400  # dispatchedDate is required
    tracking["dispatchedDate"] = "2026-01-03T10:00:00Z"
    async with placed.http.patch(f"{url}/invoice/F-1", json=tracking) as response:
        assert response.status == 200
    [second] = await placed.sim.wait_for("tracking")
    assert second.url.endswith("/vtex/pvt/orders/LIN-100/invoice/F-1")
    assert second.payload == {**tracking}
    events = {"isDelivered": True, "deliveredDate": "2026-01-05T10:00:00Z",
              "events": [{"city": "Santiago", "state": "RM", "description": "Entregado",
                          "date": "2026-01-05T10:00:00Z"}]}  # fmt: skip
    async with placed.http.put(f"{url}/invoice/F-1/tracking", json=events) as response:
        assert response.status == 200
    package = (await _get(placed))["packageAttachment"]["packages"][0]
    assert package["courierStatus"]["finished"] is True
    too_long = {"events": [{"description": "x" * 5001}]}
    async with placed.http.put(f"{url}/invoice/F-1/tracking", json=too_long) as response:
        assert response.status == 400


async def test_invoiced_order_needs_a_return_invoice_before_cancel(placed: Placed) -> None:
    await placed.sim.invoice_order(placed.order_id, invoice_number="F-7")
    url = f"{OMS}/{placed.order_id}"
    async with placed.http.post(f"{url}/cancel", json={"reason": "cliente"}) as response:
        assert response.status == 403
    value = placed.sim.order(placed.order_id).value
    ret = {"type": "Input", "invoiceNumber": "R-7", "invoiceValue": value, "items": [],
           "issuanceDate": "2026-01-04T10:00:00Z"}  # fmt: skip
    async with placed.http.post(f"{url}/invoice", json=ret) as response:
        assert response.status == 200
    async with placed.http.post(f"{url}/cancel", json={"reason": "cliente"}) as response:
        assert response.status == 200
        answer = await response.json()
    assert answer["orderId"] == placed.order_id and answer["receipt"] and answer["date"]
    [delivery] = await placed.sim.wait_for("cancel")
    assert delivery.url.endswith("/vtex/pvt/orders/LIN-100/cancel")
    [received] = placed.connector.at("/cancel")
    assert received.body["marketplaceOrderId"] == "LIN-100"
    await placed.sim.drain()
    assert (await _get(placed))["status"] == "canceled"
    async with placed.http.post(f"{url}/cancel") as response:
        assert response.status == 403


async def test_seller_cancel_waits_for_the_connector_to_confirm(placed: Placed) -> None:
    placed.connector.answers["/cancel"] = 500
    await placed.sim.cancel_order(placed.order_id)
    assert placed.sim.order(placed.order_id).status == "request-cancel"
    placed.connector.answers.clear()
    await placed.sim.cancel_order(placed.order_id)
    assert placed.sim.order(placed.order_id).status == "canceled"
    assert [d.status for d in placed.sim.deliveries if d.kind == "cancel"] == [500, 200]
    sku = placed.sim.catalog.skus[int(placed.sim.order(placed.order_id).items[0]["id"])]
    assert sku.stock["2"] > 0  # the reservation was released


async def test_order_hook_is_pinged_and_receives_status_changes(placed: Placed) -> None:
    hook = {"filter": {"type": "FromWorkflow", "status": ["handling", "invoiced"]},
            "hook": {"url": f"{placed.connector.url}/hook", "headers": {"key": "v"}}}  # fmt: skip
    async with placed.http.post("/api/orders/hook/config", json=hook) as response:
        assert response.status == 200
    assert placed.connector.at("/hook")[0].body == {"hookConfig": "ping"}
    async with placed.http.get("/api/orders/hook/config") as response:
        assert (await response.json()) == hook
    placed.sim.start_handling(placed.order_id)
    await placed.sim.invoice_order(placed.order_id)
    events = await placed.sim.wait_for("hook", count=2)
    assert [e.payload["State"] for e in events] == ["handling", "invoiced"]
    assert events[0].payload["OrderId"] == placed.order_id
    assert events[0].payload["Origin"]["Account"] == "acme"
    placed.connector.answers["/broken"] = 500
    bad = {**hook, "hook": {"url": f"{placed.connector.url}/broken"}}
    async with placed.http.post("/api/orders/hook/config", json=bad) as response:
        assert response.status == 400
    plain = {**hook, "hook": {"url": "http://hooks.example.com/h"}}
    async with placed.http.post("/api/orders/hook/config", json=plain) as response:
        assert response.status == 400  # only https outside loopback


async def test_order_feed_reads_and_commits(placed: Placed) -> None:
    config = {"filter": {"type": "FromWorkflow", "status": ["handling", "canceled"]},
              "queue": {"visibilityTimeoutInSeconds": 240,
                        "messageRetentionPeriodInSeconds": 345600}}  # fmt: skip
    async with placed.http.post("/api/orders/feed/config", json=config) as response:
        assert response.status == 200
    placed.sim.start_handling(placed.order_id)
    await placed.sim.cancel_order(placed.order_id)
    async with placed.http.get("/api/orders/feed", params={"maxlot": "10"}) as response:
        events = await response.json()
    assert [e["state"] for e in events] == ["handling", "canceled"]
    commit = {"handles": [events[0]["handle"]]}
    async with placed.http.post("/api/orders/feed", json=commit) as response:
        assert response.status == 200
    async with placed.http.get("/api/orders/feed") as response:
        assert [e["state"] for e in await response.json()] == ["canceled"]
    mixed = {"filter": {"type": "FromOrders", "expression": "x", "status": ["a"]}}
    async with placed.http.post("/api/orders/feed/config", json=mixed) as response:
        assert response.status == 409
