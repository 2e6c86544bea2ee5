"""The feed owner against the Seller Center simulator, real SecantusDB and both brokers."""

from __future__ import annotations

import asyncio
import collections
import contextlib
import random
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestClient

from app.broker import Message, queue_name
from app.broker.rabbit import RabbitBroker
from app.runtime import Runtime, open_runtime
from app.settings import Settings
from app.worker import Worker
from clients.breaker import BreakerRegistry
from clients.feed_quota import FeedQuota
from clients.linio.client import LinioClient
from domain.catalog.feeds import FeedQuotaLedger, FeedRecords, FeedScheduler
from domain.catalog.lots import IMAGES, MAX_ATTEMPTS, Change
from domain.stores import Store, StoreCredentials
from handlers.consumers import CONSUMERS
from handlers.consumers_feeds import FeedOwner, OwnerTimings
from simulators.linio import LinioSimulator, SimSeller
from simulators.linio.connect import sample_product, sandbox_client
from simulators.linio.faults import Pause
from tests.conftest import _drop, acme_store
from tests.handlers.rigs import until

SELLER = SimSeller(user_id="ops@acme.mx", api_key="KEY-feeds", seller_id="ACME01", country="MX")
FAST = OwnerTimings(poll_interval=0.2, hint_every=0.05, outage_cap=0.5, max_run=120.0)


def content(sku: str, **overrides: Any) -> dict[str, Any]:
    fields = sample_product(sku, **overrides)
    fields.pop("SellerSku")
    return fields


@dataclass
class Rig:
    runtime: Runtime
    sim: LinioSimulator
    store: Store
    client: LinioClient
    owner: FeedOwner

    @property
    def scheduler(self) -> FeedScheduler:
        return self.runtime.feed_scheduler

    @property
    def queue(self) -> str:
        return queue_name("feed", self.store.store_id)

    async def idle(self) -> bool:
        staged = await self.scheduler.staging.count(self.store.store_id)
        flying = await FeedRecords(self.runtime.storage.db).in_flight(self.store.store_id)
        return staged == 0 and not flying

    async def state(self, sku: str) -> dict[str, Any]:
        return await self.runtime.sku_states.get(self.store.store_id, sku) or {}


def make_owner(
    runtime: Runtime, store: Store, client: LinioClient, timings: OwnerTimings = FAST
) -> FeedOwner:
    async def stores(store_id: str) -> Store | None:
        return store if store_id == store.store_id else None

    async def client_for(_: Store) -> LinioClient:
        return client

    return FeedOwner(
        runtime.storage.db,
        runtime.feed_scheduler,
        stores=stores,
        client_for=client_for,
        states=runtime.sku_states,
        seller_log=runtime.seller_log,
        timings=timings,
    )


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


def new_store() -> Store:
    return acme_store(store_id=f"acme-{uuid.uuid4().hex[:8]}", linio_user_id=SELLER.user_id)


@pytest.fixture
async def rig(runtime: Runtime, http: aiohttp.ClientSession) -> AsyncIterator[Rig]:
    async with LinioSimulator([SELLER], feed_delay=0.1) as sim:
        store = new_store()
        await runtime.stores.upsert(store)
        client = sandbox_client(sim.url, http, SELLER, backoff=0.01)
        yield Rig(runtime, sim, store, client, make_owner(runtime, store, client))
        await runtime.broker.stop_consuming(queue_name("feed", store.store_id))
        await sim.settle()


