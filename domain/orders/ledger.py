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

from pymongo import ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase

from app.storage import ORDERS
from clients.vtex.inbound import InvoiceNotification, ProcessingResult

MARKETPLACE_ORDER_ID = "linio_order_id"  # the field VTEX knows as marketplaceOrderId


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
        update: dict[str, Any] = {
            "$push": {"vtex_results": entry},
            "$set": {"vtex_code": result.code, "updated_at": now},
        }
        if result.main_order_id:
            update["$set"]["vtex_order_id"] = result.main_order_id
        outcome = await self._collection.update_one(
            {"_id": order["_id"], "vtex_results.key": {"$ne": result.key}}, update
        )
        return outcome.modified_count == 1

    async def record_invoice(self, order: dict[str, Any], invoice: InvoiceNotification) -> bool:
        """Add or complete an invoice (tracking may arrive later); False if nothing changed."""
        now = dt.datetime.now(dt.UTC)
        doc = {**asdict(invoice), "items": list(invoice.items), "received_at": now}
        added = await self._collection.update_one(
            {"_id": order["_id"], "invoices.invoice_number": {"$ne": invoice.invoice_number}},
            {"$push": {"invoices": doc}, "$set": {"updated_at": now}},
        )
        if added.modified_count:
            return True
        invoices = order.get("invoices") or []
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
