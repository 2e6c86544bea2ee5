"""The price and stock flow (issue 10, issue 19; spec §2.7, §2.8, §2.12; CLARIFICATIONS §4, §9).

`PriceStockFlow` is what the price/stock consumer, the feed owner's read-back, the
reconciliation schedule, the CLI and the price approval call:

- `refresh(store, sku_ids, context)`: a lot of SKUs whose price or stock changed in VTEX
  (`flows.price_stock.lot`);
- `verify`, `read_back`, `reconcile`, `feed_room`: what Seller Center shows compared with
  what it should (`flows.price_stock.readback`);
- `approve_price(store_id, sku_id)`: the seller lets a price the guard held go out.

`make_price_stock_flow` builds it from the runtime's resources. See docs/prices-and-stock.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from app.broker import Broker
from app.client_pool import ClientPool
from domain.catalog.feeds import FeedQuotaLedger, FeedScheduler
from domain.catalog.lots import Entry
from domain.catalog.offers import OfferStates
from domain.catalog.prices import effective_price
from domain.catalog.reservations import LinioReservations
from domain.catalog.states import SkuStates
from domain.orders.ledger import OrderLedger
from domain.seller_log import SellerLog
from domain.stores import Store, StoreRepository
from flows.price_stock.compare import Outcome
from flows.price_stock.lot import PriceStockLots
from flows.price_stock.readback import OfferChecks


@dataclass(frozen=True)
class PriceStockFlow:
    """See the module docstring: its parts (`lots`, `checks`) and the calls its callers
    make (`refresh`, `verify`, `reconcile`, `feed_room`, `approve_price`)."""

    stores: StoreRepository
    clients: ClientPool
    states: SkuStates
    offers: OfferStates
    scheduler: FeedScheduler
    lots: PriceStockLots
    checks: OfferChecks

    async def refresh(
        self, store: Store, sku_ids: Sequence[str], context: str = "price"
    ) -> list[Outcome]:
        """`PriceStockLots.refresh`: a lot of SKUs whose price or stock changed."""
        return await self.lots.refresh(store, sku_ids, context)

    async def verify(self, store: Store, entries: Sequence[tuple[Entry, str]]) -> list[str]:
        """`OfferChecks.verify`: the read-back after a feed; the sku_ids healed."""
        return await self.checks.verify(store, entries)

    async def reconcile(self, store: Store, budget: int | None = None) -> list[Outcome]:
        """`OfferChecks.reconcile`: one reconciliation pass of a store."""
        return await self.checks.reconcile(store, budget)

    async def feed_room(self, store: Store) -> bool:
        """`OfferChecks.feed_room`: the feed quota leaves room for a reconciliation."""
        return await self.checks.feed_room(store)

    async def approve_price(self, store_id: str, sku_id: str) -> bool:
        """The seller approves a held price: it is staged as it was read (its version, so a
        newer read still wins). False when nothing was held."""
        state = await self.states.get(store_id, sku_id) or {}
        hold = state.get("price_hold")
        if not hold:
            return False
        taken = await self.offers.take_hold(store_id, sku_id, str(effective_price(hold["fields"])))
        if taken is None:
            return False
        await self.scheduler.stage(
            store_id,
            str(hold.get("seller_sku") or state.get("seller_sku") or sku_id),
            "price",
            dict(hold["fields"]),
            int(hold["version"]),
            sku_id=sku_id,
        )
        return True


def report_of(outcomes: Sequence[Outcome]) -> dict[str, int]:
    """`{checked, healed, held}` of a reconciliation pass (CLI and admin API)."""
    return {
        "checked": len(outcomes),
        "healed": sum(1 for o in outcomes if o.staged),
        "held": sum(1 for o in outcomes if o.result == "held"),
    }


def make_price_stock_flow(
    *,
    stores: StoreRepository,
    clients: ClientPool,
    sku_states: SkuStates,
    feed_scheduler: FeedScheduler,
    seller_log: SellerLog,
    broker: Broker,
) -> PriceStockFlow:
    """The flow on the database its repositories were built on (`sku_states`'s)."""
    db = sku_states._collection.database
    offers = OfferStates(db)
    lots = PriceStockLots(
        broker=broker,
        clients=clients,
        states=sku_states,
        offers=offers,
        reservations=LinioReservations(OrderLedger(db)),
        scheduler=feed_scheduler,
        seller_log=seller_log,
    )
    checks = OfferChecks(
        clients=clients,
        lots=lots,
        states=sku_states,
        offers=offers,
        scheduler=feed_scheduler,
        seller_log=seller_log,
        quota_ledger=FeedQuotaLedger(db),
    )
    return PriceStockFlow(stores, clients, sku_states, offers, feed_scheduler, lots, checks)


__all__ = [
    "OfferChecks",
    "Outcome",
    "PriceStockFlow",
    "PriceStockLots",
    "make_price_stock_flow",
    "report_of",
]
