"""The service killed (`kill -9`) while Linio orders flow in: after a restart on a new
port (every webhook and VTEX callback of the old one lost), each order is in VTEX exactly
once and approved. The real process, its embedded database, both simulators."""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp

from domain.orders.ledger import PLACEMENT_LEASE
from domain.stores import StoreCredentials
from simulators.linio.connect import sandbox_client
from simulators.linio.server import LinioSimulator
from simulators.linio.state import SimSeller
from simulators.vtex import VtexSimulator
from tests.reliability.service import (
    ADMIN_PASSWORD,
    TOKEN,
    Service,
    acme_store,
    data_dir_db,
    running,
    seed_store,
)

SELLER = SimSeller(user_id="ops@acme.mx", api_key="k" * 40, seller_id="ACME", country="MX")
ORDERS = 20
AFTER_LEASE = PLACEMENT_LEASE.total_seconds() + 90


async def _until(check, what: str, timeout: float = 120.0) -> None:  # type: ignore[no-untyped-def]
    deadline = asyncio.get_running_loop().time() + timeout
    while not check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.1)


async def _ledger_states(http: aiohttp.ClientSession, base: str) -> dict[str, int]:
    """Orders per ledger state, as the dashboard's overview API shows them."""
    auth = {"Authorization": aiohttp.encode_basic_auth("admin", ADMIN_PASSWORD)}
    async with http.get(f"{base}/admin/api/overview", headers=auth) as response:
        body = await response.json()
    [store] = body["stores"]
    return store["orders"]


async def _until_async(read, wanted, what: str, timeout: float = 120.0) -> None:  # type: ignore[no-untyped-def]
    deadline = asyncio.get_running_loop().time() + timeout
    seen = None
    while (seen := await read()) != wanted:
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what}: {seen}")
        await asyncio.sleep(0.2)


async def test_orders_survive_a_kill_of_the_service_and_are_placed_once(tmp_path: Path) -> None:
    async with (
        VtexSimulator("acme", seed=3) as vtex,
        LinioSimulator([SELLER], webhook_retry_delays=(0.05,)) as linio,
        aiohttp.ClientSession() as http,
    ):
        vtex.catalog.generate(n_skus=ORDERS + 5, faulty_share=0.0)
        vtex.register_affiliate(
            "LMX", sales_channel=vtex.catalog.trade_policy, search_uri_endpoint="http://x/x"
        )
        store = acme_store(
            sales_channel=vtex.catalog.trade_policy,
            linio_user_id=SELLER.user_id,
            linio_seller_id=SELLER.seller_id,
            vtex_base_url=vtex.url,
            linio_base_url=linio.url,
            credentials=StoreCredentials(
                linio_api_key=SELLER.api_key,
                vtex_app_key=vtex.app_key,
                vtex_app_token=vtex.auth_headers()["X-VTEX-API-AppToken"],
            ),
        )
        data = tmp_path / "data"
        await seed_store(data, store)
        env = {"ALLOW_LOOPBACK": "1", "ORDER_POLL_INTERVAL": "2"}
        made = []
        with running(Service(data, **env)) as first:
            await sandbox_client(linio.url, http, SELLER).create_webhook(
                f"{first.url}/linio/{TOKEN}/webhook",
                ["onOrderCreated", "onOrderItemsStatusChanged"],
            )
            for n, sku_id in enumerate(vtex.catalog.healthy_sku_ids()[:ORDERS]):
                sku = vtex.catalog.sku(sku_id)
                price, _ = vtex.catalog.availability(sku, vtex.catalog.trade_policy)
                made.append(linio.add_order(SELLER.user_id, [(str(sku_id), 1, price.price / 100)]))
                if n == ORDERS // 2:
                    await _until(lambda: len(vtex.orders) >= 3, "a few orders in VTEX")
                    first.kill()  # mid-flow: some placed, some in flight, some not seen
                    break
        with running(Service(data, **env)) as second:
            for sku_id in vtex.catalog.healthy_sku_ids()[len(made) : ORDERS]:
                sku = vtex.catalog.sku(sku_id)
                price, _ = vtex.catalog.availability(sku, vtex.catalog.trade_policy)
                made.append(linio.add_order(SELLER.user_id, [(str(sku_id), 1, price.price / 100)]))

            def placed() -> bool:
                numbers = {o.marketplace_order_id for o in vtex.orders}
                return all(o.order_number in numbers for o in made)

            try:
                # An order whose placement was reserved when the process died waits for
                # its lease (then VTEX is read first: placed once).
                await _until(placed, "every order in VTEX", timeout=AFTER_LEASE)
            except AssertionError:
                states = await _ledger_states(http, second.url)
                numbers = {o.marketplace_order_id for o in vtex.orders}
                missing = [o.order_id for o in made if o.order_number not in numbers]
                raise AssertionError(f"not in VTEX: {missing}; ledger {states}") from None
            await _until(
                lambda: all(o.status == "ready-for-handling" for o in vtex.orders),
                "every VTEX order approved",
            )
            await _until_async(
                lambda: _ledger_states(http, second.url), {"approved": ORDERS}, "the ledger"
            )
        per_order = [o.marketplace_order_id for o in vtex.orders]
        assert sorted(per_order) == sorted(o.order_number for o in made)  # once each
        async with data_dir_db(data) as db:
            states = {d["linio_order_id"]: d["state"] async for d in db["orders"].find({})}
        assert states == {o.order_id: "approved" for o in made}
