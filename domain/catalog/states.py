"""The SKU states table (VTEX's "states table"): one document per store and SKU.

The durable record of a notification is its queued message (a persistent RabbitMQ message,
or the in-process broker's journal); the state document is what the dashboard and the
consumers read. Notifications mark SKUs pending in the background, merged per SKU, so a
storm costs the database one write per SKU and batch instead of one per request.

Coalescing that can never lose a change lives with the consumers: a message notified
before the last time a consumer *started* reading that SKU from VTEX is redundant, because
that read already saw the change, once it finished (`SkuStates.begin_reading`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from pymongo import UpdateOne
from pymongo.asynchronous.database import AsyncDatabase

from app.storage import SKU_STATES, find_in, update_in
from clients.vtex.inbound import CatalogNotification
from domain.work import SkuAction, SkuWork

READ_LEASE = dt.timedelta(seconds=60)
"""How long a started read of a SKU may take before a redelivered change reads it again."""


class Reading(StrEnum):
    """What `SkuStates.begin_reading` tells a consumer to do (see there)."""

    FRESH = "fresh"
    DONE = "done"
    BUSY = "busy"


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


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


_FEED_SHOWN = {"accepted": "live", "rejected": "rejected", "in_flight": "in_flight"}
_HELD_BACK = ("invalid", "skipped", "pending_mapping")


def read_since(state: dict[str, Any], context: str) -> dt.datetime | None:
    """When the last *finished* read of the SKU for `context` began (UTC), or None: a read
    counts once its evaluation was written (`SkuStates.evaluated_many`), so a read cut half
    way never makes a later request look done."""
    read = _utc((state.get("read") or {}).get(context))
    started = _utc((state.get("started") or {}).get(context))  # written before lots
    finished = _utc(state.get("evaluated_at"))
    if started is not None and finished is not None and finished >= started:
        read = max(read, started) if read is not None else started
    return read


@dataclass(frozen=True)
class Evaluation:
    """One SKU's evaluation, written with the lot's (`SkuStates.evaluated_many`): `status`
    (staged, pending_mapping, pending_parent, invalid, skipped, deactivated), `read_at` when
    its VTEX read began (UTC; None for an evaluation without a read), `fields` the other
    state fields to set (None unsets one)."""

    sku_id: str
    status: str
    read_at: dt.datetime | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    context: str = "catalog"


@dataclass(frozen=True)
class StoreSummary:
    """The store's SKUs as the status API shows them. `by_state`: SKUs per state (the
    catalog consumer's `status`, a staged one refined by its feed result: `live`,
    `rejected`, `in_flight`, `staged`); `held_back`: up to the limit, `{sku_id, status,
    problems: [{log, code, linio}]}` (E1 refused, A1/A2 skipped, E4 waiting on a mapping,
    E3 rejected by Linio); `offline`: `{deactivated, confirmed, remaining}`, confirmed when
    Seller Center accepted the Status inactive we sent or Linio does not have the SKU;
    `evaluated_since`: SKUs evaluated at or after the `since` asked for (0 without one)."""

    by_state: dict[str, int]
    held_back: list[dict[str, Any]]
    offline: dict[str, int]
    evaluated_since: int


class SkuStates:
    def __init__(self, db: AsyncDatabase) -> None:
        self._collection = db[SKU_STATES]

    async def mark_pending(
        self, notes: Iterable[tuple[str, CatalogNotification, dt.datetime, int]]
    ) -> None:
        """(store, notification, received at (UTC), count) per SKU: one bulk write for all.

        A notification that asks for a catalog evaluation (upsert, deactivate) shows the SKU
        `pending` until a read that began after it is written with its evaluation
        (`read.catalog`): a mark written late (a storm's chunks, a coalesced repeat's lazy
        mark) never hides a newer evaluation. A price or stock notification leaves the
        catalog status as it is (`pending` only for a SKU never seen)."""
        updates = []
        for store_id, n, at, count in notes:
            catalog = any(w.queue_context == "catalog" for w in work_for(store_id, n, ""))
            keep = {"$ifNull": ["$status", "pending"]}
            covered = {"$gte": [{"$ifNull": ["$read.catalog", None]}, at]}
            fields: dict[str, Any] = {
                "notified_at": at,
                "stages.notified": at,
                "last_notification": {"$literal": last_notification(n)},
                "status": {"$cond": [covered, keep, "pending"]} if catalog else keep,
                "notifications": {"$add": [{"$ifNull": ["$notifications", 0]}, count]},
                "published": {"$ifNull": ["$published", False]},
                "created_at": {"$ifNull": ["$created_at", at]},
            }
            if n.product_id:
                fields["product_id"] = {"$literal": n.product_id}
            updates.append(
                UpdateOne(
                    {"store_id": store_id, "sku_id": n.sku_id}, [{"$set": fields}], upsert=True
                )
            )
        if updates:
            await self._collection.bulk_write(updates, ordered=False)

    async def begin_reading(
        self,
        store_id: str,
        sku_id: str,
        context: str,
        notified_at: dt.datetime,
        *,
        lease: dt.timedelta = READ_LEASE,
    ) -> tuple[Reading, dict[str, Any]]:
        """Whether a consumer of `context` should read the SKU from VTEX for a change
        notified at `notified_at` (UTC), and the SKU's state as it was (empty for a new
        SKU), so the consumer need not read it again:

        - `Reading.FRESH`: no read started after the notification; recorded as started now
          (`started.<context>`): read and evaluate.
        - `Reading.DONE`: a read that started after the notification finished (the SKU was
          evaluated since, `evaluated_at`): the message is redundant, acknowledge it.
        - `Reading.BUSY`: a read started after the notification has not finished: another
          consumer is at it, or it was cut (a crash, a lost channel). Within `lease`
          seconds the message should come back later; after it, the read counts as lost:
          FRESH.

        A read cut half way (before its evaluation was written) is never taken for done.
        """
        now = dt.datetime.now(dt.UTC)
        key = {"store_id": store_id, "sku_id": sku_id}
        # A read, then an atomic `$max`: SecantusDB's find-and-modify costs time in
        # proportion to the collection (41 ms at 5,000 SKUs against 2.7 ms for these two).
        # Two deliveries racing here may both see the older read and both do the work —
        # redundant, never lost: the `$max` keeps the newest start either way.
        state = await self._collection.find_one(key) or {}
        previous = _utc((state.get("started") or {}).get(context))
        if previous is not None and previous >= notified_at:
            finished = _utc(state.get("evaluated_at"))
            if finished is not None and finished >= previous:
                return Reading.DONE, state
            if now - previous < lease:
                return Reading.BUSY, state
        await self._collection.update_one(
            key,
            {
                "$max": {f"started.{context}": now},
                "$setOnInsert": {"published": False, "created_at": now},
            },
            upsert=True,
        )
        return Reading.FRESH, state

    async def get(self, store_id: str, sku_id: str) -> dict[str, Any] | None:
        return await self._collection.find_one({"store_id": store_id, "sku_id": sku_id})

    # --- lots (CLARIFICATIONS §9) -----------------------------------------------------------

    async def for_lot(self, store_id: str, sku_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """sku_id → state for the SKUs of a lot that have one, in one read per 50 ids."""
        found = find_in(self._collection, {"store_id": store_id}, "sku_id", sku_ids)
        return {str(doc["sku_id"]): doc async for doc in found}

    async def evaluated_many(self, store_id: str, evaluations: Iterable[Evaluation]) -> int:
        """Record a lot's evaluations in one bulk write (the evaluation's one write per SKU):
        each sets `status`, `evaluated_at` (now, UTC), `read.<context>` (when its VTEX read
        began) and its other fields (None unsets one). Returns the SKUs written."""
        now = dt.datetime.now(dt.UTC)
        updates = []
        for evaluation in evaluations:
            fields = {"status": evaluation.status, "evaluated_at": now, **evaluation.fields}
            if evaluation.read_at is not None:
                fields[f"read.{evaluation.context}"] = evaluation.read_at
            kept = {k: v for k, v in fields.items() if v is not None}
            update: dict[str, Any] = {
                "$set": kept,
                "$setOnInsert": {"published": False, "created_at": now},
            }
            unset = {k: "" for k, v in fields.items() if v is None}
            if unset:
                update["$unset"] = unset
            updates.append(
                UpdateOne({"store_id": store_id, "sku_id": evaluation.sku_id}, update, upsert=True)
            )
        for start in range(0, len(updates), 1000):
            await self._collection.bulk_write(updates[start : start + 1000], ordered=False)
        return len(updates)

    # --- the catalog consumer's side ------------------------------------------------------

    async def set_fields(self, store_id: str, sku_id: str, fields: dict[str, Any]) -> None:
        """Set these fields of the SKU's state (None unsets one): `status`, `evaluated_at`,
        `parent_sku`, `catalog_hash` (content and images last handed to the scheduler)."""
        unset = {k: "" for k, v in fields.items() if v is None}
        update: dict[str, Any] = {
            "$setOnInsert": {"published": False, "created_at": dt.datetime.now(dt.UTC)}
        }
        kept = {k: v for k, v in fields.items() if v is not None}
        if kept:
            update["$set"] = kept
        if unset:
            update["$unset"] = unset
        await self._collection.update_one(
            {"store_id": store_id, "sku_id": sku_id}, update, upsert=True
        )

    async def mark_census(self, store_id: str, found: Iterable[tuple[str, str | None]]) -> None:
        """An initial load read all of Seller Center's products (SellerSku, ShopSku): each
        SellerSku (= VTEX SKU id by default) is linked as on Linio, SKUs we thought were
        there and are not are marked absent, and every SKU of the store counts as checked
        (`linio_checked`), so the consumer needs no GetProducts per SKU."""
        now = dt.datetime.now(dt.UTC)
        updates = [
            UpdateOne(
                {"store_id": store_id, "sku_id": seller_sku},
                {
                    "$set": {
                        "seller_sku": seller_sku,
                        "on_linio": True,
                        "shop_sku": shop_sku,
                        "linio_checked": True,
                    },
                    "$setOnInsert": {"published": True, "created_at": now},
                },
                upsert=True,
            )
            for seller_sku, shop_sku in found
        ]
        for start in range(0, len(updates), 1000):
            await self._collection.bulk_write(updates[start : start + 1000], ordered=False)
        await self._collection.update_many(  # the census is authoritative: gone is gone
            {
                "store_id": store_id,
                "on_linio": True,
                "seller_sku": {"$nin": [sku for sku, _ in found]},
            },
            {"$set": {"on_linio": False, "published": False}, "$unset": {"catalog_hash": ""}},
        )
        await self._collection.update_many(
            {"store_id": store_id, "linio_checked": {"$ne": True}},
            {"$set": {"linio_checked": True}},
        )

    async def checked(self, store_id: str, sku_ids: Iterable[str]) -> None:
        """These SKUs were covered by a census (`mark_census`): no GetProducts needed."""
        now = dt.datetime.now(dt.UTC)
        updates = [
            UpdateOne(
                {"store_id": store_id, "sku_id": sku_id},
                {
                    "$set": {"linio_checked": True},
                    "$setOnInsert": {"published": False, "created_at": now},
                },
                upsert=True,
            )
            for sku_id in sku_ids
        ]
        if updates:
            await self._collection.bulk_write(updates, ordered=False)

    async def seller_skus(self, store_id: str, sku_ids: Iterable[str]) -> dict[str, str]:
        """VTEX sku_id → the SellerSku it is linked to, for these SKUs, in one read per 50
        (`find_in`); a SKU not linked (or without a state) maps to its own id, the default
        `seller_sku_source`."""
        wanted = list(dict.fromkeys(str(s) for s in sku_ids))
        linked: dict[str, str] = {}
        found = find_in(
            self._collection,
            {"store_id": store_id},
            "sku_id",
            wanted,
            {"sku_id": 1, "seller_sku": 1, "_id": 0},
        )
        async for doc in found:
            if doc.get("seller_sku"):
                linked[str(doc["sku_id"])] = str(doc["seller_sku"])
        return {s: linked.get(s, s) for s in wanted}

    async def by_seller_sku(self, store_id: str, seller_sku: str) -> dict[str, Any] | None:
        return await self._collection.find_one({"store_id": store_id, "seller_sku": seller_sku})

    async def published(self, store_id: str) -> list[dict[str, Any]]:
        """States of the SKUs Linio has (as far as we know)."""
        cursor = self._collection.find({"store_id": store_id, "on_linio": True})
        return [doc async for doc in cursor]

    async def summary(
        self, store_id: str, *, since: dt.datetime | None = None, held_back_limit: int = 200
    ) -> StoreSummary:
        """Everything the status API says of the store's SKUs, from one read of their states
        (see `StoreSummary`). One pass instead of one query per figure: on SecantusDB each
        of those scanned the store's states (about 300 ms of database CPU at 5,000 SKUs)."""
        by_state: dict[str, int] = {}
        held_back: list[dict[str, Any]] = []
        deactivated = confirmed = evaluated = 0
        cursor = self._collection.find(
            {"store_id": store_id},
            {
                "_id": 0,
                "sku_id": 1,
                "status": 1,
                "feed_status": 1,
                "problems": 1,
                "last_result": 1,
                "evaluated_at": 1,
                "on_linio": 1,
                "last_status": 1,
                "feed_unknown": 1,
            },
        )
        async for doc in cursor:
            status, feed = doc.get("status"), doc.get("feed_status")
            shown = status
            if status == "staged":
                shown = _FEED_SHOWN.get(feed or "", "staged")
            if doc.get("feed_unknown"):  # in a feed nobody can tell was created
                shown = "unknown"
            key = str(shown or "unknown")
            by_state[key] = by_state.get(key, 0) + 1
            rejected = (doc.get("last_result") or {}).get("result") == "rejected"
            held = status in _HELD_BACK or feed == "rejected"
            if held and len(held_back) < held_back_limit:
                problems = list(doc.get("problems") or [])
                if rejected:
                    messages = (doc.get("last_result") or {}).get("messages") or []
                    problems.append({"log": "E3", "code": "linio.rejected", "messages": messages})
                held_back.append(
                    {
                        "sku_id": doc["sku_id"],
                        "status": "rejected" if rejected else status,
                        "problems": problems,
                    }
                )
            if status == "deactivated":
                deactivated += 1
                if doc.get("on_linio") is not True or (
                    doc.get("last_status") == "inactive" and feed == "accepted"
                ):
                    confirmed += 1
            at = doc.get("evaluated_at")
            if since is not None and at is not None:
                at = at if at.tzinfo else at.replace(tzinfo=dt.UTC)
                evaluated += at >= since
        return StoreSummary(
            by_state=by_state,
            held_back=held_back,
            offline={
                "deactivated": deactivated,
                "confirmed": confirmed,
                "remaining": deactivated - confirmed,
            },
            evaluated_since=evaluated,
        )

    async def counts(self, store_id: str) -> dict[str, int]:
        """SKUs per state for the status API: the catalog consumer's `status`, refined by
        the feed's result for the ones handed to the scheduler (`live`, `rejected`,
        `in_flight`, `staged`)."""
        return (await self.summary(store_id, held_back_limit=0)).by_state

    async def stamp(
        self, store_id: str, sku_id: str, stage: str, at: dt.datetime | None = None
    ) -> None:
        """Record when the SKU reached `stage` (one of STAGES); UTC."""
        if stage not in STAGES:
            raise ValueError(f"unknown stage {stage!r}; expected one of {STAGES}")
        await self._collection.update_one(
            {"store_id": store_id, "sku_id": sku_id},
            {
                "$set": {f"stages.{stage}": at or dt.datetime.now(dt.UTC)},
                "$setOnInsert": {"published": False, "created_at": dt.datetime.now(dt.UTC)},
            },
            upsert=True,
        )

    async def record_sent(
        self, store_id: str, feed_id: str, action: str, sent: Iterable[SentSku]
    ) -> None:
        """A feed carrying these SKUs was accepted for processing by Seller Center."""
        now = dt.datetime.now(dt.UTC)
        updates = []
        for item in sent:
            fields: dict[str, Any] = {
                "seller_sku": item.seller_sku,
                "stages.sent": now,
                "feed_status": "in_flight",
            }
            fields.update(_sent_values(item.fields))
            updates.append(
                UpdateOne(
                    {"store_id": store_id, "sku_id": item.sku_id},
                    {
                        "$set": fields,
                        "$unset": {"feed_unknown": ""},
                        "$inc": {"feed_attempts": 1},
                        "$push": {"feed_ids": {"$each": [feed_id], "$slice": -20}},
                        "$setOnInsert": {"published": False, "created_at": now},
                    },
                    upsert=True,
                )
            )
        if updates:
            await self._collection.bulk_write(updates, ordered=False)

    async def record_results(
        self, store_id: str, feed_id: str, action: str, results: Iterable[SkuResult]
    ) -> None:
        """Each SKU's outcome of a finished feed: its last result and stage timestamps.

        Accepted means live (CLARIFICATIONS §7: Seller Center's feed result accepted it);
        an accepted ProductCreate makes the SKU known on Linio, an accepted ProductRemove
        forgets it and cleans its mapping (`MAPPING_FIELDS`: SellerSku link, ShopSku, the
        values last sent, the price hold); a rejected or canceled removal keeps them.
        """
        now = dt.datetime.now(dt.UTC)
        updates = []
        for item in results:
            removed = item.result == "accepted" and action == "ProductRemove"
            fields: dict[str, Any] = {
                "feed_status": item.result,
                "last_result": {
                    "result": item.result,
                    "messages": list(item.messages),
                    "feed_id": feed_id,
                    "action": action,
                    "at": now,
                },
            }
            if item.result != "retry":  # a canceled feed confirmed nothing
                fields["stages.confirmed"] = now
            if item.result == "accepted":
                fields["stages.live"] = now
                fields["feed_attempts"] = 0
                if action == "ProductCreate":
                    fields["on_linio"] = True
                    fields["published"] = True
                    fields["qc.status"] = "pending"  # keeps a hint that came first
                    fields["qc.at"] = now
                elif removed:
                    fields["on_linio"] = False
                    fields["published"] = False
                    fields["removed_at"] = now
            update: dict[str, Any] = {
                "$set": fields,
                "$unset": {"feed_unknown": ""},
                "$setOnInsert": {"created_at": now},
            }
            if removed:
                # Linio confirmed the removal: only now is the SKU's mapping cleaned.
                update["$unset"] = {"feed_unknown": "", **{k: "" for k in MAPPING_FIELDS}}
            else:
                fields["seller_sku"] = item.seller_sku
            updates.append(
                UpdateOne({"store_id": store_id, "sku_id": item.sku_id}, update, upsert=True)
            )
        if updates:
            await self._collection.bulk_write(updates, ordered=False)

    async def mark_unknown(
        self, store_id: str, skus: Iterable[tuple[str, str]], feed_ref: str
    ) -> None:
        """These SKUs ((VTEX sku_id, SellerSku) each) are in our feed `feed_ref` whose
        creation on Seller Center nobody can confirm yet: the status API shows them
        `unknown` until the feed is found (then `record_sent`) or known not created
        (`clear_unknown`). CLARIFICATIONS §9 "Crash safety"."""
        now = dt.datetime.now(dt.UTC)
        updates = [
            UpdateOne(
                {"store_id": store_id, "sku_id": sku_id},
                {
                    "$set": {
                        "seller_sku": seller_sku,
                        "feed_unknown": {"feed": feed_ref, "since": now},
                    },
                    "$setOnInsert": {"published": False, "created_at": now},
                },
                upsert=True,
            )
            for sku_id, seller_sku in skus
        ]
        if updates:
            await self._collection.bulk_write(updates, ordered=False)

    async def clear_unknown(self, store_id: str, sku_ids: Iterable[str]) -> None:
        """The unsure feed of these SKUs was never created: they go out again."""
        await update_in(
            self._collection,
            {"store_id": store_id},
            "sku_id",
            sku_ids,
            {"$unset": {"feed_unknown": ""}},
        )

    async def link(
        self,
        store_id: str,
        sku_id: str,
        seller_sku: str,
        *,
        on_linio: bool | None = None,
        shop_sku: str | None = None,
    ) -> None:
        """Tie the VTEX SKU to its SellerSku (and ShopSku, and whether Linio has it)."""
        fields: dict[str, Any] = {"seller_sku": seller_sku}
        if on_linio is not None:
            fields["on_linio"] = on_linio
        if shop_sku is not None:
            fields["shop_sku"] = shop_sku
        await self._collection.update_one(
            {"store_id": store_id, "sku_id": sku_id},
            {
                "$set": fields,
                "$setOnInsert": {"published": False, "created_at": dt.datetime.now(dt.UTC)},
            },
            upsert=True,
        )

    async def qc_hint(self, store_id: str, seller_skus: Iterable[str]) -> int:
        """Seller Center said these SKUs' quality control changed: read it at the next run.
        Returns how many of ours they were."""
        return await update_in(
            self._collection,
            {"store_id": store_id},
            "seller_sku",
            seller_skus,
            {"$set": {"qc.hinted": True}},
        )

    async def qc_hinted(self, store_id: str, limit: int = 100) -> list[str]:
        """SellerSkus whose quality-control status should be read (GetQcStatus pages 100)."""
        cursor = self._collection.find(
            {"store_id": store_id, "qc.hinted": True}, {"seller_sku": 1}
        ).limit(limit)
        return [doc["seller_sku"] async for doc in cursor]

    async def record_qc(
        self, store_id: str, read: Iterable[str], states: Iterable[tuple[str, str, str | None]]
    ) -> None:
        """`states`: (SellerSku, status approved|pending|rejected, reason) as GetQcStatus
        answered for the SellerSkus `read`; every one read loses its hint."""
        now = dt.datetime.now(dt.UTC)
        updates = [
            UpdateOne(
                {"store_id": store_id, "seller_sku": sku},
                {"$set": {"qc": {"status": status, "reason": reason, "at": now}}},
            )
            for sku, status, reason in states
        ]
        if updates:
            await self._collection.bulk_write(updates, ordered=False)
        await update_in(
            self._collection,
            {"store_id": store_id},
            "seller_sku",
            read,
            {"$unset": {"qc.hinted": ""}},
        )

    async def on_linio(self, store_id: str, seller_skus: Iterable[str]) -> set[str]:
        """The SellerSkus among these that Seller Center has (as far as we know)."""
        found = find_in(
            self._collection,
            {"store_id": store_id},
            "seller_sku",
            seller_skus,
            {"seller_sku": 1, "on_linio": 1},
        )
        # on_linio is checked here: a filter on it beside the index's fields makes
        # SecantusDB scan the collection once per `$in` value (6.8 s for 500 SKUs at 5,000).
        return {doc["seller_sku"] async for doc in found if doc.get("on_linio") is True}


