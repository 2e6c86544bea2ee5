"""`vtex-linio reconcile STORE`: one reconciliation pass of a store (issue 10), now.

When a service answers at HOST:PORT, the pass runs there through its admin API
(`POST /api/stores/{store}/reconcile`, dashboard credentials), so the CLI never opens the
service's data directory a second time (CLARIFICATIONS §2); the service's feed owner then
sends what was staged. With no service running it runs in-process: the runtime and worker
of `serve`, stopped once every staged change was sent and settled (or after `timeout`).
"""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp

from app.load_command import service_running, service_url
from app.settings import Settings

POLL_SECONDS = 0.5


def summary(store_id: str, report: dict[str, Any]) -> str:
    return (
        f"store {store_id}: {report.get('checked', 0)} published SKUs checked, "
        f"{report.get('healed', 0)} healed (price or stock sent again), "
        f"{report.get('held', 0)} price drops held for approval"
    )


async def reconcile_remote(base_url: str, settings: Settings, store_id: str) -> int:
    auth = aiohttp.encode_basic_auth(settings.admin_user, settings.admin_password)
    async with (
        aiohttp.ClientSession(headers={"Authorization": auth}) as http,
        http.post(f"{base_url}/api/stores/{store_id}/reconcile") as response,
    ):
        if response.status != 200:
            print(f"the service refused ({response.status}): {await response.text()}")
            return 2
        report = await response.json()
    print(summary(store_id, report))
    return 0


async def reconcile_in_process(settings: Settings, store_id: str, timeout: float) -> int:
    from app.runtime import open_runtime
    from app.worker import Worker
    from domain.catalog.feeds import FeedRecords
    from handlers.consumers import CONSUMERS
    from handlers.consumers_price_stock import make_flows, report_of

    async with open_runtime(settings) as runtime:
        store = await runtime.stores.get(store_id)
        if store is None:
            print(f"no store {store_id!r}; import it first (vtex-linio import)")
            return 2
        worker = Worker(runtime, CONSUMERS)
        await worker.start()
        try:
            outcomes = await make_flows(**runtime.resources()).reconcile(store)
            records = FeedRecords(runtime.storage.db)
            for _ in range(max(1, int(timeout / POLL_SECONDS))):
                busy = await runtime.feed_scheduler.staging.count(
                    store_id
                ) or await records.in_flight(store_id)
                if not busy:
                    break
                await asyncio.sleep(POLL_SECONDS)
        finally:
            await worker.stop()
    print(summary(store_id, report_of(outcomes)))
    return 0


async def run_reconcile(settings: Settings, store_id: str, *, timeout: float = 600.0) -> int:
    base = service_url(settings)
    if await service_running(base):
        print(f"a service is running at {base}: the pass goes through its admin API")
        return await reconcile_remote(base, settings, store_id)
    return await reconcile_in_process(settings, store_id, timeout)
