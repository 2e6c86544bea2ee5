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


# A dead letter caused by passing faults replays by itself (CLARIFICATIONS §3): first after
# AUTO_REPLAY_AFTER, then twice as late each time it dies again, never later than the cap.
AUTO_REPLAY_KINDS = ("transient",)
AUTO_REPLAY_AFTER = dt.timedelta(minutes=10)
AUTO_REPLAY_CAP = dt.timedelta(hours=6)


def auto_replay_due(doc: dict[str, Any], now: dt.datetime) -> bool:
    """Whether a dead letter of a passing fault is due for its automatic replay."""
    if (doc.get("headers") or {}).get("x-failure-kind") not in AUTO_REPLAY_KINDS:
        return False
    times = max(1, int(doc.get("times_dead", 1)))
    wait = min(AUTO_REPLAY_CAP, AUTO_REPLAY_AFTER * 2 ** (times - 1))
    dead_at = doc["dead_at"]
    if dead_at.tzinfo is None:
        dead_at = dead_at.replace(tzinfo=dt.UTC)
    return now - dead_at >= wait


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

    async def replay_passing_faults(
        self, broker: Broker, *, now: dt.datetime | None = None, limit: int = 200
    ) -> list[str]:
        """Replay the dead letters of passing faults that are due (`auto_replay_due`): the
        platform had every attempt to recover, so one more cycle is cheap; one that dies
        again waits twice as long. Configuration and rejected-data letters wait for a person.
        Returns the replayed message ids."""
        now = now or dt.datetime.now(dt.UTC)
        query = {
            "status": "dead",
            "headers.x-failure-kind": {"$in": list(AUTO_REPLAY_KINDS)},
            "dead_at": {"$lte": now - AUTO_REPLAY_AFTER},
        }
        due = [
            doc["message_id"]
            async for doc in self._collection.find(query).limit(limit)
            if auto_replay_due(doc, now)
        ]
        replayed = []
        for message_id in due:
            try:
                replayed.append(await self.replay(message_id, broker))
            except DeadLetterNotFound:  # replayed meanwhile by a person or another worker
                continue
        return replayed

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