async def test_thousand_stage_calls_for_one_sku_give_one_entry_in_one_feed(
    broker_settings: Settings, http: aiohttp.ClientSession
) -> None:
    async with (
        open_runtime(broker_settings) as runtime,
        LinioSimulator([SELLER], feed_delay=0.1) as sim,
    ):
        store = new_store()
        client = sandbox_client(sim.url, http, SELLER, backoff=0.01)
        rig = Rig(runtime, sim, store, client, make_owner(runtime, store, client))
        sid = store.store_id
        # Held: nothing consumes feed.<store> while the changes arrive.
        await rig.scheduler.stage(sid, "SKU-1", "create", content("SKU-1"), 0)
        versions = list(range(1, 1001))
        random.Random(9).shuffle(versions)  # arrival order is not version order
        for start in range(0, 1000, 50):
            await asyncio.gather(
                *(
                    rig.scheduler.stage(sid, "SKU-1", "price", {"Price": Decimal(v)}, v)
                    for v in versions[start : start + 50]
                )
            )
        assert sim.feeds(SELLER.user_id) == {}
        await runtime.broker.consume(rig.queue, rig.owner, prefetch=1)  # release
        await until(rig.idle)
        await until(lambda: _drained(runtime, rig.queue))
        feeds = list(sim.feeds(SELLER.user_id).values())
        assert [(f.action, len(f.records)) for f in feeds] == [("ProductCreate", 1)]
        assert Decimal(str(sim.products(SELLER.user_id)["SKU-1"]["Price"])) == Decimal(1000)
        state = await rig.state("SKU-1")
        assert state["last_result"]["result"] == "accepted"
        assert state["on_linio"] is True and state["last_price"]["Price"] == "1000"
        await runtime.broker.stop_consuming(rig.queue)
    await _drop(broker_settings)


async def _drained(runtime: Runtime, queue: str) -> bool:
    return await runtime.broker.depth(queue) == 0


async def test_one_rejected_sku_of_500_fails_that_sku_only(rig: Rig) -> None:
    sid = rig.store.store_id
    for i in range(500):
        sku = f"S{i:03}"
        fields = content(sku, Brand="NoSuchBrand") if i == 123 else content(sku)
        await rig.scheduler.staging.stage(sid, Change(sku, "create", fields, 1), sku_id=f"v{i}")
    await rig.owner.run(sid)
    assert await rig.idle()
    [feed] = rig.sim.feeds(SELLER.user_id).values()
    assert feed.action == "ProductCreate" and len(feed.records) == 500
    products = rig.sim.products(SELLER.user_id)
    assert len(products) == 499 and "S123" not in products
    bad = await rig.runtime.sku_states.get(sid, "v123")
    assert bad is not None and bad["last_result"]["result"] == "rejected"
    assert any("NoSuchBrand" in m or "Brand" in m for m in bad["last_result"]["messages"])
    assert "live" not in bad["stages"] and "confirmed" in bad["stages"]
    good = await rig.runtime.sku_states.get(sid, "v7")
    assert good is not None and {"sent", "confirmed", "live"} <= set(good["stages"])
    logs = await rig.runtime.seller_log.find(store_id=sid, limit=1000)
    assert sum(1 for e in logs if e["code"] == "S1") == 499
    [e3] = [e for e in logs if e["code"] == "E3"]
    assert e3["sku_id"] == "v123" and e3["Status"] == "error"
    assert "Brand" in e3["BusinessMessage"] and e3["extra"]["action"] == "ProductCreate"
    assert e3["Message"]["es"].startswith("Ups,")  # the catalogue's E3, in both languages
    assert "ProductCreate: " in e3["Message"]["es"]  # with the action and Seller Center's words
    [s1] = [e for e in logs if e["code"] == "S1" and e["sku_id"] == "v7"]
    assert "Celular S007" in s1["BusinessMessage"] and "S007" in s1["Message"]["es"]


async def test_image_feed_goes_only_after_the_create_is_confirmed(rig: Rig) -> None:
    sid = rig.store.store_id
    urls = ["https://img.acme.mx/1.jpg", "https://img.acme.mx/2.jpg"]
    await rig.scheduler.stage(sid, "IMG-1", "image", {IMAGES: urls}, 1)
    await rig.scheduler.stage(sid, "IMG-1", "create", content("IMG-1"), 2)
    await rig.scheduler.stage(sid, "BAD-1", "image", {IMAGES: urls}, 1)
    await rig.scheduler.stage(sid, "BAD-1", "create", content("BAD-1", Brand="Nope"), 2)
    await rig.owner.run(sid)
    feeds = sorted(rig.sim.feeds(SELLER.user_id).values(), key=lambda f: f.created_at)
    assert [f.action for f in feeds] == ["ProductCreate", "Image"]
    create, image = feeds
    assert create.updated_at is not None and image.created_at >= create.updated_at
    assert [r["SellerSku"] for r in image.records] == ["IMG-1"]  # BAD-1 was never created
    assert rig.sim.products(SELLER.user_id)["IMG-1"]["Images"][0] == urls[0]
    # BAD-1's images wait for a product that Linio does not have: staged, not sent.
    staged = {s.pending.seller_sku for s in await rig.scheduler.staging.load(sid)}
    assert staged == {"BAD-1"}


