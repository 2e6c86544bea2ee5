"""Order status between the sides, as steps to perform (spec §3.8–3.12; Linio §4.2).

VTEX → Linio:

- `invoice_steps`: an OMS invoice (possibly partial) → one `SetInvoiceNumber` per Linio
  order item it covers (Linio takes one item per call), allocated per VTEX SKU from the
  items not yet invoiced.
- `shipment_step`: tracking → `SetStatusToReadyToShip` with the shipment provider and the
  tracking number. The provider comes from the store's courier map (VTEX courier name →
  Linio shipment provider, like brands), else from a provider of the same name; the
  tracking number is checked against the provider's `TrackingCodeValidationRegex` before
  sending. Orders shipped with Linio's guides keep Linio's preselected provider and
  tracking. A provider Linio refuses (E080, "not allowed to change the preselected
  shipment provider") becomes the seller action `order.provider_refused`.
- `linio_cancel_steps`: a VTEX cancellation → `SetStatusToCanceled` per pending item with a
  reason of type `canceled` from GetFailureReasons; items no longer pending are listed
  apart (Seller Center refuses them).

Linio → VTEX:

- `vtex_cancel_steps`: Linio cancelled → cancel in VTEX, with a return invoice first when
  the VTEX order is invoiced (spec §3.8); nothing when VTEX already cancelled it (log G).
- `return_invoice`: the `Input` invoice for returned / undelivered items.
- `linio_event`: Linio item statuses → the state machine's event.

Pure module: standard library and the error catalogue only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from domain.orders.machine import Event
from domain.orders.placement import Problem, normalise

if TYPE_CHECKING:
    from clients.linio.models import FailureReason, ShipmentProvider


@dataclass(frozen=True)
class PlacedLine:
    """One VTEX line of the ledger: its VTEX SKU, unit price paid (cents) and Linio items."""

    vtex_sku: str
    item_ids: tuple[str, ...]
    unit_price: int = 0


@dataclass(frozen=True)
class InvoiceSteps:
    """`calls`: (OrderItemId, InvoiceNumber) for SetInvoiceNumber; `complete`: every live
    item is now invoiced (machine: VTEX_INVOICE, else VTEX_INVOICE_PARTIAL)."""

    calls: tuple[tuple[str, str], ...]
    complete: bool
    problems: tuple[Problem, ...] = ()

    @property
    def item_ids(self) -> tuple[str, ...]:
        return tuple(item for item, _ in self.calls)


def _quantity(value: Any) -> int:
    try:
        return max(int(str(value)), 0)
    except ValueError:
        return 0


def invoice_steps(
    invoice_number: str,
    invoice_items: Sequence[Mapping[str, Any]],
    lines: Sequence[PlacedLine],
    *,
    invoiced: Iterable[str] = (),
    cancelled: Iterable[str] = (),
) -> InvoiceSteps:
    """Items of this invoice: each `{id: VTEX SKU, quantity}` takes that many not yet
    invoiced, not cancelled Linio items of the SKU; an invoice without items covers every
    remaining one. Unknown SKUs are a problem, listed with the rest."""
    done = set(invoiced) | set(cancelled)
    free: dict[str, list[str]] = {}
    for line in lines:
        free.setdefault(line.vtex_sku, []).extend(i for i in line.item_ids if i not in done)
    calls: list[str] = []
    unknown: list[str] = []
    if not invoice_items:
        calls = [item for items in free.values() for item in items]
        free = {}
    for entry in invoice_items:
        sku = str(entry.get("id") or entry.get("skuId") or "")
        if sku not in free:
            unknown.append(sku or "?")
            continue
        take = _quantity(entry.get("quantity", 1))
        calls.extend(free[sku][:take])
        free[sku] = free[sku][take:]
    problems = (
        (
            Problem(
                "order.invoice_items_unknown",
                "I",
                {"invoice_number": invoice_number, "skus": ", ".join(unknown)},
            ),
        )
        if unknown
        else ()
    )
    remaining = sum(len(v) for v in free.values())
    return InvoiceSteps(
        tuple((item, invoice_number) for item in calls), complete=remaining == 0, problems=problems
    )


@dataclass(frozen=True)
class ShipmentStep:
    """SetStatusToReadyToShip for `item_ids`; provider/tracking None = Linio's own."""

    item_ids: tuple[str, ...]
    delivery_type: str = "dropship"
    shipping_provider: str | None = None
    tracking_number: str | None = None


