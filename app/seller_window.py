"""Seller Center's request window (30 requests in any rolling 3 s per seller) shared by every
process through MongoDB (CLARIFICATIONS §2).

The feed owner is one process per seller (single-active consumer), but order actions,
read-back, reconciliation and the web process's own calls may run elsewhere; giving every
`LinioClient` of a seller this limiter keeps their sum under the limit.

How: the seller has `max_calls` slot documents. A call takes a slot whose `free_at` has
passed (one atomic find-and-update) and, when its answer is back, frees it for
`free_at = now + period`. A slot is therefore used at most once in any `period`, so no
`period` can see more than `max_calls` requests *arrive* (each arrival lies between its
slot's take and its release). A process that dies holding a slot loses it for `lease`
seconds only.

Within one process the callers queue in order (an `asyncio.Lock`) and only the one at the
head talks to the database: when every slot is busy it reads when the earliest one frees
and sleeps until then. Without that, each of the process's waiters (50 with a prefetch of
50) polled the database at every release — a thundering herd that cost more CPU than the
calls themselves (issue 13: 34 ms of CPU per Linio order, a third of it in the window).

Why a slot is freed at answer + period, not at take + period even when the answer is
quick: Seller Center counts the request when it arrives, and the client only knows that
the arrival lies between its take and its answer, so answer + period is the earliest
instant that is safe without assumptions about the network. With Seller Center's answers
in tens of milliseconds this costs about 1-3 % of the window's capacity.

Time is the hosts' wall clock: keep them in NTP sync (a skew of s seconds shrinks the
guarantee by s; `margin` absorbs small ones).

Same interface as `clients.rate_limit.SlidingWindowLimiter` (`slot()`, `in_window`,
`waiting`, `max_calls`, `period`), so `LinioClient(limiter=...)` takes either.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager

from pymongo import ASCENDING, ReturnDocument, UpdateOne
from pymongo.asynchronous.collection import AsyncCollection

SELLER_WINDOWS = "seller_windows"
"""One document per slot: `_id` `<key>:<n>`, `key` (the seller, `LinioAccount.key`),
`free_at` (epoch seconds) and `calls` (requests made through the slot since it was
created, every process together: the sum over a seller's slots is its call counter)."""


class SharedWindow:
    def __init__(
        self,
        collection: AsyncCollection,
        key: str,
        max_calls: int = 30,
        period: float = 3.0,
        *,
        lease: float = 60.0,
        margin: float = 0.05,
    ) -> None:
        if max_calls < 1 or period <= 0:
            raise ValueError("max_calls must be at least 1 and period positive")
        self._collection = collection
        self.key = key
        self.max_calls = max_calls
        self.period = period
        self._lease = lease
        self._margin = margin
        self._ready = False
        self._waiting = 0
        self._turn: asyncio.Lock | None = None  # the process's callers, in order
        self._mine: deque[float] = deque()  # this process's calls, for the dashboard

    @property
    def in_window(self) -> int:
        """This process's calls within the last period (other processes' are not seen)."""
        now = time.time()
        while self._mine and now - self._mine[0] >= self.period:
            self._mine.popleft()
        return len(self._mine)

    @property
    def waiting(self) -> int:
        """Calls of this process waiting for a slot."""
        return self._waiting

    def slot(self) -> AbstractAsyncContextManager[None]:
        return self._slot()

    @contextlib.asynccontextmanager
    async def _slot(self) -> AsyncIterator[None]:
        slot_id = await self._acquire()
        try:
            yield
        finally:
            await asyncio.shield(self._release(slot_id))

    async def _ensure(self) -> None:
        if self._ready:
            return
        await self._collection.create_index([("key", ASCENDING), ("free_at", ASCENDING)])
        await self._collection.bulk_write(
            [
                UpdateOne(
                    {"_id": f"{self.key}:{i}"},
                    {"$setOnInsert": {"key": self.key, "free_at": 0.0}},
                    upsert=True,
                )
                for i in range(self.max_calls)
            ],
            ordered=False,
        )
        self._ready = True

    async def _acquire(self) -> str:
        await self._ensure()
        if self._turn is None:
            self._turn = asyncio.Lock()
        self._waiting += 1
        try:
            async with self._turn:
                return await self._take()
        finally:
            self._waiting -= 1

    async def _take(self) -> str:
        """Take the slot free longest, waiting for the earliest one when all are busy."""
        while True:
            now = time.time()
            taken = await self._collection.find_one_and_update(
                {"key": self.key, "free_at": {"$lte": now}},
                {"$set": {"free_at": now + self._lease}},
                sort=[("free_at", ASCENDING)],
                return_document=ReturnDocument.AFTER,
            )
            if taken is not None:
                return str(taken["_id"])
            earliest = await self._collection.find_one(
                {"key": self.key}, sort=[("free_at", ASCENDING)]
            )
            free_at = float(earliest["free_at"]) if earliest else now
            await asyncio.sleep(min(max(free_at - now, 0.005), self.period))

    async def _release(self, slot_id: str) -> None:
        now = time.time()
        self._mine.append(now)
        await self._collection.update_one(
            {"_id": slot_id},
            {"$set": {"free_at": now + self.period + self._margin}, "$inc": {"calls": 1}},
        )
