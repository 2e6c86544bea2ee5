"""The catalog pipeline end to end: both simulators, the real worker (catalog consumer and
feed owner), SecantusDB, the in-process broker and RabbitMQ.

What is asserted is read on the simulators (GetProducts on the Seller Center simulator,
the VTEX simulator's deliveries) and in the seller log, never only in our own tables.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from app.runtime import Runtime, open_runtime
from app.sandbox import DEMO_UNMAPPED_CATEGORY, DEMO_UNMAPPED_TARGET, seed_demo_mappings
from app.settings import Settings
from app.storage import ORDERS
from app.web import create_app
from app.worker import Worker
from clients.linio.client import LinioClient
from clients.linio.models import Product
from domain.catalog.feeds import FeedRecords
from domain.catalog.lots import FEED_ACTIONS
from domain.mappings import MapperRegistrations
from domain.orders.ledger import RESERVED_IN_VTEX
from domain.stores import Store
from domain.work import SkuWork, StoreWork
from flows.price_stock import report_of
from handlers.consumers import CONSUMERS
from handlers.consumers_orders import OrderFlows
from handlers.consumers_price_stock import make_flows
from handlers.vtex_mapper import register_store
from simulators.linio import LinioSimulator, SimSeller
from simulators.linio.connect import sample_product, sandbox_client
from simulators.vtex import VtexSimulator
from simulators.vtex.catalog import SkuFault
from tests.conftest import _drop
from tests.handlers.rigs import simulated_store

SELLER = SimSeller(user_id="ops@acme.mx", api_key="KEY-catalog", seller_id="ACME01", country="MX")

# The log each fault kind of the VTEX simulator's catalog must end with.
EXPECTED_LOG = {
    SkuFault.INACTIVE: "A2",
    SkuFault.OUTSIDE_TRADE_POLICY: "A1",
    SkuFault.NO_PRICE: "A1",
    SkuFault.UNMAPPED_CATEGORY: "E4",
    SkuFault.MISSING_SPECIFICATION: "E1",
    SkuFault.NAME_TOO_LONG: "E1",
}


async def until(
    condition: Callable[[], Awaitable[bool]], timeout: float = 120.0, what: str = ""
) -> None:
    """Wait for a condition with a generous deadline (never a timing assertion)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not await condition():
        if loop.time() > deadline:
            raise AssertionError(f"not reached in time: {what}")
        await asyncio.sleep(0.1)


@dataclass
class Pipeline:
    runtime: Runtime
    vtex: VtexSimulator
    linio: LinioSimulator
    store: Store
    http: aiohttp.ClientSession
    base_url: str

    @property
    def sid(self) -> str:
        return self.store.store_id

    def client(self) -> LinioClient:
        return sandbox_client(self.linio.url, self.http, SELLER, backoff=0.01)

    async def on_linio(self) -> dict[str, Product]:
        """Every product GetProducts returns, by SellerSku."""
        found = {}
        async for product in self.client().iter_products(page_size=500):
            found[product.seller_sku] = product
        return found

    def subscribe(self) -> None:
        """Register the store as VTEX's affiliate with its Search Endpoint: catalog edits in
        the VTEX simulator are then notified to the service, as in production."""
        search, _ = self.store.endpoints(self.base_url.rstrip("/"))
        self.vtex.register_affiliate(
            self.store.affiliate_id,
            sales_channel=self.store.sales_channel,
            search_uri_endpoint=search,
        )

    async def load(self) -> None:
        await self.runtime.loads.start(self.sid)
        await self.runtime.broker.publish_work(StoreWork(self.sid, action="initial_load"))

    async def settled(self) -> bool:
        progress = await self.runtime.loads.progress(self.sid)
        if not progress or progress["status"] != "done":
            return False
        return await self.quiet()

    async def quiet(self) -> bool:
        staged = await self.runtime.feed_scheduler.staging.count(self.sid)
        flying = await FeedRecords(self.runtime.storage.db).in_flight(self.sid)
        depth = await self.runtime.broker.depth(f"catalog.{self.sid}")
        return staged == 0 and not flying and depth == 0

    async def logs(self, sku_id: str | None = None) -> list[dict[str, Any]]:
        entries = await self.runtime.seller_log.find(store_id=self.sid, limit=5000)
        return [e for e in entries if sku_id is None or e.get("sku_id") == sku_id]


