"""The offer side of a SKU's state (issue 10): a price held by the store's price-drop guard,
its approval, and which published SKUs reconciliation reads first.

Lives in the states table (`sku_states`, see `domain.catalog.states`) beside the feed side
(`last_price`, `last_stock`, `on_linio`), under these keys:

- `price_hold`: `{fields: {Price, SalePrice, SaleStartDate, SaleEndDate}, version, previous,
  new, drop_percent, at}` — a price the guard kept from Seller Center (money as decimal
  strings in currency units; `at` UTC).
- `price_approved`: the effective price (decimal string) the seller approved; the guard lets
  exactly that price through until another is sent.
- `readback_heals`: how many read-backs in a row found Linio different and sent the
  values again (reset by a read-back that matches); past `MAX_READBACK_HEALS` the SKU is
  left for reconciliation, so a field Seller Center will not take never loops feeds.
- `offer_checked_at`: UTC datetime of the last simulation of the SKU by the price/stock
  flows (reconciliation reads the stalest first); `units_sold`: Linio units sold (most sold
  first), counted once per order by the order flow when VTEX holds the order
  (`count_sold`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pymongo import UpdateOne
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from app.storage import RECONCILE_PASSES, SKU_STATES, update_in

MAX_READBACK_HEALS = 2


@dataclass(frozen=True)
class OfferWrite:
    """What a price/stock lot writes of one SKU's offer side (`OfferStates.write_lot`):
    `checked` stamps `offer_checked_at`; `hold` keeps a price the guard refused (the shape
    of `price_hold` without `at`), `drop_hold` forgets an older one; `readback_heals` sets
    the read-back count (None leaves it)."""

    sku_id: str
    checked: bool = False
    hold: Mapping[str, Any] | None = None
    drop_hold: bool = False
    readback_heals: int | None = None


class OfferStates:
    def __init__(self, db: AsyncDatabase) -> None:
        self._collection = db[SKU_STATES]
        self._passes = db[RECONCILE_PASSES]

    async def claim_pass(self, store_id: str, interval: float) -> bool:
        """Whether this process runs the store's next reconciliation pass: True for exactly
        one caller per `interval` seconds across every worker process (`reconcile_passes`:
        `{_id: store_id, next_at}`, UTC), so two workers never reconcile a store twice."""
        now = dt.datetime.now(dt.UTC)
        try:
            claimed = await self._passes.find_one_and_update(
                {"_id": store_id, "$or": [{"next_at": {"$lte": now}}, {"next_at": None}]},
                {"$set": {"next_at": now + dt.timedelta(seconds=interval), "claimed_at": now}},
                upsert=True,
            )
        except DuplicateKeyError:  # another process holds the pass
            return False
        del claimed  # None: first pass of the store (inserted); else the expired claim
        return True

    async def drop_hold(self, store_id: str, sku_id: str) -> None:
        await self._collection.update_one(
            {"store_id": store_id, "sku_id": sku_id}, {"$unset": {"price_hold": ""}}
        )

    async def take_hold(self, store_id: str, sku_id: str, approved: str) -> dict[str, Any] | None:
        """Remove and return the held price, remembering `approved` (the effective price)."""
        return await self._collection.find_one_and_update(
            {"store_id": store_id, "sku_id": sku_id, "price_hold": {"$exists": True}},
            {"$unset": {"price_hold": ""}, "$set": {"price_approved": approved}},
        )

    async def held(self, store_id: str) -> list[dict[str, Any]]:
        """SKUs with a held price: `{sku_id, seller_sku, price_hold}` (for the dashboard)."""
        cursor = self._collection.find(
            {"store_id": store_id, "price_hold": {"$exists": True}},
            {"sku_id": 1, "seller_sku": 1, "price_hold": 1, "_id": 0},
        )
        return [doc async for doc in cursor]

    async def write_lot(self, store_id: str, writes: Iterable[OfferWrite]) -> int:
        """A lot's offer writes (`OfferWrite`); a SKU without a state is left alone (nothing
        is created). The SKUs only checked (most of a lot) are stamped with one
        `update_many` per 50 (`update_in`: SecantusDB does that about five times faster
        than one update per SKU), the others go in one bulk write per 1,000. Returns the
        SKUs written."""
        now = dt.datetime.now(dt.UTC)
        checked: list[str] = []
        updates = []
        for w in writes:
            if w.checked and w.hold is None and not w.drop_hold and w.readback_heals is None:
                checked.append(w.sku_id)
                continue
            fields: dict[str, Any] = {}
            if w.checked:
                fields["offer_checked_at"] = now
            if w.hold is not None:
                fields["price_hold"] = {**w.hold, "at": now}
            if w.readback_heals is not None:
                fields["readback_heals"] = w.readback_heals
            update: dict[str, Any] = {"$set": fields} if fields else {}
            if w.drop_hold and w.hold is None:
                update["$unset"] = {"price_hold": ""}
            if update:
                updates.append(UpdateOne({"store_id": store_id, "sku_id": w.sku_id}, update))
        if checked:
            await update_in(
                self._collection,
                {"store_id": store_id},
                "sku_id",
                checked,
                {"$set": {"offer_checked_at": now}},
            )
        for start in range(0, len(updates), 1000):
            await self._collection.bulk_write(updates[start : start + 1000], ordered=False)
        return len(checked) + len(updates)

    async def checked(self, store_id: str, sku_ids: Iterable[str]) -> None:
        now = dt.datetime.now(dt.UTC)
        updates = [
            UpdateOne({"store_id": store_id, "sku_id": s}, {"$set": {"offer_checked_at": now}})
            for s in sku_ids
        ]
        if updates:
            await self._collection.bulk_write(updates, ordered=False)

    async def candidates(self, store_id: str, budget: int) -> list[dict[str, Any]]:
        """Up to `budget` published SKUs, most sold first, then the stalest (never checked
        first): the order reconciliation spends its budget in."""
        cursor = (
            self._collection.find({"store_id": store_id, "on_linio": True})
            .sort([("units_sold", -1), ("offer_checked_at", 1), ("sku_id", 1)])
            .limit(max(0, budget))
        )
        return [doc async for doc in cursor]

    async def count_sold(self, store_id: str, units: Mapping[str, int]) -> None:
        """Add units sold on Linio per VTEX sku_id (`units_sold`, reconciliation's "most
        sold first"). Not idempotent by itself: the order flow calls it once per order
        (`OrderLedger.first_time(order, "units_sold")`)."""
        updates = [
            UpdateOne({"store_id": store_id, "sku_id": sku_id}, {"$inc": {"units_sold": n}})
            for sku_id, n in units.items()
            if n > 0
        ]
        if updates:
            await self._collection.bulk_write(updates, ordered=False)

    async def published_ids(self, store_id: str) -> list[str]:
        cursor = self._collection.find(
            {"store_id": store_id, "on_linio": True}, {"sku_id": 1, "_id": 0}
        )
        return [doc["sku_id"] async for doc in cursor]