async def test_price_and_stock_wait_for_a_sku_linio_does_not_have(rig: Rig) -> None:
    sid = rig.store.store_id
    await rig.scheduler.stage(sid, "P-1", "price", {"Price": Decimal("10")}, 1)
    await rig.scheduler.stage(sid, "P-1", "stock", {"Quantity": 0}, 1)
    await rig.owner.run(sid)
    assert rig.sim.feeds(SELLER.user_id) == {}
    await rig.scheduler.stage(sid, "P-1", "create", content("P-1", Price=Decimal("9")), 0)
    await rig.owner.run(sid)
    product = rig.sim.products(SELLER.user_id)["P-1"]
    assert (Decimal(str(product["Price"])), int(product["Quantity"])) == (Decimal("10"), 0)


async def test_a_lost_on_feed_completed_is_caught_by_polling(
    rig: Rig, callback_server: Any
) -> None:
    from aiohttp import web

    async def broken(request: web.Request) -> web.Response:
        return web.Response(status=500)

    url = await callback_server("/lost", broken)
    await rig.client.create_webhook(url, ["onFeedCompleted"])
    sid = rig.store.store_id
    await rig.scheduler.stage(sid, "L-1", "create", content("L-1"), 1)
    await rig.owner.run(sid)
    assert await rig.idle()
    assert (await rig.state("L-1"))["last_result"]["result"] == "accepted"
    assert {d["status"] for d in rig.sim.webhook_deliveries} == {500}  # every delivery lost
    [doc] = await FeedRecords(rig.runtime.storage.db).for_store(sid)
    assert doc["status"] == "Finished" and "webhooks" not in doc  # found by FeedStatus


@pytest.mark.parametrize("route", ["feeds", "webhook"])  # ours, and the store's general one
async def test_on_feed_completed_webhook_wakes_the_owner_before_its_poll(
    rig: Rig, service: TestClient, route: str
) -> None:
    sid = rig.store.store_id
    slow_polls = OwnerTimings(poll_interval=3600.0, hint_every=0.05, max_run=120.0)
    owner = make_owner(rig.runtime, rig.store, rig.client, slow_polls)
    url = str(service.make_url(f"/linio/{rig.store.notification_token}/{route}"))
    await rig.client.create_webhook(url, ["onFeedCompleted", "onProductQcStatusChanged"])
    await rig.scheduler.stage(sid, "W-1", "create", content("W-1"), 1)
    await asyncio.wait_for(owner.run(sid), timeout=60)  # would wait an hour without it
    assert (await rig.state("W-1"))["last_result"]["result"] == "accepted"
    [doc] = await FeedRecords(rig.runtime.storage.db).for_store(sid)
    assert doc["webhooks"] >= 1
    # Quality control: the event marks the SKU, the owner reads GetQcStatus once.
    await rig.sim.settle()
    await owner.run(sid)
    assert sum(r.action == "GetQcStatus" for r in rig.sim.requests) == 1
    qc = (await rig.state("W-1"))["qc"]
    assert qc["status"] == "approved" and "hinted" not in qc
    wrong = await service.post("/linio/not-the-token/feeds", json={"event": "onFeedCompleted"})
    assert wrong.status == 404


