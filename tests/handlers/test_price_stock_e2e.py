"""Price and stock flows end to end: the VTEX simulator, the Seller Center simulator, real
SecantusDB, the feed owner, and (for the queue path) both brokers.

SKUs are put on Linio WITHOUT the catalog consumer: the test stages a ProductCreate through
`FeedScheduler` directly (content from `sample_product`, the offer the VTEX simulator has)
and links the VTEX SKU to its SellerSku in the states table.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

import pytest
from aiohttp import encode_basic_auth
from aiohttp.test_utils import TestClient

from app.broker import Message, queue_name
from app.reconcile_command import reconcile_in_process
from app.runtime import Runtime, open_runtime
from app.settings import Settings
from app.storage import LOGS, ORDERS
from domain.catalog.feeds import FeedRecords, version_now
from domain.catalog.lots import Entry
from domain.orders.ledger import RESERVED_IN_VTEX
from domain.stores import Store
from domain.work import SkuWork, StoreWork
from flows.price_stock import PriceStockFlow
from handlers.consumers_catalog import make_catalog_consumer
from handlers.consumers_feeds import FeedOwner, OwnerTimings, pool_clients
from handlers.consumers_orders import OrderFlows, order_consumer, order_status_consumer
from handlers.consumers_price_stock import PriceStockConsumer, Reconciler, make_flows
from handlers.store_status import status_report
from simulators.linio import LinioSimulator, SimSeller
from simulators.linio.connect import sample_product
from simulators.vtex import VtexSimulator
from tests.handlers.rigs import simulated_store, until

SELLER = SimSeller(user_id="ops@acme.mx", api_key="KEY-prices", seller_id="ACME01", country="MX")
FAST = OwnerTimings(poll_interval=0.2, hint_every=0.05, outage_cap=0.5, max_run=120.0)


def _message(work: SkuWork) -> Message:
    return Message(uuid.uuid4().hex, queue_name(work.queue_context, work.store_id), work.to_body())


@dataclass
class World:
    runtime: Runtime
    vtex: VtexSimulator
    linio: LinioSimulator
    store: Store
    flows: PriceStockFlow

    read_backs: list[list[str]] = field(default_factory=list)

    async def read_back(self, store: Store, entries: list[tuple[Entry, str]]) -> list[str]:
        """The feed owner's read-back hook, as `feed_consumer` wires it, observed."""
        healed = await self.flows.verify(store, entries)
        self.read_backs.append(healed)
        return healed

    @property
    def sid(self) -> str:
        return self.store.store_id

    def on_linio(self, seller_sku: str) -> dict[str, Any]:
        return self.linio.products(SELLER.user_id).get(seller_sku) or {}

    async def start_owner(self) -> None:
        owner = FeedOwner(
            self.runtime.storage.db,
            self.runtime.feed_scheduler,
            stores=self.runtime.stores.get,
            client_for=pool_clients(self.runtime.clients),
            states=self.runtime.sku_states,
            seller_log=self.runtime.seller_log,
            timings=FAST,
            read_back=self.read_back,
        )
        await self.runtime.broker.consume(queue_name("feed", self.sid), owner, prefetch=1)
        await self.runtime.feed_scheduler.nudge(self.sid, "test")

    async def idle(self) -> bool:
        staged = await self.runtime.feed_scheduler.staging.count(self.sid)
        flying = await FeedRecords(self.runtime.storage.db).in_flight(self.sid)
        return staged == 0 and not flying

    async def publish(self, *, price: int = 10000, list_price: int | None = None, stock: int = 10):
        """A VTEX SKU in the store's trade policy, created on Linio by a staged create."""
        sku = self.vtex.catalog.add_sku(
            price=price,
            list_price=list_price,
            stock=stock,
            sales_channel=self.store.sales_channel,
        )
        sku_id = str(sku.id)
        await self.runtime.sku_states.link(self.sid, sku_id, sku_id)
        fields = sample_product(sku_id, Price=Decimal(price).scaleb(-2), Quantity=stock)
        fields.pop("SellerSku")
        await self.runtime.feed_scheduler.stage(self.sid, sku_id, "create", fields, version_now())
        return sku

    async def live(self, sku_id: str) -> None:
        async def ready() -> bool:
            state = await self.runtime.sku_states.get(self.sid, sku_id) or {}
            return bool(state.get("on_linio")) and await self.idle()

        await until(ready)