@asynccontextmanager
async def pipeline(
    settings: Settings,
    *,
    n_skus: int = 60,
    faulty_share: float = 0.2,
    vtex_latency: float = 0.0,
    with_worker: bool = True,
    **store_settings: Any,
) -> AsyncIterator[Pipeline]:
    settings = settings.with_(feed_poll_interval=0.2)
    async with (
        open_runtime(settings) as runtime,
        VtexSimulator("acme", seed=7, latency=vtex_latency) as vtex,
        LinioSimulator([SELLER], feed_delay=0.05, qc_delay=0.05) as linio,
        aiohttp.ClientSession() as http,
    ):
        vtex.catalog.generate(n_skus=n_skus, faulty_share=faulty_share)
        store = simulated_store(
            vtex, linio, SELLER, store_id=f"acme-{uuid.uuid4().hex[:8]}", **store_settings
        )
        await runtime.stores.upsert(store)
        await seed_demo_mappings(runtime.mappings, store.store_id, vtex.catalog)
        server = TestServer(create_app(settings, runtime=runtime))
        await server.start_server()
        worker = Worker(runtime, CONSUMERS, sync_interval=0.2)
        if with_worker:
            await worker.start()
        try:
            yield Pipeline(runtime, vtex, linio, store, http, str(server.make_url("")))
        finally:
            if with_worker:
                await worker.stop()
            await server.close()
    await _drop(settings)


async def test_initial_load_publishes_the_valid_catalog_and_logs_each_fault(
    broker_settings: Settings,
) -> None:
    async with pipeline(broker_settings) as p:
        catalog = p.vtex.catalog
        # One SKU with two problems at once: its E1 must list both.
        [long_name, *_] = catalog.skus_with(SkuFault.NAME_TOO_LONG)
        product = catalog.product_of(catalog.skus[long_name])
        product.specifications = product.specifications[1:]
        await p.load()
        await until(p.settled, what="initial load settled")
        # SKUs outside the trade policy are not in its SKU list: VTEX notifies them.
        for sku_id in catalog.skus_with(SkuFault.OUTSIDE_TRADE_POLICY):
            await p.runtime.broker.publish_work(SkuWork(p.sid, sku_id=str(sku_id)))
        outside = {str(s) for s in catalog.skus_with(SkuFault.OUTSIDE_TRADE_POLICY)}

        async def evaluated() -> bool:
            return outside <= {e["sku_id"] for e in await p.logs() if e["code"] == "A1"}

        await until(evaluated, what="notified SKUs evaluated")

        products = await p.on_linio()
        healthy = {str(s) for s in catalog.healthy_sku_ids()}
        assert set(products) == healthy  # every valid SKU, nothing faulty
        for sku in healthy:
            item = products[sku]
            assert item.price is not None and item.price > 0
            assert item.quantity is not None
            assert item.images and item.images[0].startswith("https://")
        logs = await p.logs()
        s1 = {e["sku_id"] for e in logs if e["code"] == "S1"}
        assert healthy <= s1

        for fault, code in EXPECTED_LOG.items():
            for sku_id in map(str, catalog.skus_with(fault)):
                codes = [e["code"] for e in await p.logs(sku_id)]
                assert code in codes, (fault, sku_id, codes)
                assert "S1" not in codes
        e1 = [e for e in await p.logs(str(long_name)) if e["code"] == "E1"]
        assert len(e1) == 1
        problem_codes = {x["code"] for x in e1[0]["extra"]["problems"]}
        assert {"catalog.name_too_long", "catalog.attribute_missing"} <= problem_codes
        # Each language lists the problems in that language, with their actions.
        spanish, english = e1[0]["Message"]["es"], e1[0]["Message"]["en"]
        for line_es, line_en in (
            ("el nombre tiene", "the name has"),
            ("atributo obligatorio", "mandatory attribute"),
        ):
            assert line_es in spanish and line_en not in spanish, spanish
            assert line_en in english and line_es not in english, english
        assert e1[0]["BusinessMessage"] == english

        # The products with three SKUs: one parent, three variations.
        families: dict[int, list[str]] = {}
        for sku_id in healthy:
            families.setdefault(catalog.skus[int(sku_id)].product_id, []).append(sku_id)
        trio = next(ids for ids in families.values() if len(ids) == 3)
        assert {products[s].parent_sku for s in trio} == {min(trio, key=int)}
        assert len({products[s].variation for s in trio}) == 3

        status = await p.runtime.sku_states.counts(p.sid)
        assert status.get("live") == len(healthy)
        assert status.get("pending_mapping") == len(catalog.skus_with(SkuFault.UNMAPPED_CATEGORY))


