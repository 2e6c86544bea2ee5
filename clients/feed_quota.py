"""Seller Center's quota on feed-creating calls, kept on our side.

Besides the 30-requests-per-3-s limit, every call that creates a feed (ProductCreate,
ProductUpdate, Image, ...) draws on a separate per-account quota: a burst of free calls,
then one call per interval. Exceeding it does not fail fast; Seller Center answers E429
and the feed is lost until we retry. Counting the quota locally lets workers wait (or batch
more SKUs into the next feed) instead of burning calls on errors, and lets the dashboard
say when the next feed may go out.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable


class FeedQuota:
    """Seller Center's feed-creation quota: `free_calls` immediately, then one call per `interval`
    seconds (token bucket of capacity free_calls refilling one token per interval) — per seller
    account."""

    def __init__(
        self,
        free_calls: int = 50,
        interval: float = 120.0,
        *,
        clock: Callable[[], float] = time.monotonic,
        margin: float | None = None,
    ) -> None:
        if free_calls < 1:
            raise ValueError("free_calls must be at least 1")
        if interval <= 0:
            raise ValueError("interval must be positive")
        self.free_calls = free_calls
        self.interval = interval
        # Our refill clock starts when we take a token, the server's when the request arrives,
        # and latencies differ; refilling a little slower than the server avoids boundary 429s.
        margin = interval * 0.02 if margin is None else margin
        self._refill_every = interval + margin
        self._clock = clock
        # May go below zero after a penalty: each missing token is one more interval to wait.
        self._tokens = float(free_calls)
        self._updated = clock()
        self._queue = asyncio.Lock()

    def next_slot_in(self) -> float:
        """Seconds until a feed call would be allowed; 0.0 if now."""
        tokens = self._refill()
        if tokens >= 1.0:
            return 0.0
        return (1.0 - tokens) * self._refill_every

    def try_acquire(self) -> bool:
        """Take a token if one is available, without waiting."""
        if self._refill() >= 1.0:
            self._tokens -= 1.0
            return True
        return False

    async def acquire(self) -> None:
        """Wait for a token; callers are served one at a time, in arrival order."""
        async with self._queue:
            while not self.try_acquire():
                # Re-check after sleeping: a penalty may have pushed the next slot further out.
                wait = self.next_slot_in()
                await asyncio.sleep(wait)

    def penalize(self, retry_after: float | None = None) -> None:
        """The server answered 429 to a feed call: our count was optimistic, so empty the bucket.

        With ``retry_after`` the next call is allowed exactly then (the server knows best);
        without it, after one full interval.
        """
        tokens = self._refill()
        if retry_after is None:
            self._tokens = min(tokens, 0.0)
        else:
            self._tokens = 1.0 - max(retry_after, 0.0) / self._refill_every

    def level(self) -> float:
        """Tokens now, fractional (negative after a penalty): what a restart must restore."""
        return self._refill()

    def restore(self, tokens: float, elapsed: float) -> None:
        """Continue from a saved `level()` taken `elapsed` seconds ago (wall clock), so a
        restart does not hand out the free burst again."""
        self._tokens = min(tokens + max(elapsed, 0.0) / self._refill_every, float(self.free_calls))
        self._updated = self._clock()

    def snapshot(self) -> dict[str, float]:
        """{"tokens": whole calls available now, "next_slot_in": seconds} for the dashboard."""
        return {"tokens": float(max(int(self._refill()), 0)), "next_slot_in": self.next_slot_in()}

    def _refill(self) -> float:
        now = self._clock()
        elapsed = max(now - self._updated, 0.0)
        self._updated = now
        self._tokens = min(self._tokens + elapsed / self._refill_every, float(self.free_calls))
        return self._tokens