async def test_linio_down_mid_run_loses_nothing_and_finishes_after_recovery(
    runtime: Runtime, http: aiohttp.ClientSession
) -> None:
    async with LinioSimulator([SELLER], feed_delay=0.1) as sim:
        store = new_store()
        breakers = BreakerRegistry(fail_max=3, reset_timeout=0.5)
        client = sandbox_client(sim.url, http, SELLER, backoff=0.01, breakers=breakers)
        timings = OwnerTimings(poll_interval=0.1, hint_every=0.05, outage_cap=0.3, max_products=5)
        owner = make_owner(runtime, store, client, timings)
        sid = store.store_id
        for i in range(30):
            await runtime.feed_scheduler.stage(sid, f"D{i:02}", "create", content(f"D{i:02}"), 1)
        run = asyncio.create_task(owner.run(sid))
        await until(lambda: _has_feeds(sim))
        sim.faults.fail_next(8, status=503)  # Seller Center down for the next 8 requests
        sim.faults.lose_response_next(1)  # and one feed created whose answer is lost
        await asyncio.wait_for(run, timeout=120)
        products = sim.products(SELLER.user_id)
        assert sorted(products) == [f"D{i:02}" for i in range(30)]
        rejected = [e for f in sim.feeds(SELLER.user_id).values() for e in f.errors]
        assert rejected == []  # nothing created twice
        for i in range(30):
            state = await runtime.sku_states.get(sid, f"D{i:02}")
            assert state is not None and state["last_result"]["result"] == "accepted"
        logs = await runtime.seller_log.find(store_id=sid, limit=1000)
        [e2] = [e for e in logs if e["code"] == "E2"]  # once for the whole outage
        assert "Linio" in e2["BusinessMessage"] and e2["Status"] == "error"


async def _has_feeds(sim: LinioSimulator) -> bool:
    return bool(sim.feeds(SELLER.user_id))


async def test_feed_quota_survives_a_restart(rig: Rig, http: aiohttp.ClientSession) -> None:
    sid = rig.store.store_id
    quota = FeedQuota(3, 120.0)
    client = sandbox_client(rig.sim.url, http, SELLER, quota=quota)
    owner = make_owner(
        rig.runtime, rig.store, client, OwnerTimings(poll_interval=0.1, max_run=1.0, max_products=1)
    )
    for i in range(5):
        await rig.scheduler.stage(sid, f"Q{i}", "create", content(f"Q{i}"), 1)
    await owner.run(sid)
    assert len(rig.sim.feeds(SELLER.user_id)) == 3
    ledger = FeedQuotaLedger(rig.runtime.storage.db)
    snapshot = await ledger.snapshot(sid, country="MX")
    assert snapshot["feeds_today"] == 3
    restarted = FeedQuota(3, 120.0)
    await ledger.restore(sid, restarted)
    assert not restarted.try_acquire()  # the free burst is not handed out again


async def test_two_consumers_on_one_rabbit_queue_never_exceed_30_calls_in_3_s(
    settings: Settings, rabbit_url: str, http: aiohttp.ClientSession
) -> None:
    """Two workers, each with its own client and limiter: only the active consumer calls."""
    rabbit = settings.with_(amqp_url=rabbit_url)
    async with (
        open_runtime(rabbit) as first,
        open_runtime(rabbit) as second,
        LinioSimulator([SELLER], feed_delay=1.0, rate_limit=(1000, 3.0)) as sim,
    ):
        store = new_store()
        timings = OwnerTimings(poll_interval=0.02, hint_every=0.02, max_products=4, lease=10.0)
        clients = [sandbox_client(sim.url, http, SELLER, backoff=0.01) for _ in range(2)]
        owners = [
            make_owner(rt, store, client, timings)
            for rt, client in zip((first, second), clients, strict=True)
        ]
        queue = queue_name("feed", store.store_id)
        deliveries = [0, 0]

        def counted(index: int) -> Callable[[Message], Awaitable[None]]:
            async def handle(message: Message) -> None:
                deliveries[index] += 1
                await owners[index](message)

            return handle

        runtimes = (first, second)
        for index, runtime in enumerate(runtimes):
            await runtime.broker.consume(queue, counted(index), prefetch=1)
        for i in range(48):
            scheduler = (first, second)[i % 2].feed_scheduler
            await scheduler.stage(store.store_id, f"R{i:02}", "create", content(f"R{i:02}"), 1)
        rig = Rig(first, sim, store, clients[0], owners[0])
        await until(rig.idle, timeout=120)
        assert len(sim.products(SELLER.user_id)) == 48
        calls = [r for r in sim.requests if r.user_id == SELLER.user_id]
        # At least one ProductCreate and one FeedStatus per feed of 4 (how many more status
        # polls fit depends on the machine's speed, so only the floor is asserted).
        assert len(calls) >= 2 * 48 // 4
        assert sim.max_in_window(SELLER.user_id) <= 30
        # (Which consumer is active can change when the broker drops connections — other
        # tests restart it — so the deliveries per consumer are not asserted; the MongoDB
        # lease keeps the runs exclusive whatever RabbitMQ does.)
        # The active owner goes away: the standby takes the seller over.
        active = deliveries.index(max(deliveries))
        await runtimes[active].broker.stop_consuming(queue)
        await first.feed_scheduler.stage(store.store_id, "LATE", "create", content("LATE"), 1)

        async def late() -> bool:
            return "LATE" in sim.products(SELLER.user_id)

        await until(late)
        assert deliveries[1 - active] > 0
        await runtimes[1 - active].broker.stop_consuming(queue)
        assert isinstance(first.broker, RabbitBroker)
    await _drop(settings)


