"""The order ledger: Linio order ↔ VTEX order, and every event both sides sent about it.

Every write is idempotent on the event's own key (operation id, invoice number, cancel),
because VTEX and Linio both redeliver: a repeated event finds its key already recorded and
changes nothing.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import asdict
from typing import Any

import bson
from pymongo import ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from app.storage import ORDERS, find_in
from clients.vtex.inbound import InvoiceNotification, ProcessingResult
from domain.orders.machine import State

MARKETPLACE_ORDER_IDS = ("linio_order_number", "linio_order_id")
"""Fields VTEX's marketplaceOrderId can match: Linio's OrderNumber (CLARIFICATIONS §5);
ledger entries written before the number was kept carry only the OrderId."""


def _marketplace(order_id: str) -> dict[str, Any]:
    return {"$or": [{field: order_id} for field in MARKETPLACE_ORDER_IDS]}


# --- Linio → VTEX: one document per Linio order, placed exactly once ---------------------------

PLACEMENT_LEASE = dt.timedelta(minutes=2)
"""A placement reservation older than this belongs to a process that died mid-call."""
STEP_LEASE = dt.timedelta(minutes=1)
"""A claim on an order's Seller Center steps older than this belongs to a process that died
(or lost its broker channel and is long done): the next caller may take it."""


def _timeline(event: str, **details: Any) -> dict[str, Any]:
    """One timeline entry (Saleor-style: what happened, when, with which details)."""
    return {"event": event, "at": dt.datetime.now(dt.UTC), **details}


def seen_on_linio(source: str, linio_status: dict[str, str], paid: bool) -> dict[str, Any]:
    return _timeline("linio_seen", source=source, statuses=linio_status, paid=paid)


def placement_reserved(key: str) -> dict[str, Any]:
    return _timeline("placement_reserved", key=key)


def vtex_answered(code: str, success: bool, vtex_order_id: str | None) -> dict[str, Any]:
    return _timeline("vtex_answered", code=code, success=success, vtex_order_id=vtex_order_id)


def state_changed(previous: str, state: str, event: str) -> dict[str, Any]:
    return _timeline("state_changed", previous=previous, state=state, cause=event)


def problems_found(codes: list[str]) -> dict[str, Any]:
    return _timeline("problems", codes=codes)


def linio_step(action: str, item_ids: list[str], outcome: str) -> dict[str, Any]:
    return _timeline("linio_step", action=action, items=item_ids, outcome=outcome)


def vtex_step(action: str, outcome: str) -> dict[str, Any]:
    return _timeline("vtex_step", action=action, outcome=outcome)


# Per-order limits: no caller can grow an order document towards the 16 MiB BSON limit,
# where every later write for that order would fail.
MAX_INVOICES = 50
MAX_RESULTS = 200  # Channel Order API results kept per order
MAX_TRACKING_EVENTS = 200  # per invoice
MAX_ORDER_BYTES = 4 * 1024 * 1024


class OrderLimitReached(Exception):
    """The order already holds `limit` of `what`; nothing was written."""

    def __init__(self, what: str, limit: int) -> None:
        super().__init__(f"{what}: {limit}")
        self.what = what
        self.limit = limit


def _check_room(order: dict[str, Any], addition: Any) -> None:
    size = len(bson.encode(order)) + len(bson.encode({"x": addition}))
    if size > MAX_ORDER_BYTES:
        raise OrderLimitReached("bytes", MAX_ORDER_BYTES)


RESERVED_IN_VTEX = (
    State.INTEGRATED,
    State.APPROVING,
    State.HELD,
    State.APPROVED,
    State.PARTIALLY_INVOICED,
    State.INVOICED,
    State.TRACKING_BLOCKED,
)
"""Order states in which VTEX holds the order's units (its stock balance is already lower)
while Linio may still reserve them."""


class OrderLedger:
    """The order ledger: unique per (store, Linio OrderId); keeps the
    OrderNumber (VTEX's marketplaceOrderId), the VTEX order id, both sides' statuses, the
    machine state, the lines with their Linio item ids, Linio amounts and VTEX's price at
    placement, and a timeline.

    Exactly-once placement: `reserve_placement` flips the state to `placing` with a fresh
    key in one conditional update, so two deliveries of the same order (webhook, polling,
    redelivery, two workers) never both call VTEX. A reservation found on restart means a
    crash between VTEX's answer and our write: the consumer reads VTEX first (by
    marketplaceOrderId) and only places again when VTEX does not have it — VTEX itself
    refuses a second copy (EOI007).
    """

    def __init__(self, db: AsyncDatabase) -> None:
        self._collection = db[ORDERS]

    async def by_vtex_order(self, vtex_order_id: str) -> dict[str, Any] | None:
        return await self._collection.find_one({"vtex_order_id": vtex_order_id})

    async def by_marketplace_order(
        self, store_ids: list[str], marketplace_order_id: str
    ) -> dict[str, Any] | None:
        return await self._collection.find_one(
            {"store_id": {"$in": store_ids}, **_marketplace(marketplace_order_id)}
        )

    async def for_callback(
        self, order_id: str, store_ids: list[str] | None = None
    ) -> dict[str, Any] | None:
        """The order an OMS callback (`…/orders/{orderId}/invoice|cancel|…`) is about.

        VTEX's documents disagree on which id `{orderId}` is (MkpProto: the marketplace
        order id; the external-marketplace guides: VTEX's order id), so both are tried:
        VTEX's id first (unique across stores), then the marketplace order id within
        `store_ids` (None: every store). A marketplace id found in several stores is
        ambiguous and gives None: the caller must say which store."""
        order = await self._collection.find_one(
            {"vtex_order_id": order_id, **_in_stores(store_ids)}
        )
        if order is not None:
            return order
        found = await self._collection.find(
            {**_marketplace(order_id), **_in_stores(store_ids)}
        ).to_list(2)
        return found[0] if len(found) == 1 else None

    async def record_result(self, order: dict[str, Any], result: ProcessingResult) -> bool:
        """Store a Channel Order API result; False when this result was already recorded."""
        now = dt.datetime.now(dt.UTC)
        entry = {**asdict(result), "errors": list(result.errors), "key": result.key, "at": now}
        _check_room(order, entry)
        update: dict[str, Any] = {
            "$push": {"vtex_results": entry},
            "$set": {"vtex_code": result.code, "updated_at": now},
        }
        if result.main_order_id:
            update["$set"]["vtex_order_id"] = result.main_order_id
        outcome = await self._collection.update_one(
            {
                "_id": order["_id"],
                "vtex_results.key": {"$ne": result.key},
                f"vtex_results.{MAX_RESULTS - 1}": {"$exists": False},
            },
            update,
        )
        if outcome.modified_count == 0 and len(order.get("vtex_results") or []) >= MAX_RESULTS:
            if not any(r.get("key") == result.key for r in order.get("vtex_results") or []):
                raise OrderLimitReached("results", MAX_RESULTS)
        return outcome.modified_count == 1

    async def record_invoice(self, order: dict[str, Any], invoice: InvoiceNotification) -> bool:
        """Add or complete an invoice (tracking may arrive later); False if nothing changed.

        A new invoice carries `received_at`, a completed one `changed_at` (UTC): how long its
        Seller Center steps have been due (`OrderFlows.reconcile_invoices`)."""
        now = dt.datetime.now(dt.UTC)
        doc = {**asdict(invoice), "items": list(invoice.items), "received_at": now}
        _check_room(order, doc)
        added = await self._collection.update_one(
            {
                "_id": order["_id"],
                "invoices.invoice_number": {"$ne": invoice.invoice_number},
                f"invoices.{MAX_INVOICES - 1}": {"$exists": False},
            },
            {"$push": {"invoices": doc}, "$set": {"updated_at": now}},
        )
        if added.modified_count:
            return True
        invoices = order.get("invoices") or []
        if len(invoices) >= MAX_INVOICES and not any(
            i["invoice_number"] == invoice.invoice_number for i in invoices
        ):
            raise OrderLimitReached("invoices", MAX_INVOICES)
        known = next((i for i in invoices if i["invoice_number"] == invoice.invoice_number), {})
        changes = {
            f"invoices.$.{k}": v
            for k, v in doc.items()
            if k != "received_at" and v not in (None, "", []) and known.get(k) != v
        }
        if not changes:
            return False
        await self._collection.update_one(
            {"_id": order["_id"], "invoices.invoice_number": invoice.invoice_number},
            {"$set": {**changes, "invoices.$.changed_at": now, "updated_at": now}},
        )
        return True

    async def record_tracking_events(
        self, order: dict[str, Any], invoice_number: str, events: dict[str, Any]
    ) -> bool:
        if len(events.get("events") or []) > MAX_TRACKING_EVENTS:
            raise OrderLimitReached("tracking events", MAX_TRACKING_EVENTS)
        _check_room(order, events)
        now = dt.datetime.now(dt.UTC)
        outcome = await self._collection.update_one(
            {"_id": order["_id"], "invoices.invoice_number": invoice_number},
            {"$set": {"invoices.$.tracking_events": events, "updated_at": now}},
        )
        return outcome.matched_count == 1

    async def record_cancel_request(self, order: dict[str, Any], source: str) -> dict[str, Any]:
        """The cancellation receipt; the same one for every repeated cancel notification."""
        now = dt.datetime.now(dt.UTC)
        receipt = {"receipt": uuid.uuid4().hex, "date": now.isoformat(), "source": source}
        doc = await self._collection.find_one_and_update(
            {"_id": order["_id"], "cancel": {"$exists": False}},
            {"$set": {"cancel": receipt, "updated_at": now}},
            return_document=ReturnDocument.AFTER,
        )
        if doc is None:
            doc = await self._collection.find_one({"_id": order["_id"]}) or {}
            return {**doc.get("cancel", receipt), "duplicate": True}
        return {**doc["cancel"], "duplicate": False}

    # --- Linio side -----------------------------------------------------------------------

    async def get(self, store_id: str, linio_order_id: str) -> dict[str, Any] | None:
        return await self._collection.find_one(
            {"store_id": store_id, "linio_order_id": linio_order_id}
        )

    async def seen(
        self,
        store_id: str,
        linio_order_id: str,
        *,
        order_number: str,
        statuses: dict[str, str],
        paid: bool,
        source: str,
        linio: dict[str, Any],
    ) -> dict[str, Any]:
        """Create (state `received`) or refresh the order's Linio side; the document after."""
        now = dt.datetime.now(dt.UTC)
        key = {"store_id": store_id, "linio_order_id": linio_order_id}
        try:
            after = await self._collection.find_one_and_update(
                key,
                {
                    "$set": {
                        "linio_order_number": order_number,
                        "linio_statuses": statuses,
                        "linio_paid": paid,
                        "linio": linio,
                        "updated_at": now,
                    },
                    "$setOnInsert": {"state": "received", "created_at": now},
                    "$push": {"timeline": seen_on_linio(source, statuses, paid)},
                },
                upsert=True,
                return_document=ReturnDocument.AFTER,
            )
        except DuplicateKeyError:  # two first sightings at once: the other one inserted
            return await self.seen(
                store_id,
                linio_order_id,
                order_number=order_number,
                statuses=statuses,
                paid=paid,
                source=source,
                linio=linio,
            )
        if after is None:
            # SecantusDB applies an upsert that races another one but may return nothing
            # (MongoDB returns the document): the update is there, read it.
            after = await self._collection.find_one(key)
        if after is None:
            raise RuntimeError(f"order {linio_order_id} of {store_id} vanished after its upsert")
        return after

    async def reserve_placement(self, doc: dict[str, Any], states: tuple[str, ...]) -> str | None:
        """The placement key when this caller may call VTEX now, else None."""
        key = uuid.uuid4().hex
        now = dt.datetime.now(dt.UTC)
        won = await self._collection.find_one_and_update(
            {"_id": doc["_id"], "state": {"$in": list(states)}},
            {
                "$set": {
                    "state": "placing",
                    "placement": {"key": key, "at": now},
                    "updated_at": now,
                },
                "$inc": {"placement_attempts": 1},
                "$push": {"timeline": placement_reserved(key)},
            },
        )
        return key if won is not None else None

    async def claim(
        self, doc: dict[str, Any], step: str, *, lease: dt.timedelta = STEP_LEASE
    ) -> str | None:
        """Take the order's claim on `step` (e.g. "linio_invoice") for `lease`: one caller
        at a time carries that step to the platform, so two deliveries of one piece of work
        (a redelivery while the first is still running, the poller's safety net) never both
        call. Returns the claim's key to `release`, or None while another holds it."""
        key, now = uuid.uuid4().hex, dt.datetime.now(dt.UTC)
        field = f"claims.{step}"
        taken = await self._collection.update_one(
            {"_id": doc["_id"], "$or": [{field: None}, {f"{field}.until": {"$lt": now}}]},
            {"$set": {field: {"key": key, "until": now + lease}}},
        )
        return key if taken.modified_count else None

    async def release(self, doc: dict[str, Any], step: str, key: str) -> None:
        """Give back a claim taken with `claim` (a claim of another key is left alone)."""
        await self._collection.update_one(
            {"_id": doc["_id"], f"claims.{step}.key": key}, {"$unset": {f"claims.{step}": ""}}
        )

    @staticmethod
    def lease_expired(doc: dict[str, Any]) -> bool:
        placement = doc.get("placement") or {}
        at = placement.get("at")
        if at is None:
            return True
        if at.tzinfo is None:
            at = at.replace(tzinfo=dt.UTC)
        return dt.datetime.now(dt.UTC) - at > PLACEMENT_LEASE

    async def move(
        self,
        doc: dict[str, Any],
        state: str,
        event: str,
        *,
        expect: str | None = None,
        fields: dict[str, Any] | None = None,
        timeline: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any] | None:
        """Set the machine state (only from `expect` when given); the document after, or None
        when another process moved the order first."""
        previous = expect or doc.get("state", "received")
        query: dict[str, Any] = {"_id": doc["_id"]}
        if expect is not None:
            query["state"] = expect
        entries = [*(timeline or [])]
        if previous != state:
            entries.append(state_changed(previous, state, event))
        update: dict[str, Any] = {
            "$set": {"state": state, "updated_at": dt.datetime.now(dt.UTC), **(fields or {})}
        }
        if entries:
            update["$push"] = {"timeline": {"$each": entries}}
        return await self._collection.find_one_and_update(
            query, update, return_document=ReturnDocument.AFTER
        )

    async def note(self, doc: dict[str, Any], entry: dict[str, Any], **fields: Any) -> None:
        update: dict[str, Any] = {"$push": {"timeline": entry}}
        if fields:
            update["$set"] = fields
        await self._collection.update_one({"_id": doc["_id"]}, update)

    async def add_to_set(self, doc: dict[str, Any], field_name: str, values: list[str]) -> None:
        await self._collection.update_one(
            {"_id": doc["_id"]}, {"$addToSet": {field_name: {"$each": values}}}
        )

    async def in_state(self, store_id: str, states: list[str]) -> list[dict[str, Any]]:
        cursor = self._collection.find({"store_id": store_id, "state": {"$in": states}})
        return [doc async for doc in cursor]

    async def reserved_on_linio(self, store_id: str, seller_skus: Iterable[str]) -> dict[str, int]:
        """SellerSku → units of Linio orders VTEX already holds (its stock balance lost them)
        whose items Linio still reserves (item status `pending`, not yet ready to ship nor
        cancelled), for these SellerSkus; SKUs without any are left out.

        The price and stock flows add them to `Quantity` (CLARIFICATIONS §4): Linio's
        Available is Quantity − ReservedStock, so without them one sale would be
        subtracted twice. Read from the ledger's last sighting of each order's items
        (`linio.items`, `linio_statuses`)."""
        wanted = sorted(set(seller_skus))
        if not wanted:
            return {}
        cursor = find_in(
            self._collection,
            {"store_id": store_id, "state": {"$in": list(RESERVED_IN_VTEX)}},
            "linio.items.sku",
            wanted,
            {"linio.items": 1, "linio_statuses": 1},
        )
        units: dict[str, int] = {}
        chosen = set(wanted)
        async for doc in cursor:
            statuses = doc.get("linio_statuses") or {}
            for item in (doc.get("linio") or {}).get("items") or []:
                sku = str(item.get("sku") or "")
                if sku in chosen and statuses.get(str(item.get("id"))) == "pending":
                    units[sku] = units.get(sku, 0) + 1
        return units

    async def first_time(self, doc: dict[str, Any], flag: str) -> bool:
        """True for exactly one caller per order and `flag` (a log written once, say)."""
        outcome = await self._collection.update_one(
            {"_id": doc["_id"], f"once.{flag}": {"$exists": False}},
            {"$set": {f"once.{flag}": dt.datetime.now(dt.UTC)}},
        )
        return outcome.modified_count == 1


def _in_stores(store_ids: list[str] | None) -> dict[str, Any]:
    return {} if store_ids is None else {"store_id": {"$in": store_ids}}