def provider_for(
    courier: str | None,
    courier_map: Mapping[str, str],
    providers: Sequence[ShipmentProvider],
) -> ShipmentProvider | None:
    """The Linio provider for a VTEX courier: the store's map (normalised names) first,
    then a provider with the same name. None when neither matches."""
    key = normalise(courier)
    if not key:
        return None
    by_name = {normalise(p.name): p for p in providers}
    mapped = next((v for k, v in courier_map.items() if normalise(k) == key), None)
    if mapped is not None:
        return by_name.get(normalise(mapped))
    return by_name.get(key)


def _regex(pattern: str) -> re.Pattern[str] | None:
    """Seller Center writes regexes PHP-style (`/^[0-9]{10}$/`); None when unusable."""
    text = pattern.strip()
    if len(text) >= 2 and text[0] == text[-1] == "/":
        text = text[1:-1]
    elif len(text) >= 2 and text[0] == "/" and text.rfind("/") > 0:
        text = text[1 : text.rfind("/")]
    try:
        return re.compile(text)
    except re.error:
        return None


def tracking_valid(tracking: str, provider: ShipmentProvider) -> bool:
    """Checked against `TrackingCodeValidationRegex`; no (or unusable) regex accepts."""
    if not provider.tracking_code_regex:
        return True
    pattern = _regex(provider.tracking_code_regex)
    return pattern is None or pattern.fullmatch(tracking) is not None


def shipment_step(
    item_ids: Sequence[str],
    *,
    courier: str | None,
    tracking_number: str | None,
    courier_map: Mapping[str, str],
    providers: Sequence[ShipmentProvider],
    automatic_guide: bool = False,
) -> tuple[ShipmentStep | None, tuple[Problem, ...]]:
    """The ready-to-ship step for invoiced items, or the problems stopping it."""
    if automatic_guide:
        return ShipmentStep(tuple(item_ids)), ()
    provider = provider_for(courier, courier_map, providers)
    if provider is None:
        names = ", ".join(p.name for p in providers) or "—"
        return None, (
            Problem("order.courier_unmapped", "I", {"courier": courier or "—", "providers": names}),
        )
    tracking = (tracking_number or "").strip()
    if tracking and not tracking_valid(tracking, provider):
        params = {
            "tracking_number": tracking,
            "provider": provider.name,
            "example": provider.tracking_code_example or "—",
        }
        return None, (Problem("order.tracking_invalid", "I", params),)
    return ShipmentStep(tuple(item_ids), "dropship", provider.name, tracking or None), ()


def provider_refused(
    *, order_id: str, courier: str | None, provider: str | None, providers: Sequence[str]
) -> Problem:
    """Seller Center's E080 on a shipping step, as the seller action it is."""
    return Problem(
        "order.provider_refused",
        "I",
        {
            "order_id": order_id,
            "courier": courier or "—",
            "provider": provider or "—",
            "providers": ", ".join(providers) or "—",
        },
    )


VTEX_APPROVED_STATUSES = frozenset(
    {
        "payment-approved",
        "window-to-cancel",
        "ready-for-handling",
        "start-handling",
        "handling",
        "invoice",
        "invoiced",
    }
)
"""VTEX order statuses reached only after the order was approved (OMS workflow)."""


def vtex_approved(status: str | None) -> bool:
    """True when a VTEX order in `status` has been approved (what SOI002 reports)."""
    return (status or "").lower() in VTEX_APPROVED_STATUSES


PREFERRED_CANCEL_REASONS = ("out of stock", "sin stock", "fuera de stock", "sourcing delay")


def cancel_reason(reasons: Sequence[FailureReason]) -> str | None:
    """A reason of type `canceled` for a seller cancellation: an out-of-stock one when Linio
    offers it, else the first; None when GetFailureReasons has none."""
    usable = [r for r in reasons if (r.type or "").lower() in ("canceled", "cancelled")]
    for preferred in PREFERRED_CANCEL_REASONS:
        for reason in usable:
            if preferred in normalise(reason.name):
                return reason.name
    return usable[0].name if usable else None


@dataclass(frozen=True)
class LinioCancelSteps:
    calls: tuple[tuple[str, str], ...]  # (OrderItemId, Reason)
    refused: tuple[str, ...] = ()  # items no longer pending
    refused_status: str = ""
    already: tuple[str, ...] = ()  # items Linio already cancelled