@pytest.fixture
async def world_factory(
    runtime: Runtime,
) -> AsyncIterator[Callable[..., Awaitable[World]]]:
    stack: list[Any] = []

    async def make(runtime: Runtime = runtime, **rules: Any) -> World:
        vtex = VtexSimulator("acme", seed=5)
        await vtex.__aenter__()
        linio = LinioSimulator([SELLER], feed_delay=0.05)
        await linio.__aenter__()
        stack.extend([vtex, linio])
        store = simulated_store(
            vtex, linio, SELLER, store_id=f"acme-{uuid.uuid4().hex[:8]}", **rules
        )
        await runtime.stores.upsert(store)
        world = World(runtime, vtex, linio, store, make_flows(**runtime.resources()))
        await world.start_owner()
        return world

    yield make
    for sim in reversed(stack):
        await sim.__aexit__(None, None, None)


async def test_a_stock_change_in_vtex_reaches_linio_through_the_queue(
    broker_settings: Settings, world_factory: Callable[..., Awaitable[World]]
) -> None:
    async with open_runtime(broker_settings) as runtime:
        w = await world_factory(runtime)
        sku = await w.publish(stock=10)
        await w.live(str(sku.id))
        consumer = PriceStockConsumer(w.flows, runtime.broker, lot_wait=0.05)
        await runtime.broker.consume(queue_name("stock", w.sid), consumer, prefetch=50)
        sku.stock[w.store.sales_channel] = 3
        await runtime.broker.publish_work(
            SkuWork(store_id=w.sid, sku_id=str(sku.id), action="stock")
        )

        async def three() -> bool:
            return str(w.on_linio(str(sku.id)).get("Quantity")) == "3"

        await until(three)
        await runtime.broker.stop_consuming(queue_name("stock", w.sid))
        await runtime.broker.stop_consuming(queue_name("feed", w.sid))
        assert w.linio.max_in_window(SELLER.user_id) <= 30


async def test_messages_arriving_together_share_one_simulation(
    world_factory: Callable[..., Awaitable[World]],
) -> None:
    w = await world_factory()
    skus = [await w.publish(stock=5) for _ in range(12)]
    await until(w.idle)
    for sku in skus:
        sku.stock[w.store.sales_channel] = 1
    before = len(w.vtex.requests_to("/api/fulfillment"))
    consumer = PriceStockConsumer(w.flows, w.runtime.broker, lot_size=12, lot_wait=60.0)
    messages = [_message(SkuWork(w.sid, sku_id=str(s.id), action="stock")) for s in skus]
    await asyncio.gather(*(consumer(m) for m in messages))  # the lot closes on size
    assert len(w.vtex.requests_to("/api/fulfillment")) - before == 1

    async def all_one() -> bool:
        return all(str(w.on_linio(str(s.id)).get("Quantity")) == "1" for s in skus)

    await until(all_one)


async def test_hundred_price_changes_end_with_the_last_price_in_one_feed_entry(
    world_factory: Callable[..., Awaitable[World]],
) -> None:
    w = await world_factory()
    sku = await w.publish(price=10000)
    sid, sku_id = w.sid, str(sku.id)
    await w.live(sku_id)
    # Hold the feed owner: nothing consumes feed.<store> while the 100 reads are staged.
    await w.runtime.broker.stop_consuming(queue_name("feed", sid))
    feeds_before = len(await FeedRecords(w.runtime.storage.db).for_store(sid))
    for i in range(100):
        sku.prices[w.store.sales_channel].price = 20000 + i
        sku.prices[w.store.sales_channel].list_price = 20000 + i
        await w.flows.refresh(w.store, [sku_id], "price")
    await w.start_owner()  # release
    await until(w.idle)
    assert Decimal(str(w.on_linio(sku_id)["Price"])) == Decimal("200.99")
    docs = (await FeedRecords(w.runtime.storage.db).for_store(sid))[feeds_before:]
    entries = [e for d in docs for e in d["entries"] if e["seller_sku"] == sku_id]
    assert len(entries) == 1


