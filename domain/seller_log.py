"""The seller-facing log: the entries VTEX requires, written through one function.

Every step of every flow lands here with VTEX's fields (id, Operation, Direction,
ContentSource, ContentTranslated, ContentDestination, BusinessMessage, Status) so the
dashboard and VTEX's log endpoint read the same documents. Payloads are masked before they
are stored: an app token inside a raw VTEX payload must not become readable in a page.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from app.storage import LOGS
from clients.redact import mask_mapping, mask_text

STATUSES = ("success", "error", "warning", "alert", "pending")

OPERATIONS = (
    "Catalog change",
    "Offer creation",
    "Price update",
    "Inventory update",
    "Order status update",
    "Invoice sending",
    "Tracking code sending",
)

DIRECTIONS = ("VTEX to Marketplace", "Marketplace to VTEX")

MAX_CONTENT = 32_000


@dataclass
class LogEntry:
    store_id: str
    operation: str
    direction: str
    status: str
    business_message: str
    flow: str = ""
    code: str | None = None
    sku_id: str | None = None
    order_id: str | None = None
    content_source: Any = None
    content_translated: Any = None
    content_destination: Any = None
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"log status {self.status!r} is not one of {STATUSES}")
        if self.operation not in OPERATIONS:
            raise ValueError(f"log operation {self.operation!r} is not one of {OPERATIONS}")
        if self.direction not in DIRECTIONS:
            raise ValueError(f"log direction {self.direction!r} is not one of {DIRECTIONS}")


def _content(value: Any, secrets: list[str]) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    if isinstance(value, str):
        text = mask_text(value, secrets)
    else:
        text = json.dumps(mask_mapping(value, secrets), ensure_ascii=False, default=str)
    return text if len(text) <= MAX_CONTENT else text[:MAX_CONTENT] + "…[truncated]"


class SellerLog:
    def __init__(self, db: AsyncDatabase) -> None:
        self._collection = db[LOGS]

    async def write(self, entry: LogEntry, *, secrets: Iterable[str] = ()) -> str:
        """Store one entry; `secrets` are the store's credentials, masked wherever they appear."""
        known = [s for s in secrets if s]
        log_id = uuid.uuid4().hex
        await self._collection.insert_one(
            {
                "_id": log_id,
                "store_id": entry.store_id,
                "at": dt.datetime.now(dt.UTC),
                "flow": entry.flow,
                "code": entry.code,
                "sku_id": entry.sku_id,
                "order_id": entry.order_id,
                "Operation": entry.operation,
                "Direction": entry.direction,
                "ContentSource": _content(entry.content_source, known),
                "ContentTranslated": _content(entry.content_translated, known),
                "ContentDestination": _content(entry.content_destination, known),
                "BusinessMessage": mask_text(entry.business_message, known),
                "Status": entry.status,
                "extra": mask_mapping(entry.extra, known),
            }
        )
        return log_id

    async def find(
        self,
        *,
        store_id: str,
        day: dt.date | None = None,
        statuses: Iterable[str] | None = None,
        limit: int = 500,
        skip: int = 0,
    ) -> list[dict[str, Any]]:
        query: dict[str, Any] = {"store_id": store_id}
        if day is not None:
            start = dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)
            query["at"] = {"$gte": start, "$lt": start + dt.timedelta(days=1)}
        wanted = list(statuses or [])
        if wanted:
            query["Status"] = {"$in": wanted}
        cursor = self._collection.find(query).sort("at", -1).skip(skip).limit(limit)
        return [doc async for doc in cursor]
