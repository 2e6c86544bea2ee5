"""How the Linio client fails, waits and recovers: error classes, retries, the rate limit,
the feed quota, never-twice feeds and the circuit breaker, against the simulator's faults."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from typing import Any

import aiohttp
import pytest

from clients.breaker import BreakerRegistry
from clients.errors import (
    AuthError,
    CircuitOpenError,
    NotFoundError,
    ThrottledError,
    TransientError,
)
from clients.feed_quota import FeedQuota
from clients.linio.client import LinioClient
from clients.rate_limit import SlidingWindowLimiter
from simulators.linio import LinioSimulator, SimSeller
from simulators.linio.connect import sample_product, sandbox_client

SELLER = SimSeller(user_id="ops+mx@acme.mx", api_key="sc-api-key-0123456789", seller_id="ACME01")

ClientFactory = Callable[..., LinioClient]


@pytest.fixture
async def sim() -> AsyncIterator[LinioSimulator]:
    async with LinioSimulator([SELLER], feed_delay=0.01) as simulator:
        yield simulator


@pytest.fixture
async def make_client(sim: LinioSimulator) -> AsyncIterator[ClientFactory]:
    async with aiohttp.ClientSession() as session:

        def make(seller: SimSeller = SELLER, **options: Any) -> LinioClient:
            options.setdefault("backoff", 0.01)
            return sandbox_client(sim.url, session, seller, **options)

        yield make


async def test_error_classes(sim: LinioSimulator, make_client: ClientFactory) -> None:
    wrong = make_client(replace(SELLER, api_key="wrong-key-98765"))
    with pytest.raises(AuthError) as auth:
        await wrong.get_brands()
    assert auth.value.code == "E007"
    assert "wrong-key" not in str(auth.value) and "sc-api-key" not in str(auth.value)
    impostor = make_client(replace(SELLER, seller_id="OTHER9"))  # User-Agent names another
    with pytest.raises(AuthError) as denied:
        await impostor.get_brands()
    assert denied.value.code == "E009"

    client = make_client()
    with pytest.raises(NotFoundError) as missing:
        await client.get_order_items("424242")
    assert missing.value.code == "E016" and "Invalid Order ID" in missing.value.message

    sim.faults.maintenance_next(2)
    assert await client.get_brands()  # the GET is retried through the maintenance page
    sim.faults.fail_next(3, status=503)
    with pytest.raises(TransientError) as platform:
        await client.get_brands()
    assert platform.value.retryable and platform.value.code == "E006"
    sim.faults.timeout_next(1, seconds=1.0)
    with pytest.raises(TransientError, match="did not answer"):
        await make_client(timeout=0.2, retries=1).get_brands()


async def test_state_changes_are_not_retried_blindly(
    sim: LinioSimulator, make_client: ClientFactory
) -> None:
    client = make_client()
    order = sim.add_order(SELLER.user_id, [("SKU-1", 1, "10.00")])
    [item] = order.items
    before = len(sim.requests)
    sim.faults.lose_response_next(1)
    with pytest.raises(TransientError):
        await client.set_status_to_packed_by_marketplace([item.order_item_id])
    assert len(sim.requests) == before + 1  # one POST: the caller re-reads before repeating
    [reread] = await client.get_order_items(order.order_id)
    assert reread.package_id  # it had happened after all


async def test_feed_post_is_never_created_twice(
    sim: LinioSimulator, make_client: ClientFactory
) -> None:
    client = make_client()
    sim.faults.lose_response_next(1)  # created, but the answer is lost
    feed_x = await client.product_create([sample_product("SKU-X")])
    assert list(sim.feeds(SELLER.user_id)) == [feed_x]  # found through FeedList, not re-sent

    # Refused before anything was created: FeedList shows no new feed of this shape (SKU-X's
    # feed has the same action and size, but it is ours), so it is sent again, once.
    sim.faults.fail_next(1, status=503)
    feed_y = await client.product_create([sample_product("SKU-Y")])
    assert feed_y != feed_x and set(sim.feeds(SELLER.user_id)) == {feed_x, feed_y}
    actions = [r.action for r in sim.requests if r.action != "GetBrands"]
    assert actions[-3:] == ["ProductCreate", "FeedList", "ProductCreate"]

    # When FeedList cannot be read either, nobody knows whether the feed exists: give up.
    sim.faults.fail_next(4, status=503)  # the POST, then all three FeedList attempts
    with pytest.raises(TransientError):
        await client.product_create([sample_product("SKU-Z")])
    assert len(sim.feeds(SELLER.user_id)) == 2


@pytest.mark.parametrize("window", [0.3, 3.0])  # compressed, and Seller Center's real 3 s
async def test_rate_limit_holds_with_100_concurrent_callers(window: float) -> None:
    async with (
        LinioSimulator([SELLER], rate_limit=(30, window)) as sim,
        aiohttp.ClientSession() as session,
    ):
        limiter = SlidingWindowLimiter(30, window)
        client = sandbox_client(sim.url, session, SELLER, limiter=limiter)
        results = await asyncio.gather(*(client.get_brands() for _ in range(100)))
        assert len(results) == 100
        assert all(r.status == 200 for r in sim.requests)  # not a single E429
        times = sorted(r.at for r in sim.requests if r.user_id == SELLER.user_id)
        assert len(times) == 100
        # Every rolling window, measured on the server's own arrival times.
        busiest = max(sum(1 for t in times if start <= t < start + window) for start in times)
        assert 10 <= busiest <= 30  # the window fills up, and never beyond the limit
        assert sim.max_in_window(SELLER.user_id, window) <= 30


async def test_throttled_gets_wait_and_retry(make_client: ClientFactory) -> None:
    # A limiter that does not know the server's limit: the E429s must be absorbed.
    async with LinioSimulator([SELLER], rate_limit=(5, 0.3)) as sim, aiohttp.ClientSession() as s:
        client = sandbox_client(
            sim.url, s, SELLER, limiter=SlidingWindowLimiter(100, 0.3), retries=10
        )
        results = await asyncio.gather(*(client.get_brands() for _ in range(12)))
        assert len(results) == 12 and all(results)
        statuses = [r.status for r in sim.requests]
        assert 429 in statuses and statuses.count(200) == 12
        # Being throttled shows Seller Center is alive: the breaker stays closed.
        assert [b["state"] for b in client.health()["breakers"]] == ["closed"]


async def test_a_refused_post_is_sent_again() -> None:
    async with LinioSimulator([SELLER], rate_limit=(1, 0.3)) as sim, aiohttp.ClientSession() as s:
        client = sandbox_client(sim.url, s, SELLER, limiter=SlidingWindowLimiter(100, 0.3))
        order = sim.add_order(SELLER.user_id, [("SKU-1", 1, "10.00")])
        await client.get_brands()
        [packed] = await client.set_status_to_packed_by_marketplace([order.items[0].order_item_id])
        assert packed.package_id
        posts = [r.status for r in sim.requests if r.action == "SetStatusToPackedByMarketplace"]
        assert posts == [429, 200]  # 429 means refused: nothing happened, so it is safe


async def test_feed_quota() -> None:
    async with (
        LinioSimulator([SELLER], feed_quota=(2, 60.0), feed_delay=0.0) as sim,
        aiohttp.ClientSession() as session,
    ):
        local = sandbox_client(sim.url, session, SELLER, quota=FeedQuota(2, 60.0))
        await local.product_create([sample_product("A")])
        await local.image({"A": ["https://img.example.com/a.jpg"]})
        with pytest.raises(ThrottledError) as waiting:
            await local.product_remove(["A"])
        assert waiting.value.retry_after > 50  # told when the next slot opens
        assert "60 s" in str(waiting.value) or "61 s" in str(waiting.value)
        assert local.health()["feed_quota"]["tokens"] == 0
        assert len(sim.feeds(SELLER.user_id)) == 2 and len(sim.requests) == 2
        assert await local.get_brands()  # reads are not feeds: no quota needed

        blind = sandbox_client(sim.url, session, SELLER, quota=FeedQuota(10, 60.0))
        with pytest.raises(ThrottledError) as refused:
            await blind.product_update([{"SellerSku": "A", "Quantity": 1}])
        assert refused.value.code == "E429" and sim.requests[-1].status == 429
        assert blind.quota.next_slot_in() > 0  # penalized after the server's 429
        assert len(sim.feeds(SELLER.user_id)) == 2


async def test_breaker_opens_half_opens_and_closes(
    sim: LinioSimulator, make_client: ClientFactory
) -> None:
    breakers = BreakerRegistry(fail_max=3, reset_timeout=0.2)
    client = make_client(breakers=breakers, retries=1)

    def state(family: str) -> str:
        [breaker] = [b for b in client.health()["breakers"] if b["name"].endswith(family)]
        return breaker["state"]

    # Permanent errors prove Seller Center is alive: they never trip the breaker.
    for _ in range(5):
        with pytest.raises(NotFoundError):
            await client.get_order("999")
    assert state(":orders") == "closed"

    sim.faults.fail_next(3, status=503)
    for _ in range(3):
        with pytest.raises(TransientError):
            await client.get_brands()
    seen = len(sim.requests)
    with pytest.raises(CircuitOpenError):
        await client.get_brands()
    assert len(sim.requests) == seen  # rejected without calling Seller Center
    assert state(":catalog") == "open"
    assert await client.get_order_items(sim.add_order(SELLER.user_id, [("S", 1, "1")]).order_id)

    await asyncio.sleep(0.25)
    sim.faults.fail_next(1, status=503)
    with pytest.raises(TransientError):
        await client.get_brands()  # the half-open trial fails: open again
    assert state(":catalog") == "open"
    await asyncio.sleep(0.25)
    assert await client.get_brands()  # this trial succeeds
    assert state(":catalog") == "closed"


async def test_health_reports_this_account_only(
    sim: LinioSimulator, make_client: ClientFactory
) -> None:
    other = SimSeller(user_id="ops@other.cl", api_key="other-key-123456", seller_id="OTHER1")
    breakers = BreakerRegistry()
    client = make_client(breakers=breakers)
    make_client(other, breakers=breakers).breakers.get("linio:cl:OTHER1:catalog")
    await client.get_brands()
    health = client.health()
    assert health["account"] == "mx:ACME01"
    assert [b["name"] for b in health["breakers"]] == ["linio:mx:ACME01:catalog"]
    assert health["limiter"]["in_window"] == 1 and health["limiter"]["max_calls"] == 30
    assert health["feed_quota"] == {"tokens": 50.0, "next_slot_in": 0.0}
    assert "sc-api-key" not in repr(health)