async def test_a_sku_removed_from_the_trade_policy_goes_to_stock_zero_with_an_a1_log(
    world_factory: Callable[..., Awaitable[World]],
) -> None:
    w = await world_factory()
    sku = await w.publish(stock=10)
    await w.live(str(sku.id))
    product = w.vtex.catalog.products[sku.product_id]
    product.sales_channels = [c for c in product.sales_channels if c != w.store.sales_channel]
    [outcome] = await w.flows.refresh(w.store, [str(sku.id)], "stock")
    assert outcome.result == "zero"
    await until(w.idle)
    assert str(w.on_linio(str(sku.id))["Quantity"]) == "0"
    logs = await w.runtime.storage.db[LOGS].find({"store_id": w.sid}).to_list(None)
    assert any(entry.get("code") == "A1" for entry in logs), logs


async def test_a_price_drop_over_the_guard_is_held_until_approved(
    world_factory: Callable[..., Awaitable[World]], service: TestClient
) -> None:
    w = await world_factory(price_drop_guard_percent="20")
    sku = await w.publish(price=10000)
    sku_id = str(sku.id)
    await w.live(sku_id)
    sku.prices[w.store.sales_channel].price = 9000  # -10 %: allowed
    sku.prices[w.store.sales_channel].list_price = 9000
    await w.flows.refresh(w.store, [sku_id])
    await until(w.idle)
    assert Decimal(str(w.on_linio(sku_id)["Price"])) == Decimal("90.00")
    sku.prices[w.store.sales_channel].price = 4500  # -50 %: held
    sku.prices[w.store.sales_channel].list_price = 4500
    [outcome] = await w.flows.refresh(w.store, [sku_id])
    assert outcome.result == "held"
    await until(w.idle)
    assert Decimal(str(w.on_linio(sku_id)["Price"])) == Decimal("90.00")
    held = await w.flows.offers.held(w.sid)
    assert held[0]["price_hold"]["new"] == "45.00"
    logs = await w.runtime.storage.db[LOGS].find({"store_id": w.sid}).to_list(None)
    assert any(entry.get("code") == "E1" for entry in logs)
    url = f"/api/stores/{w.sid}/skus/{sku_id}/approve-price"
    assert (await service.post(url)).status == 401  # dashboard credentials only
    admin = {"Authorization": encode_basic_auth("admin", "test-admin-password")}
    response = await service.post(url, headers=admin)
    assert response.status == 200, await response.text()
    assert (await service.post(url, headers=admin)).status == 404  # nothing held any more

    async def released() -> bool:
        return Decimal(str(w.on_linio(sku_id).get("Price"))) == Decimal("45.00")

    await until(released)
    assert await w.flows.offers.held(w.sid) == []
    [again] = await w.flows.refresh(w.store, [sku_id])  # the approved price is not re-held
    assert again.result != "held"


async def test_markup_rounding_and_safety_stock_apply(
    world_factory: Callable[..., Awaitable[World]],
) -> None:
    w = await world_factory(markup_percent="10", markup_fixed="5", safety_stock=2)
    sku = await w.publish(price=10000, stock=10)
    sku_id = str(sku.id)
    await w.live(sku_id)
    sku.prices[w.store.sales_channel].price = 12345
    sku.prices[w.store.sales_channel].list_price = 12345
    await w.flows.refresh(w.store, [sku_id])
    await until(w.idle)
    shown = w.on_linio(sku_id)
    assert Decimal(str(shown["Price"])) == Decimal("140.80")  # 123.45 * 1.10 + 5, rounded
    assert str(shown["Quantity"]) == "8"


