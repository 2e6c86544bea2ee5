"""A price/stock lot end to end (issue 19, CLARIFICATIONS §4, §9): read → compare → write.

`refresh(store, sku_ids, context)` brings the offers of a lot of SKUs up to date on Linio
with a handful of database commands for the whole lot:

1. one read of the lot's states (`SkuStates.for_lot`);
2. VTEX's simulation of the SKUs Linio has and we did not take offline, in batches of at
   most 50 items, concurrent (`flows.simulation.simulate_lot`), and with it the units Linio
   still reserves for orders VTEX holds, one ledger read (`LinioReservations.units`);
3. each SKU decided in memory (`flows.price_stock.compare.decide`);
4. writes: the seller log (only SKUs with something to say: A1, held prices, drifts; one
   `insert_many`), the feed scheduler (one `stage_lot`, one nudge), one bulk write of the
   offer side of the states (checked, held, released: `OfferStates.write_lot`), and the SKUs
   Linio lacks handed to the catalog queue (one publish).

The version of every change is taken before the simulation, so an older read never
overtakes a newer one. A SKU whose simulation batch failed is returned `failed` with its
error (the caller retries it alone); when every SKU of the lot failed, the first error is
raised (VTEX down: the whole lot waits).
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import structlog

from app.broker import Broker, queue_name
from app.client_pool import ClientPool
from clients.linio.models import Product as LinioProduct
from clients.vtex.models import SimulatedItem
from domain.catalog.feeds import FeedScheduler, version_now
from domain.catalog.lots import Change
from domain.catalog.offers import OfferStates, OfferWrite
from domain.catalog.reservations import LinioReservations
from domain.catalog.states import SkuStates
from domain.seller_log import LogEntry, SellerLog
from domain.stores import Store
from domain.work import SkuWork
from flows.price_stock.compare import Decision, Outcome, decide
from flows.simulation import SIMULATION_BATCH, simulate_lot

log = structlog.get_logger(__name__)

States = Mapping[str, Mapping[str, Any]]


class PriceStockLots:
    """See the module docstring."""

    def __init__(
        self,
        *,
        broker: Broker,
        clients: ClientPool,
        states: SkuStates,
        offers: OfferStates,
        reservations: LinioReservations,
        scheduler: FeedScheduler,
        seller_log: SellerLog,
        simulation_batch: int = SIMULATION_BATCH,
    ) -> None:
        self._broker = broker
        self._clients = clients
        self._states = states
        self._offers = offers
        self._reservations = reservations
        self._scheduler = scheduler
        self._log = seller_log
        self._batch = simulation_batch

    async def refresh(
        self,
        store: Store,
        sku_ids: Sequence[str],
        context: str = "price",
        *,
        shown: Mapping[str, LinioProduct] | None = None,
        states: States | None = None,
    ) -> list[Outcome]:
        """One outcome per SKU of `sku_ids` (deduplicated, order kept). `context`: price or
        stock (the seller log's operation). `shown`: sku_id → the product as Seller Center
        shows it (reconciliation, read-back): the comparison is then with Linio, Status
        included, and a SKU absent from it is only marked checked (no outcome). `states`:
        the lot's states when the caller has read them."""
        sid = store.store_id
        ids = list(dict.fromkeys(sku_ids))
        if states is None:
            states = await self._states.for_lot(sid, ids)
        decided = ids if shown is None else [s for s in ids if s in shown]
        live = [
            s
            for s in decided
            if states.get(s, {}).get("on_linio") and states[s].get("status") != "deactivated"
        ]
        version = version_now()  # before the read: a later read always wins
        items, reserved = await self._read(store, live, states)
        now = dt.datetime.now(dt.UTC)
        decisions: list[Decision] = []
        outcomes: list[Outcome] = []
        for sku_id in decided:
            item = items.get(sku_id)
            if isinstance(item, Exception):
                outcomes.append(Outcome(sku_id, "failed", error=item))
                continue
            decision = decide(
                store,
                sku_id,
                states.get(sku_id, {}),
                item,
                version,
                now,
                context=context,
                linio=None if shown is None else shown[sku_id],
                reserved=reserved.get(sku_id, 0),
            )
            decisions.append(decision)
            outcomes.append(decision.outcome)
        if outcomes and not decisions:
            first = outcomes[0].error
            assert first is not None
            raise first  # nothing of the lot could be read: it waits
        unseen = [OfferWrite(s, checked=True) for s in ids if shown is not None and s not in shown]
        await self._write(store, decisions, unseen)
        return outcomes

    async def _read(
        self, store: Store, sku_ids: list[str], states: States
    ) -> tuple[dict[str, SimulatedItem | Exception], dict[str, int]]:
        """The simulation of these SKUs and their reserved units (sku_id → units), read
        concurrently."""
        if not sku_ids:
            return {}, {}
        sku_of = {str(states[s].get("seller_sku") or s): s for s in sku_ids}
        items, units = await asyncio.gather(
            simulate_lot(self._clients, store, sku_ids, batch=self._batch),
            self._reservations.units(store.store_id, list(sku_of)),
        )
        return items, {sku_of[seller]: n for seller, n in units.items() if seller in sku_of}

    async def _write(
        self, store: Store, decisions: list[Decision], unseen: list[OfferWrite]
    ) -> None:
        sid = store.store_id
        entries: list[LogEntry] = [e for d in decisions for e in d.entries]
        if entries:
            await self._log.write_many(entries, secrets=store.secrets())
        staging: list[tuple[str, Sequence[Change]]] = [
            (d.outcome.sku_id, d.changes) for d in decisions if d.changes
        ]
        if staging:
            await self._scheduler.stage_lot(sid, staging)
        writes = [d.offer for d in decisions if d.offer is not None] + unseen
        if writes:
            await self._offers.write_lot(sid, writes)
        upserts = [SkuWork(sid, sku_id=d.outcome.sku_id) for d in decisions if d.upsert]
        if upserts:
            queue = queue_name("catalog", sid)
            await self._broker.publish_many(
                [(queue, w.to_body()) for w in upserts],
                dedupe_keys=[w.dedupe_key() for w in upserts],
            )
        log.info(
            "price_stock_lot",
            store=sid,
            skus=len(decisions),
            staged=len(staging),
            logged=len(entries),
            to_catalog=len(upserts),
        )
