"""Price and stock consumers (`price.<store>`, `stock.<store>`), the price-drop guard's
approval, and reconciliation (issue 10; spec §2.7, §2.8, §2.12; CLARIFICATIONS §4).

A `SkuWork(action="price"|"stock")` names a SKU; the consumer re-reads it from VTEX with a
fulfillment simulation to the store's destination (`Store.simulation_destination`). Messages
arriving together share one simulation: `SimulationBatcher` gathers the SKUs of one store
until `max_batch` are waiting or `window` seconds passed since the first, simulates them in
one call (VTEX chunks by 50 inside the client) and resolves every message.

Per SKU (`PriceStockFlows.apply`):
- Linio does not have it yet → `SkuWork(action="upsert")` to the catalog queue (a create
  carries price and stock).
- absent from the simulation, or without an SLA → Quantity 0 and an A1 log.
- otherwise the offer (`domain.catalog.prices.price_stock`: Price, SalePrice only for a real
  sale — else cleared —, dates, Quantity with safety stock) is compared with what was last
  sent and the differences staged through `FeedScheduler.stage` with the version taken
  BEFORE the simulation (an older read never overtakes a newer one). A price dropping more
  than the store's guard is held (`OfferStates.hold`, E1 log with the catalogue's
  `catalog.price_drop_held`) until `approve_price`.

Quantity is the one stock formula (`domain.catalog.quantity.offer_quantity`): it adds the
units of Linio orders VTEX already holds that Linio still reserves, read for the whole batch
at once (`LinioReservations.units`, CLARIFICATIONS §4, §9).

Reconciliation (`reconcile`): the published SKUs, most sold and stalest first, up to the
store's `reconcile_budget`; each batch of ≤100 costs one GetProducts on Seller Center, and
every difference between the offer VTEX simulates now and what Linio shows (Price,
SalePrice, Quantity we set — not Available —, Status) is staged again; the feed owner sends
them in as few feeds as its quota allows. The same comparison is `read_back`; `verify` is
the read-back after a feed. A pass leaves room for live work: deferred while the feed quota
is within `reconcile_feed_reserve`, and its reads never take `reconcile_call_reserve` of the
30 calls per 3 s (`reconcile_window`). See docs/prices-and-stock.md.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import structlog

from app.broker import Broker, Message
from app.client_pool import ClientPool
from clients.errors import ClientError
from clients.feed_quota import FeedQuota
from clients.linio.models import Product as LinioProduct
from clients.rate_limit import SlidingWindowLimiter
from clients.vtex import SimulationItem
from clients.vtex.models import SimulatedItem
from domain.catalog.deactivation import (
    deactivation_change,
    intended_status,
    status_fix,
    still_live,
)
from domain.catalog.feeds import FeedQuotaLedger, FeedScheduler, version_now
from domain.catalog.lots import Entry
from domain.catalog.offers import MAX_READBACK_HEALS, OfferStates
from domain.catalog.prices import CLEAR, PriceStock, price_drop_guard, price_stock
from domain.catalog.problems import Problem, problem_list
from domain.catalog.quantity import offered
from domain.catalog.reservations import LinioReservations
from domain.catalog.states import SkuStates
from domain.orders.ledger import OrderLedger
from domain.seller_log import CONTEXT_OPERATIONS, LogEntry, SellerLog
from domain.stores import Store, StoreRepository
from domain.work import SkuWork, parse_work
from handlers.periodic import PeriodicJob

log = structlog.get_logger(__name__)

PRICE_KEYS = ("Price", "SalePrice", "SaleStartDate", "SaleEndDate")
COMPARED_PRICE_KEYS = ("Price", "SalePrice", "SaleEndDate")  # the start is "now" on every read
GET_PRODUCTS_PAGE = 100
SELLER_WINDOW = (30, 3.0)  # Seller Center: calls per rolling seconds, per seller


def _decimal(value: Any) -> Decimal | None:
    if value in (None, CLEAR):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _effective(fields: dict[str, Any]) -> Decimal | None:
    """The price a buyer pays: SalePrice when there is one, else Price."""
    return _decimal(fields.get("SalePrice")) or _decimal(fields.get("Price"))


def price_changed(offer: dict[str, Any], last: dict[str, Any] | None) -> bool:
    """The offer's price fields differ from the ones last sent (`last_price` of the state)."""
    if not last:
        return True
    for key in COMPARED_PRICE_KEYS:
        new, old = offer.get(key), last.get(key)
        if _decimal(new) is not None or _decimal(old) is not None:
            if key == "SaleEndDate":
                if (new or "") != (old or ""):
                    return True
            elif _decimal(new) != _decimal(old):
                return True
    return False