async def test_stock_changed_behind_our_back_is_healed_by_reconciliation(
    world_factory: Callable[..., Awaitable[World]], service: TestClient
) -> None:
    w = await world_factory()
    sku = await w.publish(stock=10)
    sku_id = str(sku.id)
    await w.live(sku_id)
    await w.flows.refresh(w.store, [sku_id])
    await until(w.idle)
    w.linio.products(SELLER.user_id)[sku_id]["Quantity"] = 99  # someone edits Seller Center
    admin = {"Authorization": encode_basic_auth("admin", "test-admin-password")}
    response = await service.post(f"/api/stores/{w.sid}/reconcile", headers=admin)
    assert await response.json() == {"checked": 1, "healed": 1, "held": 0}

    async def healed() -> bool:
        return str(w.on_linio(sku_id).get("Quantity")) == "10"

    await until(healed)
    assert w.linio.max_in_window(SELLER.user_id) <= 30


async def test_a_promotion_ending_without_notification_is_cleared_by_reconciliation(
    world_factory: Callable[..., Awaitable[World]],
) -> None:
    w = await world_factory()
    sku = await w.publish(price=15000, list_price=20000)
    sku_id = str(sku.id)
    await w.live(sku_id)
    await w.flows.refresh(w.store, [sku_id])
    await until(w.idle)
    assert Decimal(str(w.on_linio(sku_id)["SalePrice"])) == Decimal("150.00")
    assert Decimal(str(w.on_linio(sku_id)["Price"])) == Decimal("200.00")
    sku.prices[w.store.sales_channel].price = 20000  # the promotion ends; VTEX says nothing
    await w.flows.reconcile(w.store)

    async def cleared() -> bool:
        return w.on_linio(sku_id).get("SalePrice") in ("", None)

    await until(cleared)
    assert Decimal(str(w.on_linio(sku_id)["Price"])) == Decimal("200.00")


async def test_a_sku_linio_lacks_goes_to_the_catalog_queue(
    world_factory: Callable[..., Awaitable[World]],
) -> None:
    w = await world_factory()
    sku = w.vtex.catalog.add_sku(price=1000, sales_channel=w.store.sales_channel)
    [outcome] = await w.flows.refresh(w.store, [str(sku.id)], "price")
    assert outcome.result == "upsert"
    assert await w.runtime.broker.depth(queue_name("catalog", w.sid)) == 1


async def test_the_cli_reconciles_in_process_when_no_service_runs(
    settings: Settings, world_factory: Callable[..., Awaitable[World]]
) -> None:
    """`vtex-linio reconcile STORE` without a service: its own runtime and worker send the
    healing feed (the test's feed owner is stopped first)."""
    w = await world_factory()
    sku = await w.publish(stock=6)
    sku_id = str(sku.id)
    await w.live(sku_id)
    await w.runtime.broker.stop_consuming(queue_name("feed", w.sid))
    w.linio.products(SELLER.user_id)[sku_id]["Quantity"] = 0  # stuck at zero on Linio
    assert await reconcile_in_process(settings, w.sid, timeout=120.0) == 0
    assert str(w.on_linio(sku_id).get("Quantity")) == "6"


async def test_read_back_after_a_feed_heals_what_linio_shows_otherwise(
    world_factory: Callable[..., Awaitable[World]],
) -> None:
    w = await world_factory()
    sku = await w.publish(stock=10)
    sku_id = str(sku.id)
    await w.live(sku_id)
    sku.stock[w.store.sales_channel] = 4
    await w.flows.refresh(w.store, [sku_id], "stock")

    async def read_back() -> bool:
        return len(w.read_backs) == 1

    await until(read_back)
    assert w.read_backs == [[]]  # the owner read the ProductUpdate back: it matched
    assert str(w.on_linio(sku_id)["Quantity"]) == "4"
    # Seller Center changes it behind our back; the read-back of that feed sees it.
    w.linio.products(SELLER.user_id)[sku_id]["Quantity"] = 40
    state = await w.runtime.sku_states.get(w.sid, sku_id) or {}
    version = int(state.get("offer_checked_at").timestamp() * 1e9)
    healed = await w.flows.verify(w.store, [(Entry(sku_id, {}, {"Quantity": version}), sku_id)])
    assert healed == [sku_id]

    async def back_to_four() -> bool:
        return str(w.on_linio(sku_id).get("Quantity")) == "4"

    await until(back_to_four)
    logs = await w.runtime.storage.db[LOGS].find({"store_id": w.sid}).to_list(None)
    assert any(entry.get("code") == "catalog.offer_drift" for entry in logs)


