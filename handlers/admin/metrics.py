"""`GET /metrics`: Prometheus' text format (`prometheus-client`), behind METRICS_TOKEN
(`Authorization: Bearer <token>`).

Collected at scrape time, so the worker and the web process may be separate and every
number still covers both:

- from the database (every process writes there): SKUs per state, SKUs the price guard
  holds, orders per state (the placement outcomes: `placed`, `integrated`, `held`,
  `placement_error`, …), dead letters, feeds per status, the feed quota left and the
  feeds sent today per store (as the feed owner last saved them), Seller Center calls per
  seller (a counter kept on the shared request window's slots, `app.seller_window`) and
  the calls in the current 3-s window, the notification → live lag of SKUs and the
  Linio order → VTEX order lag over the last 24 h (histograms);
- from the broker: depth and the age of the oldest waiting message per queue (its work's
  `at`); from the stall check (`app.broker.stalls`: the broker's counts and the workers'
  heartbeats): consumers per queue, stalled / unattended queues, seconds since progress;
- database commands and documents written per pipeline (`app.db_counts`): this process's
  counters, plus the other processes' last exported files when DB_COUNTS_DIR is set;
- from this process's client pool: circuit breaker states. Breakers live in each process
  (a process that never called Seller Center shows none): scrape each process that
  calls Seller Center, or read them as this process's view.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hmac
from collections.abc import Iterable, Iterator

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.registry import Collector

from app import db_counts
from app.broker import CONTEXTS, queue_name
from app.http_errors import ApiError
from app.storage import DEAD_LETTERS, FEEDS, ORDERS, SKU_STATES
from app.web_keys import BROKER, CLIENTS, QUEUE_MONITOR, SETTINGS, STORES
from clients.errors import ConfigError
from clients.linio.account import zone_for
from domain.dashboard import feed_quota_now
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


def _age(at: str | None, now: dt.datetime) -> float:
    """Seconds since `at` (ISO 8601; naive is UTC); 0 without one."""
    try:
        then = dt.datetime.fromisoformat(str(at)) if at else None
    except ValueError:
        then = None
    if then is None:
        return 0.0
    then = then if then.tzinfo else then.replace(tzinfo=dt.UTC)
    return max((now - then).total_seconds(), 0.0)


async def _queue_health(request: web.Request) -> list[Metric]:
    """The stall check's view of every queue (`app.broker.stalls`, at most ~10 s old)."""
    consumers = GaugeMetricFamily(
        "vtex_linio_queue_consumers",
        "Consumers attached per queue, every worker process counted (as the broker says)",
        labels=["store", "queue"],
    )
    bad = GaugeMetricFamily(
        "vtex_linio_queue_stalled",
        "1 while a queue has messages waiting and no consumer (state=unattended) or no "
        "progress for QUEUE_STALL_SECONDS (state=stalled); alert on any 1",
        labels=["store", "queue", "state"],
    )
    idle = GaugeMetricFamily(
        "vtex_linio_queue_seconds_since_progress",
        "Seconds since any consumer acknowledged a message of the queue or reported work on it",
        labels=["store", "queue"],
    )
    try:
        checked = await asyncio.wait_for(request.app[QUEUE_MONITOR].current(), 5)
    except Exception:  # broker or database away: no sample
        return [consumers, bad, idle]
    for health in checked:
        labels = [health.store_id, health.context]
        if health.consumers is not None:
            consumers.add_metric(labels, health.consumers)
        for state in ("stalled", "unattended"):
            bad.add_metric([*labels, state], 1.0 if health.state == state else 0.0)
        if health.idle_s is not None:
            idle.add_metric(labels, round(health.idle_s, 1))
        elif health.waiting or health.held:  # work, and it never moved: alerts must fire
            idle.add_metric(labels, float("inf"))
    return [consumers, bad, idle]


