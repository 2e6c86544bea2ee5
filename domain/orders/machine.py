"""The order state machine: one table of (state, event) → (next state, actions).

One state per order covers both sides (the ledger keeps each side's raw status beside it).
Events are facts already true on one platform (`linio_cancel`: Linio cancelled the items;
`vtex_invoice`: VTEX holds an invoice) or outcomes of our own calls (`vtex_integrated`:
SOI001 or EOI007 with the id read back). Actions are what the consumer does next, in order.
A pair missing from the table is a repeated or stale event: nothing changes, nothing is
done (webhooks and callbacks are redelivered for days).

Cancellation races resolve by one rule, whichever event comes first:

- A Linio cancellation wins over a VTEX invoice: Linio will not ship, the buyer is
  refunded there. VTEX follows: a return invoice first when it is invoiced (spec §3.8),
  then cancel; an invoice arriving during that cancellation gets its return invoice too.
  Invoices are never sent to Linio for cancelled items.
- A VTEX cancellation is followed on Linio while its items are still pending (Seller
  Center cancels only pending items); when they are already ready to ship or shipped the
  order goes to `cancel_blocked`, a seller action, until Linio reports the items
  returned, failed or cancelled.
- A Linio cancellation meanwhile stops placement retries (`stop_retries`, log Q).

So "invoice then cancel" and "cancel then invoice" end in the same state, `cancelled`, with
VTEX holding a return invoice when it had an invoice. Pure module: no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class State(StrEnum):
    RECEIVED = "received"  # known on Linio, not yet sent to VTEX
    PLACING = "placing"  # placement key reserved, VTEX call in flight
    PLACED = "placed"  # VTEX enqueued it (SOI003): awaiting the processing result
    INTEGRATED = "integrated"  # created in VTEX, not approved (unpaid on Linio)
    APPROVING = "approving"  # approval sent, awaiting SOI002
    HELD = "held"  # price divergence: waiting for the seller's authorization (EOI011)
    APPROVED = "approved"  # paid and approved in VTEX: the seller prepares it
    PARTIALLY_INVOICED = "partially_invoiced"
    INVOICED = "invoiced"
    TRACKING_BLOCKED = "tracking_blocked"  # Linio refused the provider/tracking: seller action
    READY_TO_SHIP = "ready_to_ship"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    FAILED_DELIVERY = "failed_delivery"
    RETURNED = "returned"
    CANCELLING_VTEX = "cancelling_vtex"  # Linio cancelled: VTEX follows
    CANCELLING_LINIO = "cancelling_linio"  # VTEX cancelled: Linio follows
    CANCEL_BLOCKED = "cancel_blocked"  # VTEX cancelled, Linio already shipped: seller action
    CANCELLED = "cancelled"  # cancelled on both sides
    PLACEMENT_ERROR = "placement_error"  # refused (I/D/F, EOI003/4/5): seller fixes, retries
    DROPPED = "dropped"  # Linio cancelled before VTEX had it: never placed


class Event(StrEnum):
    PLACE = "place"
    VTEX_ACCEPTED = "vtex_accepted"  # SOI003
    VTEX_INTEGRATED = "vtex_integrated"  # SOI001, or EOI007 with the id read back
    VTEX_DUPLICATE = "vtex_duplicate"  # EOI007 without an id
    VTEX_APPROVED = "vtex_approved"  # SOI002
    VTEX_DIVERGENCE = "vtex_divergence"  # EOI011
    VTEX_RETRY = "vtex_retry"  # EOI002/006/008/010, transient errors
    VTEX_REFUSED = "vtex_refused"  # EOI000/001/003/004/005/009, problems I/D/F
    LINIO_PAID = "linio_paid"
    SELLER_RETRY = "seller_retry"
    VTEX_INVOICE_PARTIAL = "vtex_invoice_partial"
    VTEX_INVOICE = "vtex_invoice"  # the invoices now cover every item
    VTEX_TRACKING = "vtex_tracking"
    LINIO_TRACKING_REFUSED = "linio_tracking_refused"  # E080, bad tracking, unmapped courier
    LINIO_READY_TO_SHIP = "linio_ready_to_ship"
    LINIO_SHIPPED = "linio_shipped"
    LINIO_DELIVERED = "linio_delivered"
    LINIO_FAILED_DELIVERY = "linio_failed_delivery"
    LINIO_RETURNED = "linio_returned"
    VTEX_DELIVERED = "vtex_delivered"  # tracking isDelivered (the store ships itself)
    VTEX_FAILED_DELIVERY = "vtex_failed_delivery"
    LINIO_CANCEL = "linio_cancel"
    VTEX_CANCEL = "vtex_cancel"
    VTEX_CANCELLED = "vtex_cancelled"  # our cancel call done (log C) or already (log G)
    LINIO_CANCELLED = "linio_cancelled"  # our SetStatusToCanceled calls done
    LINIO_CANCEL_REFUSED = "linio_cancel_refused"  # items no longer pending (E028)


class Action(StrEnum):
    PLACE = "place"
    READ_VTEX_ORDER_ID = "read_vtex_order_id"
    APPROVE = "approve"
    RETRY_LATER = "retry_later"
    STOP_RETRIES = "stop_retries"
    LOG_Q = "log_q"
    LOG_M = "log_m"
    SELLER_ACTION = "seller_action"
    SEND_INVOICE = "send_invoice"
    SEND_TRACKING = "send_tracking"
    RETURN_INVOICE_VTEX = "return_invoice_vtex"
    CANCEL_VTEX = "cancel_vtex"
    CANCEL_LINIO = "cancel_linio"
    DELIVERED_VTEX = "delivered_vtex"
    DELIVERED_LINIO = "delivered_linio"
    FAILED_DELIVERY_LINIO = "failed_delivery_linio"


@dataclass(frozen=True)
class Transition:
    state: State
    actions: tuple[Action, ...] = ()


S, E, A = State, Event, Action

_BEFORE_VTEX = (S.RECEIVED, S.PLACEMENT_ERROR)
_IN_FLIGHT = (S.PLACING, S.PLACED)
_IN_VTEX = (S.INTEGRATED, S.APPROVING, S.HELD, S.APPROVED)
_INVOICED = (S.PARTIALLY_INVOICED, S.INVOICED, S.TRACKING_BLOCKED)
_SHIPPING = (S.READY_TO_SHIP, S.SHIPPED)

TABLE: dict[tuple[State, Event], Transition] = {}


def _add(states: Iterable[State], event: Event, to: State | None, *actions: Action) -> None:
    for state in states:
        TABLE[(state, event)] = Transition(to or state, actions)


# --- placement ------------------------------------------------------------------------------
_add([S.RECEIVED], E.PLACE, S.PLACING, A.PLACE)
_add([S.PLACEMENT_ERROR], E.SELLER_RETRY, S.PLACING, A.PLACE)
_add([S.PLACING], E.VTEX_ACCEPTED, S.PLACED)
_add(_IN_FLIGHT, E.VTEX_INTEGRATED, S.INTEGRATED)
_add(_IN_FLIGHT, E.VTEX_DUPLICATE, S.PLACED, A.READ_VTEX_ORDER_ID)
_add(_IN_FLIGHT, E.VTEX_RETRY, S.RECEIVED, A.RETRY_LATER)
_add(_IN_FLIGHT, E.VTEX_REFUSED, S.PLACEMENT_ERROR, A.SELLER_ACTION)
_add([S.RECEIVED], E.VTEX_REFUSED, S.PLACEMENT_ERROR, A.SELLER_ACTION)
# results may overtake each other: an approval proves the integration
_add((*_IN_FLIGHT, S.INTEGRATED, S.APPROVING, S.HELD), E.VTEX_APPROVED, S.APPROVED)
# --- approval -------------------------------------------------------------------------------
_add([S.INTEGRATED], E.LINIO_PAID, S.APPROVING, A.APPROVE)
_add([S.APPROVING], E.VTEX_RETRY, S.APPROVING, A.RETRY_LATER)
_add(
    (*_IN_FLIGHT, S.APPROVING, S.INTEGRATED),
    E.VTEX_DIVERGENCE,
    S.HELD,
    A.SELLER_ACTION,
    A.RETRY_LATER,
)
_add([S.HELD], E.VTEX_RETRY, S.HELD, A.RETRY_LATER)
_add([S.HELD], E.SELLER_RETRY, S.APPROVING, A.APPROVE)
_add([S.HELD], E.LINIO_PAID, S.APPROVING, A.APPROVE)
_add([S.APPROVING], E.VTEX_REFUSED, S.INTEGRATED, A.SELLER_ACTION)
# --- invoices and tracking (VTEX → Linio) ---------------------------------------------------
_PARTIAL = (S.APPROVED, S.PARTIALLY_INVOICED)
_add(_PARTIAL, E.VTEX_INVOICE_PARTIAL, S.PARTIALLY_INVOICED, A.SEND_INVOICE)
_add((S.APPROVED, S.PARTIALLY_INVOICED, S.INVOICED), E.VTEX_INVOICE, S.INVOICED, A.SEND_INVOICE)
_add((S.INVOICED, S.PARTIALLY_INVOICED), E.VTEX_TRACKING, None, A.SEND_TRACKING)
_add([S.TRACKING_BLOCKED], E.VTEX_TRACKING, S.INVOICED, A.SEND_TRACKING)
_add([S.TRACKING_BLOCKED], E.SELLER_RETRY, S.INVOICED, A.SEND_TRACKING)
_add(_INVOICED, E.LINIO_TRACKING_REFUSED, S.TRACKING_BLOCKED, A.SELLER_ACTION)
_add((S.APPROVED, *_INVOICED), E.LINIO_READY_TO_SHIP, S.READY_TO_SHIP)
_add((S.APPROVED, *_INVOICED, S.READY_TO_SHIP), E.LINIO_SHIPPED, S.SHIPPED)
# --- delivery and returns -------------------------------------------------------------------
_add(_SHIPPING, E.LINIO_DELIVERED, S.DELIVERED, A.DELIVERED_VTEX)
_add(_SHIPPING, E.VTEX_DELIVERED, S.DELIVERED, A.DELIVERED_LINIO)
_add(_SHIPPING, E.VTEX_FAILED_DELIVERY, S.FAILED_DELIVERY, A.FAILED_DELIVERY_LINIO)
_add(_SHIPPING, E.LINIO_FAILED_DELIVERY, S.FAILED_DELIVERY, A.RETURN_INVOICE_VTEX)
_add((*_SHIPPING, S.DELIVERED), E.LINIO_RETURNED, S.RETURNED, A.RETURN_INVOICE_VTEX)
_add([S.FAILED_DELIVERY], E.LINIO_RETURNED, S.RETURNED)
# --- cancellation from Linio ----------------------------------------------------------------
_add(_BEFORE_VTEX, E.LINIO_CANCEL, S.DROPPED, A.STOP_RETRIES, A.LOG_Q)
_add(_IN_FLIGHT, E.LINIO_CANCEL, S.CANCELLING_VTEX, A.STOP_RETRIES, A.CANCEL_VTEX)
_add(_IN_VTEX, E.LINIO_CANCEL, S.CANCELLING_VTEX, A.CANCEL_VTEX)
_add(_INVOICED, E.LINIO_CANCEL, S.CANCELLING_VTEX, A.RETURN_INVOICE_VTEX, A.CANCEL_VTEX)
_add([S.READY_TO_SHIP], E.LINIO_CANCEL, S.CANCELLING_VTEX, A.RETURN_INVOICE_VTEX, A.CANCEL_VTEX)
# the race, cancel first: the invoice VTEX now holds gets its return invoice
_add([S.CANCELLING_VTEX], E.VTEX_INVOICE, None, A.RETURN_INVOICE_VTEX, A.CANCEL_VTEX)
_add([S.CANCELLING_VTEX], E.VTEX_INVOICE_PARTIAL, None, A.RETURN_INVOICE_VTEX, A.CANCEL_VTEX)
_add([S.CANCELLING_VTEX], E.VTEX_INTEGRATED, None, A.CANCEL_VTEX)
_add([S.CANCELLING_VTEX], E.VTEX_DUPLICATE, None, A.READ_VTEX_ORDER_ID)
_add([S.CANCELLING_VTEX], E.VTEX_RETRY, S.DROPPED, A.STOP_RETRIES, A.LOG_Q)
_add([S.CANCELLING_VTEX], E.VTEX_REFUSED, S.DROPPED, A.STOP_RETRIES, A.LOG_Q)
_add([S.CANCELLING_VTEX], E.VTEX_CANCELLED, S.CANCELLED)
_add([S.CANCELLING_VTEX], E.VTEX_CANCEL, S.CANCELLED)
# --- cancellation from VTEX -----------------------------------------------------------------
_add((*_IN_VTEX, *_INVOICED), E.VTEX_CANCEL, S.CANCELLING_LINIO, A.CANCEL_LINIO)
_add(_SHIPPING, E.VTEX_CANCEL, S.CANCEL_BLOCKED, A.SELLER_ACTION)
_add([S.CANCELLING_LINIO], E.LINIO_CANCELLED, S.CANCELLED)
_add([S.CANCELLING_LINIO], E.LINIO_CANCEL, S.CANCELLED)
_add([S.CANCELLING_LINIO], E.LINIO_CANCEL_REFUSED, S.CANCEL_BLOCKED, A.SELLER_ACTION)
for _event in (E.LINIO_CANCEL, E.LINIO_RETURNED, E.LINIO_FAILED_DELIVERY, E.LINIO_CANCELLED):
    _add([S.CANCEL_BLOCKED], _event, S.CANCELLED)
_add([S.CANCEL_BLOCKED], E.SELLER_RETRY, S.CANCELLING_LINIO, A.CANCEL_LINIO)

FINAL = frozenset({S.CANCELLED, S.DROPPED, S.RETURNED, S.DELIVERED})
"""States nothing moves on from but a return (DELIVERED → RETURNED)."""


def transition(state: State | str, event: Event | str) -> Transition:
    """The next state and actions; a pair not in `TABLE` changes nothing.

    Raises `ValueError` for a state or event name that does not exist (a typo is a bug).
    """
    key = (State(state), Event(event))
    return TABLE.get(key, Transition(key[0]))


def run(state: State | str, events: Iterable[Event | str]) -> tuple[State, list[Action]]:
    """Apply `events` in order from `state`: the final state and every action, in order."""
    current = State(state)
    actions: list[Action] = []
    for event in events:
        step = transition(current, event)
        current = step.state
        actions.extend(step.actions)
    return current, actions
