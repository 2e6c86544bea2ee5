"""Consumer heartbeats: what each consuming process has done, for the web process to read.

One document per (process, queue) in `consumer_heartbeats`:

    {_id: "<host>:<pid>|<queue>", process, queue, attached: bool, in_hand: int,
     settled: int, last_progress_at: datetime (UTC) | None, beat_at: datetime (UTC)}

written by the worker's watchdog from `Broker.activity` (`app.broker.base.QueueActivity`)
when something changed or while the consumer holds messages, so at most once per queue and
round (a few seconds) while a queue moves and never while it is idle: one `bulk_write` per
round, nothing on an idle service. `beat_at` then tells whether the messages a process
holds are held by a live process (`held`). A document not written for 7 days (a process
long gone) expires (`app.storage`'s TTL index).
"""

from __future__ import annotations

import datetime as dt
import os
import socket
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pymongo import UpdateOne
from pymongo.asynchronous.collection import AsyncCollection

from app.broker.base import QueueActivity
from app.storage import find_in


def process_name() -> str:
    """This process as heartbeats name it: `<host>:<pid>`."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _utc(epoch: float | None) -> dt.datetime | None:
    return None if epoch is None else dt.datetime.fromtimestamp(epoch, dt.UTC)


class ConsumerHeartbeats:
    def __init__(self, collection: AsyncCollection, *, process: str | None = None) -> None:
        self.collection = collection
        self.process = process or process_name()
        self._written: dict[str, tuple[Any, ...]] = {}

    async def beat(self, activity: Mapping[str, QueueActivity]) -> int:
        """Write the queues whose activity changed since the last beat; how many."""
        now = dt.datetime.now(dt.UTC)
        changed: dict[str, tuple[Any, ...]] = {}
        operations = []
        for queue, seen in activity.items():
            key = (seen.attached, seen.in_hand, seen.settled, seen.last_progress_at)
            if self._written.get(queue) == key and not seen.in_hand:
                continue  # written again every round while it holds messages: it lives
            changed[queue] = key
            operations.append(
                UpdateOne(
                    {"_id": f"{self.process}|{queue}"},
                    {
                        "$set": {
                            "process": self.process,
                            "queue": queue,
                            "attached": seen.attached,
                            "in_hand": seen.in_hand,
                            "settled": seen.settled,
                            "last_progress_at": _utc(seen.last_progress_at),
                            "beat_at": now,
                        }
                    },
                    upsert=True,
                )
            )
        if operations:
            await self.collection.bulk_write(operations, ordered=False)
            self._written.update(changed)
        return len(operations)

    async def read(self, queues: Iterable[str], *, live_within: float) -> dict[str, QueueBeat]:
        """Per queue, over every process: the latest `last_progress_at`, and the messages
        held by processes whose beat is at most `live_within` seconds old (a process that
        died or froze stops beating; RabbitMQ requeues a dead one's messages)."""
        now = dt.datetime.now(dt.UTC)
        beats: dict[str, QueueBeat] = {}
        projection = {"queue": 1, "last_progress_at": 1, "in_hand": 1, "beat_at": 1}
        async for doc in find_in(self.collection, {}, "queue", queues, projection):
            beat = beats.setdefault(doc["queue"], QueueBeat())
            at = _aware(doc.get("last_progress_at"))
            if at is not None and (beat.last_progress is None or at > beat.last_progress):
                beat.last_progress = at
            beat_at = _aware(doc.get("beat_at"))
            if beat_at is not None and (now - beat_at).total_seconds() <= live_within:
                beat.held += int(doc.get("in_hand") or 0)
        return beats


@dataclass
class QueueBeat:
    """One queue over every process: `last_progress` (UTC; None: never), `held` messages in
    the hands of live consumers."""

    last_progress: dt.datetime | None = None
    held: int = 0


def _aware(at: dt.datetime | None) -> dt.datetime | None:
    if at is None:
        return None
    return at if at.tzinfo else at.replace(tzinfo=dt.UTC)
