"""The SKU states table (VTEX's "states table"): one document per store and SKU.

It is written before anything is published, so the intent of a notification survives any
crash, and it coalesces repeated notifications: while a message for a SKU and context is
queued and not yet picked up, another one would only make the consumer fetch the same
fresh data from VTEX twice, so it is not published. The consumer clears the marker when it
starts, so a change arriving during processing always gets its own message (last write
wins, nothing lost).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from pymongo import ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase

from app.storage import SKU_STATES
from app.vtex_payloads import CatalogNotification

# A queued marker older than this is presumed lost and the work is published again.
STALE_QUEUED = dt.timedelta(minutes=15)


@dataclass(frozen=True)
class Work:
    context: str  # catalog | price | stock
    action: str  # upsert | deactivate | price | stock


def work_for(notification: CatalogNotification, state: dict[str, Any] | None) -> list[Work]:
    """Which queues a notification feeds (VTEX external-marketplace dispatch, §2.3)."""
    if notification.deactivates:
        return [Work("catalog", "deactivate")]
    published = bool(state and state.get("published"))
    work = []
    if notification.sku_modified or not published:
        work.append(Work("catalog", "upsert"))
    if published and notification.price_modified:
        work.append(Work("price", "price"))
    if published and notification.stock_modified:
        work.append(Work("stock", "stock"))
    return work


class SkuStates:
    def __init__(self, db: AsyncDatabase) -> None:
        self._collection = db[SKU_STATES]

    async def note_notification(
        self, store_id: str, notification: CatalogNotification
    ) -> dict[str, Any]:
        """Persist the notification; returns the state as it was before (empty if new)."""
        now = dt.datetime.now(dt.UTC)
        set_fields: dict[str, Any] = {
            "notified_at": now,
            "last_notification": {
                "IdSku": notification.sku_id,
                "ProductId": notification.product_id,
                "IsActive": notification.is_active,
                "StockModified": notification.stock_modified,
                "PriceModified": notification.price_modified,
                "HasStockKeepingUnitModified": notification.sku_modified,
                "HasStockKeepingUnitRemovedFromAffiliate": notification.removed_from_affiliate,
                "DateModified": notification.date_modified,
            },
        }
        if notification.product_id:
            set_fields["product_id"] = notification.product_id
        before = await self._collection.find_one_and_update(
            {"store_id": store_id, "sku_id": notification.sku_id},
            {
                "$set": set_fields,
                "$inc": {"notifications": 1},
                "$setOnInsert": {"status": "pending", "published": False, "created_at": now},
            },
            upsert=True,
            return_document=ReturnDocument.BEFORE,
        )
        return before or {}

    async def claim_queue_slot(
        self, store_id: str, sku_id: str, context: str, before: dict[str, Any]
    ) -> bool:
        """True when this caller must publish; False when a queued message already covers it."""
        now = dt.datetime.now(dt.UTC)
        queued = (before.get("queued") or {}).get(context)
        if queued is not None:
            queued_at = queued if queued.tzinfo else queued.replace(tzinfo=dt.UTC)
            if now - queued_at < STALE_QUEUED:
                return False
        result = await self._collection.update_one(
            {"store_id": store_id, "sku_id": sku_id, f"queued.{context}": queued},
            {"$set": {f"queued.{context}": now, "status": "pending"}},
        )
        return result.modified_count == 1

    async def release_queue_slot(self, store_id: str, sku_id: str, context: str) -> None:
        """Called when a consumer starts (or a publish failed): new changes need a new message."""
        await self._collection.update_one(
            {"store_id": store_id, "sku_id": sku_id}, {"$unset": {f"queued.{context}": ""}}
        )

    async def get(self, store_id: str, sku_id: str) -> dict[str, Any] | None:
        return await self._collection.find_one({"store_id": store_id, "sku_id": sku_id})