async def test_the_worker_owns_every_store_feed_queue(broker_settings: Settings) -> None:
    """Wiring: the worker consumes feed.<store> with the store's own Seller Center client."""
    settings = broker_settings.with_(feed_poll_interval=0.1)
    async with open_runtime(settings) as runtime, LinioSimulator([SELLER]) as sim:
        store = acme_store(
            store_id=f"acme-{uuid.uuid4().hex[:8]}",
            linio_user_id=SELLER.user_id,
            linio_seller_id=SELLER.seller_id,
            linio_base_url=sim.url,
            credentials=StoreCredentials(linio_api_key=SELLER.api_key),
        )
        await runtime.stores.upsert(store)
        worker = Worker(runtime, CONSUMERS)
        await worker.start()
        try:
            assert queue_name("feed", store.store_id) in worker.queues
            await runtime.feed_scheduler.stage(
                store.store_id, "K-1", "create", content("K-1"), 1, sku_id="71"
            )

            async def live() -> bool:
                state = await runtime.sku_states.get(store.store_id, "71") or {}
                return "live" in state.get("stages", {})

            await until(live)
            assert "K-1" in sim.products(SELLER.user_id)
        finally:
            await worker.stop()
    await _drop(settings)


async def test_a_canceled_feed_is_sent_again_without_losing_its_skus(
    runtime: Runtime, http: aiohttp.ClientSession
) -> None:
    async with LinioSimulator([SELLER], feed_delay=1.0) as sim:
        store = new_store()
        client = sandbox_client(sim.url, http, SELLER, backoff=0.01)
        owner = make_owner(runtime, store, client)
        sid = store.store_id
        await runtime.feed_scheduler.stage(sid, "C-1", "create", content("C-1"), 1)
        run = asyncio.create_task(owner.run(sid))
        await until(lambda: _has_feeds(sim), timeout=30)
        [first] = sim.feeds(SELLER.user_id).values()
        sim.state(SELLER.user_id).cancel_feed(first.feed_id)  # still Queued: canceled
        await asyncio.wait_for(run, timeout=60)
        actions = [(f.action, f.status) for f in sim.feeds(SELLER.user_id).values()]
        assert actions == [("ProductCreate", "Canceled"), ("ProductCreate", "Finished")]
        assert "C-1" in sim.products(SELLER.user_id)
        state = await runtime.sku_states.get(sid, "C-1")
        assert state is not None and state["last_result"]["result"] == "accepted"
        assert len(state["feed_ids"]) == 2


async def test_a_feed_ending_in_error_is_retried_a_few_times_then_reported(rig: Rig) -> None:
    """CLARIFICATIONS §3: a failure that repeats for the item is retried a few times, then
    becomes the seller's to see (E3), never ten blind retries."""
    sid = rig.store.store_id
    rig.sim.faults.feed_error_next(1)
    await rig.scheduler.stage(sid, "E-1", "create", content("E-1"), 1)
    await rig.owner.run(sid)
    assert [f.status for f in rig.sim.feeds(SELLER.user_id).values()] == ["Error", "Finished"]
    assert (await rig.state("E-1"))["last_result"]["result"] == "accepted"

    rig.sim.faults.feed_error_next(MAX_ATTEMPTS)
    await rig.scheduler.stage(sid, "E-2", "create", content("E-2"), 1)
    await rig.owner.run(sid)
    errors = [f for f in rig.sim.feeds(SELLER.user_id).values() if f.status == "Error"]
    assert len(errors) == 1 + MAX_ATTEMPTS and "E-2" not in rig.sim.products(SELLER.user_id)
    state = await rig.state("E-2")
    assert state["last_result"] == {**state["last_result"], "result": "rejected"}
    logs = await rig.runtime.seller_log.find(store_id=sid)
    assert [e["sku_id"] for e in logs if e["code"] == "E3"] == ["E-2"]
    assert await rig.idle()  # given up: nothing left staged for it


