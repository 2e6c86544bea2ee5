"""The feed scheduler's collections on real SecantusDB: ownership lease, quota ledger, staging."""

from __future__ import annotations

import asyncio
import datetime as dt
from decimal import Decimal

import pytest

from app.runtime import Runtime
from clients.feed_quota import FeedQuota
from domain.catalog.feeds import FeedQuotaLedger, OwnerLease, seller_today
from domain.catalog.lots import Change, Pending


async def test_one_lease_holder_at_a_time(runtime: Runtime) -> None:
    lease = OwnerLease(runtime.storage.db)
    assert await lease.acquire("acme-mx", "A", 60)
    assert not await lease.acquire("acme-mx", "B", 60)
    assert await lease.acquire("acme-mx", "A", 60)  # renewal
    await lease.release("acme-mx", "B")  # not B's to release
    assert not await lease.acquire("acme-mx", "B", 60)
    await lease.release("acme-mx", "A")
    assert await lease.acquire("acme-mx", "B", 0.05)
    await asyncio.sleep(0.1)  # B died holding it: the lease runs out
    assert await lease.acquire("acme-mx", "A", 60)


async def test_quota_ledger_counts_the_sellers_local_day(runtime: Runtime) -> None:
    ledger = FeedQuotaLedger(runtime.storage.db)
    quota = FeedQuota(5, 120.0)
    for _ in range(2):
        assert quota.try_acquire()
        await ledger.save("acme-mx", quota, country="MX", sent=1)
    snapshot = await ledger.snapshot("acme-mx", country="MX")
    assert snapshot["feeds_today"] == 2 and snapshot["day"] == seller_today("MX")
    restarted = FeedQuota(5, 120.0)
    await ledger.restore("acme-mx", restarted)
    assert restarted.snapshot()["tokens"] == 3.0


def test_seller_day_is_local() -> None:
    late_utc = dt.datetime(2026, 11, 30, 3, 0, tzinfo=dt.UTC)  # 21:00 on the 29th in Mexico City
    assert seller_today("MX", late_utc) == "2026-11-29"
    assert seller_today("XX", late_utc) == "2026-11-30"


async def test_concurrent_stages_keep_the_newest_version_and_decimals(runtime: Runtime) -> None:
    staging = runtime.feed_scheduler.staging
    versions = list(range(1, 101))
    await asyncio.gather(
        *(
            staging.stage(
                "acme-mx", Change("S", "price", {"Price": Decimal(f"{v}.50")}, v), sku_id="9"
            )
            for v in reversed(versions)
        )
    )
    [item] = await staging.load("acme-mx")
    assert item.pending.fields["Price"].value == Decimal("100.50")
    assert item.sku_id == "9" and item.in_flight is None
    assert not await staging.stage("acme-mx", Change("S", "price", {"Price": 1}, 50), sku_id="9")


async def test_changes_since_a_look_count_only_skus_not_in_flight(runtime: Runtime) -> None:
    staging = runtime.feed_scheduler.staging
    await staging.stage("acme-mx", Change("A", "stock", {"Quantity": 1}, 1), sku_id="1")
    looked = dt.datetime.now(dt.UTC)
    assert not await staging.changed_since("acme-mx", looked)
    await asyncio.sleep(0.01)
    await staging.stage("acme-mx", Change("B", "stock", {"Quantity": 2}, 2), sku_id="2")
    await staging.hold("acme-mx", ["B"], "feed-1")  # in a feed: not news for the owner
    assert not await staging.changed_since("acme-mx", looked)
    await staging.stage("acme-mx", Change("C", "stock", {"Quantity": 3}, 3), sku_id="3")
    assert await staging.changed_since("acme-mx", looked)
    assert not await staging.changed_since("other-store", looked)


async def test_a_feed_of_many_skus_is_held_and_settled_in_chunks(runtime: Runtime) -> None:
    """A feed carries up to thousands of SKUs; every one is held and settled, whatever the
    size of the database's `$in` chunks (app.storage.IN_CHUNK)."""
    staging = runtime.feed_scheduler.staging
    skus = [f"S{n}" for n in range(137)]
    for n, sku in enumerate(skus):
        await staging.stage("acme-mx", Change(sku, "stock", {"Quantity": n}, n + 1), sku_id=str(n))
    await staging.hold("acme-mx", skus[:120], "feed-1")
    held = {s.pending.seller_sku for s in await staging.load("acme-mx") if s.in_flight}
    assert held == set(skus[:120])
    settled = await staging.update_many(
        "acme-mx", {sku: (lambda p: Pending(p.seller_sku)) for sku in skus[:120]}, tag="t"
    )
    assert set(settled) == set(skus[:120])
    left = await staging.load("acme-mx")
    assert {s.pending.seller_sku for s in left} == set(skus[120:])


async def test_a_skus_changes_staged_together_merge_as_one_by_one(runtime: Runtime) -> None:
    """The catalog flow stages a create and its images (or an adopted SKU's content, price
    and stock) in one read and one write: the result is what staging them one by one
    gives, and changes of two SKUs never share a write."""
    staging = runtime.feed_scheduler.staging
    together = [
        Change("T", "create", {"Name": "Mesa", "Price": Decimal("10.00")}, 5),
        Change("T", "image", {"Images": ["https://img/1.jpg"]}, 5),
        Change("T", "price", {"Price": Decimal("9.00")}, 4),  # older: loses the Price
    ]
    assert await staging.stage("acme-mx", together, sku_id="1")
    for change in together:
        await staging.stage(
            "acme-mx", Change("O", change.kind, change.fields, change.version), sku_id="2"
        )
    staged = {s.pending.seller_sku: s.pending for s in await staging.load("acme-mx")}
    assert staged["T"].fields == staged["O"].fields and staged["T"].create == 5
    assert staged["T"].fields["Price"].value == Decimal("10.00")
    assert not await staging.stage("acme-mx", together, sku_id="1")  # nothing new
    with pytest.raises(ValueError):
        await staging.stage(
            "acme-mx", [together[0], Change("O", "stock", {"Quantity": 1}, 9)], sku_id="1"
        )