async def test_an_unmapped_category_goes_out_once_mapped_in_the_mapper(
    settings: Settings,
) -> None:
    async with pipeline(settings, n_skus=30, faulty_share=0.2) as p:
        waiting = {str(s) for s in p.vtex.catalog.skus_with(SkuFault.UNMAPPED_CATEGORY)}
        assert waiting
        await p.load()
        await until(p.settled, what="initial load settled")
        assert not waiting & set(await p.on_linio())
        e4 = [e for e in await p.logs() if e["code"] == "E4"]
        assert {e["sku_id"] for e in e4} == waiting
        assert "Sin clasificar" in e4[0]["BusinessMessage"]

        registration = await register_store(
            p.store,
            p.runtime.clients,
            MapperRegistrations(p.runtime.storage.db),
            base_url=p.base_url,
        )
        assert registration["tree_sent"] and p.vtex.mapper.only().trees_received == 1
        tree_url = f"{p.base_url.rstrip('/')}/vtex/{p.store.notification_token}/mapper/categories"
        async with p.http.get(tree_url) as answer:  # the registration's categoryTreeEndPoint
            assert answer.status == 200
            assert (await answer.json()) == p.vtex.mapper.only().tree
        assert DEMO_UNMAPPED_TARGET in p.vtex.mapper.leaf_ids()
        notified_before = len(p.vtex.deliveries)
        status = await p.vtex.mapper.map_category(DEMO_UNMAPPED_CATEGORY, DEMO_UNMAPPED_TARGET)
        assert status == 200

        async def published() -> bool:
            return waiting <= set(await p.on_linio()) and await p.quiet()

        await until(published, what="released SKUs on Linio")
        assert len(p.vtex.deliveries) == notified_before  # no new notification
        s1 = {e["sku_id"] for e in await p.logs() if e["code"] == "S1"}
        assert waiting <= s1
        assert await p.runtime.mappings.waiting(p.sid) == 0


async def test_linio_down_mid_load_loses_nothing(settings: Settings) -> None:
    async with pipeline(settings, n_skus=40, faulty_share=0.0) as p:
        total = {str(s) for s in p.vtex.catalog.healthy_sku_ids()}
        p.linio.faults.fail_next(100_000, status=503)  # Seller Center down during the load
        await p.load()

        async def listed_and_tried() -> bool:
            progress = await p.runtime.loads.progress(p.sid)
            read = p.vtex.requests_to("/api/catalog_system/pvt/sku/stockkeepingunitbyid/")
            return bool(progress and progress.get("listing_done")) and len(read) >= len(total)

        await until(listed_and_tried, what="load listed while Seller Center is down")
        await asyncio.sleep(2.0)  # VTEX is read, Seller Center refuses every call meanwhile
        assert p.linio.products(SELLER.user_id) == {}
        assert await p.runtime.dead_letters.count(store_id=p.sid) == 0
        p.linio.faults.clear()  # …and comes back
        await until(p.settled, what="load settled after recovery")
        assert set(await p.on_linio()) == total  # nothing lost…
        feeds = p.linio.feeds(SELLER.user_id).values()
        created = [r["SellerSku"] for f in feeds if f.action == "ProductCreate" for r in f.records]
        assert sorted(created) == sorted(total)  # …and nothing created twice
        assert await p.runtime.dead_letters.count(store_id=p.sid) == 0


