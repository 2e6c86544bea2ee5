"""Where the feed scheduler keeps its work: staged changes, feed documents, the feed quota.

- `feed_staging`: one document per store and SellerSku with the changes not yet confirmed
  by Seller Center (`fields.<name> = {value, version, kind}`, `create`, `remove`,
  `attempts`), the VTEX `sku_id`, `in_flight` (our id of the feed carrying it, or None) and
  `rev`, a revision counter: every write is read–coalesce–write guarded by `rev`, so
  concurrent consumers staging the same SKU never lose a change and the pure
  `lots.coalesce` is the only merge rule.
- `feeds`: one document per feed: `_id` (ours), `feed_id` (Seller Center's RequestId once
  sent, `pending:<_id>` before), `store_id`, `action`, `priority`, `skus`, `entries`
  (SellerSku, VTEX sku_id and the versions carried), `status` (sending, then Seller
  Center's Queued/Processing/Finished/Canceled/Error; `unknown` while nobody can tell
  whether Seller Center created it; `not_sent`), `created_at`, `sent_at`,
  `finished_at`, `webhook_at`, `polls`, `result` ({processed, failed, errors: [{sku, code,
  message}]}), `unknown_since` and `told_at` (an unsure feed, and when the seller was
  told it stays unsure), `resolved_by` (`FeedOffsetList` or `GetProducts`: how an unsure
  feed's outcome was found).
- `feed_owners`: per store the lease of the process that owns its feeds (`OwnerLease`).
- `feed_quota`: per store the feed quota's level when last saved (wall clock), so a
  restart does not hand out the free burst again, and the feeds sent on the seller's local
  day (CLARIFICATIONS §2: "today" is the seller's day).

`FeedScheduler.stage` is the API the catalog, price and stock consumers call.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import random
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from bson.decimal128 import Decimal128
from pymongo import DeleteOne, UpdateOne
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError, DuplicateKeyError

from app.broker import Broker, queue_name
from app.storage import FEED_OWNERS, FEED_QUOTA, FEED_STAGING, FEEDS, find_in, update_in
from clients.errors import ConfigError
from clients.feed_quota import FeedQuota
from clients.linio.account import zone_for
from domain.catalog.lots import Change, Entry, Pending, PlannedFeed, Staged, coalesce
from domain.work import FeedWork

DUPLICATE_KEY = 11000

UNSURE = ("sending", "unknown")
"""A feed whose creation on Seller Center is not confirmed: `sending` (recorded, the call's
answer never recorded: the run died, or the database, right then) or `unknown` (the
answer was unreadable and FeedList could not be read either)."""
IN_FLIGHT = (*UNSURE, "Queued", "Processing")


def seller_today(country: str, now: dt.datetime | None = None) -> str:
    """The seller's local date (ISO) for a Linio country code; UTC for an unknown one."""
    try:
        zone: dt.tzinfo = zone_for(country)
    except ConfigError:
        zone = dt.UTC
    return (now or dt.datetime.now(dt.UTC)).astimezone(zone).date().isoformat()


def version_now() -> int:
    """A change version for a value about to be read now (nanoseconds since the epoch)."""
    return time.time_ns()


# --- BSON round trip of Seller Center values (Decimal money) ------------------------------


