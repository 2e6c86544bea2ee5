"""The token lookup on the notification hot path does not stampede the database.

Profiling the endpoint at 500 requests/s (issue 13) showed the store lookup as a quarter of
the process's time: whenever the cached entry expired, every request in flight queried the
database for the same token. One lookup per token is in flight at a time now.
"""

from __future__ import annotations

import asyncio
from typing import Any

from pymongo import AsyncMongoClient, monitoring

from app.secrets_box import SecretBox
from domain.stores import StoreRepository


class FindCounter(monitoring.CommandListener):
    def __init__(self) -> None:
        self.finds = 0

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        if event.command_name == "find" and event.command.get("find") == "stores":
            self.finds += 1

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass


async def test_concurrent_lookups_of_a_cold_token_query_once(
    mongo_uri: str, db_name: str, make_store: Any
) -> None:
    counter = FindCounter()
    client: AsyncMongoClient = AsyncMongoClient(mongo_uri, event_listeners=[counter])
    try:
        box = SecretBox("test-secret-key-0123456789")
        writer = StoreRepository(client[db_name], box)
        store = make_store()
        await writer.upsert(store)
        reader = StoreRepository(client[db_name], box)  # another process: a cold cache
        counter.finds = 0
        found = await asyncio.gather(
            *(reader.by_token(store.notification_token) for _ in range(100))
        )
        assert {s.store_id if s else None for s in found} == {store.store_id}
        assert counter.finds == 1
        unknown = await asyncio.gather(*(reader.by_token("no-such-token") for _ in range(50)))
        assert unknown == [None] * 50
        assert counter.finds == 2
    finally:
        await client.drop_database(db_name)
        await client.close()


async def test_a_token_rotated_through_the_same_repository_stops_at_once(
    mongo_uri: str, db_name: str, make_store: Any
) -> None:
    client: AsyncMongoClient = AsyncMongoClient(mongo_uri)
    try:
        stores = StoreRepository(client[db_name], SecretBox("test-secret-key-0123456789"))
        store = make_store()
        await stores.upsert(store)
        old = store.notification_token
        lookup = asyncio.ensure_future(stores.by_token(old))  # in flight during the rotation
        rotated = await stores.rotate_token(store.store_id)
        assert rotated is not None
        await lookup
        assert await stores.by_token(old) is None
        assert (await stores.by_token(rotated.notification_token)).store_id == store.store_id
    finally:
        await client.drop_database(db_name)
        await client.close()
