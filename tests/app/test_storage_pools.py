"""The database's two connection pools (`Storage.background`): the catalog and price/stock
consumers queue their operations in a pool of their own, not in front of the request path,
and see the same database with the same durability."""

from __future__ import annotations

from app.runtime import Runtime
from handlers.consumers_catalog import make_catalog_consumer


async def test_background_work_has_its_own_pool_on_the_same_database(runtime: Runtime) -> None:
    storage = runtime.storage
    background = storage.background
    assert background.client is not storage.db.client
    assert background.name == storage.db.name
    assert background.write_concern == storage.db.write_concern
    await background["probe"].insert_one({"_id": "written-in-the-background"})
    assert await storage.db["probe"].find_one({"_id": "written-in-the-background"})


async def test_the_catalog_consumer_writes_through_the_background_pool(runtime: Runtime) -> None:
    consumer = make_catalog_consumer(**runtime.resources())
    lots = consumer.flow.lots
    assert lots._states._collection.database.client is runtime.storage.background.client
    # its last write of a lot, the one that must be durable, keeps the journaled concern
    durable = lots._durable._collection.database
    assert durable.client is runtime.storage.background.client
    assert durable.write_concern == runtime.storage.db.write_concern
