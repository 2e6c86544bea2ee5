"""How VtexClient fails: auth, 5xx and 429 retries, 404, 4xx, timeouts, the outbound policy.

Against the VTEX simulator's fault injection, plus small local servers for the answers the
simulator never gives (429 without Retry-After, an echoed token).
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Awaitable, Callable

import aiohttp
import pytest
from aiohttp import web

from app.manifest import load_manifest
from clients.errors import (
    AuthError,
    NotFoundError,
    PermanentError,
    ThrottledError,
    TransientError,
)
from clients.outbound import OutboundHostDenied
from clients.vtex import SimulationItem, VtexClient, VtexCredentials
from simulators.vtex import VtexSimulator
from simulators.vtex.connect import simulator_client

CATALOG = "/api/catalog_system"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
Start = Callable[[str, Handler], Awaitable[str]]
SIMULATION = "/api/fulfillment/pvt/orderForms/simulation"
TOKEN = "TOKEN-0123456789-SECRET"


def first_sku(sim: VtexSimulator) -> str:
    return str(sim.catalog.healthy_sku_ids()[0])


async def test_wrong_token_is_an_auth_error_without_the_token(
    vtex_sim: VtexSimulator, vtex_http: aiohttp.ClientSession
) -> None:
    wrong = simulator_client(vtex_sim, vtex_http, app_token="WRONG-TOKEN-123456")
    with pytest.raises(AuthError) as refused:
        await wrong.sku_context(first_sku(vtex_sim), vtex_sim.catalog.trade_policy)
    assert refused.value.status == 403 and not refused.value.retryable
    assert "WRONG-TOKEN-123456" not in str(refused.value) and "appKey" in str(refused.value)
    assert "WRONG-TOKEN-123456" not in repr(refused.value)
    assert len(vtex_sim.requests) == 1  # a refused credential is not retried

    nothing = VtexClient(
        VtexCredentials("acme"),
        session=vtex_http,
        policy=load_manifest().outbound_policy(allow_loopback=True),
        base_url=vtex_sim.url,
    )
    with pytest.raises(AuthError):
        await nothing.product("1")
    assert len(vtex_sim.requests) == 1  # no credentials: nothing is sent


async def test_5xx_is_retried_then_succeeds_or_ends_transient(
    vtex_sim: VtexSimulator, vtex_http: aiohttp.ClientSession
) -> None:
    client = simulator_client(vtex_sim, vtex_http, retries=2)
    sku, sc = first_sku(vtex_sim), vtex_sim.catalog.trade_policy
    vtex_sim.faults.fail_next(2, status=503, path=CATALOG)
    assert (await client.sku_context(sku, sc)).sku_id == sku
    assert [r.status for r in vtex_sim.requests] == [503, 503, 200]

    vtex_sim.requests.clear()
    vtex_sim.faults.fail_next(5, status=502, path=CATALOG)
    with pytest.raises(TransientError) as failed:
        await client.sku_context(sku, sc)
    assert failed.value.retryable and failed.value.status == 502
    assert "Retry later" in str(failed.value)
    assert [r.status for r in vtex_sim.requests] == [502, 502, 502]


async def test_429_honours_retry_after(
    vtex_sim: VtexSimulator, vtex_http: aiohttp.ClientSession
) -> None:
    client = simulator_client(vtex_sim, vtex_http, retries=2, throttle_backoff=30.0)
    sku, sc = first_sku(vtex_sim), vtex_sim.catalog.trade_policy
    vtex_sim.faults.throttle_next(1, retry_after=0.1, path=CATALOG)
    assert (await client.sku_context(sku, sc)).sku_id == sku  # Retry-After, not 30 s
    throttled, served = vtex_sim.requests
    assert (throttled.status, served.status) == (429, 200)
    assert served.at - throttled.at >= 0.09  # it waited as asked

    vtex_sim.requests.clear()
    vtex_sim.faults.throttle_next(3, retry_after=0.01, path=CATALOG)
    with pytest.raises(ThrottledError) as exhausted:
        await client.sku_context(sku, sc)
    assert exhausted.value.retry_after == pytest.approx(0.01) and exhausted.value.retryable
    assert len(vtex_sim.requests) == 3

    vtex_sim.requests.clear()
    vtex_sim.faults.throttle_next(1, retry_after=120, path=CATALOG)
    with pytest.raises(ThrottledError) as long_wait:
        await client.sku_context(sku, sc)
    assert long_wait.value.retry_after == 120  # longer than a minute: the queue waits, not us
    assert len(vtex_sim.requests) == 1


async def test_429_without_retry_after_waits_the_throttle_backoff(
    vtex_http: aiohttp.ClientSession, callback_server: Start
) -> None:
    answers = [429, 429]
    seen: list[float] = []

    async def handler(request: web.Request) -> web.Response:
        seen.append(time.monotonic())
        if answers:
            return web.json_response({"message": "Too Many Requests"}, status=answers.pop())
        return web.json_response({"items": [{"id": "7", "price": 1990, "listPrice": 2490}]})

    url = await callback_server(SIMULATION, handler)
    client = local_client(url, vtex_http, retries=2, throttle_backoff=0.2)
    result = await client.simulate([SimulationItem("7")], sales_channel="2", affiliate_id="LMX")
    assert result.items["7"].price == 1990 and result.items["7"].list_price == 2490
    assert len(seen) == 3
    assert min(b - a for a, b in itertools.pairwise(seen)) >= 0.18  # the configured backoff


async def test_token_echoed_by_the_server_is_masked(
    vtex_http: aiohttp.ClientSession, callback_server: Start
) -> None:
    async def handler(request: web.Request) -> web.Response:
        token = request.headers["X-VTEX-API-AppToken"]
        return web.json_response({"message": f"bad payload for token {token}"}, status=400)

    url = await callback_server(SIMULATION, handler)
    client = local_client(url, vtex_http)
    with pytest.raises(PermanentError) as rejected:
        await client.simulate([SimulationItem("7")], sales_channel="2", affiliate_id="LMX")
    assert "bad payload" in str(rejected.value) and rejected.value.status == 400
    assert TOKEN not in str(rejected.value) and TOKEN not in str(rejected.value.body)


async def test_a_400_without_the_result_contract_is_an_error(
    vtex_http: aiohttp.ClientSession, callback_server: Start
) -> None:
    async def handler(request: web.Request) -> web.Response:
        error = {"code": "1", "message": "Request body is not valid JSON", "exception": None}
        return web.json_response({"error": error}, status=400)

    url = await callback_server("/api/order-integration/orders", handler)
    client = local_client(url, vtex_http)
    with pytest.raises(PermanentError) as rejected:
        await client.create_order({"marketplaceOrderId": "L-1"}, affiliate_id="LMX")
    assert "not valid JSON" in str(rejected.value)


async def test_404_and_4xx_are_permanent_and_not_retried(
    vtex_sim: VtexSimulator, vtex_http: aiohttp.ClientSession
) -> None:
    client = simulator_client(vtex_sim, vtex_http)
    with pytest.raises(NotFoundError) as missing:
        await client.sku_context("999999999", vtex_sim.catalog.trade_policy)
    assert missing.value.status == 404 and not missing.value.retryable
    with pytest.raises(NotFoundError):
        await client.get_order("999-01")
    assert len(vtex_sim.requests) == 2

    with pytest.raises(PermanentError) as refused:
        await client.set_hook_config({"hook": {"url": "http://example.com/hook"}})
    assert refused.value.status == 400 and "https" in str(refused.value)
    assert not isinstance(refused.value, NotFoundError) and len(vtex_sim.requests) == 3


async def test_timeouts_and_refused_connections_are_transient(
    vtex_sim: VtexSimulator, vtex_http: aiohttp.ClientSession
) -> None:
    vtex_sim.faults.latency = 0.3
    slow = simulator_client(vtex_sim, vtex_http, timeout=0.05, retries=1)
    with pytest.raises(TransientError) as timed_out:
        await slow.product("1000")
    assert "did not answer" in str(timed_out.value) and "acme" in str(timed_out.value)
    vtex_sim.faults.clear()

    closed = local_client("http://127.0.0.1:1/x", vtex_http, retries=1)
    with pytest.raises(TransientError):
        await closed.product("1000")


async def test_outbound_policy_refuses_undeclared_hosts(vtex_http: aiohttp.ClientSession) -> None:
    production = load_manifest().outbound_policy()
    creds = VtexCredentials("acme", app_key="k", app_token=TOKEN)
    client = VtexClient(creds, session=vtex_http, policy=production)
    assert client.account == "acme"  # acme.vtexcommercestable.com.br is declared
    with pytest.raises(OutboundHostDenied):
        VtexClient(creds, session=vtex_http, policy=production, base_url="https://evil.example.com")
    with pytest.raises(OutboundHostDenied):
        VtexClient(creds, session=vtex_http, policy=production, base_url="http://127.0.0.1:1")


def test_credentials_never_show_the_secrets() -> None:
    creds = VtexCredentials("acme", app_key="key", app_token="SECRET-TOKEN", cookie="COOKIE")
    assert "SECRET-TOKEN" not in repr(creds) and "COOKIE" not in repr(creds)
    assert "SECRET-TOKEN" not in str(creds) and "acme" in repr(creds)


def local_client(
    url: str, http: aiohttp.ClientSession, *, retries: int = 0, throttle_backoff: float = 0.05
) -> VtexClient:
    """A client to one of this module's local servers (the URL's path is dropped)."""
    base = url.split("/", 3)
    return VtexClient(
        VtexCredentials("acme", app_key="key", app_token=TOKEN),
        session=http,
        policy=load_manifest().outbound_policy(allow_loopback=True),
        base_url="/".join(base[:3]),
        timeout=2.0,
        retries=retries,
        backoff=0.01,
        throttle_backoff=throttle_backoff,
    )