STAGES = ("notified", "read", "validated", "sent", "confirmed", "live")
MAPPING_FIELDS = (
    "seller_sku",
    "shop_sku",
    "last_price",
    "last_stock",
    "last_status",
    "catalog_hash",
    "content_hash",
    "qc",
    "price_hold",
    "price_approved",
    "readback_heals",
)
"""What ties a VTEX SKU to its Linio listing; cleaned when Linio confirms a removal."""
CONTENT_EXCLUDED = frozenset(
    {"SellerSku", "Price", "SalePrice", "SaleStartDate", "SaleEndDate", "Quantity", "Images"}
)


@dataclass(frozen=True)
class SentSku:
    sku_id: str
    seller_sku: str
    fields: dict[str, Any]


@dataclass(frozen=True)
class SkuResult:
    sku_id: str
    seller_sku: str
    result: str  # accepted | rejected | retry
    messages: tuple[str, ...] = ()
    name: str | None = None  # the product's Name as sent, for the seller's log


def content_hash(fields: dict[str, Any]) -> str:
    """sha256 of the content fields (everything but price, stock and images), canonical JSON."""
    content = {k: v for k, v in fields.items() if k not in CONTENT_EXCLUDED}
    raw = json.dumps(content, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def _sent_values(fields: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    price = {
        k: fields[k] for k in ("Price", "SalePrice", "SaleStartDate", "SaleEndDate") if k in fields
    }
    if price:
        out["last_price"] = {k: (str(v) if v is not None else None) for k, v in price.items()}
    if "Quantity" in fields:
        out["last_stock"] = fields["Quantity"]
    if "Status" in fields:
        out["last_status"] = fields["Status"]
    if any(k not in CONTENT_EXCLUDED for k in fields):
        out["content_hash"] = content_hash(fields)
    return out