async def test_reconciliation_spends_its_budget_on_the_most_sold_and_stalest_first(
    world_factory: Callable[..., Awaitable[World]],
) -> None:
    """150 published SKUs, a budget of 100: one simulation (chunked by the client) and one
    GetProducts page; the SKU with sales and the never-checked ones go first; Seller Center's
    window is never exceeded."""
    w = await world_factory(reconcile_budget=100)
    skus = [await w.publish(stock=3) for _ in range(150)]
    await until(w.idle)
    await w.flows.offers.checked(w.sid, [str(s.id) for s in skus[:100]])  # fresh
    best = str(skus[10].id)
    await w.runtime.storage.db["sku_states"].update_one(
        {"store_id": w.sid, "sku_id": best}, {"$set": {"units_sold": 7}}
    )
    before = [r for r in w.linio.requests if r.action == "GetProducts"]
    outcomes = await w.flows.reconcile(w.store)
    checked = [o.sku_id for o in outcomes]
    assert len(checked) == 100
    assert best in checked
    assert {str(s.id) for s in skus[100:]} <= set(checked)  # never checked: first
    after = [r for r in w.linio.requests if r.action == "GetProducts"]
    assert len(after) - len(before) == 1
    assert w.linio.max_in_window(SELLER.user_id) <= 30


async def test_a_store_switched_off_gets_no_price_or_stock_work(
    world_factory: Callable[..., Awaitable[World]],
) -> None:
    """Taking the SKUs offline is the catalog flow's (`StoreWork(action="deactivate_store")`,
    published by the store-config route); the price and stock flows must not bring them
    back: an inactive store's messages are dropped and reconciliation skips it, and a SKU
    the catalog flow deactivated is left alone."""
    w = await world_factory()
    sku = await w.publish(stock=5)
    sku_id = str(sku.id)
    await w.live(sku_id)
    await w.runtime.sku_states._collection.update_one(
        {"store_id": w.sid, "sku_id": sku_id}, {"$set": {"status": "deactivated"}}
    )
    sku.stock[w.store.sales_channel] = 9
    [outcome] = await w.flows.refresh(w.store, [sku_id], "stock")
    assert outcome.result == "ignored"
    await w.runtime.stores.set_active(w.sid, False)
    consumer = PriceStockConsumer(w.flows, w.runtime.broker, lot_size=1)
    before = len(w.vtex.requests_to("/api/fulfillment"))
    await consumer(_message(SkuWork(store_id=w.sid, sku_id=sku_id, action="stock")))
    assert len(w.vtex.requests_to("/api/fulfillment")) == before
    assert await Reconciler(w.flows).round() == 0
    assert await w.runtime.feed_scheduler.staging.count(w.sid) == 0


