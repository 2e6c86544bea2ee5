"""The price and stock consumer of `price.<store>` / `stock.<store>` queues, and the
reconciliation schedule: messages and ticks in, `flows.price_stock` calls out.

- `SkuWork` / `SkuLotWork` with action `price` or `stock`: the messages this consumer holds
  together are merged into lots (`LotGatherer`: up to 500 SKUs, or 0.3 s after the first)
  per store and queue, and each lot runs once (`PriceStockLots.refresh`). A SKU that failed
  on its own (its simulation batch) is retried by itself: a one-SKU message raises its
  error (its attempts, its dead letter); from a lot message it is published again as a
  `SkuWork` of its own. An error of the whole lot (VTEX down) is every message's. A store
  switched off gets no price or stock work: its messages are acknowledged.
- `Reconciler`: `PriceStockFlow.reconcile` per store whose interval passed.
"""

from __future__ import annotations

from typing import Any

import structlog

from app.broker import Broker, Message
from app.broker.lots import LotGatherer
from clients.errors import ClientError
from domain.catalog.feeds import FeedScheduler
from domain.catalog.states import SkuStates
from domain.seller_log import SellerLog
from domain.work import LOT_MAX_SKUS, LOT_WAIT_SECONDS, SkuLotWork, SkuWork, parse_work, sku_ids_of
from flows.lots import retry_alone
from flows.price_stock import PriceStockFlow, make_price_stock_flow
from handlers.periodic import PeriodicJob

log = structlog.get_logger(__name__)


class PriceStockConsumer:
    """See the module docstring. Errors propagate to the broker's retry decision."""

    prefetch = LOT_MAX_SKUS
    """Messages held at once: one lot's worth of one-SKU messages."""

    def __init__(
        self,
        flow: PriceStockFlow,
        broker: Broker,
        *,
        lot_size: int = LOT_MAX_SKUS,
        lot_wait: float = LOT_WAIT_SECONDS,
    ) -> None:
        self.flow = flow
        self._broker = broker
        self._gather = LotGatherer(self._run_lot, max_items=lot_size, max_wait=lot_wait)

    async def __call__(self, message: Message) -> None:
        work = parse_work(message.body)  # MalformedWork: dead-lettered at once
        if not isinstance(work, SkuWork | SkuLotWork) or work.queue_context == "catalog":
            return
        key = (work.store_id, work.queue_context)
        await self._gather.submit(key, message, items=len(sku_ids_of(work)))

    async def _run_lot(self, messages: list[Message]) -> dict[str, BaseException]:
        """One lot of the messages gathered for a store and queue; message id → its own
        error."""
        works = [w for w in map(parse_work, (m.body for m in messages))]
        lots = [w for w in works if isinstance(w, SkuWork | SkuLotWork)]
        store = await self.flow.stores.get(lots[0].store_id)
        if store is None or not store.active:
            return {}
        sku_ids = [s for w in lots for s in sku_ids_of(w)]
        outcomes = await self.flow.lots.refresh(store, sku_ids, lots[0].queue_context)
        failed: dict[str, BaseException] = {
            o.sku_id: o.error for o in outcomes if o.error is not None
        }
        return await retry_alone(self._broker, messages, lots, failed)


class Reconciler(PeriodicJob):
    """Runs `reconcile` for each active store whose `reconcile_interval` (seconds, 0 = off)
    has passed; checks every `tick` seconds. One pass per interval across all worker
    processes (`OfferStates.claim_pass`); a pass the feed quota's reserve defers is tried
    again at the next tick."""

    name = "reconciler"

    def __init__(self, flow: PriceStockFlow, *, tick: float = 60.0) -> None:
        self.flow = flow
        self.tick = tick
        super().__init__()

    async def round(self) -> int:
        done = 0
        for store in await self.flow.stores.list(active_only=True):
            interval = store.reconcile_interval
            if interval <= 0:
                continue
            if not await self.flow.feed_room(store):
                continue  # the quota's reserve is live work's: tried again next tick
            if not await self.flow.offers.claim_pass(store.store_id, interval):
                continue  # not due yet, or another worker process runs it
            try:
                await self.flow.reconcile(store)
            except ClientError as exc:
                log.warning("reconcile_failed", store=store.store_id, error=str(exc))
                continue
            done += 1
        return done

    def period(self) -> float:
        return self.tick


# --- factories (registered in handlers/consumers.py) --------------------------------------


def make_flows(**resources: Any) -> PriceStockFlow:
    """The flow from the runtime's resources (`make_price_stock_flow`'s, by name)."""
    names = ("stores", "clients", "sku_states", "feed_scheduler", "seller_log", "broker")
    return make_price_stock_flow(**{name: resources[name] for name in names})


def price_stock_consumer(**resources: Any) -> PriceStockConsumer:
    """The worker's consumer of `price.<store>` and `stock.<store>` queues, on the
    database's background pool (`Storage.background`): a storm of price and stock changes
    waits there, not in front of the request path and the feed owner."""
    background = resources["storage"].background
    flow = make_flows(
        **{
            **resources,
            "sku_states": SkuStates(background),
            "feed_scheduler": FeedScheduler(background, resources["broker"]),
            "seller_log": SellerLog(background),
        }
    )
    return PriceStockConsumer(flow, resources["broker"])


def reconciler(**resources: Any) -> Reconciler:
    """The worker's periodic reconciliation (SCHEDULES["reconcile"])."""
    return Reconciler(make_flows(**resources))
