"""A rolling-window rate limiter that counts requests the way Seller Center does.

Seller Center allows at most 30 requests per seller in any rolling 3-second window. The
obvious library choice, ``aiolimiter.AsyncLimiter(30, 3)``, is a leaky bucket: measured
against a server that logs arrival times it let 60 requests into one 3-s window, which is
exactly the burst that earns an E429. This limiter instead keeps one slot per request and
holds it from the moment the request starts until ``period`` seconds after its response
arrived. We cannot know when the server counted the request, so we assume the worst on
both ends: any window the server can observe then holds at most ``max_calls`` arrivals.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Protocol

# A timer that fires a hair early would find no slot free and spin; never sleep less.
_MIN_WAKEUP = 0.001


class RequestWindow(Protocol):
    """What a client needs from its limiter: this one (per process) or a window shared by
    every process of the service (`app.seller_window.SharedWindow`)."""

    max_calls: int
    period: float

    @property
    def in_window(self) -> int: ...

    @property
    def waiting(self) -> int: ...

    def slot(self) -> AbstractAsyncContextManager[None]: ...


class SlidingWindowLimiter:
    """At most `max_calls` requests in ANY rolling `period` seconds, as the server counts them.

    One instance per seller account (the server counts per account). Waiters are served in
    arrival order; a small random delay is added when a waiter is woken by the clock so a
    burst of waiters does not hit the server on the exact edge of its window.
    """

    def __init__(
        self,
        max_calls: int = 30,
        period: float = 3.0,
        *,
        clock: Callable[[], float] = time.monotonic,
        jitter: float | None = None,
    ) -> None:
        if max_calls < 1:
            raise ValueError("max_calls must be at least 1")
        if period <= 0:
            raise ValueError("period must be positive")
        self.max_calls = max_calls
        self.period = period
        self._clock = clock
        self._jitter = min(0.05, period * 0.02) if jitter is None else jitter
        self._in_flight = 0
        # Times at which finished requests stop counting; appended in clock order.
        self._expiries: deque[float] = deque()
        self._waiters: deque[asyncio.Future[None]] = deque()
        self._timer: asyncio.TimerHandle | None = None

    def slot(self) -> AbstractAsyncContextManager[None]:
        """Hold a slot for the duration of one request: ``async with limiter.slot(): ...``."""
        return self._slot()

    @property
    def in_window(self) -> int:
        """Requests currently counted: in flight plus finished less than `period` ago."""
        self._forget_expired()
        return self._in_flight + len(self._expiries)

    @property
    def waiting(self) -> int:
        """Callers queued for a slot (for the dashboard)."""
        return sum(1 for waiter in self._waiters if not waiter.done())

    @asynccontextmanager
    async def _slot(self) -> AsyncIterator[None]:
        await self._acquire()
        try:
            yield
        finally:
            self._release()

    async def _acquire(self) -> None:
        if not self._waiters and self._free() > 0:
            self._in_flight += 1
            return
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        self._dispatch()
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                # Granted a slot, then cancelled before running: give the slot back unused.
                self._in_flight -= 1
            else:
                self._waiters.remove(waiter)
            self._dispatch()
            raise

    def _release(self) -> None:
        self._in_flight -= 1
        self._expiries.append(self._clock() + self.period)
        self._dispatch()

    def _free(self) -> int:
        self._forget_expired()
        return self.max_calls - self._in_flight - len(self._expiries)

    def _forget_expired(self) -> None:
        now = self._clock()
        while self._expiries and self._expiries[0] <= now:
            self._expiries.popleft()

    def _dispatch(self) -> None:
        """Hand free slots to waiters in order; if some must wait for the clock, set a timer."""
        while self._waiters and self._free() > 0:
            waiter = self._waiters.popleft()
            if waiter.done():
                continue
            self._in_flight += 1
            waiter.set_result(None)
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._waiters and self._expiries:
            # Otherwise only in-flight requests block the queue, and their release dispatches.
            delay = self._expiries[0] - self._clock() + random.uniform(0.0, self._jitter)
            loop = asyncio.get_running_loop()
            self._timer = loop.call_later(max(delay, _MIN_WAKEUP), self._on_timer)

    def _on_timer(self) -> None:
        self._timer = None
        self._dispatch()
