"""Dead letters kept in MongoDB, where the dashboard lists them and a person replays them."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from pymongo.asynchronous.database import AsyncDatabase

from app.broker.base import Message
from app.storage import DEAD_LETTERS
from clients.redact import KNOWN_SECRETS, mask_mapping, mask_text

if TYPE_CHECKING:
    from app.broker.base import Broker


class DeadLetterNotFound(LookupError):
    pass


class DeadLetters:
    def __init__(self, db: AsyncDatabase) -> None:
        self._collection = db[DEAD_LETTERS]

    async def record(self, message: Message, reason: str) -> None:
        """Idempotent on the message id: a redelivered dead letter updates, never duplicates.

        Reason and headers are masked against every known secret value first: an
        exception text quoting a token must not be stored (the dashboard shows them)."""
        now = dt.datetime.now(dt.UTC)
        known = KNOWN_SECRETS.values()
        reason = mask_text(reason, known)
        headers = mask_mapping(
            {k: v for k, v in message.headers.items() if k.startswith("x-") and k != "x-death"},
            known,
        )
        await self._collection.update_one(
            {"message_id": message.id},
            {
                "$set": {
                    "queue": message.queue,
                    "context": message.context,
                    "store_id": message.store_id,
                    "body": message.body,
                    "headers": headers,
                    "attempts": message.attempt,
                    "reason": reason,
                    "status": "dead",
                    "dead_at": now,
                },
                "$setOnInsert": {"first_dead_at": now},
                "$inc": {"times_dead": 1},
            },
            upsert=True,
        )

    async def list(
        self, *, store_id: str | None = None, status: str = "dead", limit: int = 200
    ) -> list[dict[str, Any]]:
        query: dict[str, Any] = {"status": status}
        if store_id:
            query["store_id"] = store_id
        cursor = self._collection.find(query, {"_id": 0}).sort("dead_at", -1).limit(limit)
        return [doc async for doc in cursor]

    async def count(self, *, store_id: str | None = None) -> int:
        query: dict[str, Any] = {"status": "dead"}
        if store_id:
            query["store_id"] = store_id
        return await self._collection.count_documents(query)

    async def replay(self, message_id: str, broker: Broker) -> str:
        """Publish the dead message again with a fresh attempt budget."""
        doc = await self._collection.find_one({"message_id": message_id, "status": "dead"})
        if doc is None:
            raise DeadLetterNotFound(f"no dead letter with id {message_id!r} is waiting for replay")
        await broker.publish(
            doc["queue"], doc["body"], message_id=message_id, headers={"x-replayed": True}
        )
        await self._collection.update_one(
            {"message_id": message_id},
            {"$set": {"status": "replayed", "replayed_at": dt.datetime.now(dt.UTC)}},
        )
        return message_id
