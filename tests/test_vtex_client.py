"""The VTEX client against the VTEX simulator over real HTTP: every call, every error class."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from app.manifest import OutboundHostDenied, load_manifest
from clients.errors import AuthError, NotFoundError, ThrottledError, TransientError
from clients.vtex import RetryPolicy, SimulationItem, VtexClient, VtexCredentials
from simulators.vtex import DEFAULT_APP_TOKEN, SkuFault, VtexSimulator
from simulators.vtex.receiver import CallbackReceiver
from simulators.vtex.samples import channel_order, fulfillment_order

FAST = RetryPolicy(attempts=3, backoff=0.01, throttle_backoff=0.05, max_wait=0.2)
POLICY = load_manifest().outbound_policy(allow_loopback=True)


@pytest.fixture
async def sim() -> AsyncIterator[VtexSimulator]:
    async with VtexSimulator("acme", seed=7) as simulator:
        simulator.catalog.generate(n_skus=60, faulty_share=0.2)
        yield simulator


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


def make_client(
    sim: VtexSimulator,
    http: aiohttp.ClientSession,
    *,
    token: str = DEFAULT_APP_TOKEN,
    retry: RetryPolicy = FAST,
    cookie: str = "",
) -> VtexClient:
    credentials = VtexCredentials(
        "acme",
        app_key=sim.app_key if not cookie else "",
        app_token=token if not cookie else "",
        cookie=cookie,
    )
    return VtexClient(credentials, session=http, policy=POLICY, base_url=sim.url, retry=retry)


async def test_catalog_calls(sim: VtexSimulator, http: aiohttp.ClientSession) -> None:
    client = make_client(sim, http)
    sc = sim.catalog.trade_policy
    ids = [i async for i in client.sku_ids(sc, page_size=7)]
    assert len(ids) == len(set(ids))
    outside = {str(s) for s in sim.catalog.skus_with(SkuFault.OUTSIDE_TRADE_POLICY)}
    assert outside and not outside & set(ids)
    everything = [i async for i in client.sku_ids(sc, page_size=1000, only_assigned=False)]
    assert outside <= set(everything)

    healthy = str(sim.catalog.healthy_sku_ids()[0])
    sku = await client.sku_context(healthy, sc)
    assert sku.sku_id == healthy and sku.is_active and sku.in_trade_policy(sc)
    assert sku.name and sku.images and sku.category_id and sku.brand_name
    product = await client.product(sku.product_id)
    assert product.product_id == sku.product_id and product.is_active
    with_policies = await client.product_with_trade_policies(sku.product_id)
    assert sc in with_policies.trade_policies
    with pytest.raises(NotFoundError):
        await client.sku_context("999999999", sc)


async def test_simulation_marks_unavailable_skus(
    sim: VtexSimulator, http: aiohttp.ClientSession
) -> None:
    client = make_client(sim, http)
    healthy = [str(s) for s in sim.catalog.healthy_sku_ids()]
    no_price = str(sim.catalog.skus_with(SkuFault.NO_PRICE)[0])
    inactive = str(sim.catalog.skus_with(SkuFault.INACTIVE)[0])
    items = [SimulationItem(s) for s in [*healthy, no_price, inactive]]
    before = len(sim.requests)
    result = await client.simulate(
        items, sales_channel=sim.catalog.trade_policy, affiliate_id="LMX"
    )
    calls = [r for r in sim.requests[before:] if "simulation" in r.path]
    assert len(calls) == -(-len(items) // 50)  # chunked
    assert all(result.available(s) for s in healthy)
    assert not result.available(no_price) and not result.available(inactive)
    item = result.items[healthy[0]]
    assert item.price > 0 and item.list_price >= item.price and item.stock_balance >= 0
    with_destination = await client.simulate(
        [SimulationItem(healthy[0])],
        sales_channel=sim.catalog.trade_policy,
        affiliate_id="LMX",
        postal_code="7500000",
        country="CHL",
    )
    assert with_destination.items[healthy[0]].slas


async def test_channel_order_api_and_oms(sim: VtexSimulator, http: aiohttp.ClientSession) -> None:
    client = make_client(sim, http)
    async with CallbackReceiver() as receiver:
        sku = sim.catalog.healthy_sku_ids()[0]
        body = channel_order(
            sim.catalog,
            [sku],
            marketplace_order_id="L-1",
            connector_endpoint=receiver.url,
            status="NEW",
        )
        enqueued = await client.create_order(body, affiliate_id="LMX")
        assert enqueued.success and enqueued.code == "SOI003"
        [integrated] = await sim.wait_for("processing-result")
        order_id = integrated.payload["fields"]["mainOrderId"]
        duplicate = await client.create_order(body, affiliate_id="LMX")
        if duplicate.code == "SOI003":  # the duplicate is found asynchronously
            results = await sim.wait_for("processing-result", count=2)
            assert results[-1].payload["code"] == "EOI007"
        else:
            assert duplicate.code == "EOI007" and not duplicate.success
        seen = len([d for d in sim.deliveries if d.kind == "processing-result"])
        approved = await client.update_order_status(
            "L-1", "approved", connector_name="vtex-linio", connector_endpoint=receiver.url
        )
        assert approved.success, approved
        results = await sim.wait_for("processing-result", count=seen + 1)
        assert results[-1].payload["code"] == "SOI002"

        order = await client.get_order(order_id)
        assert order.order_id == order_id and order.marketplace_order_id == "L-1"
        await client.start_handling(order_id)
        receipt = await client.invoice(
            order_id,
            {
                "type": "Output",
                "invoiceNumber": "F-1",
                "invoiceValue": order.value,
                "issuanceDate": "2026-11-22T10:00:00Z",
                "items": [],
            },
        )
        assert receipt.order_id == order_id or receipt.receipt
        await client.update_tracking(order_id, "F-1", tracking_number="TRK-1", courier="Estafeta")
        await client.tracking_events(
            order_id,
            "F-1",
            is_delivered=False,
            events=[
                {
                    "city": "Santiago",
                    "state": "RM",
                    "description": "En camino",
                    "date": "2026-11-22T12:00:00Z",
                }
            ],
        )
        assert (await client.get_order(order_id)).invoiced
        await client.invoice(
            order_id,
            {"type": "Input", "invoiceNumber": "R-1", "invoiceValue": order.value, "items": []},
        )
        cancelled = await client.cancel_order(order_id, reason="Cancelado en Linio")
        assert cancelled.receipt
        with pytest.raises(ValueError):
            await client.invoice(order_id, {"type": "Other"})


async def test_fulfillment_orders_feed_hook_and_affiliates(
    sim: VtexSimulator, http: aiohttp.ClientSession
) -> None:
    client = make_client(sim, http)
    sku = sim.catalog.healthy_sku_ids()[1]
    placed = await client.place_fulfillment_orders(
        [
            fulfillment_order(
                sim.catalog,
                [sku],
                marketplace_order_id="L-2",
                services_endpoint="http://127.0.0.1:9/",
            )
        ],
        sales_channel=sim.catalog.trade_policy,
        affiliate_id="LMX",
    )
    order_id = placed[0]["orderId"]
    await client.fulfill_order(
        order_id, "L-2", sales_channel=sim.catalog.trade_policy, affiliate_id="LMX"
    )
    assert (await client.get_order(order_id)).marketplace_order_id == "L-2"

    config = {
        "filter": {"type": "FromWorkflow", "status": ["invoiced", "canceled"]},
        "queue": {"visibilityTimeoutInSeconds": 240, "messageRetentionPeriodInSeconds": 345600},
    }
    await client.set_feed_config(config)
    assert (await client.feed_config())["filter"]["type"] == "FromWorkflow"
    events = await client.read_feed()
    await client.commit_feed([e["handle"] for e in events if "handle" in e])

    assert await client.get_affiliate("QZX") is None
    await client.upsert_affiliate(
        "QZX",
        name="Linio MX",
        sales_channel="2",
        search_endpoint="https://linio.example.com/catalog/notification?token=t",
        follow_up_email="ops@acme.mx",
    )
    affiliate = await client.get_affiliate("QZX")
    assert affiliate is not None and "catalog/notification" in str(affiliate)


async def test_cookie_authentication(sim: VtexSimulator, http: aiohttp.ClientSession) -> None:
    client = make_client(sim, http, cookie=sim.app_cookie)
    assert (
        await client.product_with_trade_policies(
            str(sim.catalog.skus[sim.catalog.healthy_sku_ids()[0]].product_id)
        )
    ).is_active


async def test_error_classes(sim: VtexSimulator, http: aiohttp.ClientSession) -> None:
    sc = sim.catalog.trade_policy
    sku = str(sim.catalog.healthy_sku_ids()[0])
    wrong = make_client(sim, http, token="WRONG-TOKEN-123456")
    with pytest.raises(AuthError) as auth:
        await wrong.sku_context(sku, sc)
    assert "WRONG-TOKEN-123456" not in str(auth.value) and "appKey" in str(auth.value)

    client = make_client(sim, http)
    sim.faults.fail_next(2, status=503)
    assert (await client.sku_context(sku, sc)).sku_id == sku  # retried through

    sim.faults.fail_next(5, status=502)
    with pytest.raises(TransientError) as transient:
        await client.sku_context(sku, sc)
    assert transient.value.retryable and transient.value.status == 502
    sim.faults.clear()

    sim.faults.throttle_next(1, retry_after=0.05)
    assert (await client.sku_context(sku, sc)).sku_id == sku  # backed off, then through
    sim.faults.throttle_next(5, retry_after=0.01)
    with pytest.raises(ThrottledError) as throttled:
        await client.sku_context(sku, sc)
    assert throttled.value.retry_after == pytest.approx(0.01)
    sim.faults.clear()


async def test_outbound_policy_refuses_undeclared_hosts(http: aiohttp.ClientSession) -> None:
    production = load_manifest().outbound_policy()
    creds = VtexCredentials("acme", app_key="k", app_token="t" * 10)
    VtexClient(creds, session=http, policy=production)  # acme.vtexcommercestable.com.br: ok
    with pytest.raises(OutboundHostDenied):
        VtexClient(creds, session=http, policy=production, base_url="https://evil.example.com")
    with pytest.raises(OutboundHostDenied):
        VtexClient(creds, session=http, policy=production, base_url="http://127.0.0.1:1")


def test_credentials_never_show_the_token() -> None:
    creds = VtexCredentials("acme", app_key="key", app_token="SECRET-TOKEN", cookie="COOKIE")
    assert "SECRET-TOKEN" not in repr(creds) and "COOKIE" not in repr(creds)
