"""Indexes on start: each collection carries exactly what `index_plan` declares, and the
indexes an older version declared are dropped, idempotently, by every process starting."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from pymongo import ASCENDING, AsyncMongoClient, IndexModel
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from app.settings import Settings
from app.storage import SKU_STATES, ensure_indexes, index_plan

# sku_states as versions up to be1a752 indexed it
OLDER = [
    IndexModel([("store_id", ASCENDING), ("sku_id", ASCENDING)], unique=True),
    IndexModel([("store_id", ASCENDING), ("status", ASCENDING)]),
    IndexModel([("store_id", ASCENDING), ("seller_sku", ASCENDING)]),
    IndexModel([("store_id", ASCENDING), ("waiting_on", ASCENDING)]),
    IndexModel([("store_id", ASCENDING), ("qc.hinted", ASCENDING)]),
]


@pytest.fixture
async def db(settings: Settings) -> AsyncIterator[AsyncDatabase]:
    client: AsyncMongoClient = AsyncMongoClient(settings.mongodb_uri)
    try:
        yield client[settings.mongodb_db]
        await client.drop_database(settings.mongodb_db)
    finally:
        await client.close()


async def _names(db: AsyncDatabase, collection: str) -> set[str]:
    return {doc["name"] async for doc in await db[collection].list_indexes()}


async def test_an_older_databases_retired_indexes_are_dropped_on_start(
    db: AsyncDatabase, settings: Settings
) -> None:
    await db[SKU_STATES].create_indexes(OLDER)
    await db[SKU_STATES].insert_one({"store_id": "s", "sku_id": "1", "status": "live"})

    dropped = await ensure_indexes(db, settings)

    assert sorted(dropped) == [
        f"{SKU_STATES}.store_id_1_qc.hinted_1",
        f"{SKU_STATES}.store_id_1_status_1",
    ]
    declared = {m.document["name"] for m in index_plan(settings)[SKU_STATES]}
    assert await _names(db, SKU_STATES) == {"_id_", *declared}
    with pytest.raises(DuplicateKeyError):  # the unique (store_id, sku_id) index stays
        await db[SKU_STATES].insert_one({"store_id": "s", "sku_id": "1"})
    # every later start, and several processes starting at once, change nothing
    again = await asyncio.gather(*(ensure_indexes(db, settings) for _ in range(3)))
    assert again == [[], [], []]
    assert await _names(db, SKU_STATES) == {"_id_", *declared}


async def test_two_processes_dropping_at_once_do_not_fail(
    db: AsyncDatabase, settings: Settings
) -> None:
    await db[SKU_STATES].create_indexes(OLDER)
    results = await asyncio.gather(*(ensure_indexes(db, settings) for _ in range(2)))
    assert {f"{SKU_STATES}.store_id_1_status_1"} <= set(results[0]) | set(results[1])
    assert "store_id_1_status_1" not in await _names(db, SKU_STATES)