def linio_cancel_steps(item_statuses: Mapping[str, str], reason: str) -> LinioCancelSteps:
    """SetStatusToCanceled for pending items (one per call); others listed apart."""
    calls, refused, already = [], [], []
    status = ""
    for item_id, raw in item_statuses.items():
        current = (raw or "").lower()
        if current in ("canceled", "cancelled"):
            already.append(item_id)
        elif current == "pending":
            calls.append((item_id, reason))
        else:
            refused.append(item_id)
            status = status or current
    return LinioCancelSteps(tuple(calls), tuple(refused), status, tuple(already))


@dataclass(frozen=True)
class VtexCancelSteps:
    """`return_invoice` first when set, then `cancel`; `already` = VTEX had cancelled it."""

    cancel: bool
    return_invoice: dict[str, Any] | None = None
    already: bool = False


def return_invoice(
    number: str,
    lines: Sequence[PlacedLine],
    item_ids: Iterable[str],
    *,
    issued_at: str,
) -> dict[str, Any]:
    """The `Input` invoice (spec §3.8) for `item_ids`: per VTEX SKU, its quantity and unit
    price; `invoiceValue` in cents, their sum."""
    wanted = set(item_ids)
    items = []
    for line in lines:
        quantity = sum(1 for i in line.item_ids if i in wanted)
        if quantity:
            items.append({"id": line.vtex_sku, "quantity": quantity, "price": line.unit_price})
    return {
        "type": "Input",
        "invoiceNumber": number,
        "invoiceValue": sum(i["quantity"] * i["price"] for i in items),
        "issuanceDate": issued_at,
        "invoiceUrl": None,
        "invoiceKey": None,
        "courier": None,
        "trackingNumber": None,
        "trackingUrl": None,
        "items": items,
    }


def vtex_cancel_steps(
    vtex_status: str,
    lines: Sequence[PlacedLine],
    *,
    invoice_number: str,
    issued_at: str,
) -> VtexCancelSteps:
    """Linio cancelled: what VTEX needs, by the VTEX order's current status."""
    status = (vtex_status or "").lower()
    if status in ("canceled", "cancelled"):
        return VtexCancelSteps(cancel=False, already=True)
    if status == "invoiced":
        every = [i for line in lines for i in line.item_ids]
        body = return_invoice(invoice_number, lines, every, issued_at=issued_at)
        return VtexCancelSteps(cancel=True, return_invoice=body)
    return VtexCancelSteps(cancel=True)


PACKED_OR_LATER = frozenset(
    {
        "ready_to_ship",
        "shipped",
        "delivered",
        "failed",
        "returned",
        "return_shipped_by_customer",
        "return_waiting_for_approval",
        "return_rejected",
    }
)
"""Linio item statuses an item reaches only after SetStatusToReadyToShip."""


def packed_or_later(item_statuses: Mapping[str, str], item_ids: Iterable[str]) -> bool:
    """Whether every item of `item_ids` (Linio OrderItemIds) has a status in
    `PACKED_OR_LATER` in `item_statuses` (OrderItemId → status, lower case); False for an
    empty `item_ids` or an item Seller Center did not list."""
    wanted = list(item_ids)
    return bool(wanted) and all(
        (item_statuses.get(i) or "").lower() in PACKED_OR_LATER for i in wanted
    )


LINIO_EVENTS: tuple[tuple[str, Event], ...] = (
    ("returned", Event.LINIO_RETURNED),
    ("failed", Event.LINIO_FAILED_DELIVERY),
    ("delivered", Event.LINIO_DELIVERED),
    ("shipped", Event.LINIO_SHIPPED),
    ("ready_to_ship", Event.LINIO_READY_TO_SHIP),
)
"""Most advanced status first: the order's event is that of its furthest live item."""


def linio_event(item_statuses: Mapping[str, str]) -> Event | None:
    """Linio's item statuses → one machine event: every item cancelled → LINIO_CANCEL;
    else the furthest status among the others; post-sale statuses still in progress
    (`return_shipped_by_customer`, `return_waiting_for_approval`, `return_rejected`) and
    `pending` give none."""
    statuses = [(s or "").lower() for s in item_statuses.values()]
    if statuses and all(s in ("canceled", "cancelled") for s in statuses):
        return Event.LINIO_CANCEL
    for status, event in LINIO_EVENTS:
        if status in statuses:
            return event
    return None