async def test_a_change_staged_while_a_feed_is_in_flight_goes_out_at_once(rig: Rig) -> None:
    """The owner waiting on a feed (here: an hour's poll) wakes for newly staged work."""
    sid = rig.store.store_id
    owner = make_owner(rig.runtime, rig.store, rig.client, OwnerTimings(poll_interval=3600.0))
    await rig.scheduler.stage(sid, "A-1", "create", content("A-1"), 1)
    run = asyncio.create_task(owner.run(sid))
    try:
        await until(lambda: _has_feeds(rig.sim))
        await rig.scheduler.stage(sid, "B-1", "create", content("B-1"), 1)

        async def two_feeds() -> bool:
            return len(rig.sim.feeds(SELLER.user_id)) == 2

        await until(two_feeds, timeout=30)
    finally:
        run.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await run


# --- crash safety: a feed whose creation is not confirmed is never sent twice (§9) ----------

UNSURE_FAST = OwnerTimings(
    poll_interval=0.2, hint_every=0.05, outage_cap=0.5, max_run=120.0, unsure_grace=0.3
)


def _creates_per_sku(sim: LinioSimulator) -> collections.Counter[str]:
    """SellerSku → ProductCreate records naming it on Seller Center."""
    return collections.Counter(
        str(r["SellerSku"])
        for f in sim.feeds(SELLER.user_id).values()
        if f.action == "ProductCreate"
        for r in f.records
    )


async def _dies_at(owner: FeedOwner, store_id: str, held: Pause) -> None:
    """Run `owner` until the simulator holds the request of `held`, then end the run as
    a kill would: nothing after that moment is written."""
    run = asyncio.create_task(owner.run(store_id))
    await asyncio.wait_for(held.reached.wait(), 60)
    run.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await run


async def _stage(rig: Rig, skus: list[str]) -> None:
    for sku in skus:
        await rig.scheduler.staging.stage(
            rig.store.store_id, Change(sku, "create", content(sku), 1), sku_id=f"v-{sku}"
        )


async def _shown(rig: Rig) -> dict[str, int]:
    """SKUs per feed outcome: `unknown` while in an unsure feed, else the feed result."""
    shown: collections.Counter[str] = collections.Counter()
    async for doc in rig.runtime.storage.db["sku_states"].find({"store_id": rig.store.store_id}):
        shown["unknown" if doc.get("feed_unknown") else str(doc.get("feed_status"))] += 1
    return dict(shown)


async def _restarted(rig: Rig, http: aiohttp.ClientSession) -> FeedOwner:
    """A new process's owner: a fresh client, nothing remembered but the database."""
    client = sandbox_client(rig.sim.url, http, SELLER, backoff=0.01)
    return make_owner(rig.runtime, rig.store, client, UNSURE_FAST)


async def test_a_create_accepted_as_the_run_died_is_found_and_not_sent_again(
    rig: Rig, http: aiohttp.ClientSession
) -> None:
    sid, skus = rig.store.store_id, [f"K{i:02}" for i in range(12)]
    await _stage(rig, skus)
    held = rig.sim.faults.pause("ProductCreate", applied=True)  # accepted; answer held
    await _dies_at(rig.owner, sid, held)
    [doc] = await FeedRecords(rig.runtime.storage.db).for_store(sid)
    assert doc["status"] == "sending"
    held.release()  # to a caller that is gone
    await (await _restarted(rig, http)).run(sid)
    assert await rig.idle()
    assert set(_creates_per_sku(rig.sim).values()) == {1}  # one ProductCreate each
    assert sorted(rig.sim.products(SELLER.user_id)) == skus
    assert await _shown(rig) == {"accepted": 12}
    [doc] = await FeedRecords(rig.runtime.storage.db).for_store(sid)
    assert doc["resolved_by"] == "FeedOffsetList" and doc["status"] == "Finished"
    assert not [f for f in rig.sim.feeds(SELLER.user_id).values() if f.errors]


