"""The catalog consumer of `catalog.<store>` queues: messages in, `flows.catalog` calls out.

- `SkuLotWork` / `SkuWork` with action `upsert`: the messages this consumer holds together
  are merged into lots (`LotGatherer`: up to 500 SKUs, or 0.3 s after the first) and each
  lot runs once (`CatalogLots.upsert_lot`). A SKU that failed on its own is retried by
  itself: a one-SKU message raises its error (its attempts, its dead letter); from a lot
  message it is published again as a `SkuWork` of its own. An error of the whole lot (VTEX
  down) is every message's: retried without using attempts.
- `SkuWork` / `SkuLotWork` with action `deactivate` join the same lots: per SKU the
  latest request wins (an off-and-on within the lot is one upsert, whose VTEX read says
  whether the SKU is offered), deactivations by `CatalogOffline.deactivate`. Lots of one
  process holding the same SKU run one after the other (`SkusInHand`).
- `StoreWork`: `initial_load` and `reconcile` (`CatalogLoad.initial_load`),
  `deactivate_store` (`CatalogOffline.deactivate_store`).

Price and stock work (`price.<store>`, `stock.<store>`) is not this consumer's.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import time
from collections.abc import AsyncIterator, Iterable
from typing import Any

import structlog
from pymongo import WriteConcern

from app.broker import Broker, Message
from app.broker.lots import LotGatherer
from app.client_pool import ClientPool
from domain.catalog.feeds import FeedScheduler
from domain.catalog.loads import InitialLoads
from domain.catalog.reservations import LinioReservations
from domain.catalog.states import SkuStates
from domain.mappings import MapperRegistrations, Mappings, ReferenceCache
from domain.orders.ledger import OrderLedger
from domain.seller_log import SellerLog
from domain.stores import Store, StoreRepository
from domain.work import (
    LOT_MAX_SKUS,
    LOT_WAIT_SECONDS,
    SkuLotWork,
    SkuWork,
    StoreWork,
    parse_work,
    sku_ids_of,
)
from flows.catalog import CatalogFlow, CatalogLoad, CatalogLots, CatalogOffline
from flows.catalog.read import LotReader
from flows.lots import retry_alone

log = structlog.get_logger(__name__)

STORE_MEMO_SECONDS = 1.0


def _at(work: SkuWork | SkuLotWork) -> dt.datetime:
    try:
        at = dt.datetime.fromisoformat(work.at)
    except ValueError:
        return dt.datetime.now(dt.UTC)
    return at if at.tzinfo else at.replace(tzinfo=dt.UTC)


class SkusInHand:
    """The SKUs this process's lots are working on: a lot waits for the lots holding any of
    its SKUs to finish, so a deactivation and a reactivation of one SKU never interleave
    in one process (across processes, the latest request's own read decides)."""

    def __init__(self) -> None:
        self._held: dict[tuple[str, str], asyncio.Event] = {}

    @contextlib.asynccontextmanager
    async def holding(self, store_id: str, sku_ids: Iterable[str]) -> AsyncIterator[None]:
        keys = [(store_id, s) for s in sku_ids]
        while busy := [self._held[k] for k in keys if k in self._held]:
            await busy[0].wait()
        done = asyncio.Event()
        for key in keys:
            self._held[key] = done
        try:
            yield
        finally:
            for key in keys:
                if self._held.get(key) is done:
                    del self._held[key]
            done.set()


class CatalogConsumer:
    """See the module docstring. Errors propagate to the broker's retry decision."""

    prefetch = 200
    """Messages held at once: one-SKU messages (notifications, mappings saved) gather into
    lots of up to this many; lot messages run `LotGatherer.max_running` at a time."""

    def __init__(
        self,
        *,
        stores: StoreRepository,
        broker: Broker,
        flow: CatalogFlow,
        lot_size: int = LOT_MAX_SKUS,
        lot_wait: float = LOT_WAIT_SECONDS,
    ) -> None:
        self._stores = stores
        self._broker = broker
        self.flow = flow
        self._gather = LotGatherer(self._run_lot, max_items=lot_size, max_wait=lot_wait)
        self._running = SkusInHand()
        self._store_memo: dict[str, tuple[float, Store | None]] = {}

    async def __call__(self, message: Message) -> None:
        work = parse_work(message.body)  # MalformedWork: dead-lettered at once
        store = await self._store(work.store_id)
        if store is None:
            log.warning("catalog_work_for_unknown_store", store=work.store_id)
            return
        if isinstance(work, StoreWork):
            if work.action == "deactivate_store":
                await self.flow.offline.deactivate_store(store)
            else:
                await self.flow.load.initial_load(store)
        elif isinstance(work, SkuWork | SkuLotWork) and work.action in ("upsert", "deactivate"):
            census = isinstance(work, SkuLotWork) and bool(work.census)
            await self._gather.submit(
                (store.store_id, census), message, items=len(sku_ids_of(work))
            )

    async def _run_lot(self, messages: list[Message]) -> dict[str, BaseException]:
        """One lot of the messages gathered for a store; message id → its own error."""
        works = [parse_work(m.body) for m in messages]
        lots = [w for w in works if isinstance(w, SkuWork | SkuLotWork)]
        store = await self._store(lots[0].store_id)
        if store is None:
            return {}
        # The latest request per SKU wins (a quick off-and-on is one upsert: its VTEX read
        # tells whether the SKU is offered); ties go to the later message.
        latest: dict[str, tuple[dt.datetime, str]] = {}
        retried: set[str] = set()
        for message, work in zip(messages, lots, strict=True):
            at = _at(work)
            for sku_id in sku_ids_of(work):
                if sku_id not in latest or at >= latest[sku_id][0]:
                    latest[sku_id] = (at, work.action)
                if message.attempt > 1 or message.waits > 0:
                    retried.add(sku_id)
        census = all(isinstance(w, SkuLotWork) and w.census for w in lots)
        skus = {s: at for s, (at, action) in latest.items() if action == "upsert"}

        def progress() -> None:
            for message in messages:
                message.progress()

        async with self._running.holding(store.store_id, latest):
            for sku_id in (s for s, (_, action) in latest.items() if action == "deactivate"):
                await self.flow.offline.deactivate(store, sku_id)
            failed = await self.flow.lots.upsert_lot(
                store, skus, retried=frozenset(retried), census=census, progress=progress
            )
        return await retry_alone(self._broker, messages, lots, failed)

    async def _store(self, store_id: str) -> Store | None:
        """The store, read at most once a second per process."""
        kept = self._store_memo.get(store_id)
        if kept is not None and kept[0] > time.monotonic():
            return kept[1]
        store = await self._stores.get(store_id)
        self._store_memo[store_id] = (time.monotonic() + STORE_MEMO_SECONDS, store)
        return store


def make_catalog_consumer(
    *,
    stores: StoreRepository,
    clients: ClientPool,
    seller_log: SellerLog,
    broker: Broker,
    reference_cache: ReferenceCache,
    loads: InitialLoads,
    storage: Any,
    **_: Any,
) -> CatalogConsumer:
    """The worker's consumer of `catalog.<store>` queues.

    A lot's writes go without waiting for the journal (`j: false`) except its last one, the
    lot's evaluated states, which waits for it (the service's journaled write concern):
    the journal is one sequential log, so flushing the last write makes every earlier one
    durable too; a crash before it loses only work whose messages were not acknowledged
    yet and are redelivered."""
    background = storage.background  # its own connection pool (`Storage.background`)
    concern = dict(background.write_concern.document)
    fast = background.with_options(write_concern=WriteConcern(**{**concern, "j": False}))
    states, durable = SkuStates(fast), SkuStates(background)
    mappings = Mappings(fast, broker)
    scheduler = FeedScheduler(fast, broker)
    log_ = SellerLog(fast)
    offline = CatalogOffline(
        states=states,
        durable_states=durable,
        scheduler=scheduler,
        mappings=mappings,
        seller_log=log_,
    )
    reader = LotReader(
        clients=clients,
        mappings=mappings,
        reference_cache=reference_cache,
        reservations=LinioReservations(OrderLedger(background)),
    )
    lots = CatalogLots(
        broker=broker,
        clients=clients,
        reader=reader,
        states=states,
        durable_states=durable,
        mappings=mappings,
        scheduler=scheduler,
        seller_log=log_,
        registrations=MapperRegistrations(storage.db),
        deactivate=offline.deactivate,
        take_offline=offline.take_offline,
    )
    load = CatalogLoad(clients=clients, broker=broker, states=states, loads=loads)
    return CatalogConsumer(
        stores=stores, broker=broker, flow=CatalogFlow(lots=lots, offline=offline, load=load)
    )
