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

from app.broker import Message
from app.storage import LOGS
from clients.redact import mask_mapping, mask_text
from domain.errors import CATALOGUE, LANGUAGES, entry
from domain.errors.platform import dead_letter_code

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


# Which VTEX operation and direction each queue context's work is (spec §4.2).
CONTEXT_OPERATIONS: dict[str, tuple[str, str]] = {
    "catalog": ("Catalog change", "VTEX to Marketplace"),
    "price": ("Price update", "VTEX to Marketplace"),
    "stock": ("Inventory update", "VTEX to Marketplace"),
    "feed": ("Offer creation", "VTEX to Marketplace"),
    "order": ("Order status update", "Marketplace to VTEX"),
    "order-status": ("Order status update", "VTEX to Marketplace"),
}


@dataclass
class LogEntry:
    """One seller-facing step. `code` is an error-catalogue entry whose message, rendered
    with `params`, becomes VTEX's BusinessMessage (English, VTEX's standard wording) beside
    its Spanish text and the seller's action; `status` defaults to the entry's log status."""

    store_id: str
    operation: str
    direction: str
    code: str
    params: dict[str, Any] = field(default_factory=dict)
    status: str | None = None
    flow: str = ""
    sku_id: str | None = None
    order_id: str | None = None
    content_source: Any = None
    content_translated: Any = None
    content_destination: Any = None
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        catalogue_entry = entry(self.code)  # KeyError: a code nobody defined
        self.status = self.status or catalogue_entry.log_status or "success"
        if self.status not in STATUSES:
            raise ValueError(f"log status {self.status!r} is not one of {STATUSES}")
        if self.operation not in OPERATIONS:
            raise ValueError(f"log operation {self.operation!r} is not one of {OPERATIONS}")
        if self.direction not in DIRECTIONS:
            raise ValueError(f"log direction {self.direction!r} is not one of {DIRECTIONS}")
        for lang in LANGUAGES:  # a missing placeholder fails here, not in a page
            catalogue_entry.render(lang, **self.params)


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


def _document(entry: LogEntry, known: list[str]) -> dict[str, Any]:
    item = CATALOGUE[entry.code]
    return {
        "_id": uuid.uuid4().hex,
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
        "BusinessMessage": mask_text(item.render("en", **entry.params), known),
        "Message": {
            lang: mask_text(item.render(lang, **entry.params), known) for lang in LANGUAGES
        },
        "Action": {
            lang: mask_text(item.render_action(lang, **entry.params), known) for lang in LANGUAGES
        },
        "Status": entry.status,
        "extra": mask_mapping(entry.extra, known),
    }


class SellerLog:
    def __init__(self, db: AsyncDatabase) -> None:
        self._collection = db[LOGS]

    async def write(self, entry: LogEntry, *, secrets: Iterable[str] = ()) -> str:
        """Store one entry; `secrets` are the store's credentials, masked wherever they appear."""
        [log_id] = await self.write_many([entry], secrets=secrets)
        return log_id

    async def write_many(
        self, entries: Iterable[LogEntry], *, secrets: Iterable[str] = ()
    ) -> list[str]:
        """Store several entries in one round trip (a feed's per-SKU results)."""
        known = [s for s in secrets if s]
        docs = [_document(entry, known) for entry in entries]
        if docs:
            await self._collection.insert_many(docs, ordered=False)
        return [doc["_id"] for doc in docs]

    async def dead_letter(self, message: Message, reason: str) -> str:
        """The seller's log entry for a message that failed for good: what happened and what
        to do, from the catalogue entry of its failure (`dead_letter_code`)."""
        headers = message.headers
        kind = str(headers.get("x-failure-kind", "bug"))
        code = dead_letter_code(kind, headers.get("x-platform"), headers.get("x-error-code"))
        operation, direction = CONTEXT_OPERATIONS.get(
            message.context, CONTEXT_OPERATIONS["catalog"]
        )
        body = message.body
        return await self.write(
            LogEntry(
                store_id=message.store_id,
                operation=operation,
                direction=direction,
                code=code,
                params={"store": message.store_id, "detail": reason[:500]},
                flow=message.context,
                sku_id=body.get("sku_id"),
                order_id=body.get("linio_order_id") or body.get("vtex_order_id"),
                content_source=body,
                extra={"message_id": message.id, "kind": kind, "attempts": message.attempt},
            )
        )

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
