"""Order consumers: Linio orders placed in VTEX exactly once, and status back (issue 11).

Queue `order.<store>` (from the Seller Center webhook, the polling safety net and VTEX's
processing results):

- `linio_order` (webhook, poll, redelivery): re-read the order with GetOrder/GetOrderItems
  (the payload is only a hint), record it in the ledger, then drive the state machine
  (`domain.orders.machine`): place (map SellerSku → VTEX SKU, check SKU context, simulate
  with the destination, create through the Channel Order API or the fulfillment-order
  method), approve when paid, cancel in VTEX when Linio cancelled, follow deliveries and
  returns.
- `processing_result` (from `handlers/order_callbacks.py`): SOI/EOI codes → machine events.

Queue `order-status.<store>` (from VTEX's OMS callbacks): `invoice`, `tracking`, `cancel`,
`delivered` → Seller Center steps (`domain.orders.status`).

Exactly once: `OrderLedger.reserve_placement` lets one delivery call VTEX; a reservation
found later (a crash between VTEX's answer and our write) makes us read VTEX by
marketplaceOrderId first and place again only when VTEX does not have it and the lease is
over — VTEX refuses a second copy anyway (EOI007, whose id we then read back).

`OrderPoller` is the safety net: GetOrders by UpdatedAfter in the store's time zone, with a
look-back, page by page; it also retries approvals held for divergence.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import structlog

from app.broker import Broker, Handler, Message, Wait
from app.client_pool import ClientPool
from app.settings import Settings
from app.storage import ORDERS, SKU_STATES, Storage, find_in
from clients.errors import ClientError, NotFoundError, PermanentError, TransientError
from clients.linio.client import LinioClient
from clients.linio.models import Order, OrderItem
from clients.vtex.client import SimulationItem, VtexClient
from clients.vtex.inbound import PayloadError, ProcessingResult, parse_invoice
from domain.catalog.offers import OfferStates
from domain.errors.orders import result_code
from domain.orders.ledger import (
    OrderLedger,
    linio_step,
    problems_found,
    vtex_answered,
    vtex_step,
)
from domain.orders.machine import Action, Event, State, transition
from domain.orders.placement import (
    Placement,
    PlacementSettings,
    Problem,
    is_paid,
    place,
    plan,
    render_problems,
)
from domain.orders.status import (
    LinioCancelSteps,
    PlacedLine,
    cancel_reason,
    invoice_steps,
    linio_cancel_steps,
    linio_event,
    packed_or_later,
    provider_refused,
    return_invoice,
    shipment_step,
    vtex_approved,
    vtex_cancel_steps,
)
from domain.personal_data import mask_personal
from domain.seller_log import LogEntry, SellerLog
from domain.stores import Store, StoreRepository
from domain.work import (
    LinioOrderWork,
    MalformedWork,
    OrderResultWork,
    OrderStatusWork,
    parse_work,
)
from handlers.order_reads import OrderItemsReader
from handlers.periodic import PeriodicJob

log = structlog.get_logger(__name__)

MAX_PLACEMENT_RETRIES = 5
"""EOI002/006/010 and approval EOI008 are retried this often, then become seller actions."""

POLL_LOOK_BACK = dt.timedelta(minutes=30)

MIN_INVOICE_REDRIVE_AFTER = dt.timedelta(seconds=10)
"""An invoice recorded (or changed) one poll interval ago, and at least this long ago, and
still not on Seller Center has lost its message: the poller's safety net carries it
(`OrderFlows.reconcile_invoices`). Sooner it could race the message still being handled."""

_RETRY_CODES = {"EOI002", "EOI006", "EOI008", "EOI010"}
_TO_PLACE = (State.RECEIVED, State.PLACING)


class RetryLater(TransientError):
    """The order must be looked at again later (the broker's retry delay): VTEX has not
    indexed it yet, or it keeps moving (another process holding it raises `Wait`)."""


@dataclass
class _Clients:
    store: Store
    vtex: VtexClient
    linio: LinioClient


def _statuses(items: Iterable[OrderItem]) -> dict[str, str]:
    return {i.order_item_id: (i.status or "").lower() for i in items}


def _lines(doc: dict[str, Any]) -> list[PlacedLine]:
    return [
        PlacedLine(line["vtex_sku"], tuple(line["item_ids"]), int(line.get("unit_price") or 0))
        for line in doc.get("lines") or []
    ]


def _invoice_at(doc: dict[str, Any], number: str) -> tuple[int, dict[str, Any] | None]:
    """(position in the ledger's `invoices`, the invoice) of invoice `number`; (-1, None)
    when the order has no such invoice. Invoices are only ever appended, so a position
    read once stays valid for the order's later writes."""
    for position, invoice in enumerate(doc.get("invoices") or []):
        if invoice.get("invoice_number") == number:
            return position, invoice
    return -1, None


def _linio_head(order: Order | None, known: dict[str, Any] | None) -> dict[str, Any]:
    """The order's head for the ledger: from GetOrder when it was read, else as kept."""
    if order is None:
        kept = (known or {}).get("linio") or {}
        return {
            "order_number": (known or {}).get("linio_order_number"),
            "price": kept.get("price"),
            "payment_method": kept.get("payment_method"),
            "created_at": kept.get("created_at"),
        }
    return {
        "order_number": order.order_number,
        "price": str(order.price) if order.price is not None else None,
        "payment_method": order.payment_method,
        "created_at": order.created_at,
    }


class OrderFlows:
    """The order work of one process; `connector_endpoint` is this service's public base
    URL (default: the PUBLIC_BASE_URL setting); each store's endpoint adds `/vtex/{token}`."""

    def __init__(
        self,
        *,
        storage: Storage,
        broker: Broker,
        stores: StoreRepository,
        seller_log: SellerLog,
        clients: ClientPool,
        ledger: OrderLedger,
        settings: Settings,
        connector_endpoint: str | None = None,
        **_: Any,
    ) -> None:
        self.db = storage.db
        self.broker = broker
        self.stores = stores
        self.seller_log = seller_log
        self.pool = clients
        self.ledger = ledger
        self.base_url = (connector_endpoint or settings.public_base_url).rstrip("/")
        self.items_reader = OrderItemsReader()
        self.invoice_redrive_after = max(
            MIN_INVOICE_REDRIVE_AFTER, dt.timedelta(seconds=settings.order_poll_interval)
        )

    # --- plumbing -----------------------------------------------------------------------------

    async def clients(self, store_id: str) -> _Clients:
        """The store and its pooled clients (one LinioClient per seller: its limiter)."""
        store = await self.stores.get(store_id)
        if store is None:
            raise PermanentError(f"unknown store {store_id}")
        return _Clients(store, self.pool.vtex(store), self.pool.linio(store))

    def connector_endpoint(self, store: Store) -> str:
        """The store's connector endpoint, `{base}/vtex/{token}` (no query string): VTEX
        appends the processing-result and OMS callback paths to it."""
        return store.endpoints(self.base_url)[1]

    def settings_for(self, store: Store) -> PlacementSettings:
        return PlacementSettings(
            connector_name=f"vtex-linio-{store.store_id}",
            connector_endpoint=self.connector_endpoint(store),
            affiliate_id=store.affiliate_id,
            sales_channel=store.sales_channel,
            country=store.country,
            fob=store.has_automatic_guide,
            method=store.order_method,  # type: ignore[arg-type]
            marketplace_services_endpoint=self.connector_endpoint(store),
            seller_id=store.vtex_seller_id or "1",
            postal_codes=store.postal_codes,
        )

    async def _log(
        self,
        store: Store,
        code: str,
        /,
        *,
        log_status: str | None = None,
        operation: str = "Order status update",
        direction: str = "Marketplace to VTEX",
        order_id: str | None = None,
        source: Any = None,
        destination: Any = None,
        **params: Any,
    ) -> None:
        """One seller-log entry about an order. `order_id` (the marketplace order id the
        seller searches) files the entry and also fills the message's `{order_id}`."""
        if order_id is not None:
            params = {"order_id": order_id, **params}
        await self.seller_log.write(
            LogEntry(
                store_id=store.store_id,
                operation=operation,
                direction=direction,
                code=code,
                params=params,
                status=log_status,
                flow="order",
                order_id=order_id,
                content_source=mask_personal(source),
                content_destination=mask_personal(destination),
            ),
            secrets=store.secrets(),
        )

    async def _apply(
        self,
        doc: dict[str, Any],
        event: Event,
        *,
        fields: dict[str, Any] | None = None,
        timeline: list[dict[str, Any]] | None = None,
    ) -> tuple[dict[str, Any], tuple[Action, ...]]:
        """Move the order by the machine with a conditional update on its current state.

        An event is a fact: when another process moved the order first, the event is
        applied again to the state it left (so a cancel arriving during an invoice is not
        lost). Actions go only to the caller whose update won, so nothing runs twice."""
        for _ in range(5):
            state = doc.get("state", State.RECEIVED)
            step = transition(state, event)
            if step.state == state and not step.actions:
                if fields or timeline:
                    moved = await self.ledger.move(
                        doc, state, event, fields=fields, timeline=timeline
                    )
                    return moved or doc, ()
                return doc, ()
            moved = await self.ledger.move(
                doc, step.state, event, expect=state, fields=fields, timeline=timeline
            )
            if moved is not None:
                return moved, step.actions
            doc = await self.ledger.get(doc["store_id"], doc["linio_order_id"]) or doc
        raise RetryLater(f"order {doc.get('linio_order_id')} keeps moving; {event} retried")

    # --- Linio → VTEX ---------------------------------------------------------------------------

    async def sync_from_linio(self, store_id: str, linio_order_id: str, source: str) -> None:
        """Re-read the order on Linio and do what its state asks (idempotent)."""
        c = await self.clients(store_id)
        known = await self.ledger.get(store_id, linio_order_id)
        # The order's head (address, customer, totals) is read only while it is still to
        # be placed; afterwards only its items' statuses matter, and those are read with
        # the other orders wanted at the same time (one GetMultipleOrderItems).
        items_read = self.items_reader.items(store_id, c.linio, linio_order_id)
        order: Order | None = None
        if known is None or known.get("state", State.RECEIVED) in _TO_PLACE:
            got_order, got_items = await asyncio.gather(
                c.linio.get_order(linio_order_id), items_read, return_exceptions=True
            )
            if got_order is None:
                log.warning("linio_order_not_found", store=store_id, order=linio_order_id)
                return
            if isinstance(got_order, BaseException):
                raise got_order
            if isinstance(got_items, BaseException):
                raise got_items
            order, items = got_order, got_items
        else:
            items = await items_read
        statuses = _statuses(items)
        paid = is_paid(items)
        head = _linio_head(order, known)
        doc = await self.ledger.seen(
            store_id,
            linio_order_id,
            order_number=head.pop("order_number") or linio_order_id,
            statuses=statuses,
            paid=paid,
            source=source,
            linio={
                **head,
                "items": [
                    {
                        "id": i.order_item_id,
                        "sku": i.sku,
                        "item_price": str(i.item_price),
                        "paid_price": str(i.paid_price),
                        "voucher": str(i.voucher_amount),
                        "shipping": str(i.shipping_amount),
                    }
                    for i in items
                ],
            },
        )
        event = linio_event(statuses)
        state = State(doc.get("state", State.RECEIVED))
        if event is Event.LINIO_CANCEL:
            doc, actions = await self._apply(doc, event)
            await self._run(c, doc, actions)
            return
        if state in _TO_PLACE and order is None:  # moved back meanwhile: read it whole
            raise RetryLater(f"order {linio_order_id} is to be placed again")
        if state is State.RECEIVED and order is not None:
            await self._place(c, doc, order, items, from_states=(State.RECEIVED,))
        elif state is State.PLACING and order is not None:
            await self._recover(c, doc, order, items)
        elif state in (State.PLACED, State.APPROVING):
            await self._result_lost(c, doc)
        elif state in (State.INTEGRATED, State.HELD) and paid:
            doc, actions = await self._apply(doc, Event.LINIO_PAID)
            await self._run(c, doc, actions)
        elif event is not None:
            doc, actions = await self._apply(doc, event)
            await self._run(c, doc, actions)

    async def _sku_map(self, store: Store, seller_skus: Iterable[str]) -> dict[str, str]:
        """SellerSku → VTEX SKU: the link kept by the catalog flow, else the store's default
        rule (the VTEX SKU id is the SellerSku, as Linio's own plugin does)."""
        wanted = sorted(set(seller_skus))
        found: dict[str, str] = {}
        cursor = find_in(
            self.db[SKU_STATES],
            {"store_id": store.store_id},
            "seller_sku",
            wanted,
            {"seller_sku": 1, "sku_id": 1},
        )
        async for row in cursor:
            found[str(row["seller_sku"])] = str(row["sku_id"])
        for sku in wanted:
            if sku not in found and sku.isdigit():
                found[sku] = sku
        return found

    async def _inactive(self, c: _Clients, skus: Iterable[str]) -> set[str]:
        """SKUs inactive or outside the trade policy per Get SKU and Context (log F)."""
        inactive = set()
        for sku in skus:
            try:
                context = await c.vtex.sku_context(sku, c.store.sales_channel)
            except NotFoundError:
                continue  # the simulation reports it missing (log D)
            if not context.is_active or not context.in_trade_policy(c.store.sales_channel):
                inactive.add(sku)
        return inactive

    async def _place(
        self,
        c: _Clients,
        doc: dict[str, Any],
        order: Order,
        items: list[OrderItem],
        *,
        from_states: tuple[State, ...],
    ) -> None:
        key = await self.ledger.reserve_placement(doc, tuple(s.value for s in from_states))
        if key is None:
            return  # another delivery of the same order holds the placement
        doc = {**doc, "state": State.PLACING}
        store = c.store
        settings = self.settings_for(store)
        try:
            sku_map = await self._sku_map(store, [i.sku for i in items if i.sku])
            the_plan = plan(order, items, sku_map, settings)
            if the_plan.nothing_to_place:
                await self.ledger.move(doc, State.DROPPED, "nothing_to_place", expect=State.PLACING)
                await self._log(
                    store,
                    "order.nothing_to_place",
                    order_id=the_plan.marketplace_order_id,
                    marketplace_order_id=the_plan.marketplace_order_id,
                )
                return
            placement = Placement(None, the_plan.problems, {})
            if not the_plan.problems:
                skus = [sku for sku, _ in the_plan.simulation_items()]
                simulation = await c.vtex.simulate(
                    [SimulationItem(sku, qty) for sku, qty in the_plan.simulation_items()],
                    sales_channel=store.sales_channel,
                    affiliate_id=store.affiliate_id,
                    postal_code=the_plan.destination.postal_code if the_plan.destination else None,
                    country=the_plan.destination.country if the_plan.destination else None,
                )
                placement = place(
                    the_plan, simulation, settings, inactive=await self._inactive(c, skus)
                )
        except ClientError:
            await self.ledger.move(doc, State.RECEIVED, "transient", expect=State.PLACING)
            raise
        fields = {
            "lines": [
                {
                    "seller_sku": line.seller_sku,
                    "vtex_sku": sku,
                    "item_ids": list(line.item_ids),
                    "unit_price": line.unit_price,
                    "list_price": line.list_price,
                    "voucher": line.voucher,
                    "shipping": line.shipping,
                }
                for sku, line in zip(the_plan.vtex_skus, the_plan.lines, strict=True)
            ],
            "totals": {
                "items": the_plan.totals.items,
                "shipping": the_plan.totals.shipping,
                "vouchers": the_plan.totals.vouchers,
                "payment": the_plan.totals.payment,
            },
            "vtex_prices": placement.vtex_prices,
            "sent_status": "approved" if the_plan.paid else "new",
            "method": settings.method,
        }
        if placement.problems:
            await self._refuse(c, doc, the_plan.marketplace_order_id, placement.problems, fields)
            return
        await self.ledger.move(doc, State.PLACING, "planned", fields=fields)
        if settings.method == "fulfillment":
            await self._place_fulfillment(c, doc, the_plan.marketplace_order_id, placement)
            return
        try:
            result = await c.vtex.create_order(placement.body, affiliate_id=store.affiliate_id)
        except ClientError:
            # VTEX may or may not hold it: a new attempt is safe (EOI007 for a second copy).
            await self.ledger.move(doc, State.RECEIVED, "transient", expect=State.PLACING)
            raise
        await self.handle_result(c, doc, result, synchronous=True)

    async def _place_fulfillment(
        self, c: _Clients, doc: dict[str, Any], marketplace_order_id: str, placement: Placement
    ) -> None:
        try:
            created = await c.vtex.place_fulfillment_orders(
                placement.body,  # type: ignore[arg-type]
                sales_channel=c.store.sales_channel,
                affiliate_id=c.store.affiliate_id,
            )
        except PermanentError as exc:
            code = "FMT009" if "FMT009" in str(exc) else None
            if code:  # already there: read its id
                found = await c.vtex.find_order(
                    marketplace_order_id, affiliate_id=c.store.affiliate_id
                )
                if found is not None:
                    await self._integrated(c, doc, found.order_id, marketplace_order_id)
                    return
            await self._refuse(c, doc, marketplace_order_id, (), {}, detail=str(exc))
            return
        except ClientError:
            await self.ledger.move(doc, State.RECEIVED, "transient", expect=State.PLACING)
            raise
        order_id = str(created[0].get("orderId")) if created else ""
        await self._integrated(c, doc, order_id, marketplace_order_id)

    async def _integrated(
        self, c: _Clients, doc: dict[str, Any], vtex_order_id: str, marketplace_order_id: str
    ) -> None:
        doc, actions = await self._apply(
            doc,
            Event.VTEX_INTEGRATED,
            fields={"vtex_order_id": vtex_order_id},
            timeline=[vtex_answered("SOI001", True, vtex_order_id)],
        )
        await self._count_sold(c.store, doc)
        if await self.ledger.first_time(doc, "order.A"):
            await self._log(
                c.store,
                "order.A",
                order_id=marketplace_order_id,
                marketplace_order_id=marketplace_order_id,
                vtex_order_id=vtex_order_id,
                order_url=f"https://{c.store.account}.myvtex.com/admin/orders/{vtex_order_id}",
            )
        # Sent as "new" (unpaid then) but paid meanwhile: approve now. Sent as "approved",
        # VTEX approves by itself (SOI002 follows).
        if doc.get("state") == State.INTEGRATED and doc.get("linio_paid"):
            if doc.get("sent_status") != "approved" or doc.get("method") == "fulfillment":
                doc, more = await self._apply(doc, Event.LINIO_PAID)
                actions = (*actions, *more)
        await self._run(c, doc, actions)

    async def _count_sold(self, store: Store, doc: dict[str, Any]) -> None:
        """The order's units per VTEX SKU count as sold (reconciliation reads the most sold
        first), once per order however often VTEX's answer is seen."""
        units: dict[str, int] = {}
        for line in doc.get("lines") or []:
            sku = line.get("vtex_sku")
            if sku:
                count = len(line.get("item_ids") or []) or 1  # one Linio item per unit
                units[str(sku)] = units.get(str(sku), 0) + count
        if units and await self.ledger.first_time(doc, "units_sold"):
            await OfferStates(self.db).count_sold(store.store_id, units)

    async def _refuse(
        self,
        c: _Clients,
        doc: dict[str, Any],
        marketplace_order_id: str,
        problems: Iterable[Problem],
        fields: dict[str, Any],
        *,
        detail: str = "",
    ) -> None:
        problems = list(problems)
        await self.ledger.move(
            doc,
            State.PLACEMENT_ERROR,
            "problems",
            expect=State.PLACING,
            fields={**fields, "problems": [p.code for p in problems]},
            timeline=[problems_found([p.code for p in problems])],
        )
        letters = sorted({p.letter for p in problems}) or ["I"]
        for letter in letters:
            mine = [p for p in problems if p.letter == letter]
            if letter == "I":
                await self._log(
                    c.store,
                    "order.I",
                    order_id=marketplace_order_id,
                    marketplace_order_id=marketplace_order_id,
                    problems=render_problems(mine, "en") or detail,
                )
            else:
                for problem in mine:
                    await self._log(
                        c.store,
                        f"order.{letter}",
                        order_id=marketplace_order_id,
                        sku_id=problem.params.get("sku_id", "—"),
                    )

    async def _recover(
        self, c: _Clients, doc: dict[str, Any], order: Order, items: list[OrderItem]
    ) -> None:
        """A placement reservation is still there: read VTEX before placing again."""
        mkp_id = doc.get("linio_order_number") or doc["linio_order_id"]
        found = await c.vtex.find_order(mkp_id, affiliate_id=c.store.affiliate_id)
        if found is not None:
            await self._integrated(c, doc, found.order_id, mkp_id)
            return
        if not self.ledger.lease_expired(doc):
            raise Wait(f"placement of {mkp_id} in flight elsewhere", retry_after=5.0)
        await self._place(c, doc, order, items, from_states=(State.PLACING,))

    async def _result_lost(self, c: _Clients, doc: dict[str, Any]) -> None:
        """VTEX took the order (SOI003) or the approval and its processing result has not
        come (a callback lost while this service was down or unreachable): read the order
        from VTEX and move on as SOI001 / SOI002 would. Not there yet: nothing changes, the
        result or a later look does it."""
        mkp_id = doc.get("linio_order_number") or doc["linio_order_id"]
        if doc.get("vtex_order_id"):
            found = await c.vtex.get_order(doc["vtex_order_id"])
        else:
            found = await c.vtex.find_order(mkp_id, affiliate_id=c.store.affiliate_id)
        if found is None:
            return
        if doc.get("state") == State.PLACED:
            await self._integrated(c, doc, found.order_id, mkp_id)
        if vtex_approved(found.status):
            fresh = await self.ledger.get(doc["store_id"], doc["linio_order_id"]) or doc
            await self._apply(
                fresh,
                Event.VTEX_APPROVED,
                fields={"vtex_order_id": found.order_id},
                timeline=[vtex_answered("SOI002", True, found.order_id)],
            )

    async def handle_result(
        self, c: _Clients, doc: dict[str, Any], result: ProcessingResult, *, synchronous: bool
    ) -> None:
        """A Channel Order API result (synchronous answer or notification) → machine."""
        mkp_id = result.marketplace_order_id or doc.get("linio_order_number", "")
        code = (result.code or "").upper()
        if code == "SOI003":
            await self._apply(doc, Event.VTEX_ACCEPTED, timeline=[vtex_answered(code, True, None)])
            return
        if code == "SOI001" or (
            result.flow == "PlaceOrder" and result.success and code != "SOI002"
        ):
            vtex_id = result.main_order_id or doc.get("vtex_order_id")
            if vtex_id:
                await self._integrated(c, doc, vtex_id, mkp_id)
            else:
                await self._read_vtex_id(c, doc, mkp_id)
            return
        if code == "SOI002":
            doc, actions = await self._apply(
                doc,
                Event.VTEX_APPROVED,
                fields={"vtex_order_id": result.main_order_id or doc.get("vtex_order_id")},
            )
            await self._log(
                c.store, "order.SOI002", order_id=mkp_id, marketplace_order_id=mkp_id, detail=""
            )
            return
        await self._log(
            c.store,
            result_code(code),
            order_id=mkp_id,
            marketplace_order_id=mkp_id,
            code=code,
            flow=result.flow,
            detail=result.message or "; ".join(str(e.get("description")) for e in result.errors),
        )
        if code == "EOI007":
            if result.main_order_id:
                await self._integrated(c, doc, result.main_order_id, mkp_id)
            else:
                await self._read_vtex_id(c, doc, mkp_id)
            return
        if code == "EOI011":
            doc, actions = await self._apply(doc, Event.VTEX_DIVERGENCE)
            return
        if code in _RETRY_CODES:
            retries = int(doc.get("retries") or 0) + 1
            if retries > MAX_PLACEMENT_RETRIES:
                await self._apply(doc, Event.VTEX_REFUSED, fields={"retries": retries})
                return
            doc, actions = await self._apply(doc, Event.VTEX_RETRY, fields={"retries": retries})
            await self._run(c, doc, actions)
            return
        await self._apply(doc, Event.VTEX_REFUSED, fields={"refused_code": code})

    async def _read_vtex_id(self, c: _Clients, doc: dict[str, Any], mkp_id: str) -> None:
        """EOI007 without an id (real VTEX): read it; not indexed yet → try again later."""
        doc, _ = await self._apply(doc, Event.VTEX_DUPLICATE)
        found = await c.vtex.find_order(mkp_id, affiliate_id=c.store.affiliate_id)
        if found is None:
            raise RetryLater(f"VTEX has {mkp_id} but does not list it yet")
        await self._integrated(c, doc, found.order_id, mkp_id)

    async def on_processing_result(self, store_id: str, body: dict[str, Any]) -> None:
        """The notification was recorded by the route; re-read the ledger and act on it."""
        c = await self.clients(store_id)
        doc = await self.ledger.get(store_id, str(body.get("linio_order_id")))
        if doc is None:
            return
        results = doc.get("vtex_results") or []
        latest = next((r for r in reversed(results) if r.get("code") == body.get("code")), None)
        if latest is None:
            return
        result = ProcessingResult(
            flow=str(latest.get("flow") or body.get("flow") or ""),
            code=str(latest.get("code") or ""),
            success=bool(latest.get("success")),
            marketplace_order_id=str(latest.get("marketplace_order_id") or ""),
            message=str(latest.get("message") or ""),
            main_order_id=latest.get("main_order_id"),
            errors=tuple(latest.get("errors") or ()),
        )
        await self.handle_result(c, doc, result, synchronous=False)

    # --- actions --------------------------------------------------------------------------------

    async def _run(self, c: _Clients, doc: dict[str, Any], actions: Iterable[Action]) -> None:
        for action in actions:
            if action is Action.APPROVE:
                await self._approve(c, doc)
            elif action is Action.RETRY_LATER:
                await self._publish_retry(c, doc)
            elif action is Action.LOG_Q and doc.get("placement_attempts"):
                mkp_id = doc.get("linio_order_number") or doc["linio_order_id"]
                await self._log(c.store, "order.Q", order_id=mkp_id, marketplace="Linio")
            elif action is Action.CANCEL_VTEX:
                await self._cancel_in_vtex(c, doc)
            elif action is Action.RETURN_INVOICE_VTEX and doc.get("state") in (
                State.RETURNED,
                State.FAILED_DELIVERY,
            ):
                await self._return_in_vtex(c, doc)
            elif action is Action.DELIVERED_VTEX:
                await self._delivered_in_vtex(c, doc)
            elif action is Action.CANCEL_LINIO:
                await self._cancel_on_linio(c, doc)
            # PLACE runs inside `_place`; RETURN_INVOICE_VTEX before a cancel inside
            # `_cancel_in_vtex`; SEND_* inside the status handlers; SELLER_ACTION and
            # STOP_RETRIES are the state itself (the dashboard lists those orders).

    async def _publish_retry(self, c: _Clients, doc: dict[str, Any]) -> None:
        await self.broker.publish_work(
            LinioOrderWork(c.store.store_id, linio_order_id=doc["linio_order_id"], source="replay")
        )

    async def _approve(self, c: _Clients, doc: dict[str, Any]) -> None:
        mkp_id = doc.get("linio_order_number") or doc["linio_order_id"]
        if doc.get("method") == "fulfillment":
            await c.vtex.fulfill_order(
                doc["vtex_order_id"],
                mkp_id,
                sales_channel=c.store.sales_channel,
                affiliate_id=c.store.affiliate_id,
            )
            await self._apply(doc, Event.VTEX_APPROVED)
            return
        result = await c.vtex.update_order_status(
            mkp_id,
            "approved",
            connector_name=f"vtex-linio-{c.store.store_id}",
            connector_endpoint=self.connector_endpoint(c.store),
        )
        await self.ledger.note(doc, vtex_step("approve", result.code))

    async def _cancel_in_vtex(self, c: _Clients, doc: dict[str, Any]) -> None:
        fresh = await self.ledger.get(doc["store_id"], doc["linio_order_id"]) or doc
        mkp_id = fresh.get("linio_order_number") or fresh["linio_order_id"]
        vtex_id = fresh.get("vtex_order_id")
        if not vtex_id:
            await self._log(c.store, "order.M", order_id=mkp_id, log_status="pending")
            return  # the integration result moves it on (CANCELLING_VTEX + integrated)
        order = await c.vtex.get_order(vtex_id)
        now = dt.datetime.now(dt.UTC).isoformat()
        steps = vtex_cancel_steps(
            order.status, _lines(fresh), invoice_number=f"DEV-{mkp_id}", issued_at=now
        )
        if steps.already:
            await self._log(c.store, "order.G", order_id=mkp_id, vtex_order_id=vtex_id)
            await self._apply(fresh, Event.VTEX_CANCELLED)
            return
        packages = (order.raw.get("packageAttachment") or {}).get("packages") or []
        returned = {p.get("invoiceNumber") for p in packages if p.get("type") == "Input"}
        if steps.return_invoice is not None and steps.return_invoice["invoiceNumber"] not in (
            returned
        ):
            await c.vtex.invoice(vtex_id, steps.return_invoice)
            await self.ledger.note(fresh, vtex_step("return_invoice", "sent"))
        await c.vtex.cancel_order(vtex_id, reason="Cancelled on Linio")
        await self.ledger.note(fresh, vtex_step("cancel", "requested"))
        await self._log(c.store, "order.C", order_id=mkp_id, vtex_order_id=vtex_id)

    async def _return_in_vtex(self, c: _Clients, doc: dict[str, Any]) -> None:
        vtex_id = doc.get("vtex_order_id")
        if not vtex_id:
            return
        returned = [
            item
            for item, status in (doc.get("linio_statuses") or {}).items()
            if status in ("returned", "failed")
        ]
        mkp_id = doc.get("linio_order_number") or doc["linio_order_id"]
        body = return_invoice(
            f"DEV-{mkp_id}",
            _lines(doc),
            returned,
            issued_at=dt.datetime.now(dt.UTC).isoformat(),
        )
        if body["items"]:
            await c.vtex.invoice(vtex_id, body)
            await self.ledger.note(doc, vtex_step("return_invoice", "sent"))

    async def _delivered_in_vtex(self, c: _Clients, doc: dict[str, Any]) -> None:
        vtex_id = doc.get("vtex_order_id")
        invoices = [i for i in doc.get("invoices") or [] if i.get("type", "Output") == "Output"]
        if not vtex_id or not invoices:
            return
        await c.vtex.tracking_events(
            vtex_id,
            invoices[-1]["invoice_number"],
            is_delivered=True,
            delivered_date=dt.datetime.now(dt.UTC).isoformat(),
        )
        await self.ledger.note(doc, vtex_step("delivered", "sent"))

    async def _cancel_on_linio(self, c: _Clients, doc: dict[str, Any]) -> None:
        items = await c.linio.get_order_items(doc["linio_order_id"])
        reason = cancel_reason(await c.linio.get_failure_reasons()) or "Out of stock"
        steps = linio_cancel_steps(_statuses(items), reason)
        for item_id, why in steps.calls:
            await c.linio.set_status_to_canceled(item_id, why)
        await self.ledger.note(doc, linio_step("cancel", [i for i, _ in steps.calls], "done"))
        if steps.refused:
            await self._log_cancel_refused(c, doc, steps)
            await self._apply(doc, Event.LINIO_CANCEL_REFUSED)
            return
        await self._apply(doc, Event.LINIO_CANCELLED)

    # --- VTEX → Linio ---------------------------------------------------------------------------

    async def on_status(self, store_id: str, body: dict[str, Any]) -> None:
        c = await self.clients(store_id)
        doc = None
        if body.get("linio_order_id"):
            doc = await self.ledger.get(store_id, str(body["linio_order_id"]))
        if doc is None and body.get("vtex_order_id"):
            doc = await self.ledger.by_vtex_order(str(body["vtex_order_id"]))
        if doc is None:
            return
        action = body.get("action")
        if action in ("invoice", "tracking"):
            number = str(body.get("invoice_number") or "")
            if not await self._invoice_to_linio(c, doc, number):
                raise Wait(f"invoice {number} is being carried to Seller Center elsewhere")
        elif action == "cancel":
            doc, actions = await self._apply(doc, Event.VTEX_CANCEL)
            if Action.CANCEL_LINIO not in actions:
                await self._vtex_cancel_not_followed(c, doc)
            await self._run(c, doc, actions)
        elif action == "delivered":
            doc, actions = await self._apply(doc, Event.VTEX_DELIVERED)
            await self.ledger.note(doc, linio_step("delivered", [], "not supported by the API"))

    async def _vtex_cancel_not_followed(self, c: _Clients, doc: dict[str, Any]) -> None:
        """VTEX cancelled an order whose Linio items are past pending (ready to ship,
        shipped, delivered): Seller Center cannot cancel them, so the seller is told once,
        with the items and their status (the order stays `cancel_blocked` or final)."""
        steps = linio_cancel_steps(doc.get("linio_statuses") or {}, "")
        if not steps.refused or not await self.ledger.first_time(doc, "vtex_cancel_refused"):
            return
        await self._log_cancel_refused(c, doc, steps)

    async def _log_cancel_refused(
        self, c: _Clients, doc: dict[str, Any], steps: LinioCancelSteps
    ) -> None:
        """Tell the seller that Seller Center cannot cancel the order's items `steps.refused`
        (already past pending: ready to ship, shipped, delivered)."""
        await self._log(
            c.store,
            "order.cancel_refused_shipped",
            direction="VTEX to Marketplace",
            order_id=doc.get("linio_order_number") or doc["linio_order_id"],
            items=", ".join(steps.refused),
            status=steps.refused_status,
        )

    async def _invoice_to_linio(self, c: _Clients, doc: dict[str, Any], number: str) -> bool:
        """`_carry_invoice` under the order's claim (`OrderLedger.claim`), on the order as
        it is once claimed. False, doing nothing, while another caller holds the claim (it
        carries the invoice; a caller that must not lose the work tries again later)."""
        key = await self.ledger.claim(doc, "linio_invoice")
        if key is None:
            return False
        try:
            fresh = await self.ledger.get(doc["store_id"], doc["linio_order_id"]) or doc
            await self._carry_invoice(c, fresh, number)
        finally:
            await self.ledger.release(doc, "linio_invoice", key)
        return True

    async def _carry_invoice(self, c: _Clients, doc: dict[str, Any], number: str) -> None:
        """Carry VTEX invoice `number` of the order to Seller Center: SetInvoiceNumber for
        each Linio item of the invoice, then ready to ship when it has tracking (or the
        store uses Linio's own guide). A return invoice (`Input`) stays in VTEX.

        Safe to run again after a crash at any point (a redelivered message, the poller's
        safety net): the invoice's Linio items are written to the ledger
        (`invoices.N.linio_items`, `linio_complete`) in the same write that moves the order
        before the first call, and each item joins `linio_invoiced` once Seller Center took
        its number. A later run sends the rest of those same items (it never re-derives them
        from what is left, which would drop the ones already sent) and goes on to ready to
        ship. Raises what the clients raise (the broker retries)."""
        position, invoice = _invoice_at(doc, number)
        if invoice is None:
            return
        mkp_id = doc.get("linio_order_number") or doc["linio_order_id"]
        if invoice.get("type", "Output") == "Input":
            return  # a return invoice stays in VTEX
        done = set(doc.get("linio_invoiced") or [])
        planned: list[str] | None = invoice.get("linio_items")
        if planned is None or not set(planned) <= done:
            if planned is None:
                cancelled = [
                    i for i, s in (doc.get("linio_statuses") or {}).items() if s == "canceled"
                ]
                steps = invoice_steps(
                    number,
                    invoice.get("items") or [],
                    _lines(doc),
                    invoiced=done,
                    cancelled=cancelled,
                )
                if steps.problems:
                    await self._log(
                        c.store,
                        "order.invoice_items_unknown",
                        direction="VTEX to Marketplace",
                        operation="Invoice sending",
                        order_id=mkp_id,
                        **steps.problems[0].params,
                    )
                planned, complete = sorted(steps.item_ids), steps.complete
            else:  # a run stopped halfway: the same items, the same event
                complete = bool(invoice.get("linio_complete", True))
            event = Event.VTEX_INVOICE if complete else Event.VTEX_INVOICE_PARTIAL
            at = f"invoices.{position}"
            doc, actions = await self._apply(
                doc, event, fields={f"{at}.linio_items": planned, f"{at}.linio_complete": complete}
            )
            if Action.RETURN_INVOICE_VTEX in actions or Action.CANCEL_VTEX in actions:
                await self._run(c, doc, [Action.CANCEL_VTEX])
                return
            if Action.SEND_INVOICE not in actions:
                return
            calls = [item_id for item_id in planned if item_id not in done]
            for item_id in calls:
                await c.linio.set_invoice_number(item_id, number)
                await self.ledger.add_to_set(doc, "linio_invoiced", [item_id])
            await self.ledger.note(doc, linio_step("SetInvoiceNumber", calls, "done"))
        if invoice.get("tracking_number") or c.store.has_automatic_guide:
            await self._tracking_to_linio(c, doc, invoice, sorted(planned))

    async def _tracking_to_linio(
        self, c: _Clients, doc: dict[str, Any], invoice: dict[str, Any], item_ids: list[str]
    ) -> None:
        """SetStatusToReadyToShip for the invoice's Linio items `item_ids`, with its courier
        and tracking number (or Linio's own guide), then the documents.

        Exactly once across crashes: the attempt is marked on the invoice
        (`linio_ready_to_ship_sent_at`) in the same write that moves the order, before the
        call; a later run that finds the mark reads the items on Seller Center first and
        only records the step when they are already ready to ship (a run that died after
        Seller Center took the call, before its answer was recorded)."""
        if not item_ids or invoice.get("linio_ready_to_ship"):
            return
        fresh = await self.ledger.get(doc["store_id"], doc["linio_order_id"]) or doc
        position, current = _invoice_at(fresh, invoice["invoice_number"])
        if current is None:
            return
        tried = bool(current.get("linio_ready_to_ship_sent_at"))
        doc, actions = await self._apply(
            fresh,
            Event.VTEX_TRACKING,
            fields={f"invoices.{position}.linio_ready_to_ship_sent_at": dt.datetime.now(dt.UTC)},
        )
        if Action.SEND_TRACKING not in actions:
            return
        mkp_id = doc.get("linio_order_number") or doc["linio_order_id"]
        if tried and await self._ready_on_linio(c, doc, item_ids):
            await self._ready_to_ship_recorded(c, doc, invoice, item_ids, "done before a restart")
            return
        providers = [] if c.store.has_automatic_guide else await c.linio.get_shipment_providers()
        step, problems = shipment_step(
            item_ids,
            courier=invoice.get("courier"),
            tracking_number=invoice.get("tracking_number"),
            courier_map=c.store.courier_map,
            providers=providers,
            automatic_guide=c.store.has_automatic_guide,
        )
        if step is None:
            await self._tracking_refused(c, doc, mkp_id, problems[0])
            return
        try:
            await c.linio.set_status_to_ready_to_ship(
                list(step.item_ids),
                delivery_type=step.delivery_type,
                shipping_provider=step.shipping_provider,
                tracking_number=step.tracking_number,
            )
        except PermanentError as exc:
            if "E080" not in str(exc) and getattr(exc, "code", None) not in ("E080", "80", 80):
                raise
            problem = provider_refused(
                order_id=mkp_id,
                courier=invoice.get("courier"),
                provider=step.shipping_provider,
                providers=[p.name for p in providers],
            )
            await self._tracking_refused(c, doc, mkp_id, problem)
            return
        await self._ready_to_ship_recorded(c, doc, invoice, list(step.item_ids), "done")

    async def _ready_on_linio(self, c: _Clients, doc: dict[str, Any], item_ids: list[str]) -> bool:
        """Whether Seller Center already shows every item of `item_ids` ready to ship or
        further on (read now, batched with the store's other item reads)."""
        items = await self.items_reader.items(doc["store_id"], c.linio, doc["linio_order_id"])
        return packed_or_later(_statuses(items), item_ids)

    async def _ready_to_ship_recorded(
        self,
        c: _Clients,
        doc: dict[str, Any],
        invoice: dict[str, Any],
        item_ids: list[str],
        outcome: str,
    ) -> None:
        """Seller Center has the invoice's items ready to ship: mark the invoice, move the
        order, keep the shipping documents."""
        await self.db[ORDERS].update_one(
            {"_id": doc["_id"], "invoices.invoice_number": invoice["invoice_number"]},
            {"$set": {"invoices.$.linio_ready_to_ship": True}},
        )
        await self._apply(
            doc,
            Event.LINIO_READY_TO_SHIP,
            timeline=[linio_step("SetStatusToReadyToShip", item_ids, outcome)],
        )
        await self._keep_documents(c, doc, item_ids)

    async def _tracking_refused(
        self, c: Any, doc: dict[str, Any], mkp_id: str, problem: Any
    ) -> None:
        """Seller Center cannot take this tracking (no provider, bad number, E080): the
        seller's action goes to the log and the order waits for a corrected invoice."""
        await self._log(
            c.store,
            problem.code,
            operation="Tracking code sending",
            direction="VTEX to Marketplace",
            **{"order_id": mkp_id, **problem.params},
        )
        await self._apply(doc, Event.LINIO_TRACKING_REFUSED)

    async def _keep_documents(self, c: _Clients, doc: dict[str, Any], item_ids: list[str]) -> None:
        """The shipping label and Linio's invoice document (GetDocument, once the items are
        ready to ship), kept in the ledger for the seller to download. A document Seller
        Center does not have (E034/E035) is noted, not retried."""
        for kind in ("shippingLabel", "invoice"):
            try:
                documents = await c.linio.get_document(kind, item_ids)
            except PermanentError as exc:
                await self.ledger.note(doc, linio_step(f"GetDocument {kind}", item_ids, str(exc)))
                continue
            kept = [
                {
                    "type": d.document_type or kind,
                    "mime_type": d.mime_type,
                    "file": d.file,
                    "items": item_ids,
                    "at": dt.datetime.now(dt.UTC),
                }
                for d in documents
            ]
            if kept:
                await self.db[ORDERS].update_one(
                    {"_id": doc["_id"]}, {"$push": {"documents": {"$each": kept}}}
                )

    # --- polling --------------------------------------------------------------------------------

    async def poll(self, store_id: str, since: dt.datetime) -> int:
        """GetOrders updated after `since` − look-back (aware; the Linio client writes it in
        the seller's time zone, as Seller Center reads it), every page; each order goes to
        the store's order queue. Orders held for divergence get their approval retried and
        invoices whose callback was lost are picked up. Returns the orders queued."""
        c = await self.clients(store_id)
        after = since - POLL_LOOK_BACK  # aware: the client writes it in the seller's zone
        queued: set[str] = set()
        async for order in c.linio.iter_orders(updated_after=after):
            await self.broker.publish_work(
                LinioOrderWork(store_id, linio_order_id=order.order_id, source="poll")
            )
            queued.add(order.order_id)
        count = len(queued)
        for doc in await self.ledger.in_state(store_id, [State.HELD.value]):
            doc, actions = await self._apply(doc, Event.SELLER_RETRY)
            await self._run(c, doc, actions)
        # Waiting for a processing result that may have been lost: look at VTEX again.
        for doc in await self.ledger.in_state(
            store_id, [State.PLACED.value, State.APPROVING.value]
        ):
            if doc["linio_order_id"] not in queued:
                await self.broker.publish_work(
                    LinioOrderWork(store_id, linio_order_id=doc["linio_order_id"], source="poll")
                )
        await self.reconcile_invoices(store_id)
        return count

    async def reconcile_invoices(self, store_id: str) -> int:
        """Safety net for invoices that did not reach Seller Center. For each order awaiting
        its invoice or tracking (approved, partially invoiced, invoiced):

        - invoices VTEX holds (OMS `packageAttachment.packages`) that the ledger lacks, or
          holds with less (a lost callback: VTEX only logs a failed delivery) are recorded
          and carried to Seller Center;
        - invoices the ledger holds that are still not on Seller Center `invoice_redrive_after`
          after they were recorded or last changed are carried again: their message was lost
          (the process died between the callback's write and its publish) or gave up.

        Carrying is `_invoice_to_linio`, safe to repeat. Returns how many invoices were
        carried. Raises what the clients raise (the poller logs it and tries next round)."""
        c = await self.clients(store_id)
        waiting = [s.value for s in (State.APPROVED, State.PARTIALLY_INVOICED, State.INVOICED)]
        carried = 0
        for doc in await self.ledger.in_state(store_id, waiting):
            if not doc.get("vtex_order_id"):
                continue
            order = await c.vtex.get_order(doc["vtex_order_id"])
            packages = (order.raw.get("packageAttachment") or {}).get("packages") or []
            handled: set[str] = set()
            for package in packages:
                try:
                    notification = parse_invoice(package)
                except PayloadError:
                    continue
                if notification.type != "Output":
                    continue
                fresh = await self.ledger.get(store_id, doc["linio_order_id"]) or doc
                if await self.ledger.record_invoice(fresh, notification):
                    carried += 1
                    handled.add(notification.invoice_number)
                    fresh = await self.ledger.get(store_id, doc["linio_order_id"]) or fresh
                    await self._invoice_to_linio(c, fresh, notification.invoice_number)
            if handled:
                doc = await self.ledger.get(store_id, doc["linio_order_id"]) or doc
            fresh, now = doc, dt.datetime.now(dt.UTC)
            for invoice in fresh.get("invoices") or []:
                number = invoice.get("invoice_number")
                if number in handled or not self._left_behind(c.store, fresh, invoice, now):
                    continue
                log.info("order_invoice_redriven", store=store_id, order=doc["linio_order_id"])
                carried += 1
                await self._invoice_to_linio(c, fresh, number)
                fresh = await self.ledger.get(store_id, doc["linio_order_id"]) or fresh
        return carried

    def _left_behind(
        self, store: Store, doc: dict[str, Any], invoice: dict[str, Any], now: dt.datetime
    ) -> bool:
        """Whether an Output invoice of the ledger still waits for a Seller Center step
        (SetInvoiceNumber never tried or unfinished; ready to ship due and not done) and has
        waited longer than `invoice_redrive_after` since it was recorded or last changed."""
        if invoice.get("type", "Output") != "Output":
            return False
        planned = invoice.get("linio_items")
        if planned is None or not set(planned) <= set(doc.get("linio_invoiced") or []):
            pending = True
        else:
            ships = bool(invoice.get("tracking_number")) or store.has_automatic_guide
            pending = ships and bool(planned) and not invoice.get("linio_ready_to_ship")
        if not pending:
            return False
        since = invoice.get("changed_at") or invoice.get("received_at")
        if since is None:
            return True
        if since.tzinfo is None:
            since = since.replace(tzinfo=dt.UTC)
        return now - since >= self.invoice_redrive_after


class OrderPoller(PeriodicJob):
    """Runs `OrderFlows.poll` for every active store every `interval` seconds; the
    watermark is the start of the previous round (the look-back covers clock skew)."""

    name = "order-poller"

    def __init__(self, flows: OrderFlows, *, interval: float = 60.0) -> None:
        self.flows = flows
        self.interval = interval
        self._since: dict[str, dt.datetime] = {}
        super().__init__()

    async def round(self) -> int:
        total = 0
        for store in await self.flows.stores.list(active_only=True):
            started = dt.datetime.now(dt.UTC)
            since = self._since.get(store.store_id, started - dt.timedelta(days=1))
            try:
                total += await self.flows.poll(store.store_id, since)
            except ClientError as exc:
                log.warning("order_poll_failed", store=store.store_id, error=str(exc))
                continue
            self._since[store.store_id] = started
        return total

    def period(self) -> float:
        return self.interval


# --- consumer factories (registered in handlers/consumers.py) ----------------------------------


def order_consumer(*, flows: OrderFlows | None = None, **resources: Any) -> Handler:
    """`order.<store>`: Linio orders to mirror (`linio_order`) and VTEX's results
    (`order_result`)."""
    flows = flows or OrderFlows(**resources)

    async def handle(message: Message) -> None:
        work = parse_work(message.body)
        if isinstance(work, LinioOrderWork):
            source = f"{work.source}:{work.event}" if work.event else work.source
            await flows.sync_from_linio(work.store_id, work.linio_order_id, source)
        elif isinstance(work, OrderResultWork):
            body = {"linio_order_id": work.linio_order_id, "code": work.code, "flow": work.flow}
            await flows.on_processing_result(work.store_id, body)
        else:
            raise MalformedWork(f"{work.kind} does not belong to the order queue")

    return handle


def order_status_consumer(*, flows: OrderFlows | None = None, **resources: Any) -> Handler:
    """`order-status.<store>`: VTEX invoices, tracking, deliveries and cancels for Linio."""
    flows = flows or OrderFlows(**resources)

    async def handle(message: Message) -> None:
        work = parse_work(message.body)
        if not isinstance(work, OrderStatusWork):
            raise MalformedWork(f"{work.kind} does not belong to the order-status queue")
        body = {
            "action": work.action,
            "linio_order_id": work.linio_order_id,
            "vtex_order_id": work.vtex_order_id,
            "invoice_number": work.invoice_number,
        }
        await flows.on_status(work.store_id, body)

    return handle
