"""What Seller Center shows, compared with what it should (issue 10; CLARIFICATIONS §2, §4).

- `verify(store, entries)`: the read-back after a ProductUpdate feed ("trust but verify"):
  GetProducts for its accepted entries (one call per 100, concurrent) and the Price,
  SalePrice, Quantity we set (not Available) and Status compared with what the feed carried
  (`last_price`, `last_stock`, `last_status` of the states, read once for the feed). A
  difference is staged again with the feed's own versions — a newer change already staged
  still wins — and logged (`catalog.offer_drift`); past `MAX_READBACK_HEALS` heals in a row
  the SKU is left to reconciliation. One `stage_lot`, one bulk write, one `insert_many`.
- `reconcile(store)`: the published SKUs, most sold and stalest first, up to the store's
  `reconcile_budget`; each page of ≤100 costs one GetProducts, and every difference between
  the offer VTEX simulates now and what Linio shows is staged again as a price/stock lot
  (`PriceStockLots.refresh` with `shown`). A pass leaves room for live work: deferred while
  the feed quota is within `reconcile_feed_reserve`, and its reads never take
  `reconcile_call_reserve` of the seller's 30 calls per 3 s (`reconcile_window`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import structlog

from app.client_pool import ClientPool
from clients.feed_quota import FeedQuota
from clients.linio.models import Product as LinioProduct
from clients.rate_limit import SlidingWindowLimiter
from domain.catalog.feeds import FeedQuotaLedger, FeedScheduler
from domain.catalog.lots import Change, Entry
from domain.catalog.offers import MAX_READBACK_HEALS, OfferStates, OfferWrite
from domain.catalog.prices import intended_drift
from domain.catalog.states import SkuStates
from domain.seller_log import LogEntry, SellerLog
from domain.stores import Store
from flows.price_stock.compare import Outcome, drift_entry
from flows.price_stock.lot import PriceStockLots

log = structlog.get_logger(__name__)

GET_PRODUCTS_PAGE = 100
SELLER_WINDOW = (30, 3.0)  # Seller Center: calls per rolling seconds, per seller


class OfferChecks:
    """See the module docstring."""

    def __init__(
        self,
        *,
        clients: ClientPool,
        lots: PriceStockLots,
        states: SkuStates,
        offers: OfferStates,
        scheduler: FeedScheduler,
        seller_log: SellerLog,
        quota_ledger: FeedQuotaLedger,
    ) -> None:
        self._clients = clients
        self._lots = lots
        self._states = states
        self._offers = offers
        self._scheduler = scheduler
        self._log = seller_log
        self._quota_ledger = quota_ledger
        self._windows: dict[str, SlidingWindowLimiter] = {}

    async def verify(self, store: Store, entries: Sequence[tuple[Entry, str]]) -> list[str]:
        """The read-back after a feed (module docstring): `entries` are (the feed's entry
        with its versions, VTEX sku_id). Returns the VTEX sku_ids healed."""
        sid = store.store_id
        linio = self._clients.linio(store)
        pages = [
            [e.seller_sku for e, _ in entries[i : i + GET_PRODUCTS_PAGE]]
            for i in range(0, len(entries), GET_PRODUCTS_PAGE)
        ]
        found = await asyncio.gather(
            *(linio.get_products(skus=page, limit=GET_PRODUCTS_PAGE) for page in pages)
        )
        shown = {p.seller_sku: p for products in found for p in products}
        states = await self._states.for_lot(sid, [s for e, s in entries if e.seller_sku in shown])
        healed: list[str] = []
        staging: list[tuple[str, Sequence[Change]]] = []
        writes: list[OfferWrite] = []
        logged: list[LogEntry] = []
        for entry, sku_id in entries:
            product = shown.get(entry.seller_sku)
            if product is None:
                continue
            state = states.get(sku_id, {})
            fixes = intended_drift(state, product, entry.versions)
            count = int(state.get("readback_heals") or 0) + 1 if fixes else 0
            if count != int(state.get("readback_heals") or 0):
                writes.append(OfferWrite(sku_id, readback_heals=count))
            if not fixes:
                continue
            if count > MAX_READBACK_HEALS:
                log.warning("read_back_gave_up", store=sid, sku=sku_id)
                continue
            staging.append(
                (
                    sku_id,
                    [Change(entry.seller_sku, k, f, v) for k, (f, v) in fixes.items()],
                )
            )
            logged.append(drift_entry(store, sku_id, fixes))
            healed.append(sku_id)
        if logged:
            await self._log.write_many(logged, secrets=store.secrets())
        if staging:
            await self._scheduler.stage_lot(sid, staging)
        if writes:
            await self._offers.write_lot(sid, writes)
        return healed

    async def read_back(
        self,
        store: Store,
        sku_ids: Sequence[str],
        *,
        window: SlidingWindowLimiter | None = None,
    ) -> list[Outcome]:
        """Compare what Linio shows for these SKUs (price, the Quantity we set, status) with
        the offer VTEX simulates now and stage the differences: one GetProducts per 100
        SKUs, each page a price/stock lot. `window`: a limiter the GetProducts calls also
        go through (reconciliation's share of the seller's window)."""
        outcomes: list[Outcome] = []
        linio = self._clients.linio(store)
        for start in range(0, len(sku_ids), GET_PRODUCTS_PAGE):
            chunk = list(sku_ids[start : start + GET_PRODUCTS_PAGE])
            states = await self._states.for_lot(store.store_id, chunk)
            by_seller = {str(states.get(s, {}).get("seller_sku") or s): s for s in chunk}
            if window is not None:
                async with window.slot():
                    products = await linio.get_products(
                        skus=list(by_seller), limit=GET_PRODUCTS_PAGE
                    )
            else:
                products = await linio.get_products(skus=list(by_seller), limit=GET_PRODUCTS_PAGE)
            shown: dict[str, LinioProduct] = {
                by_seller[p.seller_sku]: p for p in products if p.seller_sku in by_seller
            }
            outcomes += await self._lots.refresh(store, chunk, shown=shown, states=states)
        return outcomes

    async def feed_room(self, store: Store) -> bool:
        """The seller's feed quota (as the feed owner last saved it, refilled since) holds
        more than the store's `reconcile_feed_reserve`: a pass may stage heals, which cost
        at most one feed more, without eating into what live changes need."""
        quota = self._clients.linio(store).quota
        saved = FeedQuota(quota.free_calls, quota.interval)
        await self._quota_ledger.restore(store.store_id, saved)
        return min(saved.level(), quota.level()) >= store.reconcile_feed_reserve + 1

    def reconcile_window(self, store: Store) -> SlidingWindowLimiter:
        """Reconciliation's share of Seller Center's window for this store: 30 calls per 3 s
        less `reconcile_call_reserve`, which its reads never take (live work keeps them)."""
        calls, period = SELLER_WINDOW
        share = max(1, calls - store.reconcile_call_reserve)
        window = self._windows.get(store.store_id)
        if window is None or window.max_calls != share:
            window = self._windows[store.store_id] = SlidingWindowLimiter(share, period)
        return window

    async def reconcile(self, store: Store, budget: int | None = None) -> list[Outcome]:
        """One reconciliation pass of a store: `budget` (default the store's
        `reconcile_budget`) published SKUs, most sold and stalest first. Deferred (nothing
        read, `[]`) while the feed quota is within `reconcile_feed_reserve`."""
        if not await self.feed_room(store):
            log.info("reconcile_deferred", store=store.store_id, reason="feed_quota_reserve")
            return []
        chosen = await self._offers.candidates(
            store.store_id, store.reconcile_budget if budget is None else budget
        )
        outcomes = await self.read_back(
            store, [c["sku_id"] for c in chosen], window=self.reconcile_window(store)
        )
        log.info(
            "reconciled",
            store=store.store_id,
            checked=len(chosen),
            healed=sum(1 for o in outcomes if o.staged),
        )
        return outcomes