async def test_a_listing_already_on_linio_is_adopted_not_created_twice(settings: Settings) -> None:
    async with pipeline(settings, n_skus=12, faulty_share=0.0) as p:
        healthy = sorted(str(s) for s in p.vtex.catalog.healthy_sku_ids())
        existing = healthy[0]  # made by hand (or by Linio's plugin) before the connector
        await p.client().product_create([sample_product(existing, Name="Hecho a mano")])

        async def created() -> bool:
            return existing in p.linio.products(SELLER.user_id)

        await until(created, what="hand-made listing on Linio")
        await p.load()
        await until(p.settled, what="load settled")
        feeds = list(p.linio.feeds(SELLER.user_id).values())
        created_by_us = [
            r["SellerSku"] for f in feeds[1:] if f.action == "ProductCreate" for r in f.records
        ]
        assert existing not in created_by_us
        updated = [r for f in feeds if f.action == "ProductUpdate" for r in f.records]
        assert any(r["SellerSku"] == existing for r in updated)
        products = await p.on_linio()
        assert set(products) == set(healthy)
        assert products[existing].name != "Hecho a mano"  # linked, then updated from VTEX
        state = await p.runtime.sku_states.get(p.sid, existing)
        assert state is not None and state["on_linio"] is True and state.get("adopted") is True


async def test_the_first_offer_counts_units_linio_still_reserves_and_reconciliation_heals_nothing(
    settings: Settings,
) -> None:
    """CLARIFICATIONS §4, issue 19 item 5: a listing already on Linio gets an order of 2
    units, placed in VTEX (VTEX's balance loses them) and still pending on Linio (Linio
    reserves them). The initial load adopts the listing: its first Quantity is VTEX's
    balance − safety stock + the 2 reserved, so Linio's Available is balance − safety stock,
    and a reconciliation right after finds nothing to heal and writes nothing to Seller
    Center."""
    async with pipeline(settings, n_skus=6, faulty_share=0.0, safety_stock=1) as p:
        sku_id = sorted(str(s) for s in p.vtex.catalog.healthy_sku_ids())[0]
        await p.client().product_create([sample_product(sku_id, Quantity=50)])

        async def listed() -> bool:
            return sku_id in p.linio.products(SELLER.user_id)

        await until(listed, what="listing on Linio before the connector's load")
        vtex_sku = p.vtex.catalog.skus[int(sku_id)]
        channel = p.store.sales_channel
        balance_before = vtex_sku.stock[channel]
        paid = Decimal(vtex_sku.prices[channel].price).scaleb(-2)  # what VTEX charges
        order = p.linio.add_order(SELLER.user_id, [(sku_id, 2, paid)])
        orders = OrderFlows(**p.runtime.resources(), connector_endpoint=p.base_url)
        await orders.sync_from_linio(p.sid, order.order_id, "test")

        async def in_vtex() -> bool:
            doc = await p.runtime.storage.db[ORDERS].find_one({"linio_order_id": order.order_id})
            return bool(doc and doc.get("state") in RESERVED_IN_VTEX)

        await until(in_vtex, what="order placed in VTEX")
        balance = vtex_sku.stock[channel]
        assert balance == balance_before - 2  # VTEX holds the order's units
        assert p.linio.states[SELLER.user_id].stock(sku_id)[1] == 2  # Linio reserves them

        await p.load()
        await until(p.settled, what="load settled")
        expected = balance - 1 + 2  # balance − safety stock + reserved on Linio
        assert p.linio.states[SELLER.user_id].stock(sku_id) == (expected, 2, balance - 1)

        feeds_before = len(p.linio.feeds(SELLER.user_id))
        outcomes = await make_flows(**p.runtime.resources()).reconcile(p.store)
        assert sku_id in {o.sku_id for o in outcomes}
        assert report_of(outcomes)["healed"] == 0, [o for o in outcomes if o.staged]
        await until(p.quiet, what="quiet after reconciliation")
        assert len(p.linio.feeds(SELLER.user_id)) == feeds_before  # no Seller Center write
        drifts = [e for e in await p.logs() if e["code"] == "catalog.offer_drift"]
        assert drifts == []


async def test_a_deactivated_sku_goes_to_stock_zero_and_inactive(settings: Settings) -> None:
    async with pipeline(settings, n_skus=6, faulty_share=0.0) as p:
        await p.load()
        await until(p.settled, what="load settled")
        sku_id = str(p.vtex.catalog.healthy_sku_ids()[0])
        await p.runtime.broker.publish_work(SkuWork(p.sid, sku_id=sku_id, action="deactivate"))

        async def inactive() -> bool:
            product = p.linio.products(SELLER.user_id)[sku_id]
            return str(product.get("Status")) == "inactive" and int(product["Quantity"]) == 0

        await until(inactive, what="deactivated on Linio")
        state = await p.runtime.sku_states.get(p.sid, sku_id)
        assert state is not None and state["status"] == "deactivated"


