"""The order ledger: Linio order ↔ VTEX order, and every event both sides sent about it.

Every write is idempotent on the event's own key (operation id, invoice number, cancel),
because VTEX and Linio both redeliver: a repeated event finds its key already recorded and
changes nothing.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import asdict
from typing import Any

import bson
from pymongo import ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase

from app.storage import ORDERS
from clients.vtex.inbound import InvoiceNotification, ProcessingResult

MARKETPLACE_ORDER_ID = "linio_order_id"  # the field VTEX knows as marketplaceOrderId

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


class OrderLedger:
    def __init__(self, db: AsyncDatabase) -> None:
        self._collection = db[ORDERS]

    async def by_vtex_order(self, vtex_order_id: str) -> dict[str, Any] | None:
        return await self._collection.find_one({"vtex_order_id": vtex_order_id})

    async def by_marketplace_order(
        self, store_ids: list[str], marketplace_order_id: str
    ) -> dict[str, Any] | None:
        return await self._collection.find_one(
            {"store_id": {"$in": store_ids}, MARKETPLACE_ORDER_ID: marketplace_order_id}
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
            {MARKETPLACE_ORDER_ID: order_id, **_in_stores(store_ids)}
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
        """Add or complete an invoice (tracking may arrive later); False if nothing changed."""
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
            {"$set": {**changes, "updated_at": now}},
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


def _in_stores(store_ids: list[str] | None) -> dict[str, Any]:
    return {} if store_ids is None else {"store_id": {"$in": store_ids}}