async def test_a_create_that_never_reached_seller_center_goes_out_once_after_the_check(
    rig: Rig, http: aiohttp.ClientSession
) -> None:
    sid, skus = rig.store.store_id, [f"N{i:02}" for i in range(5)]
    await _stage(rig, skus)
    held = rig.sim.faults.pause("ProductCreate")  # held before anything is done
    await _dies_at(rig.owner, sid, held)
    held.release(drop=True)  # it never reached Seller Center
    # Some of its SKUs were created meanwhile by another feed (another tool, a lost
    # record): GetProducts says so, and only the others are created.
    outside = await rig.client.product_create([sample_product(s) for s in skus[:3]])
    await rig.sim.settle()
    assert rig.sim.feeds(SELLER.user_id)[outside].status == "Finished"
    await (await _restarted(rig, http)).run(sid)
    assert await rig.idle()
    assert set(_creates_per_sku(rig.sim).values()) == {1}
    assert sorted(rig.sim.products(SELLER.user_id)) == skus
    assert await _shown(rig) == {"accepted": 5}
    [doc, resent] = await FeedRecords(rig.runtime.storage.db).for_store(sid)
    assert doc["resolved_by"].endswith("GetProducts)") and doc["status"] == "Finished"
    assert sorted(resent["skus"]) == skus[3:]
    assert sum(r.action == "GetProducts" for r in rig.sim.requests) == 1


async def test_a_garbled_create_answer_with_feed_list_failing_waits_then_adopts(
    rig: Rig, http: aiohttp.ClientSession
) -> None:
    """Review F1's third way: HTTP 200 with an unreadable body, FeedList failing too."""
    sid, skus = rig.store.store_id, [f"G{i:02}" for i in range(6)]
    owner = make_owner(rig.runtime, rig.store, rig.client, UNSURE_FAST)
    await _stage(rig, skus)
    rig.sim.faults.garble_next("ProductCreate")
    rig.sim.faults.fail_action_next("FeedList", 3)  # the client's own check: every try
    held = rig.sim.faults.pause("FeedOffsetList")  # the owner's check waits for us
    run = asyncio.create_task(owner.run(sid))
    await asyncio.wait_for(held.reached.wait(), 60)
    # Unknown now: shown so, nothing sent again while Seller Center cannot tell.
    assert await _shown(rig) == {"unknown": 6}
    [doc] = await FeedRecords(rig.runtime.storage.db).for_store(sid)
    assert doc["status"] == "unknown"
    rig.sim.faults.fail_action_next("FeedOffsetList", 2)
    held.release()
    await asyncio.wait_for(run, 120)
    assert await rig.idle()
    assert len(rig.sim.feeds(SELLER.user_id)) == 1
    assert set(_creates_per_sku(rig.sim).values()) == {1}
    assert await _shown(rig) == {"accepted": 6}
    [doc] = await FeedRecords(rig.runtime.storage.db).for_store(sid)
    assert doc["resolved_by"] == "FeedOffsetList" and doc["status"] == "Finished"


async def test_an_unsure_create_waits_while_an_unknown_feed_still_processes(
    runtime: Runtime, http: aiohttp.ClientSession
) -> None:
    """GetProducts does not show what a queued feed creates: no decision while one is."""
    async with LinioSimulator([SELLER], feed_delay=2.0) as sim:
        store = new_store()
        client = sandbox_client(sim.url, http, SELLER, backoff=0.01)
        rig = Rig(runtime, sim, store, client, make_owner(runtime, store, client, UNSURE_FAST))
        sid, skus = store.store_id, ["W1", "W2", "W3"]
        await _stage(rig, skus)
        held = sim.faults.pause("ProductCreate")
        await _dies_at(rig.owner, sid, held)
        held.release(drop=True)
        outside = await client.product_create([sample_product("W1")])  # still Queued
        await (await _restarted(rig, http)).run(sid)
        assert await rig.idle()
        assert sim.feeds(SELLER.user_id)[outside].status == "Finished"
        # Had GetProducts been asked while W1's feed was queued, W1 would be created twice.
        assert set(_creates_per_sku(sim).values()) == {1}
        assert sorted(sim.products(SELLER.user_id)) == skus
        await sim.settle()
