"""One SKU of a price/stock lot, decided in memory (spec §2.7, §2.8, §2.12; CLARIFICATIONS §4).

`decide` takes what the lot read for the SKU (its state, its simulated item, the units Linio
still reserves, and in a reconciliation the product as Seller Center shows it) and returns
what the lot writes for it (`Decision`): the changes to stage, the offer-side write, the
seller-log entries (only for a SKU with something to say) and whether the catalog queue
should have it. No I/O.

- a SKU the catalog flow took offline (`deactivated`) is left alone, unless Seller Center
  shows it live again (reconciliation): then the store's deactivation goes out again;
- a SKU Linio does not have yet goes to the catalog queue (a create carries price and stock);
- otherwise the offer (`price_stock`, Quantity from `offer_quantity`) is compared with what
  was last sent — or, in a reconciliation, with what Linio shows, Status included — and the
  differences staged; absent from the simulation or without an SLA → Quantity 0 and an A1
  entry; a price dropping more than the store's guard is held (E1) until approved.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from clients.linio.models import Product as LinioProduct
from clients.vtex.models import SimulatedItem
from domain.catalog.deactivation import (
    deactivation_change,
    intended_status,
    status_fix,
    still_live,
)
from domain.catalog.lots import Change
from domain.catalog.offers import OfferWrite
from domain.catalog.prices import (
    PRICE_KEYS,
    decimal_or_none,
    drift,
    effective_price,
    price_changed,
    price_drop_guard,
    price_stock,
)
from domain.catalog.problems import Problem, problem_list
from domain.catalog.quantity import offered
from domain.seller_log import CONTEXT_OPERATIONS, LogEntry
from domain.stores import Store


@dataclass
class Outcome:
    """What a lot did for one SKU: `result` staged | unchanged | held | zero | upsert |
    ignored | failed (`error` then says why; the SKU is retried alone)."""

    sku_id: str
    result: str
    staged: tuple[str, ...] = ()
    error: Exception | None = None


@dataclass
class Decision:
    """One SKU's share of the lot's writes."""

    outcome: Outcome
    changes: list[Change] = field(default_factory=list)
    offer: OfferWrite | None = None
    entries: list[LogEntry] = field(default_factory=list)
    upsert: bool = False


def decide(
    store: Store,
    sku_id: str,
    state: Mapping[str, Any],
    item: SimulatedItem | None,
    version: int,
    now: dt.datetime,
    *,
    context: str = "price",
    linio: LinioProduct | None = None,
    reserved: int = 0,
) -> Decision:
    """See the module docstring. `version`: taken before the simulation (an older read
    never overtakes a newer one); `now`: UTC; `reserved`: units added to Quantity."""
    if state.get("status") == "deactivated":
        if linio is not None and state.get("on_linio") and still_live(linio.status, linio.quantity):
            return _deactivate_again(store, sku_id, state, linio, version)
        return Decision(Outcome(sku_id, "ignored"), offer=OfferWrite(sku_id, checked=True))
    if not state.get("on_linio"):
        return Decision(Outcome(sku_id, "upsert"), upsert=True)
    seller_sku = str(state.get("seller_sku") or sku_id)
    offer = price_stock(item, store.rules(), now, reserved_units=reserved)
    fields = offer.fields()
    status_to: tuple[str, dict[str, Any]] | None = None
    if linio is not None:
        wanted = drift(offer, linio, now)
        goal = intended_status(dict(state))
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
    decision = Decision(Outcome(sku_id, "unchanged"), offer=OfferWrite(sku_id, checked=True))
    if not offered(item) and "stock" in wanted:
        decision.entries.append(_a1(store, sku_id, context))
        # Not offered by VTEX yet live on Linio (inactive SKU, notification never sent):
        # the catalog flow re-reads it and deactivates it if so.
        decision.upsert = linio is not None and (linio.status or "active") == "active"
    staged: list[str] = []
    if "price" in wanted:
        prices = {k: fields[k] for k in PRICE_KEYS if k in fields}
        if _guard(store, sku_id, state, prices, version, decision):
            decision.changes.append(Change(seller_sku, "price", prices, version))
            staged.append("price")
        else:
            decision.outcome.result = "held"
    if "stock" in wanted:
        decision.changes.append(
            Change(seller_sku, "stock", {"Quantity": fields["Quantity"]}, version)
        )
        staged.append("stock")
    if status_to is not None:
        kind, status_fields = status_to
        decision.changes.append(Change(seller_sku, kind, status_fields, version))
        staged.append("status")
    if staged and decision.outcome.result != "held":
        decision.outcome.result = "zero" if not offered(item) else "staged"
    decision.outcome.staged = tuple(staged)
    if linio is not None and staged:
        fixes = {k: ({k: wanted[k]}, version) for k in staged if k in wanted}
        decision.entries.append(drift_entry(store, sku_id, fixes))
    return decision


def _deactivate_again(
    store: Store, sku_id: str, state: Mapping[str, Any], linio: LinioProduct, version: int
) -> Decision:
    """A SKU we took offline shows active or with stock on Linio: the store's deactivation
    goes out again, logged as a drift."""
    kind, fields = deactivation_change(store.deactivation)
    seller_sku = str(state.get("seller_sku") or sku_id)
    shown = f"Status {linio.status or 'active'}, Quantity {linio.quantity}"
    return Decision(
        Outcome(sku_id, "staged", ("status",)),
        changes=[Change(seller_sku, kind, fields, version)],
        offer=OfferWrite(sku_id, checked=True),
        entries=[drift_entry(store, sku_id, {"status": ({"status": shown}, version)})],
    )


def _guard(
    store: Store,
    sku_id: str,
    state: Mapping[str, Any],
    prices: dict[str, str],
    version: int,
    decision: Decision,
) -> bool:
    """The price-drop guard (peers §5 idea 11): False when the price is held (the hold and
    its E1 entry added to `decision`)."""
    new = effective_price(prices)
    if new is None:
        return True
    approved = state.get("price_approved")
    if approved is not None and decimal_or_none(approved) == new:
        return True
    previous = effective_price(state.get("last_price") or {})
    verdict = price_drop_guard(previous, new, store.rules().price_drop_guard_percent)
    if verdict.send:
        if state.get("price_hold"):
            decision.offer = OfferWrite(sku_id, checked=True, drop_hold=True)
        return True
    problem = verdict.problem
    assert problem is not None
    hold = {
        "fields": prices,
        "version": version,
        "seller_sku": state.get("seller_sku") or sku_id,
        **dict(problem.params),
    }
    decision.offer = OfferWrite(sku_id, checked=True, hold=hold)
    decision.entries.append(problem_entry(store, sku_id, "E1", problem, "price"))
    return False


# --- seller-log entries -------------------------------------------------------------------


def _a1(store: Store, sku_id: str, context: str) -> LogEntry:
    problem = Problem(
        code="catalog.not_in_simulation",
        row="stock",
        linio_field="Quantity",
        vtex_field="items[]",
        params={"sales_channel": store.sales_channel},
    )
    return problem_entry(store, sku_id, "A1", problem, context)


def problem_entry(store: Store, sku_id: str, code: str, problem: Problem, context: str) -> LogEntry:
    """The seller-log entry of one problem of a SKU (`code` A1 or E1) in `context`."""
    operation, direction = CONTEXT_OPERATIONS[context if context != "catalog" else "price"]
    params: dict[str, Any] = {"problems": problem_list([problem])}
    if code == "A1":
        params["sku_id"] = sku_id
    return LogEntry(
        store_id=store.store_id,
        operation=operation,
        direction=direction,
        code=code,
        params=params,
        flow=context,
        sku_id=sku_id,
        extra={"problems": [problem.code]},
    )


def drift_entry(
    store: Store, sku_id: str, fixes: Mapping[str, tuple[Mapping[str, Any], int]]
) -> LogEntry:
    """`catalog.offer_drift`: what Seller Center showed otherwise and is sent again
    (kind → (fields, version))."""
    described = ", ".join(f"{k}={v}" for fields, _ in fixes.values() for k, v in fields.items())
    context = "stock" if set(fixes) == {"stock"} else "price"
    operation, direction = CONTEXT_OPERATIONS[context]
    return LogEntry(
        store_id=store.store_id,
        operation=operation,
        direction=direction,
        code="catalog.offer_drift",
        params={"sku_id": sku_id, "fields": described},
        flow=context,
        sku_id=sku_id,
    )
