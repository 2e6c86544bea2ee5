"""The Linio client against a simulator as strict as the real Seller Center: time zones,
stock, post-sale and delivery actions, item-level errors that never trip a breaker (case
e021), E080, staging credentials, forbidden characters, feed errors and QC (audit D1–D14)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import AsyncIterator
from decimal import Decimal
from zoneinfo import ZoneInfo

import aiohttp
import pytest
from aiohttp import web

from app.manifest import load_manifest
from clients.breaker import BreakerRegistry
from clients.errors import (
    AuthError,
    CircuitOpenError,
    ItemError,
    NotFoundError,
    PermanentError,
    TransientError,
)
from clients.linio import responses as parse
from clients.linio.account import LinioAccount
from clients.linio.client import LinioClient
from simulators.linio import LinioSimulator, SimSeller
from simulators.linio.connect import sample_product, sandbox_client
from simulators.linio.testing import SellerCenterCaller

SELLER = SimSeller(user_id="ops@acme.mx", api_key="sc-api-key-fidelity", seller_id="ACME01")
MX = ZoneInfo("America/Mexico_City")


@pytest.fixture
async def sim() -> AsyncIterator[LinioSimulator]:
    async with LinioSimulator([SELLER], feed_delay=0.01, qc_delay=0.01) as simulator:
        yield simulator


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as http:
        yield http


@pytest.fixture
def client(sim: LinioSimulator, session: aiohttp.ClientSession) -> LinioClient:
    return sandbox_client(sim.url, session, SELLER, backoff=0.01)


def sent(sim: LinioSimulator, action: str) -> list[dict[str, str]]:
    return [dict(r.query) for r in sim.requests if r.action == action]


async def test_one_instant_is_one_filter_on_the_wire(
    sim: LinioSimulator, client: LinioClient
) -> None:
    """cases/getorders-updatedafter-offset-dropped.md, captured at the simulator."""
    in_utc = dt.datetime(2024, 5, 2, 12, 0, tzinfo=dt.UTC)
    in_mx = dt.datetime(2024, 5, 2, 6, 0, tzinfo=MX)
    await client.get_orders(updated_after=in_utc)
    await client.get_orders(updated_after=in_mx)
    await client.get_products(updated_after=in_utc)
    await client.get_products(updated_after=in_mx)
    assert [q["UpdatedAfter"] for q in sent(sim, "GetOrders")] == ["2024-05-02T06:00:00"] * 2
    assert [q["UpdatedAfter"] for q in sent(sim, "GetProducts")] == [
        "2024-05-02T06:00:00-06:00"
    ] * 2
    with pytest.raises(ValueError):
        await client.get_orders(updated_after=dt.datetime(2024, 5, 2, 12, 0))
    with pytest.raises(ValueError):
        await client.get_products(created_after=dt.datetime(2024, 5, 2, 12, 0))
    with pytest.raises(ValueError):
        await client.feed_offset_list(created_after=dt.datetime(2024, 5, 2, 12, 0))


async def test_a_utc_watermark_finds_the_orders_and_dates_come_back_aware(
    sim: LinioSimulator, client: LinioClient
) -> None:
    order = sim.add_order(SELLER.user_id, [("SKU-1", 1, "10.00")])
    watermark = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)  # MongoDB dates are UTC
    page = await client.get_orders(updated_after=watermark)
    assert [o.order_id for o in page.orders] == [order.order_id]
    [found] = page.orders
    assert found.created_at is not None and found.created_at.tzinfo is not None
    assert abs(found.created_at - order.created_at) < dt.timedelta(seconds=1)
    assert found.created_at.utcoffset() == dt.datetime.now(MX).utcoffset()
    assert found.address_updated_at == found.created_at  # UTC on the wire, same instant
    [item] = await client.get_order_items(order.order_id)
    assert item.package_id  # pending items carry their package
    # A date read back goes straight into the next filter.
    later = await client.get_orders(created_after=found.created_at + dt.timedelta(seconds=1))
    assert later.orders == ()


async def test_stock_as_documented(sim: LinioSimulator, client: LinioClient) -> None:
    await client.product_create([sample_product("STOCK-1", Quantity=7)])
    await sim.settle()
    order = sim.add_order(SELLER.user_id, [("STOCK-1", 2, "5999.00")])
    [pending] = await client.get_products(skus=["STOCK-1"])
    assert (pending.quantity, pending.reserved_stock, pending.available) == (7, 2, 5)
    await client.set_status_to_ready_to_ship([order.items[0].order_item_id])
    [deducted] = await client.get_products(skus=["STOCK-1"])
    assert (deducted.quantity, deducted.reserved_stock, deducted.available) == (5, 0, 5)


async def test_delivery_actions_and_post_sale_statuses(
    sim: LinioSimulator, client: LinioClient
) -> None:
    order = sim.add_order(SELLER.user_id, [("SKU-1", 2, "10.00")])
    one, two = (i.order_item_id for i in order.items)
    with pytest.raises(PermanentError) as early:
        await client.set_status_to_shipped(one)
    assert early.value.code == "E028"
    await client.set_status_to_ready_to_ship([one])  # moves both items of the order
    await client.set_status_to_shipped(one)
    await client.set_status_to_shipped(two)
    await client.set_status_to_delivered(one)
    reasons = {r.name for r in await client.get_failure_reasons() if r.type == "failed"}
    assert "Customer not at home" in reasons
    with pytest.raises(PermanentError) as bad_reason:
        await client.set_status_to_failed_delivery(two, "Out of stock")
    assert bad_reason.value.code == "E022"
    await client.set_status_to_failed_delivery(two, "Customer not at home", "nadie en casa")
    statuses = {i.order_item_id: i.status for i in await client.get_order_items(order.order_id)}
    assert statuses == {one: "delivered", two: "failed"}
    for status in ("return_shipped_by_customer", "return_waiting_for_approval", "returned"):
        sim.set_item_status(SELLER.user_id, one, status)
    page = await client.get_orders(status="returned")
    assert [o.statuses for o in page.orders] == [("failed", "returned")]


async def test_e021_repeats_for_one_item_and_never_opens_the_breaker(
    sim: LinioSimulator, session: aiohttp.ClientSession
) -> None:
    """cases/e021-fob-not-enabled.xml: five items refused with E021, then GetOrders."""
    client = sandbox_client(
        sim.url, session, SELLER, backoff=0.01, breakers=BreakerRegistry(fail_max=3)
    )
    sim.state(SELLER.user_id).fob_enabled = False
    for _ in range(5):
        order = sim.add_order(SELLER.user_id, [("SKU-1", 1, "10.00")])
        with pytest.raises(ItemError) as refused:
            await client.set_status_to_ready_to_ship([order.items[0].order_item_id])
        assert refused.value.code == "E021" and not isinstance(refused.value, TransientError)
    orders_breaker = next(b for b in client.health()["breakers"] if b["name"].endswith(":orders"))
    assert orders_breaker["state"] == "closed" and orders_breaker["fail_counter"] == 0
    assert (await client.get_orders()).total_count == 5
    # Only the platform being down opens it: maintenance pages and 5xx.
    sim.faults.maintenance_next(3)
    for _ in range(3):
        with pytest.raises(TransientError):
            await client.set_status_to_ready_to_ship([order.items[0].order_item_id])
    with pytest.raises(CircuitOpenError):
        await client.get_orders()


async def test_e080_is_a_permanent_error_naming_the_preselected_carrier(
    sim: LinioSimulator, client: LinioClient
) -> None:
    order = sim.add_order(SELLER.user_id, [("SKU-1", 1, "10.00")], shipment_provider="DHL")
    item = order.items[0].order_item_id
    with pytest.raises(PermanentError) as refused:
        await client.set_status_to_ready_to_ship(
            [item], shipping_provider="Estafeta", tracking_number="8055241528464720099314"
        )
    assert refused.value.code == "E080"
    assert "preselected shipment provider" in refused.value.message
    [current] = await client.get_order_items(order.order_id)
    assert current.shipment_provider == "DHL" and current.status == "pending"
    await client.set_status_to_ready_to_ship(
        [item], shipping_provider="DHL", tracking_number="1234567890"
    )


async def test_control_characters_never_sink_the_batch(
    sim: LinioSimulator, client: LinioClient
) -> None:
    """cases/feed-control-chars-in-description.json through the client."""
    ok = sample_product("SKU-OK", Description="Algodón")
    dirty = sample_product("SKU-CTRL", Description="Lavar a mano\u000bNo usar secadora\u001f")
    feed_id = await client.product_create([ok, dirty])
    await sim.settle()
    feed = await client.feed_status(feed_id)
    assert feed.status == "Finished" and feed.errors == ()
    stored = sim.products(SELLER.user_id)
    assert set(stored) == {"SKU-OK", "SKU-CTRL"}
    assert stored["SKU-CTRL"]["Description"] == "Lavar a mano No usar secadora"


async def test_feed_errors_warnings_error_status_and_qc(
    sim: LinioSimulator, client: LinioClient
) -> None:
    sim.reject_qc(SELLER.user_id, "QC-BAD", "Wrong Description")
    feed_id = await client.product_create(
        [
            sample_product("QC-OK"),
            sample_product("QC-BAD"),
            sample_product(
                "NO-MODEL", ProductData={"ConditionType": "Nuevo", "PackageWeight": "1"}
            ),
            sample_product("ORPHAN", ParentSku="GHOST-PARENT"),
        ]
    )
    await sim.settle()
    feed = await client.feed_status(feed_id)
    errors = {e.seller_sku: e.message for e in feed.errors}
    assert set(errors) == {"NO-MODEL", "ORPHAN"}  # attributed from the message alone
    assert "Model is mandatory" in errors["NO-MODEL"]
    assert feed.created_at is not None and feed.created_at.tzinfo is not None
    urls = [f"https://img.example.com/{i}.jpg" for i in range(8)]
    image_feed = await client.image({"QC-OK": urls})
    await sim.settle()
    assert (await client.feed_status(image_feed)).warnings == ()
    states = {s.seller_sku: s for s in await client.get_qc_status(skus=["QC-OK", "QC-BAD"])}
    assert states["QC-OK"].status == "approved"
    assert (states["QC-BAD"].status, states["QC-BAD"].reason) == ("rejected", "Wrong Description")
    sim.faults.feed_error_next(1)
    lost = await client.product_update([{"SellerSku": "QC-OK", "Price": Decimal("5.00")}])
    await sim.settle()
    errored = await client.feed_status(lost)
    assert errored.status == "Error" and errored.finished


async def test_json_replies_of_the_simulator_parse_like_its_xml(
    sim: LinioSimulator, session: aiohttp.ClientSession
) -> None:
    caller = SellerCenterCaller(sim.url, SELLER, session)
    order = sim.add_order(SELLER.user_id, [("SKU-1", 1, "10.00")])
    as_xml = await caller.call("GetOrderItems", OrderId=order.order_id)
    as_json = await caller.call("GetOrderItems", OrderId=order.order_id, Format="JSON")
    xml_items = parse.parse_order_items(parse.parse_envelope(as_xml.text))
    json_items = parse.parse_order_items(parse.parse_envelope(as_json.text))
    assert json_items == xml_items and len(json_items) == 1
    missing = await caller.call("GetOrder", OrderId="999", Format="JSON")
    with pytest.raises(NotFoundError) as info:
        parse.parse_envelope(missing.text, status=missing.status)
    assert info.value.code == "E016"
    assert json.loads(missing.text)["ErrorResponse"]["Head"]["ErrorCode"] == "16"


async def test_errors_sent_with_http_200_are_classified_the_same(
    session: aiohttp.ClientSession,
) -> None:
    async with LinioSimulator([SELLER], errors_with_http_200=True) as sim:
        client = sandbox_client(sim.url, session, SELLER, backoff=0.01)
        with pytest.raises(NotFoundError) as info:
            await client.get_order("999")
        assert (info.value.code, info.value.status) == ("E016", 200)


async def test_staging_hosts_get_their_http_basic_credentials(
    session: aiohttp.ClientSession,
) -> None:
    policy = load_manifest().outbound_policy(allow_loopback=True)
    async with LinioSimulator([SELLER], basic_auth=("linio", "staging-pass")) as sim:
        with_auth = LinioAccount(
            SELLER.user_id, SELLER.api_key, SELLER.seller_id, "MX", "staging",
            ("linio", "staging-pass"),
        )  # fmt: skip
        client = LinioClient(with_auth, session=session, policy=policy, base_url=sim.url)
        assert "Samsung" in {b.name for b in await client.get_brands()}
        without = LinioAccount(SELLER.user_id, SELLER.api_key, SELLER.seller_id, "MX", "staging")
        bare = LinioClient(without, session=session, policy=policy, base_url=sim.url)
        with pytest.raises(AuthError) as info:
            await bare.get_brands()
        assert info.value.code == "HTTP_BASIC" and "staging-pass" not in str(info.value)


async def test_not_ready_yet_is_read_again_and_never_counts_for_the_breaker(
    session: aiohttp.ClientSession,
) -> None:
    """E119 on a read: the client reads again; after its retries it raises ItemError
    and the breaker stays closed."""
    not_ready = (
        "<ErrorResponse><Head><RequestAction>GetDocument</RequestAction><ErrorType>Sender"
        "</ErrorType><ErrorCode>119</ErrorCode><ErrorMessage>E119: Not ready yet, try again "
        "later</ErrorMessage></Head><Body/></ErrorResponse>"
    )
    ready = (
        "<SuccessResponse><Head><RequestId/><RequestAction>GetDocument</RequestAction>"
        "<ResponseType>Document</ResponseType><Timestamp>2026-11-29T13:45:56-0600</Timestamp>"
        "</Head><Body><Documents><Document><DocumentType>invoice</DocumentType><MimeType>"
        "text/html</MimeType><File>PGh0bWw+</File></Document></Documents></Body>"
        "</SuccessResponse>"
    )
    answers = [not_ready, ready, not_ready, not_ready, not_ready]

    async def platform(request: web.Request) -> web.Response:
        answer = answers.pop(0)
        status = 400 if answer.startswith("<ErrorResponse") else 200
        return web.Response(text=answer, content_type="text/xml", status=status)

    server = web.Application()
    server.router.add_get("/", platform)
    runner = web.AppRunner(server)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        client = sandbox_client(
            f"http://127.0.0.1:{port}/",
            session,
            SELLER,
            backoff=0.01,
            breakers=BreakerRegistry(fail_max=2),
        )
        [document] = await client.get_document("invoice", ["1"])
        assert document.content() == b"<html>"
        with pytest.raises(ItemError) as info:
            await client.get_document("invoice", ["1"])
        assert info.value.code == "E119"
        [breaker] = client.health()["breakers"]
        assert breaker["state"] == "closed" and answers == []
    finally:
        await runner.cleanup()
