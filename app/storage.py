"""MongoDB access: connection, collection names and the indexes that make work idempotent.

Unique indexes are the idempotency keys of DESIGN.md principle 5: a notification, webhook or
consumer retry that repeats work hits a duplicate key instead of doing it twice.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import structlog
from pymongo import ASCENDING, DESCENDING, AsyncMongoClient, IndexModel
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import OperationFailure

from app import db_counts
from app.embedded_mongo import EmbeddedMongo
from app.settings import Settings

log = structlog.get_logger(__name__)

STORES = "stores"
CATEGORY_MAP = "category_map"
BRAND_MAP = "brand_map"
ATTRIBUTE_MAP = "attribute_map"
SKU_STATES = "sku_states"
FEEDS = "feeds"
ORDERS = "orders"
LOGS = "logs"
DEAD_LETTERS = "dead_letters"
NOTIFICATIONS = "notifications"
FEED_STAGING = "feed_staging"
FEED_QUOTA = "feed_quota"
FEED_OWNERS = "feed_owners"
RECONCILE_PASSES = "reconcile_passes"
REFERENCE_CACHE = "reference_cache"
MAPPER_REGISTRATIONS = "mapper_registrations"
CONSUMER_HEARTBEATS = "consumer_heartbeats"
REFERENCE_TTL_SECONDS = 6 * 3600
INDEX_NOT_FOUND = 27  # MongoDB's IndexNotFound

IN_CHUNK = 50
"""Values per `$in` sent to the database. SecantusDB's cost grows with the square of a
`$in`'s length (measured at 5,000 documents: 50 keys 6.7 ms, 500 keys 553 ms of database
CPU), so a long list goes as chunks of 50; MongoDB is indifferent to it."""


def chunks(values: Iterable[Any], size: int = IN_CHUNK) -> Iterable[list[Any]]:
    """`values` (deduplicated, order kept) in lists of at most `size`."""
    ordered = list(dict.fromkeys(values))
    for start in range(0, len(ordered), size):
        yield ordered[start : start + size]


async def find_in(
    collection: AsyncCollection,
    query: Mapping[str, Any],
    field: str,
    values: Iterable[Any],
    projection: Mapping[str, Any] | None = None,
) -> AsyncIterator[dict[str, Any]]:
    """The documents matching `query` whose `field` is one of `values`, read with `$in`
    chunks of `IN_CHUNK` (see there). Keep `query` to fields of the index that `field`
    completes: SecantusDB scans the collection for any other field."""
    for part in chunks(values):
        async for doc in collection.find({**query, field: {"$in": part}}, projection):
            yield doc


async def update_in(
    collection: AsyncCollection,
    query: Mapping[str, Any],
    field: str,
    values: Iterable[Any],
    update: Mapping[str, Any],
) -> int:
    """`update_many` on the documents of `find_in`'s selection; the number matched."""
    matched = 0
    for part in chunks(values):
        result = await collection.update_many({**query, field: {"$in": part}}, update)
        matched += result.matched_count
    return matched


def index_plan(settings: Settings) -> dict[str, list[IndexModel]]:
    ttl = settings.log_retention_days * 86400
    return {
        STORES: [
            IndexModel([("store_id", ASCENDING)], unique=True),
            IndexModel([("account", ASCENDING), ("affiliate_id", ASCENDING)], unique=True),
            IndexModel([("token_hash", ASCENDING)], unique=True, sparse=True),
        ],
        CATEGORY_MAP: [IndexModel([("store_id", ASCENDING), ("vtex_id", ASCENDING)], unique=True)],
        BRAND_MAP: [IndexModel([("store_id", ASCENDING), ("vtex_id", ASCENDING)], unique=True)],
        ATTRIBUTE_MAP: [
            IndexModel(
                [("store_id", ASCENDING), ("category", ASCENDING), ("vtex_field", ASCENDING)],
                unique=True,
            )
        ],
        REFERENCE_CACHE: [
            IndexModel(
                [("fetched_at", ASCENDING)],
                expireAfterSeconds=REFERENCE_TTL_SECONDS,
                name="reference_cache_ttl",
            )
        ],
        # Only what a query needs: SecantusDB rewrites every index entry of a document it
        # updates (~0.5 ms of its CPU per index and document; bench/sku_states_indexes.py,
        # docs/embedded-database.md lists the queries and the index serving each).
        SKU_STATES: [
            # every read and write by SKU, one or `$in` (find_in/update_in), the SKU list's order
            IndexModel([("store_id", ASCENDING), ("sku_id", ASCENDING)], unique=True),
            # by SellerSku: a variation's parent, the orders' SKU map, QC and feed results
            IndexModel([("store_id", ASCENDING), ("seller_sku", ASCENDING)]),
            # a staged parent or a saved mapping releases the SKUs waiting on it
            IndexModel([("store_id", ASCENDING), ("waiting_on", ASCENDING)]),
            # the feed owner looks for quality-control hints every round; partial: only the
            # few hinted SKUs have an entry
            IndexModel(
                [("store_id", ASCENDING), ("qc.hinted", ASCENDING)],
                partialFilterExpression={"qc.hinted": True},
                name="sku_states_qc_hinted",
            ),
        ],
        FEED_STAGING: [
            IndexModel([("store_id", ASCENDING), ("seller_sku", ASCENDING)], unique=True),
            # the feed owner's "changed since I looked", four times a second while it waits
            IndexModel([("store_id", ASCENDING), ("updated_at", ASCENDING)]),
        ],
        FEEDS: [
            IndexModel([("feed_id", ASCENDING)], unique=True),
            IndexModel([("store_id", ASCENDING), ("status", ASCENDING)]),
        ],
        ORDERS: [
            IndexModel([("store_id", ASCENDING), ("linio_order_id", ASCENDING)], unique=True),
            IndexModel([("store_id", ASCENDING), ("vtex_order_id", ASCENDING)]),
        ],
        LOGS: [
            IndexModel([("store_id", ASCENDING), ("at", DESCENDING)]),
            # the dashboard's log filters, each ending in the page order (keyset on `at`)
            *(
                IndexModel([("store_id", ASCENDING), (field, ASCENDING), ("at", DESCENDING)])
                for field in ("flow", "Status", "code", "sku_id", "order_id")
            ),
            IndexModel([("at", ASCENDING)], expireAfterSeconds=ttl, name="logs_ttl"),
        ],
        CONSUMER_HEARTBEATS: [
            IndexModel([("queue", ASCENDING)]),
            IndexModel(
                [("beat_at", ASCENDING)],
                expireAfterSeconds=7 * 86400,
                name="consumer_heartbeats_ttl",
            ),
        ],
        DEAD_LETTERS: [
            IndexModel([("message_id", ASCENDING)], unique=True),
            IndexModel([("store_id", ASCENDING), ("queue", ASCENDING), ("status", ASCENDING)]),
        ],
    }


