"""A storm of price and stock changes goes out in lots (issue 19 item 7, CLARIFICATIONS §9):
the consumer's messages become lots, each lot costs a handful of database commands, and the
feed owner sends the changes in few feeds. Real SecantusDB, both simulators, the in-process
broker; the price/stock flow runs on its own client so its commands can be counted."""

from __future__ import annotations

import collections
from collections.abc import AsyncIterator, Awaitable, Callable
from decimal import Decimal

import pytest
from pymongo import AsyncMongoClient, monitoring

from app.broker import queue_name
from app.settings import Settings
from domain.catalog.feeds import FeedScheduler
from domain.catalog.states import SkuStates
from domain.seller_log import SellerLog
from domain.work import SkuWork
from flows.price_stock import make_price_stock_flow
from handlers.consumers_price_stock import PriceStockConsumer
from simulators.linio.connect import sample_product
from tests.handlers.rigs import until
from tests.handlers.test_price_stock_e2e import SELLER, World, world_factory  # noqa: F401

SKUS = 300


class Commands(monitoring.CommandListener):
    """Counts the commands a client sends, by name and collection ("find sku_states")."""

    def __init__(self) -> None:
        self.by_name: collections.Counter[str] = collections.Counter()

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        self.by_name[f"{event.command_name} {event.command.get(event.command_name)}"] += 1

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass


@pytest.fixture
async def counted(settings: Settings) -> AsyncIterator[tuple[AsyncMongoClient, Commands]]:
    commands = Commands()
    client: AsyncMongoClient = AsyncMongoClient(
        settings.mongodb_uri, event_listeners=[commands], tz_aware=True
    )
    try:
        yield client, commands
    finally:
        await client.close()


async def test_a_storm_of_price_and_stock_changes_goes_out_in_few_feeds(
    world_factory: Callable[..., Awaitable[World]],  # noqa: F811
    settings: Settings,
    counted: tuple[AsyncMongoClient, Commands],
) -> None:
    """300 live SKUs each get a new price and a new stock in VTEX, notified as 600 one-SKU
    messages: every value reaches Seller Center, each SKU's Price and Quantity are sent
    exactly once, in at most 2 ProductUpdate feeds, and the price/stock flow spends at most
    half a database command per SKU (it was about six per change: a state read, a staging
    read and write per change kind, a checked write)."""
    w = await world_factory()
    products = w.linio.products(SELLER.user_id)
    skus = []
    for _ in range(SKUS):
        sku = w.vtex.catalog.add_sku(price=1000, stock=2, sales_channel=w.store.sales_channel)
        sku_id = str(sku.id)
        products[sku_id] = sample_product(sku_id, Price="10.00", Quantity="2")
        await w.runtime.sku_states.link(w.sid, sku_id, sku_id, on_linio=True)
        skus.append(sku)
    feeds_before = set(w.linio.states[SELLER.user_id].feeds)
    client, commands = counted
    db = client[settings.mongodb_db]
    flow = make_price_stock_flow(
        stores=w.runtime.stores,
        clients=w.runtime.clients,
        sku_states=SkuStates(db),
        feed_scheduler=FeedScheduler(db, w.runtime.broker),
        seller_log=SellerLog(db),
        broker=w.runtime.broker,
    )
    consumer = PriceStockConsumer(flow, w.runtime.broker)
    for context in ("price", "stock"):
        await w.runtime.broker.consume(
            queue_name(context, w.sid), consumer, prefetch=consumer.prefetch
        )
    for sku in skus:
        sku.prices[w.store.sales_channel].price = 1100
        sku.prices[w.store.sales_channel].list_price = 1100
        sku.stock[w.store.sales_channel] = 5
    works = [
        SkuWork(w.sid, sku_id=str(sku.id), action=action)
        for action in ("price", "stock")
        for sku in skus
    ]
    await w.runtime.broker.publish_many(
        [(queue_name(x.queue_context, w.sid), x.to_body()) for x in works],
        dedupe_keys=[x.dedupe_key() for x in works],
    )

    async def all_on_linio() -> bool:
        return all(
            Decimal(str(products[str(s.id)].get("Price"))) == Decimal("11.00")
            and str(products[str(s.id)].get("Quantity")) == "5"
            for s in skus
        )

    await until(all_on_linio, timeout=180.0)
    await until(w.idle)
    for context in ("price", "stock"):
        await w.runtime.broker.stop_consuming(queue_name(context, w.sid))
    feeds = [
        f
        for ref, f in w.linio.states[SELLER.user_id].feeds.items()
        if ref not in feeds_before and f.action == "ProductUpdate"
    ]
    assert 1 <= len(feeds) <= 2, [len(f.records) for f in feeds]
    sent: collections.Counter[tuple[str, str]] = collections.Counter(
        (str(r["SellerSku"]), name)
        for f in feeds
        for r in f.records
        for name in ("Price", "Quantity")
        if name in r
    )
    assert set(sent) == {(str(s.id), n) for s in skus for n in ("Price", "Quantity")}
    assert set(sent.values()) == {1}  # nothing sent twice
    total = sum(commands.by_name.values())
    # About 45 in all (a lot: its states, reserved units and staged changes read per 50
    # SKUs, one insert of the staged changes, one bulk write of the offer side).
    assert total <= SKUS // 2, commands.by_name
    assert commands.by_name["insert logs"] == 0, commands.by_name  # nothing to tell the seller
