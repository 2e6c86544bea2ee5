"""`vtex-linio load STORE`: the initial load of one store, with a progress bar and a summary.

When a service is running (its `/health` answers at HOST:PORT), the load goes through its
admin API — `POST /api/stores/{store}/load`, then `GET /api/stores/{store}/status` until
done — so the CLI never opens the service's data directory a second time (CLARIFICATIONS
§2). With no service running it runs in-process: the same runtime, worker and consumers
as `serve`, stopped once the load is done.

The progress bar is `tqdm` (a small, well-kept library that draws on any terminal and
degrades to plain lines when output is not a terminal). Done means every listed SKU was
evaluated and no catalog work or feed is left in flight; the summary then gives the SKU
counts per state from the status API.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from tqdm import tqdm

from app.service_call import admin_session, run_in_process, run_via_service_or_in_process
from app.settings import Settings

if TYPE_CHECKING:
    from app.runtime import Runtime
    from domain.stores import Store

Report = Callable[[], Awaitable[dict[str, Any] | None]]
POLL_SECONDS = 0.5


STILL_LOOKS = 30
"""Reports in a row (15 s at `POLL_SECONDS`, longer than a status report is reused) with the
same staged changes, none taken by a feed, that count as none."""


def finished(report: dict[str, Any], *, staged_still: int = 0) -> bool:
    """Every SKU evaluated, nothing queued, no feed in flight, and nothing staged for a feed
    — or the same staged changes for `STILL_LOOKS` reports in a row (`staged_still`: how
    many; changes no feed takes must not hold the load open)."""
    load = report.get("initial_load") or {}
    pending = report.get("pending") or {}
    queues = pending.get("queues") or {}
    return (
        load.get("status") == "done"
        and not pending.get("feeds_in_flight")
        and (not pending.get("staged_changes") or staged_still >= STILL_LOOKS)
        and queues.get("catalog", 0) == 0  # None: the broker could not count it
        and queues.get("feed", 0) == 0
    )


async def follow(report: Report, *, timeout: float, out: Any = None) -> dict[str, Any]:
    """Draw the progress bar from successive status reports until `finished`; returns the
    last report. Raises TimeoutError after `timeout` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    bar = tqdm(total=0, unit="SKU", desc="initial load", file=out, dynamic_ncols=True)
    staged_before, still = None, 0
    try:
        while True:
            current = await report() or {}
            staged = (current.get("pending") or {}).get("staged_changes")
            still = still + 1 if staged == staged_before else 0
            staged_before = staged
            load = current.get("initial_load") or {}
            total = int(load.get("queued") or 0)
            if total != bar.total:
                bar.total = total
            bar.n = min(int(load.get("processed") or 0), total)
            by_state = (current.get("skus") or {}).get("by_state") or {}
            bar.set_postfix(live=by_state.get("live", 0), refresh=False)
            bar.refresh()
            if finished(current, staged_still=still):
                return current
            if loop.time() > deadline:
                raise TimeoutError(f"the load did not finish in {timeout:.0f} s")
            await asyncio.sleep(POLL_SECONDS)
    finally:
        bar.close()


def summary(report: dict[str, Any]) -> str:
    load = report.get("initial_load") or {}
    by_state = (report.get("skus") or {}).get("by_state") or {}
    lines = [
        f"store {report.get('store')}: {load.get('listed', 0)} SKUs in the trade policy, "
        f"{load.get('processed', 0)} evaluated",
        *(f"  {state:<16} {count}" for state, count in sorted(by_state.items())),
        f"feeds sent today: {(report.get('feeds') or {}).get('sent_today', 0)}, "
        f"feed quota left: {(report.get('feeds') or {}).get('quota_left')}",
    ]
    waiting = (report.get("pending") or {}).get("waiting_on_mapping")
    if waiting:
        lines.append(f"  {waiting} SKUs wait for a mapping (E4): map them and they go out")
    return "\n".join(lines)


async def load_remote(base_url: str, settings: Settings, store_id: str, timeout: float) -> int:
    async with admin_session(settings) as http:
        async with http.post(f"{base_url}/api/stores/{store_id}/load") as response:
            if response.status != 202:
                print(f"the service refused the load ({response.status}): {await response.text()}")
                return 2

        async def report() -> dict[str, Any] | None:
            async with http.get(f"{base_url}/api/stores/{store_id}/status") as response:
                response.raise_for_status()
                return await response.json()

        final = await follow(report, timeout=timeout)
    print(summary(final))
    return 0


async def load_in_process(settings: Settings, store_id: str, timeout: float) -> int:
    from handlers.store_status import start_load, status_report

    async def work(runtime: Runtime, store: Store) -> dict[str, Any]:
        await start_load(store_id, runtime.loads, runtime.broker)

        async def report() -> dict[str, Any] | None:
            return await status_report(store, **runtime.resources())

        return await follow(report, timeout=timeout)

    return await run_in_process(settings, store_id, work, summary)


async def run_load(settings: Settings, store_id: str, *, timeout: float = 3600.0) -> int:
    return await run_via_service_or_in_process(
        settings,
        "the load",
        lambda base: load_remote(base, settings, store_id, timeout),
        lambda: load_in_process(settings, store_id, timeout),
    )