async def test_a_store_switched_off_takes_its_products_offline_on_linio(
    world_factory: Callable[..., Awaitable[World]],
) -> None:
    """The catalog consumer's `deactivate_store` (queued by the store-config route when
    `active` turns false) with the price and stock flows around it: every published SKU
    ends inactive with stock 0 on Seller Center, and a later stock message does not bring
    it back."""
    w = await world_factory()
    skus = [await w.publish(stock=5) for _ in range(3)]
    await until(w.idle)
    for sku in skus:
        await w.live(str(sku.id))
    await w.runtime.stores.set_active(w.sid, False)
    catalog = make_catalog_consumer(**w.runtime.resources())
    work = StoreWork(store_id=w.sid, action="deactivate_store")
    await catalog(Message(uuid.uuid4().hex, queue_name("catalog", w.sid), work.to_body()))

    async def offline() -> bool:
        shown = [w.on_linio(str(s.id)) for s in skus]
        return all(p.get("Status") == "inactive" and str(p.get("Quantity")) == "0" for p in shown)

    await until(offline)
    await until(w.idle)
    report = await status_report(w.store, **w.runtime.resources())
    assert report["offline"] == {"deactivated": 3, "confirmed": 3, "remaining": 0}
    [outcome] = await w.flows.refresh(w.store, [str(skus[0].id)], "stock")
    assert outcome.result == "ignored"


# --- Quantity with the units Linio still reserves (CLARIFICATIONS §4) -----------------------


async def test_units_of_orders_vtex_holds_and_linio_reserves_are_not_subtracted_twice(
    world_factory: Callable[..., Awaitable[World]], service: TestClient
) -> None:
    """A Linio order of 2 units placed in VTEX lowers VTEX's balance (10 → 8) while Linio
    still reserves the 2 (pending): Quantity stays 10 so Linio's Available is 8, not 6; the
    read-back compares the Quantity we set, not Available. Once Linio ships (ready to ship
    deducts them from its Quantity) the reserve is gone and Quantity follows VTEX: 8. The
    order counts as 2 units sold, once, however often it is seen."""
    w = await world_factory()
    sku = await w.publish(price=10000, stock=10)
    sku_id = str(sku.id)
    await w.live(sku_id)
    base = str(service.make_url("")).rstrip("/")  # VTEX's processing results come here
    orders = OrderFlows(**w.runtime.resources(), connector_endpoint=base)
    for context in ("order", "order-status"):
        await w.runtime.broker.consume(
            queue_name(context, w.sid),
            (order_consumer if context == "order" else order_status_consumer)(flows=orders),
        )
    order = w.linio.add_order(SELLER.user_id, [(sku_id, 2, Decimal("100.00"))])
    await orders.sync_from_linio(w.sid, order.order_id, "test")

    async def in_vtex() -> bool:
        doc = await w.runtime.storage.db[ORDERS].find_one({"linio_order_id": order.order_id})
        return bool(doc and doc.get("state") in RESERVED_IN_VTEX)

    await until(in_vtex)
    await orders.sync_from_linio(w.sid, order.order_id, "redelivery")
    assert sku.stock[w.store.sales_channel] == 8  # VTEX holds the order's units
    state = await w.runtime.sku_states.get(w.sid, sku_id) or {}
    assert state.get("units_sold") == 2  # counted once

    [outcome] = await w.flows.refresh(w.store, [sku_id], "stock")
    assert outcome.result == "unchanged"  # 8 + 2 reserved = the 10 Linio already has
    w.linio.products(SELLER.user_id)[sku_id]["Quantity"] = "6"  # as if subtracted twice
    await w.flows.reconcile(w.store)

    async def ten() -> bool:
        return str(w.on_linio(sku_id).get("Quantity")) == "10"

    await until(ten)
    assert w.linio.states[SELLER.user_id].stock(sku_id) == (10, 2, 8)  # Available 8
    assert [o.staged for o in await w.flows.reconcile(w.store)] == [()]  # no drift now

    # The seller ships: Linio's Quantity loses the units, the reserve ends.
    await w.flows.clients.linio(w.store).set_status_to_ready_to_ship(
        [i.order_item_id for i in order.items]
    )
    await orders.sync_from_linio(w.sid, order.order_id, "test")
    assert w.linio.states[SELLER.user_id].stock(sku_id) == (8, 0, 8)
    [outcome] = await w.flows.refresh(w.store, [sku_id], "stock")
    assert outcome.staged == ("stock",)  # VTEX's 8, nothing reserved any more

    async def eight() -> bool:
        return await w.idle() and str(w.on_linio(sku_id).get("Quantity")) == "8"

    await until(eight)
    assert w.linio.states[SELLER.user_id].stock(sku_id) == (8, 0, 8)
    state = await w.runtime.sku_states.get(w.sid, sku_id) or {}
    assert state.get("units_sold") == 2


