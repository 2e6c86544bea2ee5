"""Every Seller Center action of the Linio client, against the simulator over real HTTP."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from app.manifest import load_manifest
from clients.errors import NotFoundError, PermanentError
from clients.linio.account import LinioAccount, base_url_for
from clients.linio.client import LinioClient
from clients.linio.models import InvoiceNumber
from clients.outbound import OutboundHostDenied
from simulators.linio import LinioSimulator, SimSeller
from simulators.linio.connect import sample_product, sandbox_client

SELLER = SimSeller(user_id="ops+mx@acme.mx", api_key="sc-api-key-0123456789", seller_id="ACME01")


@pytest.fixture
async def sim() -> AsyncIterator[LinioSimulator]:
    async with LinioSimulator([SELLER], feed_delay=0.02) as simulator:
        yield simulator


@pytest.fixture
async def client(sim: LinioSimulator) -> AsyncIterator[LinioClient]:
    async with aiohttp.ClientSession() as session:
        yield sandbox_client(sim.url, session, SELLER, backoff=0.01)


async def test_reference_data(client: LinioClient) -> None:
    assert "Samsung" in {b.name for b in await client.get_brands()}
    tree = await client.get_category_tree()
    assert {c.category_id for root in tree for c in root.walk()} >= {"1000", "1001", "2002"}
    attributes = await client.get_category_attributes("1001")
    mandatory = {a.feed_name for a in attributes if a.is_mandatory}
    assert {"Name", "Brand", "ConditionType", "Model"} <= mandatory
    assert [p.name for p in await client.get_shipment_providers()] == ["Estafeta", "DHL"]
    assert "Wrong address" in {r.name for r in await client.get_failure_reasons()}


async def test_product_feeds_end_to_end(sim: LinioSimulator, client: LinioClient) -> None:
    feed_id = await client.product_create(
        [
            sample_product("SKU-1"),
            sample_product("SKU-2", ProductData={"ConditionType": "Nuevo", "PackageWeight": "1"}),
            sample_product("SKU-3", Brand="NoSuchBrand"),
            sample_product("SKU-4", SalePrice=Decimal("6999.00")),
        ]
    )
    await sim.settle()
    feed = await client.feed_status(feed_id)
    assert feed.status == "Finished" and feed.total_records == 4 and feed.failed_records == 3
    errors = {e.seller_sku: e.message for e in feed.errors}
    assert "Model is mandatory" in errors["SKU-2"]
    assert "NoSuchBrand" in errors["SKU-3"] and "SalePrice" in errors["SKU-4"]
    [stored] = await client.get_products(skus=["SKU-1"])
    assert stored.name == "Celular SKU-1" and stored.price == Decimal("5999.00")
    assert stored.description == "<p>Teléfono & cargador</p>"  # escaped exactly once

    await client.product_update(
        [{"SellerSku": "SKU-1", "Price": Decimal("5499.00"), "Quantity": 0}]
    )
    await client.image({"SKU-1": [f"https://img.example.com/1.jpg?w={i}&q=9" for i in range(3)]})
    missing = await client.product_update([{"SellerSku": "NOPE", "Quantity": 1}])
    await sim.settle()
    [updated] = await client.get_products(skus=["SKU-1"])
    assert updated.price == Decimal("5499.00") and updated.quantity == 0
    assert updated.images[0] == "https://img.example.com/1.jpg?w=0&q=9"
    assert "not found" in (await client.feed_status(missing)).errors[0].message
    assert [s.status for s in await client.get_qc_status(skus=["SKU-1"])] == ["approved"]
    assert {f.feed_id for f in await client.feed_list()} >= {feed_id, missing}
    page = await client.feed_offset_list(offset=0, page_size=2, status="Finished")
    assert len(page) == 2 and all(f.status == "Finished" for f in page)
    await client.product_remove(["SKU-1"])
    await sim.settle()
    assert await client.get_products(skus=["SKU-1"]) == []
    with pytest.raises(ValueError, match="at most 8"):
        await client.image({"SKU-1": [f"https://img/{i}.jpg" for i in range(9)]})
    with pytest.raises(NotFoundError) as unknown:
        await client.feed_status("00000000-0000-0000-0000-000000000000")
    assert unknown.value.code == "E012"


async def test_products_are_paged(sim: LinioSimulator, client: LinioClient) -> None:
    await client.product_create([sample_product(f"PAGE-{i}") for i in range(7)])
    await sim.settle()
    skus = [p.seller_sku async for p in client.iter_products(page_size=3)]
    assert skus == [f"PAGE-{i}" for i in range(7)]
    found = await client.get_products(search="PAGE-6")
    assert [p.seller_sku for p in found] == ["PAGE-6"]


async def test_orders_and_status_machine(sim: LinioSimulator, client: LinioClient) -> None:
    first = sim.add_order(SELLER.user_id, [("SKU-1", 2, "100.00")])
    second = sim.add_order(SELLER.user_id, [("SKU-2", 1, "50.50")])
    orders = [o async for o in client.iter_orders(page_size=1)]
    assert [o.order_id for o in orders] == [first.order_id, second.order_id]
    page = await client.get_orders(status="pending", limit=1)
    assert page.total_count == 2 and len(page.orders) == 1
    later = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
    assert (await client.get_orders(created_after=later)).orders == ()
    order = await client.get_order(first.order_id)
    assert order is not None
    assert order.price == Decimal("200.00") and order.statuses == ("pending",)
    items = await client.get_order_items(first.order_id)
    assert len(items) == 2 and all(i.sku == "SKU-1" for i in items)
    multiple = await client.get_multiple_order_items([first.order_id, second.order_id])
    assert [len(o.items) for o in multiple] == [2, 1]

    ids = [i.order_item_id for i in items]
    packed = await client.set_status_to_packed_by_marketplace(ids, shipping_provider="Estafeta")
    assert packed[0].package_id and packed[0].package_id == packed[1].package_id
    await client.set_status_to_ready_to_ship(
        ids, shipping_provider="Estafeta", tracking_number="8055241528464720099314"
    )
    assert [i.status for i in await client.get_order_items(first.order_id)] == [
        "ready_to_ship",
        "ready_to_ship",
    ]
    [label] = await client.get_document("shippingLabel", ids)
    assert label.mime_type == "application/pdf"
    assert label.content() == f"shippingLabel for items {','.join(ids)}".encode()
    invoice = await client.set_invoice_number(ids[0], "F-000123")
    assert invoice == InvoiceNumber(ids[0], "F-000123")
    with pytest.raises(PermanentError) as illegal:
        await client.set_status_to_canceled(ids[0], "Wrong address")
    assert illegal.value.code == "E028"

    [other] = await client.get_order_items(second.order_id)
    await client.set_status_to_canceled(other.order_item_id, "Wrong address")
    assert (await client.get_order_items(second.order_id))[0].status == "canceled"
    with pytest.raises(PermanentError) as reason:
        await client.set_status_to_canceled(ids[1], "Because")
    assert reason.value.code == "E022"
    with pytest.raises(NotFoundError):
        await client.get_order("999")


async def test_webhooks(sim: LinioSimulator, client: LinioClient, callback_server: Any) -> None:
    received: list[dict[str, Any]] = []

    async def callback(request: web.Request) -> web.Response:
        received.append(await request.json())
        return web.Response()

    base = await callback_server("/linio/hook", callback)
    aliases = {e.alias for e in await client.get_webhook_entities()}
    assert {"onOrderCreated", "onFeedCompleted", "onProductQcStatusChanged"} <= aliases
    url = f"{base}?store=acme-mx&token=a&b"
    webhook_id = await client.create_webhook(url, ["onOrderCreated", "onProductQcStatusChanged"])
    [hook] = await client.get_webhooks()
    assert hook.webhook_id == webhook_id and hook.callback_url == url  # '&' survived
    assert set(hook.events) == {"onOrderCreated", "onProductQcStatusChanged"}
    assert [h.webhook_id for h in await client.get_webhooks([webhook_id])] == [webhook_id]
    order = sim.add_order(SELLER.user_id, [("SKU-9", 1, "10.00")])
    await sim.settle()
    assert received == [
        {
            "event": "onOrderCreated",
            "payload": {"OrderId": int(order.order_id), "OrderNr": order.order_number},
        }
    ]
    await client.delete_webhook(webhook_id)
    assert await client.get_webhooks() == []

    everything = await client.create_webhook(f"{base}?all=1")  # no list: every alias offered
    [hook] = await client.get_webhooks()
    assert hook.webhook_id == everything and set(hook.events) == aliases


def test_hosts_per_country_and_environment() -> None:
    assert base_url_for("MX") == "https://sellercenter-api.linio.com.mx/"
    assert base_url_for("CL") == "https://sellercenter-api.linio.cl/"
    assert base_url_for("CO") == "https://sellercenter-api.linio.com.co/"
    assert base_url_for("pe", "staging") == "https://sellercenter-api-staging.linio.com.pe/"
    with pytest.raises(ValueError, match="AR"):
        base_url_for("AR")
    with pytest.raises(ValueError, match="sandbox"):
        base_url_for("MX", "sandbox")
    account = LinioAccount("ops@acme.co", "sc-api-key-0123456789", "ACME01", "CO", "staging")
    assert account.base_url == "https://sellercenter-api-staging.linio.com.co/"
    assert "sc-api-key" not in repr(account) and "sc-api-key" not in str(account)
    assert account.user_agent().startswith("ACME01/Python/3.") and account.user_agent().endswith(
        "/CO"
    )


async def test_every_host_is_declared_and_others_are_refused() -> None:
    production = load_manifest().outbound_policy()
    async with aiohttp.ClientSession() as session:
        for country in ("MX", "CL", "CO", "PE"):
            for environment in ("production", "staging"):
                account = LinioAccount("ops@acme.mx", "k" * 20, "ACME01", country, environment)
                assert LinioClient(account, session=session, policy=production).base_url
        with pytest.raises(OutboundHostDenied):
            LinioClient(account, session=session, policy=production, base_url="https://evil.ex/")
