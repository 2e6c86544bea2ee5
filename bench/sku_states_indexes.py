"""What `sku_states`' indexes cost SecantusDB per bulk-updated document (issue 19 item 4).

Not a test: a measurement. An embedded SecantusDB on disk (as the service runs it: writes
journaled, `j:true`) holds a collection shaped like `sku_states` (~1.5 KB documents) under
each index set below; the SKUs are then updated in bulk the way the catalog evaluation does
(`bulk_write` of `UpdateOne` by (store_id, sku_id), 500 per call, `$set` of status, stage
time and content hash). The database's CPU is read from /proc (`bench.harness.cpu_seconds`)
before and after; the machine is shared, so compare the rows of one run, side by side.

    PYTHONPATH=. python -m bench.sku_states_indexes --skus 1000 --rounds 3
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import tempfile
from pathlib import Path

from pymongo import ASCENDING, AsyncMongoClient, IndexModel, UpdateOne

from app.embedded_mongo import EmbeddedMongo
from app.settings import Settings
from app.storage import SKU_STATES, index_plan
from bench.harness import cpu_seconds, load_average

BULK = 500

BEFORE = [  # app/storage.py up to be1a752: five secondary indexes
    IndexModel([("store_id", ASCENDING), ("sku_id", ASCENDING)], unique=True),
    IndexModel([("store_id", ASCENDING), ("status", ASCENDING)]),
    IndexModel([("store_id", ASCENDING), ("seller_sku", ASCENDING)]),
    IndexModel([("store_id", ASCENDING), ("waiting_on", ASCENDING)]),
    IndexModel([("store_id", ASCENDING), ("qc.hinted", ASCENDING)]),
]
UNIQUE_ONLY = BEFORE[:1]


def state(n: int) -> dict[str, object]:
    """One SKU's state as the catalog flow leaves it (~1.5 KB)."""
    now = dt.datetime.now(dt.UTC)
    return {
        "store_id": "bench-mx",
        "sku_id": str(n),
        "seller_sku": str(n),
        "product_id": str(n // 3),
        "status": "live",
        "published": True,
        "on_linio": True,
        "linio_checked": True,
        "notifications": 1,
        "created_at": now,
        "notified_at": now,
        "evaluated_at": now,
        "stages": {s: now for s in ("notified", "read", "evaluated", "staged", "sent", "live")},
        "started": {"catalog": now},
        "last_notification": {"IdSku": str(n), "StockModified": True, "at": now.isoformat()},
        "catalog_hash": f"{n:064x}",
        "content_hash": f"{n * 7:064x}",
        "last_price": 1999.9,
        "last_stock": 12,
        "problems": [],
        "last_result": {"feed_id": f"feed-{n % 10}", "action": "ProductCreate", "ok": True},
        "description": "x" * 900,
    }


async def one_set(db_uri: str, pid: int, name: str, indexes: list[IndexModel], skus: int) -> float:
    """Database CPU in µs per updated document, one bulk round over every SKU."""
    client: AsyncMongoClient = AsyncMongoClient(db_uri, journal=True)
    try:
        collection = client["bench_indexes"][f"sku_states_{name}"]
        await collection.drop()
        await collection.create_indexes(indexes)
        for start in range(0, skus, BULK):
            await collection.insert_many([state(n) for n in range(start, min(skus, start + BULK))])
        now = dt.datetime.now(dt.UTC)
        updates = [
            UpdateOne(
                {"store_id": "bench-mx", "sku_id": str(n)},
                {
                    "$set": {
                        "status": "staged",
                        "evaluated_at": now,
                        "stages.evaluated": now,
                        "catalog_hash": f"{n + 1:064x}",
                    }
                },
            )
            for n in range(skus)
        ]
        before = cpu_seconds(pid)
        for start in range(0, skus, BULK):
            await collection.bulk_write(updates[start : start + BULK], ordered=False)
        spent = cpu_seconds(pid) - before
        await collection.drop()
        return spent / skus * 1e6
    finally:
        await client.close()


async def run(skus: int, rounds: int) -> dict[str, list[float]]:
    sets = {
        "before (5 secondary)": BEFORE,
        "now (index_plan)": index_plan(Settings())[SKU_STATES],
        "unique (store_id, sku_id) only": UNIQUE_ONLY,
    }
    results: dict[str, list[float]] = {name: [] for name in sets}
    with tempfile.TemporaryDirectory() as data:
        server = EmbeddedMongo(Path(data) / "mongo")
        uri = await server.start()
        try:
            assert server.pid is not None
            for _ in range(rounds):  # interleaved, so a burst of other load hits every set
                for index, (name, indexes) in enumerate(sets.items()):
                    results[name].append(await one_set(uri, server.pid, str(index), indexes, skus))
        finally:
            await server.stop()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skus", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    load = load_average()
    results = asyncio.run(run(args.skus, args.rounds))
    print(f"{args.skus} SKUs, {args.rounds} rounds, load average at start {load[0]:.1f}")
    print("| indexes on sku_states | DB CPU µs per bulk-updated document (each round) | median |")
    print("|---|---|---|")
    for name, values in results.items():
        rounds = ", ".join(f"{v:,.0f}" for v in values)
        median = sorted(values)[len(values) // 2]
        print(f"| {name} | {rounds} | **{median:,.0f}** |")


if __name__ == "__main__":
    main()
