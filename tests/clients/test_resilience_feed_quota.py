"""FeedQuota: the token bucket itself on a controlled clock, then against a local server that
enforces a feed quota the way Seller Center does (E429 beyond it)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass

import aiohttp
import pytest
from aiohttp import web

from clients.feed_quota import FeedQuota


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_free_calls_then_one_per_interval() -> None:
    clock = FakeClock()
    quota = FeedQuota(3, 10.0, clock=clock, margin=0.0)
    assert [quota.try_acquire() for _ in range(4)] == [True, True, True, False]
    assert quota.next_slot_in() == pytest.approx(10.0)
    clock.now += 4.0
    assert quota.next_slot_in() == pytest.approx(6.0)
    assert not quota.try_acquire()
    clock.now += 6.0
    assert quota.next_slot_in() == 0.0
    assert quota.try_acquire()
    assert not quota.try_acquire()


def test_bucket_refills_only_up_to_free_calls() -> None:
    clock = FakeClock()
    quota = FeedQuota(3, 10.0, clock=clock, margin=0.0)
    quota.try_acquire()
    clock.now += 10_000.0
    assert quota.snapshot() == {"tokens": 3.0, "next_slot_in": 0.0}
    assert [quota.try_acquire() for _ in range(4)] == [True, True, True, False]


def test_default_margin_refills_slightly_slower_than_the_server() -> None:
    clock = FakeClock()
    quota = FeedQuota(1, 120.0, clock=clock)
    quota.try_acquire()
    assert 120.0 < quota.next_slot_in() <= 125.0


def test_penalize_empties_the_bucket() -> None:
    clock = FakeClock()
    quota = FeedQuota(50, 120.0, clock=clock, margin=0.0)
    quota.penalize()
    assert quota.snapshot() == {"tokens": 0.0, "next_slot_in": pytest.approx(120.0)}
    assert not quota.try_acquire()


def test_penalize_with_retry_after_waits_exactly_that_long_then_normal_rate() -> None:
    clock = FakeClock()
    quota = FeedQuota(50, 10.0, clock=clock, margin=0.0)
    quota.penalize(retry_after=25.0)
    assert quota.next_slot_in() == pytest.approx(25.0)
    clock.now += 25.0
    assert quota.try_acquire()
    assert quota.next_slot_in() == pytest.approx(10.0)


async def test_acquire_waits_for_the_next_token_and_cancellation_takes_none() -> None:
    quota = FeedQuota(1, 0.1)
    await quota.acquire()
    waiter = asyncio.create_task(quota.acquire())
    await asyncio.sleep(0.02)
    waiter.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiter
    # The cancelled waiter took nothing: the refilled token is there for the next caller.
    await asyncio.sleep(0.1)
    assert quota.try_acquire()


@dataclass
class FeedEndpoint:
    """Seller Center's side of the quota: a bucket of `capacity` refilled every `interval`."""

    url: str
    capacity: int
    interval: float
    accepted: int = 0
    throttled: int = 0


@pytest.fixture
async def feed_endpoint(aiohttp_server) -> AsyncIterator[FeedEndpoint]:
    endpoint = FeedEndpoint(url="", capacity=3, interval=0.1)
    server_bucket = FeedQuota(endpoint.capacity, endpoint.interval)

    async def product_update(request: web.Request) -> web.Response:
        if not server_bucket.try_acquire():
            endpoint.throttled += 1
            retry_after = f"{server_bucket.next_slot_in():.3f}"
            return web.Response(status=429, headers={"Retry-After": retry_after})
        endpoint.accepted += 1
        return web.Response(text="feed-id")

    async def ping(request: web.Request) -> web.Response:
        return web.Response(text="pong")

    app = web.Application()
    app.router.add_post("/ProductUpdate", product_update)
    app.router.add_get("/ping", ping)
    server = await aiohttp_server(app)
    endpoint.url = str(server.make_url("/ProductUpdate"))
    yield endpoint


async def test_client_side_quota_keeps_feeds_under_the_server_quota(
    feed_endpoint: FeedEndpoint,
) -> None:
    # Our refill clock starts before the server's by one request latency, and latencies vary
    # (more so on a loaded CI machine): the margin covers that spread. One warm connection
    # keeps connection set-up out of the first feed's latency.
    quota = FeedQuota(feed_endpoint.capacity, feed_endpoint.interval, margin=0.05)
    connector = aiohttp.TCPConnector(limit=1)
    async with aiohttp.ClientSession(connector=connector) as session:
        async with session.get(feed_endpoint.url.replace("/ProductUpdate", "/ping")) as warm:
            assert warm.status == 200

        async def send_feed() -> int:
            await quota.acquire()
            async with session.post(feed_endpoint.url) as response:
                return response.status

        statuses = await asyncio.gather(*(send_feed() for _ in range(8)))
    assert statuses == [200] * 8
    assert feed_endpoint.throttled == 0


async def test_penalize_with_servers_retry_after_recovers_from_429(
    feed_endpoint: FeedEndpoint,
) -> None:
    # Our side believes in a bigger quota than the server grants (e.g. another process
    # shares the seller account): the server's 429 must bring us back in line.
    quota = FeedQuota(10, feed_endpoint.interval, margin=0.02)
    statuses: list[int] = []
    async with aiohttp.ClientSession() as session:
        started = time.monotonic()
        while len([s for s in statuses if s == 200]) < 5:
            await quota.acquire()
            async with session.post(feed_endpoint.url) as response:
                statuses.append(response.status)
                if response.status == 429:
                    quota.penalize(float(response.headers["Retry-After"]))
        elapsed = time.monotonic() - started
    # Exactly one 429: after it we waited as told and never overran again.
    assert statuses.count(429) == 1
    assert statuses[:3] == [200, 200, 200]
    assert elapsed >= 2 * feed_endpoint.interval * 0.9
