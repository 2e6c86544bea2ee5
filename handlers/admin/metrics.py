"""`GET /metrics`: Prometheus' text format (`prometheus-client`), behind METRICS_TOKEN
(`Authorization: Bearer <token>`).

Collected at scrape time from the database, the broker and this process's client pool:
SKUs per state, orders per state, queue depth per queue, dead letters, Seller Center
breaker states, request window and feed quota per seller, and the notification → live
lag of SKUs over the last 24 h as a histogram. Client-side numbers (breakers, quota) are
those of the process answering the scrape.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hmac
from collections.abc import Iterable, Iterator

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.registry import Collector

from app.broker import CONTEXTS, queue_name
from app.http_errors import ApiError
from app.storage import DEAD_LETTERS, ORDERS, SKU_STATES
from app.web_keys import BROKER, CLIENTS, SETTINGS, STORES
from handlers.admin.common import reader

BREAKER_STATES = ("closed", "open", "half-open")
LAG_BUCKETS = (1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0, 3600.0, float("inf"))


class _Families(Collector):
    """A registry collector over metric families built before the scrape."""

    def __init__(self, families: Iterable[Metric]) -> None:
        self._families = list(families)

    def collect(self) -> Iterator[Metric]:
        yield from self._families


def _histogram(name: str, doc: str, lags: list[tuple[str, float]]) -> HistogramMetricFamily:
    family = HistogramMetricFamily(name, doc, labels=["store"])
    by_store: dict[str, list[float]] = {}
    for store, seconds in lags:
        by_store.setdefault(store, []).append(seconds)
    for store, values in sorted(by_store.items()):
        buckets = [
            (("+Inf" if b == float("inf") else str(b)), sum(1 for v in values if v <= b))
            for b in LAG_BUCKETS
        ]
        family.add_metric([store], buckets, sum(values))
    return family


async def collect(request: web.Request) -> list[Metric]:
    read = reader(request)
    stores = await request.app[STORES].ids()
    families: list[Metric] = []

    skus = GaugeMetricFamily("vtex_linio_skus", "SKUs per state", labels=["store", "state"])
    for (store, state), n in sorted((await read.count_by_store(SKU_STATES, "status")).items()):
        skus.add_metric([store, state], n)
    families.append(skus)

    orders = GaugeMetricFamily(
        "vtex_linio_orders", "Orders in the ledger per state", labels=["store", "state"]
    )
    for (store, state), n in sorted((await read.count_by_store(ORDERS, "state")).items()):
        orders.add_metric([store, state], n)
    families.append(orders)

    dead = GaugeMetricFamily(
        "vtex_linio_dead_letters", "Dead letters waiting for replay", labels=["store", "queue"]
    )
    counts = await read.count_by_store(DEAD_LETTERS, "context", {"status": "dead"})
    for (store, context), n in sorted(counts.items()):
        dead.add_metric([store, context], n)
    families.append(dead)

    depth = GaugeMetricFamily(
        "vtex_linio_queue_depth", "Messages waiting per queue", labels=["store", "queue"]
    )
    broker = request.app[BROKER]
    for store in sorted(stores):
        for context in CONTEXTS:
            try:
                value = await asyncio.wait_for(broker.depth(queue_name(context, store)), 3)
            except Exception:  # queue not declared yet, broker away: no sample
                continue
            depth.add_metric([store, context], value)
    families.append(depth)

    breaker = GaugeMetricFamily(
        "vtex_linio_breaker_state",
        "Seller Center circuit breakers (1 for the current state)",
        labels=["store", "breaker", "state"],
    )
    quota = GaugeMetricFamily(
        "vtex_linio_feed_quota_left", "Feed calls Seller Center allows now", labels=["store"]
    )
    next_slot = GaugeMetricFamily(
        "vtex_linio_feed_quota_next_slot_seconds",
        "Seconds until the next feed call is allowed",
        labels=["store"],
    )
    window = GaugeMetricFamily(
        "vtex_linio_seller_center_calls_in_window",
        "Seller Center calls in the current rate-limit window",
        labels=["store"],
    )
    for store, client in sorted(request.app[CLIENTS].linio_clients().items()):
        health = client.health()
        for item in health.get("breakers") or []:
            for state in BREAKER_STATES:
                breaker.add_metric(
                    [store, str(item.get("name")), state], 1 if item.get("state") == state else 0
                )
        snapshot = health.get("feed_quota") or {}
        quota.add_metric([store], float(snapshot.get("tokens", 0)))
        next_slot.add_metric([store], float(snapshot.get("next_slot_in", 0)))
        window.add_metric([store], float((health.get("limiter") or {}).get("in_window", 0)))
    families += [breaker, quota, next_slot, window]

    since = dt.datetime.now(dt.UTC) - dt.timedelta(hours=24)
    families.append(
        _histogram(
            "vtex_linio_sku_sync_lag_seconds",
            "VTEX notification to live on Linio, SKUs live in the last 24 h",
            await read.sync_lags(since),
        )
    )
    return families


async def metrics(request: web.Request) -> web.Response:
    token = request.app[SETTINGS].metrics_token
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not token or not hmac.compare_digest(given.encode(), token.encode()):
        raise ApiError("metrics_unauthorized", headers={"WWW-Authenticate": "Bearer"})
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Families(await collect(request)))
    return web.Response(
        body=generate_latest(registry), headers={"Content-Type": CONTENT_TYPE_LATEST}
    )
