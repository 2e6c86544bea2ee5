"""SlidingWindowLimiter against a real local server that logs when each request arrived.

The server's arrival log is the ground truth: Seller Center counts arrivals, so no rolling
window of the log may hold more than the limit.
"""

from __future__ import annotations

import asyncio
import bisect
import random
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import aiohttp
import pytest
from aiohttp import web

from clients.rate_limit import SlidingWindowLimiter


@dataclass
class ArrivalLog:
    arrivals: list[float] = field(default_factory=list)
    url: str = ""


@pytest.fixture
async def arrival_server(aiohttp_server) -> AsyncIterator[ArrivalLog]:
    log = ArrivalLog()

    async def handle(request: web.Request) -> web.Response:
        log.arrivals.append(time.monotonic())
        # Uneven service times, so finishes do not line up with starts.
        await asyncio.sleep(random.uniform(0.0, 0.02))
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_get("/", handle)
    server = await aiohttp_server(app)
    log.url = str(server.make_url("/"))
    yield log


def max_in_any_window(arrivals: list[float], period: float) -> int:
    """Largest number of arrivals inside any half-open window [t, t + period)."""
    times = sorted(arrivals)
    return max(
        (bisect.bisect_left(times, start + period) - i for i, start in enumerate(times)),
        default=0,
    )


async def run_callers(url: str, callers: int, limiter: SlidingWindowLimiter | None) -> list[str]:
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:

        async def one_call() -> str:
            if limiter is None:
                async with session.get(url) as response:
                    return await response.text()
            async with limiter.slot(), session.get(url) as response:
                return await response.text()

        return await asyncio.gather(*(one_call() for _ in range(callers)))


async def test_harness_sees_bursts_without_a_limiter(arrival_server: ArrivalLog) -> None:
    """Control: the window check is not vacuous; unlimited callers do overrun it."""
    await run_callers(arrival_server.url, 40, limiter=None)
    assert max_in_any_window(arrival_server.arrivals, 0.2) > 10


async def test_hundred_concurrent_callers_never_exceed_compressed_window(
    arrival_server: ArrivalLog,
) -> None:
    limiter = SlidingWindowLimiter(10, 0.2)
    results = await run_callers(arrival_server.url, 100, limiter)
    assert results == ["ok"] * 100
    assert len(arrival_server.arrivals) == 100
    assert max_in_any_window(arrival_server.arrivals, 0.2) <= 10
    # The limiter is not merely serialising: windows do fill up to the limit.
    assert max_in_any_window(arrival_server.arrivals, 0.2) == 10


async def test_real_seller_center_setting_30_per_3_seconds(arrival_server: ArrivalLog) -> None:
    limiter = SlidingWindowLimiter()  # 30 per 3 s, the production setting
    results = await run_callers(arrival_server.url, 45, limiter)
    assert len(results) == 45
    assert max_in_any_window(arrival_server.arrivals, 3.0) <= 30
    # The first 30 go at once; the other 15 had to wait for the first window to pass.
    arrivals = sorted(arrival_server.arrivals)
    assert arrivals[30] - arrivals[0] >= 3.0


async def test_waiters_are_served_in_arrival_order() -> None:
    limiter = SlidingWindowLimiter(1, 0.01, jitter=0.0)
    order: list[int] = []

    async def caller(n: int) -> None:
        async with limiter.slot():
            order.append(n)

    tasks = []
    for n in range(20):
        tasks.append(asyncio.create_task(caller(n)))
        await asyncio.sleep(0)  # each task queues before the next one starts
    await asyncio.gather(*tasks)
    assert order == list(range(20))


async def test_cancelled_waiter_does_not_leak_a_slot() -> None:
    limiter = SlidingWindowLimiter(2, 0.1)
    release = asyncio.Event()

    async def holder() -> None:
        async with limiter.slot():
            await release.wait()

    holders = [asyncio.create_task(holder()) for _ in range(2)]
    await asyncio.sleep(0)
    waiters = [asyncio.create_task(holder()) for _ in range(3)]
    await asyncio.sleep(0)
    assert limiter.in_window == 2
    assert limiter.waiting == 3

    waiters[1].cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiters[1]
    assert limiter.waiting == 2

    release.set()
    await asyncio.gather(*holders, waiters[0], waiters[2])
    await asyncio.sleep(0.15)
    assert limiter.in_window == 0
    # All slots are usable again, immediately.
    async with limiter.slot(), limiter.slot():
        assert limiter.in_window == 2


async def test_waiter_cancelled_after_being_granted_gives_the_slot_back() -> None:
    now = [0.0]
    limiter = SlidingWindowLimiter(1, 0.1, clock=lambda: now[0])
    ran: list[str] = []

    async def caller(name: str) -> None:
        async with limiter.slot():
            ran.append(name)

    async with limiter.slot():
        first = asyncio.create_task(caller("first"))
        await asyncio.sleep(0)
        assert limiter.waiting == 1
    now[0] = 1.0  # the finished request no longer counts
    # The next caller's arrival hands the free slot to `first`, which has not run yet...
    second = asyncio.create_task(caller("second"))
    await asyncio.sleep(0)
    assert limiter.waiting == 1
    # ...and `first` is cancelled before it could use the slot it was granted.
    first.cancel()
    with pytest.raises(asyncio.CancelledError):
        await first
    await asyncio.wait_for(second, 1.0)
    assert ran == ["second"]
    assert limiter.in_window == 1


async def test_in_window_counts_in_flight_and_recently_finished() -> None:
    now = [100.0]
    limiter = SlidingWindowLimiter(5, 3.0, clock=lambda: now[0])
    async with limiter.slot():
        assert limiter.in_window == 1
        now[0] += 10.0  # a slow request still counts while in flight
        assert limiter.in_window == 1
    now[0] += 2.9
    assert limiter.in_window == 1
    now[0] += 0.2
    assert limiter.in_window == 0