def drift(offer: PriceStock, product: LinioProduct) -> dict[str, str]:
    """What Linio shows differently from the offer: the kinds (`price`, `stock`) to send
    again, with a short reason each (for the log). Compares the Quantity we set, not
    Available (CLARIFICATIONS §4)."""
    out: dict[str, str] = {}
    if offer.price is not None:
        if product.price is None or product.price != offer.price:
            out["price"] = f"Price {product.price} ≠ {offer.price}"
        linio_sale = product.sale_price
        now = dt.datetime.now(dt.UTC)
        if linio_sale is not None and product.sale_end is not None and product.sale_end < now:
            linio_sale = None  # an ended sale is no sale
        if offer.sale_price != linio_sale:
            out["price"] = f"SalePrice {product.sale_price} ≠ {offer.sale_price}"
    if product.quantity is None or product.quantity != offer.quantity:
        out["stock"] = f"Quantity {product.quantity} ≠ {offer.quantity}"
    return out


def intended_drift(
    state: dict[str, Any], product: LinioProduct, versions: Mapping[str, int]
) -> dict[str, tuple[dict[str, Any], int]]:
    """What to send again after a feed: kind → (fields as last sent, the feed's version),
    for the fields the feed carried (`versions`) that Linio shows otherwise: Price and
    SalePrice, the Quantity we set (not Available), the Status."""
    out: dict[str, tuple[dict[str, Any], int]] = {}
    last_status = state.get("last_status")
    if "Status" in versions and last_status and product.status not in (None, last_status):
        kind, fields = status_fix(str(last_status))
        out[kind] = (fields, versions["Status"])
    last_stock = state.get("last_stock")
    if "Quantity" in versions and last_stock is not None:
        if product.quantity is None or str(product.quantity) != str(last_stock):
            out["stock"] = ({"Quantity": str(last_stock)}, versions["Quantity"])
    last_price = state.get("last_price") or {}
    carried = [k for k in PRICE_KEYS if k in versions]
    if carried and last_price:
        wrong = _decimal(last_price.get("Price")) not in (None, product.price)
        if "SalePrice" in last_price and _decimal(last_price.get("SalePrice")) != (
            product.sale_price
        ):
            wrong = True
        if wrong:
            fields = {k: ("" if v is None else v) for k, v in last_price.items()}
            out["price"] = (fields, max(versions[k] for k in carried))
    return out


@dataclass
class Outcome:
    """What `apply` did for one SKU (for tests and the logs)."""

    sku_id: str
    result: str  # staged | unchanged | held | zero | upsert | ignored
    staged: tuple[str, ...] = ()


