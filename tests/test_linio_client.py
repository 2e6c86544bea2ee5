"""The Linio client against the Seller Center simulator, over real HTTP."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from app.manifest import OutboundHostDenied, load_manifest
from clients.breaker import BreakerRegistry
from clients.errors import (
    AuthError,
    CircuitOpenError,
    PermanentError,
    ThrottledError,
    TransientError,
)
from clients.feed_quota import FeedQuota
from clients.linio.client import LinioAccount, LinioClient, host_for
from clients.rate_limit import SlidingWindowLimiter
from simulators.linio import LinioSimulator, SimSeller

SELLER = SimSeller(user_id="ops+mx@acme.mx", api_key="sc-api-key-0123456789", seller_id="ACME01")
ACCOUNT = LinioAccount(user_id=SELLER.user_id, api_key=SELLER.api_key, seller_id="ACME01")
POLICY = load_manifest().outbound_policy(allow_loopback=True)


def product(sku: str, **overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "SellerSku": sku,
        "Name": f"Celular {sku}",
        "Status": "active",
        "PrimaryCategory": "1001",
        "Description": "<p>Teléfono & cargador</p>",
        "Brand": "Samsung",
        "Price": Decimal("5999.00"),
        "Quantity": 7,
        "ProductData": {"ConditionType": "Nuevo", "PackageWeight": "0.4", "Model": "S24"},
    }
    base.update(overrides)
    return base


@pytest.fixture
async def sim() -> AsyncIterator[LinioSimulator]:
    async with LinioSimulator([SELLER], feed_delay=0.02, feed_quota=(50, 120.0)) as simulator:
        yield simulator


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


def client_for(sim: LinioSimulator, http: aiohttp.ClientSession, **kw: Any) -> LinioClient:
    return LinioClient(
        kw.pop("account", ACCOUNT),
        session=http,
        policy=POLICY,
        base_url=sim.url,
        backoff=0.01,
        **kw,
    )


async def test_reference_data(sim: LinioSimulator, http: aiohttp.ClientSession) -> None:
    client = client_for(sim, http)
    assert "Samsung" in {b.name for b in await client.get_brands()}
    tree = await client.get_category_tree()
    assert {c.category_id for root in tree for c in root.walk()} >= {"1000", "1001", "2002"}
    attributes = await client.get_category_attributes("1001")
    mandatory = {a.feed_name for a in attributes if a.is_mandatory}
    assert {"Name", "Brand", "ConditionType", "Model"} <= mandatory
    assert [p.name for p in await client.get_shipment_providers()] == ["Estafeta", "DHL"]
    assert "Wrong address" in {r.name for r in await client.get_failure_reasons()}


async def test_product_feeds_end_to_end(sim: LinioSimulator, http: aiohttp.ClientSession) -> None:
    client = client_for(sim, http)
    feed_id = await client.product_create(
        [
            product("SKU-1"),
            product("SKU-2", ProductData={"ConditionType": "Nuevo", "PackageWeight": "1"}),
            product("SKU-3", Brand="NoSuchBrand"),
            product("SKU-4", SalePrice=Decimal("6999.00")),
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
    with pytest.raises(PermanentError) as unknown:
        await client.feed_status("00000000-0000-0000-0000-000000000000")
    assert unknown.value.code == "E012"


async def test_orders_and_status_machine(sim: LinioSimulator, http: aiohttp.ClientSession) -> None:
    client = client_for(sim, http)
    first = sim.add_order(SELLER.user_id, [("SKU-1", 2, "100.00")])
    second = sim.add_order(SELLER.user_id, [("SKU-2", 1, "50.50")])
    orders = [o async for o in client.iter_orders(page_size=1)]
    assert [o.order_id for o in orders] == [first.order_id, second.order_id]
    order = await client.get_order(first.order_id)
    assert order.price == Decimal("200.00") and order.statuses == ("pending",)
    items = await client.get_order_items(first.order_id)
    assert len(items) == 2 and all(i.sku == "SKU-1" for i in items)
    multiple = await client.get_multiple_order_items([first.order_id, second.order_id])
    assert [len(o.items) for o in multiple] == [2, 1]

    ids = [i.order_item_id for i in items]
    packed = await client.set_status_to_packed_by_marketplace(ids, shipping_provider="Estafeta")
    assert packed[0].package_id and packed[0].package_id == packed[1].package_id
    label = await client.get_document("shippingLabel", ids)
    assert label[0].mime_type == "application/pdf" and label[0].file
    await client.set_status_to_ready_to_ship(
        ids, shipping_provider="Estafeta", tracking_number="8055241528464720099314"
    )
    assert await client.set_invoice_number(ids[0], "F-000123") == (ids[0], "F-000123")
    with pytest.raises(PermanentError) as illegal:
        await client.set_status_to_canceled(ids[0], "Wrong address")
    assert illegal.value.code == "E028"

    [other] = await client.get_order_items(second.order_id)
    await client.set_status_to_canceled(other.order_item_id, "Wrong address")
    assert (await client.get_order_items(second.order_id))[0].status == "canceled"
    with pytest.raises(PermanentError) as reason:
        await client.set_status_to_canceled(ids[1], "Because")
    assert reason.value.code == "E022"
    with pytest.raises(PermanentError):
        await client.get_order("999")


async def test_webhooks(
    sim: LinioSimulator, http: aiohttp.ClientSession, callback_server: Any
) -> None:
    received: list[dict[str, Any]] = []

    async def callback(request: web.Request) -> web.Response:
        received.append(await request.json())
        return web.Response()

    base = await callback_server("/linio/hook", callback)
    client = client_for(sim, http)
    aliases = {e.alias for e in await client.get_webhook_entities()}
    assert "onOrderCreated" in aliases
    url = f"{base}?store=acme-mx&token=a&b"
    webhook_id = await client.create_webhook(url, ["onOrderCreated", "onProductQcStatusChanged"])
    [hook] = await client.get_webhooks()
    assert hook.webhook_id == webhook_id and hook.callback_url == url  # '&' survived
    order = sim.add_order(SELLER.user_id, [("SKU-9", 1, "10.00")])
    await sim.settle()
    assert received == [{"event": "onOrderCreated", "payload": {"OrderId": int(order.order_id)}}]
    await client.product_create([product("SKU-QC")])
    await sim.settle()
    assert received[-1] == {
        "event": "onProductQcStatusChanged",
        "payload": {"SellerSku": "SKU-QC", "Status": "approved"},
    }
    await client.delete_webhook(webhook_id)
    assert await client.get_webhooks() == []


async def test_error_classes(sim: LinioSimulator, http: aiohttp.ClientSession) -> None:
    wrong = client_for(sim, http, account=LinioAccount(SELLER.user_id, "wrong-key", "ACME01"))
    with pytest.raises(AuthError) as auth:
        await wrong.get_brands()
    assert auth.value.code == "E007" and "wrong-key" not in str(auth.value)

    client = client_for(sim, http)
    sim.faults.maintenance_next(2)
    assert await client.get_brands()  # GET retried through the maintenance page
    sim.faults.fail_next(3, status=503)
    with pytest.raises(TransientError):
        await client.get_brands()
    sim.faults.timeout_next(1, seconds=1.0)
    fast = client_for(sim, http, timeout=0.2, retries=1)
    with pytest.raises(TransientError, match="did not answer"):
        await fast.get_brands()


async def test_feed_post_is_never_created_twice(
    sim: LinioSimulator, http: aiohttp.ClientSession
) -> None:
    client = client_for(sim, http)
    sim.faults.lose_response_next(1)
    feed_id = await client.product_create([product("SKU-X")])
    assert list(sim.feeds(SELLER.user_id)) == [feed_id]  # found through FeedList, not re-sent
    sim.faults.fail_next(1, status=503)  # refused before anything was created
    with pytest.raises(TransientError):
        await client.product_create([product("SKU-Y")])
    assert len(sim.feeds(SELLER.user_id)) == 1


async def test_rate_limit_holds_with_100_concurrent_callers(http: aiohttp.ClientSession) -> None:
    async with LinioSimulator([SELLER], rate_limit=(30, 3.0)) as sim:
        client = client_for(sim, http)
        results = await asyncio.gather(*(client.get_brands() for _ in range(100)))
        assert len(results) == 100
        assert all(r.status == 200 for r in sim.requests)  # not a single E429
        assert sim.max_in_window(SELLER.user_id, 3.0) <= 30


async def test_feed_quota(http: aiohttp.ClientSession) -> None:
    async with LinioSimulator([SELLER], feed_quota=(2, 60.0), feed_delay=0.0) as sim:
        local = client_for(sim, http, quota=FeedQuota(2, 60.0))
        await local.product_create([product("A")])
        await local.product_create([product("B")])
        with pytest.raises(ThrottledError) as waiting:
            await local.product_create([product("C")])
        assert waiting.value.retry_after > 50  # told when the next slot opens
        assert len(sim.feeds(SELLER.user_id)) == 2 and len(sim.requests) == 2

        blind = client_for(sim, http, quota=FeedQuota(10, 60.0))  # unaware of used quota
        with pytest.raises(ThrottledError) as refused:
            await blind.product_create([product("D")])
        assert refused.value.code == "E429" and sim.requests[-1].status == 429
        assert blind.quota.next_slot_in() > 0  # penalized after the server's 429


async def test_breaker_opens_half_opens_and_closes(
    sim: LinioSimulator, http: aiohttp.ClientSession
) -> None:
    breakers = BreakerRegistry(fail_max=3, reset_timeout=0.2)
    client = client_for(
        sim, http, breakers=breakers, retries=1, limiter=SlidingWindowLimiter(30, 3.0)
    )
    sim.faults.fail_next(3, status=503)
    for _ in range(3):
        with pytest.raises(TransientError):
            await client.get_brands()
    seen = len(sim.requests)
    with pytest.raises(CircuitOpenError):
        await client.get_brands()
    assert len(sim.requests) == seen  # rejected without calling Seller Center
    [state] = [b for b in breakers.snapshot() if b["name"].endswith(":catalog")]
    assert state["state"] == "open"
    await asyncio.sleep(0.25)
    assert await client.get_brands()  # the half-open trial succeeds
    [state] = [b for b in breakers.snapshot() if b["name"].endswith(":catalog")]
    assert state["state"] == "closed"
    sim.faults.fail_next(1, status=400)  # a permanent error does not trip it
    assert client.health()["breakers"]


def test_hosts_and_outbound_policy() -> None:
    assert host_for("CO") == "https://sellercenter-api.linio.com.co/"
    assert host_for("pe", "staging") == "https://sellercenter-api-staging.linio.com.pe/"
    with pytest.raises(ValueError):
        host_for("AR")
    assert "sc-api-key" not in repr(ACCOUNT)


async def test_undeclared_host_is_refused(http: aiohttp.ClientSession) -> None:
    production = load_manifest().outbound_policy()
    LinioClient(ACCOUNT, session=http, policy=production)  # the MX host is declared
    with pytest.raises(OutboundHostDenied):
        LinioClient(ACCOUNT, session=http, policy=production, base_url="https://evil.example/")
