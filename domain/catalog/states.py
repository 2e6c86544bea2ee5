"""The SKU states table (VTEX's "states table"): one document per store and SKU.

The durable record of a notification is its queued message (a persistent RabbitMQ message,
or the in-process broker's journal); the state document is what the dashboard and the
consumers read. Notifications mark SKUs pending in the background, merged per SKU, so a
storm costs the database one write per SKU and batch instead of one per request.

Coalescing that can never lose a change lives with the consumers: a message notified
before the last time a consumer *started* reading that SKU from VTEX is redundant, because
that read already saw the change (`begin_processing`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from pymongo import ReturnDocument, UpdateOne
from pymongo.asynchronous.database import AsyncDatabase

from app.storage import SKU_STATES
from clients.vtex.inbound import CatalogNotification
from domain.work import SkuAction, SkuWork


def work_for(store_id: str, notification: CatalogNotification, at: str) -> list[SkuWork]:
    """Which work a notification asks for (VTEX external-marketplace dispatch, §2.3).

    Whether the SKU is already on Linio is the consumer's question: a price or stock
    consumer that finds the SKU unpublished hands it to the catalog queue.
    """
    n = notification

    def work(action: SkuAction) -> SkuWork:
        return SkuWork(store_id, at, sku_id=n.sku_id, product_id=n.product_id, action=action)

    if n.deactivates:
        return [work("deactivate")]
    wanted: list[SkuAction] = []
    if n.sku_modified:
        wanted.append("upsert")
    if n.price_modified:
        wanted.append("price")
    if n.stock_modified:
        wanted.append("stock")
    return [work(action) for action in wanted or ["upsert"]]


def last_notification(n: CatalogNotification) -> dict[str, Any]:
    return {
        "IdSku": n.sku_id,
        "ProductId": n.product_id,
        "IsActive": n.is_active,
        "StockModified": n.stock_modified,
        "PriceModified": n.price_modified,
        "HasStockKeepingUnitModified": n.sku_modified,
        "HasStockKeepingUnitRemovedFromAffiliate": n.removed_from_affiliate,
        "DateModified": n.date_modified,
    }


class SkuStates:
    def __init__(self, db: AsyncDatabase) -> None:
        self._collection = db[SKU_STATES]

    async def mark_pending(
        self, notes: Iterable[tuple[str, CatalogNotification, dt.datetime, int]]
    ) -> None:
        """(store, notification, received at, count) per SKU: one bulk write for all."""
        updates = []
        for store_id, n, at, count in notes:
            fields: dict[str, Any] = {
                "notified_at": at,
                "last_notification": last_notification(n),
                "status": "pending",
            }
            if n.product_id:
                fields["product_id"] = n.product_id
            updates.append(
                UpdateOne(
                    {"store_id": store_id, "sku_id": n.sku_id},
                    {
                        "$set": fields,
                        "$inc": {"notifications": count},
                        "$setOnInsert": {"published": False, "created_at": at},
                    },
                    upsert=True,
                )
            )
        if updates:
            await self._collection.bulk_write(updates, ordered=False)

    async def begin_processing(
        self, store_id: str, sku_id: str, context: str, notified_at: dt.datetime
    ) -> bool:
        """Record that a consumer starts reading the SKU from VTEX now.

        False when a read that started after this notification arrived already happened:
        the message is redundant and can be acknowledged without work.
        """
        now = dt.datetime.now(dt.UTC)
        field = f"started.{context}"
        doc = await self._collection.find_one_and_update(
            {"store_id": store_id, "sku_id": sku_id},
            {"$max": {field: now}, "$setOnInsert": {"published": False, "created_at": now}},
            upsert=True,
            return_document=ReturnDocument.BEFORE,
        )
        previous = ((doc or {}).get("started") or {}).get(context)
        if previous is None:
            return True
        previous = previous if previous.tzinfo else previous.replace(tzinfo=dt.UTC)
        return previous < notified_at

    async def get(self, store_id: str, sku_id: str) -> dict[str, Any] | None:
        return await self._collection.find_one({"store_id": store_id, "sku_id": sku_id})