def to_bson(value: Any) -> Any:
    if isinstance(value, Decimal):
        return Decimal128(value)
    if isinstance(value, dict):
        return {k: to_bson(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_bson(v) for v in value]
    return value


def from_bson(value: Any) -> Any:
    if isinstance(value, Decimal128):
        return value.to_decimal()
    if isinstance(value, dict):
        return {k: from_bson(v) for k, v in value.items()}
    if isinstance(value, list):
        return [from_bson(v) for v in value]
    if isinstance(value, dt.datetime) and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


def _pending(doc: dict[str, Any]) -> Pending:
    fields = {
        name: Staged(from_bson(s["value"]), int(s["version"]), s["kind"])
        for name, s in (doc.get("fields") or {}).items()
    }
    return Pending(
        doc["seller_sku"],
        fields,
        doc.get("create"),
        doc.get("remove"),
        doc.get("attempts", 0),
        float(doc.get("staged_at", 0.0)),
    )


def _pending_fields(pending: Pending) -> dict[str, Any]:
    return {
        "fields": {
            name: {"value": to_bson(s.value), "version": s.version, "kind": s.kind}
            for name, s in pending.fields.items()
        },
        "create": pending.create,
        "remove": pending.remove,
        "attempts": pending.attempts,
    }


LOT_RETRY_ROUNDS = 3
"""How often `FeedStaging.stage_lot` merges again as a lot the SKUs another lot staged first."""


@dataclass(frozen=True)
class StagedSku:
    pending: Pending
    sku_id: str
    in_flight: str | None


class FeedStaging:
    """The `feed_staging` collection (see the module docstring)."""

    def __init__(self, db: AsyncDatabase) -> None:
        self._collection = db[FEED_STAGING]

    async def stage(self, store_id: str, change: Change | Sequence[Change], *, sku_id: str) -> bool:
        """Merge `change` (or several changes of one SKU, in one read and one write) into
        the SKU's staged changes; False when it changed nothing (every field already had a
        newer version). Raises ValueError for changes of different SKUs."""
        changes = [change] if isinstance(change, Change) else list(change)
        key = {"store_id": store_id, "seller_sku": changes[0].seller_sku}
        while True:
            doc = await self._collection.find_one(key)
            if doc is None:
                fresh = _merged(None, changes)
                try:
                    await self._collection.insert_one(
                        {
                            **key,
                            "sku_id": sku_id,
                            "rev": 1,
                            "in_flight": None,
                            "staged_at": time.time(),
                            "updated_at": dt.datetime.now(dt.UTC),
                            **_pending_fields(fresh),
                        }
                    )
                    return True
                except DuplicateKeyError:
                    continue
            current = _pending(doc)
            merged = _merged(current, changes)
            if merged == current:
                return False
            if await self._replace(doc, merged, sku_id=sku_id):
                return True
            await asyncio.sleep(random.uniform(0, 0.005))  # lost a race: read again

    async def stage_lot(
        self, store_id: str, items: Iterable[tuple[str, Sequence[Change]]], *, rounds: int = 0
    ) -> int:
        """`stage` for a lot: (VTEX sku_id, the changes of one SellerSku) per SKU, in one
        read per 50 SellerSkus, one insert of the new and one bulk write of the others. The
        SKUs another consumer staged meanwhile (their `rev` moved, or inserted first: a price
        lot and a stock lot of the same SKUs) are merged again as a lot, up to
        `LOT_RETRY_ROUNDS` times, then alone: merging a change twice changes nothing.
        Returns how many SKUs' staged changes changed."""
        by_sku = {changes[0].seller_sku: (sku_id, changes) for sku_id, changes in items if changes}
        if not by_sku:
            return 0
        docs = {
            doc["seller_sku"]: doc
            async for doc in find_in(self._collection, {"store_id": store_id}, "seller_sku", by_sku)
        }
        now, stamp = dt.datetime.now(dt.UTC), time.time()
        inserts: list[dict[str, Any]] = []
        updates: list[UpdateOne] = []
        updated: list[str] = []
        for seller_sku, (sku_id, changes) in by_sku.items():
            doc = docs.get(seller_sku)
            if doc is None:
                inserts.append(
                    {
                        "store_id": store_id,
                        "seller_sku": seller_sku,
                        "sku_id": sku_id,
                        "rev": 1,
                        "in_flight": None,
                        "staged_at": stamp,
                        "updated_at": now,
                        **_pending_fields(_merged(None, changes)),
                    }
                )
                continue
            current = _pending(doc)
            merged = _merged(current, changes)
            if merged == current:
                continue
            fields = {**_pending_fields(merged), "sku_id": sku_id, "rev": doc["rev"] + 1}
            guard = {"_id": doc["_id"], "rev": doc["rev"]}
            updates.append(UpdateOne(guard, {"$set": {**fields, "updated_at": now}}))
            updated.append(seller_sku)
        again: list[str] = []
        if inserts:
            try:
                await self._collection.insert_many(inserts, ordered=False)
            except BulkWriteError as exc:
                failed = {e["index"] for e in exc.details.get("writeErrors", [])}
                if any(e.get("code") != DUPLICATE_KEY for e in exc.details.get("writeErrors", [])):
                    raise
                again += [inserts[i]["seller_sku"] for i in failed]
        if updates:
            result = await self._collection.bulk_write(updates, ordered=False)
            if result.modified_count < len(updates):  # some moved meanwhile: merge again
                again += updated
        if again and rounds < LOT_RETRY_ROUNDS:  # another lot staged them first: merge again
            await self.stage_lot(
                store_id, [by_sku[s] for s in dict.fromkeys(again)], rounds=rounds + 1
            )
        else:
            for seller_sku in dict.fromkeys(again):
                sku_id, changes = by_sku[seller_sku]
                await self.stage(store_id, changes, sku_id=sku_id)
        return len(inserts) + len(updates)

    async def _replace(self, doc: dict[str, Any], pending: Pending, **extra: Any) -> bool:
        result = await self._collection.update_one(
            {"_id": doc["_id"], "rev": doc["rev"]},
            {
                "$set": {
                    **_pending_fields(pending),
                    **extra,
                    "rev": doc["rev"] + 1,
                    "updated_at": dt.datetime.now(dt.UTC),
                }
            },
        )
        return result.matched_count == 1

    async def update(
        self, store_id: str, seller_sku: str, change: Callable[[Pending], Pending]
    ) -> tuple[Pending, Pending] | None:
        """Apply `change` to the SKU's pending changes (read–modify–write on `rev`) and
        release it from flight; the document goes once nothing is left. Returns (before,
        after), or None when nothing is staged for the SKU."""
        key = {"store_id": store_id, "seller_sku": seller_sku}
        while True:
            doc = await self._collection.find_one(key)
            if doc is None:
                return None
            before = _pending(doc)
            after = change(before)
            if after.empty:
                deleted = await self._collection.delete_one({"_id": doc["_id"], "rev": doc["rev"]})
                if deleted.deleted_count == 1:
                    return before, after
            elif await self._replace(doc, after, in_flight=None):
                return before, after
            await asyncio.sleep(random.uniform(0, 0.005))

    async def update_many(
        self, store_id: str, changes: Mapping[str, Callable[[Pending], Pending]], *, tag: str
    ) -> dict[str, Pending]:
        """`update` for many SKUs in one bulk write (a feed's settlement); SKUs staged again
        meanwhile are redone one by one. `tag` marks this settlement; returns the pending
        changes each function was applied to, per SellerSku."""
        docs = {
            doc["seller_sku"]: doc
            async for doc in find_in(
                self._collection, {"store_id": store_id}, "seller_sku", changes
            )
        }
        applied: dict[str, Pending] = {}
        operations: list[UpdateOne | DeleteOne] = []
        for sku, doc in docs.items():
            before = _pending(doc)
            after = changes[sku](before)
            applied[sku] = before
            guard = {"_id": doc["_id"], "rev": doc["rev"]}
            if after.empty:
                operations.append(DeleteOne(guard))
                continue
            fields = {
                **_pending_fields(after),
                "in_flight": None,
                "settled_by": tag,
                "rev": doc["rev"] + 1,
                "updated_at": dt.datetime.now(dt.UTC),
            }
            operations.append(UpdateOne(guard, {"$set": fields}))
        if not operations:
            return applied
        result = await self._collection.bulk_write(operations, ordered=False)
        if result.modified_count + result.deleted_count == len(operations):
            return applied
        missed = find_in(self._collection, {"store_id": store_id}, "seller_sku", docs)
        for doc in [d async for d in missed if d.get("settled_by") != tag]:
            sku = doc["seller_sku"]
            redone = await self.update(store_id, sku, changes[sku])
            if redone is not None:
                applied[sku] = redone[0]
        return applied

    async def load(self, store_id: str) -> list[StagedSku]:
        cursor = self._collection.find({"store_id": store_id})
        return [
            StagedSku(_pending(doc), doc.get("sku_id") or doc["seller_sku"], doc.get("in_flight"))
            async for doc in cursor
        ]

    async def hold(self, store_id: str, seller_skus: Sequence[str], feed_ref: str) -> None:
        """These SKUs are in a feed now (`feed_ref` is our feed document id)."""
        await update_in(
            self._collection,
            {"store_id": store_id},
            "seller_sku",
            seller_skus,
            {"$set": {"in_flight": feed_ref}},
        )

    async def release(self, store_id: str, feed_ref: str) -> None:
        """The feed never reached Seller Center: its SKUs may go out again."""
        await self._collection.update_many(
            {"store_id": store_id, "in_flight": feed_ref}, {"$set": {"in_flight": None}}
        )

    async def changed_since(self, store_id: str, since: dt.datetime) -> bool:
        """Whether a SKU not in flight had a change staged after `since` (UTC). Asked through
        the (store_id, updated_at) index only, `in_flight` checked here: SecantusDB reads the
        whole collection for a filter on a field beside an index's (344 ms at 5,000 staged
        SKUs, against 4 ms), and the owner asks this four times a second while it waits."""
        cursor = self._collection.find(
            {"store_id": store_id, "updated_at": {"$gt": since}}, {"in_flight": 1}
        )
        return any([doc.get("in_flight") is None async for doc in cursor])

    async def count(self, store_id: str) -> int:
        return await self._collection.count_documents({"store_id": store_id})


class FeedRecords:
    """The `feeds` collection (see the module docstring)."""

    def __init__(self, db: AsyncDatabase) -> None:
        self._collection = db[FEEDS]

    async def create(
        self, store_id: str, feed: PlannedFeed, sku_ids: dict[str, str]
    ) -> dict[str, Any]:
        """Record a feed about to be sent (status `sending`)."""
        ref = uuid.uuid4().hex
        doc = {
            "_id": ref,
            "feed_id": f"pending:{ref}",
            "store_id": store_id,
            "action": feed.action,
            "priority": feed.priority,
            "skus": feed.seller_skus,
            "entries": [
                {
                    "seller_sku": e.seller_sku,
                    "sku_id": sku_ids.get(e.seller_sku, e.seller_sku),
                    "versions": dict(e.versions),
                    "name": e.fields.get("Name"),
                }
                for e in feed.entries
            ],
            "status": "sending",
            "created_at": dt.datetime.now(dt.UTC),
            "polls": 0,
        }
        await self._collection.insert_one(doc)
        return doc

    async def sent(self, ref: str, feed_id: str, *, resolved_by: str | None = None) -> None:
        """Seller Center created the feed `feed_id` for our record `ref` (its answer read, or
        found afterwards: `resolved_by`)."""
        fields: dict[str, Any] = {
            "feed_id": feed_id,
            "status": "Queued",
            "sent_at": dt.datetime.now(dt.UTC),
        }
        if resolved_by is not None:
            fields["resolved_by"] = resolved_by
        await self._collection.update_one({"_id": ref}, {"$set": fields})

    async def unknown(self, ref: str, reason: str) -> None:
        """Nobody can tell yet whether Seller Center created this feed (see `UNSURE`)."""
        await self._collection.update_one(
            {"_id": ref}, {"$set": {"status": "unknown", "result": {"error": reason[:2000]}}}
        )
        await self._collection.update_one(
            {"_id": ref, "unknown_since": {"$exists": False}},
            {"$set": {"unknown_since": dt.datetime.now(dt.UTC)}},
        )

    async def unsure(self, store_id: str) -> list[dict[str, Any]]:
        """The store's feeds in `UNSURE` states, oldest first."""
        cursor = self._collection.find(
            {"store_id": store_id, "status": {"$in": list(UNSURE)}}
        ).sort("created_at", 1)
        return [doc async for doc in cursor]

    async def claimed(self, store_id: str, feed_ids: Iterable[str]) -> set[str]:
        """Which of these Seller Center feed ids one of our records already holds."""
        ids = list(dict.fromkeys(feed_ids))
        if not ids:
            return set()
        # By the unique feed_id index alone (SecantusDB scans for a field beside it).
        cursor = self._collection.find({"feed_id": {"$in": ids}}, {"feed_id": 1, "store_id": 1})
        return {doc["feed_id"] async for doc in cursor if doc.get("store_id") == store_id}

    async def told(self, ref: str) -> None:
        """The seller was told this feed's outcome stays unknown (once)."""
        await self._collection.update_one(
            {"_id": ref}, {"$set": {"told_at": dt.datetime.now(dt.UTC)}}
        )

    async def resolved(self, ref: str, by: str) -> None:
        await self._collection.update_one({"_id": ref}, {"$set": {"resolved_by": by}})

    async def not_sent(self, ref: str, reason: str) -> None:
        await self._collection.update_one(
            {"_id": ref},
            {"$set": {"status": "not_sent", "result": {"error": reason[:2000]}}},
        )

    async def polled(self, ref: str, status: str) -> None:
        await self._collection.update_one(
            {"_id": ref}, {"$set": {"status": status}, "$inc": {"polls": 1}}
        )

    async def finish(self, ref: str, status: str, result: dict[str, Any]) -> None:
        await self._collection.update_one(
            {"_id": ref},
            {
                "$set": {
                    "status": status,
                    "result": result,
                    "finished_at": dt.datetime.now(dt.UTC),
                }
            },
        )

    async def in_flight(self, store_id: str) -> list[dict[str, Any]]:
        cursor = self._collection.find({"store_id": store_id, "status": {"$in": list(IN_FLIGHT)}})
        return [doc async for doc in cursor]

    async def reported(self, store_id: str, feed_id: str) -> bool:
        """onFeedCompleted arrived for this feed: mark it so its owner reads it at once."""
        result = await self._collection.update_one(
            {"store_id": store_id, "feed_id": feed_id},
            {"$set": {"webhook_at": dt.datetime.now(dt.UTC)}, "$inc": {"webhooks": 1}},
        )
        return result.matched_count == 1

    async def hint_seen(self, ref: str, webhook_at: dt.datetime) -> None:
        """The owner read the feed after this webhook mark (still unfinished then)."""
        await self._collection.update_one(
            {"_id": ref, "webhook_at": webhook_at}, {"$unset": {"webhook_at": ""}}
        )

    async def any_reported(self, store_id: str) -> bool:
        return (
            await self._collection.find_one(
                {
                    "store_id": store_id,
                    "status": {"$in": ["Queued", "Processing"]},
                    "webhook_at": {"$exists": True},
                },
                {"_id": 1},
            )
            is not None
        )

    async def for_store(self, store_id: str) -> list[dict[str, Any]]:
        cursor = self._collection.find({"store_id": store_id}).sort("created_at", 1)
        return [doc async for doc in cursor]


class FeedQuotaLedger:
    """The feed quota per store in the database, so it survives restarts (CLARIFICATIONS §2)."""

    def __init__(self, db: AsyncDatabase) -> None:
        self._collection = db[FEED_QUOTA]

    async def restore(self, store_id: str, quota: FeedQuota) -> None:
        doc = await self._collection.find_one({"_id": store_id})
        if doc and "level" in doc:
            quota.restore(float(doc["level"]), time.time() - float(doc["saved_at"]))

    async def save(self, store_id: str, quota: FeedQuota, *, country: str, sent: int = 0) -> None:
        """Save the quota's level; `sent` feeds went out now (counted on the seller's day)."""
        today = seller_today(country)
        doc = await self._collection.find_one({"_id": store_id}) or {}
        count = (doc.get("feeds_today", 0) if doc.get("day") == today else 0) + sent
        await self._collection.update_one(
            {"_id": store_id},
            {
                "$set": {
                    "level": quota.level(),
                    "saved_at": time.time(),
                    "day": today,
                    "feeds_today": count,
                    "next_slot_in": quota.next_slot_in(),
                }
            },
            upsert=True,
        )

    async def snapshot(self, store_id: str, *, country: str) -> dict[str, Any]:
        """{"feeds_today": int, "tokens": float} for the status API and the dashboard."""
        doc = await self._collection.find_one({"_id": store_id}) or {}
        today = seller_today(country)
        return {
            "day": today,
            "feeds_today": doc.get("feeds_today", 0) if doc.get("day") == today else 0,
            "tokens": doc.get("level"),
        }


class OwnerLease:
    """A seller's feed ownership as a lease in MongoDB (`feed_owners`): defence in depth
    behind the single-active consumer, whose active consumer can change hands (a channel
    closed and reopened) while the old one's run is still going. Whoever holds the
    unexpired lease is the only one sending and settling the seller's feeds."""

    def __init__(self, db: AsyncDatabase) -> None:
        self._collection = db[FEED_OWNERS]

    async def acquire(self, store_id: str, holder: str, ttl: float) -> bool:
        """Take or renew the lease for `ttl` seconds; False while another holds it."""
        now = time.time()
        try:
            await self._collection.find_one_and_update(
                {"_id": store_id, "$or": [{"expires_at": {"$lt": now}}, {"holder": holder}]},
                {"$set": {"holder": holder, "expires_at": now + ttl}},
                upsert=True,
            )
        except DuplicateKeyError:
            return False
        return True

    async def release(self, store_id: str, holder: str) -> None:
        await self._collection.delete_one({"_id": store_id, "holder": holder})


class FeedScheduler:
    """The staging API: `stage` persists a change, then nudges the seller's feed owner."""

    def __init__(self, db: AsyncDatabase, broker: Broker) -> None:
        self.staging = FeedStaging(db)
        self.records = FeedRecords(db)
        self._broker = broker

    async def stage(
        self,
        store_id: str,
        seller_sku: str,
        kind: str,
        fields: dict[str, Any],
        version: int,
        *,
        sku_id: str | None = None,
    ) -> bool:
        """Stage one change (see `lots.Change`): `kind` one of lots.KINDS, `fields` Seller
        Center field names (money as Decimal), `version` from `version_now()` taken
        before the value was read. `sku_id` is the VTEX SKU id (default: the SellerSku).
        Returns whether it changed anything; the owner is nudged either way."""
        change = Change(seller_sku, kind, fields, version)
        changed = await self.staging.stage(store_id, change, sku_id=sku_id or seller_sku)
        await self.nudge(store_id, "staged")
        return changed

    async def stage_many(self, store_id: str, changes: Iterable[tuple[Change, str]]) -> int:
        """Several (change, VTEX sku_id) at once, one nudge: the changes of one SKU are
        merged in one read and one write. The number of SKUs whose staged changes
        changed."""
        by_sku: dict[tuple[str, str], list[Change]] = {}
        for change, sku_id in changes:
            by_sku.setdefault((change.seller_sku, sku_id), []).append(change)
        changed = 0
        for (_, sku_id), group in by_sku.items():
            changed += await self.staging.stage(store_id, group, sku_id=sku_id)
        await self.nudge(store_id, "staged")
        return changed

    async def stage_lot(self, store_id: str, items: Iterable[tuple[str, Sequence[Change]]]) -> int:
        """A lot's changes, (VTEX sku_id, changes of one SellerSku) per SKU, staged together
        (`FeedStaging.stage_lot`) with one nudge; the number of SKUs whose staged changes
        changed."""
        changed = await self.staging.stage_lot(store_id, items)
        await self.nudge(store_id, "staged")
        return changed

    async def nudge(self, store_id: str, reason: str, feed_id: str | None = None) -> None:
        """Wake the seller's feed owner (a `FeedWork`). In-process, a nudge already waiting
        absorbs it."""
        work = FeedWork(store_id=store_id, reason=reason, feed_id=feed_id)
        await self._broker.publish_many(
            [(queue_name(work.queue_context, store_id), work.to_body())],
            dedupe_keys=[f"feed-nudge:{store_id}"],
        )

    async def reported(self, store_id: str, feed_id: str) -> bool:
        """Seller Center said the feed completed (onFeedCompleted): mark it and nudge, so
        the owner reads its FeedStatus now rather than at its next poll. False (and no
        nudge) for a feed we do not know."""
        if not await self.records.reported(store_id, feed_id):
            return False
        await self.nudge(store_id, "onFeedCompleted", feed_id)
        return True


def _merged(pending: Pending | None, changes: Sequence[Change]) -> Pending:
    """`lots.coalesce` of each change in turn (the only merge rule)."""
    for change in changes:
        pending = coalesce(pending, change)
    assert pending is not None  # at least one change
    return pending


def entries_of(doc: dict[str, Any]) -> list[tuple[Entry, str]]:
    """(Entry with versions, VTEX sku_id) per SKU of a feed document."""
    return [
        (Entry(e["seller_sku"], {}, {k: int(v) for k, v in e["versions"].items()}), e["sku_id"])
        for e in doc.get("entries", [])
    ]
