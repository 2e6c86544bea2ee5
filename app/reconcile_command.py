"""`vtex-linio reconcile STORE`: one reconciliation pass of a store (issue 10), now.

When a service answers at HOST:PORT, the pass runs there through its admin API
(`POST /api/stores/{store}/reconcile`, dashboard credentials), so the CLI never opens the
service's data directory a second time (CLARIFICATIONS §2); the service's feed owner then
sends what was staged. With no service running it runs in-process: the runtime and worker
of `serve`, stopped once every staged change was sent and settled (or after `timeout`).
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from app.service_call import admin_session, run_in_process, run_via_service_or_in_process
from app.settings import Settings

if TYPE_CHECKING:
    from app.runtime import Runtime
    from domain.stores import Store
    from flows.price_stock import Outcome

POLL_SECONDS = 0.5


def summary(store_id: str, report: dict[str, Any]) -> str:
    return (
        f"store {store_id}: {report.get('checked', 0)} published SKUs checked, "
        f"{report.get('healed', 0)} healed (price or stock sent again), "
        f"{report.get('held', 0)} price drops held for approval"
    )


async def reconcile_remote(base_url: str, settings: Settings, store_id: str) -> int:
    async with (
        admin_session(settings) as http,
        http.post(f"{base_url}/api/stores/{store_id}/reconcile") as response,
    ):
        if response.status != 200:
            print(f"the service refused ({response.status}): {await response.text()}")
            return 2
        report = await response.json()
    print(summary(store_id, report))
    return 0


async def reconcile_in_process(settings: Settings, store_id: str, timeout: float) -> int:
    from domain.catalog.feeds import FeedRecords
    from flows.price_stock import make_price_stock_flow, report_of

    async def work(runtime: Runtime, store: Store) -> list[Outcome]:
        flow = make_price_stock_flow(
            stores=runtime.stores,
            clients=runtime.clients,
            sku_states=runtime.sku_states,
            feed_scheduler=runtime.feed_scheduler,
            seller_log=runtime.seller_log,
            broker=runtime.broker,
        )
        outcomes = await flow.reconcile(store)
        records = FeedRecords(runtime.storage.db)
        for _ in range(max(1, int(timeout / POLL_SECONDS))):
            busy = await runtime.feed_scheduler.staging.count(store_id) or await records.in_flight(
                store_id
            )
            if not busy:
                break
            await asyncio.sleep(POLL_SECONDS)
        return outcomes

    return await run_in_process(
        settings, store_id, work, lambda outcomes: summary(store_id, report_of(outcomes))
    )


async def run_reconcile(settings: Settings, store_id: str, *, timeout: float = 600.0) -> int:
    return await run_via_service_or_in_process(
        settings,
        "the pass",
        lambda base: reconcile_remote(base, settings, store_id),
        lambda: reconcile_in_process(settings, store_id, timeout),
    )
