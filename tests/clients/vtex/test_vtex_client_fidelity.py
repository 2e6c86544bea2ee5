"""The VTEX client against what VTEX really answers (audit fidelity-vtex #2, #3, #4, #5, #6,
#8, #15): over the simulator, and over small local servers answering the documented shapes."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from app.manifest import load_manifest
from clients.vtex import SimulationItem, VtexClient, VtexCredentials
from clients.vtex.inbound import parse_processing_result
from simulators.vtex import VtexSimulator
from simulators.vtex.connect import simulator_client
from simulators.vtex.receiver import CallbackReceiver
from simulators.vtex.samples import channel_order
from tests.conftest import acme_store

IDS = "/api/catalog_system/pvt/sku/stockkeepingunitidsbysaleschannel"
ORDERS = "/api/order-integration/orders"


@pytest.fixture
async def stub() -> AsyncIterator[Callable[[web.Application], Any]]:
    """Starts an aiohttp app answering as VTEX on 127.0.0.1; returns a client to it."""
    servers: list[TestServer] = []
    sessions: list[aiohttp.ClientSession] = []

    async def start(app: web.Application) -> VtexClient:
        server = TestServer(app, host="127.0.0.1")
        await server.start_server()
        servers.append(server)
        session = aiohttp.ClientSession()
        sessions.append(session)
        return VtexClient(
            VtexCredentials("acme", app_key="key", app_token="TOKEN-0123456789"),
            session=session,
            policy=load_manifest().outbound_policy(allow_loopback=True),
            base_url=str(server.make_url("")).rstrip("/"),
            timeout=2.0,
            retries=0,
        )

    yield start
    for session in sessions:
        await session.close()
    for server in servers:
        await server.close()


async def test_affiliate_id_and_query_free_connector_endpoint_are_required(
    vtex_sim: VtexSimulator, vtex_http: aiohttp.ClientSession
) -> None:
    client = simulator_client(vtex_sim, vtex_http)
    body = channel_order(
        vtex_sim.catalog,
        vtex_sim.catalog.healthy_sku_ids()[:1],
        marketplace_order_id="L-1",
        connector_endpoint="https://connector.example.com/vtex/TOKEN",
    )
    with pytest.raises(ValueError, match="affiliate_id"):
        await client.create_order(body, affiliate_id="")
    with_query = {**body, "connectorEndpoint": "https://connector.example.com/?token=abc"}
    with pytest.raises(ValueError, match="query string"):
        await client.create_order(with_query, affiliate_id="LMX")
    with pytest.raises(ValueError, match="query string"):
        await client.update_order_status(
            "L-1", "approved", connector_endpoint="https://connector.example.com/?token=abc"
        )
    assert vtex_sim.requests == []  # refused before anything is sent
    await client.create_order({**body, "items": None}, affiliate_id="LMX")
    assert vtex_sim.requests[-1].query["affiliateId"] == "LMX"


@pytest.mark.parametrize(
    ("status", "answer", "flow", "code"),
    [
        (
            400,
            {"marketplaceOrderId": "3001234", "accountName": "acme", "code": "EOI005",
             "flow": "Unknown", "success": False, "operationId": "op", "fields": None,
             "errors": [{"source": "Order Integration", "code": "EOI005",
                         "description": "Validation error"}], "message": "Validation error"},
            "Unknown",
            "EOI005",
        ),
        (
            200,
            {"accountName": "acme", "code": "SOI004", "success": True, "flow": "PlaceOrder",
             "marketplaceOrderId": None, "fields": None, "errors": None, "message": "?"},
            "PlaceOrder",
            "SOI004",
        ),
    ],
)  # fmt: skip
async def test_unknown_flows_and_codes_are_results(
    stub: Callable[[web.Application], Any],
    status: int,
    answer: dict[str, Any],
    flow: str,
    code: str,
) -> None:
    async def new_order(request: web.Request) -> web.Response:
        return web.json_response(answer, status=status)

    app = web.Application()
    app.router.add_post(ORDERS, new_order)
    client = await stub(app)
    result = await client.create_order({"marketplaceOrderId": "3001234"}, affiliate_id="LMX")
    assert (result.flow, result.code, result.marketplace_order_id) == (flow, code, "3001234")
    assert result.main_order_id is None


async def test_sku_ids_page_until_an_empty_page_even_when_pages_are_capped(
    stub: Callable[[web.Application], Any],
) -> None:
    all_ids = list(range(2000001, 2000023))
    seen_pages: list[int] = []

    async def capped(request: web.Request) -> web.Response:
        page = int(request.query["page"])
        seen_pages.append(page)
        return web.json_response(all_ids[(page - 1) * 5 : page * 5])  # caps pageSize at 5

    app = web.Application()
    app.router.add_get(IDS, capped)
    client = await stub(app)
    ids = [i async for i in client.sku_ids("2", page_size=50)]
    assert ids == [str(i) for i in all_ids]
    assert seen_pages == [1, 2, 3, 4, 5, 6]


async def test_sku_ids_stop_when_a_page_repeats(stub: Callable[[web.Application], Any]) -> None:
    calls = []

    async def ignores_page(request: web.Request) -> web.Response:
        calls.append(request.query["page"])
        return web.json_response([1, 2, 3])

    app = web.Application()
    app.router.add_get(IDS, ignores_page)
    client = await stub(app)
    assert [i async for i in client.sku_ids("2", page_size=3)] == ["1", "2", "3"]
    assert calls == ["1", "2"]


async def test_duplicate_order_carries_no_order_id(
    vtex_sim: VtexSimulator, vtex_http: aiohttp.ClientSession
) -> None:
    client = simulator_client(vtex_sim, vtex_http)
    async with CallbackReceiver() as receiver:
        body = channel_order(
            vtex_sim.catalog,
            vtex_sim.catalog.healthy_sku_ids()[:1],
            marketplace_order_id="L-7",
            connector_endpoint=f"{receiver.url}/vtex/TOKEN",
        )
        await client.create_order(body, affiliate_id="LMX")
        await client.create_order(body, affiliate_id="LMX")
        first, second = await vtex_sim.wait_for("processing-result", count=2)
    integrated = parse_processing_result(first.payload)
    duplicate = parse_processing_result(second.payload)
    assert integrated.code == "SOI001" and integrated.main_order_id
    assert duplicate.code == "EOI007" and duplicate.main_order_id is None


async def test_stock_is_read_at_the_store_destination(
    vtex_sim: VtexSimulator, vtex_http: aiohttp.ClientSession
) -> None:
    client = simulator_client(vtex_sim, vtex_http)
    in_stock, sold_out = (str(s) for s in vtex_sim.catalog.healthy_sku_ids()[:2])
    vtex_sim.catalog.skus[int(sold_out)].stock[vtex_sim.catalog.trade_policy] = 0
    postal_code, country = acme_store(country="CL").simulation_destination()
    assert (postal_code, country) == ("8320000", "CHL")
    result = await client.simulate(
        [SimulationItem(in_stock), SimulationItem(sold_out, quantity=2)],
        sales_channel=vtex_sim.catalog.trade_policy,
        affiliate_id="LMX",
        postal_code=postal_code,
        country=country,
    )
    assert result.available(in_stock) and not result.available(sold_out)
    gone = result.items[sold_out]
    assert (gone.quantity, gone.stock_balance, gone.slas) == (0, 0, ())