@dataclass
class PriceStockFlows:
    stores: StoreRepository
    clients: ClientPool
    sku_states: SkuStates
    feed_scheduler: FeedScheduler
    seller_log: SellerLog
    broker: Broker
    offers: OfferStates = field(init=False)

    reservations: LinioReservations = field(init=False)
    quota_ledger: FeedQuotaLedger = field(init=False)
    _reconcile_windows: dict[str, SlidingWindowLimiter] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        db = self.sku_states._collection.database
        self.offers = OfferStates(db)
        self.reservations = LinioReservations(OrderLedger(db))
        self.quota_ledger = FeedQuotaLedger(db)

    # --- reading VTEX -----------------------------------------------------------------------
    async def simulate(self, store: Store, sku_ids: Sequence[str]) -> dict[str, SimulatedItem]:
        """One simulation (chunked by the client) of these SKUs to the store's destination."""
        postal, country = store.simulation_destination()
        simulation = await self.clients.vtex(store).simulate(
            [SimulationItem(s, 1, store.vtex_seller_id) for s in dict.fromkeys(sku_ids)],
            sales_channel=store.sales_channel,
            affiliate_id=store.affiliate_id,
            postal_code=postal,
            country=country,
        )
        return simulation.items

    async def refresh(
        self, store: Store, sku_ids: Sequence[str], context: str = "price"
    ) -> list[Outcome]:
        """Simulate these SKUs once and apply each (see the module docstring)."""
        version = version_now()  # before the read: a later read always wins
        items = await self.simulate(store, sku_ids)
        reserved = await self.reserved_units(store, sku_ids)
        now = dt.datetime.now(dt.UTC)
        outcomes = [
            await self.apply(
                store, s, items.get(s), version, now, context=context, reserved=reserved.get(s, 0)
            )
            for s in dict.fromkeys(sku_ids)
        ]
        await self.offers.checked(store.store_id, sku_ids)
        return outcomes

    async def reserved_units(
        self, store: Store, sku_ids: Sequence[str], seller_of: Mapping[str, str] | None = None
    ) -> dict[str, int]:
        """VTEX sku_id → units of Linio orders VTEX already holds that Linio still reserves
        (`LinioReservations.units`), the `reserved_units` of `offer_quantity`
        (CLARIFICATIONS §4). `seller_of`: sku_id → SellerSku when the caller has read it;
        else read here, one command per 50 SKUs (`SkuStates.seller_skus`)."""
        if seller_of is None:
            seller_of = await self.sku_states.seller_skus(store.store_id, sku_ids)
        sku_of = {seller_of.get(s, s): s for s in dict.fromkeys(sku_ids)}
        units = await self.reservations.units(store.store_id, list(sku_of))
        return {sku_of[sku]: n for sku, n in units.items()}

    # --- one SKU --------------------------------------------------------------------------
    async def apply(
        self,
        store: Store,
        sku_id: str,
        item: SimulatedItem | None,
        version: int,
        now: dt.datetime,
        *,
        context: str = "price",
        linio: LinioProduct | None = None,
        reserved: int = 0,
    ) -> Outcome:
        """Stage what changed in one SKU's offer. `linio`: the product as Seller Center shows
        it (reconciliation, read-back): then the comparison is with Linio, not with what we
        last sent, and includes the Status. `reserved`: units Linio still reserves for
        orders VTEX already holds (added to Quantity)."""
        sid = store.store_id
        state = await self.sku_states.get(sid, sku_id) or {}
        if state.get("status") == "deactivated":
            # Taken offline by the catalog flow (inactive, removed from the affiliate, store
            # off): only its upsert brings the offer back. Seen live on Linio all the same
            # (re-activated behind our back): taken offline again.
            if (
                linio is not None
                and state.get("on_linio")
                and still_live(linio.status, linio.quantity)
            ):
                return await self._deactivate_again(store, sku_id, state, linio, version)
            return Outcome(sku_id, "ignored")
        if not state.get("on_linio"):
            await self.broker.publish_work(SkuWork(store_id=sid, sku_id=sku_id, action="upsert"))
            return Outcome(sku_id, "upsert")
        seller_sku = str(state.get("seller_sku") or sku_id)
        rules = store.rules()
        offer = price_stock(item, rules, now, reserved_units=reserved)
        fields = offer.fields()
        staged: list[str] = []
        status_to: tuple[str, dict[str, Any]] | None = None
        if linio is not None:
            wanted = drift(offer, linio)
            goal = intended_status(state)
            shown = linio.status
            if shown in ("active", "inactive") and shown != goal:
                if goal == "inactive" or offered(item):
                    wanted["status"] = f"Status {shown} ≠ {goal}"
                    status_to = status_fix(goal)
        else:
            wanted = {}
            if offer.price is not None and price_changed(fields, state.get("last_price")):
                wanted["price"] = "changed"
            if str(state.get("last_stock")) != fields["Quantity"]:
                wanted["stock"] = "changed"
        if not offered(item) and "stock" in wanted:
            await self._log_a1(store, sku_id, context)
            if linio is not None and (linio.status or "active") == "active":
                # Not offered by VTEX yet live on Linio (inactive SKU, notification never
                # sent): the catalog flow re-reads it and deactivates it if so.
                await self.broker.publish_work(
                    SkuWork(store_id=sid, sku_id=sku_id, action="upsert")
                )
        result = "unchanged"
        if "price" in wanted:
            prices = {k: fields[k] for k in PRICE_KEYS if k in fields}
            if await self._guard_allows(store, sku_id, state, prices, version):
                await self.feed_scheduler.stage(
                    sid, seller_sku, "price", prices, version, sku_id=sku_id
                )
                staged.append("price")
            else:
                result = "held"
        if "stock" in wanted:
            await self.feed_scheduler.stage(
                sid, seller_sku, "stock", {"Quantity": fields["Quantity"]}, version, sku_id=sku_id
            )
            staged.append("stock")
        if status_to is not None:
            kind, status_fields = status_to
            await self.feed_scheduler.stage(
                sid, seller_sku, kind, status_fields, version, sku_id=sku_id
            )
            staged.append("status")
        if staged and result != "held":
            result = "zero" if not offered(item) else "staged"
        if linio is not None and staged:
            await self._log_drift(
                store,
                sku_id,
                {k: ({k: wanted[k]}, version) for k in staged if k in wanted},
            )
        return Outcome(sku_id, result, tuple(staged))

    async def _deactivate_again(
        self,
        store: Store,
        sku_id: str,
        state: dict[str, Any],
        linio: LinioProduct,
        version: int,
    ) -> Outcome:
        """A SKU we took offline shows active or with stock on Linio: the store's
        deactivation goes out again, logged as a drift."""
        kind, fields = deactivation_change(store.deactivation)
        seller_sku = str(state.get("seller_sku") or sku_id)
        await self.feed_scheduler.stage(
            store.store_id, seller_sku, kind, fields, version, sku_id=sku_id
        )
        shown = f"Status {linio.status or 'active'}, Quantity {linio.quantity}"
        await self._log_drift(store, sku_id, {"status": ({"status": shown}, version)})
        return Outcome(sku_id, "staged", ("status",))

    async def _guard_allows(
        self,
        store: Store,
        sku_id: str,
        state: dict[str, Any],
        prices: dict[str, str],
        version: int,
    ) -> bool:
        """The price-drop guard (peers §5 idea 11): False when the price is held."""
        new = _effective(prices)
        previous = _effective(state.get("last_price") or {})
        if new is None:
            return True
        if state.get("price_approved") is not None and _decimal(state["price_approved"]) == new:
            return True
        decision = price_drop_guard(previous, new, store.rules().price_drop_guard_percent)
        if decision.send:
            if state.get("price_hold"):
                await self.offers.drop_hold(store.store_id, sku_id)
            return True
        problem = decision.problem
        assert problem is not None
        await self.offers.hold(
            store.store_id,
            sku_id,
            {
                "fields": prices,
                "version": version,
                "seller_sku": state.get("seller_sku") or sku_id,
                **dict(problem.params),
            },
        )
        await self._log_problem(store, sku_id, "E1", problem, "price")
        return False

    async def approve_price(self, store_id: str, sku_id: str) -> bool:
        """The seller approves a held price: it is staged as it was read (its version, so a
        newer read still wins). False when nothing was held."""
        state = await self.sku_states.get(store_id, sku_id) or {}
        hold = state.get("price_hold")
        if not hold:
            return False
        effective = _effective(hold["fields"])
        taken = await self.offers.take_hold(store_id, sku_id, str(effective))
        if taken is None:
            return False
        await self.feed_scheduler.stage(
            store_id,
            str(hold.get("seller_sku") or state.get("seller_sku") or sku_id),
            "price",
            dict(hold["fields"]),
            int(hold["version"]),
            sku_id=sku_id,
        )
        return True

    # --- logs ---------------------------------------------------------------------------
    async def _log_a1(self, store: Store, sku_id: str, context: str) -> None:
        problem = Problem(
            code="catalog.not_in_simulation",
            row="stock",
            linio_field="Quantity",
            vtex_field="items[]",
            params={"sales_channel": store.sales_channel},
        )
        await self._log_problem(store, sku_id, "A1", problem, context)

    async def _log_problem(
        self, store: Store, sku_id: str, code: str, problem: Problem, context: str
    ) -> None:
        operation, direction = CONTEXT_OPERATIONS[context if context != "catalog" else "price"]
        params: dict[str, Any] = {"problems": problem_list([problem])}
        if code == "A1":
            params["sku_id"] = sku_id
        await self.seller_log.write(
            LogEntry(
                store_id=store.store_id,
                operation=operation,
                direction=direction,
                code=code,
                params=params,
                flow=context,
                sku_id=sku_id,
                extra={"problems": [problem.code]},
            ),
            secrets=store.secrets(),
        )

    # --- read-back and reconciliation ---------------------------------------------------
    async def read_back(
        self,
        store: Store,
        sku_ids: Sequence[str],
        *,
        window: SlidingWindowLimiter | None = None,
    ) -> list[Outcome]:
        """Compare what Linio shows for these SKUs (price, the Quantity we set, status) with
        the offer VTEX simulates now and stage the differences. One GetProducts per 100
        SKUs (Seller Center), one simulation. `window`: a limiter the GetProducts calls
        also go through (reconciliation's share of the seller's window)."""
        outcomes: list[Outcome] = []
        linio = self.clients.linio(store)
        for start in range(0, len(sku_ids), GET_PRODUCTS_PAGE):
            chunk = list(sku_ids[start : start + GET_PRODUCTS_PAGE])
            seller_of = await self.sku_states.seller_skus(store.store_id, chunk)
            by_seller = {seller: s for s, seller in seller_of.items()}
            version = version_now()
            items = await self.simulate(store, chunk)
            reserved = await self.reserved_units(store, chunk, seller_of)
            if window is not None:
                async with window.slot():
                    products = await linio.get_products(
                        skus=list(by_seller), limit=GET_PRODUCTS_PAGE
                    )
            else:
                products = await linio.get_products(skus=list(by_seller), limit=GET_PRODUCTS_PAGE)
            shown = {by_seller[p.seller_sku]: p for p in products if p.seller_sku in by_seller}
            now = dt.datetime.now(dt.UTC)
            for sku_id in chunk:
                product = shown.get(sku_id)
                if product is None:
                    continue  # not on Linio (any more): the catalog flow's business
                outcomes.append(
                    await self.apply(
                        store,
                        sku_id,
                        items.get(sku_id),
                        version,
                        now,
                        linio=product,
                        reserved=reserved.get(sku_id, 0),
                    )
                )
            await self.offers.checked(store.store_id, chunk)
        return outcomes

    async def verify(self, store: Store, entries: Sequence[tuple[Entry, str]]) -> list[str]:
        """Read-back after a ProductUpdate feed ("trust but verify"): GetProducts for its
        accepted entries (one call per 100) and compare Price, SalePrice and the Quantity we
        set (not Available) with what the feed carried (`last_price`, `last_stock` of the
        state). A difference is staged again with the feed's own versions — so a newer
        change already staged still wins — and logged (`catalog.offer_drift`). Returns the
        VTEX sku_ids healed."""
        healed: list[str] = []
        linio = self.clients.linio(store)
        for start in range(0, len(entries), GET_PRODUCTS_PAGE):
            chunk = list(entries[start : start + GET_PRODUCTS_PAGE])
            products = await linio.get_products(
                skus=[e.seller_sku for e, _ in chunk], limit=GET_PRODUCTS_PAGE
            )
            shown = {p.seller_sku: p for p in products}
            for entry, sku_id in chunk:
                product = shown.get(entry.seller_sku)
                if product is None:
                    continue
                state = await self.sku_states.get(store.store_id, sku_id) or {}
                fixes = intended_drift(state, product, entry.versions)
                count = await self.offers.note_readback(store.store_id, sku_id, healed=bool(fixes))
                if not fixes:
                    continue
                if count > MAX_READBACK_HEALS:
                    log.warning("read_back_gave_up", store=store.store_id, sku=sku_id)
                    continue
                for kind, (fields, version) in fixes.items():
                    await self.feed_scheduler.stage(
                        store.store_id, entry.seller_sku, kind, fields, version, sku_id=sku_id
                    )
                await self._log_drift(store, sku_id, fixes)
                healed.append(sku_id)
        return healed

    async def _log_drift(
        self, store: Store, sku_id: str, fixes: dict[str, tuple[dict[str, Any], int]]
    ) -> None:
        described = ", ".join(f"{k}={v}" for fields, _ in fixes.values() for k, v in fields.items())
        context = "stock" if set(fixes) == {"stock"} else "price"
        operation, direction = CONTEXT_OPERATIONS[context]
        await self.seller_log.write(
            LogEntry(
                store_id=store.store_id,
                operation=operation,
                direction=direction,
                code="catalog.offer_drift",
                params={"sku_id": sku_id, "fields": described},
                flow=context,
                sku_id=sku_id,
            ),
            secrets=store.secrets(),
        )

    async def feed_room(self, store: Store) -> bool:
        """The seller's feed quota (as the feed owner last saved it, refilled since) holds
        more than the store's `reconcile_feed_reserve`: a pass may stage heals, which cost
        at most one feed more, without eating into what live changes need."""
        quota = self.clients.linio(store).quota
        saved = FeedQuota(quota.free_calls, quota.interval)
        await self.quota_ledger.restore(store.store_id, saved)
        return min(saved.level(), quota.level()) >= store.reconcile_feed_reserve + 1

    def reconcile_window(self, store: Store) -> SlidingWindowLimiter:
        """Reconciliation's share of Seller Center's window for this store: 30 calls per 3 s
        less `reconcile_call_reserve`, which its reads never take (live work keeps them)."""
        calls, period = SELLER_WINDOW
        share = max(1, calls - store.reconcile_call_reserve)
        window = self._reconcile_windows.get(store.store_id)
        if window is None or window.max_calls != share:
            window = self._reconcile_windows[store.store_id] = SlidingWindowLimiter(share, period)
        return window

    async def reconcile(self, store: Store, budget: int | None = None) -> list[Outcome]:
        """One reconciliation pass of a store: `budget` (default the store's
        `reconcile_budget`) published SKUs, most sold and stalest first. Leaves room for
        live changes (CLARIFICATIONS §2): deferred (nothing read, `[]`) while the feed
        quota is within `reconcile_feed_reserve`; its GetProducts calls never take the
        `reconcile_call_reserve` calls of the seller's 30-per-3-s window."""
        if not await self.feed_room(store):
            log.info("reconcile_deferred", store=store.store_id, reason="feed_quota_reserve")
            return []
        chosen = await self.offers.candidates(
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


def report_of(outcomes: Sequence[Outcome]) -> dict[str, int]:
    """`{checked, healed, held}` of a pass (CLI and admin API)."""
    return {
        "checked": len(outcomes),
        "healed": sum(1 for o in outcomes if o.staged),
        "held": sum(1 for o in outcomes if o.result == "held"),
    }


# --- batching -------------------------------------------------------------------------------


@dataclass
class _Batch:
    store: Store
    context: str
    waiting: dict[str, list[asyncio.Future[Outcome]]] = field(default_factory=dict)
    timer: asyncio.TimerHandle | None = None


class SimulationBatcher:
    """Gathers SKUs of one store and context; one simulation for all of them when
    `max_batch` SKUs wait or `window` seconds after the first arrived."""

    def __init__(self, flows: PriceStockFlows, *, max_batch: int = 50, window: float = 0.2):
        self.flows = flows
        self.max_batch = max_batch
        self.window = window
        self._batches: dict[tuple[str, str], _Batch] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    async def submit(self, store: Store, sku_id: str, context: str) -> Outcome:
        loop = asyncio.get_running_loop()
        key = (store.store_id, context)
        batch = self._batches.get(key)
        if batch is None:
            batch = self._batches[key] = _Batch(store, context)
            batch.timer = loop.call_later(self.window, self._flush, key)
        future: asyncio.Future[Outcome] = loop.create_future()
        batch.waiting.setdefault(sku_id, []).append(future)
        if len(batch.waiting) >= self.max_batch:
            self._flush(key)
        return await future

    def _flush(self, key: tuple[str, str]) -> None:
        batch = self._batches.pop(key, None)
        if batch is None:
            return
        if batch.timer is not None:
            batch.timer.cancel()
        task = asyncio.create_task(self._run(batch))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run(self, batch: _Batch) -> None:
        try:
            outcomes = await self.flows.refresh(batch.store, list(batch.waiting), batch.context)
        except BaseException as exc:  # every message of the batch fails (and is retried)
            for futures in batch.waiting.values():
                for f in futures:
                    if not f.done():
                        f.set_exception(exc)
            if not isinstance(exc, Exception):
                raise
            return
        for outcome in outcomes:
            for f in batch.waiting.get(outcome.sku_id, []):
                if not f.done():
                    f.set_result(outcome)


class PriceStockConsumer:
    """Handler of `price.<store>` and `stock.<store>` messages; `prefetch` lets a batch fill."""

    def __init__(self, flows: PriceStockFlows, batcher: SimulationBatcher) -> None:
        self.flows = flows
        self.batcher = batcher
        self.prefetch = batcher.max_batch

    async def __call__(self, message: Message) -> None:
        work = parse_work(message.body)  # MalformedWork: dead-lettered at once
        if not isinstance(work, SkuWork):
            return
        store = await self.flows.stores.get(work.store_id)
        if store is None or not store.active:
            return
        await self.batcher.submit(store, work.sku_id, work.queue_context)


# --- reconciliation schedule ------------------------------------------------------------------


class Reconciler(PeriodicJob):
    """Runs `reconcile` for each active store whose `reconcile_interval` (seconds, 0 = off)
    has passed; checks every `tick` seconds. One pass per interval across all worker
    processes (`OfferStates.claim_pass`); a pass the feed quota's reserve defers is tried
    again at the next tick."""

    name = "reconciler"

    def __init__(self, flows: PriceStockFlows, *, tick: float = 60.0) -> None:
        self.flows = flows
        self.tick = tick
        super().__init__()

    async def round(self) -> int:
        done = 0
        for store in await self.flows.stores.list(active_only=True):
            interval = store.reconcile_interval
            if interval <= 0:
                continue
            if not await self.flows.feed_room(store):
                continue  # the quota's reserve is live work's: tried again next tick
            if not await self.flows.offers.claim_pass(store.store_id, interval):
                continue  # not due yet, or another worker process runs it
            try:
                await self.flows.reconcile(store)
            except ClientError as exc:
                log.warning("reconcile_failed", store=store.store_id, error=str(exc))
                continue
            done += 1
        return done

    def period(self) -> float:
        return self.tick


# --- factories (registered in handlers/consumers.py) --------------------------------------


def make_flows(
    *,
    stores: StoreRepository,
    clients: ClientPool,
    sku_states: SkuStates,
    feed_scheduler: FeedScheduler,
    seller_log: SellerLog,
    broker: Broker,
    **_: Any,
) -> PriceStockFlows:
    return PriceStockFlows(stores, clients, sku_states, feed_scheduler, seller_log, broker)


def price_stock_consumer(**resources: Any) -> PriceStockConsumer:
    """The worker's consumer of `price.<store>` and `stock.<store>` queues, on the
    database's background pool (`Storage.background`): a storm of price and stock changes
    waits there, not in front of the request path and the feed owner."""
    background = resources["storage"].background
    flows = make_flows(
        **{
            **resources,
            "sku_states": SkuStates(background),
            "feed_scheduler": FeedScheduler(background, resources["broker"]),
            "seller_log": SellerLog(background),
        }
    )
    return PriceStockConsumer(flows, SimulationBatcher(flows))


def reconciler(**resources: Any) -> Reconciler:
    """The worker's periodic reconciliation (SCHEDULES["reconcile"])."""
    return Reconciler(make_flows(**resources))