async def collect(request: web.Request) -> list[Metric]:
    read = reader(request)
    store_countries = {s.store_id: s.country for s in await request.app[STORES].list()}
    stores = list(store_countries)
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
    oldest = GaugeMetricFamily(
        "vtex_linio_queue_oldest_message_age_seconds",
        "Age of the oldest message waiting per queue (since its work was asked for)",
        labels=["store", "queue"],
    )
    broker = request.app[BROKER]
    now = dt.datetime.now(dt.UTC)
    for store in sorted(stores):
        for context in CONTEXTS:
            name = queue_name(context, store)
            try:
                value = await asyncio.wait_for(broker.depth(name), 3)
                at = await asyncio.wait_for(broker.oldest_at(name), 3)
            except Exception:  # queue not declared yet, broker away: no sample
                continue
            depth.add_metric([store, context], value)
            oldest.add_metric([store, context], _age(at, now))
    families += [depth, oldest]
    families += await _queue_health(request)

    held = GaugeMetricFamily(
        "vtex_linio_price_guard_held", "SKUs whose price the price guard holds", labels=["store"]
    )
    for store in sorted(stores):
        held.add_metric([store], await read.price_guard_count(store))
    feeds = GaugeMetricFamily(
        "vtex_linio_feeds", "Feeds recorded per Seller Center status", labels=["store", "status"]
    )
    for (store, status), n in sorted((await read.count_by_store(FEEDS, "status")).items()):
        feeds.add_metric([store, status], n)
    families += [held, feeds]

    quota = GaugeMetricFamily(
        "vtex_linio_feed_quota_left", "Feed calls Seller Center allows now", labels=["store"]
    )
    next_slot = GaugeMetricFamily(
        "vtex_linio_feed_quota_next_slot_seconds",
        "Seconds until the next feed call is allowed",
        labels=["store"],
    )
    today = GaugeMetricFamily(
        "vtex_linio_feeds_sent_today", "Feeds sent on the seller's local day", labels=["store"]
    )
    for store, doc in sorted((await read.feed_quotas()).items()):
        now_quota = feed_quota_now(doc, store_countries.get(store, ""))
        quota.add_metric([store], now_quota["tokens"])
        next_slot.add_metric([store], now_quota["next_slot_in"])
        today.add_metric([store], now_quota["feeds_today"])
    families += [quota, next_slot, today]

    calls = CounterMetricFamily(
        "vtex_linio_seller_center_calls",
        "Seller Center requests per seller, every process together",
        labels=["seller"],
    )
    window = GaugeMetricFamily(
        "vtex_linio_seller_center_calls_in_window",
        "Seller Center requests in the current 3-s window per seller, every process together",
        labels=["seller"],
    )
    for seller, numbers in sorted((await read.seller_calls()).items()):
        calls.add_metric([seller], numbers["calls"])
        window.add_metric([seller], numbers["in_window"])
    families += [calls, window]

    breaker = GaugeMetricFamily(
        "vtex_linio_breaker_state",
        "Seller Center circuit breakers of this process (1 for the current state)",
        labels=["store", "breaker", "state"],
    )
    for store, client in sorted(request.app[CLIENTS].linio_clients().items()):
        for item in client.health().get("breakers") or []:
            for state in BREAKER_STATES:
                breaker.add_metric(
                    [store, str(item.get("name")), state], 1 if item.get("state") == state else 0
                )
    families.append(breaker)

    since = dt.datetime.now(dt.UTC) - dt.timedelta(hours=24)
    families.append(
        _histogram(
            "vtex_linio_sku_sync_lag_seconds",
            "VTEX notification to live on Linio, SKUs live in the last 24 h",
            await read.sync_lags(since),
        )
    )
    zones = {}
    for store, country in store_countries.items():
        try:
            zones[store] = zone_for(country)
        except ConfigError:
            continue
    families.append(
        _histogram(
            "vtex_linio_order_lag_seconds",
            "Linio order to VTEX order, orders VTEX created in the last 24 h",
            await read.order_lags(since, zones),
        )
    )
    return families


def database_commands(counts: db_counts.Counts) -> list[Metric]:
    """The command listener's counters (`app.db_counts`) as two counter families."""
    commands = CounterMetricFamily(
        "vtex_linio_db_commands",
        "Database commands sent, per pipeline, collection and command",
        labels=["pipeline", "collection", "command"],
    )
    for key, n in sorted(counts.commands.items()):
        commands.add_metric(list(key), n)
    written = CounterMetricFamily(
        "vtex_linio_db_documents_written",
        "Documents inserted, modified, upserted or deleted, per pipeline and collection",
        labels=["pipeline", "collection"],
    )
    by_collection: dict[tuple[str, str], int] = {}
    for (pipeline, collection, _), n in counts.documents.items():
        by_collection[(pipeline, collection)] = by_collection.get((pipeline, collection), 0) + n
    for key, n in sorted(by_collection.items()):
        written.add_metric(list(key), n)
    return [commands, written]


async def metrics(request: web.Request) -> web.Response:
    token = request.app[SETTINGS].metrics_token
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not token or not hmac.compare_digest(given.encode(), token.encode()):
        raise ApiError("metrics_unauthorized", headers={"WWW-Authenticate": "Bearer"})
    registry = CollectorRegistry(auto_describe=False)
    families = await collect(request)
    families += database_commands(db_counts.merged(request.app[SETTINGS].db_counts_dir))
    registry.register(_Families(families))
    return web.Response(
        body=generate_latest(registry), headers={"Content-Type": CONTENT_TYPE_LATEST}
    )