# --- Status: read-back and reconciliation -----------------------------------------------------


async def test_a_status_changed_behind_our_back_is_healed_and_logged(
    world_factory: Callable[..., Awaitable[World]],
) -> None:
    """Live SKU set inactive in Seller Center → reconciliation re-activates it; a SKU we
    deactivated that shows active again → taken offline again, by reconciliation and by the
    read-back of the feed that carried the Status."""
    w = await world_factory()
    live, gone = await w.publish(stock=5), await w.publish(stock=5)
    await until(w.idle)
    live_id, gone_id = str(live.id), str(gone.id)
    await w.live(live_id)
    await w.live(gone_id)
    catalog = make_catalog_consumer(**w.runtime.resources())
    await catalog.flow.offline.deactivate(w.store, gone_id)

    async def gone_offline() -> bool:
        shown = w.on_linio(gone_id)
        return shown.get("Status") == "inactive" and str(shown.get("Quantity")) == "0"

    await until(gone_offline)
    await until(w.idle)
    products = w.linio.products(SELLER.user_id)
    products[live_id]["Status"] = "inactive"  # someone switches it off in Seller Center
    products[gone_id]["Status"] = "active"  # and the one we took offline back on
    outcomes = {o.sku_id: o for o in await w.flows.reconcile(w.store)}
    assert outcomes[live_id].staged == ("status",)
    assert outcomes[gone_id].staged == ("status",)

    async def healed() -> bool:
        return (
            w.on_linio(live_id).get("Status") == "active"
            and w.on_linio(gone_id).get("Status") == "inactive"
        )

    await until(healed)
    await until(w.idle)
    # The read-back of a feed that carried Status=inactive sees it active again.
    products[gone_id]["Status"] = "active"
    state = await w.runtime.sku_states.get(w.sid, gone_id) or {}
    assert state.get("last_status") == "inactive"
    version = version_now()
    healed_ids = await w.flows.verify(w.store, [(Entry(gone_id, {}, {"Status": version}), gone_id)])
    assert healed_ids == [gone_id]
    await until(gone_offline)
    logs = await w.runtime.storage.db[LOGS].find({"store_id": w.sid}).to_list(None)
    drifts = [e for e in logs if e.get("code") == "catalog.offer_drift"]
    assert {e.get("sku_id") for e in drifts} == {live_id, gone_id}
    assert all(e["Message"]["es"] != e["Message"]["en"] for e in drifts)


# --- Deactivation by removal ------------------------------------------------------------------


async def test_removal_cleans_the_mapping_only_after_linio_confirms(
    world_factory: Callable[..., Awaitable[World]],
) -> None:
    """A store that chose removal: the deactivation is a ProductRemove; while it waits
    (feed owner held) the SKU keeps its mapping; once Seller Center's feed result confirms
    it, the listing is gone and the mapping cleaned. The default store sends Status
    inactive + stock 0 instead (test_a_store_switched_off_takes_its_products_offline…)."""
    w = await world_factory(deactivation="remove")
    sku = await w.publish(stock=5)
    sku_id = str(sku.id)
    await w.live(sku_id)
    await w.runtime.broker.stop_consuming(queue_name("feed", w.sid))  # hold
    catalog = make_catalog_consumer(**w.runtime.resources())
    await catalog.flow.offline.deactivate(w.store, sku_id)
    state = await w.runtime.sku_states.get(w.sid, sku_id) or {}
    assert state.get("seller_sku") == sku_id and state.get("on_linio") is True
    assert state.get("last_stock") is not None
    assert sku_id in w.linio.products(SELLER.user_id)
    await w.start_owner()  # release

    async def removed() -> bool:
        return sku_id not in w.linio.products(SELLER.user_id) and await w.idle()

    await until(removed)
    docs = await FeedRecords(w.runtime.storage.db).for_store(w.sid)
    assert [d["action"] for d in docs][-1] == "ProductRemove"
    state = await w.runtime.sku_states.get(w.sid, sku_id) or {}
    assert state.get("on_linio") is False and state.get("status") == "deactivated"
    assert not {"seller_sku", "shop_sku", "last_stock", "last_price"} & set(state)
    assert state["last_result"]["action"] == "ProductRemove"