async def ensure_indexes(db: AsyncDatabase, settings: Settings) -> list[str]:
    """Make each collection of `index_plan` carry exactly its declared indexes: create the
    missing ones, drop the ones the plan no longer declares (an older version's). Safe to
    run at every start and from several processes at once (an index another process
    dropped first is not an error). Returns the dropped ones as "collection.name"."""
    dropped: list[str] = []
    for collection, indexes in index_plan(settings).items():
        declared = {"_id_", *(model.document["name"] for model in indexes)}
        existing = [doc["name"] async for doc in await db[collection].list_indexes()]
        for name in existing:
            if name in declared:
                continue
            try:
                await db[collection].drop_index(name)
            except OperationFailure as exc:
                if exc.code != INDEX_NOT_FOUND:
                    raise
            dropped.append(f"{collection}.{name}")
        await db[collection].create_indexes(indexes)
    if dropped:
        log.info("indexes_dropped", indexes=dropped)
    return dropped


@dataclass
class Storage:
    """`db`: the database as the request path, the feed owner and the order flow see it.
    `background`: the same database through a connection pool of its own, for the bulk
    work of the catalog consumers (an initial load keeps 50 SKUs in flight): their queue
    of operations waits in that pool, so a notification, a feed's settlement or an order
    placement is never queued behind thousands of them (on SecantusDB a feed owner stuck
    behind the load left 1,000 staged SKUs unsent for two minutes, `bench/REPORT.md`)."""

    client: AsyncMongoClient
    db: AsyncDatabase
    embedded: EmbeddedMongo | None = None
    background_client: AsyncMongoClient | None = None

    @property
    def background(self) -> AsyncDatabase:
        if self.background_client is None:
            return self.db
        return self.background_client.get_database(
            self.db.name, write_concern=self.db.write_concern, codec_options=self.db.codec_options
        )

    async def ping(self) -> dict[str, object]:
        await self.db.command("ping")
        return {"ok": True, "embedded": self.embedded is not None}

    @property
    def supervisor_failed(self) -> bool:
        """True when the embedded database could not be restarted: the process is unhealthy."""
        return self.embedded is not None and self.embedded.failed


# Accepted means durable (see open_storage); only the benchmark turns it off, to measure
# what it costs.
JOURNALED_WRITES = True

# Requests wait at most this long for an unreachable database before answering 503.
SERVER_SELECTION_MS = 3000


def _sets_write_concern(uri: str) -> bool:
    query = uri.partition("?")[2].lower()
    return any(f"{key}=" in query for key in ("journal", "w", "wtimeoutms"))


@asynccontextmanager
async def open_storage(settings: Settings) -> AsyncIterator[Storage]:
    """Connect (starting the embedded server if MONGODB_URI is unset), ensure indexes."""
    embedded: EmbeddedMongo | None = None
    uri = settings.mongodb_uri
    options: dict[str, object] = {}
    if uri is None:
        embedded = EmbeddedMongo(settings.data_dir / "mongo")
        uri = await embedded.start()
        embedded.supervise()
        # Accepted means durable: every write is fsynced to SecantusDB's write-ahead log
        # before it is acknowledged (writeConcern j:true, honoured per commit by SecantusDB
        # >= 0.7). Without it a hard kill lost the last ~20-40 ms of answered writes.
        options["journal"] = JOURNALED_WRITES
    elif not _sets_write_concern(uri):
        # The same promise on an external MongoDB (a standalone mongod acknowledges w:1
        # before its journal is flushed), unless MONGODB_URI chooses its own write concern.
        options["journal"] = True
    # Every command is counted per pipeline (`app.db_counts`): what each flow costs.
    options["event_listeners"] = [db_counts.LISTENER]
    client: AsyncMongoClient = AsyncMongoClient(
        uri, serverSelectionTimeoutMS=SERVER_SELECTION_MS, tz_aware=True, **options
    )
    background: AsyncMongoClient = AsyncMongoClient(
        uri, serverSelectionTimeoutMS=SERVER_SELECTION_MS, tz_aware=True, **options
    )
    try:
        db = client[settings.mongodb_db]
        await ensure_indexes(db, settings)
        yield Storage(client=client, db=db, embedded=embedded, background_client=background)
    finally:
        await background.close()
        await client.close()
        if embedded is not None:
            await embedded.stop()
