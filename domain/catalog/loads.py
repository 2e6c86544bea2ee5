"""Initial-load progress, kept on the store's document (`stores.initial_load`).

One load per store at a time (spec §2.9; issue 9 "Initial load"): `start` records when it
was asked for; the catalog consumer pages the trade policy's SKU ids and records how many
it listed and queued (`listed`, `queued`, `listing_done`); every SKU the catalog consumer
evaluated since `started_at` counts as processed (`sku_states.evaluated_at`). `progress`
answers the CLI's progress bar and the status API:

    {"status": "listing"|"running"|"done"|"failed", "started_at", "listed", "queued",
     "processed", "listing_done", "finished_at"?, "error"?}

`done` means every listed SKU was evaluated (published to the feed scheduler, pending a
mapping, or refused with its log); the feeds' own results are in the SKU states.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from app.storage import SKU_STATES, STORES


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


class InitialLoads:
    def __init__(self, db: AsyncDatabase) -> None:
        self._stores = db[STORES]
        self._states = db[SKU_STATES]

    async def start(self, store_id: str) -> dict[str, Any]:
        """A new load asked for now (replaces the record of the previous one)."""
        record = {
            "status": "listing",
            "started_at": dt.datetime.now(dt.UTC),
            "listed": 0,
            "queued": 0,
            "listing_done": False,
        }
        await self._stores.update_one({"store_id": store_id}, {"$set": {"initial_load": record}})
        return record

    async def current(self, store_id: str) -> dict[str, Any] | None:
        doc = await self._stores.find_one({"store_id": store_id}, {"initial_load": 1})
        return (doc or {}).get("initial_load")

    async def listed(self, store_id: str, listed: int, queued: int, *, done: bool) -> None:
        fields: dict[str, Any] = {
            "initial_load.listed": listed,
            "initial_load.queued": queued,
            "initial_load.listing_done": done,
            "initial_load.status": "running" if done else "listing",
        }
        await self._stores.update_one({"store_id": store_id}, {"$set": fields})

    async def failed(self, store_id: str, error: str) -> None:
        await self._stores.update_one(
            {"store_id": store_id},
            {"$set": {"initial_load.error": error[:500]}},
        )

    @staticmethod
    def started_at(record: dict[str, Any] | None) -> dt.datetime | None:
        """When the load of this record (`current`) was asked for (UTC), None without one."""
        return _aware(record["started_at"]) if record else None

    async def progress(
        self,
        store_id: str,
        *,
        record: dict[str, Any] | None = None,
        processed: int | None = None,
    ) -> dict[str, Any] | None:
        """The load's record with `processed` counted now; None when no load ever ran.
        `record` (from `current`) and `processed` (SKUs evaluated since it started, e.g.
        `SkuStates.summary(since=…).evaluated_since`) spare their reads when the caller has
        them."""
        record = record or await self.current(store_id)
        if record is None:
            return None
        started = _aware(record["started_at"])
        if processed is None:
            processed = await self._states.count_documents(
                {"store_id": store_id, "evaluated_at": {"$gte": started}}
            )
        out = {**record, "started_at": started.isoformat(), "processed": processed}
        if record.get("listing_done") and processed >= record.get("queued", 0):
            out["status"] = "done"
            if record.get("status") != "done":
                await self._stores.update_one(
                    {"store_id": store_id, "initial_load.started_at": record["started_at"]},
                    {
                        "$set": {
                            "initial_load.status": "done",
                            "initial_load.finished_at": dt.datetime.now(dt.UTC),
                        }
                    },
                )
        if isinstance(out.get("finished_at"), dt.datetime):
            out["finished_at"] = _aware(out["finished_at"]).isoformat()
        return out