# --- Reconciliation leaves room for live changes ----------------------------------------------


async def test_reconciliation_is_deferred_while_the_feed_quota_is_within_its_reserve(
    world_factory: Callable[..., Awaitable[World]],
) -> None:
    """The create feed used one of the 50 feeds: with a reserve of 49 a pass would eat into
    what live changes need, so it reads nothing and stages nothing (and the schedule tries
    again later); with the reserve lowered it runs and heals."""
    w = await world_factory(reconcile_feed_reserve=49, reconcile_interval=1)
    sku = await w.publish(stock=4)
    sku_id = str(sku.id)
    await w.live(sku_id)
    w.linio.products(SELLER.user_id)[sku_id]["Quantity"] = "0"
    reads = len([r for r in w.linio.requests if r.action == "GetProducts"])
    assert await w.flows.reconcile(w.store) == []
    assert await Reconciler(w.flows).round() == 0
    assert len([r for r in w.linio.requests if r.action == "GetProducts"]) == reads
    assert await w.runtime.feed_scheduler.staging.count(w.sid) == 0
    await w.runtime.stores.upsert(replace(w.store, reconcile_feed_reserve=10))
    store = await w.runtime.stores.get(w.sid)
    assert store is not None
    [outcome] = await w.flows.reconcile(store)
    assert outcome.staged == ("stock",)

    async def healed() -> bool:
        return str(w.on_linio(sku_id).get("Quantity")) == "4"

    await until(healed)


async def test_reconciliation_reads_never_take_the_calls_reserved_for_live_work(
    world_factory: Callable[..., Awaitable[World]],
) -> None:
    """300 published SKUs (put straight into both simulators), a call reserve of 28: the
    pass's 3 GetProducts pages arrive at Seller Center at most 2 in any 3 s, measured on the
    simulator's arrival times."""
    w = await world_factory(reconcile_call_reserve=28, reconcile_budget=300)
    products = w.linio.products(SELLER.user_id)
    for _ in range(300):
        sku = w.vtex.catalog.add_sku(price=1000, stock=2, sales_channel=w.store.sales_channel)
        sku_id = str(sku.id)
        products[sku_id] = {**sample_product(sku_id, Price="10.00", Quantity="2")}
        await w.runtime.sku_states.link(w.sid, sku_id, sku_id, on_linio=True)
    start = len(w.linio.requests)
    outcomes = await w.flows.reconcile(w.store)
    assert len(outcomes) == 300
    pages = sorted(r.at for r in w.linio.requests[start:] if r.action == "GetProducts")
    assert len(pages) == 3
    assert max(sum(1 for t in pages if s <= t < s + 3.0) for s in pages) <= 2


async def test_two_worker_processes_never_run_the_same_reconciliation_pass(
    world_factory: Callable[..., Awaitable[World]],
) -> None:
    """Each worker process runs the schedule; the pass is claimed in the database, so one
    interval costs Seller Center one pass, not one per worker."""
    w = await world_factory(reconcile_interval=3600)
    sku = await w.publish(stock=2)
    await w.live(str(sku.id))
    first = Reconciler(make_flows(**w.runtime.resources()))
    second = Reconciler(make_flows(**w.runtime.resources()))
    reads = len([r for r in w.linio.requests if r.action == "GetProducts"])
    assert await first.round() + await second.round() == 1
    assert await first.round() + await second.round() == 0  # not due for an hour
    assert len([r for r in w.linio.requests if r.action == "GetProducts"]) == reads + 1
