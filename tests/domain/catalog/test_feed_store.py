"""The feed scheduler's collections on real SecantusDB: ownership lease, quota ledger, staging."""

from __future__ import annotations

import asyncio
import datetime as dt
from decimal import Decimal

from app.runtime import Runtime
from clients.feed_quota import FeedQuota
from domain.catalog.feeds import FeedQuotaLedger, OwnerLease, seller_today
from domain.catalog.lots import Change


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