async def test_deactivating_the_store_takes_every_published_sku_off_linio(
    settings: Settings,
) -> None:
    async with pipeline(settings, n_skus=8, faulty_share=0.0) as p:
        await p.load()
        await until(p.settled, what="load settled")
        await p.runtime.broker.publish_work(StoreWork(p.sid, action="deactivate_store"))

        async def all_inactive() -> bool:
            products = p.linio.products(SELLER.user_id).values()
            return all(str(x.get("Status")) == "inactive" for x in products)

        await until(all_inactive, what="every SKU inactive on Linio")
        assert len(p.linio.products(SELLER.user_id)) == len(p.vtex.catalog.healthy_sku_ids())
        counts = await p.runtime.sku_states.counts(p.sid)
        assert counts.get("deactivated") == len(p.vtex.catalog.healthy_sku_ids())


# --- Deactivation and reactivation through VTEX's notifications (issue 10) --------------------


async def test_a_sku_removed_from_the_trade_policy_goes_to_stock_zero_and_inactive(
    settings: Settings,
) -> None:
    """The seller takes a product out of the marketplace's trade policy in VTEX: VTEX's
    notification reaches the service, and on the Seller Center simulator the SKU ends with
    Quantity 0 AND Status inactive, logged for the seller."""
    async with pipeline(settings, n_skus=6, faulty_share=0.0) as p:
        p.subscribe()
        await p.load()
        await until(p.settled, what="load settled")
        sku_id = p.vtex.catalog.healthy_sku_ids()[0]
        product = p.vtex.catalog.product_of(p.vtex.catalog.skus[sku_id])
        others = [c for c in product.sales_channels if c != p.store.sales_channel] or ["1"]
        deliveries = await p.vtex.change_sku(sku_id, sales_channels=others)
        assert deliveries and all(d.status == 200 for d in deliveries), deliveries

        async def offline() -> bool:
            shown = (await p.on_linio())[str(sku_id)]
            return shown.status == "inactive" and shown.quantity == 0

        await until(offline, what="stock 0 and inactive on Linio")
        codes = [e["code"] for e in await p.logs(str(sku_id))]
        assert "catalog.taken_offline_inactive" in codes


@pytest.mark.parametrize("mode", ["inactive", "remove"])
async def test_a_deactivated_sku_is_restored_when_vtex_offers_it_again(
    settings: Settings, mode: str
) -> None:
    """IsActive=false in VTEX takes the SKU off Linio the store's way (inactive + stock 0,
    or ProductRemove with the mapping cleaned on confirmation); IsActive=true again
    restores it: re-activated with its stock, or created again."""
    async with pipeline(settings, n_skus=6, faulty_share=0.0, deactivation=mode) as p:
        p.subscribe()
        await p.load()
        await until(p.settled, what="load settled")
        sku_id = p.vtex.catalog.healthy_sku_ids()[0]
        sku = str(sku_id)
        stock = p.vtex.catalog.skus[sku_id].stock[p.store.sales_channel]
        assert stock > 0
        await p.vtex.change_sku(sku_id, active=False)

        async def taken_off() -> bool:
            shown = p.linio.products(SELLER.user_id).get(sku)
            if mode == "remove":
                state = await p.runtime.sku_states.get(p.sid, sku) or {}
                return shown is None and state.get("on_linio") is False
            return shown is not None and shown.get("Status") == "inactive"

        await until(taken_off, what=f"taken off Linio ({mode})")
        state = await p.runtime.sku_states.get(p.sid, sku) or {}
        assert ("seller_sku" in state) is (mode == "inactive")
        await until(p.quiet, what="quiet after deactivation")
        await p.vtex.change_sku(sku_id, active=True)

        restored = partial(_live_with_stock, p, sku, stock)

        await until(restored, what="restored on Linio")
        actions = [
            d["action"]
            for d in await FeedRecords(p.runtime.storage.db).for_store(p.sid)
            if sku in d.get("skus", [])
        ]
        if mode == "remove":
            assert actions.count("ProductCreate") == 2 and "ProductRemove" in actions
        else:
            assert actions.count("ProductCreate") == 1 and "ProductRemove" not in actions


