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


class OrderLedger:
    def __init__(self, db: AsyncDatabase) -> None:
        self._collection = db[ORDERS]

    async def by_vtex_order(self, vtex_order_id: str) -> dict[str, Any] | None:
        return await self._collection.find_one({"vtex_order_id": vtex_order_id})

    async def by_marketplace_order(
        self, store_ids: list[str], marketplace_order_id: str
    ) -> dict[str, Any] | None:
        return await self._collection.find_one(
            {"store_id": {"$in": store_ids}, "linio_order_id": marketplace_order_id}
        )

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
