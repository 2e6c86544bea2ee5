"""Store status and initial load for scripts, monitoring and the CLI (dashboard credentials;
HTTP Basic accepted, like every non-public route).

- `GET /api/stores/{store}/status`: JSON with the store's SKU counts per state (the catalog
  consumer's `status` refined by the feed result: `live`, `rejected`, `in_flight`,
  `staged`, `pending_mapping`, `invalid`, `skipped`, `deactivated`, `pending`) and the SKUs
  held back with their reasons (the log code and problem codes; details in the seller
  log), the work
  pending per queue (`broker.depth`), staged changes and feeds in flight, SKUs waiting on a
  mapping, feeds sent on the seller's local day and the feed quota left (tokens of the
  free-call bucket when the feed owner last saved it), the initial load's progress, and
  how far taking SKUs offline got (`offline`: deactivated, confirmed by Seller Center,
  remaining — a store switched off shows its progress here), and `as_of`: when the report
  was made (UTC). A report is reused for 10 times what it took to make (at most 10 s), so
  polling it, at any rate, costs the database at most a tenth of its time (`StatusMemo`).
- `POST /api/stores/{store}/load`: start an initial load (a `StoreWork`), answers 202 with
  the load record; `vtex-linio load` calls it when a service is running (CLARIFICATIONS §2).
"""

from __future__ import annotations

import datetime as dt
import math
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from app.broker import Broker, BrokerUnavailable
from app.client_pool import ClientPool
from app.http_errors import ApiError
from app.storage import Storage
from app.web_keys import (
    BROKER,
    CLIENTS,
    FEED_SCHEDULER,
    LOADS,
    SKU_STATES,
    STORAGE,
    STORES,
)
from domain.catalog.feeds import FeedQuotaLedger, FeedScheduler
from domain.catalog.loads import InitialLoads
from domain.catalog.states import SkuStates
from domain.stores import Store
from domain.work import StoreWork


async def _store(request: web.Request) -> Store:
    store = await request.app[STORES].get(request.match_info["store"])
    if store is None:
        raise ApiError("not_found")
    return store


async def status_report(
    store: Store,
    *,
    sku_states: SkuStates,
    broker: Broker,
    feed_scheduler: FeedScheduler,
    storage: Storage,
    clients: ClientPool,
    loads: InitialLoads,
    **_: Any,
) -> dict[str, Any]:
    """The status document (see the module docstring); also what `vtex-linio load` prints
    when it runs in-process."""
    sid = store.store_id
    load = await loads.current(sid)
    summary = await sku_states.summary(sid, since=loads.started_at(load))
    by_state = summary.by_state
    queues = await broker.store_depths(sid)
    quota = await FeedQuotaLedger(storage.db).snapshot(sid, country=store.country)
    tokens = quota.get("tokens")
    free_calls = clients.linio(store).quota.free_calls
    return {
        "store": sid,
        "active": store.active,
        "skus": {
            "total": sum(by_state.values()),
            "by_state": by_state,
            "held_back": summary.held_back,
        },
        "pending": {
            "queues": queues,
            "staged_changes": await feed_scheduler.staging.count(sid),
            "feeds_in_flight": len(await feed_scheduler.records.in_flight(sid)),
            # from the summary's one read: `sku_states` has no status index to count by
            "waiting_on_mapping": by_state.get("pending_mapping", 0),
        },
        "feeds": {
            "day": quota["day"],
            "sent_today": quota["feeds_today"],
            "quota_left": free_calls if tokens is None else max(0, math.floor(tokens)),
        },
        "initial_load": await loads.progress(sid, record=load, processed=summary.evaluated_since),
        "offline": summary.offline,
        "as_of": dt.datetime.now(dt.UTC).isoformat(),
    }


class StatusMemo:
    """Status reports per store, each reused for `share` × the seconds it took to make (at
    most `cap`): at 5,000 SKUs a report reads every SKU state (about 0.3 s of database CPU
    on SecantusDB), and a progress bar polling twice a second would otherwise take the
    database from the load it watches. `forget` drops a store's report (a load started)."""

    def __init__(self, share: float = 10.0, cap: float = 10.0) -> None:
        self.share, self.cap = share, cap
        self._kept: dict[str, tuple[float, dict[str, Any]]] = {}

    async def get(
        self, store_id: str, make: Callable[[], Awaitable[dict[str, Any]]]
    ) -> dict[str, Any]:
        kept = self._kept.get(store_id)
        if kept is not None and kept[0] > time.monotonic():
            return kept[1]
        began = time.monotonic()
        report = await make()
        took = time.monotonic() - began
        self._kept[store_id] = (time.monotonic() + min(self.cap, self.share * took), report)
        return report

    def forget(self, store_id: str) -> None:
        self._kept.pop(store_id, None)


STATUS_MEMO = web.AppKey("status_memo", StatusMemo)


async def store_status(request: web.Request) -> web.Response:
    store = await _store(request)
    app = request.app
    report = await app[STATUS_MEMO].get(
        store.store_id,
        lambda: status_report(
            store,
            sku_states=app[SKU_STATES],
            broker=app[BROKER],
            feed_scheduler=app[FEED_SCHEDULER],
            storage=app[STORAGE],
            clients=app[CLIENTS],
            loads=app[LOADS],
        ),
    )
    return web.json_response(report)


async def start_load(store_id: str, loads: InitialLoads, broker: Broker) -> dict[str, Any]:
    """Record a new initial load and queue it (`StoreWork(initial_load)`). Raises
    `BrokerUnavailable` (a 503) when the broker did not take it: the record then says so
    rather than "listing" for ever."""
    record = await loads.start(store_id)
    try:
        await broker.publish_work(StoreWork(store_id, action="initial_load"))
    except BrokerUnavailable as exc:
        await loads.failed(store_id, f"not queued: {exc}")
        raise
    return record


async def store_load(request: web.Request) -> web.Response:
    store = await _store(request)
    record = await start_load(store.store_id, request.app[LOADS], request.app[BROKER])
    request.app[STATUS_MEMO].forget(store.store_id)
    return web.json_response(
        {
            "store": store.store_id,
            "initial_load": {**record, "started_at": str(record["started_at"])},
        },
        status=202,
    )