async def _live_with_stock(p: Pipeline, sku: str, stock: int) -> bool:
    """The SKU is on Linio, active, with `stock` units."""
    shown = (await p.on_linio()).get(sku)
    return shown is not None and shown.status == "active" and shown.quantity == stock


@pytest.mark.parametrize("mode", ["inactive", "remove"])
async def test_a_quick_off_and_on_ends_live(settings: Settings, mode: str) -> None:
    """Switched off and on again at once: whether the deactivation is still staged, in
    flight or confirmed when the reactivation comes, the SKU ends live with its stock."""
    async with pipeline(settings, n_skus=6, faulty_share=0.0, deactivation=mode) as p:
        p.subscribe()
        await p.load()
        await until(p.settled, what="load settled")
        sku_id = p.vtex.catalog.healthy_sku_ids()[0]
        sku = str(sku_id)
        stock = p.vtex.catalog.skus[sku_id].stock[p.store.sales_channel]

        restored = partial(_live_with_stock, p, sku, stock)

        await p.vtex.change_sku(sku_id, active=False)
        await p.vtex.change_sku(sku_id, active=True)
        await until(restored, what="restored after a quick off-and-on")
        await until(p.quiet, what="quiet after the quick off-and-on")
        assert await restored()


# --- Seller Center's limits under price/stock bursts and reconciliation -----------------------


async def test_a_price_and_stock_burst_with_reconciliation_stays_within_seller_center_limits(
    settings: Settings,
) -> None:
    """Initial load, then price and stock changes to 80 SKUs notified by VTEX while ten
    reconciliation passes and 40 single-SKU read-backs run at once, through the real
    worker: far more than 30 calls are asked for within seconds, yet on the Seller Center
    simulator's arrival times no 3 s hold more than 30 requests, no request is refused for
    the rate or the feed quota (E429), and the feeds created stay within the quota."""
    async with pipeline(settings, n_skus=120, faulty_share=0.0) as p:
        p.subscribe()
        started = asyncio.get_running_loop().time()
        await p.load()
        await until(p.settled, what="load settled")
        flows = make_flows(**p.runtime.resources())
        healthy = p.vtex.catalog.healthy_sku_ids()[:80]

        async def burst() -> None:
            for n, sku_id in enumerate(healthy):
                await p.vtex.change_sku(sku_id, price=20000 + n, stock=3 + n % 5)

        async def reconcile() -> None:  # passes as several workers' schedules would run
            await asyncio.gather(*(flows.reconcile(p.store) for _ in range(10)))

        async def live_reads() -> None:  # read-backs of one SKU each, as after small feeds
            await asyncio.gather(*(flows.checks.read_back(p.store, [str(s)]) for s in healthy[:40]))

        before = len(p.linio.requests)
        await asyncio.gather(burst(), reconcile(), live_reads())
        assert len(p.linio.requests) - before > 60  # far more than one window's 30 asked

        async def caught_up() -> bool:
            if not await p.quiet():
                return False
            depths = [await p.runtime.broker.depth(f"{c}.{p.sid}") for c in ("price", "stock")]
            shown = await p.on_linio()
            last = healthy[-1]
            return not any(depths) and shown[str(last)].quantity == 3 + (len(healthy) - 1) % 5

        await until(caught_up, what="burst settled on Linio")
        elapsed = asyncio.get_running_loop().time() - started
        requests = [r for r in p.linio.requests if r.user_id == SELLER.user_id]
        assert p.linio.max_in_window(SELLER.user_id) <= 30
        assert [r for r in requests if r.status == 429] == []
        feeds = [r for r in requests if r.action in FEED_ACTIONS]
        assert 0 < len(feeds) <= 50 + int(elapsed / 120)


async def test_a_sku_inactive_on_vtex_but_live_on_linio_is_taken_offline_by_reconciliation(
    settings: Settings,
) -> None:
    """VTEX never notifies (the SKU is switched off in the catalog silently): the periodic
    reconciliation finds it not offered yet live on Linio, hands it to the catalog flow,
    and it ends inactive with stock 0 on the Seller Center simulator."""
    async with pipeline(settings, n_skus=6, faulty_share=0.0) as p:
        await p.load()
        await until(p.settled, what="load settled")
        sku_id = p.vtex.catalog.healthy_sku_ids()[0]
        p.vtex.catalog.skus[sku_id].is_active = False  # no notification
        deliveries = len(p.vtex.deliveries)
        outcomes = await make_flows(**p.runtime.resources()).reconcile(p.store)
        assert len(outcomes) == len(p.vtex.catalog.healthy_sku_ids())
        assert len(p.vtex.deliveries) == deliveries  # VTEX sent nothing

        async def offline() -> bool:
            shown = (await p.on_linio())[str(sku_id)]
            return shown.status == "inactive" and shown.quantity == 0

        await until(offline, what="inactive and stock 0 on Linio")
        others = await p.on_linio()
        assert all(others[str(s)].status == "active" for s in p.vtex.catalog.healthy_sku_ids()[1:])


async def test_a_store_switched_off_by_vtex_takes_all_its_products_offline_with_progress(
    settings: Settings,
) -> None:
    """The template app's store-config says `active: false` (as VTEX sends it, over HTTP):
    every product on the Seller Center simulator goes inactive with stock 0 — even where
    the store chose removal for single SKUs — and the status API shows the progress; a
    stock change meanwhile does not bring anything back; `active: true` loads it again."""
    async with pipeline(settings, n_skus=8, faulty_share=0.0, deactivation="remove") as p:
        p.subscribe()
        await p.load()
        await until(p.settled, what="load settled")
        healthy = p.vtex.catalog.healthy_sku_ids()
        _, connector = p.store.endpoints(p.base_url.rstrip("/"))
        config = {
            "accountName": p.store.account,
            "active": False,
            "affiliateId": p.store.affiliate_id,
            "salesChannel": p.store.sales_channel,
            "email": "ops@acme.mx",
        }
        async with p.http.post(f"{connector}/store-config/notification", json=config) as r:
            assert r.status == 200, await r.text()
        await p.vtex.change_sku(healthy[0], stock=50)  # ignored while the store is off

        async def all_offline() -> bool:
            products = p.linio.products(SELLER.user_id).values()
            return (
                all(
                    x.get("Status") == "inactive" and int(x.get("Quantity") or 0) == 0
                    for x in products
                )
                and await p.quiet()
            )

        await until(all_offline, what="every product inactive with stock 0")
        assert len(p.linio.products(SELLER.user_id)) == len(healthy)  # none removed
        admin = {"Authorization": aiohttp.encode_basic_auth("admin", "test-admin-password")}
        async with p.http.get(f"{p.base_url}/api/stores/{p.sid}/status", headers=admin) as r:
            report = await r.json()
        assert report["active"] is False
        assert report["offline"] == {
            "deactivated": len(healthy),
            "confirmed": len(healthy),
            "remaining": 0,
        }

        async with p.http.post(
            f"{connector}/store-config/notification", json={**config, "active": True}
        ) as r:
            assert r.status == 200, await r.text()

        async def back_online() -> bool:
            products = p.linio.products(SELLER.user_id).values()
            return all(x.get("Status") == "active" for x in products) and await p.quiet()

        await until(back_online, what="every product active again")


async def test_price_and_stock_changes_notified_by_vtex_reach_linio_with_the_store_rules(
    settings: Settings,
) -> None:
    """The whole path: the VTEX simulator's notification → the service → the price and
    stock queues → one simulation → the feed owner → the Seller Center simulator, with the
    store's markup (10 % + 5) and safety stock (2) applied."""
    async with pipeline(
        settings, n_skus=6, faulty_share=0.0, markup_percent="10", markup_fixed="5", safety_stock=2
    ) as p:
        p.subscribe()
        await p.load()
        await until(p.settled, what="load settled")
        sku_id = p.vtex.catalog.healthy_sku_ids()[0]
        deliveries = await p.vtex.change_sku(sku_id, price=12345, list_price=12345, stock=9)
        assert [d.status for d in deliveries] == [200]

        async def arrived() -> bool:
            shown = (await p.on_linio())[str(sku_id)]
            return shown.quantity == 7 and shown.price == Decimal("140.80")

        await until(arrived, what="price 140.80 and stock 7 on Linio")
